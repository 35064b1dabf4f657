/* End to end: train a small float MLP, quantize it heterogeneously (ternary + int8, 2 %,
 * saliency, nm:1:32) with PTQ and with one short QAT epoch, run the integer reference, and check
 * accuracy stays close to the float accuracy; the block layout stays under 2.5 bits/weight
 * and decodes exactly; split low/high accumulation equals the direct one; runs repeat
 * bit for bit. */
#include "container.h"
#include "layout/layout.h"
#include "quant/quantize.h"
#include "reference.h"
#include "test_util.h"
#include "train.h"

#define TRAIN_N 8000
#define TEST_N 2000
#define SPEC "lo=2,hi=8,frac=0.02,select=saliency,struct=nm:1:32;last=uniform8"

static int clone(const hq_model *src, hq_model *dst) {
    uint8_t *buf;
    size_t len;
    char err[256];
    if (hq_container_write_mem(src, &buf, &len, err, sizeof err) ||
        hq_container_read_mem(dst, buf, len, err, sizeof err)) {
        fprintf(stderr, "clone: %s\n", err);
        return -1;
    }
    free(buf);
    return 0;
}

static double int_accuracy(const hq_model *m, const hq_dataset *test) {
    char err[256];
    int c = hq_ref_eval(m, test, TEST_N, NULL, 0, err, sizeof err);
    CHECK(c >= 0, "integer reference: %s", err);
    return 100.0 * c / TEST_N;
}

static void check_split_equals_direct(const hq_model *m, const hq_dataset *test) {
    const hq_layer *L = &m->layers[0]; /* the heterogeneous first layer, raw pixel input */
    int n = 4;
    int32_t *a = malloc(sizeof *a * (size_t)n * L->rows),
            *b = malloc(sizeof *b * (size_t)n * L->rows);
    hq_ref_layer_acc(L, test->images, n, a);
    hq_ref_layer_acc_split(L, test->images, n, b);
    CHECK(!memcmp(a, b, sizeof *a * (size_t)n * L->rows), "split accumulation differs");
    free(a);
    free(b);
}

int main(void) {
    hq_dataset train, test;
    char err[512];
    if (hq_dataset_load(&train, NULL, HQ_SPLIT_TRAIN, err, sizeof err) ||
        hq_dataset_load(&test, NULL, HQ_SPLIT_TEST, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    hq_model fm;
    int hidden[2] = {128, 64};
    CHECK(!hq_model_init_mlp(&fm, hidden, 2, 1.0f, 7, err, sizeof err), "%s", err);
    hq_train_opts to;
    hq_train_opts_default(&to, "mlp");
    to.epochs = 3;
    to.limit = TRAIN_N;
    to.seed = 7;
    CHECK(!hq_train(&fm, &train, &to, err, sizeof err), "%s", err);
    double float_acc = 100.0 * hq_eval_float(&fm, &test, TEST_N, NULL) / TEST_N;

    hq_quant_opts qo;
    hq_quant_opts_default(&qo);
    qo.calib_images = 500;
    hq_model ptq, qat, again;
    clone(&fm, &ptq);
    CHECK(!hq_quantize_model(&ptq, SPEC, &train, &qo, err, sizeof err), "ptq: %s", err);
    double ptq_acc = int_accuracy(&ptq, &test);

    clone(&fm, &qat);
    qo.qat_epochs = 1;
    qo.qat_limit = TRAIN_N;
    qo.qat_lr = 5e-4f; /* one short epoch (63 steps): the default lr / 10 barely moves */
    qo.seed = 3;
    CHECK(!hq_quantize_model(&qat, SPEC, &train, &qo, err, sizeof err), "qat: %s", err);
    double qat_acc = int_accuracy(&qat, &test);
    printf("float %.2f %%, heterogeneous PTQ %.2f %%, after 1 QAT epoch %.2f %% (%d test images)\n",
           float_acc, ptq_acc, qat_acc, TEST_N);
    /* Close to float: 2 points after QAT (issue target for the full MLP: 1 point), QAT helps,
     * and PTQ does not collapse (a broken quantizer or scale lands near 10 %). */
    CHECK(qat_acc >= float_acc - 2.0, "QAT %.2f vs float %.2f", qat_acc, float_acc);
    CHECK(qat_acc > ptq_acc, "QAT %.2f does not improve on PTQ %.2f", qat_acc, ptq_acc);
    CHECK(ptq_acc >= float_acc - 8.0, "PTQ %.2f vs float %.2f", ptq_acc, float_acc);
    CHECK(!strcmp(qat.policy, SPEC), "policy recorded: %s", qat.policy);

    /* determinism: the same QAT run gives the same bytes */
    clone(&fm, &again);
    CHECK(!hq_quantize_model(&again, SPEC, &train, &qo, err, sizeof err), "qat: %s", err);
    uint8_t *b1, *b2;
    size_t l1, l2;
    hq_container_write_mem(&qat, &b1, &l1, err, sizeof err);
    hq_container_write_mem(&again, &b2, &l2, err, sizeof err);
    CHECK(l1 == l2 && !memcmp(b1, b2, l1), "two identical QAT runs differ");
    free(b1);
    free(b2);

    /* block layout: every heterogeneous layer fits 2.5 b/w and decodes exactly */
    hq_packed_model pm;
    CHECK(!hq_layout_assign(&qat, "block", &pm, err, sizeof err), "%s", err);
    for (int i = 0; i < pm.n; i++) {
        const hq_layer *L = &qat.layers[pm.layer_index[i]];
        hq_decoded_layer d;
        CHECK(!hq_layout_decode(pm.img[i].data, pm.img[i].size, &d, err, sizeof err), "%s", err);
        CHECK(hq_decoded_equals(&d, L->q, L->rows, L->cols), "layer %d decode", i);
        hq_decoded_layer_free(&d);
        if (L->q->lo_bits)
            CHECK(pm.img[i].st.bits_per_weight <= 2.5, "layer %d: %.3f b/w", i,
                  pm.img[i].st.bits_per_weight);
    }
    CHECK(!strcmp(qat.layout, "block"), "layout recorded");
    CHECK(pm.hi_fraction > 0.005 && pm.hi_fraction < 0.05, "hi fraction %.4f", pm.hi_fraction);
    hq_packed_model_free(&pm);
    check_split_equals_direct(&qat, &test);

    hq_model_free(&fm);
    hq_model_free(&ptq);
    hq_model_free(&qat);
    hq_model_free(&again);
    hq_dataset_free(&train);
    hq_dataset_free(&test);
    return t_report("test_e2e_hetero");
}
