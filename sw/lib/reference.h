/* The integer reference: bit-exact inference of a quantized model (docs/arith.md), written
 * for speed so that the SystemC model can reuse its kernels for functional compute.
 *
 * Data layout: activations are uint8, HWC, one image after another. A weighted layer is an
 * int8 x uint8 -> int32 GEMM (a conv is im2col over HWC, K index (ky*k + kx)*in.c + c).
 * Internally the kernels widen both operands to int16 (activations per GEMM, weights in
 * registers as they are loaded) so the inner loop maps onto pmaddwd-style multiply-add
 * instructions; the result is exact. The prepared net reads the model's int8 weights in
 * place (a layer whose K is not a multiple of 32 keeps an int16 copy: small first layers).
 *
 * Typical use:
 *     hq_ref_net *net = hq_ref_prepare(model, err, sizeof err);
 *     hq_ref_infer(net, images, n, NULL, preds, 0); // OpenMP over batches; -1: no memory
 *     hq_ref_free(net);
 * A model stays owned by the caller and must outlive the hq_ref_net built from it. The
 * prepared net reads q->w, bias and the requantization of each layer, never q->is_hi: a caller
 * may free the high flags while it runs (hqsim run does, once its DRAM image is built). */
#ifndef HQ_REFERENCE_H
#define HQ_REFERENCE_H

#include "dataset.h"
#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hq_ref_net hq_ref_net;

/* Checks that every weighted layer is quantized (m->layers[i].q) and prepares the layers
 * (their weights stay the model's, read in place). Returns NULL with a message when the model
 * is not integer-executable. */
hq_ref_net *hq_ref_prepare(const hq_model *m, char *err, size_t errlen);
void hq_ref_free(hq_ref_net *net);

/* The functions below that return int give 0, or -1 when out of memory (their only failure;
 * the outputs are then incomplete). */

/* Images per work item of hq_ref_infer: up to 64, fewer when a batch's activation buffers
 * would exceed 16 MiB (large activations: a conv runs image by image anyway). */
int hq_ref_batch(const hq_ref_net *net);
/* The same with another budget than 16 MiB (at least one image per work item). hqsim run's
 * reference thread, beside the simulation, takes less: its batch would add up to 16 MiB to
 * the run's peak memory (issue 16), and a conv runs image by image anyway. */
void hq_ref_set_act_budget(hq_ref_net *net, size_t bytes);

/* Runs n images (uint8, m->input shape, HWC) through the network. logits (may be NULL):
 * [n][n_classes] int32 accumulators of the last layer; preds (may be NULL): argmax, lowest
 * index on ties. threads: 0 = OpenMP default. Deterministic whatever the thread count. */
int hq_ref_infer(const hq_ref_net *net, const uint8_t *images, int n, int32_t *logits, int *preds,
                 int threads);

/* Runs layer li of a prepared net on n inputs (uint8 HWC, that layer's input shape).
 * Hidden layers write uint8 activations to out_u8 ([n][out elems]); the last layer writes its
 * int32 logits to out_acc ([n][rows]). Single-threaded: the caller tiles and parallelises. */
int hq_ref_run_layer(const hq_ref_net *net, int li, const uint8_t *in, int n, uint8_t *out_u8,
                     int32_t *out_acc);

/* hq_ref_run_layer for any layer: in2 is the second operand of a residual add (its source
 * layer's output, same shape), NULL otherwise. Returns -1 for an add without in2. */
int hq_ref_run_layer2(const hq_ref_net *net, int li, const uint8_t *in, const uint8_t *in2, int n,
                      uint8_t *out_u8, int32_t *out_acc);

/* Evaluates the first n images of d (n <= 0: all); returns the number of correct predictions
 * (preds may be NULL), or -1 with a message. */
int hq_ref_eval(const hq_model *m, const hq_dataset *d, int n, int *preds, int threads, char *err,
                size_t errlen);

/* ---- building blocks (unprepared; also the vectors other implementations are checked on) */

/* acc[i][r] = sum_k a[i][k] * w[r][k]; a: [n][kp] int16, w: [rows][kp] int16 (kp columns
 * each; pad with zeros). The hot loop of every layer. */
void hq_ref_gemm_i16(const int16_t *a, int n, const int16_t *w, int rows, int kp, int32_t *acc);
/* The same with int8 weights w: [rows][kp] (the same sums). */
void hq_ref_gemm_i8w(const int16_t *a, int n, const int8_t *w, int rows, int kp, int32_t *acc);

/* One weighted layer's accumulators, bias included: acc[p][r] for every output position p of
 * the n inputs (dense: one position per input; conv: out.h * out.w per input, HWC order).
 * Uses the effective weights q->w directly. acc has n * positions * rows entries. */
int hq_ref_layer_acc(const hq_layer *L, const uint8_t *in, int n, int32_t *acc);

/* The same accumulators computed the way split hardware does: a low partial sum over the
 * low-precision weights (codes c = w >> lo_shift), a high partial sum over is_hi weights, merged
 * with hq_merge_partials, then + bias. Equal to hq_ref_layer_acc by the contract; for uniform
 * layers (lo_bits == 0) every weight is high. */
int hq_ref_layer_acc_split(const hq_layer *L, const uint8_t *in, int n, int32_t *acc);

/* out[p][r] = hq_requant_relu(acc[p][r], rq_mult[r], rq_shift[r]) for np positions (no
 * allocation: cannot fail). */
void hq_ref_requant(const hq_qlayer *q, int rows, const int32_t *acc, size_t np, uint8_t *out);

/* Max pooling on uint8 HWC with window = stride = L->k (floor: trailing rows/cols dropped). */
void hq_ref_maxpool_u8(const hq_layer *L, const uint8_t *in, int n, uint8_t *out);

/* Max pooling (any window, stride, padding; positions outside the image are ignored),
 * average pooling and global average pooling of docs/arith.md section 7a on n inputs; sgn: the
 * input holds int8 codes. */
void hq_ref_pool(const hq_layer *L, int sgn, const uint8_t *in, int n, uint8_t *out);

/* The residual add of docs/arith.md section 7a on count elements. */
void hq_ref_add(const uint8_t *a, int sgn_a, const uint8_t *b, int sgn_b, size_t count,
                int32_t mult_a, int32_t mult_b, int shift, int lo, int hi, uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif
