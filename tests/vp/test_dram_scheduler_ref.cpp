/* Differential test of the trace replay (DramTiming::run_back_to_back, with its per-bank
 * candidates, gates, queue entries and the pair fast path) against a plain FR-FCFS / FCFS
 * controller written here from the rules of docs/dram.md: every burst its own queue element,
 * every pick a full scan that plans every bank's candidate from scratch. Small random streams
 * on both presets, every scheduler, admission rule and page policy, one and two channels,
 * queue depths 1-8, requests of 1-3 bursts, with and without (frequent) refresh; every
 * request's sent and done time and the command counts must be equal. */
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"
#include "vp_check.h"

#include <algorithm>
#include <random>
#include <vector>

using namespace hq;

namespace {

struct RefBank {
    bool open = false;
    uint64_t row = 0, act_ready = 0, pre_ready = 0, col_ready = 0;
};

struct RefChannel {
    std::vector<RefBank> banks;
    uint64_t bus_free = 0, next_col = 0, next_rd = 0, next_wr = 0, next_act = 0;
    std::vector<uint64_t> bg_next_col, bg_next_rd, bg_next_act;
    std::vector<uint64_t> acts; /* every ACT time + tFAW, in issue order */
    uint64_t refresh_due = 0;
};

struct RefBurst {
    uint64_t seq, arrival, row;
    unsigned ch, bank;
    bool write;
    size_t tag;
};

struct RefCounts {
    uint64_t hits = 0, misses = 0, conflicts = 0, refreshes = 0;
};

class RefController {
  public:
    RefController(const DramParams &p) : p_(p), map_(p) {
        ch_.resize(p.channels);
        for (RefChannel &c : ch_) {
            c.banks.resize(p.banks);
            c.bg_next_col.assign(p.bank_groups, 0);
            c.bg_next_rd.assign(p.bank_groups, 0);
            c.bg_next_act.assign(p.bank_groups, 0);
            c.refresh_due = p.tREFI;
        }
    }

    /* Requests of `per` bursts from their burst-aligned address, sent back to back. */
    void run(const std::vector<DramTiming::Request> &reqs, unsigned per,
             std::vector<uint64_t> *sent, std::vector<uint64_t> *done) {
        const uint64_t bb = p_.burst_bytes();
        sent->assign(reqs.size(), 0);
        done->assign(reqs.size(), 0);
        std::vector<RefBurst> queue; /* in arrival order */
        size_t next = 0;
        uint64_t t = 0, seq = 0;
        bool have_last = false;
        unsigned last_ch = 0, last_bank = 0;
        for (;;) {
            while (next < reqs.size()) {
                const uint64_t first = reqs[next].addr / bb * bb;
                const DramTiming::Location own = map_.locate(first);
                unsigned ch = own.channel, bank = own.bank;
                if (p_.admission == DramAdmission::PREVIOUS_BANK) {
                    ch = last_ch;
                    bank = last_bank;
                }
                if ((p_.admission == DramAdmission::OWN_BANK || have_last) &&
                    queued(queue, ch, bank) + per > p_.queue_depth)
                    break;
                for (unsigned k = 0; k < per; k++) {
                    const DramTiming::Location l = map_.locate(first + k * bb);
                    queue.push_back({seq++, t, l.row, l.channel, l.bank, reqs[next].write, next});
                    have_last = true;
                    last_ch = l.channel;
                    last_bank = l.bank;
                }
                if (next + 1 < reqs.size()) (*sent)[next + 1] = t;
                next++;
            }
            if (queue.empty()) break;
            size_t pick;
            uint64_t col;
            for (;;) {
                pick = choose(queue, &col);
                RefChannel &c = ch_[queue[pick].ch];
                if (!p_.tREFI || col < c.refresh_due) break;
                refresh(c, col);
            }
            const uint64_t d = commit(queue[pick]);
            (*done)[queue[pick].tag] = std::max((*done)[queue[pick].tag], d);
            queue.erase(queue.begin() + long(pick));
            if (next < reqs.size()) t = std::max(t, col);
        }
    }
    const RefCounts &counts() const { return n_; }

