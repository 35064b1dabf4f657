/* A small RGB raster for report pictures: filled rectangles and text in a built-in 5x7 pixel
 * font with descenders (digits, lower-case letters and a few signs; anything else is drawn as a box), written
 * as PNG through the library's writer (sw/lib/png_write.h). */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hq::accel {

struct Rgb {
    uint8_t r, g, b;
};

class Canvas {
public:
    Canvas(int w, int h, Rgb background);
    int width() const { return w_; }
    int height() const { return h_; }
    /* Clipped to the canvas. */
    void fill(int x, int y, int w, int h, Rgb c);
    /* Text with its top-left corner at (x, y); each font pixel becomes scale x scale pixels.
     * Returns the x just after the text. */
    int text(int x, int y, const std::string &s, Rgb c, int scale = 1);
    static int text_width(const std::string &s, int scale = 1) { return (int)s.size() * 6 * scale; }
    static int text_height(int scale = 1) { return 8 * scale; }
    /* "" or an error message naming the file. */
    std::string write_png(const std::string &path) const;

private:
    int w_, h_;
    std::vector<uint8_t> px_;
};

} // namespace hq::accel
