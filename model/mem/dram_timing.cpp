#include "mem/dram_timing.h"

#include <algorithm>
#include <stdexcept>

namespace hq {

#define HQ_INLINE __attribute__((always_inline)) inline

static unsigned log2u(uint64_t v) {
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c) {
    return std::max(a, std::max(b, c));
}

DramTiming::DramTiming(const DramParams &p) : p_(p) {
    std::string err = p.validate();
    if (!err.empty()) throw std::invalid_argument("DRAM parameters: " + err);
    map_ = p.effective_map();
    burst_bits_ = log2u(p.burst_bytes());
    banks_per_group_ = p.banks / p.bank_groups;
    bpg_bits_ = log2u(banks_per_group_);
    bank_bits_ = log2u(p.banks);
    bank_mask_ = p.banks - 1;
    recent_.resize(size_t(p.channels) << bank_bits_);
    cand_slot_.assign(size_t(p.channels) << bank_bits_, kNoSlot);
    ch_gates_.assign(size_t(p.channels) * 4, 0);
    bg_gates_.assign(size_t(p.channels) * p.bank_groups * 4, 0);
    pick_col_.assign(size_t(p.channels) << bank_bits_, 0);
    /* next_is_rest(): one channel, every other burst's column command at least tCCD_L after
     * the last one, the rest of an entry a row hit */
    pair_ok_ = p.scheduler == DramScheduler::FR_FCFS && p.page_policy == DramPagePolicy::OPEN &&
               p.channels == 1 && (p.bank_groups == 1 || p.tCCD_L == p.tCCD);
    /* activates in issue order (tRRD > 0), or no tFAW: the tFAW gate never decreases */
    faw_ordered_ = p.tRRD > 0 || p.tFAW == 0;
    unsigned from = 0, got[5] = {0, 0, 0, 0, 0};
    for (const DramMapField &f : map_) {
        if (f.kind == DramMapField::ROW) break;
        const uint64_t mask = (uint64_t(1) << f.bits) - 1;
        if (f.kind == DramMapField::BANK)
            extract_.push_back({from, mask, got[f.kind], false});
        else if (f.kind == DramMapField::BANK_GROUP)
            extract_.push_back({from, mask, bpg_bits_ + got[f.kind], false});
        else if (f.kind == DramMapField::CHANNEL)
            extract_.push_back({from, mask, got[f.kind], true});
        got[f.kind] += f.bits;
        from += f.bits;
    }
    row_from_ = from;
    /* the bank id as one field of the burst number (make_burst() without the loop): one
     * channel, the bank field, or bank then bank group, adjacent */
    bank_contig_ = !extract_.empty();
    unsigned next_from = extract_.empty() ? 0 : extract_[0].from, next_to = 0;
    for (const Extract &e : extract_) {
        bank_contig_ &= !e.channel && e.from == next_from && e.to == next_to;
        const unsigned bits = log2u(e.mask + 1);
        next_from += bits;
        next_to += bits;
    }
    if (bank_contig_) bank_from_ = extract_[0].from;
    /* bursts whose numbers differ only in these low bits share channel, bank and row */
    entry_bits_ = map_[0].kind == DramMapField::COLUMN ? map_[0].bits : 0;
    rows_pow2_ = (p.rows & (p.rows - 1)) == 0;
    k_ = {p.tCL,
          p.tCWL,
          p.tRCD,
          p.tRP,
          p.tRAS,
          p.tWR,
          p.tRTP,
          p.tCCD,
          p.tCCD_L,
          p.tRRD,
          p.tRRD_L,
          p.tFAW,
          p.tWTR,
          p.tWTR_L,
          p.tRTW,
          p.tREFI,
          p.burst_length / 2,
          p.frontend_ck,
          p.energy_activate_nj,
          p.energy_read_nj,
          p.energy_write_nj};
    ch_.resize(p.channels);
    for (Channel &c : ch_) {
        c.banks.resize(p.banks);
        c.bg_next_col.assign(p.bank_groups, 0);
        c.bg_next_rd.assign(p.bank_groups, 0);
        c.bg_next_act.assign(p.bank_groups, 0);
        c.refresh_due = p.tREFI;
        c.all_closed_since = UINT64_MAX; /* before the first access: not counted */
    }
}

/* Fields from low to high bits above the byte offset within a burst (params' address map). */
DramTiming::Location DramTiming::locate(uint64_t addr) const {
    uint64_t a = addr >> burst_bits_, val[5] = {0, 0, 0, 0, 0};
    unsigned shift[5] = {0, 0, 0, 0, 0};
    for (const DramMapField &f : map_) {
        if (f.kind == DramMapField::ROW) {
            val[f.kind] = rows_pow2_ ? a & (p_.rows - 1) : a % p_.rows;
            break;
        }
        val[f.kind] |= (a & ((uint64_t(1) << f.bits) - 1)) << shift[f.kind];
        shift[f.kind] += f.bits;
        a >>= f.bits;
    }
    Location l;
    l.column = (val[DramMapField::COLUMN] << burst_bits_) | (addr & (p_.burst_bytes() - 1));
    l.channel = unsigned(val[DramMapField::CHANNEL]);
    l.bank_group = unsigned(val[DramMapField::BANK_GROUP]);
    l.bank = l.bank_group * banks_per_group_ + unsigned(val[DramMapField::BANK]);
    l.row = val[DramMapField::ROW];
    return l;
}

void DramTiming::PendingQueue::grow() { /* to the next power of two, oldest first */
    std::vector<Pending> bigger(buf_.empty() ? 8 : 2 * buf_.size());
    for (size_t i = 0; i < n_; i++)
        bigger[i] = (*this)[i];
    buf_.swap(bigger);
    head_ = 0;
    mask_ = buf_.size() - 1;
}

/* The new last entry, filled by the caller field by field (a copy of an entry built on the
 * stack would load it in wider pieces than it was stored: a store-forwarding stall). */
HQ_INLINE DramTiming::Pending &DramTiming::PendingQueue::push_back() {
    if (n_ == buf_.size()) grow();
    return buf_[(head_ + n_++) & mask_];
}

HQ_INLINE void DramTiming::PendingQueue::erase(size_t i) {
    if (i == 0) {
        head_ = (head_ + 1) & mask_;
        n_--;
        return;
    }
    for (; i + 1 < n_; i++) /* close the gap (row hits are taken near the front) */
        buf_[(head_ + i) & mask_] = buf_[(head_ + i + 1) & mask_];
    n_--;
}

HQ_INLINE DramTiming::Burst DramTiming::make_burst(uint64_t addr, uint32_t tag, bool write) const {
    const uint64_t a = addr >> burst_bits_;
    unsigned bank = 0, ch = 0;
    if (bank_contig_)
        bank = unsigned(a >> bank_from_) & bank_mask_;
    else
        for (const Extract &e : extract_) {
            const unsigned v = unsigned((a >> e.from) & e.mask) << e.to;
            (e.channel ? ch : bank) |= v;
        }
    const uint64_t row = rows_pow2_ ? (a >> row_from_) & (p_.rows - 1) : (a >> row_from_) % p_.rows;
    return {row, tag, uint16_t(ch), uint16_t(bank), write};
}

/* Room for a request of `entries` bursts: in its own bank's buffer, or (DRAMSys 5's bankwise
 * buffer) in the buffer of the bank the previous request went to. */
HQ_INLINE bool DramTiming::queue_full(const Burst &b, unsigned entries) const {
    unsigned ch = b.ch, bank = b.bank;
    if (p_.admission == DramAdmission::PREVIOUS_BANK) {
        if (!have_last_) return false;
        ch = last_ch_;
        bank = last_bank_;
    }
    return ch_[ch].banks[bank].bursts + entries > p_.queue_depth;
}

/* The bank (ch << bank_bits_ | bank) whose buffer queue_full() checks for burst b. */
HQ_INLINE unsigned DramTiming::admission_bank(const Burst &b) const {
    if (p_.admission == DramAdmission::PREVIOUS_BANK) return last_ch_ << bank_bits_ | last_bank_;
    return unsigned(b.ch) << bank_bits_ | b.bank;
}

HQ_INLINE void DramTiming::enqueue(uint64_t arrival, const Burst &r, unsigned count) {
    Bank &b = ch_[r.ch].banks[r.bank];
    bool changed = b.queue.empty(); /* the bank's candidate: the new burst, or unchanged */
    Pending &e = b.queue.push_back();
    e.seq = seq_;
    e.arrival = arrival;
    e.row = r.row;
    e.tag = r.tag;
    e.count = uint16_t(count); /* <= queue_depth */
    e.write = r.write;
    seq_ += count;
    b.bursts += count;
    if (p_.scheduler == DramScheduler::FR_FCFS && b.open && r.row == b.row)
        changed |= b.hits_queued++ == 0; /* the first row hit */
    if (changed) update_candidate(r.ch << bank_bits_ | r.bank);
    have_last_ = true;
    last_ch_ = r.ch;
    last_bank_ = r.bank;
}

HQ_INLINE DramTiming::Plan DramTiming::plan(unsigned ch, unsigned bank, unsigned index) const {
    Plan pl = plan_for(ch, bank, ch_[ch].banks[bank].queue[index]);
    pl.index = index;
    return pl;
}

/* Earliest commands for burst r of a bank, given everything issued so far. */
HQ_INLINE DramTiming::Plan DramTiming::plan_for(unsigned ch, unsigned bank,
                                                const Pending &r) const {
    const Channel &c = ch_[ch];
    const Bank &b = c.banks[bank];
    const unsigned g = bank >> bpg_bits_;
    const uint64_t ready = r.arrival + p_.frontend_ck;
    Plan pl{ch, bank, 0, false, false, 0, 0, 0};
    uint64_t col = max3(ready, c.next_col, c.bg_next_col[g]);
    col = std::max(col, r.write ? c.next_wr : std::max(c.next_rd, c.bg_next_rd[g]));
    if (b.open && b.row == r.row) {
        pl.hit = true;
        col = std::max(col, b.col_ready);
    } else {
        uint64_t act;
        const uint64_t act_ready = std::max(b.act_ready, c.act_floor);
        if (b.open) { /* PRE does not use the data bus: it may precede the column slot */
            pl.conflict = true;
            pl.pre = std::max(ready, b.pre_ready);
            act = std::max(pl.pre + p_.tRP, act_ready);
        } else {
            act = std::max(ready, act_ready);
        }
        pl.act = std::max(max3(act, c.next_act, c.bg_next_act[g]), c.faw[c.faw_pos]);
        col = std::max(col, pl.act + p_.tRCD);
    }
    const uint64_t data = col + (r.write ? p_.tCWL : p_.tCL);
    if (data < c.bus_free) /* the data bus is still busy: issue the command later */
        col += c.bus_free - data;
    pl.col = col;
    return pl;
}

HQ_INLINE void DramTiming::update_candidate(unsigned id) {
    const unsigned ch = id >> bank_bits_, bank = id & bank_mask_;
    Bank &b = ch_[ch].banks[bank];
    uint32_t slot = cand_slot_[id];
    if (b.queue.empty()) {
        if (slot != kNoSlot) { /* swap with the last */
            cands_[slot] = cands_.back();
            cand_slot_[cands_[slot].id] = slot;
            cands_.pop_back();
            cand_slot_[id] = kNoSlot;
        }
        return;
    }
    if (slot == kNoSlot) {
        slot = cand_slot_[id] = uint32_t(cands_.size());
        cands_.emplace_back();
    }
    Candidate &c = cands_[slot];
    c.id = id;
    if (p_.scheduler == DramScheduler::FCFS) { /* the oldest: key and gates stay 0 */
        b.cand = 0;
        c.seq = b.queue[0].seq;
        return;
    }
    unsigned index = 0;
    if (b.open && b.hits_queued)
        for (unsigned i = 0; i < b.queue.size(); i++)
            if (b.queue[i].row == b.row) {
                index = i;
                break;
            }
    b.cand = index;
    const Pending &r = b.queue[index];
    const uint64_t ready = r.arrival + p_.frontend_ck;
    const bool hit = b.open && b.row == r.row;
    if (hit) /* the terms of plan_for() that depend on the bank and the burst only */
        c.key = std::max(ready, b.col_ready);
    else if (b.open)
        c.key = std::max(std::max(ready, b.pre_ready) + p_.tRP,
                         std::max(b.act_ready, ch_[ch].act_floor)) +
                p_.tRCD;
    else
        c.key = std::max(ready, std::max(b.act_ready, ch_[ch].act_floor)) + p_.tRCD;
    c.seq = r.seq;
    const unsigned kind = unsigned(r.write) * 2 + hit;
    c.ch_gate = ch * 4 + kind;
    c.bg_gate = (ch * p_.bank_groups + (bank >> bpg_bits_)) * 4 + kind;
}

HQ_INLINE void DramTiming::update_gates(unsigned ch, unsigned g) {
    if (p_.scheduler == DramScheduler::FCFS) return;
    const Channel &c = ch_[ch];
    /* plan_for()'s channel terms, the data bus term as a bound on the command */
    const uint64_t bus_rd = c.bus_free > p_.tCL ? c.bus_free - p_.tCL : 0;
    const uint64_t bus_wr = c.bus_free > p_.tCWL ? c.bus_free - p_.tCWL : 0;
    const uint64_t rd = max3(c.next_col, c.next_rd, bus_rd);
    const uint64_t wr = max3(c.next_col, c.next_wr, bus_wr);
    const uint64_t miss = std::max(c.next_act, c.faw[c.faw_pos]) + p_.tRCD;
    const uint64_t bg_rd = std::max(c.bg_next_col[g], c.bg_next_rd[g]);
    const uint64_t bg_wr = c.bg_next_col[g];
    const uint64_t bg_miss = c.bg_next_act[g] + p_.tRCD;
    uint64_t *cg = &ch_gates_[size_t(ch) * 4],
             *bg = &bg_gates_[(size_t(ch) * p_.bank_groups + g) * 4];
    cg[0] = std::max(rd, miss);
    cg[1] = rd;
    cg[2] = std::max(wr, miss);
    cg[3] = wr;
    bg[0] = std::max(bg_rd, bg_miss);
    bg[1] = bg_rd;
    bg[2] = std::max(bg_wr, bg_miss);
    bg[3] = bg_wr;
}

/* FR-FCFS: in each bank the oldest row hit, else the oldest request; over the banks the one
 * whose column command can go first (then the oldest). FCFS: the oldest request overall. The
 * column time of a bank's candidate is max(key, gate) (plan_for() with its terms grouped). */
HQ_INLINE bool DramTiming::pick(Plan *best) {
    const size_t n = cands_.size();
    if (n == 0) return false;
    const Candidate *c = cands_.data();
    const uint64_t *cg = ch_gates_.data(), *bg = bg_gates_.data();
    /* (column time, age) as one number: the least wins. Without branches: the winner changes
     * unpredictably from pick to pick. */
    __extension__ typedef unsigned __int128 u128;
    uint64_t *cols = pick_col_.data();
    size_t win = 0;
    cols[0] = max3(c[0].key, cg[c[0].ch_gate], bg[c[0].bg_gate]);
    u128 win_key = u128(cols[0]) << 64 | c[0].seq;
    uint64_t oldest = c[0].seq; /* for next_is_rest() */
    for (size_t i = 1; i < n; i++) {
        cols[i] = max3(c[i].key, cg[c[i].ch_gate], bg[c[i].bg_gate]);
        oldest = std::min(oldest, c[i].seq);
        const u128 key = u128(cols[i]) << 64 | c[i].seq;
        const bool take = key < win_key;
        win = take ? i : win;
        win_key = take ? key : win_key;
    }
    pick_oldest_ = oldest;
    const unsigned ch = c[win].id >> bank_bits_, bank = c[win].id & bank_mask_;
    if (p_.scheduler == DramScheduler::FCFS)
        *best = plan(ch, bank, ch_[ch].banks[bank].cand);
    else /* the column time is known: max(key, gates) is plan_for()'s */
        *best = plan_at(ch, bank, uint64_t(win_key >> 64));
    return true;
}

/* plan_for() of the candidate of a bank whose column command the FR-FCFS pick has put at
 * `col` (its key and gates are the terms of plan_for()): only ACT and PRE are left to place. */
HQ_INLINE DramTiming::Plan DramTiming::plan_at(unsigned ch, unsigned bank, uint64_t col) const {
    const Channel &c = ch_[ch];
    const Bank &b = c.banks[bank];
    const Pending &r = b.queue[b.cand];
    Plan pl{ch, bank, b.cand, false, false, 0, 0, col};
    if (b.open && b.row == r.row) {
        pl.hit = true;
        return pl;
    }
    const uint64_t ready = r.arrival + p_.frontend_ck;
    uint64_t act;
    const uint64_t act_ready = std::max(b.act_ready, c.act_floor);
    if (b.open) {
        pl.conflict = true;
        pl.pre = std::max(ready, b.pre_ready);
        act = std::max(pl.pre + p_.tRP, act_ready);
    } else {
        act = std::max(ready, act_ready);
    }
    const unsigned g = bank >> bpg_bits_;
    pl.act = std::max(max3(act, c.next_act, c.bg_next_act[g]), c.faw[c.faw_pos]);
    return pl;
}

void DramTiming::close_bank(Channel &c, Bank &b, uint64_t pre) {
    b.open = false;
    b.hits_queued = 0;
    b.act_ready = std::max(b.act_ready, pre + p_.tRP);
    if (--c.open_banks == 0) c.all_closed_since = pre + p_.tRP;
}

/* All-bank refresh due at c.refresh_due, needed before a command at `before`: precharge every
 * open bank (PREA once each may close), REF tRP later, no ACT until tRFC after REF. Refreshes
 * that fell wholly in idle time are only counted. */
void DramTiming::refresh(Channel &c, uint64_t before) {
    const uint64_t idle = before > c.refresh_due ? (before - c.refresh_due) / p_.tREFI : 0;
    if (idle >= 2) {
        const uint64_t skip = idle - 1;
        if (c.open_banks) /* open_banks counts the open banks: none open, nothing to close */
            for (Bank &b : c.banks)
                if (b.open) close_bank(c, b, std::max(c.refresh_due, b.pre_ready));
        c.refresh_due += skip * p_.tREFI;
        c.act_floor = std::max(c.act_floor, c.refresh_due - p_.tREFI + p_.tRP + p_.tRFC);
        stats_.refreshes += skip;
        stats_.energy_nj += double(skip) * p_.energy_refresh_nj;
    }
    /* A gap between transfers longer than tREFI ends here twice (the idle ones and the due
     * one, then, planned again, the next): the second time with every bank closed. */
    uint64_t prea = c.refresh_due;
    const bool any_open = c.open_banks != 0;
    if (any_open)
        for (const Bank &b : c.banks)
            if (b.open) prea = std::max(prea, b.pre_ready);
    const uint64_t ref = prea + (any_open ? p_.tRP : 0);
    const uint64_t end = ref + p_.tRFC;
    if (any_open)
        for (Bank &b : c.banks)
            if (b.open) close_bank(c, b, prea);
    c.act_floor = std::max(c.act_floor, end); /* every bank's ACT bound */
    if (c.all_closed_since != UINT64_MAX)
        c.all_closed_since = std::max(c.all_closed_since, end); /* IDD5 covers the refresh */
    c.refresh_due += p_.tREFI;
    stats_.refreshes++;
    stats_.energy_nj += p_.energy_refresh_nj;
}

/* The entry's first burst r has just been picked with plan pl (the scan filled pick_col_); the
 * entry holds more bursts. Its next burst R then goes next, at column time pl.col + tCCD_L,
 * whatever requests are admitted meanwhile, if pair_ok_ and the condition below hold. Why:
 * - R is its bank's candidate: r was the oldest row hit of the bank (or, with no hit queued,
 *   the oldest burst); after r the bank's row is R's (open page) and nothing older than R is
 *   left in the bank. R is a hit and its column time is exactly pl.col + tCCD_L: after r,
 *   tCCD_L bounds it; arrival, tRCD, tWTR / read-to-write (unchanged: same direction as r) and
 *   the data bus (r's data ends pl.col + BL/2 + CL, and tCCD_L >= BL/2) bound it at most by
 *   what r met.
 * - Every other candidate X (one channel) issues no earlier than tCCD_S = tCCD_L (or, with one
 *   bank group, tCCD_L) after r: no earlier than R. Younger ones (including requests admitted
 *   after r) lose the tie on age; seq values are unique, R's follows r's.
 * - An older X lost to r at the pick, so its column time then was later than r's. Since then
 *   only r's bank and the channel's bounds changed; those bounds only grow (next_col, bus and
 *   bank-group terms are raised past r's own, the others are maxima; the tFAW term too when
 *   activates are issued in order, faw_ordered_, or r made no activate). So X's column time now
 *   is at least its time at the pick, and it loses to R when that exceeded R's column time:
 *   the condition checked here for every older candidate.
 * A refresh due before R is left to the normal path (issue() checks). */
HQ_INLINE bool DramTiming::next_is_rest(const Plan &pl, const Pending &r) const {
    if (!pair_ok_ || r.count < 2 || !(pl.hit || faw_ordered_)) return false;
    if (r.seq == pick_oldest_) return true; /* no older candidate */
    const uint64_t rest = pl.col + p_.tCCD_L;
    const Candidate *c = cands_.data();
    const uint64_t *cols = pick_col_.data();
    bool older_first = false;
    for (size_t i = 0; i < cands_.size(); i++)
        older_first |= (c[i].seq < r.seq) & (cols[i] <= rest);
    return !older_first;
}

/* The second burst of the pair issue() committed last (next_is_rest()): it leaves the queue,
 * and its bank's candidate and the channel's gates are brought up to date. Its commands are
 * already committed: between the two bursts only requests were admitted, which read neither
 * the channel's state nor (a pair's bank offers the rest as its row hit) that bank's. */
HQ_INLINE void DramTiming::finish_rest(uint64_t *col_out, uint64_t *done_out, uint32_t *tag,
                                       unsigned *id) {
    rest_known_ = false;
    Bank &b = ch_[0].banks[rest_bank_];
    b.bursts--;
    Pending &e = b.queue.at(rest_index_);
    if (e.count > 1) {
        e.seq++;
        e.count--;
    } else {
        b.queue.erase(rest_index_);
        b.hits_queued--;
    }
    update_candidate(rest_bank_);
    update_gates(0, rest_bank_ >> bpg_bits_);
    *col_out = rest_col_;
    *done_out = rest_done_;
    *tag = rest_tag_;
    *id = rest_bank_;
}

HQ_INLINE bool DramTiming::issue(uint64_t *col_out, uint64_t *done_out, uint32_t *tag,
                                 unsigned *id) {
    Plan pl;
    for (;;) {
        if (!pick(&pl)) return false;
        Channel &c = ch_[pl.ch];
        if (!p_.tREFI || pl.col < c.refresh_due) break;
        refresh(c, pl.col); /* due first: plan again with every bank closed */
        for (size_t i = 0; i < cands_.size(); i++)
            if (cands_[i].id >> bank_bits_ == pl.ch) update_candidate(cands_[i].id);
    }
    Bank &b = ch_[pl.ch].banks[pl.bank];
    const Pending r = b.queue[pl.index];
    /* the pair's second burst goes next, unless a refresh is due before it */
    const uint64_t rest_col = pl.col + p_.tCCD_L;
    const bool pair = next_is_rest(pl, r) && (!p_.tREFI || rest_col < ch_[pl.ch].refresh_due);
    b.bursts--;
    if (r.count > 1) { /* the entry's next burst: the same bank and row, one younger */
        Pending &rest = b.queue.at(pl.index);
        rest.seq++;
        rest.count--;
    } else {
        b.queue.erase(pl.index);
        if (pl.hit && p_.scheduler == DramScheduler::FR_FCFS) b.hits_queued--;
    }
    commit(pl, r, col_out, done_out);
    *tag = r.tag;
    *id = pl.ch << bank_bits_ | pl.bank;
    if (pair) { /* the rest, a row hit, committed now; it leaves the queue in finish_rest() */
        hit_run(0, pl.bank, r.write, 1, rest_col);
        rest_known_ = true;
        rest_bank_ = pl.bank;
        rest_index_ = pl.index;
        rest_tag_ = r.tag;
        rest_col_ = rest_col;
        rest_done_ = rest_col + (r.write ? p_.tCWL : p_.tCL) + p_.burst_length / 2;
    } else {
        update_candidate(pl.ch << bank_bits_ | pl.bank);
        update_gates(pl.ch, pl.bank >> bpg_bits_);
    }
    return true;
}

/* Issues the commands of plan pl for burst r: bank, rank and bus state, statistics. */
HQ_INLINE void DramTiming::commit(const Plan &pl, const Pending &r, uint64_t *col_out,
                                  uint64_t *done_out) {
    Channel &c = ch_[pl.ch];
    Bank &b = c.banks[pl.bank];
    const unsigned g = pl.bank >> bpg_bits_;
    if (pl.hit) {
        stats_.row_hits++;
    } else {
        if (pl.conflict) {
            stats_.row_conflicts++;
            close_bank(c, b, pl.pre);
        } else {
            stats_.row_misses++;
        }
        if (c.open_banks++ == 0 && c.all_closed_since != UINT64_MAX && pl.act > c.all_closed_since)
            stats_.precharged_cycles += pl.act - c.all_closed_since;
        b.open = true;
        b.row = r.row;
        b.hits_queued = 0;
        if (p_.scheduler == DramScheduler::FR_FCFS) /* FCFS never looks for row hits */
            for (size_t i = 0; i < b.queue.size(); i++)
                b.hits_queued += b.queue[i].row == r.row;
        b.pre_ready = pl.act + p_.tRAS;
        b.act_ready = std::max(b.act_ready, pl.act + p_.tRAS + p_.tRP); /* tRC */
        b.col_ready = pl.act + p_.tRCD;
        if (p_.tRRD) /* without tRRD, activates may be placed in any order (no rule) */
            c.next_act = std::max(c.next_act, pl.act + p_.tRRD);
        if (p_.tRRD_L) c.bg_next_act[g] = std::max(c.bg_next_act[g], pl.act + p_.tRRD_L);
        if (p_.tFAW) {
            c.faw[c.faw_pos] = pl.act + p_.tFAW;
            c.faw_pos = (c.faw_pos + 1) & 3;
        }
        stats_.activates++;
        stats_.energy_nj += p_.energy_activate_nj;
    }
    const uint64_t col = pl.col;
    const uint64_t done = col + (r.write ? p_.tCWL : p_.tCL) + p_.burst_length / 2;
    c.bus_free = done;
    c.next_col = col + p_.tCCD;
    c.bg_next_col[g] = col + p_.tCCD_L;
    if (r.write) {
        if (p_.tWTR_L) { /* end of write data to a read command */
            c.next_rd = std::max(c.next_rd, done + p_.tWTR);
            c.bg_next_rd[g] = std::max(c.bg_next_rd[g], done + p_.tWTR_L);
        }
        b.pre_ready = std::max(b.pre_ready, done + p_.tWR);
        stats_.write_bursts++;
        stats_.energy_nj += p_.energy_write_nj;
    } else {
        /* read to write: write data may start tRTW after the read data has left the bus */
        const uint64_t wr = col + p_.tCL + p_.burst_length / 2 + p_.tRTW;
        c.next_wr = std::max(c.next_wr, wr > p_.tCWL ? wr - p_.tCWL : 0);
        b.pre_ready = std::max(b.pre_ready, col + p_.tRTP);
        stats_.read_bursts++;
        stats_.energy_nj += p_.energy_read_nj;
    }
    if (p_.page_policy == DramPagePolicy::CLOSED) /* auto-precharge */
        close_bank(c, b, b.pre_ready);
    stats_.data_bus_cycles += p_.burst_length / 2;
    *col_out = col;
    *done_out = done;
}

template <class First, class Write>
uint64_t DramTiming::run(size_t n, unsigned per, First first, Write write, uint64_t start,
                         std::vector<uint64_t> *sent, std::vector<uint64_t> *done) {
    size_t next = 0;       /* request */
    uint64_t t = start;    /* when the requester can hand over the next request */
    uint64_t last = start; /* the latest completion */
    for (unsigned ch = 0; ch < p_.channels; ch++)
        for (unsigned g = 0; g < p_.bank_groups; g++)
            update_gates(ch, g);
    Burst b = {};
    uint64_t addr = 0;          /* first(next) */
    bool have = false;          /* b, addr: the first burst of request `next` */
    unsigned wait = UINT32_MAX; /* the bank whose full buffer holds request `next` back */
    for (;;) {
        while (next < n) { /* a request's bursts enter together */
            if (!have) {
                addr = first(next);
                b = make_burst(addr, uint32_t(next), write(next));
            }
            have = true;
            if (queue_full(b, per)) {
                wait = admission_bank(b);
                break;
            }
            const uint64_t n0 = addr >> burst_bits_;
            if (per == 1 || (n0 >> entry_bits_) == ((n0 + per - 1) >> entry_bits_)) {
                enqueue(t, b, per); /* one entry: the bursts share bank and row */
            } else {
                enqueue(t, b, 1);
                for (unsigned k = 1; k < per; k++)
                    enqueue(t, make_burst(addr + k * p_.burst_bytes(), uint32_t(next), b.write), 1);
            }
            if (sent && next + 1 < n) (*sent)[next + 1] = t;
            next++;
            have = false;
        }
        /* until a burst of bank `wait` issues, no request can be admitted */
        for (;;) {
            uint64_t col, d;
            uint32_t tag;
            unsigned id;
            if (rest_known_)
                finish_rest(&col, &d, &tag, &id);
            else if (!issue(&col, &d, &tag, &id))
                return last;
            (*done)[tag] = std::max((*done)[tag], d);
            last = std::max(last, d);
            if (next == n) continue;
            t = std::max(t, col); /* blocked on a full queue: room frees at this command */
            if (id == wait) break;
        }
    }
}

void DramTiming::count(uint64_t now, uint64_t done, uint64_t len, bool write) {
    (write ? stats_.bytes_written : stats_.bytes_read) += len;
    if (stats_.first_cycle == UINT64_MAX)
        for (Channel &c : ch_)
            if (c.open_banks == 0) c.all_closed_since = now;
    stats_.first_cycle = std::min(stats_.first_cycle, now);
    stats_.last_cycle = std::max(stats_.last_cycle, done);
}

/* plan_for() and commit() of burst (bank, row, arrival + front end = ready) on channel 0, open
 * page, with nothing queued (run() drains the queue: no hits to count), term for term, plus
 * the refreshes due before its column command (run_in_order()'s loop); returns the column
 * time. The column command's effect on the bank and channel state is left to row_column():
 * the caller applies it once, for this burst or, when a run of row hits follows, for the
 * run's last (each term is overwritten or a maximum that the later command raises past this
 * one's: bus, tCCD_S/L, tWTR_S/L, read-to-write, tRTP/tWR). Statistics and energy are added
 * here, in commit()'s order. */
HQ_INLINE uint64_t DramTiming::row_first(const Consts &k, unsigned bank, uint64_t row,
                                         uint64_t ready, bool write) {
    Channel &c = ch_[0];
    Bank &b = c.banks[bank];
    const unsigned g = bank >> bpg_bits_;
    uint64_t *bg_act = c.bg_next_act.data();
    bool hit, conflict;
    uint64_t pre = 0, act = 0, col;
    for (;;) {
        col = max3(ready, c.next_col, c.bg_next_col[g]);
        col = std::max(col, write ? c.next_wr : std::max(c.next_rd, c.bg_next_rd[g]));
        hit = b.open && b.row == row;
        conflict = b.open && !hit;
        if (hit) {
            col = std::max(col, b.col_ready);
        } else {
            const uint64_t act_ready = std::max(b.act_ready, c.act_floor);
            if (conflict) {
                pre = std::max(ready, b.pre_ready);
                act = std::max(pre + k.tRP, act_ready);
            } else {
                act = std::max(ready, act_ready);
            }
            act = std::max(max3(act, c.next_act, bg_act[g]), c.faw[c.faw_pos]);
            col = std::max(col, act + k.tRCD);
        }
        const uint64_t data = col + (write ? k.tCWL : k.tCL);
        if (data < c.bus_free) col += c.bus_free - data;
        if (!k.tREFI || col < c.refresh_due) break;
        refresh(c, col);
    }
    if (hit) {
        stats_.row_hits++;
    } else {
        if (conflict) {
            stats_.row_conflicts++;
            close_bank(c, b, pre);
        } else {
            stats_.row_misses++;
        }
        if (c.open_banks++ == 0 && c.all_closed_since != UINT64_MAX && act > c.all_closed_since)
            stats_.precharged_cycles += act - c.all_closed_since;
        b.open = true;
        b.row = row;
        b.hits_queued = 0;
        b.pre_ready = act + k.tRAS;
        b.act_ready = std::max(b.act_ready, act + k.tRAS + k.tRP);
        b.col_ready = act + k.tRCD;
        if (k.tRRD) c.next_act = std::max(c.next_act, act + k.tRRD);
        if (k.tRRD_L) bg_act[g] = std::max(bg_act[g], act + k.tRRD_L);
        if (k.tFAW) {
            c.faw[c.faw_pos] = act + k.tFAW;
            c.faw_pos = (c.faw_pos + 1) & 3;
        }
        stats_.activates++;
        stats_.energy_nj += k.e_act;
    }
    if (write) {
        stats_.write_bursts++;
        stats_.energy_nj += k.e_wr;
    } else {
        stats_.read_bursts++;
        stats_.energy_nj += k.e_rd;
    }
    stats_.data_bus_cycles += k.half_bl;
    return col;
}

/* The bank and channel state after a column command at `col` on channel 0 (commit()'s and
 * hit_run()'s column part). */
HQ_INLINE void DramTiming::row_column(const Consts &k, unsigned bank, bool write, uint64_t col) {
    Channel &c = ch_[0];
    Bank &b = c.banks[bank];
    const unsigned g = bank >> bpg_bits_;
    const uint64_t done = col + (write ? k.tCWL : k.tCL) + k.half_bl;
    c.bus_free = done;
    c.next_col = col + k.tCCD;
    c.bg_next_col[g] = col + k.tCCD_L;
    if (write) {
        if (k.tWTR_L) {
            c.next_rd = std::max(c.next_rd, done + k.tWTR);
            c.bg_next_rd[g] = std::max(c.bg_next_rd[g], done + k.tWTR_L);
        }
        b.pre_ready = std::max(b.pre_ready, done + k.tWR);
    } else {
        const uint64_t wr = col + k.tCL + k.half_bl + k.tRTW;
        c.next_wr = std::max(c.next_wr, wr > k.tCWL ? wr - k.tCWL : 0);
        b.pre_ready = std::max(b.pre_ready, col + k.tRTP);
    }
}

/* hit_run()'s statistics: n row hits */
HQ_INLINE void DramTiming::row_hit_stats(const Consts &k, bool write, uint64_t n) {
    if (write) {
        stats_.write_bursts += n;
        stats_.energy_nj += double(n) * k.e_wr;
    } else {
        stats_.read_bursts += n;
        stats_.energy_nj += double(n) * k.e_rd;
    }
    stats_.row_hits += n;
    stats_.data_bus_cycles += n * k.half_bl;
}

/* A ring kept as a run (Recent::run) written out entry by entry, oldest at pos. */
void DramTiming::materialize(Recent &h) const {
    const size_t depth = h.buf.size();
    for (size_t j = 0; j < depth; j++)
        h.buf[(h.pos + j) % depth] = h.run_entry(j, depth, p_.tCCD_L);
    h.run = false;
}

/* The bursts of one transaction, nothing else queued, served in address order (the order a
 * DMA hands them over; FCFS gives the same, tested): each burst is planned directly, with the
 * arrival the queue would give it (admitted once the bank buffer it is checked against has
 * room, i.e. once the queue_depth-th most recent burst of that bank has issued). Row hits
 * that follow a burst in the same bank and row are spaced by tCCD_L and need no planning: with
 * a map whose lowest field is the column, a whole row is one such run. */
uint64_t DramTiming::run_in_order(uint64_t now, uint64_t addr, uint64_t len, bool write) {
    const uint64_t bb = p_.burst_bytes();
    const uint64_t first = addr / bb, end = (addr + len + bb - 1) / bb; /* burst numbers */
    const size_t depth = p_.queue_depth;
    const bool rings = depth <= kMaxRing;
    /* runs: the lowest map field is the column, one channel, open page */
    const unsigned run_bits = map_[0].kind == DramMapField::COLUMN && p_.channels == 1 &&
                                      p_.page_policy == DramPagePolicy::OPEN &&
                                      p_.frontend_ck <= p_.tCCD_L
                                  ? map_[0].bits
                                  : 0;
    const Consts &kc = k_;
    /* the row step: row_first() and row_hits() instead of plan_for(), commit(), hit_run() */
    const bool rows = run_bits && !general_in_order_;
    uint64_t issued = 0; /* bursts [0, issued) have left the queue when the next is admitted */
    uint64_t t = now, last = now, col_max = 0;
    unsigned prev_id = UINT32_MAX;
    gen_++; /* every ring of an older transaction reads as empty */
    /* bank id's ring, emptied if an older transaction left it */
    auto ring = [&](unsigned id) -> Recent & {
        Recent &h = recent_[id];
        if (h.gen != gen_) {
            h.gen = gen_;
            h.count = 0;
            h.pos = 0;
            h.run = false;
        }
        return h;
    };
    /* admission of burst i against bank id's buffer */
    auto admit = [&](unsigned id) {
        if (!rings || id == UINT32_MAX) return; /* the first burst: nothing queued */
        Recent &h = recent_[id];
        if (h.gen != gen_ || h.count < depth) return;
        /* the depth-th most recent burst of the bank */
        const Recent::Entry e = h.run ? h.run_entry(0, depth, kc.tCCD_L) : h.buf[h.pos];
        if (e.index >= issued) {
            t = std::max(t, e.col_max);
            issued = e.index + 1;
        }
    };
    auto remember = [&](uint64_t i, unsigned id) {
        if (!rings) return;
        Recent &h = ring(id);
        if (h.count == 0 && h.buf.size() != depth) h.buf.resize(depth);
        if (h.run) materialize(h);
        h.buf[h.pos] = {i, col_max};
        h.pos = h.pos + 1 == depth ? 0 : h.pos + 1;
        if (h.count < depth) h.count++;
    };
    for (uint64_t n = first; n < end;) {
        const uint64_t i = n - first;
        const Burst r = make_burst(n * bb, 0, write);
        const unsigned id = r.ch << bank_bits_ | r.bank;
        admit(p_.admission == DramAdmission::PREVIOUS_BANK ? prev_id : id);
        uint64_t col, done;
        if (rows) {
            seq_++;
            col = row_first(kc, r.bank, r.row, t + kc.frontend, write);
            done = col + (write ? kc.tCWL : kc.tCL) + kc.half_bl;
        } else {
            const Pending pend{seq_++, t, r.row, 0, 1, r.write};
            Plan pl = plan_for(r.ch, r.bank, pend);
            while (p_.tREFI && pl.col >= ch_[r.ch].refresh_due) {
                refresh(ch_[r.ch], pl.col);
                pl = plan_for(r.ch, r.bank, pend);
            }
            commit(pl, pend, &col, &done);
        }
        col_max = std::max(col_max, col);
        last = std::max(last, done);
        prev_id = id;
        n++;
        if (!run_bits) {
            remember(i, id);
            continue;
        }
        /* the rest of this row: hits tCCD_L apart, up to the next refresh */
        const uint64_t row_end = ((n - 1) >> run_bits << run_bits) + (uint64_t(1) << run_bits);
        uint64_t k = std::min(end, row_end) - n;
        Channel &c = ch_[r.ch];
        if (kc.tREFI) { /* the room before the refresh; the division only when it binds */
            const uint64_t gap = c.refresh_due > col ? c.refresh_due - 1 - col : 0;
            if (gap < k * kc.tCCD_L) k = std::min(k, gap / kc.tCCD_L);
        }
        if (!k) {
            if (rows) row_column(kc, r.bank, write, col);
            remember(i, id);
            continue;
        }
        /* admission bookkeeping: burst by burst until the bank's buffer holds only this run;
         * from then on each burst waits for the one queue_depth before it */
        const uint64_t loop = rings ? std::min<uint64_t>(k, depth) : 0;
        /* When the run outlasts the loop, the tail below rewrites all depth entries of the
         * bank's ring, and an admission in the loop reads the entry written depth bursts
         * before it (this run's first burst or older): the loop's own entries are never read,
         * so it only moves the ring's position. */
        const bool tail = k > loop;
        uint64_t cl = col;
        if (loop && tail) {
            /* The run's first burst's entry and the loop below in one step: the tail sets the
             * whole ring. The loop reads the ring's entries from its oldest on once it is
             * full; the last read is the first burst's own entry (indices and column times
             * only grow along the ring, so it decides alone): admitted at its column time,
             * and at the latest with issued = its index + 1. The tail then waits for a later
             * burst of the run (last_i - depth > i, column time col + rest x tCCD_L > col:
             * one channel, each column command after the last), which subsumes both. So
             * the ring only has to be sized (and emptied if an older transaction left it). */
            Recent &h = ring(id);
            if (h.count == 0 && h.buf.size() != depth) h.buf.resize(depth);
            cl += loop * kc.tCCD_L;
            n += loop;
            col_max = cl;
        } else if (loop) { /* admit() and remember() on locals: the first burst has sized and
                       counted the ring, and stores through the ring would alias t and issued */
            remember(i, id);
            Recent &h = recent_[id]; /* materialized: remember() wrote the first burst */
            Recent::Entry *buf = h.buf.data();
            size_t pos = h.pos, cnt = h.count;
            uint64_t tt = t, iss = issued;
            for (uint64_t m = 0; m < loop; m++, n++) {
                cl += kc.tCCD_L;
                if (cnt >= depth) {
                    const Recent::Entry e = buf[pos];
                    if (e.index >= iss) {
                        tt = std::max(tt, e.col_max);
                        iss = e.index + 1;
                    }
                }
                if (!tail) buf[pos] = {n - first, cl};
                pos = pos + 1 == depth ? 0 : pos + 1;
                if (cnt < depth) cnt++;
            }
            h.pos = pos;
            h.count = cnt;
            t = tt;
            issued = iss;
            col_max = cl;
        }
        if (tail) {
            const uint64_t rest = k - loop, last_i = n + rest - 1 - first; /* last burst */
            const uint64_t col_last = cl + rest * kc.tCCD_L;
            if (rings) {
                const uint64_t wait_i = last_i - depth; /* it waited for this one */
                t = std::max(t, col_last - depth * kc.tCCD_L);
                issued = std::max<uint64_t>(issued, wait_i + 1);
                /* the ring's depth entries: bursts last_i - depth + 1 .. last_i, oldest at pos
                 * (a whole turn leaves pos where it was), tCCD_L apart: kept as the run's
                 * last burst and column time, written out only if the ring is written
                 * again (most rings are read once, by the next row's admission, or never) */
                Recent &h = recent_[id];
                h.run = true;
                h.run_last = last_i;
                h.run_col_last = col_last;
                h.count = depth;
            }
            cl = col_last;
            col_max = cl;
            n += rest;
        }
        if (rows) {
            row_column(kc, r.bank, write, cl);
            row_hit_stats(kc, write, k);
        } else
            hit_run(r.ch, r.bank, write, k, cl);
        last = std::max(last, cl + (write ? kc.tCWL : kc.tCL) + kc.half_bl);
    }
    have_last_ = true;
    last_ch_ = prev_id >> bank_bits_;
    last_bank_ = prev_id & bank_mask_;
    return last;
}

/* k row hits of one bank after its last burst, the last one's column command at `col`. */
HQ_INLINE void DramTiming::hit_run(unsigned ch, unsigned bank, bool write, uint64_t k,
                                   uint64_t col) {
    Channel &c = ch_[ch];
    Bank &b = c.banks[bank];
    const unsigned g = bank >> bpg_bits_;
    const uint64_t done = col + (write ? p_.tCWL : p_.tCL) + p_.burst_length / 2;
    c.bus_free = done;
    c.next_col = col + p_.tCCD;
    c.bg_next_col[g] = col + p_.tCCD_L;
    if (write) {
        if (p_.tWTR_L) {
            c.next_rd = std::max(c.next_rd, done + p_.tWTR);
            c.bg_next_rd[g] = std::max(c.bg_next_rd[g], done + p_.tWTR_L);
        }
        b.pre_ready = std::max(b.pre_ready, done + p_.tWR);
        stats_.write_bursts += k;
        stats_.energy_nj += double(k) * p_.energy_write_nj;
    } else {
        const uint64_t wr = col + p_.tCL + p_.burst_length / 2 + p_.tRTW;
        c.next_wr = std::max(c.next_wr, wr > p_.tCWL ? wr - p_.tCWL : 0);
        b.pre_ready = std::max(b.pre_ready, col + p_.tRTP);
        stats_.read_bursts += k;
        stats_.energy_nj += double(k) * p_.energy_read_nj;
    }
    stats_.row_hits += k;
    stats_.data_bus_cycles += k * (p_.burst_length / 2);
}

uint64_t DramTiming::access(uint64_t now, uint64_t addr, uint64_t len, bool write) {
    if (len == 0) return now;
    if (p_.queue_depth > kMaxRing &&
        (len + p_.burst_bytes() - 1) / p_.burst_bytes() > p_.queue_depth)
        return access_queued(now, addr, len, write); /* admission would need longer memories */
    count(now, now, 0, write);
    const uint64_t last = run_in_order(now, addr, len, write);
    count(now, last, len, write);
    return last;
}

uint64_t DramTiming::access_queued(uint64_t now, uint64_t addr, uint64_t len, bool write) {
    if (len == 0) return now;
    count(now, now, 0, write);
    const uint64_t bb = p_.burst_bytes(), base = addr / bb * bb;
    const size_t n = (addr + len - base + bb - 1) / bb; /* each burst its own request */
    std::vector<uint64_t> &done = scratch_done_;
    done.assign(n, now);
    const uint64_t last = run(
        n, 1, [&](size_t i) { return base + i * bb; }, [write](size_t) { return write; }, now,
        nullptr, &done);
    count(now, last, len, write);
    return last;
}

void DramTiming::run_back_to_back(const std::vector<Request> &reqs, uint64_t len, uint64_t start,
                                  std::vector<uint64_t> *sent, std::vector<uint64_t> *done) {
    const uint64_t bb = p_.burst_bytes(), per = (len + bb - 1) / bb;
    if (per > p_.queue_depth) /* it could never enter the queue */
        throw std::invalid_argument("DRAM trace replay: a request of " + std::to_string(per) +
                                    " bursts does not fit a queue of depth " +
                                    std::to_string(p_.queue_depth));
    done->assign(reqs.size(), start);
    sent->assign(reqs.size(), start);
    if (reqs.empty()) return;
    count(start, start, 0, false);
    const uint64_t read_bursts = stats_.read_bursts;
    const bool pow2 = (bb & (bb - 1)) == 0;
    const Request *r = reqs.data();
    const uint64_t last = run(
        reqs.size(), unsigned(per),
        [r, pow2, bb](size_t i) { return pow2 ? r[i].addr & ~(bb - 1) : r[i].addr / bb * bb; },
        [r](size_t i) { return r[i].write; }, start, sent, done);
    /* count() of every request: each read is `per` read bursts; every request is sent at or
     * after `start`, where the first one has set the span's start */
    const uint64_t read = (stats_.read_bursts - read_bursts) / per;
    stats_.bytes_read += read * len;
    stats_.bytes_written += (reqs.size() - read) * len;
    stats_.last_cycle = std::max(stats_.last_cycle, last);
}

double DramTiming::achieved_bytes_per_s() const {
    if (stats_.last_cycle <= stats_.first_cycle || stats_.first_cycle == UINT64_MAX) return 0;
    const double span_s = double(stats_.last_cycle - stats_.first_cycle) * p_.tck_s();
    return double(stats_.bytes_read + stats_.bytes_written) / span_s;
}

double DramTiming::background_energy_nj() const {
    if (stats_.last_cycle <= stats_.first_cycle || stats_.first_cycle == UINT64_MAX) return 0;
    const double total = double(stats_.last_cycle - stats_.first_cycle) * p_.channels;
    const double pre = std::min(double(stats_.precharged_cycles), total);
    const double tck_ns = p_.tck_s() * 1e9; /* mW * ns = pJ */
    return ((total - pre) * p_.power_active_mw + pre * p_.power_precharged_mw) * tck_ns * 1e-3;
}

} // namespace hq
