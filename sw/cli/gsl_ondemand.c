#define HQ_GSL_ONDEMAND_IMPL
#include "gsl_ondemand.h"

#include "ondemand.h"

static struct hq_gsl_api api;
static const char *const names[] = {
#define HQ_GSL_NAME_(f) #f,
    HQ_GSL_FUNCTIONS(HQ_GSL_NAME_)
#undef HQ_GSL_NAME_
        "gsl_multimin_fminimizer_nmsimplex2", /* api.nmsimplex2, the last member */
};
_Static_assert(sizeof api == sizeof names, "one pointer per listed name");
static struct hq_ondemand_lib lib =
    HQ_ONDEMAND_LIB(HQ_GSL_SONAME, "HQSIM_GSL_LIB", "the fit needs GSL", names, api);

int hq_gsl_load(char *err, size_t errlen) {
    return hq_ondemand_load(&lib, err, errlen);
}

const struct hq_gsl_api *hq_gsl(void) {
    return &api;
}
