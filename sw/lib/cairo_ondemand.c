#define HQ_CAIRO_ONDEMAND_IMPL
#include "cairo_ondemand.h"

#include "hq_error.h"
#include "ondemand.h"

#include <pthread.h>
#include <string.h>

static struct hq_cairo_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int load_rc;
static char load_err[512];

static void load(void) {
    static const char *const names[] = {
#define HQ_CAIRO_NAME_(f) #f,
        HQ_CAIRO_FUNCTIONS(HQ_CAIRO_NAME_)
#undef HQ_CAIRO_NAME_
    };
    void *fns[sizeof names / sizeof names[0]];
    load_rc = hq_ondemand_open(HQ_CAIRO_SONAME, "HQSIM_CAIRO_LIB", names, fns,
                               sizeof names / sizeof names[0], load_err, sizeof load_err);
    if (load_rc) return;
    size_t i = 0;
    /* the table's members in the list's order (dlsym's object pointer into a function
     * pointer: copied, as POSIX allows) */
#define HQ_CAIRO_SET_(f) memcpy(&api.f, &fns[i++], sizeof api.f);
    HQ_CAIRO_FUNCTIONS(HQ_CAIRO_SET_)
#undef HQ_CAIRO_SET_
}

int hq_cairo_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (load_rc) return hq_errf(err, errlen, "PNG figures need cairo: %s", load_err);
    return 0;
}

const struct hq_cairo_api *hq_cairo(void) {
    return &api;
}
