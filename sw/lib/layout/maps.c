/* PNG weight maps (maps.h). */
#include "layout/maps.h"
#include "png_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void colour(const hq_qlayer *q, int r, long i, uint8_t rgb[3])
{
    int cmax, c;
    if (q->lo_bits && q->is_hi[i]) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        return;
    }
    if (q->lo_bits) {
        cmax = q->lo_bits == 1 ? 1 : (1 << (q->lo_bits - 1)) - 1;
        c = q->w[i] / (1 << q->lo_shift[r]);
    } else {
        cmax = q->hi_bits == 4 ? 7 : 127;
        c = q->w[i];
    }
    if (c == 0) {
        rgb[0] = rgb[1] = rgb[2] = 235;
        return;
    }
    /* 0.35..1 of full saturation with |c| */
    double t = 0.35 + 0.65 * (double)(c < 0 ? -c : c) / cmax;
    uint8_t fade = (uint8_t)(235 * (1.0 - t));
    if (c > 0) {
        rgb[0] = 220;
        rgb[1] = rgb[2] = fade;
    } else {
        rgb[0] = rgb[1] = fade;
        rgb[2] = 220;
    }
}

int hq_map_write_png(const hq_qlayer *q, int rows, int cols, const char *path, char *err,
                     size_t errlen)
{
    uint8_t *rgb = malloc((size_t)rows * cols * 3);
    if (!rgb) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            colour(q, r, (long)r * cols + j, rgb + 3 * ((size_t)r * cols + j));
    int rc = hq_png_write_rgb(path, cols, rows, rgb, err, errlen);
    free(rgb);
    return rc;
}

int hq_map_write_model(const hq_model *m, const char *dir, int verbose, char *err,
                       size_t errlen)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (!L->q)
            continue;
        char path[4096];
        const size_t n = strlen(dir);
        snprintf(path, sizeof path, "%s%slayer%d.png", dir, n && dir[n - 1] == '/' ? "" : "/", l);
        if (hq_map_write_png(L->q, L->rows, L->cols, path, err, errlen))
            return -1;
        if (verbose)
            fprintf(stderr, "map: %s (%d x %d)\n", path, L->rows, L->cols);
    }
    return 0;
}
