/* Per-field boundary suite (issue 11): every variable-width field of every layout at 0, 1,
 * max-1, max, max+1 and multiples of max, by directed layers and by random layers whose gap /
 * count distributions hit those values. Each layer goes through the C packer, the C decoder
 * (== the quantized layer), the C++ decompressor (== the quantized layer) and the accelerator
 * (outputs == the integer reference). Values a field cannot hold must be refused: by the
 * packer with a message, and by both decoders alike on a hand-corrupted image.
 *
 * Fields (docs/layouts.md): coo delta (8 bits, max 255) and per-row entry count (u16);
 * block slots per block (N), slot positions (P bits, lo = 1), blocks per row (K mod M), M;
 * rowgroup high-row count and bitmap byte boundaries; escape markers per row; the lo_shift
 * table (0..smax for each lo); high values (+-qmax, -qmax-1 refused); requantization shift
 * (0..62, 63 refused) and multiplier (0..2^31-1) of the accelerator's row parameters. */
#include "accel_test.h"

#include "accel/weight_decoder.h"

#include <cstring>

using namespace hq::accel;
using hqt::Bench;
using hqt::LayerSpec;

namespace {

constexpr uint32_t DESC = 0x80000000, PARAMS = 0x80010000, WEIGHTS = 0x80100000, IN = 0x80400000,
                   OUT = 0x80800000;
constexpr unsigned kBatch = 2;
int g_layers = 0, g_accel_runs = 0, g_refusals = 0;

int qmax_of(int hi) {
    return (1 << (hi - 1)) - 1;
}
int cmax_of(int lo) {
    return lo == 1 ? 1 : (1 << (lo - 1)) - 1;
}
/* Largest lo_shift that keeps cmax << s on the int8 grid (docs/arith.md section 3). */
int smax_of(int lo) {
    int s = 0;
    while ((cmax_of(lo) << (s + 1)) <= 127)
        s++;
    return s;
}

/* A dense rows x cols layer with only low weights (or a uniform one when lo = 0). */
LayerSpec spec_of(hq_layout_kind k, int lo, int hi, int rows, int cols, int n = 0, int m = 0) {
    LayerSpec s;
    s.layout = k;
    s.lo = lo;
    s.hi = hi;
    s.in_c = cols;
    s.out_c = rows;
    s.n = n;
    s.m = m;
    s.frac = 0;
    return s;
}

void set_hi(hq_layer &L, int r, int c, int v) {
    L.q->w[(size_t)r * L.cols + c] = (int8_t)v;
    L.q->is_hi[(size_t)r * L.cols + c] = 1;
}

/* Sets row r's lo_shift to s, keeping every low code. */
void set_shift(hq_layer &L, int r, int s) {
    hq_qlayer *q = L.q;
    const int old = q->lo_shift[r];
    for (int c = 0; c < L.cols; c++) {
        size_t i = (size_t)r * L.cols + c;
        if (!q->is_hi[i]) q->w[i] = (int8_t)(q->w[i] / (1 << old) * (1 << s));
    }
    q->lo_shift[r] = (uint8_t)s;
}

/* A high value on the grid, cycling through the extremes and their neighbours. */
int hi_value(int hi, unsigned k) {
    const int q = qmax_of(hi);
    const int v[] = {q, -q, 1, -1, q - 1, -(q - 1)};
    return v[k % 6];
}

WeightFormat format_of(const LayerSpec &s, const hq_layer &L) {
    WeightFormat f;
    f.layout = s.lo ? s.layout : HQ_LAYOUT_DENSE;
    f.rows = L.rows;
    f.cols = L.cols;
    f.lo_bits = s.lo;
    f.hi_bits = s.hi;
    if (f.layout == HQ_LAYOUT_BLOCK) {
        f.block_n = s.n;
        f.block_m = s.m;
    }
    return f;
}

bool pack(const hq_layer &L, const LayerSpec &s, std::vector<uint8_t> *img, std::string *why) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, s.lo ? s.layout : HQ_LAYOUT_DENSE);
    if (o.kind == HQ_LAYOUT_BLOCK) {
        o.block_n = s.n;
        o.block_m = s.m;
    }
    hq_layer_image li;
    char err[256];
    if (hq_layout_pack(L.q, L.rows, L.cols, &o, &li, err, sizeof err)) {
        *why = err;
        return false;
    }
    img->assign(li.data, li.data + li.size);
    hq_layer_image_free(&li);
    return true;
}

