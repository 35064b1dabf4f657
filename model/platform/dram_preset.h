/* DRAM presets (configs/dram/NAME.json): datasheet timings in clock cycles and IDD currents
 * from which the per-command energies are derived (Micron TN-41-01 method, docs/platform.md). */
#ifndef HQ_DRAM_PRESET_H
#define HQ_DRAM_PRESET_H

#include "mem/dram_timing.h"
#include "platform/config_reader.h"

namespace hq {

struct DramCurrents {
    unsigned devices = 1; /* DRAM chips side by side on the data bus */
    double vdd = 1.5;     /* V */
    double idd0_ma = 0, idd2n_ma = 0, idd3n_ma = 0, idd4r_ma = 0, idd4w_ma = 0, idd5_ma = 0;
};

/* Energies in nJ for the whole rank (all devices), with tCK and timings from `p`:
 *   E_act   = devices * VDD * (IDD0 * tRC - IDD3N * tRAS - IDD2N * tRP),  tRC = tRAS + tRP
 *   E_read  = devices * VDD * (IDD4R - IDD3N) * BL/2 * tCK
 *   E_write = devices * VDD * (IDD4W - IDD3N) * BL/2 * tCK
 *   E_ref   = devices * VDD * (IDD5 - IDD3N) * tRFC
 *   P_active = devices * VDD * IDD3N,  P_precharged = devices * VDD * IDD2N (background) */
void apply_dram_currents(DramParams &p, const DramCurrents &c);

/* Selects address map `name` of the preset's "address_maps" (or the built-in
 * "row_bank_column"); throws ConfigError naming the known maps. */
void select_dram_address_map(const ConfigObject &preset, const std::string &name, DramParams &p);

/* Reads a preset object (a whole preset file or an inline object); throws ConfigError. */
DramParams read_dram_preset(const ConfigObject &obj);
DramParams load_dram_preset_file(const std::string &path);

/* Capacity in bytes implied by a preset (channels * banks * rows * row_bytes). */
uint64_t dram_capacity(const DramParams &p);

} // namespace hq

#endif
