/* Internal to the .hqm container files (container_model.c, container_reader.c,
 * container_writer.c): the constants of docs/format.md and the checks the reader shares with
 * hq_model_validate. */
#ifndef HQ_CONTAINER_FORMAT_H
#define HQ_CONTAINER_FORMAT_H

#include "hq_model.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HQM_MAGIC "\x89HQM\r\n\x1a\n" /* 8 bytes (the string's NUL is not part of it) */
#define HQM_HEADER_BYTES 24
#define HQM_CHUNK_HEADER 8
/* Activation tensors are not stored in the file, so their size is not bounded by it: this
 * keeps a corrupt shape from making consumers allocate without limit (VGG-16's largest
 * activation at 224x224 is 3.2M elements). */
#define HQM_MAX_ELEMS (1u << 26)
/* Weights per layer: consumers index them with int; a file holds at most 2 GiB anyway. */
#define HQM_MAX_WEIGHTS ((size_t)INT32_MAX)
#define HQM_MAX_FILE ((size_t)1 << 31)
#define LF_FLOAT 1u
#define LF_QUANT 2u

/* 1 if layer l needs the version 2 format: a kind or activation of docs/arith.md section 7a,
 * a generalised maxpool, or LEXT fields. */
int hqm_layer_is_v2(const hq_layer *l);
/* 1 if layer l has fields only the LEXT chunk carries (groups, src, src2, count_pad). */
int hqm_layer_has_ext(const hq_layer *l);

/* Geometry of layer li (shapes, kernel, GEMM size, weight count): 0, or -1 with a message. */
int hqm_check_geometry(const hq_layer *l, int li, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