/* The C++ decompressor's weights equal the quantized layer's. */
bool cpp_equals(const DecodedWeights &d, const hq_layer &L, std::string *why) {
    const hq_qlayer *q = L.q;
    for (int r = 0; r < L.rows; r++)
        if (q->lo_bits && d.lo_shift[r] != q->lo_shift[r]) {
            *why = "lo_shift of row " + std::to_string(r);
            return false;
        }
    for (size_t i = 0; i < (size_t)L.rows * L.cols; i++) {
        const int want_hi = q->lo_bits ? q->is_hi[i] : 1;
        if (d.effective(i) != q->w[i] || d.high(i) != (want_hi != 0)) {
            *why = "weight " + std::to_string(i) + ": " + std::to_string(d.effective(i)) +
                   (d.high(i) ? "(hi)" : "(lo)") + " vs " + std::to_string(q->w[i]) +
                   (want_hi ? "(hi)" : "(lo)");
            return false;
        }
    }
    return true;
}

/* Both decoders must refuse a corrupted image (and neither may crash). */
void both_refuse(const std::vector<uint8_t> &img, const WeightFormat &f, const char *what) {
    hq_decoded_layer cd;
    char err[256] = "";
    const bool c_ok = hq_layout_decode(img.data(), img.size(), &cd, err, sizeof err) == 0;
    if (c_ok) hq_decoded_layer_free(&cd);
    DecodedWeights md;
    const std::string merr = decode_weights(f, img.data(), img.size(), &md);
    CHECK(!c_ok && !merr.empty(), "%s: C decoder %s, C++ decoder %s", what,
          c_ok ? "accepts" : "refuses", merr.empty() ? "accepts" : "refuses");
    g_refusals++;
}

/* Integer reference of the layer on `in` (kBatch images): uint8 codes or int32 logits. */
std::vector<uint8_t> reference(const hq_layer &L, const std::vector<uint8_t> &in) {
    std::vector<int32_t> acc((size_t)kBatch * L.rows);
    hq_ref_layer_acc(&L, in.data(), (int)kBatch, acc.data());
    if (!L.relu) {
        std::vector<uint8_t> out(acc.size() * 4);
        std::memcpy(out.data(), acc.data(), out.size());
        return out;
    }
    std::vector<uint8_t> act(acc.size());
    hq_ref_requant(L.q, L.rows, acc.data(), kBatch, act.data());
    return act;
}

/* Runs the layer on the accelerator; returns its STATUS and fills *bad with differing bytes. */
uint32_t accel_run(Bench &b, const hq_layer &L, const LayerSpec &s, const std::vector<uint8_t> &img,
                   std::mt19937 &rng, size_t *bad) {
    std::memcpy(b.at(WEIGHTS), img.data(), img.size());
    hqt::put_params(b, PARAMS, L);
    hq_accel_desc d =
        hqt::desc_for(L, s, IN, OUT, WEIGHTS, (uint32_t)img.size(), PARAMS, kBatch, 1);
    std::vector<uint8_t> in((size_t)kBatch * L.cols);
    for (auto &v : in) /* extremes of the activation range are common */
        v = (uint8_t)(rng() % 4 == 0 ? 255 : rng() % 3 == 0 ? 0 : rng() % 256);
    std::memcpy(b.at(IN), in.data(), in.size());
    hqt::put_desc(b, DESC, d);
    const uint32_t st = b.run(DESC, 1);
    g_accel_runs++;
    *bad = 0;
    if (st == HQ_ACCEL_STATUS_DONE) {
        const std::vector<uint8_t> want = reference(L, in);
        const size_t per = want.size() / kBatch;
        for (unsigned i = 0; i < kBatch; i++)
            for (size_t j = 0; j < per; j++)
                *bad += b.at(OUT + i * d.out_stride)[j] != want[i * per + j];
    }
    return st;
}

