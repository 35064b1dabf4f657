/* PNG weight-map figures (maps.h). Each figure is drawn twice by the same code: first on a
 * 1 x 1 canvas to measure how large it is, then on a canvas of that size. */
#include "hq_error.h"
#include "layout/maps.h"
#include "figure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MARGIN = 16, GAP = 28, SWATCH = 14 };
static const uint32_t INK = 0x202020, MUTED = 0x5A5A5A, AXIS = 0x909090;

static int code_max(const hq_qlayer *q) {
    if (q->lo_bits) return q->lo_bits == 1 ? 1 : (1 << (q->lo_bits - 1)) - 1;
    return q->hi_bits == 4 ? 7 : 127;
}

static void code_colour(int c, int cmax, uint8_t rgb[3]) {
    if (c == 0) {
        rgb[0] = rgb[1] = rgb[2] = 235;
        return;
    }
    /* 0.35..1 of full saturation with |c| */
    double t = 0.35 + 0.65 * (double)(c < 0 ? -c : c) / cmax;
    uint8_t fade = (uint8_t)(235 * (1.0 - t));
    rgb[0] = c > 0 ? 220 : fade;
    rgb[1] = fade;
    rgb[2] = c > 0 ? fade : 220;
}

void hq_map_colour(const hq_qlayer *q, int cols, int r, int j, uint8_t rgb[3]) {
    long i = (long)r * cols + j;
    if (q->lo_bits && q->is_hi[i]) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        return;
    }
    int c = q->lo_bits ? q->w[i] / (1 << q->lo_shift[r]) : q->w[i];
    code_colour(c, code_max(q), rgb);
}

uint32_t hq_map_density_colour(int count, int max_count) {
    if (count <= 0) return 0xFFFFFF;
    static const double stop[3][3] = {{255, 222, 100}, {240, 100, 30}, {110, 0, 30}};
    double t = max_count > 1 ? (double)(count - 1) / (max_count - 1) : 1;
    int k = t < 0.5 ? 0 : 1;
    double u = t < 0.5 ? 2 * t : 2 * t - 1;
    uint32_t rgb = 0;
    for (int ch = 0; ch < 3; ch++)
        rgb = rgb << 8 | (uint32_t)(stop[k][ch] + u * (stop[k + 1][ch] - stop[k][ch]) + 0.5);
    return rgb;
}

void hq_map_scale(int rows, int cols, hq_map_geom *g) {
    int n = rows > cols ? rows : cols;
    if (n <= HQ_MAP_TARGET) {
        g->down = 1;
        g->cell = HQ_MAP_TARGET / n < HQ_MAP_MAX_CELL ? HQ_MAP_TARGET / n : HQ_MAP_MAX_CELL;
    } else {
        g->down = (n + HQ_MAP_TARGET - 1) / HQ_MAP_TARGET;
        g->cell = 1;
    }
    for (g->block = g->down; g->block / g->down * g->cell < HQ_MAP_MIN_BLOCK;)
        g->block *= 2;
    const int pw = (cols + g->down - 1) / g->down, ph = (rows + g->down - 1) / g->down;
    g->cell_w = g->cell * ((HQ_MAP_MIN_SIDE + pw * g->cell - 1) / (pw * g->cell));
    g->cell_h = g->cell * ((HQ_MAP_MIN_SIDE + ph * g->cell - 1) / (ph * g->cell));
    g->plot_w = pw * g->cell_w;
    g->plot_h = ph * g->cell_h;
}

/* Everything one figure needs, computed once for both drawing passes. */
typedef struct {
    const hq_model *m;
    const hq_layer *L;
    int layer;
    hq_map_geom g;
    cairo_surface_t *img; /* the weight map, one pixel per down x down weights */
    int *count, nbr, nbc, max_count;
    long n_hi;
} figure;

static int max_i(int a, int b) {
    return a > b ? a : b;
}