  private:
    static size_t queued(const std::vector<RefBurst> &q, unsigned ch, unsigned bank) {
        size_t n = 0;
        for (const RefBurst &b : q)
            n += b.ch == ch && b.bank == bank;
        return n;
    }

    bool is_hit(const RefBurst &r) const {
        const RefBank &b = ch_[r.ch].banks[r.bank];
        return b.open && b.row == r.row;
    }

    /* FCFS: the oldest. FR-FCFS: per bank the oldest row hit, else its oldest burst; of those,
     * the earliest column command, then the oldest. Returns the queue index. */
    size_t choose(const std::vector<RefBurst> &q, uint64_t *col) const {
        if (p_.scheduler == DramScheduler::FCFS) {
            *col = plan(q[0], nullptr, nullptr);
            return 0;
        }
        size_t best = q.size();
        uint64_t best_col = 0;
        for (size_t i = 0; i < q.size(); i++) {
            /* the bank's candidate: no older hit of its bank; a miss: no hit at all in its
             * bank and no older burst */
            bool candidate = true;
            for (size_t j = 0; j < q.size(); j++)
                if (j != i && q[j].ch == q[i].ch && q[j].bank == q[i].bank &&
                    (is_hit(q[i]) ? j < i && is_hit(q[j]) : j < i || is_hit(q[j])))
                    candidate = false;
            if (!candidate) continue;
            const uint64_t c = plan(q[i], nullptr, nullptr);
            if (best == q.size() || c < best_col) { /* q is in age order: ties keep the older */
                best = i;
                best_col = c;
            }
        }
        *col = best_col;
        return best;
    }

    /* The earliest column command of r (and its PRE / ACT) by the rules of docs/dram.md. */
    uint64_t plan(const RefBurst &r, uint64_t *pre_out, uint64_t *act_out) const {
        const RefChannel &c = ch_[r.ch];
        const RefBank &b = c.banks[r.bank];
        const unsigned g = r.bank / (p_.banks / p_.bank_groups);
        const uint64_t ready = r.arrival + p_.frontend_ck;
        uint64_t col = std::max({ready, c.next_col, c.bg_next_col[g]});
        if (r.write)
            col = std::max(col, c.next_wr);
        else
            col = std::max({col, c.next_rd, c.bg_next_rd[g]});
        if (is_hit(r)) {
            col = std::max(col, b.col_ready);
        } else {
            uint64_t act;
            if (b.open) {
                const uint64_t pre = std::max(ready, b.pre_ready);
                if (pre_out) *pre_out = pre;
                act = std::max(pre + p_.tRP, b.act_ready);
            } else {
                act = std::max(ready, b.act_ready);
            }
            act = std::max({act, c.next_act, c.bg_next_act[g]});
            if (c.acts.size() >= 4) act = std::max(act, c.acts[c.acts.size() - 4]); /* tFAW */
            if (act_out) *act_out = act;
            col = std::max(col, act + p_.tRCD);
        }
        const uint64_t data = col + (r.write ? p_.tCWL : p_.tCL);
        if (data < c.bus_free) col += c.bus_free - data;
        return col;
    }

    void close(RefBank &b, uint64_t pre) {
        b.open = false;
        b.act_ready = std::max(b.act_ready, pre + p_.tRP);
    }