/* Packer -> C decoder -> C++ decoder -> accelerator, each against the quantized layer. */
void through_all(Bench &b, std::mt19937 &rng, const hq_layer &L, const LayerSpec &s,
                 const std::string &what, bool accel = true) {
    g_layers++;
    std::vector<uint8_t> img;
    std::string why;
    if (!pack(L, s, &img, &why)) {
        CHECK(false, "%s: pack failed: %s", what.c_str(), why.c_str());
        return;
    }
    hq_decoded_layer cd;
    char err[256];
    const bool c_ok = hq_layout_decode(img.data(), img.size(), &cd, err, sizeof err) == 0;
    CHECK(c_ok, "%s: C decoder: %s", what.c_str(), err);
    if (c_ok) {
        CHECK(hq_decoded_equals(&cd, L.q, L.rows, L.cols), "%s: C decoder differs", what.c_str());
        hq_decoded_layer_free(&cd);
    }
    DecodedWeights md;
    const std::string merr = decode_weights(format_of(s, L), img.data(), img.size(), &md);
    CHECK(merr.empty(), "%s: C++ decoder: %s", what.c_str(), merr.c_str());
    if (merr.empty())
        CHECK(cpp_equals(md, L, &why), "%s: C++ decoder differs: %s", what.c_str(), why.c_str());
    if (!accel) return;
    size_t bad = 0;
    const uint32_t st = accel_run(b, L, s, img, rng, &bad);
    CHECK(st == HQ_ACCEL_STATUS_DONE, "%s: accelerator STATUS 0x%x (%s)", what.c_str(), st,
          b.accel.errors().empty() ? "" : b.accel.errors().back().c_str());
    CHECK(bad == 0, "%s: accelerator: %zu output bytes differ from the reference", what.c_str(),
          bad);
}

std::string name(const LayerSpec &s, const std::string &what) {
    return std::string(hq_layout_name(s.lo ? s.layout : HQ_LAYOUT_DENSE)) +
           " lo=" + std::to_string(s.lo) + " hi=" + std::to_string(s.hi) + ": " + what;
}

/* Expects the C packer to refuse the layer with a message containing `needle`. */
void pack_refuses(const hq_layer &L, const LayerSpec &s, const char *needle, const std::string &w) {
    std::vector<uint8_t> img;
    std::string why;
    CHECK(!pack(L, s, &img, &why) && why.find(needle) != std::string::npos,
          "%s: packer did not refuse ('%s')", w.c_str(), why.c_str());
    g_refusals++;
}

/* Byte offset of the first layout section (after header and shift table). */
size_t payload_of(const hq_layer &L, int lo) {
    return lo ? (16 + L.rows + 15) / 16 * 16 : 16;
}

/* ---- coo: delta (8 bits) and entry count (u16) ---------------------------------------- */
void coo_fields(Bench &b, std::mt19937 &rng) {
    /* one row per gap list: a high weight `gap` columns past the cursor, in turn */
    const std::vector<std::vector<int>> rows = {
        {},       {0},          {1},        {254},         {255},
        {256},    {509},        {510},      {511},         {764, 0},
        {765, 1}, {0, 0, 0, 0}, {255, 255}, {510, 254, 0}, {1, 254, 255, 256},
        {1099},   {1098},       {1020, 78}};
    for (int lo : {1, 2, 3})
        for (int hi : {4, 8}) {
            if (lo >= hi) continue;
            LayerSpec s = spec_of(HQ_LAYOUT_COO, lo, hi, (int)rows.size(), 1100);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            unsigned k = 0;
            for (size_t r = 0; r < rows.size(); r++) {
                int cursor = 0;
                for (int gap : rows[r]) {
                    set_hi(L, (int)r, cursor + gap, hi_value(hi, k++));
                    cursor += gap + 1;
                }
            }
            through_all(b, rng, L, s, name(s, "directed gaps"));
            /* a delta one past the last column must be refused by both decoders */
            std::vector<uint8_t> img;
            std::string why;
            if (pack(L, s, &img, &why)) {
                /* sections: low plane, counts, entries, each 16-byte aligned */
                const size_t plane_bytes = ((size_t)L.rows * L.cols * lo + 7) / 8;
                const size_t cnt = (payload_of(L, lo) + plane_bytes + 15) / 16 * 16;
                const size_t ent = (cnt + 2 * (size_t)L.rows + 15) / 16 * 16;
                size_t entries = 0;
                for (int r = 0; r < L.rows - 1; r++)
                    entries += img[cnt + 2 * r] | (size_t)img[cnt + 2 * r + 1] << 8;
                std::vector<uint8_t> bad = img;
                /* the last row {1020, 78}: 3 skips, delta 255 (column 1020), delta 78 (column
                 * 1099, the last): make the last delta 79, one past the row's end */
                const size_t last = entries + 4, lb = last * (8 + hi);
                uint32_t delta = 0;
                for (int i = 0; i < 8; i++)
                    delta |= (uint32_t)(bad[ent + (lb + i) / 8] >> ((lb + i) % 8) & 1) << i;
                CHECK(delta == 78, "%s: expected delta 78, read %u", name(s, "coo").c_str(), delta);
                delta++;
                for (int i = 0; i < 8; i++) {
                    uint8_t &byte = bad[ent + (lb + i) / 8];
                    const uint8_t m = (uint8_t)(1u << ((lb + i) % 8));
                    byte = (uint8_t)((delta >> i & 1) ? byte | m : byte & ~m);
                }
                both_refuse(bad, format_of(s, L), name(s, "delta past the last column").c_str());
            }
            hqt::free_layer(&L);
        }
    /* entry count at its largest reachable value: one row of 65535 columns, all high (a row
     * has at most K <= 65535 entries, so the u16 count cannot overflow); C and C++ only */
    LayerSpec s = spec_of(HQ_LAYOUT_COO, 2, 8, 1, 65535);
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    for (int c = 0; c < L.cols; c++)
        set_hi(L, 0, c, hi_value(8, (unsigned)c));
    through_all(b, rng, L, s, name(s, "65535 entries in one row"), false);
    /* the same row with every other weight high but the last 300: skips near the end */
    std::memset(L.q->is_hi, 0, (size_t)L.cols);
    for (int c = 0; c < L.cols; c++)
        L.q->w[c] = 0;
    set_hi(L, 0, 65534, 5);
    set_hi(L, 0, 0, -5);
    through_all(b, rng, L, s, name(s, "gap 65533 (257 entries)"), false);
    hqt::free_layer(&L);
}

