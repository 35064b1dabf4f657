/* Activation statistics for select=saliency: the mean square of every GEMM input column,
 * so that a weight's saliency is its low-bit error times E[x_j^2] (the expected squared
 * output error it causes). */
#include "hq_error.h"
#include "quant/quantize.h"
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 100

int hq_n_weighted(const hq_model *m) {
    int n = 0;
    for (int i = 0; i < m->n_layers; i++)
        n += m->layers[i].kind == HQ_LAYER_DENSE || m->layers[i].kind == HQ_LAYER_CONV;
    return n;
}

int hq_weighted_index(const hq_model *m, int li) {
    int k = 0;
    for (int i = 0; i < m->n_layers; i++) {
        int w = m->layers[i].kind == HQ_LAYER_DENSE || m->layers[i].kind == HQ_LAYER_CONV;
        if (i == li) return w ? k : -1;
        k += w;
    }
    return -1;
}

void hq_col_energy_free(float *energy[HQ_MAX_LAYERS]) {
    for (int l = 0; l < HQ_MAX_LAYERS; l++) {
        free(energy[l]);
        energy[l] = NULL;
    }
}

static size_t shape_size(hq_shape s) {
    return (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

/* Adds the squares of layer L's GEMM inputs for nb inputs (HWC floats) to acc[cols]. */
static void accumulate(const hq_layer *L, const float *in, int nb, double *acc) {
    size_t isz = shape_size(L->in);
    if (L->kind == HQ_LAYER_DENSE) {
        for (int b = 0; b < nb; b++)
            for (int j = 0; j < L->cols; j++) {
                double x = in[(size_t)b * isz + (size_t)j];
                acc[j] += x * x;
            }
        return;
    }
    /* a grouped conv's column (ky*k + kx)*Cg + c' sums channel c' of every group (one energy
     * per column, shared by the rows of all groups) */
    int C = L->in.c, H = L->in.h, W = L->in.w, k = L->k, Cg = C / hq_layer_groups(L);
    for (int b = 0; b < nb; b++)
        for (int oy = 0; oy < L->out.h; oy++)
            for (int ox = 0; ox < L->out.w; ox++)
                for (int ky = 0; ky < k; ky++) {
                    int iy = oy * L->stride - L->pad + ky;
                    if (iy < 0 || iy >= H) continue; /* zero padding adds 0 */
                    for (int kx = 0; kx < k; kx++) {
                        int ix = ox * L->stride - L->pad + kx;
                        if (ix < 0 || ix >= W) continue;
                        const float *px = in + (size_t)b * isz + ((size_t)iy * W + ix) * C;
                        double *a = acc + (size_t)(ky * k + kx) * Cg;
                        for (int c = 0; c < C; c++)
                            a[c % Cg] += (double)px[c] * px[c];
                    }
                }
}

int hq_col_energy(const hq_model *m, const hq_dataset *d, int n, float *energy[HQ_MAX_LAYERS],
                  char *err, size_t errlen) {
    memset(energy, 0, sizeof(float *) * HQ_MAX_LAYERS);
    if (n <= 0 || n > d->n) n = d->n;
    size_t img = (size_t)d->rows * (size_t)d->cols;
    if (img != shape_size(m->input)) {
        hq_errf(err, errlen, "calibration images are %d x %d, the model expects %d x %d x %d",
                d->rows, d->cols, m->input.h, m->input.w, m->input.c);
        return -1;
    }
    float *acts[HQ_MAX_LAYERS] = {0};
    double *acc[HQ_MAX_LAYERS] = {0};
    float *x0 = malloc(sizeof *x0 * img * BATCH);
    int ok = x0 != NULL, upto = 0;
    for (int l = 0; ok && l < m->n_layers; l++) {
        const hq_layer *L = &m->layers[l];
        if (L->kind == HQ_LAYER_DENSE || L->kind == HQ_LAYER_CONV) {
            ok = (acc[l] = calloc((size_t)L->cols, sizeof(double))) != NULL;
            upto = l;
        }
        if (l + 1 < m->n_layers)
            ok = ok && (acts[l] = malloc(sizeof(float) * shape_size(L->out) * BATCH)) != NULL;
    }
    int rc = ok ? 0 : -1;
    if (!ok) hq_errf(err, errlen, "out of memory");
    for (int i = 0; !rc && i < n; i += BATCH) {
        int nb = n - i < BATCH ? n - i : BATCH;
        const uint8_t *px = d->images + (size_t)i * img;
        if (upto > 0 && hq_forward_float_batch(m, px, nb, upto - 1, acts)) {
            hq_errf(err, errlen, "float forward pass failed (is the model a float model?)");
            rc = -1;
            break;
        }
        for (size_t p = 0; p < img * (size_t)nb; p++)
            x0[p] = px[p] / 255.0f;
        for (int l = 0; l <= upto; l++)
            if (acc[l]) {
                int src = hq_layer_src(m, l); /* the layer it reads (docs/format.md LEXT) */
                accumulate(&m->layers[l], src < 0 ? x0 : acts[src], nb, acc[l]);
            }
    }
    for (int l = 0; !rc && l < m->n_layers; l++) {
        if (!acc[l]) continue;
        const hq_layer *L = &m->layers[l];
        double per = (double)n * (L->kind == HQ_LAYER_CONV ? L->out.h * L->out.w : 1);
        if (!(energy[l] = malloc(sizeof(float) * (size_t)L->cols))) {
            hq_errf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        for (int j = 0; j < L->cols; j++)
            energy[l][j] = (float)(acc[l][j] / per);
    }
    for (int l = 0; l < HQ_MAX_LAYERS; l++) {
        free(acts[l]);
        free(acc[l]);
    }
    free(x0);
    if (rc) hq_col_energy_free(energy);
    return rc;
}
