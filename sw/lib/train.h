/* Float training of the MLP and the CNN (SGD with momentum or Adam, softmax cross-entropy). */
#ifndef HQ_TRAIN_H
#define HQ_TRAIN_H

#include "dataset.h"
#include "hq_model.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Builds an untrained network with deterministic initialisation from seed.
 * MLP: hidden widths (default {256, 128}) each scaled by width_mult (rounded to an integer).
 * CNN: two conv+ReLU+maxpool stages and a classifier; channel counts scaled by width_mult. */
int hq_model_init_mlp(hq_model *m, const int *hidden, int n_hidden, float width_mult,
                      unsigned long long seed, char *err, size_t errlen);
int hq_model_init_cnn(hq_model *m, float width_mult, unsigned long long seed, char *err,
                      size_t errlen);
void hq_model_free(hq_model *m); /* frees every buffer the model owns, float and quantized */

/* Fake quantization for QAT: given a layer's float weights w, write the weights the forward
 * pass should use into w_q (straight-through estimator: gradients update w). */
typedef void (*hq_fake_quant_fn)(void *ctx, int layer_index, const float *w, float *w_q, int rows,
                                 int cols);

typedef struct {
    int epochs;    /* default 15 for the MLP */
    int batch;     /* mini-batch size */
    float lr;      /* learning rate */
    int optimizer; /* 0 = Adam, 1 = SGD with momentum */
    float momentum;
    float weight_decay;
    unsigned long long seed;     /* shuffling (and init, through hq_model_init_*) */
    int threads;                 /* 0 = all cores */
    int verbose;                 /* 1 = one progress line per epoch on stderr */
    int limit;                   /* >0: train on the first `limit` images only (tests) */
    hq_fake_quant_fn fake_quant; /* NULL for float training */
    void *fake_quant_ctx;
    int lr_schedule; /* added: 0 = constant lr, 1 = cosine decay from lr to 0 over the
                        run, per batch (the default for both nets) */
} hq_train_opts;

/* Defaults: Adam (beta 0.9/0.999), cosine lr decay, no weight decay, momentum 0.9 (for SGD),
 * seed 1, all cores, quiet; "mlp": 15 epochs, batch 128, lr 1e-3; "cnn": 8 epochs, batch 64,
 * lr 1e-3. Weight decay is decoupled (AdamW) for Adam, L2 for SGD, never on biases. */
void hq_train_opts_default(hq_train_opts *o, const char *net);
/* Trains m in place. Bit-identical results for the same seed and options, for any thread count.
 * Returns 0, or -1 with a message in err (invalid options or model, dataset shape mismatch,
 * out of memory, divergence). When fake_quant is set it is called before every batch for each
 * weighted layer (layer_index = index in m->layers); w_q is a buffer of rows*cols floats owned
 * by the trainer. */
int hq_train(hq_model *m, const hq_dataset *train, const hq_train_opts *o, char *err,
             size_t errlen);
/* Float inference: returns the number of correct predictions on the first n images
 * (n <= 0: all); preds (may be NULL) receives the predicted classes. Returns -1 for an
 * invalid model, a dataset whose image size differs from the model input, or no memory. */
int hq_eval_float(const hq_model *m, const hq_dataset *d, int n, int *preds);
/* Float forward of one batch up to (and including) layer `upto`, writing every layer's
 * output activations into acts[l] (may be NULL for layers you do not need) — used by
 * activation calibration and saliency statistics. The caller owns acts: acts has at least
 * upto + 1 entries, and each non-NULL acts[l] holds n * out.c * out.h * out.w floats (HWC per
 * image, after the layer's ReLU). Images are uint8 pixels, fed as pixel / 255. Returns 0, or
 * -1 for invalid arguments or no memory. */
int hq_forward_float_batch(const hq_model *m, const uint8_t *images, int n, int upto, float **acts);

#ifdef __cplusplus
}
#endif

#endif
