/* GSL loaded on first use (ondemand.h): the GSL functions and objects hqsim calibrate calls,
 * each name redirected to a table that the first use fills. Include this instead of GSL's
 * headers; a name not listed here fails to link (no libgsl on the link line). */
#ifndef HQ_GSL_ONDEMAND_H
#define HQ_GSL_ONDEMAND_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>
#include <stddef.h>

// clang-format off
#define HQ_GSL_FUNCTIONS(X) \
    X(gsl_set_error_handler) \
    X(gsl_set_error_handler_off) \
    X(gsl_vector_alloc) \
    X(gsl_vector_free) \
    X(gsl_vector_get) \
    X(gsl_vector_set) \
    X(gsl_multimin_fminimizer_alloc) \
    X(gsl_multimin_fminimizer_free) \
    X(gsl_multimin_fminimizer_set) \
    X(gsl_multimin_fminimizer_iterate) \
    X(gsl_multimin_fminimizer_x) \
    X(gsl_multimin_fminimizer_size) \
    X(gsl_multimin_test_size)

// clang-format on

struct hq_gsl_api {
#define HQ_GSL_MEMBER_(f) __typeof__(&f) f;
    HQ_GSL_FUNCTIONS(HQ_GSL_MEMBER_)
#undef HQ_GSL_MEMBER_
    /* an object: the address of GSL's pointer to the simplex method's type */
    __typeof__(&gsl_multimin_fminimizer_nmsimplex2) nmsimplex2;
};

/* Loads GSL once (thread-safe; $HQSIM_GSL_LIB, when set, names the file instead of the SONAME
 * built against). Returns 0, or -1 with the reason in err (every later call too). */
int hq_gsl_load(char *err, size_t errlen);
/* The table: only after hq_gsl_load returned 0. */
const struct hq_gsl_api *hq_gsl(void);

#ifndef HQ_GSL_ONDEMAND_IMPL
// clang-format off
#define gsl_set_error_handler (hq_gsl()->gsl_set_error_handler)
#define gsl_set_error_handler_off (hq_gsl()->gsl_set_error_handler_off)
#define gsl_vector_alloc (hq_gsl()->gsl_vector_alloc)
#define gsl_vector_free (hq_gsl()->gsl_vector_free)
#define gsl_vector_get (hq_gsl()->gsl_vector_get)
#define gsl_vector_set (hq_gsl()->gsl_vector_set)
#define gsl_multimin_fminimizer_alloc (hq_gsl()->gsl_multimin_fminimizer_alloc)
#define gsl_multimin_fminimizer_free (hq_gsl()->gsl_multimin_fminimizer_free)
#define gsl_multimin_fminimizer_set (hq_gsl()->gsl_multimin_fminimizer_set)
#define gsl_multimin_fminimizer_iterate (hq_gsl()->gsl_multimin_fminimizer_iterate)
#define gsl_multimin_fminimizer_x (hq_gsl()->gsl_multimin_fminimizer_x)
#define gsl_multimin_fminimizer_size (hq_gsl()->gsl_multimin_fminimizer_size)
#define gsl_multimin_test_size (hq_gsl()->gsl_multimin_test_size)
#define gsl_multimin_fminimizer_nmsimplex2 (*hq_gsl()->nmsimplex2)
// clang-format on
#endif

#endif
