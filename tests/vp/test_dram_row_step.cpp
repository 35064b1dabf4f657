/* The in-order path's row step (bert22: DramTiming::row_first() and row_column()) against the
 * general step it replaces (set_general_in_order(true): plan_for(), commit(), hit_run() for
 * each row), bit for bit: every access's completion and, after each access, every statistic
 * and the energy. (The admission rings and the bank decode serve both paths: test_dram_timing's
 * in-order = queued checks and test_dram_golden hold those.) On
 * both presets with their own map and row_bank_column (the row step needs the column as the
 * lowest field), both admission rules, both schedulers, queue depths 1/3/8/200, front ends 0,
 * the preset's and tCCD_L, refresh as in the preset and every tRFC + 400-600 tCK, transfers of
 * boundary lengths (0, 1, a burst -1/+1, a row -1/+1, multiples of a row, every bank's row
 * and one more) at random and row-aligned addresses, reads and writes, with gaps from none to
 * several refresh intervals (refreshes due before, inside and after a transfer). */
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"
#include "vp_check.h"

#include <cstring>
#include <vector>

using namespace hq;

static DramParams load(const char *file) {
    return load_dram_preset_file(std::string(HQ_CONFIG_DIR "/dram/") + file);
}

static bool same_stats(const DramStats &a, const DramStats &b) {
    return a.bytes_read == b.bytes_read && a.bytes_written == b.bytes_written &&
           a.read_bursts == b.read_bursts && a.write_bursts == b.write_bursts &&
           a.row_hits == b.row_hits && a.row_misses == b.row_misses &&
           a.row_conflicts == b.row_conflicts && a.activates == b.activates &&
           a.refreshes == b.refreshes && a.data_bus_cycles == b.data_bus_cycles &&
           a.precharged_cycles == b.precharged_cycles && a.first_cycle == b.first_cycle &&
           a.last_cycle == b.last_cycle &&
           std::memcmp(&a.energy_nj, &b.energy_nj, sizeof(double)) == 0;
}

struct Totals {
    unsigned configs = 0;
    uint64_t accesses = 0, refreshes = 0, conflicts = 0;
};

/* Returns false (after reporting it) at the first difference. */
static bool check_config(const DramParams &p, int accesses, uint64_t seed, Totals *tot) {
    DramTiming fast(p), general(p);
    general.set_general_in_order(true);
    const uint64_t bb = p.burst_bytes(), row = p.row_bytes;
    const uint64_t span = row * p.channels * p.banks * 6;
    const uint64_t lens[] = {0,
                             1,
                             bb - 1,
                             bb,
                             bb + 1,
                             2 * bb,
                             row - bb,
                             row - 1,
                             row,
                             row + 1,
                             row + bb,
                             2 * row,
                             3 * row,
                             4 * row,
                             uint64_t(p.banks) * row,
                             uint64_t(p.banks) * row + 1};
    const uint64_t refi = p.tREFI ? p.tREFI : 5000;
    uint64_t rng = seed, now = 0;
    auto next = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    for (int i = 0; i < accesses; i++) {
        const uint64_t pick = next() % 4;
        uint64_t addr = next() % span;
        if (pick == 0) addr = addr / row * row; /* row-aligned */
        if (pick == 1) addr = addr / bb * bb;   /* burst-aligned */
        const uint64_t len =
            next() % 3 ? lens[next() % (sizeof lens / sizeof lens[0])] : 1 + next() % (3 * row);
        const bool write = next() % 4 == 0;
        switch (next() % 5) {                       /* the gap before this access */
        case 0: break;                              /* at once (the banks still busy) */
        case 1: now += next() % 64; break;          /* a few cycles */
        case 2: now += next() % refi; break;        /* within a refresh interval */
        case 3: now += refi + next() % refi; break; /* one refresh due */
        default: now += next() % (4 * refi); break; /* idle refreshes too */
        }
        const uint64_t a = fast.access(now, addr, len, write);
        const uint64_t b = general.access(now, addr, len, write);
        if (a != b || !same_stats(fast.stats(), general.stats())) {
            std::printf("access %d: 0x%llx + %llu %s at %llu: done %llu vs %llu\n", i,
                        (unsigned long long)addr, (unsigned long long)len, write ? "W" : "R",
                        (unsigned long long)now, (unsigned long long)a, (unsigned long long)b);
            CHECK_EQ(a, b);
            CHECK(same_stats(fast.stats(), general.stats()));
            return false;
        }
        if (next() % 2) now = std::max(now, a); /* often the next one after this one */
    }
    tot->configs++;
    tot->accesses += accesses;
    tot->refreshes += fast.stats().refreshes;
    tot->conflicts += fast.stats().row_conflicts;
    return true;
}

int main() {
    Totals tot;
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (const char *file : {"ddr3-1600-mt41k256m16-x32.json", "ddr4-2400-x8-64bit.json"})
        for (bool own_map : {true, false})
            for (DramAdmission adm : {DramAdmission::OWN_BANK, DramAdmission::PREVIOUS_BANK})
                for (DramScheduler sch : {DramScheduler::FR_FCFS, DramScheduler::FCFS})
                    for (unsigned depth : {1u, 3u, 8u, 200u})
                        for (int fe = 0; fe < 3; fe++)
                            for (bool short_refi : {false, true}) {
                                DramParams p = load(file);
                                if (!own_map) {
                                    p.address_map.clear();
                                    p.address_map_name = "row_bank_column";
                                }
                                p.admission = adm;
                                p.scheduler = sch;
                                p.queue_depth = depth;
                                p.frontend_ck = fe == 0 ? 0 : fe == 1 ? p.frontend_ck : p.tCCD_L;
                                if (short_refi) /* above tRFC: else refresh never ends */
                                    p.tREFI = p.tRFC + 400 + unsigned(seed % 201);
                                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                                if (!check_config(p, 600, seed | 1, &tot)) {
                                    std::printf("%s, %s map, %s admission, %s, depth %u, "
                                                "front end %u, tREFI %u\n",
                                                file, own_map ? "preset" : "row_bank_column",
                                                adm == DramAdmission::OWN_BANK ? "own bank"
                                                                               : "previous bank",
                                                sch == DramScheduler::FCFS ? "fcfs" : "fr-fcfs",
                                                depth, p.frontend_ck, p.tREFI);
                                    return vp_report("test_dram_row_step");
                                }
                            }
    std::printf("row step = general step: %u configurations, %llu accesses, %llu refreshes, "
                "%llu row conflicts\n",
                tot.configs, (unsigned long long)tot.accesses, (unsigned long long)tot.refreshes,
                (unsigned long long)tot.conflicts);
    CHECK(tot.refreshes > 0 && tot.conflicts > 0);
    return vp_report("test_dram_row_step");
}
