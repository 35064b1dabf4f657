/* The CPU fallback's kernels (sw/fw/accel/cpu_*.c) on the host, byte for byte against
 * - pooling and add: the C reference (hq_ref_pool, hq_ref_add of sw/lib/reference_ops.c);
 * - conv and regroup: the plain loops of docs/arith.md sections 6 and 7a (the firmware's
 *   kernels before issue 16's rewrite, which the e2e tests held to the reference);
 * on random shapes that hit each fast path and its border: depthwise with kernel 1/3/5,
 * stride 1/2/3, pad 0/1/2, H and W of 1, 2, k - 1, k, k + 1, C of 1, 2, 3, 64, planes split
 * into bands and planes too wide for the scratch; grouped and ungrouped convs, logits;
 * max/average/global pooling with and without count_pad, windows past the reciprocal's
 * bound; adds of every signedness with extreme multipliers and every shift 0..62 (also of
 * 64K elements and more: the lookup table); clamps at both ends, accumulators that wrap.
 * Bytes past each output must stay untouched.
 * usage: test_cpu_kernels [CASES_PER_KIND [SEED]] */
#include "cpu_ops.h"
#include "hq_cpu_op.h"
#include "layer_ops.h"
#include "reference.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_BYTES (64u << 20)
#define GUARD 64

static uint8_t *arena;
static size_t used;
static uint64_t rng_state;
static int failures;

