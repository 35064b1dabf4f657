/* DDR SDRAM memory controller and timing model: per channel, a request queue of bursts
 * (bankwise buffers), an FR-FCFS or FCFS scheduler, open or closed page policy, the address
 * map from the preset, and the device's timing rules (tRCD/tRP/tRAS/tRTP/tWR per bank,
 * tCCD_S/L, tRRD_S/L, tFAW, tWTR_S/L and read-to-write turnaround per rank, all-bank refresh).
 * Plain C++ (no SystemC) and event driven: each burst is scheduled once, its ACT/PRE placed as
 * early as the rules allow; nothing is stepped cycle by cycle. All times are DRAM clock cycles
 * (tCK). Equations, sources and limits: docs/dram.md. */
#ifndef HQ_DRAM_TIMING_H
#define HQ_DRAM_TIMING_H

#include "mem/dram_params.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hq {

struct DramStats {
    uint64_t bytes_read = 0, bytes_written = 0;
    uint64_t read_bursts = 0, write_bursts = 0;
    uint64_t row_hits = 0;      /* column access to the open row */
    uint64_t row_misses = 0;    /* bank idle: ACT then column access */
    uint64_t row_conflicts = 0; /* other row open: PRE, ACT, column access */
    uint64_t activates = 0;
    uint64_t refreshes = 0;
    uint64_t data_bus_cycles = 0;   /* cycles the data buses carried data (summed over channels) */
    uint64_t precharged_cycles = 0; /* channel-cycles with every bank precharged */
    uint64_t first_cycle = UINT64_MAX, last_cycle = 0; /* span of the traffic */
    double energy_nj = 0; /* commands: activate, read, write, refresh (no background) */
};

class DramTiming {
  public:
    explicit DramTiming(const DramParams &p); /* throws std::invalid_argument if invalid */

    /* Times a read or write of `len` bytes at `addr` (DRAM-local) requested at cycle `now`:
     * its bursts enter the queue at `now` (as room frees up) and are scheduled to the last.
     * Returns the cycle its last data beat completes; updates bank state and statistics. */
    uint64_t access(uint64_t now, uint64_t addr, uint64_t len, bool write);
    /* The same through the scheduler's queue (FR-FCFS may reorder the transaction's bursts);
     * with FCFS it equals access() (tested). */
    uint64_t access_queued(uint64_t now, uint64_t addr, uint64_t len, bool write);

    /* Trace replay: equal-size requests issued back to back (the next one is sent when the
     * controller accepts the previous one, all from cycle `start`). Fills sent[i] and done[i]
     * (cycles). */
    struct Request {
        uint64_t addr;
        bool write;
    };
    void run_back_to_back(const std::vector<Request> &reqs, uint64_t len, uint64_t start,
                          std::vector<uint64_t> *sent, std::vector<uint64_t> *done);

    /* Where an address falls (for tests and traces). bank counts over all bank groups:
     * bank = bank_group * (banks / bank_groups) + bank within the group. */
    struct Location {
        unsigned channel, bank, bank_group;
        uint64_t row, column; /* column: byte within the row */
    };
    Location locate(uint64_t addr) const;

    const DramParams &params() const { return p_; }
    /* For tests: plan every burst of an in-order transfer through the general plan_for() and
     * commit() (the path before bert22), to hold the row step against (bit for bit). */
    void set_general_in_order(bool on) { general_in_order_ = on; }
    const DramStats &stats() const { return stats_; }
    /* Achieved bandwidth over the span from the first request to the last completion. */
    double achieved_bytes_per_s() const;
    /* Background energy (IDD3N with a bank open, IDD2N all precharged) over the span. */
    double background_energy_nj() const;
    /* Command plus background energy. */
    double total_energy_nj() const { return stats_.energy_nj + background_energy_nj(); }

  private:
    /* A queue entry: `count` consecutive bursts of one request to one bank and row (a DDR3
     * x32 request of 64 B is two bursts), issued one by one; seq is the next one's age. */
    struct Pending {
        uint64_t seq, arrival, row;
        uint32_t tag; /* the request a burst belongs to (trace replay) */
        uint16_t count;
        bool write;
    };
    /* FIFO with removal anywhere (FR-FCFS takes row hits out of order): a ring buffer. */
    class PendingQueue {
      public:
        size_t size() const { return n_; }
        bool empty() const { return n_ == 0; }
        const Pending &operator[](size_t i) const { return buf_[(head_ + i) & mask_]; }
        Pending &at(size_t i) { return buf_[(head_ + i) & mask_]; }
        Pending &push_back();
        void erase(size_t i);

