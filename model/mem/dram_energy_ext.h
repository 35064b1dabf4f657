/* TLM extension an initiator attaches to learn the DRAM energy of its own accesses: the DRAM
 * target fills in the command energy (activates, read and write bursts) of the transaction and
 * the background power it draws meanwhile (active standby plus refresh averaged over tREFI).
 * Targets that are not DRAM leave it untouched (valid stays false). */
#ifndef HQ_DRAM_ENERGY_EXT_H
#define HQ_DRAM_ENERGY_EXT_H

#include <tlm>

namespace hq {

struct DramEnergyExtension : tlm::tlm_extension<DramEnergyExtension> {
    bool valid = false;
    double command_nj = 0;    /* ACT/PRE, RD and WR energy of this transaction */
    double background_mw = 0; /* IDD3N standby + refresh energy / tREFI, whole rank */

    tlm::tlm_extension_base *clone() const override { return new DramEnergyExtension(*this); }
    void copy_from(const tlm::tlm_extension_base &e) override {
        *this = static_cast<const DramEnergyExtension &>(e);
    }
};

} // namespace hq

#endif
