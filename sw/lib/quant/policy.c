/* Parser for quantization policy specs (grammar in policy.h and docs/quant.md). */
#include "hq_error.h"
#include "quant/policy.h"

#include "hq_model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const select_names[] = {"magnitude", "error", "saliency"};

const char *hq_select_name(hq_select_kind s) {
    return select_names[s];
}

static void set_defaults(hq_layer_policy *lp) {
    memset(lp, 0, sizeof *lp);
    lp->lo = 2;
    lp->hi = 8;
    lp->frac = 0.02;
    lp->select = HQ_SELECT_MAGNITUDE;
    lp->structure = HQ_STRUCT_NONE;
}

static int parse_int(const char *s, int lo, int hi, int *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

static int parse_struct(hq_layer_policy *lp, const char *v, char *err, size_t errlen) {
    if (!strcmp(v, "none")) {
        lp->structure = HQ_STRUCT_NONE;
    } else if (!strcmp(v, "row")) {
        lp->structure = HQ_STRUCT_ROW;
    } else if (!strcmp(v, "col")) {
        lp->structure = HQ_STRUCT_COL;
    } else if (!strncmp(v, "nm:", 3)) {
        char a[16], b[16];
        const char *colon = strchr(v + 3, ':');
        if (!colon || (size_t)(colon - (v + 3)) >= sizeof a || strlen(colon + 1) >= sizeof b)
            goto bad_nm;
        memcpy(a, v + 3, (size_t)(colon - (v + 3)));
        a[colon - (v + 3)] = 0;
        strcpy(b, colon + 1);
        if (parse_int(a, 1, 255, &lp->n) || parse_int(b, 2, 4096, &lp->m) || lp->n >= lp->m)
            goto bad_nm;
        lp->structure = HQ_STRUCT_NM;
    } else if (!strncmp(v, "tile:", 5)) {
        char a[16], b[16];
        const char *x = strchr(v + 5, 'x');
        if (!x || (size_t)(x - (v + 5)) >= sizeof a || strlen(x + 1) >= sizeof b) goto bad_tile;
        memcpy(a, v + 5, (size_t)(x - (v + 5)));
        a[x - (v + 5)] = 0;
        strcpy(b, x + 1);
        if (parse_int(a, 1, 65535, &lp->tile_r) || parse_int(b, 1, 65535, &lp->tile_c))
            goto bad_tile;
        lp->structure = HQ_STRUCT_TILE;
    } else {
        hq_errf(err, errlen, "struct=%s: valid values are none, nm:N:M, row, col, tile:RxC", v);
        return -1;
    }
    return 0;
bad_nm:
    hq_errf(err, errlen, "struct=%s: expected nm:N:M with integers 1 <= N < M <= 4096", v);
    return -1;
bad_tile:
    hq_errf(err, errlen, "struct=%s: expected tile:RxC with integers R, C >= 1", v);
    return -1;
}

static int parse_key(hq_layer_policy *lp, const char *k, const char *v, char *err, size_t errlen) {
    if (!strcmp(k, "lo")) {
        if (parse_int(v, 1, 4, &lp->lo)) {
            hq_errf(err, errlen, "lo=%s: valid values are 1, 2, 3, 4", v);
            return -1;
        }
    } else if (!strcmp(k, "hi")) {
        if (parse_int(v, 4, 8, &lp->hi) || (lp->hi != 4 && lp->hi != 8)) {
            hq_errf(err, errlen, "hi=%s: valid values are 4, 8", v);
            return -1;
        }
    } else if (!strcmp(k, "frac")) {
        char *end;
        errno = 0;
        double f = strtod(v, &end);
        if (errno || end == v || *end || !(f >= 0.0 && f <= 0.5)) {
            hq_errf(err, errlen, "frac=%s: valid values are numbers from 0 to 0.5", v);
            return -1;
        }
        lp->frac = f;
    } else if (!strcmp(k, "select")) {
        size_t i;
        for (i = 0; i < 3; i++)
            if (!strcmp(v, select_names[i])) break;
        if (i == 3) {
            hq_errf(err, errlen, "select=%s: valid values are magnitude, error, saliency", v);
            return -1;
        }
        lp->select = (hq_select_kind)i;
    } else if (!strcmp(k, "struct")) {
        return parse_struct(lp, v, err, errlen);
    } else {
        hq_errf(err, errlen, "unknown key '%s' (valid keys: lo, hi, frac, select, struct)", k);
        return -1;
    }
    return 0;
}

/* Checks the combination of keys once all are known. */
static int check_consistent(const hq_layer_policy *lp, char *err, size_t errlen) {
    if (lp->uniform_bits) return 0;
    if (lp->lo >= lp->hi) {
        hq_errf(err, errlen, "lo=%d with hi=%d: lo must be smaller than hi", lp->lo, lp->hi);
        return -1;
    }
    if (lp->structure == HQ_STRUCT_NM && lp->frac > (double)lp->n / lp->m + 1e-12) {
        hq_errf(err, errlen,
                "frac=%g exceeds what struct=nm:%d:%d allows (at most %g): raise N or lower "
                "frac",
                lp->frac, lp->n, lp->m, (double)lp->n / lp->m);
        return -1;
    }
    return 0;
}

/* Parses one LAYERSPEC of length len into lp (which holds the inherited values). */
static int parse_layerspec(hq_layer_policy *lp, const char *s, size_t len, char *err,
                           size_t errlen) {
    char buf[256];
    if (len == 0) {
        hq_errf(err, errlen,
                "empty policy (expected uniform8, uniform4, uniform2, uniform1 or "
                "keys such as lo=2,hi=8,frac=0.02,select=saliency,struct=nm:1:32)");
        return -1;
    }
    if (len >= sizeof buf) {
        hq_errf(err, errlen, "policy too long (%zu characters, at most %zu)", len, sizeof buf - 1);
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = 0;
    static const int ubits[] = {8, 4, 2, 1};
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "uniform%d", ubits[i]);
        if (!strcmp(buf, name)) {
            set_defaults(lp);
            lp->uniform_bits = ubits[i];
            return 0;
        }
    }
    if (!strncmp(buf, "uniform", 7) || !strchr(buf, '=')) {
        hq_errf(err, errlen,
                "unknown policy '%s' (valid: uniform8, uniform4, uniform2, uniform1 or key=value "
                "pairs with keys lo, hi, frac, select, struct)",
                buf);
        return -1;
    }
    if (lp->uniform_bits) /* key=value overrides of a uniform base start from the defaults */
        set_defaults(lp);
    unsigned seen = 0;
    static const char *const keys[] = {"lo", "hi", "frac", "select", "struct"};
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            hq_errf(err, errlen,
                    "'%s' is not key=value (valid keys: lo, hi, frac, select, "
                    "struct)",
                    tok);
            return -1;
        }
        *eq = 0;
        for (unsigned i = 0; i < 5; i++)
            if (!strcmp(tok, keys[i])) {
                if (seen & (1u << i)) {
                    hq_errf(err, errlen, "key '%s' given twice", tok);
                    return -1;
                }
                seen |= 1u << i;
            }
        if (parse_key(lp, tok, eq + 1, err, errlen)) return -1;
    }
    return check_consistent(lp, err, errlen);
}

