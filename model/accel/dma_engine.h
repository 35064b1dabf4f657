/* The accelerator's bus master. Each call is ONE TLM transaction however many bursts it
 * spans; the DRAM target computes its latency from the burst/row sequence. Calls carry the
 * accelerator's local time so the memory sees when the request really starts. */
#ifndef HQ_ACCEL_DMA_ENGINE_H
#define HQ_ACCEL_DMA_ENGINE_H

#include "mem/memory_span_ext.h"

#include <systemc>
#include <tlm>

#include <cstdint>

namespace hq::accel {

class DmaEngine {
  public:
    explicit DmaEngine(tlm::tlm_initiator_socket<32> &socket) : socket_(socket) {}

    /* Moves len bytes starting at local offset `*t` (from sc_time_stamp()); on return *t is
     * when the last byte arrived. Returns false on a bus error (address outside memory),
     * with the failing address in *bad_addr. */
    bool read(uint64_t addr, uint8_t *dst, uint32_t len, sc_core::sc_time *t, uint64_t *bad_addr);
    bool write(uint64_t addr, const uint8_t *src, uint32_t len, sc_core::sc_time *t,
               uint64_t *bad_addr);

    /* Untimed, uncounted read (TLM debug transport): the functional copy the model decodes
     * weights from; the timed transfers are issued separately by the schedule. */
    bool peek(uint64_t addr, uint8_t *dst, uint32_t len, uint64_t *bad_addr);

    /* The bytes of [addr, addr + len) in place, when one memory holds them all (a
     * MemoryArray: mem/memory_span_ext.h), with its write log; false if the target cannot
     * lend them (the caller copies with peek). Untimed, uncounted. */
    bool span(uint64_t addr, uint32_t len, hq::MemorySpanExtension *out);
    /* A timed read that moves no bytes (the reader has them in place via span): timed and
     * counted exactly as read(). */
    bool read_timing_only(uint64_t addr, uint32_t len, sc_core::sc_time *t, uint64_t *bad_addr);

    uint64_t bytes_read() const { return bytes_read_; }
    uint64_t bytes_written() const { return bytes_written_; }
    uint64_t transactions() const { return transactions_; }
    /* DRAM energy of the transfers, from the DRAM model (DramEnergyExtension): command energy
     * so far, the bytes whose target did not report one (not DRAM), and the DRAM's background
     * power as last reported (0 if none). */
    double dram_command_nj() const { return dram_command_nj_; }
    uint64_t unpriced_bytes() const { return unpriced_bytes_; }
    double dram_background_mw() const { return dram_background_mw_; }

  private:
    bool transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t *data, uint32_t len,
                  sc_core::sc_time *t, uint64_t *bad_addr, bool timing_only = false);
    tlm::tlm_initiator_socket<32> &socket_;
    tlm::tlm_generic_payload gp_; /* reused by transfer(); no memory manager */
    uint64_t bytes_read_ = 0, bytes_written_ = 0, transactions_ = 0, unpriced_bytes_ = 0;
    double dram_command_nj_ = 0, dram_background_mw_ = 0;
};

} // namespace hq::accel

#endif
