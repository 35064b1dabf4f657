/* Error reporting convention of libhq, the one path for every library function:
 *   - a function that can fail returns -1 (or NULL) and writes a one-line message (naming the
 *     file, key or value at fault) into a caller-supplied buffer err[errlen], through hq_errf;
 *   - kernels whose only failure is running out of memory (reference.h, nn/) return -1 with no
 *     message; their caller reports it through hq_errf;
 *   - the library never prints an error, never aborts and never exits: the caller decides.
 * The only text libhq writes itself is what a caller asked for with a verbose option
 * (progress of training, calibration, maps): it goes through hq_notef, to stderr unless the
 * caller installs a sink. */
#ifndef HQ_ERROR_H
#define HQ_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats the message into err (when err and errlen are non-zero) and returns -1. */
int hq_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes verbose output (progress, diagnostics) exactly as formatted (no newline added; a
 * '\r' rewrites a terminal line) to the sink, by default stderr, flushed at once. */
void hq_notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sends hq_notef text to sink(text, ctx) instead (NULL: back to stderr). Not thread-safe:
 * set it before the library runs. */
typedef void (*hq_note_sink)(const char *text, void *ctx);
void hq_note_set_sink(hq_note_sink sink, void *ctx);
/* True when hq_notef text goes to stderr and stderr is a terminal (progress lines may then
 * be rewritten in place). */
int hq_note_to_terminal(void);

#ifdef __cplusplus
}
#endif

#endif