/* Parses the selector text s[0..len) of an override exactly (no truncation, no sign or
 * space, digits only after 'L') into o; sel receives the text for messages. */
static int parse_selector(const char *s, size_t len, hq_policy_override *o,
                          char sel[HQ_POLICY_MAX_SELECTOR + 1], char *err, size_t errlen) {
    if (len > HQ_POLICY_MAX_SELECTOR) {
        hq_errf(err, errlen, "override selector '%.*s...' is %zu characters long (at most %d)",
                HQ_POLICY_MAX_SELECTOR, s, len, HQ_POLICY_MAX_SELECTOR);
        return -1;
    }
    memcpy(sel, s, len);
    sel[len] = 0;
    if (!strcmp(sel, "first")) {
        o->sel = HQ_SEL_FIRST;
        return 0;
    }
    if (!strcmp(sel, "last")) {
        o->sel = HQ_SEL_LAST;
        return 0;
    }
    size_t digits = sel[0] == 'L' ? strspn(sel + 1, "0123456789") : 0;
    if (digits == 0 || digits != len - 1) {
        hq_errf(err, errlen,
                "override selector '%s': valid selectors are first, last, L<index> (L0 is the "
                "first weighted layer)",
                sel);
        return -1;
    }
    long index = 0;
    for (size_t i = 1; i < len && index < HQ_MAX_LAYERS; i++) /* stops early: no overflow */
        index = index * 10 + (sel[i] - '0');
    if (index >= HQ_MAX_LAYERS) {
        hq_errf(err, errlen,
                "override selector '%s': layer index out of range (a model has at most %d "
                "weighted layers, L0..L%d)",
                sel, HQ_MAX_LAYERS, HQ_MAX_LAYERS - 1);
        return -1;
    }
    o->sel = HQ_SEL_INDEX;
    o->index = (int)index;
    return 0;
}

