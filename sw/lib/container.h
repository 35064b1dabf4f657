/* The .hqm model container: a versioned, chunked, CRC-protected file holding everything in
 * hq_model (topology, float parameters, quantized parameters, activation scales, policy and
 * layout names). docs/format.md describes it byte by byte.
 *
 * Loading validates every field (sizes, shapes, layer chaining, integer ranges) so that code
 * consuming a loaded model (the integer reference, the model, the packers) never needs to
 * re-check it; a file that fails any check is rejected with a message naming the problem.
 * Buffers of a loaded model come from malloc: release them with hq_model_free (train.h) or
 * hq_container_free_model. */
#ifndef HQ_CONTAINER_H
#define HQ_CONTAINER_H

#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HQM_VERSION_MAJOR 2 /* a reader refuses files with a larger major version */
/* Version 2 is written only for a model that uses the graph operators (docs/format.md, LEXT);
 * every other model is written as version 1, byte for byte as before. */
#define HQM_VERSION_MINOR 0 /* minor bumps only add ancillary chunks that old readers skip */

/* Serialises m into a malloc'd buffer (*buf, *len). Returns 0, or -1 with a message. */
int hq_container_write_mem(const hq_model *m, uint8_t **buf, size_t *len, char *err, size_t errlen);
/* Parses a buffer into m (which is overwritten; on failure m is left empty). */
int hq_container_read_mem(hq_model *m, const uint8_t *buf, size_t len, char *err, size_t errlen);

/* File versions. The save goes through out_file.h: a regular file is replaced atomically, so a
 * crash never leaves a half-written model behind; a symlink's target is written, a device is
 * written in place. Messages start with the path. */
int hq_model_save(const hq_model *m, const char *path, char *err, size_t errlen);
int hq_model_load(hq_model *m, const char *path, char *err, size_t errlen);
/* hq_model_load for consumers of the integer path only (hqsim run): the float parameters of
 * every layer that also has quantized ones are checked as hq_model_load checks them but not
 * kept (w and b NULL), and a regular file is read one chunk at a time instead of whole, so
 * the load's peak memory is about the quantized arrays. Refuses exactly the files
 * hq_model_load refuses. */
int hq_model_load_quantized(hq_model *m, const char *path, char *err, size_t errlen);

/* Checks the invariants a loaded model satisfies (also used before saving). Returns 0 or -1
 * with a message naming the layer and the field. */
int hq_model_validate(const hq_model *m, char *err, size_t errlen);

/* Frees every buffer of m (float and quantized) and zeroes it; same contract as hq_model_free
 * but available to code that does not link the trainer. */
void hq_container_free_model(hq_model *m);

/* Allocates a zeroed hq_qlayer for layer l with the arrays a quantizer fills: w, w_scale,
 * bias, rq_mult, rq_shift, and is_hi/lo_shift when lo_bits > 0. Returns NULL when out of
 * memory. Free with hq_qlayer_free. */
hq_qlayer *hq_qlayer_alloc(const hq_layer *l, int lo_bits, int hi_bits);
void hq_qlayer_free(hq_qlayer *q);

/* Number of weights of layer l (rows * cols; 0 for a maxpool). */
size_t hq_layer_weights(const hq_layer *l);

#ifdef __cplusplus
}
#endif

#endif