/* Ticks, their labels and the axis names around a map whose top-left pixel is (x, y). */
static void axes(cairo_t *cr, const figure *f, int x, int y) {
    const hq_map_geom *g = &f->g;
    const double px_per_col = (double)g->cell_w / g->down, px_per_row = (double)g->cell_h / g->down;
    char s[32];
    hq_fig_frame(cr, x, y, g->plot_w, g->plot_h, AXIS);
    hq_fig_font(cr, 11, 0);
    const double lh = hq_fig_line_height(cr);
    double step = hq_fig_tick_step(f->L->cols, max_i(2, g->plot_w / 80));
    for (double v = 0; v < f->L->cols; v += step < 1 ? 1 : step) {
        int px = x + (int)(v * px_per_col);
        hq_fig_rect(cr, px, y + g->plot_h + 1, 1, 4, AXIS);
        snprintf(s, sizeof s, "%.0f", v);
        hq_fig_text(cr, px, y + g->plot_h + 6, 0, INK, s);
    }
    step = hq_fig_tick_step(f->L->rows, max_i(2, g->plot_h / 60));
    double label_w = 0;
    for (double v = 0; v < f->L->rows; v += step < 1 ? 1 : step) {
        int py = y + (int)(v * px_per_row);
        hq_fig_rect(cr, x - 5, py, 4, 1, AXIS);
        snprintf(s, sizeof s, "%.0f", v);
        double w = hq_fig_text(cr, x - 7, py - lh / 2, 1, INK, s);
        label_w = w > label_w ? w : label_w;
    }
    hq_fig_font(cr, 12, 0);
    hq_fig_text(cr, x + g->plot_w / 2.0, y + g->plot_h + 8 + lh, 0, MUTED, "inputs");
    hq_fig_text_up(cr, x - 7 - label_w - 4 - lh / 2, y + g->plot_h / 2.0, MUTED, "output rows");
}

/* Room left of a map for its row labels and axis name. */
static int axis_pad(cairo_t *cr, const figure *f) {
    char s[32];
    snprintf(s, sizeof s, "%d", f->L->rows);
    hq_fig_font(cr, 11, 0);
    return (int)(hq_fig_text_width(cr, s) + 2 * hq_fig_line_height(cr) + 16);
}

/* A row of swatches for the values lo..hi, each w px wide, with the end (and zero) values
 * named below. Returns the width. */
typedef void (*swatch_colour)(const figure *f, int v, uint8_t rgb[3]);

static void low_code(const figure *f, int v, uint8_t rgb[3]) {
    code_colour(v, code_max(f->L->q), rgb);
}

static void density(const figure *f, int v, uint8_t rgb[3]) {
    uint32_t c = hq_map_density_colour(v, f->max_count);
    rgb[0] = c >> 16 & 255, rgb[1] = c >> 8 & 255, rgb[2] = c & 255;
}