      private:
        void grow();
        std::vector<Pending> buf_;
        size_t head_ = 0, n_ = 0, mask_ = 0;
    };
    struct Bank {
        bool open = false;
        uint64_t row = 0;
        uint64_t act_ready = 0; /* earliest ACT (tRP after the last PRE, tRC after ACT; and
                                   the channel's act_floor) */
        uint64_t pre_ready = 0; /* earliest PRE: tRAS after ACT, tRTP after a read command,
                                   tWR after write data */
        uint64_t col_ready = 0; /* earliest column command (tRCD after ACT) */
        PendingQueue queue;     /* in arrival order */
        size_t bursts = 0;      /* in the queue (its entries' counts) */
        size_t hits_queued = 0; /* queued entries to the open row (FR-FCFS looks only then) */
        unsigned cand = 0;      /* queue index of the burst the scheduler would take here */
    };
    struct Channel {
        std::vector<Bank> banks;
        uint64_t bus_free = 0; /* data bus free from this cycle */
        uint64_t next_col = 0; /* tCCD_S after the last column command */
        uint64_t next_rd = 0;  /* tWTR_S after the last write data */
        uint64_t next_wr = 0;  /* read-to-write turnaround after the last read */
        uint64_t next_act = 0; /* tRRD_S after the last ACT */
        std::vector<uint64_t> bg_next_col, bg_next_rd, bg_next_act; /* tCCD_L, tWTR_L, tRRD_L */
        uint64_t faw[4] = {0, 0, 0, 0}; /* ACT time + tFAW of the last four ACTs */
        unsigned faw_pos = 0;
        uint64_t refresh_due = 0;
        /* the last refresh's end: every bank's earliest ACT is also bounded by it (one value
         * instead of raising each bank's act_ready; read as max(act_ready, act_floor)) */
        uint64_t act_floor = 0;
        unsigned open_banks = 0;
        uint64_t all_closed_since = 0;
    };
    struct Plan {
        unsigned ch, bank, index; /* queue entry */
        bool hit, conflict;
        uint64_t pre, act, col;
    };

    struct Burst {
        uint64_t row;
        uint32_t tag;
        uint16_t ch, bank;
        bool write;
    };
    /* locate() for the scheduler, from fields prepared once: bank id bits, channel, row */
    struct Extract {
        unsigned from; /* bit of the burst number */
        uint64_t mask; /* of the field's bits */
        unsigned to;   /* bit in the bank index (bank group above bank) or the channel */
        bool channel;
    };
    Burst make_burst(uint64_t addr, uint32_t tag, bool write) const;
    void enqueue(uint64_t arrival, const Burst &b, unsigned count);
    bool queue_full(const Burst &b, unsigned entries) const;
    unsigned admission_bank(const Burst &b) const;
    /* The scheduler's view of a non-empty bank queue, updated only when the bank's queue or
     * state changes (not at every pick): the burst it offers (oldest row hit, else oldest;
     * FCFS: oldest), the bound the bank puts on its column command (arrival, tRCD/tRP/tRC/tRAS
     * from the bank's last commands; 0 for FCFS) and which gates add the bounds of the channel
     * and of the bank group. A pick is then the least max(key, channel gate, group gate) over
     * the non-empty banks, the oldest on a tie. */
    struct Candidate {
        uint64_t key, seq;
        uint32_t ch_gate, bg_gate; /* indices into ch_gates_ and bg_gates_ */
        uint32_t id;               /* ch << bank_bits_ | bank */
    };
    void update_candidate(unsigned id);
    /* The bounds tCCD_S/L, tWTR_S/L, read-to-write, the data bus and (miss) tRRD_S/L and tFAW
     * put on a column command, per read/write x miss/hit: the channel-wide terms (changing with
     * every command of the channel) and those of bank group g (changing with its commands).
     * FR-FCFS only (FCFS: all 0). */
    void update_gates(unsigned ch, unsigned g);
    Plan plan(unsigned ch, unsigned bank, unsigned index) const;
    Plan plan_at(unsigned ch, unsigned bank, uint64_t col) const;
    Plan plan_for(unsigned ch, unsigned bank, const Pending &r) const;
    void commit(const Plan &pl, const Pending &r, uint64_t *col, uint64_t *done);
    bool pick(Plan *best); /* fills pick_col_ */
    /* Whether FR-FCFS must pick the second burst of the entry whose first burst, plan pl, the
     * last pick chose (the proof is at the definition). */
    bool next_is_rest(const Plan &pl, const Pending &r) const;
    void finish_rest(uint64_t *col, uint64_t *done, uint32_t *tag, unsigned *id);
    /* Schedules the next burst (and commits the pair's rest when next_is_rest()); returns
     * false when the queue is empty. id: the burst's bank (ch << bank_bits_ | bank). */
    bool issue(uint64_t *col, uint64_t *done, uint32_t *tag, unsigned *id);
    void refresh(Channel &c, uint64_t before);
    void close_bank(Channel &c, Bank &b, uint64_t pre);
    /* Enqueues the bursts of requests [0, n) as room frees up, from cycle `start`: request i
     * is `per` bursts from burst address first(i) (tag i), write(i). done[i] = completion;
     * sent[i] (if given) = when request i - 1 was admitted (start for the first). Returns the
     * latest completion (start if none). */
    template <class First, class Write>
    uint64_t run(size_t n, unsigned per, First first, Write write, uint64_t start,
                 std::vector<uint64_t> *sent, std::vector<uint64_t> *done);
    uint64_t run_in_order(uint64_t now, uint64_t addr, uint64_t len, bool write);
    void hit_run(unsigned ch, unsigned bank, bool write, uint64_t k, uint64_t col);
    /* The timing parameters the row step reads, widened once. */
    struct Consts {
        uint64_t tCL, tCWL, tRCD, tRP, tRAS, tWR, tRTP, tCCD, tCCD_L, tRRD, tRRD_L, tFAW, tWTR,
            tWTR_L, tRTW, tREFI, half_bl, frontend;
        double e_act, e_rd, e_wr;
    };
    /* run_in_order()'s first burst of a row (one channel, open page, nothing queued), split
     * from its column command's effect on the state (row_column(), applied once per run) */
    uint64_t row_first(const Consts &k, unsigned bank, uint64_t row, uint64_t ready, bool write);
    void row_column(const Consts &k, unsigned bank, bool write, uint64_t col);
    void row_hit_stats(const Consts &k, bool write, uint64_t n);
    void count(uint64_t now, uint64_t done, uint64_t len, bool write);

