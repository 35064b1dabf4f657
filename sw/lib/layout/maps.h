/* Pictures of where the high-precision weights are: one pixel per weight (row = output
 * channel, column = input index), written as PNG with libpng. */
#ifndef HQ_LAYOUT_MAPS_H
#define HQ_LAYOUT_MAPS_H

#include "hq_model.h"

#include <stddef.h>

/* Colours: high-precision weight black; low code c > 0 red, c < 0 blue (darker = larger |c|),
 * c = 0 light grey. A uniform layer (lo_bits 0) is drawn the same way from its sign and
 * magnitude, since every weight is "high". Returns 0, or -1 with a message. */
int hq_map_write_png(const hq_qlayer *q, int rows, int cols, const char *path, char *err,
                     size_t errlen);
/* One map per weighted layer: DIR/layer<i>.png (i = index in m->layers). dir must exist or
 * be creatable. */
int hq_map_write_model(const hq_model *m, const char *dir, int verbose, char *err,
                       size_t errlen);

#endif