static int swatches(cairo_t *cr, const figure *f, int x, int y, int lo, int hi, int skip_zero,
                    swatch_colour colour) {
    int n = hi - lo + 1 - (skip_zero && lo <= 0 && hi >= 0);
    int w = 160 / n < 1 ? 1 : 160 / n > 22 ? 22 : 160 / n, k = 0;
    char s[16];
    hq_fig_font(cr, 11, 0);
    for (int v = lo; v <= hi; v++) {
        if (skip_zero && v == 0) continue;
        uint8_t rgb[3];
        colour(f, v, rgb);
        int sx = x + k++ * w;
        hq_fig_rect(cr, sx, y, w, SWATCH, (uint32_t)rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
        if (v == lo || v == hi || v == 0) {
            snprintf(s, sizeof s, v > 0 && lo < 0 ? "+%d" : "%d", v);
            hq_fig_text(cr, sx + w / 2.0, y + SWATCH + 2, 0, INK, s);
        }
    }
    hq_fig_frame(cr, x, y, n * w, SWATCH, AXIS);
    return n * w;
}

/* The colour key of the weight map at (x, y); returns its width, *h its height. */
static int legend_weights(cairo_t *cr, const figure *f, int x, int y, int *h) {
    const hq_qlayer *q = f->L->q;
    char s[96];
    int right = x;
    hq_fig_font(cr, 12, 0);
    if (q->lo_bits) {
        hq_fig_rect(cr, x, y, SWATCH, SWATCH, 0x000000);
        snprintf(s, sizeof s, "high-precision weight (%d-bit)", q->hi_bits);
        right = max_i(right, x + SWATCH + 6 + (int)hq_fig_text(cr, x + SWATCH + 6, y, -1, INK, s));
        y += SWATCH + 10;
        snprintf(s, sizeof s, "low-precision code (%d-bit):", q->lo_bits);
    } else {
        snprintf(s, sizeof s, "weight (%d-bit):", q->hi_bits);
    }
    hq_fig_font(cr, 12, 0);
    int tx = x + (int)hq_fig_text(cr, x, y, -1, INK, s) + 8;
    int cmax = code_max(q);
    right = max_i(right, tx + swatches(cr, f, tx, y, -cmax, cmax, q->lo_bits == 1, low_code));
    *h = (q->lo_bits ? SWATCH + 10 : 0) + SWATCH + 16;
    return right - x;
}

static int legend_density(cairo_t *cr, const figure *f, int x, int y, int *h) {
    hq_fig_rect(cr, x, y, SWATCH, SWATCH, 0xFFFFFF);
    hq_fig_frame(cr, x, y, SWATCH, SWATCH, AXIS);
    hq_fig_font(cr, 12, 0);
    int tx = x + SWATCH + 6;
    tx += (int)hq_fig_text(cr, tx, y, -1, INK, "none") + 16;
    tx += (int)hq_fig_text(cr, tx, y, -1, INK, "high weights in the block:") + 8;
    tx += swatches(cr, f, tx, y, 1, max_i(1, f->max_count), 0, density);
    *h = SWATCH + 16;
    return tx - x;
}

/* Title, the weight map and the density map with their axes and legends; sets the geometry. */
static void draw(cairo_t *cr, figure *f) {
    const hq_layer *L = f->L;
    const hq_qlayer *q = L->q;
    hq_map_geom *g = &f->g;
    char s[512];
    int right = 0, y = MARGIN, h;

    if (L->kind == HQ_LAYER_CONV)
        snprintf(s, sizeof s, "%s x%g \xc2\xb7 layer %d: conv %dx%d, %d \xe2\x86\x92 %d channels",
                 f->m->net[0] ? f->m->net : "model", (double)f->m->width_mult, f->layer, L->k, L->k,
                 L->in.c, L->out.c);
    else
        snprintf(s, sizeof s, "%s x%g \xc2\xb7 layer %d: dense %d \xe2\x86\x92 %d",
                 f->m->net[0] ? f->m->net : "model", (double)f->m->width_mult, f->layer, L->cols,
                 L->rows);
    hq_fig_font(cr, 17, 1);
    right = max_i(right, MARGIN + (int)hq_fig_text(cr, MARGIN, y, -1, INK, s));
    y += (int)hq_fig_line_height(cr) + 4;
    hq_fig_font(cr, 12, 0);
    const int lh = (int)hq_fig_line_height(cr) + 3;
    const long n = (long)L->rows * L->cols;
    if (q->lo_bits)
        snprintf(s, sizeof s,
                 "%d output rows \xc3\x97 %d inputs \xc2\xb7 %d-bit low / %d-bit high precision "
                 "\xc2\xb7 %ld high-precision weight%s (%.2f %%)",
                 L->rows, L->cols, q->lo_bits, q->hi_bits, f->n_hi, f->n_hi == 1 ? "" : "s",
                 100.0 * f->n_hi / n);
    else
        snprintf(s, sizeof s,
                 "%d output rows \xc3\x97 %d inputs \xc2\xb7 uniform %d-bit: every weight is high "
                 "precision",
                 L->rows, L->cols, q->hi_bits);
    right = max_i(right, MARGIN + (int)hq_fig_text(cr, MARGIN, y, -1, INK, s));
    y += lh;
    if (f->m->policy[0] || f->m->layout[0]) {
        snprintf(s, sizeof s, "policy %s%s%s", f->m->policy[0] ? f->m->policy : "(none)",
                 f->m->layout[0] ? " \xc2\xb7 layout " : "", f->m->layout);
        right = max_i(right, MARGIN + (int)hq_fig_text(cr, MARGIN, y, -1, MUTED, s));
        y += lh;
    }
    int k = g->down == 1
                ? snprintf(s, sizeof s, "scale: 1 weight = %d \xc3\x97 %d px", g->cell_w, g->cell_h)
                : snprintf(s, sizeof s,
                           "scale: a cell of %d \xc3\x97 %d px = mean colour of %d "
                           "\xc3\x97 %d weights",
                           g->cell_w, g->cell_h, g->down, g->down);
    if (g->cell_w != g->cell_h)
        k += snprintf(s + k, sizeof s - k, " (%s stretched to be legible)",
                      g->cell_w > g->cell_h ? "inputs" : "rows");
    if (q->lo_bits)
        snprintf(s + k, sizeof s - k, " \xc2\xb7 density in blocks of %d \xc3\x97 %d weights",
                 g->block, g->block);
    right = max_i(right, MARGIN + (int)hq_fig_text(cr, MARGIN, y, -1, MUTED, s));
    y += lh;
    g->title_h = y;
    y += 10;

    const int pad = axis_pad(cr, f), below = 46;
    /* panel 1: the weights */
    hq_fig_font(cr, 13, 1);
    int pw = (int)hq_fig_text(cr, MARGIN, y, -1, INK, "Weights");
    g->map_x = MARGIN + pad, g->map_y = y + 22;
    cairo_save(cr);
    cairo_translate(cr, g->map_x, g->map_y);
    cairo_scale(cr, g->cell_w, g->cell_h);
    cairo_set_source_surface(cr, f->img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cr, 0, 0, cairo_image_surface_get_width(f->img),
                    cairo_image_surface_get_height(f->img));
    cairo_fill(cr);
    cairo_restore(cr);
    axes(cr, f, g->map_x, g->map_y);
    g->legend_y = g->map_y + g->plot_h + below;
    int lw = legend_weights(cr, f, MARGIN, g->legend_y, &h);
    int panel_w = max_i(max_i(pw, lw), pad + g->plot_w);
    int bottom = g->map_y + g->plot_h + below + h;
    right = max_i(right, MARGIN + panel_w);

    g->dens_x = g->dens_y = g->dens_legend_y = -1;
    if (q->lo_bits) { /* panel 2: high-precision weights per block, beside or below */
        const int tall = g->plot_h > g->plot_w;
        const int x0 = tall ? MARGIN + panel_w + GAP : MARGIN, y0 = tall ? y : bottom + GAP;
        hq_fig_font(cr, 13, 1);
        snprintf(s, sizeof s, "High-precision weights per %d \xc3\x97 %d block", g->block,
                 g->block);
        pw = (int)hq_fig_text(cr, x0, y0, -1, INK, s);
        g->dens_x = x0 + pad, g->dens_y = y0 + 22;
        const int bw = g->block / g->down * g->cell_w, bh = g->block / g->down * g->cell_h;
        for (int bi = 0; bi < f->nbr; bi++)
            for (int bj = 0; bj < f->nbc; bj++) {
                const int c = f->count[bi * f->nbc + bj];
                if (c)
                    hq_fig_rect(cr, g->dens_x + bj * bw, g->dens_y + bi * bh,
                                bj * bw + bw > g->plot_w ? g->plot_w - bj * bw : bw,
                                bi * bh + bh > g->plot_h ? g->plot_h - bi * bh : bh,
                                hq_map_density_colour(c, f->max_count));
            }
        axes(cr, f, g->dens_x, g->dens_y);
        g->dens_legend_y = g->dens_y + g->plot_h + below;
        lw = legend_density(cr, f, x0, g->dens_legend_y, &h);
        right = max_i(right, x0 + max_i(max_i(pw, lw), pad + g->plot_w));
        bottom = max_i(bottom, g->dens_y + g->plot_h + below + h);
    }
    g->fig_w = right + MARGIN;
    g->fig_h = bottom + MARGIN;
}

/* The weight map at one pixel per down x down weights (their mean colour). */
static cairo_surface_t *weight_image(const hq_layer *L, int down) {
    const int w = (L->cols + down - 1) / down, h = (L->rows + down - 1) / down;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) return img;
    cairo_surface_flush(img);
    unsigned char *data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned sum[3] = {0, 0, 0}, n = 0;
            for (int r = y * down; r < (y + 1) * down && r < L->rows; r++)
                for (int j = x * down; j < (x + 1) * down && j < L->cols; j++, n++) {
                    uint8_t rgb[3];
                    hq_map_colour(L->q, L->cols, r, j, rgb);
                    sum[0] += rgb[0], sum[1] += rgb[1], sum[2] += rgb[2];
                }
            uint32_t *p = (uint32_t *)(data + (size_t)y * stride) + x;
            *p = (sum[0] + n / 2) / n << 16 | (sum[1] + n / 2) / n << 8 | (sum[2] + n / 2) / n;
        }
    cairo_surface_mark_dirty(img);
    return img;
}