/* ---- block: slots per block, slot positions, K mod M, M -------------------------------- */
void block_fields(Bench &b, std::mt19937 &rng) {
    struct NM {
        int n, m;
    };
    for (int lo : {1, 2, 3})
        for (NM nm : {NM{2, 16}, NM{1, 2}, NM{3, 4}, NM{1, 255}})
            for (int tail : {0, 1, -1}) { /* K mod M = 0, 1, M - 1 */
                const int hi = 8, n = nm.n, m = nm.m;
                const int cols = 3 * m + (tail < 0 ? m - 1 : tail);
                LayerSpec s = spec_of(HQ_LAYOUT_BLOCK, lo, hi, 6, cols, n, m);
                hq_layer L;
                hqt::make_layer(s, rng, &L);
                const int nblk = (cols + m - 1) / m;
                unsigned k = 0;
                for (int r = 0; r < L.rows; r++)
                    for (int blk = 0; blk < nblk; blk++) {
                        const int b0 = blk * m, len = std::min(m, cols - b0);
                        /* per block: 0, 1, N-1 or N high weights; rows 4, 5 at the edges */
                        const int counts[] = {0, 1, n - 1, n};
                        int cnt = std::min(len, counts[(r + blk) % 4]);
                        for (int t = 0; t < cnt; t++) {
                            /* positions 0, len-1, 1, len-2, ... (slot fields at both ends) */
                            int j = t % 2 ? len - 1 - t / 2 : t / 2;
                            set_hi(L, r, b0 + j, hi_value(hi, k++));
                        }
                    }
                const std::string w = name(s, "N:M " + std::to_string(n) + ":" + std::to_string(m) +
                                                  " K=" + std::to_string(cols));
                through_all(b, rng, L, s, w);
                /* N + 1 high weights in one block: the packer refuses, never drops one */
                if (n + 1 <= std::min(m, cols)) {
                    int c = 0, added = 0;
                    for (int j = 0; j < m && added <= n; j++)
                        if (!L.q->is_hi[j]) {
                            set_hi(L, 0, j, 3);
                            added++;
                        }
                    for (int j = 0; j < m; j++)
                        c += L.q->is_hi[j];
                    if (c > n) pack_refuses(L, s, "slots", w + ", N+1 in a block");
                }
                hqt::free_layer(&L);
            }
    /* M = 1 is refused by the packer (and M < 2 by both decoders): lo = 1 needs P >= 1 */
    LayerSpec s = spec_of(HQ_LAYOUT_BLOCK, 1, 8, 2, 40, 1, 1);
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    pack_refuses(L, s, "M=1", name(s, "M=1"));
    s.m = 2;
    std::vector<uint8_t> img;
    std::string why;
    CHECK(pack(L, s, &img, &why), "block 1:2: %s", why.c_str());
    img[4] = 1; /* header M = 1 */
    WeightFormat f = format_of(s, L);
    f.block_m = 1;
    both_refuse(img, f, "block header M=1");
    hqt::free_layer(&L);
}

