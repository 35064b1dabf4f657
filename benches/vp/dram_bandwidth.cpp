/* DRAM study: achieved bandwidth, row-buffer behaviour and energy per byte (commands and
 * background) of the presets for typical access patterns (sequential streams in transactions
 * of several sizes, random bursts, a row-thrashing stride). Deterministic (fixed seed). Prints a
 * Markdown table. usage: dram_bandwidth [PRESET.json ...]   (default: the presets in configs/dram)
 */
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

using namespace hq;

struct Pattern {
    const char *name;
    uint64_t txn_bytes;
    enum { SEQ, RANDOM, THRASH } kind;
};

static void run(const std::string &path) {
    const DramParams p = load_dram_preset_file(path);
    std::printf("\n%s (peak %.2f GB/s)\n\n", p.part.c_str(), p.peak_bytes_per_s() / 1e9);
    std::printf("| pattern | transaction | GB/s | of peak | row hits | misses | conflicts | "
                "pJ/byte |\n|---|---|---|---|---|---|---|---|\n");
    const Pattern pats[] = {
        {"sequential", 64, Pattern::SEQ},
        {"sequential", 256, Pattern::SEQ},
        {"sequential", 4096, Pattern::SEQ},
        {"sequential", 65536, Pattern::SEQ},
        {"random", 64, Pattern::RANDOM},
        {"random", 4096, Pattern::RANDOM},
        {"same-bank row thrash", 64, Pattern::THRASH},
    };
    const uint64_t total = 16 << 20; /* 16 MiB per pattern */
    const uint64_t span = std::min<uint64_t>(dram_capacity(p), 256u << 20);
    for (const Pattern &pat : pats) {
        DramTiming t(p);
        std::mt19937_64 rng(12345);
        const uint64_t n = total / pat.txn_bytes;
        const uint64_t thrash_stride = p.row_bytes * p.channels * p.banks;
        uint64_t now = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t addr;
            switch (pat.kind) {
            case Pattern::SEQ: addr = i * pat.txn_bytes % span; break;
            case Pattern::RANDOM: addr = rng() % (span / pat.txn_bytes) * pat.txn_bytes; break;
            default: addr = (i % 64) * thrash_stride; break;
            }
            /* back-to-back: the next request is issued when the previous one completes,
             * as a single in-order DMA engine would */
            now = t.access(now, addr, pat.txn_bytes, false);
        }
        const DramStats &s = t.stats();
        const double gbs = t.achieved_bytes_per_s() / 1e9;
        std::printf("| %s | %llu B | %.2f | %.0f %% | %llu | %llu | %llu | %.1f |\n", pat.name,
                    (unsigned long long)pat.txn_bytes, gbs,
                    100 * t.achieved_bytes_per_s() / p.peak_bytes_per_s(),
                    (unsigned long long)s.row_hits, (unsigned long long)s.row_misses,
                    (unsigned long long)s.row_conflicts, t.total_energy_nj() * 1e3 / double(total));
    }
}

int main(int argc, char **argv) {
    std::vector<std::string> presets;
    for (int i = 1; i < argc; i++) {
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::printf("usage: dram_bandwidth [PRESET.json ...]\n"
                        "Bandwidth, row-buffer statistics and energy per byte of DRAM presets\n"
                        "for sequential, random and row-thrashing read patterns.\n");
            return 0;
        }
        presets.push_back(argv[i]);
    }
    if (presets.empty())
        presets = {HQ_CONFIG_DIR "/dram/ddr3-1600-mt41k256m16-x32.json",
                   HQ_CONFIG_DIR "/dram/ddr4-2400-x8-64bit.json"};
    try {
        for (const std::string &p : presets)
            run(p);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "dram_bandwidth: %s\n", e.what());
        return 2;
    }
    return 0;
}
