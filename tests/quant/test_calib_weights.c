/* docs/arith.md 8.1, settled for issue 11: which weights the float pass that sets the
 * activation scales uses (uniform8 PTQ: the float weights; every sw/lib/quant policy: the
 * dequantized weights w_scale * w of every weighted layer), and "a layer that never fires
 * gets 1/255". The expected scales are computed here from a float forward pass with the
 * documented weights, at --percentile 100 (clip = maximum). */
#include "ptq.h"
#include "quant/quantize.h"
#include "quant/quantizer.h"
#include "test_util.h"
#include "train.h"

#include <math.h>

#define N_IMG 48

static void make_images(hq_dataset *d, uint64_t *s) {
    d->n = N_IMG;
    d->rows = d->cols = 28;
    d->images = malloc((size_t)N_IMG * 784);
    d->labels = calloc(N_IMG, 1);
    for (int i = 0; i < N_IMG * 784; i++)
        d->images[i] = (uint8_t)(t_rand(s) % 3 ? t_randint(s, 0, 255) : 0);
    for (int i = 0; i < N_IMG; i++)
        d->labels[i] = (uint8_t)(i % 10);
}

/* clip / 255 of hidden layer l's float outputs over the images, with weights `w[l]`. */
static float expected_scale(hq_model *m, float *const *w, const hq_dataset *d, int l) {
    float *saved[HQ_MAX_LAYERS];
    for (int i = 0; i < m->n_layers; i++) {
        saved[i] = m->layers[i].w;
        if (w[i]) m->layers[i].w = w[i];
    }
    float *acts[HQ_MAX_LAYERS] = {0};
    size_t n = (size_t)N_IMG * hq_shape_elems(m->layers[l].out);
    acts[l] = malloc(n * sizeof(float));
    CHECK(hq_forward_float_batch(m, d->images, N_IMG, l, acts) == 0, "forward");
    double mx = 0;
    for (size_t j = 0; j < n; j++)
        mx = fmax(mx, acts[l][j]);
    free(acts[l]);
    for (int i = 0; i < m->n_layers; i++)
        m->layers[i].w = saved[i];
    return mx > 0 ? (float)(mx / 255.0) : 1.0f / 255.0f;
}

static int close_to(float a, float b) {
    return fabsf(a - b) <= 1e-6f * fabsf(b);
}

static void check_policy(const char *spec, const hq_dataset *d, int never_fires) {
    hq_model m;
    char err[512] = "";
    int hidden[2] = {24, 16};
    CHECK(!hq_model_init_mlp(&m, hidden, 2, 1.0f, 5, err, sizeof err), "%s", err);
    if (never_fires) { /* layer 0: weights <= 0, bias < 0 on inputs >= 0: ReLU output 0 */
        hq_layer *L = &m.layers[0];
        for (int i = 0; i < L->rows * L->cols; i++)
            L->w[i] = -fabsf(L->w[i]);
        for (int r = 0; r < L->rows; r++)
            L->b[r] = -0.5f;
    }
    int rc;
    if (!strcmp(spec, "uniform8")) {
        hq_calib_opts co;
        hq_calib_opts_default(&co);
        co.n_images = N_IMG;
        co.percentile = 100;
        co.verbose = 0;
        rc = hq_ptq_uniform(&m, d, 8, &co, err, sizeof err);
    } else {
        hq_quant_opts qo;
        hq_quant_opts_default(&qo);
        qo.calib_images = N_IMG;
        qo.percentile = 100;
        qo.verbose = 0;
        qo.threads = 1;
        rc = hq_quantize_model(&m, spec, d, &qo, err, sizeof err);
    }
    CHECK(rc == 0, "%s: %s", spec, err);
    if (rc) {
        hq_model_free(&m);
        return;
    }
    float *dq[HQ_MAX_LAYERS] = {0}, *none[HQ_MAX_LAYERS] = {0};
    for (int l = 0; l < m.n_layers; l++) {
        hq_layer *L = &m.layers[l];
        dq[l] = malloc(sizeof(float) * (size_t)L->rows * (size_t)L->cols);
        hq_quant_dequant(L->q, L->rows, L->cols, dq[l]);
    }
    int uniform8 = !strcmp(spec, "uniform8");
    for (int l = 0; l < m.n_layers - 1; l++) {
        float got = m.layers[l].out_act_scale;
        float want = expected_scale(&m, uniform8 ? none : dq, d, l);
        float other = expected_scale(&m, uniform8 ? dq : none, d, l);
        CHECK(close_to(got, want),
              "%s layer %d: out_act_scale %.9g, the documented weights "
              "give %.9g (the other weights %.9g)",
              spec, l, got, want, other);
        if (never_fires && l == 0)
            CHECK(got == 1.0f / 255.0f, "%s: a layer that never fires has scale %.9g, not 1/255",
                  spec, got);
        else if (!never_fires) /* the two weight sets differ: the check above discriminates */
            CHECK(!close_to(other, want),
                  "%s layer %d: float and dequantized weights agree "
                  "(%.9g): the test does not tell them apart",
                  spec, l, want);
    }
    for (int l = 0; l < m.n_layers; l++)
        free(dq[l]);
    hq_model_free(&m);
}

int main(void) {
    uint64_t s = 2024;
    hq_dataset d;
    make_images(&d, &s);
    check_policy("uniform8", &d, 0);
    check_policy("uniform2", &d, 0);
    check_policy("lo=2,hi=8,frac=0.05;last=uniform8", &d, 0);
    check_policy("uniform8", &d, 1);
    check_policy("lo=2,hi=8,frac=0.05", &d, 1);
    free(d.images);
    free(d.labels);
    return t_report("test_calib_weights");
}
