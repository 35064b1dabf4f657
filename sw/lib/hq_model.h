/* The in-memory network: topology, float parameters and (optionally) quantized parameters.
 * Shared by the trainer, the quantizer, the layouts, the integer reference and the model.
 * Layout conventions (they are part of the contract, see docs/arith.md):
 *  - activations are stored HWC (channel last), uint8 in the integer path;
 *  - every weighted layer is a GEMM: rows = output channels / neurons, cols = K inputs;
 *    a conv's K index is (ky * k + kx) * in.c + c, i.e. im2col over HWC input;
 *  - weight matrices are row-major [rows][cols].
 */
#ifndef HQ_MODEL_H
#define HQ_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Capacity of hq_model.layers (a fixed array: the trainer, quantizer and reference size their
 * per-layer tables by it). MobileNetV2 has over 50 weighted layers; 256 leaves room for the
 * pooling and element-wise layers of such networks. The .hqm format has no layer limit of its
 * own (docs/format.md). */
#define HQ_MAX_LAYERS 256

/* add: residual add of two earlier outputs; avgpool: average pooling; gap: global average
 * pooling (docs/arith.md section 7a). */
typedef enum {
    HQ_LAYER_DENSE = 1,
    HQ_LAYER_CONV = 2,
    HQ_LAYER_MAXPOOL = 3,
    HQ_LAYER_ADD = 4,
    HQ_LAYER_AVGPOOL = 5,
    HQ_LAYER_GAP = 6
} hq_layer_kind;

typedef struct {
    int c, h, w; /* a dense layer's input/output is 1 x 1 x n... flattened HWC */
} hq_shape;

/* Quantized parameters of one weighted layer (NULL pointers where not applicable). */
typedef struct {
    int lo_bits;       /* 0: uniform layer (every weight on the high grid); else 1..4 */
    int hi_bits;       /* bit-width of the high grid: 8 or 4 (uniform4 uses 4) */
    int8_t *w;         /* [rows][cols] effective integer weight on the high grid */
    uint8_t *is_hi;    /* [rows][cols] 1 = high-precision weight; NULL when lo_bits == 0 */
    uint8_t *lo_shift; /* [rows] low code c is worth c << lo_shift on the high grid */
    float *w_scale;    /* [rows] real weight = w_scale * w */
    int32_t *bias;     /* [rows] in units of in_act_scale * w_scale */
    int32_t *rq_mult;  /* [rows] requantization multiplier (unused for the last layer) */
    uint8_t *rq_shift; /* [rows] requantization shift */
} hq_qlayer;

typedef struct {
    hq_layer_kind kind;
    hq_shape in, out;
    int k, stride, pad; /* conv, maxpool, avgpool: square kernel/window, stride, padding */
    int relu;           /* 0: none (a hidden layer's output is int8), 1: ReLU, 2: ReLU6 */
    int rows, cols;     /* GEMM view of a weighted layer */
    float *w, *b;       /* float parameters [rows][cols], [rows]; NULL for maxpool */
    float in_act_scale, out_act_scale; /* quantized models: activation scales */
    hq_qlayer *q;                      /* NULL for a float-only layer */
    /* The graph and the operators of docs/arith.md section 7a; all 0 in a plain chain. */
    int groups;    /* conv: 0 or 1 = ordinary, in.c = depthwise */
    int src;       /* 0: reads the previous layer (layer 0: the input); j + 1: reads layer j */
    int src2;      /* add: j + 1 = the second operand is the output of layer j */
    int count_pad; /* avgpool: 1 = padding counts in the divisor (ONNX count_include_pad) */
} hq_layer;

typedef struct {
    int n_layers;
    hq_layer layers[HQ_MAX_LAYERS];
    hq_shape input; /* 28 x 28 x 1 for Fashion-MNIST */
    int n_classes;
    char net[16]; /* "mlp" or "cnn" */
    float width_mult;
    char policy[160]; /* quantization policy spec, "" for a float model */
    char layout[32];  /* weight layout name, "" when not packed */
} hq_model;

/* Number of activation elements of a shape. */
static inline size_t hq_shape_elems(hq_shape s) {
    return (size_t)s.c * (size_t)s.h * (size_t)s.w;
}

/* Conv groups (0 is read as 1). */
static inline int hq_layer_groups(const hq_layer *l) {
    return l->groups > 1 ? l->groups : 1;
}

/* Index of the layer whose output layer i reads (-1: the network input). */
static inline int hq_layer_src(const hq_model *m, int i) {
    return m->layers[i].src > 0 ? m->layers[i].src - 1 : i - 1;
}

/* Shape of the output of layer j (-1: the network input). */
static inline hq_shape hq_model_out_shape(const hq_model *m, int j) {
    return j < 0 ? m->input : m->layers[j].out;
}

#ifdef __cplusplus
}
#endif

#endif
