/* Unit activity as a Chrome/Perfetto trace (chrome://tracing, ui.perfetto.dev: one track per
 * unit, one slice per interval, named by layer) and as labelled PNG timelines (canvas.h). */
#include "accel/accel_run.h"

#include "accel/canvas.h"
#include "out_file.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace hq::accel {

const char *unit_name(Unit u)
{
    static const char *names[] = {"control", "dma_in", "weights", "decompressor", "pe_array",
                                  "output", "dma_out"};
    return (unsigned)u < (unsigned)Unit::Count ? names[(unsigned)u] : "?";
}

std::string write_chrome_trace(const RunReport &r, const std::string &path, int max_images,
                               int *traced)
{
    /* Events carry the global layer counter: one pass over the layers per batch. */
    const size_t per_pass = std::max<size_t>(1, r.layers.size());
    const int batch = std::max(1, r.batch);
    const size_t passes = max_images > 0 ? (size_t)(max_images + batch - 1) / batch : SIZE_MAX;
    if (traced)
        *traced = max_images > 0 ? std::min(r.images, (int)std::min<size_t>(passes * batch, INT_MAX))
                                 : r.images;
    char err[512];
    hq_out out;
    if (hq_out_open(&out, path.c_str(), HQ_OUT_ATOMIC, err, sizeof err)) return err;
    FILE *f = out.f;
    std::fprintf(f, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n");
    std::fprintf(f, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": "
                    "\"hq_accel (%s)\"}}",
                 r.arch.c_str());
    for (unsigned u = 0; u < (unsigned)Unit::Count; u++)
        std::fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %u, "
                        "\"args\": {\"name\": \"%s\"}}",
                     u, unit_name((Unit)u));
    const size_t n_layers = std::max<size_t>(1, r.layers.size());
    for (const TraceEvent &e : r.trace) {
        if (e.layer / per_pass >= passes)
            continue;
        const size_t li = e.layer % n_layers;
        const std::string name = li < r.layers.size() ? r.layers[li].name : "layer";
        std::fprintf(f, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                        "\"tid\": %u, \"ts\": %.4f, \"dur\": %.4f, \"args\": {\"invocation\": %u}}",
                     name.c_str(), unit_name(e.unit), (unsigned)e.unit, e.start_ps / 1e6,
                     e.dur_ps / 1e6, (unsigned)e.layer);
    }
    std::fprintf(f, "\n]}\n");
    return hq_out_close(&out, err, sizeof err) ? err : "";
}

namespace {

const Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
                        {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                        {188, 189, 34}, {23, 190, 207}};
const Rgb kInk = {40, 40, 40}, kBand = {236, 236, 236}, kWhite = {255, 255, 255},
          kGrid = {200, 200, 200};

Rgb layer_colour(size_t layer) { return kPalette[layer % (sizeof kPalette / sizeof kPalette[0])]; }

/* A round tick step (1, 2 or 5 times a power of ten) giving about `want` ticks over span. */
double tick_step(double span, int want)
{
    double raw = span / want, p = 1;
    while (p * 10 <= raw)
        p *= 10;
    while (p > raw)
        p /= 10;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (p * m >= raw)
            return p * m;
    return p * 10;
}

std::string number(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

/* One PNG: a title, a legend of the layers shown, a labelled band per unit, time on x with a
 * labelled axis, and a slice per event coloured by layer. */
std::string draw(const std::vector<TraceEvent> &ev, const std::vector<std::string> &names,
                 const std::string &title, const std::string &path)
{
    const size_t n_layers = std::max<size_t>(1, names.size());
    double t0 = 0, t1 = 1;
    if (!ev.empty()) {
        t0 = ev.front().start_ps, t1 = t0;
        for (const TraceEvent &e : ev) {
            t0 = std::min(t0, e.start_ps);
            t1 = std::max(t1, e.start_ps + e.dur_ps);
        }
    }
    const int S = 2, th = Canvas::text_height(S); /* text scale and height */
    const int units = (int)Unit::Count, band = 24, gap = 4;
    int label_w = 0;
    for (int u = 0; u < units; u++)
        label_w = std::max(label_w, Canvas::text_width(unit_name((Unit)u), S));
    const int W = 1200, left = label_w + 16, right = 24, plot_w = W - left - right;
    const int legend_y = 12 + th + 8, top = legend_y + th + 14;
    const int plot_h = units * (band + gap) + gap, axis_y = top + plot_h;
    const int H = axis_y + 8 + th + 8 + th + 10;
    Canvas cv(W, H, kWhite);

    cv.text(12, 12, title, kInk, S);
    std::vector<bool> shown(n_layers, false);
    for (const TraceEvent &e : ev)
        shown[e.layer % n_layers] = true;
    int x = 12;
    for (size_t l = 0; l < n_layers; l++) {
        if (!shown[l])
            continue;
        const std::string label = l < names.size() ? names[l] : "layer " + std::to_string(l);
        if (x + th + 6 + Canvas::text_width(label, S) > W - right)
            break; /* no room for more: the legend stops, the colours stay */
        cv.fill(x, legend_y, th, th, layer_colour(l));
        x = cv.text(x + th + 6, legend_y, label, kInk, S) + 18;
    }

    const double span_ps = std::max(1.0, t1 - t0);
    const double span_ns = span_ps / 1e3, step = tick_step(span_ns, 8);
    const bool us = step >= 1000;
    for (double t = 0; t <= span_ns * (1 + 1e-9); t += step) {
        const int tx = left + (int)(t / span_ns * (plot_w - 1));
        cv.fill(tx, top, 1, plot_h, kGrid);
        cv.fill(tx, axis_y, 1, 6, kInk);
        const std::string lab = number(us ? t / 1e3 : t);
        cv.text(std::min(tx - Canvas::text_width(lab, S) / 2, W - Canvas::text_width(lab, S)),
                axis_y + 8, lab, kInk, S);
    }
    cv.fill(left, axis_y, plot_w, 1, kInk);
    const std::string axis = std::string("time since the first event (") + (us ? "us" : "ns") + ")";
    cv.text(left + (plot_w - Canvas::text_width(axis, S)) / 2, axis_y + 8 + th + 8, axis, kInk, S);

    for (int u = 0; u < units; u++) {
        const int y = top + gap + u * (band + gap);
        cv.text(8, y + (band - th) / 2, unit_name((Unit)u), kInk, S);
        cv.fill(left, y, plot_w, band, kBand);
    }
    for (const TraceEvent &e : ev) {
        const int x0 = left + (int)((e.start_ps - t0) / span_ps * (plot_w - 1));
        const int x1 = left + (int)((e.start_ps + e.dur_ps - t0) / span_ps * (plot_w - 1));
        cv.fill(x0, top + gap + (int)e.unit * (band + gap), std::max(1, x1 - x0 + 1), band,
                layer_colour(e.layer % n_layers));
    }
    return cv.write_png(path);
}

} // namespace

std::string write_png_timelines(const RunReport &r, const std::string &dir)
{
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
        if (e.layer < L)
            first.push_back(e);
    std::string err = draw(first, names, r.arch + " array: first batch, all layers",
                           dir + sep + "timeline.png");
    for (size_t l = 0; l < r.layers.size() && err.empty(); l++) {
        std::vector<TraceEvent> one;
        for (const TraceEvent &e : first)
            if (e.layer == l)
                one.push_back(e);
        err = draw(one, names, r.arch + " array: layer " + std::to_string(l) + " (" + names[l] + ")",
                   dir + sep + "layer" + std::to_string(l) + ".png");
    }
    return err;
}

} // namespace hq::accel
