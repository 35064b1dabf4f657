#define HQ_GSL_ONDEMAND_IMPL
#include "gsl_ondemand.h"

#include "ondemand.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static struct hq_gsl_api api;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int load_rc;
static char load_err[512];

static void load(void) {
    static const char *const names[] = {
#define HQ_GSL_NAME_(f) #f,
        HQ_GSL_FUNCTIONS(HQ_GSL_NAME_)
#undef HQ_GSL_NAME_
        "gsl_multimin_fminimizer_nmsimplex2",
    };
    void *fns[sizeof names / sizeof names[0]];
    load_rc = hq_ondemand_open(HQ_GSL_SONAME, "HQSIM_GSL_LIB", names, fns,
                               sizeof names / sizeof names[0], load_err, sizeof load_err);
    if (load_rc) return;
    size_t i = 0;
    /* the table's members in the list's order (dlsym's object pointer into a function
     * pointer: copied, as POSIX allows) */
#define HQ_GSL_SET_(f) memcpy(&api.f, &fns[i++], sizeof api.f);
    HQ_GSL_FUNCTIONS(HQ_GSL_SET_)
#undef HQ_GSL_SET_
    api.nmsimplex2 = (__typeof__(api.nmsimplex2))fns[i];
}

int hq_gsl_load(char *err, size_t errlen) {
    pthread_once(&once, load);
    if (load_rc) {
        snprintf(err, errlen, "the fit needs GSL: %s", load_err);
        return -1;
    }
    return 0;
}

const struct hq_gsl_api *hq_gsl(void) {
    return &api;
}
