/* Shared libraries loaded on first use (dlopen) instead of at start-up. cairo (PNG figures) and
 * GSL (hqsim calibrate's fit) and the ~20 libraries they pull in (X11, fontconfig, freetype,
 * pixman, ...) cost every hqsim process ~2.4 MB of resident pages and their relocations at
 * start-up, though only the commands that draw or fit use them (issue 16: peak memory of
 * `hqsim run`). Each such library has a header listing the functions the project calls
 * (cairo_ondemand.h, gsl_ondemand.h): its calls go through a table filled here on first use.
 * The SONAME is the one the build compiled against (CMake: hq_soname). Each public entry point
 * that draws or fits loads its library first and returns an error if it cannot, so a missing
 * library fails only the commands that need it, with a message naming it (before, hqsim did not
 * start at all). */
#ifndef HQ_ONDEMAND_H
#define HQ_ONDEMAND_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opens `soname` (or the file named by the environment variable `env_override`, when set and
 * not empty) and resolves the n symbols `names` into fns. Returns 0, or -1 with a message
 * naming the library and the missing symbol in err. */
int hq_ondemand_open(const char *soname, const char *env_override, const char *const *names,
                     void **fns, size_t n, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
