/* Figures drawn with cairo (figure.h). */
#include "hq_error.h"
#include "figure.h"

#include "out_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void set_rgb(cairo_t *cr, uint32_t rgb) {
    cairo_set_source_rgb(cr, (rgb >> 16 & 255) / 255.0, (rgb >> 8 & 255) / 255.0,
                         (rgb & 255) / 255.0);
}

cairo_t *hq_fig_new(int w, int h) {
    if (w <= 0 || h <= 0 || hq_cairo_load(NULL, 0)) return NULL;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s); /* cr holds the reference */
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        return NULL;
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    set_rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    hq_fig_font(cr, 12, 0);
    return cr;
}

void hq_fig_free(cairo_t *cr) {
    if (cr) cairo_destroy(cr);
}

void hq_fig_rect(cairo_t *cr, double x, double y, double w, double h, uint32_t rgb) {
    set_rgb(cr, rgb);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

void hq_fig_frame(cairo_t *cr, double x, double y, double w, double h, uint32_t rgb) {
    hq_fig_rect(cr, x - 1, y - 1, w + 2, 1, rgb);
    hq_fig_rect(cr, x - 1, y + h, w + 2, 1, rgb);
    hq_fig_rect(cr, x - 1, y, 1, h, rgb);
    hq_fig_rect(cr, x + w, y, 1, h, rgb);
}

void hq_fig_font(cairo_t *cr, double size, int bold) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double hq_fig_text_width(cairo_t *cr, const char *s) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

double hq_fig_line_height(cairo_t *cr) {
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    return f.ascent + f.descent;
}

double hq_fig_text(cairo_t *cr, double x, double y, int align, uint32_t rgb, const char *s) {
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    double w = hq_fig_text_width(cr, s);
    cairo_move_to(cr, align < 0 ? x : align == 0 ? x - w / 2 : x - w, y + f.ascent);
    set_rgb(cr, rgb);
    cairo_show_text(cr, s);
    return w;
}

void hq_fig_text_up(cairo_t *cr, double x, double y, uint32_t rgb, const char *s) {
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, -1.5707963267948966);
    hq_fig_text(cr, 0, -hq_fig_line_height(cr) / 2, 0, rgb, s);
    cairo_restore(cr);
}

double hq_fig_tick_step(double span, int want) {
    double raw = span / (want > 0 ? want : 1), p = 1;
    while (p * 10 <= raw)
        p *= 10;
    while (p > raw)
        p /= 10;
    static const double mult[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (p * mult[i] >= raw) return p * mult[i];
    return p * 10;
}

static cairo_status_t to_file(void *f, const unsigned char *data, unsigned int n) {
    return fwrite(data, 1, n, f) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int hq_fig_write_png(cairo_t *cr, const char *path, char *err, size_t errlen) {
    hq_out out; /* replaces a regular file atomically, writes devices in place (out_file.h) */
    if (hq_out_open(&out, path, HQ_OUT_ATOMIC, err, errlen)) return -1;
    cairo_status_t st = cairo_surface_write_to_png_stream(cairo_get_target(cr), to_file, out.f);
    int saved = errno;
    if (st != CAIRO_STATUS_SUCCESS) {
        hq_out_abort(&out);
        return hq_errf(err, errlen, "%s: cannot write PNG: %s%s%s", path,
                       cairo_status_to_string(st), st == CAIRO_STATUS_WRITE_ERROR ? ": " : "",
                       st == CAIRO_STATUS_WRITE_ERROR ? strerror(saved) : "");
    }
    return hq_out_close(&out, err, errlen);
}
