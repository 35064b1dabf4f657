/* Fuzz target `layout_c`: the C layer-image decoders of every layout (sw/lib/layout). A decoded
 * layer must be self-consistent: high weights only where is_hi says, every low weight a
 * valid low code shifted by its row's lo_shift. */
#include "fuzz_outcome.h"
#include "layout/layout.h"

#include <stdlib.h>

static void check_layer(const hq_decoded_layer *d) {
    if (d->rows <= 0 || d->cols <= 0 || !d->w) abort();
    if (!d->lo_bits) return;
    if (!d->is_hi || !d->lo_shift) abort();
    int cmax = 1 << (d->lo_bits - 1); /* |code| bound of every lo (docs/arith.md) */
    for (int r = 0; r < d->rows; r++) {
        if (d->lo_shift[r] > 7) /* a shifted low weight stays on the int8 grid */
            abort();
        int unit = 1 << d->lo_shift[r];
        for (int c = 0; c < d->cols; c++) {
            size_t i = (size_t)r * d->cols + c;
            if (d->is_hi[i] > 1) abort();
            if (!d->is_hi[i] && (d->w[i] % unit || abs(d->w[i] / unit) > cmax)) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hq_decoded_layer d;
    char err[512];
    hq_fuzz_accepted = hq_layout_decode(data, size, &d, err, sizeof err) == 0;
    if (hq_fuzz_accepted) {
        check_layer(&d);
        hq_decoded_layer_free(&d);
    } else if (!err[0]) {
        abort(); /* a refusal always says why */
    }
    return 0;
}