/* ---- rowgroup: high rows 0, 1, R-1, R; bitmap byte boundaries -------------------------- */
void rowgroup_fields(Bench &b, std::mt19937 &rng) {
    for (int lo : {1, 2})
        for (int hi : {4, 8})
            for (int rows : {7, 8, 9, 17})
                for (int high : {0, 1, rows - 1, rows}) {
                    LayerSpec s = spec_of(HQ_LAYOUT_ROWGROUP, lo, hi, rows, 37);
                    hq_layer L;
                    hqt::make_layer(s, rng, &L);
                    /* the high rows spread over the bitmap: first, last, then alternate */
                    std::vector<int> order = {rows - 1, 0};
                    for (int r = 1; r < rows - 1; r++)
                        order.push_back(r);
                    unsigned k = 0;
                    for (int i = 0; i < high; i++)
                        for (int c = 0; c < L.cols; c++)
                            set_hi(L, order[i], c, hi_value(hi, k++));
                    through_all(b, rng, L, s,
                                name(s, std::to_string(high) + " of " + std::to_string(rows) +
                                            " rows high"));
                    hqt::free_layer(&L);
                }
}

/* ---- escape: markers per row 0, 1, K-1, K ---------------------------------------------- */
void escape_fields(Bench &b, std::mt19937 &rng) {
    for (int lo : {2, 3})
        for (int hi : {4, 8}) {
            if (lo >= hi) continue;
            const int cols = 37;
            LayerSpec s = spec_of(HQ_LAYOUT_ESCAPE, lo, hi, 8, cols);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            const int counts[] = {0, 1, cols - 1, cols, 0, 2, cols - 2, 1};
            unsigned k = 0;
            for (int r = 0; r < L.rows; r++)
                for (int t = 0; t < counts[r]; t++)
                    set_hi(L, r, r % 2 ? cols - 1 - t : t, hi_value(hi, k++));
            through_all(b, rng, L, s, name(s, "markers 0, 1, K-1, K per row"));
            hqt::free_layer(&L);
        }
    LayerSpec s = spec_of(HQ_LAYOUT_ESCAPE, 1, 8, 2, 20);
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    pack_refuses(L, s, "spare", name(s, "binary has no marker"));
    hqt::free_layer(&L);
}

/* ---- dense: uniform int4/int8 (K * hi not a whole byte), low-only layers -------------- */
void dense_fields(Bench &b, std::mt19937 &rng) {
    for (int hi : {4, 8})
        for (int cols : {1, 37, 64}) {
            LayerSpec s = spec_of(HQ_LAYOUT_DENSE, 0, hi, 5, cols);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            for (int c = 0; c < cols; c++) { /* rows 0, 1 at the grid's ends */
                L.q->w[c] = (int8_t)qmax_of(hi);
                L.q->w[cols + c] = (int8_t)-qmax_of(hi);
            }
            through_all(b, rng, L, s, name(s, "uniform K=" + std::to_string(cols)));
            hqt::free_layer(&L);
        }
    for (int lo : {1, 2, 3}) {
        LayerSpec s = spec_of(HQ_LAYOUT_DENSE, lo, 8, 5, 37);
        hq_layer L;
        hqt::make_layer(s, rng, &L);
        through_all(b, rng, L, s, name(s, "low-only"));
        hqt::free_layer(&L);
    }
}

