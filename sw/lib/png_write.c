#include "png_write.h"

#include "out_file.h"

#include <png.h>
#include <stdio.h>
#include <string.h>

int hq_png_write_rgb(const char *path, int w, int h, const uint8_t *rgb, char *err,
                     size_t errlen)
{
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "%s: empty image (%d x %d)", path, w, h);
        return -1;
    }
    hq_out out;
    if (hq_out_open(&out, path, HQ_OUT_ATOMIC, err, errlen)) return -1;
    FILE *f = out.f;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        hq_out_abort(&out);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        hq_out_abort(&out);
        snprintf(err, errlen, "%s: libpng write error", path);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++)
        png_write_row(png, (png_const_bytep)(rgb + (size_t)y * w * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return hq_out_close(&out, err, errlen);
}
