/* DRAM timing model against values computed by hand from the presets' datasheet figures
 * (configs/dram). The datasheet numbers are typed in here again on purpose: a preset that
 * drifts from its datasheet fails this test. */
#include "mem/dram_timing.h"
#include "platform/dram_preset.h"
#include "vp_check.h"

#include <cmath>

using namespace hq;

struct Datasheet {
    const char *file;
    double tck_ns;
    unsigned cl, cwl, trcd, trp, tras, bl, bus_bits;
    unsigned devices;
    double vdd, idd0, idd2n, idd3n, idd4r, idd4w;
};

static void check_preset(const Datasheet &ds)
{
    std::printf("preset %s\n", ds.file);
    const DramParams p = load_dram_preset_file(std::string(HQ_CONFIG_DIR "/dram/") + ds.file);
    CHECK_NEAR(p.tck_s() * 1e9, ds.tck_ns, 1e-3);
    const double tck = p.tck_s();

    /* Latencies by hand, in ns: hit = CL + BL/2, miss (idle bank) = tRCD + CL + BL/2,
     * conflict = tRP + tRCD + CL + BL/2, write hit = CWL + BL/2. */
    const double hit_ns = (ds.cl + ds.bl / 2.0) * ds.tck_ns;
    const double miss_ns = (ds.trcd + ds.cl + ds.bl / 2.0) * ds.tck_ns;
    const double conflict_ns = (ds.trp + ds.trcd + ds.cl + ds.bl / 2.0) * ds.tck_ns;
    const double whit_ns = (ds.cwl + ds.bl / 2.0) * ds.tck_ns;
    const uint64_t burst = uint64_t(ds.bus_bits / 8) * ds.bl;

    DramTiming t(p);
    const uint64_t row_stride = p.row_bytes * p.channels * p.banks; /* same bank, next row */
    uint64_t now = 1000;
    uint64_t done = t.access(now, 0, burst, false); /* idle bank */
    CHECK_NEAR((done - now) * tck * 1e9, miss_ns, 1e-3);
    now = done + 100;
    done = t.access(now, burst, burst, false); /* same row */
    CHECK_NEAR((done - now) * tck * 1e9, hit_ns, 1e-3);
    now = done + 100;
    done = t.access(now, 2 * burst, burst, true); /* write, same row */
    CHECK_NEAR((done - now) * tck * 1e9, whit_ns, 1e-3);
    now = done + 100; /* well past tRAS and tWR */
    done = t.access(now, row_stride, burst, false); /* other row, same bank */
    CHECK_NEAR((done - now) * tck * 1e9, conflict_ns, 1e-3);
    CHECK_EQ(t.stats().row_hits, uint64_t(2));
    CHECK_EQ(t.stats().row_misses, uint64_t(1));
    CHECK_EQ(t.stats().row_conflicts, uint64_t(1));
    CHECK_EQ(t.stats().activates, uint64_t(2));

    /* tRAS: a conflict right after an activate waits until ACT + tRAS before the PRE. */
    {
        DramTiming u(p);
        const uint64_t t0 = 0;
        u.access(t0, 0, burst, false);                           /* ACT at 0 */
        const uint64_t d = u.access(t0 + 1, row_stride, burst, false); /* PRE >= tRAS */
        CHECK_EQ(d, uint64_t(ds.tras + ds.trp + ds.trcd + ds.cl + ds.bl / 2));
    }

    /* Peak bandwidth = 2 transfers per clock x bus width. */
    const double peak = 2.0 / (ds.tck_ns * 1e-9) * (ds.bus_bits / 8.0);
    CHECK_NEAR(p.peak_bytes_per_s(), peak, 1e-3);

    /* One 1 MiB sequential read, timed as one sequence: the row switches (to the next bank)
     * are hidden behind data transfers, so it runs at peak after the first access. */
    {
        DramTiming s(p);
        const uint64_t len = 1 << 20;
        const uint64_t d = s.access(0, 0, len, false);
        const double expect_ck = ds.trcd + ds.cl + double(len / burst) * ds.bl / 2.0;
        CHECK_NEAR(double(d), expect_ck, 1e-9);
        CHECK_NEAR(s.achieved_bytes_per_s(), double(len) / (expect_ck * tck), 1e-9);
        CHECK(s.achieved_bytes_per_s() > 0.99 * peak);
        /* every row of the 1 MiB is opened once: the first in each bank is a miss, the
         * later ones find the bank's previous row open (conflict) */
        const uint64_t rows = len / p.row_bytes;
        CHECK_EQ(s.stats().row_misses, uint64_t(p.banks));
        CHECK_EQ(s.stats().row_conflicts, rows - p.banks);
        CHECK_EQ(s.stats().row_hits, len / burst - rows);
    }

    /* Two misses to different banks overlap: the second finishes one burst after the first. */
    {
        DramTiming s(p);
        const uint64_t bank_stride = p.row_bytes * p.channels;
        const uint64_t d1 = s.access(0, 0, burst, false);
        const uint64_t d2 = s.access(0, bank_stride, burst, false);
        CHECK_EQ(d2 - d1, uint64_t(ds.bl / 2));
    }

    /* Two initiators' 4 KiB reads requested at the same time share the data bus: the second
     * (another bank, its ACT overlapped) ends exactly one 4 KiB transfer after the first. */
    {
        DramTiming s(p);
        const uint64_t bank_stride = p.row_bytes * p.channels;
        const uint64_t d1 = s.access(0, 0, 4096, false);
        const uint64_t d2 = s.access(0, bank_stride, 4096, false);
        CHECK_EQ(d1, uint64_t(ds.trcd + ds.cl) + 4096 / burst * ds.bl / 2);
        CHECK_EQ(d2 - d1, 4096 / burst * ds.bl / 2);
    }

    /* Energy by hand (Micron TN-41-01): E_act = VDD (IDD0 tRC - IDD3N tRAS - IDD2N tRP),
     * E_rd = VDD (IDD4R - IDD3N) BL/2 tCK, per device, times the devices on the bus. */
    const double tras_ns = ds.tras * ds.tck_ns, trp_ns = ds.trp * ds.tck_ns;
    const double e_act = ds.devices * ds.vdd *
                         (ds.idd0 * (tras_ns + trp_ns) - ds.idd3n * tras_ns - ds.idd2n * trp_ns) *
                         1e-3;
    const double e_rd = ds.devices * ds.vdd * (ds.idd4r - ds.idd3n) * ds.bl / 2 * ds.tck_ns * 1e-3;
    const double e_wr = ds.devices * ds.vdd * (ds.idd4w - ds.idd3n) * ds.bl / 2 * ds.tck_ns * 1e-3;
    CHECK_NEAR(p.energy_activate_nj, e_act, 1e-3);
    CHECK_NEAR(p.energy_read_nj, e_rd, 1e-3);
    CHECK_NEAR(p.energy_write_nj, e_wr, 1e-3);
    CHECK_NEAR(t.stats().energy_nj, 2 * e_act + 3 * e_rd + e_wr, 1e-6);
    std::printf("  hit %.2f ns, miss %.2f ns, conflict %.2f ns, peak %.2f GB/s, "
                "E_act %.3f nJ, E_rd %.3f nJ, E_wr %.3f nJ\n",
                hit_ns, miss_ns, conflict_ns, peak / 1e9, e_act, e_rd, e_wr);
}