static uint32_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int between(int lo, int hi) { /* inclusive */
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static int pick(const int *v, int n) {
    return v[rnd() % (uint32_t)n];
}

/* 64-byte aligned plus `skew` bytes, below 4 GiB: the op table holds 32-bit addresses */
static void *alloc(size_t n, int skew) {
    used = (used + 63) & ~(size_t)63;
    void *p = arena + used + skew;
    used += n + (size_t)skew + GUARD;
    if (used > ARENA_BYTES) {
        fprintf(stderr, "arena exhausted\n");
        exit(2);
    }
    return p;
}

static uint32_t addr(const void *p) {
    return (uint32_t)(uintptr_t)p;
}

static void fill(uint8_t *p, size_t n) {
    const int mode = between(0, 3); /* random, extremes only, small, one value */
    for (size_t i = 0; i < n; i++)
        p[i] = mode == 0   ? (uint8_t)rnd()
               : mode == 1 ? (rnd() & 1 ? 0x80 : 0x7f) + (rnd() & 1 ? 0x7f : 0)
               : mode == 2 ? (uint8_t)between(0, 3)
                           : 0xff;
}

static int32_t pick_mult(void) {
    const int v[] = {0, 1, 2, 1 << 30, INT32_MAX, (1 << 30) + 12345};
    return rnd() & 1 ? pick(v, 6) : (int32_t)(rnd() | (rnd() << 16)) & INT32_MAX;
}

static void clamp_range(int32_t *lo, int32_t *hi) {
    switch (between(0, 3)) {
    case 0: *lo = 0, *hi = 255; break;
    case 1: *lo = -128, *hi = 127; break;
    case 2: *lo = 0, *hi = between(1, 255); break; /* ReLU6's q6 */
    default: *lo = between(-128, 0), *hi = between(*lo, 255); break;
    }
}

/* output (n bytes) and guard against the expected bytes */
static void compare(const char *what, const uint8_t *got, const uint8_t *want, size_t n,
                    const char *shape) {
    for (size_t i = 0; i < n + GUARD; i++)
        if (got[i] != want[i]) {
            if (failures++ < 20)
                fprintf(stderr, "%s %s: byte %zu of %zu: got %u, want %u\n", what, shape, i, n,
                        got[i], want[i]);
            return;
        }
}

static int32_t clamp_shift(int64_t p, int shift, int32_t lo, int32_t hi) {
    if (shift > 0) p = (p + ((int64_t)1 << (shift - 1))) >> shift;
    return p < lo ? lo : p > hi ? hi : (int32_t)p;
}

/* docs/arith.md sections 6 and 7a, one loop per tap as written there */
static void conv_oracle(const hq_cpu_op *op, const uint8_t *in, uint8_t *out) {
    const int C = (int)op->in_c, H = (int)op->in_h, W = (int)op->in_w, R = (int)op->out_c;
    const int k = (int)op->kh, s = (int)op->stride, pad = (int)op->pad, g = (int)op->groups;
    const int Cg = C / g, Rg = R / g, cols = k * k * Cg, sgn = op->flags & HQ_CPU_FLAG_SIGNED;
    const int8_t *wt = (const int8_t *)(uintptr_t)op->weight_addr;
    const int32_t *bias = (const int32_t *)(uintptr_t)op->bias_addr;
    const int32_t *mult = (const int32_t *)(uintptr_t)op->mult_addr;
    const uint8_t *shift = (const uint8_t *)(uintptr_t)op->shift_addr;
    for (int oy = 0; oy < (int)op->out_h; oy++)
        for (int ox = 0; ox < (int)op->out_w; ox++)
            for (int r = 0; r < R; r++) {
                uint32_t acc = (uint32_t)bias[r];
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        for (int c = 0; c < Cg; c++) {
                            const int y = oy * s - pad + ky, x = ox * s - pad + kx;
                            if (y < 0 || y >= H || x < 0 || x >= W) continue;
                            const uint8_t a = in[((size_t)y * W + x) * C + r / Rg * Cg + c];
                            acc += (uint32_t)(wt[(size_t)r * cols + (ky * k + kx) * Cg + c] *
                                              (sgn ? (int8_t)a : a));
                        }
                const size_t o = ((size_t)oy * op->out_w + ox) * R + r;
                if (op->flags & HQ_CPU_FLAG_LOGITS)
                    memcpy(out + 4 * o, &acc, 4);
                else
                    out[o] = (uint8_t)clamp_shift((int64_t)(int32_t)acc * mult[r], shift[r], op->lo,
                                                  op->hi);
            }
}

/* runs op through hq_cpu_op_run into a fresh output (n bytes, guard after it) */
static uint8_t *run_op(hq_cpu_op *op, const uint8_t *in, const uint8_t *in2, size_t n) {
    uint8_t *out = alloc(n, 0);
    memset(out, 0xa5, n + GUARD);
    op->out_addr = addr(out);
    if (hq_cpu_op_run(op, in, in2, out) != 0 && failures++ < 20)
        fprintf(stderr, "kind %u refused\n", op->kind);
    return out;
}

static uint8_t *expected(size_t n) {
    uint8_t *e = alloc(n, 0);
    memset(e, 0xa5, n + GUARD);
    return e;
}

static void conv_run(int C, int H, int W, int R, int k, int s, int pad, int g, int logits) {
    const int oh = (H + 2 * pad - k) / s + 1, ow = (W + 2 * pad - k) / s + 1;
    if (H + 2 * pad < k || W + 2 * pad < k) return;
    const int cols = k * k * (C / g);
    hq_cpu_op op = {0};
    op.kind = HQ_CPU_OP_CONV;
    op.flags = (rnd() & 1 ? HQ_CPU_FLAG_SIGNED : 0) | (logits ? HQ_CPU_FLAG_LOGITS : 0);
    op.in_c = (uint32_t)C, op.in_h = (uint32_t)H, op.in_w = (uint32_t)W, op.out_c = (uint32_t)R;
    op.out_h = (uint32_t)oh, op.out_w = (uint32_t)ow;
    op.kh = op.kw = (uint32_t)k, op.stride = (uint32_t)s, op.pad = (uint32_t)pad;
    op.groups = (uint32_t)g;
    clamp_range(&op.lo, &op.hi);
    uint8_t *in = alloc((size_t)H * W * C, 0);
    fill(in, (size_t)H * W * C);
    int8_t *w = alloc((size_t)R * cols, 0);
    fill((uint8_t *)w, (size_t)R * cols);
    int32_t *bias = alloc(4u * R, 0), *mult = alloc(4u * R, 0);
    uint8_t *shift = alloc((size_t)R, 0);
    const int shifts[] = {0, 1, 9, 10, 31, 32, 33, 34, 40, 61, 62};
    const int32_t biases[] = {0, 1, -1, INT32_MAX, INT32_MIN, 1 << 20, -(1 << 20)};
    for (int r = 0; r < R; r++) {
        bias[r] = rnd() & 1 ? biases[rnd() % 7] : (int32_t)(rnd() % 20001) - 10000;
        mult[r] = pick_mult();
        shift[r] = (uint8_t)(rnd() & 1 ? pick(shifts, 11) : between(0, 62));
    }
    op.weight_addr = addr(w), op.bias_addr = addr(bias), op.mult_addr = addr(mult);
    op.shift_addr = addr(shift);
    const size_t n = (size_t)oh * ow * R * (logits ? 4 : 1);
    uint8_t *want = expected(n);
    conv_oracle(&op, in, want);
    const uint8_t *got = run_op(&op, in, NULL, n);
    char shape[160];
    snprintf(shape, sizeof shape, "%dx%dx%d -> %dx%dx%d k%d s%d p%d g%d%s%s", H, W, C, oh, ow, R, k,
             s, pad, g, op.flags & HQ_CPU_FLAG_SIGNED ? " signed" : "", logits ? " logits" : "");
    compare("conv", got, want, n, shape);
}

static void conv_case(int depthwise) {
    const int ks[] = {1, 3, 5}, Cs[] = {1, 2, 3, 64};
    const int k = pick(ks, 3), s = between(1, 3), pad = between(0, 2);
    const int sizes[] = {1, 2, k > 1 ? k - 1 : 1, k, k + 1};
    const int H = rnd() % 3 ? pick(sizes, 5) : between(1, 24);
    const int W = rnd() % 3 ? pick(sizes, 5) : between(1, 24);
    const int C = rnd() & 1 ? pick(Cs, 4) : between(1, 12);
    int g = C, R = C;
    if (!depthwise) {
        g = between(1, C);
        while (C % g)
            g--;
        R = g * between(1, 3);
    }
    conv_run(C, H, W, R, k, s, pad, g, !depthwise && rnd() % 4 == 0);
}

static void pool_case(void) {
    const int kind = between(0, 2); /* max, average, global average */
    const int k = kind == 2 ? 0 : rnd() % 8 ? between(1, 5) : between(32, 34);
    const int s = between(1, 4), pad = k ? between(0, k - 1) : 0;
    const int sizes[] = {1, 2, k > 1 ? k - 1 : 1, k > 0 ? k : 1, k + 1};
    const int H = rnd() % 3 ? pick(sizes, 5) : between(1, k > 5 ? 40 : 20);
    const int W = rnd() % 3 ? pick(sizes, 5) : between(1, k > 5 ? 40 : 20);
    const int Cs[] = {1, 2, 3, 64};
    const int C = rnd() & 1 ? pick(Cs, 4) : between(1, 12);
    if (kind != 2 && (H + 2 * pad < k || W + 2 * pad < k)) return;
    hq_layer L;
    memset(&L, 0, sizeof L);
    L.kind = kind == 0 ? HQ_LAYER_MAXPOOL : kind == 1 ? HQ_LAYER_AVGPOOL : HQ_LAYER_GAP;
    L.in.c = L.out.c = C, L.in.h = H, L.in.w = W;
    L.k = k, L.stride = s, L.pad = pad, L.count_pad = kind == 1 && (rnd() & 1);
    L.out.h = kind == 2 ? 1 : (H + 2 * pad - k) / s + 1;
    L.out.w = kind == 2 ? 1 : (W + 2 * pad - k) / s + 1;
    const int sgn = rnd() & 1;
    hq_cpu_op op = {0};
    op.kind = HQ_CPU_OP_POOL;
    op.flags = (sgn ? HQ_CPU_FLAG_SIGNED : 0) | (kind ? HQ_CPU_FLAG_AVG : 0) |
               (L.count_pad ? HQ_CPU_FLAG_COUNT_PAD : 0);
    op.in_c = op.out_c = (uint32_t)C, op.in_h = (uint32_t)H, op.in_w = (uint32_t)W;
    op.out_h = (uint32_t)L.out.h, op.out_w = (uint32_t)L.out.w;
    op.kh = op.kw = (uint32_t)(kind == 2 ? H : k);
    if (kind == 2) op.kw = (uint32_t)W;
    op.stride = kind == 2 ? 1 : (uint32_t)s, op.pad = (uint32_t)pad;
    uint8_t *in = alloc((size_t)H * W * C, between(0, 3));
    fill(in, (size_t)H * W * C);
    const size_t n = hq_shape_elems(L.out);
    uint8_t *want = expected(n);
    hq_ref_pool(&L, sgn, in, 1, want);
    const uint8_t *got = run_op(&op, in, NULL, n);
    char shape[160];
    snprintf(shape, sizeof shape, "%s %dx%dx%d k%d s%d p%d%s%s",
             kind == 0   ? "max"
             : kind == 1 ? "avg"
                         : "gap",
             H, W, C, k, s, pad, L.count_pad ? " count_pad" : "", sgn ? " signed" : "");
    compare("pool", got, want, n, shape);
}

static void add_case(int shift, int big) {
    const size_t n = big         ? (size_t)between(65536, 70000)
                     : rnd() % 4 ? (size_t)between(1, 300)
                                 : (size_t)between(1000, 5000);
    const int sa = rnd() & 1, sb = rnd() & 1;
    hq_cpu_op op = {0};
    op.kind = HQ_CPU_OP_ADD;
    op.flags = (sa ? HQ_CPU_FLAG_SIGNED : 0) | (sb ? HQ_CPU_FLAG_SIGNED2 : 0);
    op.out_c = (uint32_t)n, op.out_h = op.out_w = 1;
    op.mult_a = pick_mult(), op.mult_b = pick_mult(), op.shift = shift;
    clamp_range(&op.lo, &op.hi);
    uint8_t *a = alloc(n, between(0, 3)), *b = alloc(n, between(0, 3));
    fill(a, n);
    fill(b, n);
    uint8_t *want = expected(n);
    hq_ref_add(a, sa, b, sb, n, op.mult_a, op.mult_b, shift, op.lo, op.hi, want);
    const uint8_t *got = run_op(&op, a, b, n);
    char shape[160];
    snprintf(shape, sizeof shape, "n %zu mult %d %d shift %d clamp [%d, %d]%s%s", n, op.mult_a,
             op.mult_b, shift, op.lo, op.hi, sa ? " a signed" : "", sb ? " b signed" : "");
    compare("add", got, want, n, shape);
}

/* Group j of g channels starts H W j g bytes in (docs/accel.md, Tiling) */
static void regroup_case(void) {
    const int C = between(1, 70), HW = between(1, 50);
    const int gi = rnd() & 1 ? C : between(1, C), go = rnd() & 1 ? C : between(1, C);
    const size_t n = (size_t)C * HW;
    hq_cpu_op op = {0};
    op.kind = HQ_CPU_OP_REGROUP;
    op.in_c = op.out_c = (uint32_t)C, op.in_h = op.out_h = (uint32_t)HW;
    op.in_w = op.out_w = 1, op.in_g = (uint32_t)gi, op.out_g = (uint32_t)go;
    uint8_t *in = alloc(n, rnd() & 1 ? 0 : between(1, 3));
    fill(in, n);
    uint8_t *want = expected(n);
    for (int c = 0; c < C; c++) {
        const int ji = c / gi, jo = c / go;
        const int ni = C - ji * gi < gi ? C - ji * gi : gi,
                  no = C - jo * go < go ? C - jo * go : go;
        for (int p = 0; p < HW; p++)
            want[(size_t)HW * jo * go + (size_t)p * no + (c - jo * go)] =
                in[(size_t)HW * ji * gi + (size_t)p * ni + (c - ji * gi)];
    }
    const uint8_t *got = run_op(&op, in, NULL, n);
    char shape[96];
    snprintf(shape, sizeof shape, "C %d HW %d groups %d -> %d", C, HW, gi, go);
    compare("regroup", got, want, n, shape);
}

int main(int argc, char **argv) {
    const int cases = argc > 1 ? atoi(argv[1]) : 1000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x16cafe;
    arena = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                 -1, 0);
    if (arena == MAP_FAILED) {
        perror("mmap MAP_32BIT");
        return 2;
    }
    for (int i = 0; i < cases; i++) {
        used = 0;
        conv_case(1);
        conv_case(0);
        pool_case();
        add_case(i % 63, 0); /* every shift of docs/arith.md's range */
        regroup_case();
    }
    /* depthwise planes in bands (64 KiB of scratch: 21 rows of 3002) and too wide for it
     * (the generic kernel), each stride and signedness */
    for (int i = 0; i < 8; i++) {
        used = 0;
        conv_run(2, 45, 3000, 2, 3, 1 + i % 2, 1, 2, 0);
        conv_run(1, 3, 33000, 1, 3, 1 + i % 2, 1, 1, 0);
        conv_run(3, 30, 2000, 3, 5, 1 + i % 2, 2, 3, 0);
    }
    /* adds of 64K elements and more: the 256 x 256 table, every shift */
    for (int shift = 0; shift <= 62; shift++) {
        used = 0;
        add_case(shift, 1);
    }
    printf("test_cpu_kernels: %d cases per kind, %d failure(s)\n", cases, failures);
    return failures != 0;
}