/* ---- lo_shift (0, 1, smax-1, smax; smax+1 refused) and high values (-qmax-1 refused) ---- */
void shift_and_value_fields(Bench &b, std::mt19937 &rng) {
    const hq_layout_kind kinds[] = {HQ_LAYOUT_COO, HQ_LAYOUT_BLOCK, HQ_LAYOUT_ESCAPE,
                                    HQ_LAYOUT_ROWGROUP, HQ_LAYOUT_DENSE};
    for (hq_layout_kind kind : kinds)
        for (int lo : {1, 2, 3, 4}) {
            if (kind == HQ_LAYOUT_ESCAPE && lo < 2) continue;
            const int hi = 8, smax = smax_of(lo);
            LayerSpec s = spec_of(kind, lo, hi, 5, 40, 2, 8);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            const int shifts[] = {0, 1, smax - 1, smax, smax};
            for (int r = 0; r < L.rows; r++)
                set_shift(L, r, shifts[r]);
            if (kind == HQ_LAYOUT_ROWGROUP)
                for (int c = 0; c < L.cols; c++)
                    set_hi(L, 4, c, c % 2 ? 127 : -127);
            else if (kind != HQ_LAYOUT_DENSE)
                for (int r = 0; r < L.rows; r++) {
                    set_hi(L, r, 0, 127);
                    set_hi(L, r, 39, -127);
                }
            through_all(b, rng, L, s, name(s, "lo_shift 0, 1, smax-1, smax"));
            std::vector<uint8_t> img;
            std::string why;
            if (pack(L, s, &img, &why)) {
                img[16 + 3] = (uint8_t)(smax + 1);
                both_refuse(img, format_of(s, L), name(s, "lo_shift smax+1").c_str());
            }
            /* the packer refuses a shift outside the grid, too */
            L.q->lo_shift[3] = (uint8_t)(smax + 1);
            pack_refuses(L, s, "lo_shift", name(s, "lo_shift smax+1"));
            hqt::free_layer(&L);
        }
    /* a high value of -qmax-1 (the unused two's-complement pattern) in an escape image */
    for (int hi : {4, 8}) {
        LayerSpec s = spec_of(HQ_LAYOUT_ESCAPE, 2, hi, 2, 16);
        hq_layer L;
        hqt::make_layer(s, rng, &L);
        set_hi(L, 0, 3, qmax_of(hi));
        std::vector<uint8_t> img;
        std::string why;
        CHECK(pack(L, s, &img, &why), "escape: %s", why.c_str());
        const size_t vals = (payload_of(L, 2) + 2 * 16 * 2 / 8 + 15) / 16 * 16;
        /* +qmax (0111..) -> -qmax-1 (1000..): flip every bit of the hi-bit field */
        img[vals] ^= (uint8_t)((1u << hi) - 1u);
        both_refuse(img, format_of(s, L), name(s, "high value -qmax-1").c_str());
        img[vals] &= (uint8_t) ~((1u << hi) - 1u); /* a marker whose high value is 0 */
        both_refuse(img, format_of(s, L), name(s, "high value 0").c_str());
        L.q->w[3] = (int8_t)(-qmax_of(hi) - 1);
        pack_refuses(L, s, "outside", name(s, "high value -qmax-1"));
        L.q->w[3] = 0; /* a high 0: no packer takes it (docs/arith.md section 3) */
        pack_refuses(L, s, "0 cannot be high", name(s, "high value 0"));
        s.layout = HQ_LAYOUT_COO;
        pack_refuses(L, s, "0 cannot be high", name(s, "high value 0"));
        s.layout = HQ_LAYOUT_BLOCK;
        s.n = 1;
        s.m = 16;
        pack_refuses(L, s, "0 cannot be high", name(s, "high value 0"));
        hqt::free_layer(&L);
    }
}

/* ---- requantization shift 0, 1, 61, 62 (63 refused) and multiplier 0 .. 2^31-1 --------- */
void requant_fields(Bench &b, std::mt19937 &rng) {
    LayerSpec s = spec_of(HQ_LAYOUT_BLOCK, 2, 8, 8, 64, 2, 16);
    hq_layer L;
    hqt::make_layer(s, rng, &L);
    set_hi(L, 0, 5, 127);
    const int shifts[] = {0, 1, 61, 62, 31, 30, 62, 0};
    const int32_t mults[] = {1, 1, INT32_MAX, INT32_MAX, 1 << 30, 0, 1, 0};
    for (int r = 0; r < L.rows; r++) {
        L.q->rq_shift[r] = (uint8_t)shifts[r];
        L.q->rq_mult[r] = mults[r];
        L.q->bias[r] = r % 2 ? INT32_MAX / 2 : -1000;
    }
    through_all(b, rng, L, s, name(s, "rq_shift 0, 1, 61, 62; rq_mult 0 .. 2^31-1"));
    L.q->rq_shift[2] = 63;
    std::vector<uint8_t> img;
    std::string why;
    CHECK(pack(L, s, &img, &why), "%s", why.c_str());
    size_t bad = 0;
    CHECK(accel_run(b, L, s, img, rng, &bad) != HQ_ACCEL_STATUS_DONE, "rq_shift 63 accepted");
    g_refusals++;
    hqt::free_layer(&L);
}