static void check_mapping_and_validation()
{
    DramParams p;
    p.channels = 2;
    p.banks = 4;
    p.row_bytes = 1024;
    p.rows = 16;
    DramTiming t(p);
    auto l = t.locate(1024 * 2 * 4 * 3 + 1024 * 2 * 1 + 1024 * 1 + 17); /* row 3, bank 1, ch 1 */
    CHECK_EQ(l.row, uint64_t(3));
    CHECK_EQ(l.bank, 1u);
    CHECK_EQ(l.channel, 1u);
    CHECK_EQ(l.column, uint64_t(17));

    /* channels have their own data buses: two simultaneous misses in different channels
     * finish together, in the same channel (other bank) one burst apart */
    {
        DramTiming u(p);
        const uint64_t burst = p.burst_bytes();
        const uint64_t a = u.access(0, 0, burst, false);
        const uint64_t b = u.access(0, p.row_bytes, burst, false);     /* channel 1 */
        const uint64_t c = u.access(0, 2 * p.row_bytes, burst, false); /* ch 0, bank 1 */
        CHECK_EQ(a, uint64_t(p.tRCD + p.tCL + p.burst_length / 2));
        CHECK_EQ(b, a);
        CHECK_EQ(c, a + p.burst_length / 2);
    }

    DramParams bad = p;
    bad.banks = 6;
    CHECK(throws_with<std::invalid_argument>([&] { DramTiming x(bad); }, {"banks"}));
    bad = p;
    bad.tCCD = 2; /* less than one burst on the bus */
    CHECK(throws_with<std::invalid_argument>([&] { DramTiming x(bad); }, {"tCCD"}));
}

