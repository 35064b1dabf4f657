/* Unit activity as a Chrome/Perfetto trace (chrome://tracing, ui.perfetto.dev: one track per
 * unit, one slice per interval, named by layer) and as PNG timelines drawn with libpng. */
#include "accel/accel_run.h"

#include <png.h>

#include <algorithm>
#include <cstdio>
#include <sys/stat.h>

namespace hq::accel {

const char *unit_name(Unit u)
{
    static const char *names[] = {"control", "dma_in", "weights", "decompressor", "pe_array",
                                  "output", "dma_out"};
    return (unsigned)u < (unsigned)Unit::Count ? names[(unsigned)u] : "?";
}

std::string write_chrome_trace(const RunReport &r, const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "w");
    if (!f)
        return path + ": cannot write";
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
        const size_t li = e.layer % n_layers;
        const std::string name = li < r.layers.size() ? r.layers[li].name : "layer";
        std::fprintf(f, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                        "\"tid\": %u, \"ts\": %.4f, \"dur\": %.4f, \"args\": {\"invocation\": %u}}",
                     name.c_str(), unit_name(e.unit), (unsigned)e.unit, e.start_ps / 1e6,
                     e.dur_ps / 1e6, (unsigned)e.layer);
    }
    std::fprintf(f, "\n]}\n");
    return std::fclose(f) == 0 ? "" : path + ": write failed";
}

namespace {

struct Rgb {
    uint8_t r, g, b;
};

const Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
                        {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                        {188, 189, 34}, {23, 190, 207}};

/* One PNG: a row band per unit, time on x, a slice per event coloured by layer. */
std::string draw(const std::vector<TraceEvent> &ev, size_t n_layers, const std::string &path)
{
    if (ev.empty())
        return "";
    double t0 = ev.front().start_ps, t1 = t0;
    for (const TraceEvent &e : ev) {
        t0 = std::min(t0, e.start_ps);
        t1 = std::max(t1, e.start_ps + e.dur_ps);
    }
    const int W = 1200, band = 24, gap = 4, units = (int)Unit::Count, H = units * (band + gap) + gap;
    std::vector<uint8_t> px((size_t)W * H * 3, 255);
    for (int u = 0; u < units; u++) /* light band backgrounds */
        for (int y = gap + u * (band + gap); y < gap + u * (band + gap) + band; y++)
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++)
                    px[((size_t)y * W + x) * 3 + c] = 236;
    const double span = std::max(1.0, t1 - t0);
    for (const TraceEvent &e : ev) {
        int x0 = (int)((e.start_ps - t0) / span * (W - 1));
        int x1 = std::max(x0, (int)((e.start_ps + e.dur_ps - t0) / span * (W - 1)));
        const Rgb c = kPalette[(e.layer % n_layers) % (sizeof kPalette / sizeof kPalette[0])];
        const int y0 = gap + (int)e.unit * (band + gap);
        for (int y = y0; y < y0 + band; y++)
            for (int x = x0; x <= x1 && x < W; x++) {
                uint8_t *p = &px[((size_t)y * W + x) * 3];
                p[0] = c.r, p[1] = c.g, p[2] = c.b;
            }
    }
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return path + ": cannot write";
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        return path + ": libpng error";
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, W, H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < H; y++)
        png_write_row(png, &px[(size_t)y * W * 3]);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return std::fclose(f) == 0 ? "" : path + ": write failed";
}

} // namespace

std::string write_png_timelines(const RunReport &r, const std::string &dir)
{
    mkdir(dir.c_str(), 0777);
    const size_t L = std::max<size_t>(1, r.layers.size());
    /* The first batch (one invocation of every layer), then each layer's first invocation. */
    std::vector<TraceEvent> first;
    for (const TraceEvent &e : r.trace)
        if (e.layer < L)
            first.push_back(e);
    std::string err = draw(first, L, dir + "/timeline.png");
    for (size_t l = 0; l < r.layers.size() && err.empty(); l++) {
        std::vector<TraceEvent> one;
        for (const TraceEvent &e : first)
            if (e.layer == l)
                one.push_back(e);
        err = draw(one, L, dir + "/layer" + std::to_string(l) + ".png");
    }
    return err;
}

} // namespace hq::accel
