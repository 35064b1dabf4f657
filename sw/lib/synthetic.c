/* hq_synthetic_inputs (synthetic.h). */
#include "synthetic.h"

#include "hq_error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x) { /* splitmix64 finaliser */
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

int hq_synthetic_inputs(hq_dataset *d, const hq_model *m, int n, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    size_t elems = hq_shape_elems(m->input);
    if (n < 1 || elems == 0) return hq_errf(err, errlen, "no synthetic images to make");
    d->images = malloc(elems * (size_t)n);
    d->labels = malloc((size_t)n);
    if (!d->images || !d->labels) {
        hq_dataset_free(d);
        return hq_errf(err, errlen, "out of memory for %d synthetic images", n);
    }
    d->n = n;
    d->rows = m->input.h;
    d->cols = m->input.w * m->input.c;
    memset(d->labels, HQ_SYNTHETIC_LABEL, (size_t)n);
    const int h = m->input.h, w = m->input.w, c = m->input.c;
    for (int i = 0; i < n; i++) {
        uint64_t s = mix((uint64_t)i * 0x100000001B3ull + elems);
        int fx = 1 + (int)(s % 7), fy = 1 + (int)((s >> 8) % 7);
        uint8_t *img = d->images + (size_t)i * elems;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) {
                    size_t j = ((size_t)y * w + x) * c + ch;
                    int base = (int)((x * fx * 255L) / (w > 1 ? w : 1) +
                                     (y * fy * 255L) / (h > 1 ? h : 1) + ch * 40) %
                               256;
                    s = s ^ (s << 13);
                    s ^= s >> 7;
                    s ^= s << 17;
                    int v = base / 2 + (int)(s % 128);
                    img[j] = (uint8_t)(v > 255 ? 255 : v);
                }
    }
    return 0;
}
