/* DDR SDRAM timing model: channels x banks, one row buffer per bank with an open-page policy.
 * Plain C++ (no SystemC): a transaction of many bursts is timed as one sequence from its
 * burst / row sequence, not simulated burst by burst. All times are DRAM clock cycles (tCK).
 * Equations, address mapping and sources: docs/platform.md. */
#ifndef HQ_DRAM_TIMING_H
#define HQ_DRAM_TIMING_H

#include <cstdint>
#include <string>
#include <vector>

namespace hq {

struct DramParams {
    std::string part;            /* e.g. "Micron MT41K256M16TW-107 x2, DDR3-1600 11-11-11" */
    double clock_hz = 800e6;     /* command clock; data moves on both edges */
    unsigned bus_width_bits = 32;
    unsigned channels = 1;       /* independent data buses (power of two) */
    unsigned banks = 8;          /* per channel (power of two) */
    uint64_t row_bytes = 4096;   /* bytes of one open row across the channel (power of two) */
    uint64_t rows = 32768;       /* rows per bank (addresses beyond wrap around) */
    unsigned burst_length = 8;   /* beats per burst (BL8) */
    /* datasheet timings, in tCK */
    unsigned tCL = 11, tCWL = 8, tRCD = 11, tRP = 11, tRAS = 28, tWR = 12, tRTP = 6, tCCD = 4;
    /* energy per command (nJ), for the whole channel */
    double energy_activate_nj = 0; /* one ACT + its PRE */
    double energy_read_nj = 0;     /* one read burst */
    double energy_write_nj = 0;    /* one write burst */

    unsigned bus_width_bytes() const { return bus_width_bits / 8; }
    uint64_t burst_bytes() const { return uint64_t(bus_width_bytes()) * burst_length; }
    double tck_s() const { return 1.0 / clock_hz; }
    double peak_bytes_per_s() const { return 2.0 * clock_hz * bus_width_bytes() * channels; }
    /* Checks ranges and powers of two; returns "" or a message naming the field. */
    std::string validate() const;
};

struct DramStats {
    uint64_t bytes_read = 0, bytes_written = 0;
    uint64_t read_bursts = 0, write_bursts = 0;
    uint64_t row_hits = 0;      /* column access to the open row */
    uint64_t row_misses = 0;    /* bank idle: ACT then column access */
    uint64_t row_conflicts = 0; /* other row open: PRE, ACT, column access */
    uint64_t activates = 0;
    uint64_t data_bus_cycles = 0; /* cycles the data buses carried data (summed over channels) */
    uint64_t first_cycle = UINT64_MAX, last_cycle = 0; /* span of the traffic */
    double energy_nj = 0;
};

class DramTiming {
  public:
    explicit DramTiming(const DramParams &p); /* throws std::invalid_argument if invalid */

    /* Times a read or write of `len` bytes at `addr` (DRAM-local) requested at cycle `now`.
     * Returns the cycle its last data beat completes; updates bank state and statistics. */
    uint64_t access(uint64_t now, uint64_t addr, uint64_t len, bool write);
    /* The same, stepping every burst through the bank state machine: the reference that
     * access()'s closed form for runs of row hits is tested against. */
    uint64_t access_burst_by_burst(uint64_t now, uint64_t addr, uint64_t len, bool write);

    /* Where an address falls (for tests and traces). */
    struct Location {
        unsigned channel, bank;
        uint64_t row, column;
    };
    Location locate(uint64_t addr) const;

    const DramParams &params() const { return p_; }
    const DramStats &stats() const { return stats_; }
    /* Achieved bandwidth over the span from the first request to the last completion. */
    double achieved_bytes_per_s() const;

  private:
    struct Bank {
        bool open = false;
        uint64_t row = 0;
        uint64_t act_ready = 0; /* earliest ACT (after tRP of the last PRE) */
        uint64_t pre_ready = 0; /* earliest PRE: tRAS after ACT, tRTP after a read command,
                                   tWR after write data */
        uint64_t col_ready = 0; /* earliest column command (tRCD after ACT) */
    };
    struct Channel {
        uint64_t next_col = 0;  /* earliest next column command (tCCD) */
        uint64_t bus_free = 0;  /* data bus free from this cycle */
        std::vector<Bank> banks;
    };
    uint64_t burst(uint64_t now, uint64_t burst_addr, bool write);
    uint64_t row_run(uint64_t now, uint64_t first_addr, uint64_t n_bursts, bool write);
    uint64_t finish_access(uint64_t now, uint64_t acts_before, uint64_t len, bool write,
                           uint64_t done);

    DramParams p_;
    unsigned col_bits_, ch_bits_, bank_bits_;
    std::vector<Channel> ch_;
    DramStats stats_;
};

} // namespace hq

#endif