/* access() times runs of row hits in closed form: it must equal stepping every burst, on random
 * mixes of lengths, alignments, reads/writes, banks, rows and request times, for each preset. */
static void check_closed_form_matches_bursts(const char *file)
{
    const DramParams p = load_dram_preset_file(std::string(HQ_CONFIG_DIR "/dram/") + file);
    DramTiming fast(p), slow(p);
    uint64_t rng = 0x9e3779b97f4a7c15ull, now = 0;
    auto next = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return rng;
    };
    const uint64_t span = p.row_bytes * p.channels * p.banks * 4; /* a few rows per bank */
    for (int i = 0; i < 20000; i++) {
        const uint64_t addr = next() % span;
        const uint64_t len = 1 + next() % (3 * p.row_bytes);
        const bool write = next() % 4 == 0;
        now += next() % 64;
        const uint64_t a = fast.access(now, addr, len, write);
        const uint64_t b = slow.access_burst_by_burst(now, addr, len, write);
        if (a != b) {
            CHECK_EQ(a, b);
            return;
        }
    }
    const DramStats &f = fast.stats(), &s = slow.stats();
    CHECK_EQ(f.row_hits, s.row_hits);
    CHECK_EQ(f.row_misses, s.row_misses);
    CHECK_EQ(f.row_conflicts, s.row_conflicts);
    CHECK_EQ(f.read_bursts, s.read_bursts);
    CHECK_EQ(f.write_bursts, s.write_bursts);
    CHECK_EQ(f.data_bus_cycles, s.data_bus_cycles);
    CHECK_EQ(f.last_cycle, s.last_cycle);
    CHECK_NEAR(f.energy_nj, s.energy_nj, 1e-6 * s.energy_nj);
    std::printf("closed form = burst by burst on %s: %llu hits, %llu misses, %llu conflicts\n",
                file, (unsigned long long)f.row_hits, (unsigned long long)f.row_misses,
                (unsigned long long)f.row_conflicts);
}

int main()
{
    /* Micron MT41K256M16 -125 (DDR3-1600 11-11-11), two x16 devices: tCK 1.25 ns, tRAS 35 ns
     * = 28 tCK, CWL 8; IDD from the DRAMPower 2Gb DDR3-1600 x16 memspec at 1.5 V. */
    check_preset({"ddr3-1600-mt41k256m16-x32.json", 1.25, 11, 8, 11, 11, 28, 8, 32, 2, 1.5,
                  110, 42, 45, 270, 280});
    /* Micron MT40A1G8 -083 (DDR4-2400 17-17-17), eight x8 devices: tCK 0.833 ns, tRAS 32 ns
     * = 39 tCK, CWL 12; IDD from the DRAMPower 4Gb DDR4-2400 x8 memspec at 1.2 V. */
    check_preset({"ddr4-2400-x8-64bit.json", 1.0 / 1.2, 17, 12, 17, 17, 39, 8, 64, 8, 1.2,
                  60.75, 38.25, 44, 184.5, 168.75});
    check_mapping_and_validation();
    check_closed_form_matches_bursts("ddr3-1600-mt41k256m16-x32.json");
    check_closed_form_matches_bursts("ddr4-2400-x8-64bit.json");
    return vp_report("test_dram_timing");
}
