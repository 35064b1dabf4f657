/* DRAM device and controller parameters: datasheet timings (tCK), per-command energies and the
 * memory controller's configuration (queue, scheduling, page policy, address map). Filled from
 * a preset (configs/dram/NAME.json, model/platform/dram_preset.cpp); sources: docs/dram.md. */
#ifndef HQ_DRAM_PARAMS_H
#define HQ_DRAM_PARAMS_H

#include <cstdint>
#include <string>
#include <vector>

namespace hq {

/* One field of the address map: `bits` address bits, taken from low to high above the byte
 * offset within a burst. ROW takes every remaining bit (the row index wraps at `rows`). */
struct DramMapField {
    enum Kind { COLUMN, BANK_GROUP, BANK, CHANNEL, ROW } kind;
    unsigned bits;
};

enum class DramScheduler { FR_FCFS, FCFS };
enum class DramPagePolicy { OPEN, CLOSED };
/* When a request may enter the queue: room in its own bank's buffer, or room in the buffer of
 * the bank the previous request went to (DRAMSys 5's BufferCounterBankwise). */
enum class DramAdmission { OWN_BANK, PREVIOUS_BANK };

struct DramParams {
    std::string part;        /* e.g. "Micron MT41K256M16TW-107 x2, DDR3-1600 11-11-11" */
    double clock_hz = 800e6; /* command clock; data moves on both edges */
    unsigned bus_width_bits = 32;
    unsigned channels = 1;     /* independent data buses (power of two) */
    unsigned banks = 8;        /* per channel, all bank groups together (power of two) */
    unsigned bank_groups = 1;  /* DDR4: 4 (power of two dividing banks); DDR3: 1 */
    uint64_t row_bytes = 4096; /* bytes of one open row across the channel (power of two) */
    uint64_t rows = 32768;     /* rows per bank (addresses beyond wrap around) */
    unsigned burst_length = 8; /* beats per burst (BL8) */
    /* datasheet timings, in tCK */
    unsigned tCL = 11, tCWL = 8, tRCD = 11, tRP = 11, tRAS = 28, tWR = 12, tRTP = 6;
    unsigned tCCD = 4;   /* column to column, other bank group (tCCD_S; DDR3 tCCD) */
    unsigned tCCD_L = 4; /* column to column, same bank group */
    unsigned tRRD = 0;   /* activate to activate, other bank group (tRRD_S); 0 = none */
    unsigned tRRD_L = 0; /* activate to activate, same bank group */
    unsigned tFAW = 0;   /* window holding at most four activates; 0 = none */
    unsigned tWTR = 0;   /* end of write data to read command, other bank group (tWTR_S) */
    unsigned tWTR_L = 0; /* the same, same bank group */
    unsigned tRTW = 0;   /* read to write: bus turnaround beyond RL + BL/2 - WL */
    unsigned tREFI = 0;  /* all-bank refresh interval; 0 = no refresh */
    unsigned tRFC = 0;   /* refresh cycle time */
    /* controller */
    unsigned queue_depth = 8; /* pending bursts per bank (bankwise buffers) */
    unsigned frontend_ck = 0; /* request to first command (controller pipeline) */
    DramScheduler scheduler = DramScheduler::FR_FCFS;
    DramPagePolicy page_policy = DramPagePolicy::OPEN;
    DramAdmission admission = DramAdmission::OWN_BANK;
    std::string address_map_name = "row_bank_column";
    std::vector<DramMapField> address_map; /* empty: column | channel | bank | row */
    /* energy per command (nJ) and background power (mW), for the whole channel */
    double energy_activate_nj = 0;  /* one ACT + its PRE */
    double energy_read_nj = 0;      /* one read burst */
    double energy_write_nj = 0;     /* one write burst */
    double energy_refresh_nj = 0;   /* one all-bank refresh */
    double power_active_mw = 0;     /* background, some bank open (IDD3N) */
    double power_precharged_mw = 0; /* background, all banks precharged (IDD2N) */

    unsigned bus_width_bytes() const { return bus_width_bits / 8; }
    uint64_t burst_bytes() const { return uint64_t(bus_width_bytes()) * burst_length; }
    double tck_s() const { return 1.0 / clock_hz; }
    double peak_bytes_per_s() const { return 2.0 * clock_hz * bus_width_bytes() * channels; }
    /* The address map in force: address_map, or today's column | channel | bank | row. */
    std::vector<DramMapField> effective_map() const;
    /* Checks ranges, powers of two and the address map; returns "" or a message naming the
     * field. */
    std::string validate() const;
};

/* Parses "column:7" / "bank_group:2" / "bank:2" / "channel:1" / "row"; "" on success, else
 * an error message. */
std::string parse_dram_map_field(const std::string &text, DramMapField *out);

} // namespace hq

#endif
