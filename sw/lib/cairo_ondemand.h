/* cairo loaded on first use (ondemand.h): the cairo functions the project calls, each name
 * redirected to a table that the first call fills. Include this instead of <cairo.h>; a
 * function not listed here fails to link (no libcairo on the link line), so a new one is
 * added to HQ_CAIRO_FUNCTIONS and to the #defines below. */
#ifndef HQ_CAIRO_ONDEMAND_H
#define HQ_CAIRO_ONDEMAND_H

#include <cairo.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// clang-format off
#define HQ_CAIRO_FUNCTIONS(X) \
    X(cairo_create) \
    X(cairo_destroy) \
    X(cairo_status) \
    X(cairo_status_to_string) \
    X(cairo_save) \
    X(cairo_restore) \
    X(cairo_translate) \
    X(cairo_scale) \
    X(cairo_rotate) \
    X(cairo_move_to) \
    X(cairo_rectangle) \
    X(cairo_fill) \
    X(cairo_paint) \
    X(cairo_set_antialias) \
    X(cairo_set_source_rgb) \
    X(cairo_set_source_surface) \
    X(cairo_get_source) \
    X(cairo_get_target) \
    X(cairo_pattern_set_filter) \
    X(cairo_select_font_face) \
    X(cairo_set_font_size) \
    X(cairo_font_extents) \
    X(cairo_text_extents) \
    X(cairo_show_text) \
    X(cairo_image_surface_create) \
    X(cairo_image_surface_get_data) \
    X(cairo_image_surface_get_width) \
    X(cairo_image_surface_get_height) \
    X(cairo_image_surface_get_stride) \
    X(cairo_surface_status) \
    X(cairo_surface_flush) \
    X(cairo_surface_mark_dirty) \
    X(cairo_surface_destroy) \
    X(cairo_surface_write_to_png_stream)

// clang-format on

struct hq_cairo_api {
#define HQ_CAIRO_MEMBER_(f) __typeof__(&f) f;
    HQ_CAIRO_FUNCTIONS(HQ_CAIRO_MEMBER_)
#undef HQ_CAIRO_MEMBER_
};

/* Loads cairo once (thread-safe; $HQSIM_CAIRO_LIB, when set, names the file instead of the
 * SONAME built against). Returns 0, or -1 with the reason in err (every later call too). */
int hq_cairo_load(char *err, size_t errlen);
/* The table: only after hq_cairo_load returned 0 (the figure entry points load it first). */
const struct hq_cairo_api *hq_cairo(void);

#ifdef __cplusplus
}
#endif

#ifndef HQ_CAIRO_ONDEMAND_IMPL
// clang-format off
#define cairo_create (hq_cairo()->cairo_create)
#define cairo_destroy (hq_cairo()->cairo_destroy)
#define cairo_status (hq_cairo()->cairo_status)
#define cairo_status_to_string (hq_cairo()->cairo_status_to_string)
#define cairo_save (hq_cairo()->cairo_save)
#define cairo_restore (hq_cairo()->cairo_restore)
#define cairo_translate (hq_cairo()->cairo_translate)
#define cairo_scale (hq_cairo()->cairo_scale)
#define cairo_rotate (hq_cairo()->cairo_rotate)
#define cairo_move_to (hq_cairo()->cairo_move_to)
#define cairo_rectangle (hq_cairo()->cairo_rectangle)
#define cairo_fill (hq_cairo()->cairo_fill)
#define cairo_paint (hq_cairo()->cairo_paint)
#define cairo_set_antialias (hq_cairo()->cairo_set_antialias)
#define cairo_set_source_rgb (hq_cairo()->cairo_set_source_rgb)
#define cairo_set_source_surface (hq_cairo()->cairo_set_source_surface)
#define cairo_get_source (hq_cairo()->cairo_get_source)
#define cairo_get_target (hq_cairo()->cairo_get_target)
#define cairo_pattern_set_filter (hq_cairo()->cairo_pattern_set_filter)
#define cairo_select_font_face (hq_cairo()->cairo_select_font_face)
#define cairo_set_font_size (hq_cairo()->cairo_set_font_size)
#define cairo_font_extents (hq_cairo()->cairo_font_extents)
#define cairo_text_extents (hq_cairo()->cairo_text_extents)
#define cairo_show_text (hq_cairo()->cairo_show_text)
#define cairo_image_surface_create (hq_cairo()->cairo_image_surface_create)
#define cairo_image_surface_get_data (hq_cairo()->cairo_image_surface_get_data)
#define cairo_image_surface_get_width (hq_cairo()->cairo_image_surface_get_width)
#define cairo_image_surface_get_height (hq_cairo()->cairo_image_surface_get_height)
#define cairo_image_surface_get_stride (hq_cairo()->cairo_image_surface_get_stride)
#define cairo_surface_status (hq_cairo()->cairo_surface_status)
#define cairo_surface_flush (hq_cairo()->cairo_surface_flush)
#define cairo_surface_mark_dirty (hq_cairo()->cairo_surface_mark_dirty)
#define cairo_surface_destroy (hq_cairo()->cairo_surface_destroy)
#define cairo_surface_write_to_png_stream (hq_cairo()->cairo_surface_write_to_png_stream)
// clang-format on
#endif

#endif