    DramParams p_;
    Consts k_;
    bool general_in_order_ = false;
    std::vector<DramMapField> map_;
    unsigned burst_bits_, banks_per_group_, bpg_bits_, bank_bits_, bank_mask_;
    bool rows_pow2_;
    std::vector<Extract> extract_;
    unsigned row_from_;        /* bit of the burst number where the row starts */
    bool bank_contig_ = false; /* the bank id is bits bank_from_.. of the burst number */
    unsigned bank_from_ = 0;
    unsigned entry_bits_; /* column bits below every other field (0: none) */
    std::vector<Channel> ch_;
    uint64_t seq_ = 0;
    bool have_last_ = false;
    unsigned last_ch_ = 0, last_bank_ = 0; /* where the last burst was queued */
    std::vector<uint64_t> scratch_done_;
    /* per bank: the last queue_depth bursts of the transaction being planned in order */
    struct Recent {
        struct Entry {
            uint64_t index, col_max; /* burst number; latest column command up to it */
        };
        std::vector<Entry> buf;
        size_t pos = 0, count = 0;
        uint64_t gen = 0; /* the transaction that wrote it (older: read as empty) */
        /* run: buf is not written; the ring holds bursts run_last - depth + 1 .. run_last
         * (oldest at pos), column commands tCCD_L apart up to run_col_last */
        bool run = false;
        uint64_t run_last = 0, run_col_last = 0;
        /* the j-th oldest entry of a run */
        Entry run_entry(size_t j, size_t depth, uint64_t tccd) const {
            return {run_last - (depth - 1) + j, run_col_last - (depth - 1 - j) * tccd};
        }
    };
    void materialize(Recent &h) const;
    static constexpr size_t kMaxRing = 4096;
    std::vector<Recent> recent_;
    uint64_t gen_ = 0; /* run_in_order() calls: a ring is empty unless its gen is this */
    static constexpr uint32_t kNoSlot = UINT32_MAX;
    std::vector<Candidate> cands_;    /* one per non-empty bank queue, in no particular order */
    std::vector<uint32_t> cand_slot_; /* per bank id: its index in cands_, or kNoSlot */
    std::vector<uint64_t> ch_gates_;  /* per channel, read/write, miss/hit */
    std::vector<uint64_t> bg_gates_;  /* per channel, bank group, read/write, miss/hit */
    std::vector<uint64_t> pick_col_;  /* per cands_ entry: its column time at the last pick */
    uint64_t pick_oldest_ = 0;        /* the least candidate seq at the last pick */
    /* The second burst of a queue entry issued right after its first (next_is_rest()):
     * allowed by the configuration (pair_ok_), and committed but still queued (rest_known_:
     * entry rest_index_ of bank rest_bank_, column command at rest_col_, data done at
     * rest_done_; that bank's candidate and the channel's gates are then not yet updated). */
    bool pair_ok_ = false, faw_ordered_ = false, rest_known_ = false;
    unsigned rest_bank_ = 0, rest_index_ = 0;
    uint32_t rest_tag_ = 0;
    uint64_t rest_col_ = 0, rest_done_ = 0;
    DramStats stats_;
};

} // namespace hq

#endif
