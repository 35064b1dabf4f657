/* The CPU fallback's operators, one image at a time (cpu_ops.h): the dispatch, the regroup
 * copy and the int64 requantization shared by the kernels of cpu_conv.c, cpu_dw.c,
 * cpu_pool.c and cpu_add.c (cpu_kernels.h). The arithmetic is the C reference's: int32
 * accumulators that wrap, the int64 requantization of docs/arith.md section 6 with the
 * layer's clamp, and the pooling and add rules of section 7a. */
#include "cpu_ops.h"
#include "cpu_kernels.h"

#include <stddef.h>

uint32_t hq_cpu_scratch[HQ_CPU_SCRATCH_BYTES / 4];

int32_t hq_cpu_clamp_shift64(int64_t p, int shift, int32_t lo, int32_t hi) {
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p < lo ? lo : p > hi ? hi : (int32_t)p;
}

/* n runs of len bytes, src/dst advancing by ni/no; words when everything is 4-aligned */
static void copy_runs(const uint8_t *s, uint8_t *d, uint32_t n, uint32_t len, uint32_t ni,
                      uint32_t no) {
    if ((((uintptr_t)s | (uintptr_t)d | len | ni | no) & 3u) == 0) {
        for (uint32_t p = 0; p < n; p++, s += ni, d += no) {
            const uint32_t *sw = (const uint32_t *)s, *const end = sw + len / 4;
            uint32_t *dw = (uint32_t *)d;
            while (sw < end)
                *dw++ = *sw++;
        }
        return;
    }
    for (uint32_t p = 0; p < n; p++, s += ni, d += no)
        for (uint32_t c = 0; c < len; c++)
            d[c] = s[c];
}

/* Group j of a tensor stored in groups of g channels starts H W j g bytes in and holds
 * min(g, C - j g) channels per pixel (docs/accel.md, Tiling); g = C is plain HWC. The
 * channels split into runs that lie in one input and one output group; each run is copied
 * for all pixels at once. */
static void regroup(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const uint32_t C = op->in_c, HW = op->in_h * op->in_w, gi = op->in_g, go = op->out_g;
    for (uint32_t c = 0; c < C;) {
        const uint32_t ji = c / gi, jo = c / go;
        const uint32_t ni = C - ji * gi < gi ? C - ji * gi : gi;
        const uint32_t no = C - jo * go < go ? C - jo * go : go;
        uint32_t end = ji * gi + ni;
        if (jo * go + no < end) end = jo * go + no;
        copy_runs(in + HW * ji * gi + (c - ji * gi), out + HW * jo * go + (c - jo * go), HW,
                  end - c, ni, no);
        c = end;
    }
}

static void conv(const volatile hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int depthwise =
        op->groups == op->in_c && op->groups == op->out_c && !(op->flags & HQ_CPU_FLAG_LOGITS);
    if (!depthwise || hq_cpu_depthwise(op, in, out) != 0) hq_cpu_conv(op, in, out);
}

const char *hq_cpu_op_kind_name(uint32_t kind) {
    switch (kind) {
    case HQ_CPU_OP_CONV: return "conv";
    case HQ_CPU_OP_POOL: return "pool";
    case HQ_CPU_OP_ADD: return "add";
    case HQ_CPU_OP_REGROUP: return "regroup";
    default: return NULL;
    }
}

int hq_cpu_op_run(const volatile hq_cpu_op *op, const uint8_t *in, const uint8_t *in2,
                  uint8_t *out) {
    switch (op->kind) {
    case HQ_CPU_OP_CONV: conv(op, in, out); return 0;
    case HQ_CPU_OP_POOL: hq_cpu_pool(op, in, out); return 0;
    case HQ_CPU_OP_ADD: hq_cpu_add(op, in, in2, out); return 0;
    case HQ_CPU_OP_REGROUP: regroup(op, in, out); return 0;
    default: return -1; /* never skipped silently: the runtime ends the run */
    }
}
