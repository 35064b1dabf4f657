/* Safe output files (out_file.h). */
#define _GNU_SOURCE /* mkostemp */
#include "out_file.h"

#include "hq_error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Follows symlinks one hop at a time (also a dangling one: its target is what a plain open
 * would create). Returns a malloc'd path, or NULL with errno set. */
static char *resolve_links(const char *path) {
    char *p = strdup(path);
    for (int hops = 0; p && hops < 40; hops++) {
        struct stat st;
        if (lstat(p, &st) || !S_ISLNK(st.st_mode)) return p;
        char link[PATH_MAX];
        ssize_t n = readlink(p, link, sizeof link - 1);
        if (n < 0) {
            free(p);
            return NULL;
        }
        link[n] = '\0';
        char *next;
        const char *slash = strrchr(p, '/');
        if (link[0] == '/' || !slash) {
            next = strdup(link);
        } else { /* relative to the link's directory */
            size_t dir = (size_t)(slash - p) + 1;
            next = malloc(dir + (size_t)n + 1);
            if (next) {
                memcpy(next, p, dir);
                memcpy(next + dir, link, (size_t)n + 1);
            }
        }
        free(p);
        p = next;
    }
    if (p) {
        free(p);
        errno = ELOOP;
    }
    return NULL;
}

static void release(hq_out *o) {
    free(o->path);
    free(o->target);
    free(o->tmp);
    o->f = NULL;
    o->path = o->target = o->tmp = NULL;
}

/* A device, FIFO or socket: opened in place. A FIFO is opened without blocking, so one with
 * no reader is an error instead of a hang. */
static int open_in_place(hq_out *o, const struct stat *st, int mode, char *err, size_t errlen) {
    const int is_fifo = S_ISFIFO(st->st_mode);
    int fd = open(o->target, O_WRONLY | O_CLOEXEC | (is_fifo ? O_NONBLOCK : 0) |
                                 (S_ISREG(st->st_mode) && mode == HQ_OUT_STREAM ? O_TRUNC : 0));
    if (fd < 0) {
        int e = errno;
        return hq_errf(err, errlen, "%s: cannot write (%s)", o->path,
                       is_fifo && e == ENXIO ? "a FIFO with no reader" : strerror(e));
    }
    if (is_fifo) (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        return hq_errf(err, errlen, "%s: cannot write (%s)", o->path, strerror(e));
    }
    return 0;
}

/* A temporary beside the target, with the mode a plain create (or the existing file) has. */
static int open_temporary(hq_out *o, const struct stat *existing, char *err, size_t errlen) {
    size_t n = strlen(o->target);
    o->tmp = malloc(n + 16);
    if (!o->tmp) return hq_errf(err, errlen, "%s: out of memory", o->path);
    memcpy(o->tmp, o->target, n);
    memcpy(o->tmp + n, ".hqtmp-XXXXXX", 14);
    int fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return hq_errf(err, errlen, "%s: cannot create a file in its directory (%s)", o->path,
                       strerror(e));
    }
    mode_t perm;
    if (existing) {
        perm = existing->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        perm = 0666 & ~mask;
    }
    (void)fchmod(fd, perm);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        return hq_errf(err, errlen, "%s: cannot write (%s)", o->path, strerror(e));
    }
    return 0;
}

int hq_out_open(hq_out *o, const char *path, int mode, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    if (!path || !*path) return hq_errf(err, errlen, "empty output file name");
    o->path = strdup(path);
    o->target = resolve_links(path);
    if (!o->path || !o->target) {
        int e = errno;
        release(o);
        return hq_errf(err, errlen, "%s: cannot resolve (%s)", path, strerror(e));
    }
    struct stat st;
    int rc;
    if (stat(o->target, &st)) {
        if (errno != ENOENT) {
            int e = errno;
            release(o);
            return hq_errf(err, errlen, "%s: %s", path, strerror(e));
        }
        if (mode == HQ_OUT_STREAM) {
            int fd = open(o->target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            o->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
            if (!o->f) {
                int e = errno;
                if (fd >= 0) close(fd);
                release(o);
                return hq_errf(err, errlen, "%s: cannot create (%s)", path, strerror(e));
            }
            return 0;
        }
        rc = open_temporary(o, NULL, err, errlen);
    } else if (S_ISDIR(st.st_mode)) {
        release(o);
        return hq_errf(err, errlen, "%s: is a directory, expected a file name", path);
    } else if (S_ISREG(st.st_mode) && mode == HQ_OUT_ATOMIC) {
        rc = open_temporary(o, &st, err, errlen);
    } else {
        rc = open_in_place(o, &st, mode, err, errlen);
    }
    if (rc) release(o);
    return rc;
}

int hq_out_close(hq_out *o, char *err, size_t errlen) {
    if (!o->f) {
        release(o);
        return hq_errf(err, errlen, "output file not open");
    }
    int bad = ferror(o->f), e = bad ? EIO : 0;
    if (fflush(o->f) && !bad) {
        bad = 1;
        e = errno;
    }
    if (fclose(o->f) && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp && rename(o->tmp, o->target)) {
        bad = 1;
        e = errno;
    }
    int rc = 0;
    if (bad) {
        if (o->tmp) unlink(o->tmp);
        rc = hq_errf(err, errlen, "%s: write failed (%s)", o->path,
                     e == ENOSPC ? "disk full" : strerror(e));
    }
    release(o);
    return rc;
}

void hq_out_abort(hq_out *o) {
    if (o->f) fclose(o->f);
    if (o->tmp) unlink(o->tmp);
    release(o);
}

int hq_out_check(const char *path, char *err, size_t errlen) {
    if (!path || !*path) return hq_errf(err, errlen, "empty output file name");
    char *target = resolve_links(path);
    if (!target) return hq_errf(err, errlen, "%s: cannot resolve (%s)", path, strerror(errno));
    struct stat st;
    int exists = !stat(target, &st);
    free(target);
    if (exists && S_ISDIR(st.st_mode))
        return hq_errf(err, errlen, "%s: is a directory, expected a file name", path);
    if (exists && !S_ISREG(st.st_mode)) return 0; /* written in place when the time comes */
    hq_out o;
    if (hq_out_open(&o, path, HQ_OUT_ATOMIC, err, errlen)) return -1;
    hq_out_abort(&o);
    return 0;
}

FILE *hq_out_open_stream(const char *path, char *err, size_t errlen) {
    hq_out o;
    if (hq_out_open(&o, path, HQ_OUT_STREAM, err, errlen)) return NULL;
    FILE *f = o.f;
    release(&o); /* stream mode has no temporary: only the names to free */
    return f;
}

int hq_out_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen) {
    hq_out o;
    if (hq_out_open(&o, path, HQ_OUT_ATOMIC, err, errlen)) return -1;
    if (len && fwrite(data, 1, len, o.f) != len) {
        int e = errno;
        hq_out_abort(&o);
        return hq_errf(err, errlen, "%s: write failed (%s)", path,
                       e == ENOSPC ? "disk full" : strerror(e));
    }
    return hq_out_close(&o, err, errlen);
}