int hq_map_write_layer(const hq_model *m, int layer, const char *path, hq_map_geom *geom, char *err,
                       size_t errlen) {
    figure f = {.m = m, .L = &m->layers[layer], .layer = layer};
    const hq_layer *L = f.L;
    if (!L->q || L->rows <= 0 || L->cols <= 0) {
        hq_errf(err, errlen, "%s: layer %d has no quantized weights to draw", path, layer);
        return -1;
    }
    if (hq_cairo_load(err, errlen)) return -1;
    hq_map_scale(L->rows, L->cols, &f.g);
    const int b = f.g.block;
    f.nbr = (L->rows + b - 1) / b, f.nbc = (L->cols + b - 1) / b;
    f.count = calloc((size_t)f.nbr * f.nbc, sizeof *f.count);
    f.img = weight_image(L, f.g.down);
    cairo_t *cr = NULL;
    int rc = -1;
    if (!f.count || cairo_surface_status(f.img) != CAIRO_STATUS_SUCCESS) goto oom;
    for (int r = 0; L->q->lo_bits && r < L->rows; r++)
        for (int j = 0; j < L->cols; j++)
            if (L->q->is_hi[(long)r * L->cols + j]) {
                int *c = &f.count[r / b * f.nbc + j / b];
                f.max_count = max_i(f.max_count, ++*c);
                f.n_hi++;
            }
    if (!(cr = hq_fig_new(1, 1))) goto oom;
    draw(cr, &f); /* measures */
    hq_fig_free(cr);
    if (!(cr = hq_fig_new(f.g.fig_w, f.g.fig_h))) goto oom;
    draw(cr, &f);
    rc = hq_fig_write_png(cr, path, err, errlen);
    if (!rc && geom) *geom = f.g;
    goto done;
oom:
    hq_errf(err, errlen, "%s: out of memory drawing a %d x %d layer", path, L->rows, L->cols);
done:
    hq_fig_free(cr);
    cairo_surface_destroy(f.img);
    free(f.count);
    return rc;
}

int hq_map_write_model(const hq_model *m, const char *dir, int verbose, char *err, size_t errlen) {
    if (mkdir(dir, 0777) && errno != EEXIST) {
        hq_errf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    for (int l = 0; l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (!L->q) continue;
        char path[4096]; /* "maps/" and "maps" name the same files: no "maps//layer0.png" */
        const size_t n = strlen(dir);
        snprintf(path, sizeof path, "%s%slayer%d.png", dir, n && dir[n - 1] == '/' ? "" : "/", l);
        hq_map_geom g;
        if (hq_map_write_layer(m, l, path, &g, err, errlen)) return -1;
        if (verbose)
            hq_notef("map: %s (%d x %d weights, %d x %d px)\n", path, L->rows, L->cols, g.fig_w,
                     g.fig_h);
    }
    return 0;
}
