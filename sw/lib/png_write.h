/* Writes an 8-bit RGB image as PNG with libpng: the one PNG writer of the library (weight maps)
 * and the model (accelerator timelines). */
#ifndef HQ_PNG_WRITE_H
#define HQ_PNG_WRITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* rgb: h rows of w pixels, 3 bytes each (r, g, b), top row first. Returns 0, or -1 with a
 * message naming the file. */
int hq_png_write_rgb(const char *path, int w, int h, const uint8_t *rgb, char *err,
                     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
