/* Fashion-MNIST loader: gzip-compressed IDX files (big-endian header, then raw bytes). */
#include "hq_error.h"
#include "dataset.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_MAGIC_LABELS 0x00000801u /* unsigned byte, 1 dimension */
#define IDX_MAGIC_IMAGES 0x00000803u /* unsigned byte, 3 dimensions */
#define IDX_MAX_BYTES (256u << 20)   /* refuse absurd files rather than exhaust memory */
#define N_CLASSES 10
#define PACKAGE_HINT                                                                               \
    "Fashion-MNIST comes from the Debian package dataset-fashion-mnist "                           \
    "(apt-get install dataset-fashion-mnist, or run scripts/setup)"

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...) {
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return hq_errf(err, errlen, "%s: %s. %s", path, what, PACKAGE_HINT);
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads and decompresses a whole .gz file (a plain file is read as is, which the magic check
 * then rejects if it is not IDX). */
static int read_gz(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen) {
    gzFile f = gzopen(path, "rb");
    if (!f) return fail(err, errlen, path, "cannot open (%s)", strerror(errno ? errno : ENOENT));
    gzbuffer(f, 1 << 17);
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        gzclose(f);
        return fail(err, errlen, path, "out of memory");
    }
    for (;;) {
        if (n == cap) {
            if (cap >= IDX_MAX_BYTES) {
                free(buf);
                gzclose(f);
                return fail(err, errlen, path, "larger than %u MiB once decompressed",
                            IDX_MAX_BYTES >> 20);
            }
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                gzclose(f);
                return fail(err, errlen, path, "out of memory");
            }
            buf = bigger;
            cap *= 2;
        }
        int got = gzread(f, buf + n, (unsigned)(cap - n));
        if (got < 0) {
            int zerr;
            const char *msg = gzerror(f, &zerr);
            int rc = fail(err, errlen, path, "corrupt gzip data (%s)", msg);
            free(buf);
            gzclose(f);
            return rc;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    /* zlib reports a stream cut short only as a clean end of file: ask it explicitly. */
    int zerr = Z_OK;
    const char *msg = gzerror(f, &zerr);
    if (zerr != Z_OK && zerr != Z_STREAM_END) {
        int rc = fail(err, errlen, path, "corrupt or truncated gzip data (%s)", msg);
        free(buf);
        gzclose(f);
        return rc;
    }
    if (gzclose(f) != Z_OK) {
        free(buf);
        return fail(err, errlen, path, "truncated or corrupt gzip stream");
    }
    *out = buf;
    *len = n;
    return 0;
}

static int parse_images(hq_dataset *d, const char *path, const uint8_t *buf, size_t len, char *err,
                        size_t errlen) {
    if (len < 4) return fail(err, errlen, path, "truncated IDX header (%zu bytes, need 16)", len);
    uint32_t magic = be32(buf);
    if (magic != IDX_MAGIC_IMAGES)
        return fail(err, errlen, path, "wrong magic 0x%08x (expected 0x%08x, an IDX image file)",
                    magic, IDX_MAGIC_IMAGES);
    if (len < 16) return fail(err, errlen, path, "truncated IDX header (%zu bytes, need 16)", len);
    uint32_t n = be32(buf + 4), rows = be32(buf + 8), cols = be32(buf + 12);
    if (n == 0 || rows == 0 || cols == 0 || rows > 1024 || cols > 1024 || n > (1u << 24))
        return fail(err, errlen, path, "implausible dimensions %u x %u x %u", n, rows, cols);
    size_t want = (size_t)n * rows * cols;
    if (len - 16 < want)
        return fail(err, errlen, path,
                    "truncated: header announces %u images of %ux%u (%zu bytes), "
                    "file holds %zu",
                    n, rows, cols, want, len - 16);
    if (len - 16 > want)
        return fail(err, errlen, path, "%zu bytes of trailing garbage after %u images",
                    len - 16 - want, n);
    d->images = malloc(want);
    if (!d->images) return fail(err, errlen, path, "out of memory");
    memcpy(d->images, buf + 16, want);
    d->n = (int)n;
    d->rows = (int)rows;
    d->cols = (int)cols;
    return 0;
}

static int parse_labels(hq_dataset *d, const char *path, const uint8_t *buf, size_t len, char *err,
                        size_t errlen) {
    if (len < 4) return fail(err, errlen, path, "truncated IDX header (%zu bytes, need 8)", len);
    uint32_t magic = be32(buf);
    if (magic != IDX_MAGIC_LABELS)
        return fail(err, errlen, path, "wrong magic 0x%08x (expected 0x%08x, an IDX label file)",
                    magic, IDX_MAGIC_LABELS);
    if (len < 8) return fail(err, errlen, path, "truncated IDX header (%zu bytes, need 8)", len);
    uint32_t n = be32(buf + 4);
    if (len - 8 < n)
        return fail(err, errlen, path, "truncated: header announces %u labels, file holds %zu", n,
                    len - 8);
    if (len - 8 > n)
        return fail(err, errlen, path, "%zu bytes of trailing garbage after %u labels", len - 8 - n,
                    n);
    if ((int)n != d->n)
        return fail(err, errlen, path, "holds %u labels but the image file holds %d images", n,
                    d->n);
    for (uint32_t i = 0; i < n; i++)
        if (buf[8 + i] >= N_CLASSES)
            return fail(err, errlen, path, "label %u of image %u is out of range [0, %d]",
                        buf[8 + i], i, N_CLASSES - 1);
    d->labels = malloc(n ? n : 1);
    if (!d->labels) return fail(err, errlen, path, "out of memory");
    memcpy(d->labels, buf + 8, n);
    return 0;
}

int hq_dataset_load_files(hq_dataset *d, const char *images_gz, const char *labels_gz, char *err,
                          size_t errlen) {
    memset(d, 0, sizeof *d);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_gz(images_gz, &buf, &len, err, errlen)) return -1;
    int rc = parse_images(d, images_gz, buf, len, err, errlen);
    free(buf);
    buf = NULL;
    if (!rc) rc = read_gz(labels_gz, &buf, &len, err, errlen);
    if (!rc) rc = parse_labels(d, labels_gz, buf, len, err, errlen);
    free(buf);
    if (rc) hq_dataset_free(d);
    return rc;
}

int hq_dataset_load(hq_dataset *d, const char *dir, hq_split split, char *err, size_t errlen) {
    if (!dir) {
        dir = getenv("HQSIM_DATASET_DIR");
        if (!dir || !*dir) dir = HQSIM_DATASET_DIR;
    }
    const char *prefix = split == HQ_SPLIT_TRAIN ? "train" : "t10k";
    int expect = split == HQ_SPLIT_TRAIN ? 60000 : 10000;
    char img[4096], lbl[4096];
    snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(lbl, sizeof lbl, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    if (hq_dataset_load_files(d, img, lbl, err, errlen)) return -1;
    if (d->n != expect || d->rows != 28 || d->cols != 28) {
        fail(err, errlen, img, "holds %d images of %dx%d, expected %d of 28x28 for the %s split",
             d->n, d->rows, d->cols, expect, prefix);
        hq_dataset_free(d);
        return -1;
    }
    return 0;
}

void hq_dataset_free(hq_dataset *d) {
    if (!d) return;
    free(d->images);
    free(d->labels);
    memset(d, 0, sizeof *d);
}
