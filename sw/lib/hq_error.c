#include "hq_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

int hq_errf(char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static hq_note_sink note_sink;
static void *note_ctx;

void hq_note_set_sink(hq_note_sink sink, void *ctx) {
    note_sink = sink;
    note_ctx = ctx;
}

int hq_note_to_terminal(void) {
    return !note_sink && isatty(fileno(stderr));
}

void hq_notef(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (note_sink) {
        char text[512];
        vsnprintf(text, sizeof text, fmt, ap);
        note_sink(text, note_ctx);
    } else {
        vfprintf(stderr, fmt, ap);
        fflush(stderr);
    }
    va_end(ap);
}
