/* Tables and bar charts of model vs measured cycles (measure_report.h). */
#include "measure_report.h"

#include "figure.h"
#include "hq_error.h"

#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

/* fprintf for the library's writers (formatted into a buffer, written with fputs). */
static void outf(FILE *f, const char *fmt, ...) HQ_MEASURE_FMT(2, 3);
static void outf(FILE *f, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs(buf, f);
}

static double rel_pct(double model, double measured) {
    return measured > 0 ? 100.0 * (model - measured) / measured : 0;
}

void hq_measure_table(FILE *f, const char *title, const hq_measure_row *m, const hq_measure_row *b,
                      const hq_measure_row *a, size_t n) {
    size_t nl = 0;
    double images = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i].layer + 1 > nl) nl = m[i].layer + 1;
        if (m[i].layer == m[0].layer) images += m[i].images;
    }
    if (images <= 0) images = 1;
    outf(f, "%s\n", title);
    outf(f, "  %-5s %-8s %-11s %12s %12s %8s", "layer", "op", "rows x cols", "measured/img",
         a ? "before/img" : "model/img", "error");
    if (a) outf(f, " %12s %8s", "after/img", "error");
    outf(f, "\n");
    double tm = 0, tb = 0, ta = 0;
    for (size_t l = 0; l < nl; l++) {
        double sm = 0, sb = 0, sa = 0;
        const hq_measure_row *first = NULL;
        for (size_t i = 0; i < n; i++)
            if (m[i].layer == l) {
                if (!first) first = &m[i];
                sm += (double)m[i].cycles, sb += (double)b[i].cycles;
                if (a) sa += (double)a[i].cycles;
            }
        if (!first) continue;
        tm += sm, tb += sb, ta += sa;
        char shape[32];
        snprintf(shape, sizeof shape, "%u x %u", first->rows, first->cols);
        outf(f, "  %-5zu %-8s %-11s %12.1f %12.1f %+7.2f%%", l, hq_measure_op_name(first->op),
             shape, sm / images, sb / images, rel_pct(sb, sm));
        if (a) outf(f, " %12.1f %+7.2f%%", sa / images, rel_pct(sa, sm));
        outf(f, "\n");
    }
    outf(f, "  %-5s %-8s %-11s %12.1f %12.1f %+7.2f%%", "image", "", "", tm / images, tb / images,
         rel_pct(tb, tm));
    if (a) outf(f, " %12.1f %+7.2f%%", ta / images, rel_pct(ta, tm));
    outf(f, "\n");
}

int hq_measure_png(const char *path, const char *title, size_t n, const char *const *labels,
                   const double *before, const double *after, char *err, size_t errlen) {
    if (!n) return hq_errf(err, errlen, "%s: nothing to plot", path);
    if (hq_cairo_load(err, errlen)) return -1;
    const int per = after ? 2 : 1, bw = 14, gap = 18, left = 70, top = 50, plot_h = 300;
    int w = left + 30 + (int)n * (per * bw + gap);
    const int h = top + plot_h + 140;
    if (w < 640) w = 640;
    cairo_t *cr = hq_fig_new(w, h);
    if (!cr) return hq_errf(err, errlen, "%s: out of memory", path);
    double lim = 1;
    for (size_t i = 0; i < n; i++) {
        lim = fmax(lim, fabs(before[i]));
        if (after) lim = fmax(lim, fabs(after[i]));
    }
    const double step = hq_fig_tick_step(2 * lim, 6);
    lim = ceil(lim / step) * step;
    const double y0 = top + plot_h / 2.0, scale = (plot_h / 2.0) / lim;
    hq_fig_font(cr, 15, 1);
    hq_fig_text(cr, left, 12, -1, 0x000000, title);
    hq_fig_font(cr, 11, 0);
    for (double v = -lim; v <= lim + step / 2; v += step) {
        char t[32];
        snprintf(t, sizeof t, "%+.3g %%", v);
        const double y = y0 - v * scale;
        hq_fig_rect(cr, left, floor(y), w - left - 20, 1, fabs(v) < step / 2 ? 0x000000 : 0xDDDDDD);
        hq_fig_text(cr, left - 6, y - 7, 1, 0x333333, t);
    }
    hq_fig_text_up(cr, 14, y0, 0x000000, "(model - measured) / measured cycles");
    for (size_t i = 0; i < n; i++) {
        const double x = left + 10 + (double)i * (per * bw + gap);
        for (int k = 0; k < per; k++) {
            const double v = k ? after[i] : before[i];
            const double y = v >= 0 ? y0 - v * scale : y0;
            hq_fig_rect(cr, x + k * bw, floor(y), bw - 2, fmax(1, fabs(v) * scale),
                        k ? 0x2E8B57 : 0xCC4444);
        }
        hq_fig_text_up(cr, x + per * bw / 2.0, top + plot_h + 60, 0x000000, labels[i]);
    }
    hq_fig_rect(cr, left, h - 24, 12, 12, 0xCC4444);
    hq_fig_text(cr, left + 16, h - 26, -1, 0x000000, after ? "before calibration" : "model");
    if (after) {
        hq_fig_rect(cr, left + 170, h - 24, 12, 12, 0x2E8B57);
        hq_fig_text(cr, left + 186, h - 26, -1, 0x000000, "after calibration");
    }
    const int rc = hq_fig_write_png(cr, path, err, errlen);
    hq_fig_free(cr);
    return rc;
}