    /* Issues r's commands; returns when its data ends. */
    uint64_t commit(const RefBurst &r) {
        RefChannel &c = ch_[r.ch];
        RefBank &b = c.banks[r.bank];
        const unsigned g = r.bank / (p_.banks / p_.bank_groups);
        uint64_t pre = 0, act = 0;
        const uint64_t col = plan(r, &pre, &act);
        if (is_hit(r)) {
            n_.hits++;
        } else {
            if (b.open) {
                n_.conflicts++;
                close(b, pre);
            } else {
                n_.misses++;
            }
            b.open = true;
            b.row = r.row;
            b.pre_ready = act + p_.tRAS;
            b.act_ready = std::max(b.act_ready, act + p_.tRAS + p_.tRP);
            b.col_ready = act + p_.tRCD;
            if (p_.tRRD) c.next_act = std::max(c.next_act, act + p_.tRRD);
            if (p_.tRRD_L) c.bg_next_act[g] = std::max(c.bg_next_act[g], act + p_.tRRD_L);
            if (p_.tFAW) c.acts.push_back(act + p_.tFAW);
        }
        const uint64_t done = col + (r.write ? p_.tCWL : p_.tCL) + p_.burst_length / 2;
        c.bus_free = done;
        c.next_col = col + p_.tCCD;
        c.bg_next_col[g] = col + p_.tCCD_L;
        if (r.write) {
            if (p_.tWTR_L) {
                c.next_rd = std::max(c.next_rd, done + p_.tWTR);
                c.bg_next_rd[g] = std::max(c.bg_next_rd[g], done + p_.tWTR_L);
            }
            b.pre_ready = std::max(b.pre_ready, done + p_.tWR);
        } else {
            const uint64_t wr = col + p_.tCL + p_.burst_length / 2 + p_.tRTW;
            c.next_wr = std::max(c.next_wr, wr > p_.tCWL ? wr - p_.tCWL : 0);
            b.pre_ready = std::max(b.pre_ready, col + p_.tRTP);
        }
        if (p_.page_policy == DramPagePolicy::CLOSED) close(b, b.pre_ready);
        return done;
    }

    /* Refresh due before a command at `before`: those wholly in idle time are counted (banks
     * closed, no ACT before their end), then PREA at max(due, pre_ready of the open banks),
     * REF tRP later (at due if all were closed), no ACT before REF + tRFC. */
    void refresh(RefChannel &c, uint64_t before) {
        while (before >= c.refresh_due + 2 * uint64_t(p_.tREFI)) {
            for (RefBank &b : c.banks)
                if (b.open) close(b, std::max(c.refresh_due, b.pre_ready));
            for (RefBank &b : c.banks)
                b.act_ready = std::max(b.act_ready, c.refresh_due + p_.tRP + p_.tRFC);
            c.refresh_due += p_.tREFI;
            n_.refreshes++;
        }
        uint64_t prea = c.refresh_due;
        bool any_open = false;
        for (const RefBank &b : c.banks)
            if (b.open) {
                prea = std::max(prea, b.pre_ready);
                any_open = true;
            }
        const uint64_t end = prea + (any_open ? p_.tRP : 0) + p_.tRFC;
        for (RefBank &b : c.banks) {
            if (b.open) close(b, prea);
            b.act_ready = std::max(b.act_ready, end);
        }
        c.refresh_due += p_.tREFI;
        n_.refreshes++;
    }