int hq_policy_parse(hq_policy *p, const char *spec, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    set_defaults(&p->base);
    if (!spec) {
        hq_errf(err, errlen, "no policy given");
        return -1;
    }
    const char *semi = strchr(spec, ';');
    size_t base_len = semi ? (size_t)(semi - spec) : strlen(spec);
    if (parse_layerspec(&p->base, spec, base_len, err, errlen)) return -1;
    while (semi) {
        const char *ov = semi + 1;
        semi = strchr(ov, ';');
        size_t len = semi ? (size_t)(semi - ov) : strlen(ov);
        const char *eq = memchr(ov, '=', len);
        if (!eq) {
            hq_errf(err, errlen, "override '%.*s': expected first=SPEC, last=SPEC or L<i>=SPEC",
                    (int)len, ov);
            return -1;
        }
        if (p->n_overrides == HQ_POLICY_MAX_OVERRIDES) {
            hq_errf(err, errlen, "too many overrides (at most %d)", HQ_POLICY_MAX_OVERRIDES);
            return -1;
        }
        size_t sl = (size_t)(eq - ov);
        hq_policy_override *o = &p->overrides[p->n_overrides];
        char sel[HQ_POLICY_MAX_SELECTOR + 1];
        if (parse_selector(ov, sl, o, sel, err, errlen)) return -1;
        o->p = p->base;
        char sub[192];
        if (parse_layerspec(&o->p, eq + 1, len - sl - 1, sub, sizeof sub)) {
            hq_errf(err, errlen, "override %s: %s", sel, sub);
            return -1;
        }
        p->n_overrides++;
    }
    return 0;
}

hq_layer_policy hq_policy_for_layer(const hq_policy *p, int index, int n_weighted) {
    hq_layer_policy lp = p->base;
    /* Priority: first < last < L<i>; among equals, the later override wins. */
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < p->n_overrides; i++) {
            const hq_policy_override *o = &p->overrides[i];
            if ((int)o->sel != pass) continue;
            if ((o->sel == HQ_SEL_FIRST && index == 0) ||
                (o->sel == HQ_SEL_LAST && index == n_weighted - 1) ||
                (o->sel == HQ_SEL_INDEX && index == o->index))
                lp = o->p;
        }
    return lp;
}

int hq_policy_check_layers(const hq_policy *p, int n_weighted, char *err, size_t errlen) {
    for (int i = 0; i < p->n_overrides; i++)
        if (p->overrides[i].sel == HQ_SEL_INDEX && p->overrides[i].index >= n_weighted) {
            hq_errf(err, errlen, "override L%d: the model has %d weighted layers (valid: L0..L%d)",
                    p->overrides[i].index, n_weighted, n_weighted - 1);
            return -1;
        }
    return 0;
}

void hq_layer_policy_format(const hq_layer_policy *lp, char *buf, size_t len) {
    if (lp->uniform_bits) {
        snprintf(buf, len, "uniform%d", lp->uniform_bits);
        return;
    }
    char st[40];
    switch (lp->structure) {
    case HQ_STRUCT_NM: snprintf(st, sizeof st, "nm:%d:%d", lp->n, lp->m); break;
    case HQ_STRUCT_ROW: snprintf(st, sizeof st, "row"); break;
    case HQ_STRUCT_COL: snprintf(st, sizeof st, "col"); break;
    case HQ_STRUCT_TILE: snprintf(st, sizeof st, "tile:%dx%d", lp->tile_r, lp->tile_c); break;
    default: snprintf(st, sizeof st, "none"); break;
    }
    snprintf(buf, len, "lo=%d,hi=%d,frac=%g,select=%s,struct=%s", lp->lo, lp->hi, lp->frac,
             select_names[lp->select], st);
}

int hq_policy_needs_saliency(const hq_policy *p, int n_weighted) {
    for (int i = 0; i < n_weighted; i++) {
        hq_layer_policy lp = hq_policy_for_layer(p, i, n_weighted);
        if (!lp.uniform_bits && lp.select == HQ_SELECT_SALIENCY) return 1;
    }
    return 0;
}
