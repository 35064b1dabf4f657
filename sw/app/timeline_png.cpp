/* PNG timelines (timeline_png.h) and `hqsim run --png DIR` (accel_run.h). */
#include "timeline_png.h"

#include "accel_run.h"

#include "figure.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace hq::accel {

namespace {

const uint32_t kPalette[] = {0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
                             0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF};
const uint32_t kInk = 0x282828, kBand = 0xECECEC, kGrid = 0xC8C8C8;

std::string number(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

} // namespace

TimelineGeometry timeline_geometry() {
    TimelineGeometry g{};
    g.width = 1200;
    g.title_h = 34;
    g.legend_y = 40, g.legend_swatch = 14;
    g.plot_x = 120, g.plot_w = g.width - g.plot_x - 24;
    g.top = 70, g.band = 24, g.gap = 4;
    g.axis_y = g.top + (int)Unit::Count * (g.band + g.gap) + g.gap;
    g.height = g.axis_y + 56;
    return g;
}

uint32_t timeline_layer_colour(size_t layer) {
    return kPalette[layer % (sizeof kPalette / sizeof kPalette[0])];
}

std::string draw_timeline(const std::vector<TraceEvent> &ev, const std::vector<std::string> &names,
                          const std::string &title, const std::string &path) {
    const TimelineGeometry g = timeline_geometry();
    const size_t n_layers = std::max<size_t>(1, names.size());
    double t0 = 0, t1 = 1;
    if (!ev.empty()) {
        t0 = ev.front().start_ps, t1 = t0;
        for (const TraceEvent &e : ev) {
            t0 = std::min(t0, e.start_ps);
            t1 = std::max(t1, e.start_ps + e.dur_ps);
        }
    }
    char err[512];
    if (hq_cairo_load(err, sizeof err)) return path + ": " + err;
    cairo_t *cr = hq_fig_new(g.width, g.height);
    if (!cr) return path + ": out of memory";

    hq_fig_font(cr, 16, 1);
    hq_fig_text(cr, 12, 10, -1, kInk, title.c_str());
    hq_fig_font(cr, 13, 0);
    std::vector<bool> shown(n_layers, false);
    for (const TraceEvent &e : ev)
        shown[e.layer % n_layers] = true;
    double x = 12;
    for (size_t l = 0; l < n_layers; l++) {
        if (!shown[l]) continue;
        const std::string label = l < names.size() ? names[l] : "layer " + std::to_string(l);
        const double w = hq_fig_text_width(cr, label.c_str());
        if (x + g.legend_swatch + 6 + w > g.width - 24) {
            hq_fig_text(cr, x, g.legend_y, -1, kInk, "\xe2\x80\xa6"); /* no room for more */
            break;
        }
        hq_fig_rect(cr, x, g.legend_y, g.legend_swatch, g.legend_swatch, timeline_layer_colour(l));
        x += g.legend_swatch + 6;
        x += hq_fig_text(cr, x, g.legend_y, -1, kInk, label.c_str()) + 18;
    }

    const int units = (int)Unit::Count, plot_h = g.axis_y - g.top;
    for (int u = 0; u < units; u++) {
        const int y = g.top + g.gap + u * (g.band + g.gap);
        hq_fig_text(cr, g.plot_x - 10, y + (g.band - hq_fig_line_height(cr)) / 2, 1, kInk,
                    unit_name((Unit)u));
        hq_fig_rect(cr, g.plot_x, y, g.plot_w, g.band, kBand);
    }
    const double span_ps = std::max(1.0, t1 - t0);
    const double span_ns = span_ps / 1e3, step = hq_fig_tick_step(span_ns, 8);
    const bool us = step >= 1000;
    hq_fig_font(cr, 12, 0);
    for (double t = 0; t <= span_ns * (1 + 1e-9); t += step) {
        const int tx = g.plot_x + (int)(t / span_ns * (g.plot_w - 1));
        hq_fig_rect(cr, tx, g.top, 1, plot_h, kGrid);
        hq_fig_rect(cr, tx, g.axis_y, 1, 6, kInk);
        const std::string lab = number(us ? t / 1e3 : t);
        const double w = hq_fig_text_width(cr, lab.c_str());
        hq_fig_text(cr, std::min(tx - w / 2, g.width - w - 2), g.axis_y + 8, -1, kInk, lab.c_str());
    }
    hq_fig_rect(cr, g.plot_x, g.axis_y, g.plot_w, 1, kInk);
    hq_fig_font(cr, 13, 0);
    const std::string axis =
        std::string("time since the first event (") + (us ? "\xc2\xb5s" : "ns") + ")";
    hq_fig_text(cr, g.plot_x + g.plot_w / 2.0, g.axis_y + 30, 0, kInk, axis.c_str());

    for (const TraceEvent &e : ev) {
        const int x0 = g.plot_x + (int)((e.start_ps - t0) / span_ps * (g.plot_w - 1));
        const int x1 = g.plot_x + (int)((e.start_ps + e.dur_ps - t0) / span_ps * (g.plot_w - 1));
        hq_fig_rect(cr, x0, g.top + g.gap + (int)e.unit * (g.band + g.gap),
                    std::max(1, x1 - x0 + 1), g.band, timeline_layer_colour(e.layer % n_layers));
    }
    const int rc = hq_fig_write_png(cr, path.c_str(), err, sizeof err);
    hq_fig_free(cr);
    return rc ? err : "";
}

std::string write_png_timelines(const RunReport &r, const std::string &dir) {
    if (mkdir(dir.c_str(), 0777) && errno != EEXIST)
        return dir + ": cannot create directory: " + std::strerror(errno);
    const std::string sep = !dir.empty() && dir.back() == '/' ? "" : "/"; /* no "png//" */
    const size_t L = std::max<size_t>(1, r.layers.size());
    std::vector<std::string> names;
    for (const LayerReport &lr : r.layers)
        names.push_back(lr.name);
    /* The first batch (one invocation of every layer), then each layer's first invocation. */
    std::vector<TraceEvent> first;
    for (const TraceEvent &e : r.trace)
        if (e.layer < L) first.push_back(e);
    std::string err = draw_timeline(first, names, r.arch + " array: first batch, all layers",
                                    dir + sep + "timeline.png");
    for (size_t l = 0; l < r.layers.size() && err.empty(); l++) {
        std::vector<TraceEvent> one;
        for (const TraceEvent &e : first)
            if (e.layer == l) one.push_back(e);
        err = draw_timeline(one, names,
                            r.arch + " array: layer " + std::to_string(l) + " (" + names[l] + ")",
                            dir + sep + "layer" + std::to_string(l) + ".png");
    }
    return err;
}

} // namespace hq::accel