    DramParams p_;
    DramTiming map_; /* locate() only */
    std::vector<RefChannel> ch_;
    RefCounts n_;
};

/* Random requests in a few rows of a few banks (hits, misses and conflicts all common), some
 * unaligned, 30 % writes. */
std::vector<DramTiming::Request> random_stream(std::mt19937_64 &rng, size_t n, uint64_t span) {
    std::vector<DramTiming::Request> reqs(n);
    uint64_t a = 0;
    for (DramTiming::Request &r : reqs) {
        const unsigned kind = unsigned(rng() % 4);
        if (kind == 0)
            a = rng() % span; /* anywhere */
        else if (kind == 1)
            a += 64; /* sequential */
        else
            a = (rng() % 8) * (span / 8) + (rng() % 16) * 64; /* a few hot rows */
        r.addr = a % span + (rng() % 5 == 0 ? rng() % 64 : 0);
        r.write = rng() % 10 < 3;
    }
    return reqs;
}

int configs = 0;

void check(const DramParams &p, unsigned per, std::mt19937_64 &rng, const char *what) {
    const uint64_t span = uint64_t(1) << 24;
    const std::vector<DramTiming::Request> reqs = random_stream(rng, 300, span);
    const uint64_t len = per * p.burst_bytes() - rng() % 2;
    DramTiming model(p);
    std::vector<uint64_t> sent, done, rsent, rdone;
    model.run_back_to_back(reqs, len, 0, &sent, &done);
    RefController ref(p);
    ref.run(reqs, per, &rsent, &rdone);
    configs++;
    for (size_t i = 0; i < reqs.size(); i++)
        if (sent[i] != rsent[i] || done[i] != rdone[i]) {
            std::fprintf(stderr,
                         "%s (%s, %s, %s page, depth %u, %u channel(s), refresh %u, %u "
                         "burst(s)): request %zu sent %llu / %llu, done %llu / %llu\n",
                         what, p.scheduler == DramScheduler::FCFS ? "fcfs" : "fr-fcfs",
                         p.admission == DramAdmission::OWN_BANK ? "own_bank" : "previous_bank",
                         p.page_policy == DramPagePolicy::OPEN ? "open" : "closed", p.queue_depth,
                         p.channels, p.tREFI, per, i, (unsigned long long)sent[i],
                         (unsigned long long)rsent[i], (unsigned long long)done[i],
                         (unsigned long long)rdone[i]);
            CHECK_EQ(done[i], rdone[i]);
            CHECK_EQ(sent[i], rsent[i]);
            return;
        }
    const DramStats &s = model.stats();
    CHECK_EQ(s.row_hits, ref.counts().hits);
    CHECK_EQ(s.row_misses, ref.counts().misses);
    CHECK_EQ(s.row_conflicts, ref.counts().conflicts);
    CHECK_EQ(s.refreshes, ref.counts().refreshes);
    CHECK_EQ(s.read_bursts + s.write_bursts, uint64_t(reqs.size()) * per);
}

} // namespace

int main() {
    std::mt19937_64 rng(19);
    struct Preset {
        const char *file;
        bool own_map;
    } presets[] = {{"ddr3-1600-mt41k256m16-x32.json", true},
                   {"ddr4-2400-x8-64bit.json", true},
                   {"ddr4-2400-x8-64bit.json", false}};
    for (const Preset &pr : presets)
        for (DramScheduler sched : {DramScheduler::FR_FCFS, DramScheduler::FCFS})
            for (DramAdmission adm : {DramAdmission::OWN_BANK, DramAdmission::PREVIOUS_BANK})
                for (DramPagePolicy page : {DramPagePolicy::OPEN, DramPagePolicy::CLOSED})
                    for (unsigned depth : {1u, 2u, 8u})
                        for (unsigned channels : {1u, 2u})
                            for (bool refresh : {false, true})
                                for (unsigned per = 1; per <= std::min(depth, 3u); per++) {
                                    DramParams p = load_dram_preset_file(
                                        std::string(HQ_CONFIG_DIR "/dram/") + pr.file);
                                    if (!pr.own_map || channels > 1) { /* row_bank_column */
                                        p.address_map.clear();
                                        p.address_map_name = "row_bank_column";
                                    }
                                    p.scheduler = sched;
                                    p.admission = adm;
                                    p.page_policy = page;
                                    p.queue_depth = depth;
                                    p.channels = channels;
                                    p.frontend_ck = unsigned(rng() % 2);
                                    if (refresh) { /* often, so that streams cross many */
                                        p.tREFI = 400 + unsigned(rng() % 200);
                                        p.tRFC = 60;
                                    } else {
                                        p.tREFI = p.tRFC = 0;
                                    }
                                    check(p, per, rng, pr.file);
                                }
    std::printf("%d configurations compared with the reference scheduler\n", configs);
    return vp_report("test_dram_scheduler_ref");
}
