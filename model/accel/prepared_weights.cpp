#include "accel/prepared_weights.h"

#include "accel/pe_array.h"

namespace hq::accel {

void prepare_weights(const DecodedWeights &d, const PeArray &array, PreparedWeights *p) {
    p->rows = d.rows;
    p->cols = d.cols;
    p->kp = (d.cols + 15) & ~15u;
    p->lo_bits = d.lo_bits;
    p->hi_bits = d.hi_bits;
    p->lo_shift = d.lo_shift;
    p->hi.assign((size_t)d.rows * p->kp, 0);
    p->lo.assign(p->uniform() ? 0 : (size_t)d.rows * p->kp, 0);
    p->nbeats = array.beats(d.cols);
    p->row_cost.assign(d.rows, 0);
    for (unsigned r = 0; r < d.rows; r++) {
        const size_t s = (size_t)r * d.cols, t = (size_t)r * p->kp;
        for (unsigned c = 0; c < d.cols; c++) {
            p->hi[t + c] = d.hi[s + c];
            if (!p->uniform()) p->lo[t + c] = d.lo[s + c];
        }
        p->row_cost[r] = array.row_cost(d.is_hi.data() + s, d.cols, d.lo_bits);
    }
    p->n_hi = d.n_hi;
    p->symbols = d.symbols;
}

} // namespace hq::accel
