/* PNG timelines (sw/app/timeline_png.h, `hqsim run --png`), read back with cairo: the
 * pictures have the documented size, the title and legend are drawn, every slice of the first
 * batch has its layer's colour at its computed place, later batches are left out, the same
 * report gives the same bytes twice, and an unwritable directory is an error naming it. */
#include "accel_run.h"
#include "timeline_png.h"
#include "accel_test.h"

#include <cairo.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace hq::accel;

namespace {

struct Png {
    cairo_surface_t *s = nullptr;
    explicit Png(const std::string &path) : s(cairo_image_surface_create_from_png(path.c_str())) {
        cairo_surface_flush(s);
    }
    ~Png() { cairo_surface_destroy(s); }
    bool ok() const { return cairo_surface_status(s) == CAIRO_STATUS_SUCCESS; }
    int w() const { return cairo_image_surface_get_width(s); }
    int h() const { return cairo_image_surface_get_height(s); }
    uint32_t at(int x, int y) const {
        const unsigned char *d = cairo_image_surface_get_data(s);
        return ((const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s)))[x] &
               0xFFFFFF;
    }
    long count(int x0, int y0, int x1, int y1, bool (*pred)(uint32_t, uint32_t), uint32_t c) const {
        long n = 0;
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                n += pred(at(x, y), c);
        return n;
    }
};

bool differs(uint32_t p, uint32_t c) {
    return p != c;
}
bool equals(uint32_t p, uint32_t c) {
    return p == c;
}

std::string bytes(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

/* Centre pixel of an event's slice in a picture whose events span [t0, t1]. */
void centre(const TimelineGeometry &g, const TraceEvent &e, double t0, double t1, int &x, int &y) {
    x = g.plot_x + (int)((e.start_ps + e.dur_ps / 2 - t0) / (t1 - t0) * (g.plot_w - 1));
    y = g.top + g.gap + (int)e.unit * (g.band + g.gap) + g.band / 2;
}

} // namespace

int sc_main(int, char **) {
    const std::string dir = "timeline_test_out";
    std::system(("rm -rf " + dir + " " + dir + "2").c_str());
    RunReport r;
    r.arch = "split";
    r.layers.resize(2);
    r.layers[0].name = "fc0", r.layers[1].name = "fc1";
    r.trace = {{Unit::Control, 0, 0, 1000},
               {Unit::Array, 0, 1000, 4000},
               {Unit::Array, 1, 6000, 3000},
               {Unit::DmaOut, 1, 9000, 1000},
               {Unit::Weights, 2, 2000, 2000}}; /* layer counter 2: the second batch */
    std::string err = write_png_timelines(r, dir);
    CHECK(err.empty(), "write_png_timelines: %s", err.c_str());

    const TimelineGeometry g = timeline_geometry();
    const uint32_t white = 0xFFFFFF, band = 0xECECEC;
    Png all(dir + "/timeline.png");
    CHECK(all.ok() && all.w() == g.width && all.h() == g.height && g.width == 1200,
          "timeline.png is %d x %d, expected %d x %d", all.w(), all.h(), g.width, g.height);
    if (all.ok() && all.w() == g.width && all.h() == g.height) {
        CHECK(all.count(0, 0, g.width, g.title_h, differs, white) > 300, "title drawn");
        for (size_t l = 0; l < 2; l++)
            CHECK(all.count(0, g.legend_y, g.width, g.legend_y + g.legend_swatch, equals,
                            timeline_layer_colour(l)) == (long)g.legend_swatch * g.legend_swatch,
                  "legend swatch of layer %zu", l);
        CHECK(all.count(0, g.legend_y, g.width, g.legend_y + g.legend_swatch, differs, white) >
                  2 * g.legend_swatch * g.legend_swatch + 60,
              "legend names drawn");
        CHECK(all.count(0, g.top, g.plot_x, g.axis_y, differs, white) > 300, "unit names drawn");
        CHECK(all.count(0, g.axis_y + 8, g.width, g.height, differs, white) > 300,
              "time axis labels drawn");
        int x, y;
        for (int i = 0; i < 4; i++) {
            centre(g, r.trace[i], 0, 10000, x, y);
            CHECK(all.at(x, y) == timeline_layer_colour(r.trace[i].layer),
                  "slice %d at (%d, %d): %06x", i, x, y, all.at(x, y));
        }
        centre(g, r.trace[4], 0, 10000, x, y);
        CHECK(all.at(x, y) == band, "the second batch is not drawn: %06x", all.at(x, y));
    }
    Png one(dir + "/layer1.png");
    CHECK(one.ok() && one.w() == g.width && one.h() == g.height, "layer1.png");
    if (one.ok() && one.w() == g.width && one.h() == g.height) {
        int x, y;
        centre(g, r.trace[2], 6000, 10000, x, y);
        CHECK(one.at(x, y) == timeline_layer_colour(1) &&
                  one.at(g.plot_x + 1, y) == timeline_layer_colour(1),
              "layer 1's slice starts the picture");
        CHECK(one.count(g.plot_x, g.top, g.plot_x + g.plot_w, g.axis_y, equals,
                        timeline_layer_colour(0)) == 0,
              "layer 0 is not in layer1.png");
    }
    CHECK(write_png_timelines(r, dir + "2").empty() &&
              bytes(dir + "/timeline.png") == bytes(dir + "2/timeline.png") &&
              bytes(dir + "/layer0.png") == bytes(dir + "2/layer0.png") &&
              !bytes(dir + "/layer0.png").empty(),
          "the same report gives the same bytes");

    err = write_png_timelines(r, dir + "/no/such/dir");
    CHECK(!err.empty() && err.find("no/such/dir") != std::string::npos,
          "an unwritable directory is an error naming it: '%s'", err.c_str());
    return hqt::finish("test_accel_timeline");
}
