/* Choice of the high-precision weights of a layer under a structure constraint. Ranking uses
 * a deterministic linear-time selection (scores descending, index ascending on ties) so the
 * QAT forward pass can call it every step. */
#include "quant/quantizer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 1 if item a ranks before item b. */
static inline int ranks_before(const float *s, long a, long b) {
    return s[a] > s[b] || (s[a] == s[b] && a < b);
}

/* Reorders idx[0..n) so that its first k entries are the k best-ranked (any order). */
static void partial_top(long *idx, long n, long k, const float *s) {
    long lo = 0, hi = n - 1;
    if (k <= 0 || k >= n) return;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        /* median of three as pivot, moved to hi */
        long a = idx[lo], b = idx[mid], c = idx[hi], piv;
        if (ranks_before(s, a, b) == ranks_before(s, b, c))
            piv = mid;
        else if (ranks_before(s, b, a) == ranks_before(s, a, c))
            piv = lo;
        else
            piv = hi;
        long t = idx[piv];
        idx[piv] = idx[hi];
        idx[hi] = t;
        long store = lo;
        for (long i = lo; i < hi; i++)
            if (ranks_before(s, idx[i], idx[hi])) {
                t = idx[i];
                idx[i] = idx[store];
                idx[store] = t;
                store++;
            }
        t = idx[store];
        idx[store] = idx[hi];
        idx[hi] = t;
        if (store == k || store == k - 1) return;
        if (store < k)
            lo = store + 1;
        else
            hi = store - 1;
    }
}

/* Picks the top `take` groups of `groups` by summed score; returns a 0/1 flag per group. */
static unsigned char *top_groups(const float *gscore, long groups, long take) {
    long *idx = malloc(sizeof *idx * (size_t)(groups ? groups : 1));
    unsigned char *flag = calloc((size_t)(groups ? groups : 1), 1);
    if (!idx || !flag) {
        free(idx);
        free(flag);
        return NULL;
    }
    for (long i = 0; i < groups; i++)
        idx[i] = i;
    if (take > groups) take = groups;
    partial_top(idx, groups, take, gscore);
    for (long i = 0; i < take; i++)
        flag[idx[i]] = 1;
    free(idx);
    return flag;
}

long hq_select_high(const float *score, int rows, int cols, const hq_layer_policy *lp,
                    unsigned char *mask) {
    long n = (long)rows * cols;
    long k = lround(lp->frac * (double)n);
    long marked = 0;
    memset(mask, 0, (size_t)n);
    if (k <= 0) return 0;

    if (lp->structure == HQ_STRUCT_NONE || lp->structure == HQ_STRUCT_NM) {
        long *idx = malloc(sizeof *idx * (size_t)n);
        if (!idx) return -1;
        long cand = 0;
        if (lp->structure == HQ_STRUCT_NONE) {
            for (long i = 0; i < n; i++)
                idx[cand++] = i;
        } else {
            /* Only a block's N best can ever be chosen: collect them, then rank globally. */
            for (int r = 0; r < rows; r++)
                for (int b0 = 0; b0 < cols; b0 += lp->m) {
                    int b1 = b0 + lp->m < cols ? b0 + lp->m : cols;
                    long base = (long)r * cols;
                    for (int t = 0; t < lp->n && t < b1 - b0; t++) {
                        long best = -1;
                        for (int j = b0; j < b1; j++) {
                            long i = base + j;
                            if (!mask[i] && (best < 0 || ranks_before(score, i, best))) best = i;
                        }
                        mask[best] = 1; /* temporary: "already a candidate" */
                        idx[cand++] = best;
                    }
                }
            for (long c = 0; c < cand; c++)
                mask[idx[c]] = 0;
        }
        if (k > cand) k = cand;
        partial_top(idx, cand, k, score);
        for (long i = 0; i < k; i++)
            mask[idx[i]] = 1;
        free(idx);
        return k;
    }

    if (lp->structure == HQ_STRUCT_ROW || lp->structure == HQ_STRUCT_COL) {
        int by_row = lp->structure == HQ_STRUCT_ROW;
        long groups = by_row ? rows : cols;
        long size = by_row ? cols : rows;
        float *g = calloc((size_t)groups, sizeof *g);
        if (!g) return -1;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                g[by_row ? r : j] += score[(long)r * cols + j];
        unsigned char *flag = top_groups(g, groups, lround((double)k / (double)size));
        free(g);
        if (!flag) return -1;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                if (flag[by_row ? r : j]) {
                    mask[(long)r * cols + j] = 1;
                    marked++;
                }
        free(flag);
        return marked;
    }

    /* Tiles: take the best tiles while doing so brings the count closer to k. */
    int tr = lp->tile_r, tc = lp->tile_c;
    long ty = (rows + tr - 1) / tr, tx = (cols + tc - 1) / tc, groups = ty * tx;
    float *g = calloc((size_t)groups, sizeof *g);
    long *idx = malloc(sizeof *idx * (size_t)groups);
    if (!g || !idx) {
        free(g);
        free(idx);
        return -1;
    }
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            g[(r / tr) * tx + j / tc] += score[(long)r * cols + j];
    for (long i = 0; i < groups; i++)
        idx[i] = i;
    /* tiles are few (hundreds): an insertion sort by rank is enough */
    for (long i = 1; i < groups; i++) {
        long v = idx[i], p = i;
        while (p > 0 && ranks_before(g, v, idx[p - 1])) {
            idx[p] = idx[p - 1];
            p--;
        }
        idx[p] = v;
    }
    for (long t = 0; t < groups; t++) {
        long gi = idx[t];
        int r0 = (int)(gi / tx) * tr, c0 = (int)(gi % tx) * tc;
        int r1 = r0 + tr < rows ? r0 + tr : rows, c1 = c0 + tc < cols ? c0 + tc : cols;
        long sz = (long)(r1 - r0) * (c1 - c0);
        if (marked >= k || (marked + sz - k) > (k - marked)) break;
        for (int r = r0; r < r1; r++)
            memset(mask + (long)r * cols + c0, 1, (size_t)(c1 - c0));
        marked += sz;
    }
    free(g);
    free(idx);
    return marked;
}
