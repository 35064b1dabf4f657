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

#include <pthread.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One library loaded on demand: its table is `n` pointer-sized members (function pointers,
 * or the address of a data object), filled in the order of `names`. Define it static with
 * HQ_ONDEMAND_LIB; hq_ondemand_load loads it once (thread-safe) and remembers a failure. */
struct hq_ondemand_lib {
    const char *soname; /* the one built against (CMake hq_soname) */
    const char *env;    /* an environment variable naming another file, when set */
    const char *what;   /* starts the error message: "PNG figures need cairo" */
    const char *const *names;
    size_t n;
    void *table;
    pthread_mutex_t mu;
    int state; /* 0: not tried, 1: loaded, -1: failed (err says why) */
    char err[400];
};
#define HQ_ONDEMAND_LIB(soname, env, what, names, table)                                           \
    {                                                                                              \
        soname, env, what, names, sizeof names / sizeof names[0], &table,                          \
            PTHREAD_MUTEX_INITIALIZER, 0, ""                                                       \
    }

/* Returns 0 once the library is loaded and its table filled, or -1 with "<what>: <reason>" in
 * err (the reason names the file and, if it lacks one, the symbol). */
int hq_ondemand_load(struct hq_ondemand_lib *lib, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
