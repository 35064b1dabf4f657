/* PNG timelines of unit activity (`hqsim run --png DIR`): a title, a legend of the layers
 * shown, one labelled band per unit, time on x with a labelled axis, and one slice per trace
 * event coloured by layer. Drawn with cairo (sw/lib/figure.h). */
#pragma once

#include "accel/accel_stats.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

/* Where things are in every timeline PNG (px); the same for all pictures. */
struct TimelineGeometry {
    int width, height;
    int title_h;  /* the title fills y in [0, title_h) */
    int legend_y; /* top of the legend row (swatches legend_swatch px high) */
    int legend_swatch;
    int plot_x, plot_w; /* time t0 is at plot_x, the last event's end at plot_x + plot_w - 1 */
    int top, band, gap; /* unit u's band: y in [top + gap + u * (band + gap), ... + band) */
    int axis_y;
};
TimelineGeometry timeline_geometry();
/* 0xRRGGBB of a layer's slices and legend swatch. */
uint32_t timeline_layer_colour(size_t layer);

/* One picture of the events (layer names index `names`); "" or an error naming path. */
std::string draw_timeline(const std::vector<TraceEvent> &ev, const std::vector<std::string> &names,
                          const std::string &title, const std::string &path);

} // namespace hq::accel
