#define HQ_CAIRO_ONDEMAND_IMPL
#include "cairo_ondemand.h"

#include "ondemand.h"

static struct hq_cairo_api api;
static const char *const names[] = {
#define HQ_CAIRO_NAME_(f) #f,
    HQ_CAIRO_FUNCTIONS(HQ_CAIRO_NAME_)
#undef HQ_CAIRO_NAME_
};
_Static_assert(sizeof api == sizeof names, "one pointer per listed function");
static struct hq_ondemand_lib lib =
    HQ_ONDEMAND_LIB(HQ_CAIRO_SONAME, "HQSIM_CAIRO_LIB", "PNG figures need cairo", names, api);

int hq_cairo_load(char *err, size_t errlen) {
    return hq_ondemand_load(&lib, err, errlen);
}

const struct hq_cairo_api *hq_cairo(void) {
    return &api;
}
