/* The report canvas (model/accel/canvas.h): rectangles are clipped, text sets exactly the
 * glyph's pixels, unknown characters draw a box, and the PNG reads back through libpng with
 * the same pixels. */
#include "accel/canvas.h"
#include "accel_test.h"

#include <png.h>

#include <cstdlib>
#include <unistd.h>

using hq::accel::Canvas;
using hq::accel::Rgb;

namespace {

const Rgb kBg = {255, 255, 255}, kInk = {10, 20, 30};

/* Reads an RGB PNG back; false if libpng rejects it. */
bool read_png(const std::string &path, int &w, int &h, std::vector<uint8_t> &px)
{
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path.c_str()))
        return false;
    img.format = PNG_FORMAT_RGB;
    w = (int)img.width, h = (int)img.height;
    px.resize(PNG_IMAGE_SIZE(img));
    return png_image_finish_read(&img, nullptr, px.data(), 0, nullptr) != 0;
}

long count_ink(const std::vector<uint8_t> &px, int w, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += px[((size_t)y * w + x) * 3] == kInk.r;
    return n;
}

} // namespace

int sc_main(int, char **)
{
    const std::string dir = "canvas_test_out";
    std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());

    Canvas cv(64, 32, kBg);
    cv.fill(-5, -5, 10, 10, kInk);                 /* clipped to the 5x5 corner */
    cv.fill(60, 30, 100, 100, kInk);               /* clipped to 4x2 */
    int end = cv.text(10, 10, "1", kInk);          /* '1': 0x04,0x0C,0x04,0x04,0x04,0x04,0x0E */
    CHECK(end == 16, "text advances 6 pixels per character: %d", end);
    CHECK(Canvas::text_width("abc", 2) == 36 && Canvas::text_height(2) == 16, "text metrics");
    cv.text(30, 10, "#", kInk);                    /* not in the font: a 5x7 box */
    std::string err = cv.write_png(dir + "/c.png");
    CHECK(err.empty(), "write_png: %s", err.c_str());

    int w = 0, h = 0;
    std::vector<uint8_t> px;
    CHECK(read_png(dir + "/c.png", w, h, px), "libpng reads the canvas back");
    if (w == 64 && h == 32) {
        CHECK(count_ink(px, w, 0, 0, 64, 32) == 25 + 8 + 10 + 20,
              "ink pixels: corner 25 + edge 8 + glyph '1' 10 + box 20, got %ld",
              count_ink(px, w, 0, 0, 64, 32));
        CHECK(count_ink(px, w, 0, 0, 5, 5) == 25, "clipped corner");
        CHECK(count_ink(px, w, 10, 10, 15, 17) == 10, "glyph '1' pixels");
        CHECK(px[((size_t)10 * w + 12) * 3] == kInk.r && px[((size_t)10 * w + 11) * 3] == kBg.r,
              "glyph '1' top row is its middle pixel");
        CHECK(count_ink(px, w, 30, 10, 35, 17) == 20, "unknown character: a 5x7 box outline");
    } else {
        CHECK(false, "read back %d x %d, expected 64 x 32", w, h);
    }

    Canvas big(8, 8, kBg);
    big.text(0, 0, "A", kInk, 1);
    Canvas small(8, 8, kBg);
    small.text(0, 0, "a", kInk, 1);
    big.write_png(dir + "/upper.png");
    small.write_png(dir + "/lower.png");
    std::vector<uint8_t> p1, p2;
    int w1, h1, w2, h2;
    CHECK(read_png(dir + "/upper.png", w1, h1, p1) && read_png(dir + "/lower.png", w2, h2, p2) &&
              p1 == p2,
          "upper case is drawn as lower case");

    err = cv.write_png(dir + "/no/such/dir/c.png");
    CHECK(!err.empty() && err.find("no/such/dir/c.png") != std::string::npos,
          "an unwritable path is an error naming the file: '%s'", err.c_str());
    return hqt::finish("test_accel_canvas");
}
