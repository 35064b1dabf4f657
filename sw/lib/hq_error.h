/* Error reporting convention of libhq: functions return -1 and write a one-line message
 * (naming the file, key or value at fault) into a caller-supplied buffer. */
#ifndef HQ_ERROR_H
#define HQ_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats the message into err (when err and errlen are non-zero) and returns -1. */
int hq_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