/* ---- random layers whose gaps / counts are drawn to hit the boundaries --------------- */
void random_fields(Bench &b, std::mt19937 &rng) {
    const int edge_gaps[] = {0, 1, 254, 255, 256, 509, 510, 511, 765};
    for (int t = 0; t < 24; t++) {
        const int lo = 1 + t % 3, hi = t % 4 == 3 && lo < 4 ? 4 : 8;
        if (lo >= hi) continue;
        const int rows = 3 + (int)(rng() % 10), cols = 200 + (int)(rng() % 1400);
        /* coo: the next high weight is a boundary gap half of the time */
        {
            LayerSpec s = spec_of(HQ_LAYOUT_COO, lo, hi, rows, cols);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            unsigned k = 0;
            for (int r = 0; r < rows; r++)
                for (int c = rng() % 2 ? edge_gaps[rng() % 9] : (int)(rng() % 40); c < cols;
                     c += 1 + (rng() % 2 ? edge_gaps[rng() % 9] : (int)(rng() % 300)))
                    set_hi(L, r, c, hi_value(hi, k++));
            through_all(b, rng, L, s, name(s, "random gaps #" + std::to_string(t)));
            hqt::free_layer(&L);
        }
        /* block: per-block counts from {0, 1, N-1, N}, positions at the block's ends */
        {
            const int m = (int[]){2, 4, 16, 32, 255}[rng() % 5], n = 1 + (int)(rng() % m);
            LayerSpec s = spec_of(HQ_LAYOUT_BLOCK, lo, hi, rows, cols, std::min(n, m - 1), m);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            unsigned k = 0;
            for (int r = 0; r < rows; r++)
                for (int b0 = 0; b0 < cols; b0 += m) {
                    const int len = std::min(m, cols - b0), N = s.n;
                    const int cnt = std::min(len, (int[]){0, 1, N - 1, N}[rng() % 4]);
                    for (int i = 0; i < cnt; i++)
                        set_hi(L, r, b0 + (i % 2 ? len - 1 - i / 2 : i / 2), hi_value(hi, k++));
                }
            through_all(b, rng, L, s,
                        name(s, "random blocks " + std::to_string(s.n) + ":" + std::to_string(m) +
                                    " #" + std::to_string(t)));
            hqt::free_layer(&L);
        }
        /* rowgroup: each row high with probability 1/2; escape: markers 0, 1, K-1, K */
        {
            LayerSpec s = spec_of(HQ_LAYOUT_ROWGROUP, lo, hi, rows, cols);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            unsigned k = 0;
            for (int r = 0; r < rows; r++)
                if (rng() % 2)
                    for (int c = 0; c < cols; c++)
                        set_hi(L, r, c, hi_value(hi, k++));
            through_all(b, rng, L, s, name(s, "random rows #" + std::to_string(t)));
            hqt::free_layer(&L);
        }
        if (lo >= 2) {
            LayerSpec s = spec_of(HQ_LAYOUT_ESCAPE, lo, hi, rows, cols);
            hq_layer L;
            hqt::make_layer(s, rng, &L);
            unsigned k = 0;
            for (int r = 0; r < rows; r++) {
                const int cnt = (int[]){0, 1, cols - 1, cols, (int)(rng() % cols)}[rng() % 5];
                for (int c = 0; c < cnt; c++)
                    set_hi(L, r, c, hi_value(hi, k++));
            }
            through_all(b, rng, L, s, name(s, "random markers #" + std::to_string(t)));
            hqt::free_layer(&L);
        }
    }
}

} // namespace

int sc_main(int, char **) {
    AccelConfig cfg;
    cfg.arch = Arch::Split;
    cfg.dec_weights_per_cycle.fill(1e3);
    Bench b("bench", cfg);
    sc_core::sc_spawn([&] {
        std::mt19937 rng(1111);
        coo_fields(b, rng);
        block_fields(b, rng);
        rowgroup_fields(b, rng);
        escape_fields(b, rng);
        dense_fields(b, rng);
        shift_and_value_fields(b, rng);
        requant_fields(b, rng);
        random_fields(b, rng);
        sc_core::sc_stop();
    });
    sc_core::sc_start();
    std::printf("field boundaries: %d layers through packer, C and C++ decoders (%d on the "
                "accelerator), %d refusals checked\n",
                g_layers, g_accel_runs, g_refusals);
    return hqt::finish("test_accel_fields");
}
