/* Figures of where the high-precision weights are, one PNG per weighted layer: a title (model,
 * layer, shape, policy), the weight map (row = output channel, column = input index) and, for
 * a mixed-precision layer, the number of high-precision weights per block, each with axes and
 * a legend of its colours. Drawn with cairo (figure.h). */
#ifndef HQ_LAYOUT_MAPS_H
#define HQ_LAYOUT_MAPS_H

#include "hq_model.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scale rule. A layer whose longer side has n <= HQ_MAP_TARGET weights is drawn with
 * cell = min(HQ_MAP_MAX_CELL, HQ_MAP_TARGET / n) px per weight (down = 1); a larger one with
 * one pixel per down x down weights, down = ceil(n / HQ_MAP_TARGET), coloured with their mean
 * colour. A side still shorter than HQ_MAP_MIN_SIDE px (a thin layer) is then stretched by the
 * smallest integer factor that reaches it: cell_w, cell_h are the px per map pixel across and
 * down. The density view counts high weights in blocks of block x block weights: the smallest
 * power-of-two multiple of down with block / down * cell >= HQ_MAP_MIN_BLOCK px. */
#define HQ_MAP_TARGET 800
#define HQ_MAP_MAX_CELL 32
#define HQ_MAP_MIN_SIDE 96
#define HQ_MAP_MIN_BLOCK 8

/* Where things are in a written figure (px), for the tests and any caller that annotates. */
typedef struct {
    int cell, down, block; /* the scale rule above */
    int cell_w, cell_h;    /* px per map pixel across and down (cell, or stretched) */
    int plot_w, plot_h;    /* size of each map: ceil(cols / down) * cell_w, likewise rows */
    int map_x, map_y;      /* top-left pixel of the weight map */
    int legend_y;          /* top of the weight map's colour key (left edge 16 px) */
    int dens_x, dens_y;    /* top-left pixel of the density map; -1 for a uniform layer */
    int dens_legend_y;     /* top of its colour key; -1 for a uniform layer */
    int title_h;           /* the title lines fill y in [0, title_h) */
    int fig_w, fig_h;
} hq_map_geom;

/* Colours: high-precision weight black; low code c > 0 red, c < 0 blue (darker = larger |c|),
 * c = 0 light grey. A uniform layer (lo_bits 0) is drawn the same way from its sign and
 * magnitude, since every weight is "high". Density: white = no high weight in the block, then
 * light yellow (1) to dark red (the layer's largest count). */
void hq_map_colour(const hq_qlayer *q, int cols, int r, int j, uint8_t rgb[3]);
uint32_t hq_map_density_colour(int count, int max_count);
void hq_map_scale(int rows, int cols, hq_map_geom *g);

/* The figure of m->layers[layer] (which must be quantized). geom may be NULL. Returns 0, or -1
 * with a message naming the file. */
int hq_map_write_layer(const hq_model *m, int layer, const char *path, hq_map_geom *geom, char *err,
                       size_t errlen);
/* One figure per weighted layer: DIR/layer<i>.png (i = index in m->layers). dir must exist or
 * be creatable. */
int hq_map_write_model(const hq_model *m, const char *dir, int verbose, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
