/* Output files written safely: every writer of hqsim (models, packed weights, maps, reports,
 * traces, UART and instruction logs) opens its output here.
 *
 * A path that names a regular file, or nothing yet, after its symlinks are followed, is
 * written to a temporary file beside that target and renamed over it on hq_out_close, so a
 * failed or interrupted write never leaves a half-written file and a symlink keeps pointing
 * at its (now updated) target. Anything else -- a character device such as /dev/null, or a
 * FIFO with a reader -- is written in place, never replaced. A directory, or a FIFO nobody
 * reads, is refused with a clear error. HQ_OUT_STREAM writes regular files in place too
 * (truncated first), for logs that are read while the simulation runs. */
#ifndef HQ_OUT_FILE_H
#define HQ_OUT_FILE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { HQ_OUT_ATOMIC = 0, HQ_OUT_STREAM = 1 };

typedef struct hq_out {
    FILE *f;      /* write here */
    char *path;   /* the name given (for messages) */
    char *target; /* the resolved file the data ends in */
    char *tmp;    /* the temporary beside target; NULL when written in place */
} hq_out;

/* 0, or -1 with "PATH: why" in err. */
int hq_out_open(hq_out *o, const char *path, int mode, char *err, size_t errlen);
/* Flushes, closes and (atomic mode) renames into place; on any failure removes the temporary
 * and returns -1 with the reason. Always releases o. */
int hq_out_close(hq_out *o, char *err, size_t errlen);
/* Abandons the output: closes, removes the temporary, leaves the target untouched. */
void hq_out_abort(hq_out *o);
/* Checks, before long work, that hq_out_open(path, HQ_OUT_ATOMIC) would succeed: a directory
 * is refused, and for a regular file (or a new name) a temporary is created beside the target
 * and removed. Devices and FIFOs are not opened (that would signal end of data to a reader).
 * 0, or -1 with the reason. */
int hq_out_check(const char *path, char *err, size_t errlen);
/* HQ_OUT_STREAM as a plain FILE * the caller fcloses, or NULL with the reason in err. */
FILE *hq_out_open_stream(const char *path, char *err, size_t errlen);
/* One buffer to one file, atomically. */
int hq_out_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
