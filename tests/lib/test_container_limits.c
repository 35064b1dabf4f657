/* Issue 16: the .hqm container has no fixed limits on layer count, dimension or weights per
 * layer any more (it refused an 8192-wide hidden layer, more than 16 layers and VGG-16's
 * K = 25,088), while a corrupt file claiming huge layers is still rejected before anything
 * of that size is allocated. */
#include "check.h"
#include "container_edit.h"
#include "container.h"
#include "test_models.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An MLP input -> hidden... -> 10 with float parameters (quant: also uniform int8). */
static void build_mlp(hq_model *m, hq_shape input, const int *hidden, int n_hidden, int quant) {
    memset(m, 0, sizeof *m);
    strcpy(m->net, "mlp");
    m->width_mult = 1.0f;
    m->n_classes = 10;
    m->input = input;
    for (int i = 0; i < n_hidden; i++)
        tm_add(m, HQ_LAYER_DENSE, hidden[i], 0, 0, 0);
    tm_add(m, HQ_LAYER_DENSE, 10, 0, 0, 0)->relu = 0;
    for (int i = 0; i < m->n_layers; i++) {
        tm_floats(&m->layers[i]);
        if (quant) tm_quantize(&m->layers[i], i == m->n_layers - 1, 0);
    }
    if (quant) strcpy(m->policy, "uniform8");
}

/* Saves m to memory, loads it back and checks the loaded copy is identical. */
static void round_trip(const hq_model *m, const char *what) {
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512] = "";
    int rc = hq_container_write_mem(m, &buf, &len, err, sizeof err);
    if (rc) fprintf(stderr, "%s: save: %s\n", what, err);
    CHECK(rc == 0);
    if (rc) return;
    hq_model b;
    rc = hq_container_read_mem(&b, buf, len, err, sizeof err);
    if (rc) fprintf(stderr, "%s: load: %s\n", what, err);
    CHECK(rc == 0);
    if (!rc) {
        CHECK_EQ_INT(b.n_layers, m->n_layers);
        for (int i = 0; i < m->n_layers; i++) {
            const hq_layer *x = &m->layers[i], *y = &b.layers[i];
            size_t nw = hq_layer_weights(x);
            CHECK(x->rows == y->rows && x->cols == y->cols);
            CHECK(!memcmp(x->w, y->w, nw * sizeof *x->w));
            CHECK(!memcmp(x->b, y->b, (size_t)x->rows * sizeof *x->b));
            if (x->q) CHECK(y->q && !memcmp(x->q->w, y->q->w, nw));
        }
        hq_container_free_model(&b);
    }
    free(buf);
}

static uint8_t *first_layr(uint8_t *buf, size_t len) {
    for (size_t i = 0; i + 4 <= len; i++)
        if (!memcmp(buf + i, "LAYR", 4)) return buf + i + 8; /* the payload */
    return NULL;
}

static void expect_reject(const uint8_t *buf, size_t len, const char *needle) {
    hq_model m;
    char err[512] = "";
    CHECK(hq_container_read_mem(&m, buf, len, err, sizeof err) == -1);
    CHECK_MSG(err, needle);
}

int main(void) {
    (void)tm_build; /* test_models.h helper not used here */
    hq_model m;
    /* a 784-8192-10 MLP: the hidden layer was refused at save (4096 per dimension) */
    int wide[] = {8192};
    build_mlp(&m, (hq_shape){1, 28, 28}, wide, 1, 1);
    round_trip(&m, "8192-wide MLP");
    hq_container_free_model(&m);

    /* 59 hidden layers + the classifier: 60 layers (MobileNetV2 has over 50 weighted) */
    int deep[59];
    for (int i = 0; i < 59; i++)
        deep[i] = 16 + i % 3;
    build_mlp(&m, (hq_shape){1, 4, 4}, deep, 59, 1);
    CHECK_EQ_INT(m.n_layers, 60);
    round_trip(&m, "60-layer MLP");
    hq_container_free_model(&m);

    /* K = 25,088 (VGG-16's first fully connected layer reads 512 x 7 x 7) */
    int fc[] = {32};
    build_mlp(&m, (hq_shape){512, 7, 7}, fc, 1, 0);
    CHECK_EQ_INT(m.layers[0].cols, 25088);
    round_trip(&m, "K = 25088");

    /* Corrupt files claiming huge layers are rejected without allocating their size. */
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[512];
    CHECK(hq_container_write_mem(&m, &buf, &len, err, sizeof err) == 0);
    uint8_t *p = buf ? first_layr(buf, len) : NULL;
    CHECK(p != NULL);
    if (p) {
        /* 2^24 outputs x 25,088 inputs = 4.2e11 weights, the FPAR chunk holds 802,816 */
        put32(p + 20, 1u << 24);
        put32(p + 48, 1u << 24);
        reseal(buf, len);
        expect_reject(buf, len, "layer 0");
        /* dimensions whose product overflows 32 and 64 bits */
        put32(p + 20, 32);
        put32(p + 48, 32);
        put32(p + 8, 0x7fffffffu);
        put32(p + 12, 0x7fffffffu);
        put32(p + 16, 0x7fffffffu);
        reseal(buf, len);
        expect_reject(buf, len, "out of range");
        /* more layers than an hq_model holds */
        put32(p + 8, 25088);
        put32(p + 12, 1);
        put32(p + 16, 1);
        reseal(buf, len);
        hq_model ok;
        CHECK(hq_container_read_mem(&ok, buf, len, err, sizeof err) == 0); /* restored */
        hq_container_free_model(&ok);
        uint8_t *modl = buf + 24 + 8; /* n_layers after net[16], f32, 3 x u32, u32 */
        put32(modl + 16 + 4 + 12 + 4, HQ_MAX_LAYERS + 1);
        reseal(buf, len);
        expect_reject(buf, len, "layers");
    }
    free(buf);
    hq_container_free_model(&m);
    return check_report("test_container_limits");
}
