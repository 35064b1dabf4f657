/* PNG weight maps: the file decodes with libpng, has one pixel per weight, and high weights,
 * positive, negative and zero low codes get their documented colours. */
#include "layout/maps.h"
#include "test_util.h"

#include <png.h>

int main(void)
{
    hq_qlayer *q = t_alloc_q(3, 5, 2, 8);
    int8_t w[15] = {4, -4, 0, 90, 4, 0, 0, 0, 0, 0, -4, -4, -4, -4, -77};
    memcpy(q->w, w, 15);
    q->lo_shift[0] = q->lo_shift[1] = q->lo_shift[2] = 2;
    q->is_hi[3] = q->is_hi[14] = 1;
    const char *path = "test_maps_out.png";
    char err[256];
    CHECK(!hq_map_write_png(q, 3, 5, path, err, sizeof err), "%s", err);

    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    CHECK(png_image_begin_read_from_file(&img, path), "libpng cannot read %s", path);
    img.format = PNG_FORMAT_RGB;
    uint8_t px[3 * 15];
    CHECK(img.width == 5 && img.height == 3, "%ux%u", img.width, img.height);
    CHECK(png_image_finish_read(&img, NULL, px, 0, NULL), "decode failed");
    const uint8_t *hi = px + 3 * 3, *pos = px, *neg = px + 3 * 1, *zero = px + 3 * 2;
    CHECK(hi[0] == 0 && hi[1] == 0 && hi[2] == 0, "high weight not black");
    CHECK(px[3 * 14] == 0 && px[3 * 14 + 2] == 0, "second high weight not black");
    CHECK(pos[0] > pos[2] && pos[0] > pos[1], "positive code not red");
    CHECK(neg[2] > neg[0] && neg[2] > neg[1], "negative code not blue");
    CHECK(zero[0] == zero[1] && zero[1] == zero[2] && zero[0] > 200, "zero not light grey");
    remove(path);

    CHECK(hq_map_write_png(q, 3, 5, "/nonexistent-dir/x.png", err, sizeof err) != 0 &&
              strstr(err, "nonexistent-dir"),
          "unwritable path not reported: %s", err);
    hq_qlayer_free(q);
    return t_report("test_maps");
}
