/* Figures written as PNG: text and shapes drawn with cairo on a white RGB canvas, saved with
 * cairo's PNG writer. The one picture path of the library (weight maps, layout/maps.h) and the
 * model (accelerator timelines, sw/app/timeline_png.cpp). */
#ifndef HQ_FIGURE_H
#define HQ_FIGURE_H

#include "cairo_ondemand.h" /* cairo, loaded by the first figure */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A white w x h canvas (colours 0xRRGGBB, shapes not antialiased so that rectangles on whole
 * pixels keep their exact colour). NULL when w or h is not positive, memory is short or cairo
 * cannot be loaded (the entry points call hq_cairo_load first, for its message). */
cairo_t *hq_fig_new(int w, int h);
void hq_fig_free(cairo_t *cr);
void hq_fig_rect(cairo_t *cr, double x, double y, double w, double h, uint32_t rgb);
/* A 1 px outline just outside the rectangle (x, y, w, h). */
void hq_fig_frame(cairo_t *cr, double x, double y, double w, double h, uint32_t rgb);
/* Selects DejaVu Sans of `size` px (bold when bold != 0) for the next texts. */
void hq_fig_font(cairo_t *cr, double size, int bold);
/* Writes s (UTF-8) with the top of its line at y; align -1: starts at x, 0: centred on x,
 * 1: ends at x. Returns the text's width in px. */
double hq_fig_text(cairo_t *cr, double x, double y, int align, uint32_t rgb, const char *s);
double hq_fig_text_width(cairo_t *cr, const char *s);
/* Height of a line of the current font (ascent + descent). */
double hq_fig_line_height(cairo_t *cr);
/* Text turned 90 degrees anticlockwise (reads bottom to top), centred on (x, y). */
void hq_fig_text_up(cairo_t *cr, double x, double y, uint32_t rgb, const char *s);
/* A round axis step (1, 2 or 5 times a power of ten) giving about `want` steps over span. */
double hq_fig_tick_step(double span, int want);
/* Returns 0, or -1 with a message naming the file. */
int hq_fig_write_png(cairo_t *cr, const char *path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
