/* The Verilated whole accelerator (rtl/accel/hq_accel.v, docs/rtl-accel.md) behind a plain C++
 * interface, for `hqsim run --accel-impl rtl` (rtl_accel_device.cpp). The core is the C++ model
 * Verilator makes (not --sc): the device steps it from its own SC_THREAD, so a clock cycle costs
 * one or two eval() calls (rtl_accel_core.inc) and no SystemC event. Its AXI4 master is served
 * through AccelBus (the device turns each burst into one TLM transaction); its AXI4-Lite slave
 * through reg_read / reg_write. Each configuration (rtl_accel_core.inc, compiled once per Verilated
 * build) is one entry of accel_core_configs(); no Verilator type leaks out of this header. */
#ifndef HQ_RTL_ACCEL_CORE_H
#define HQ_RTL_ACCEL_CORE_H

#include <cstdint>
#include <memory>
#include <vector>

namespace hq::rtl {

/* AXI responses. */
enum : unsigned { kAxiOkay = 0, kAxiSlvErr = 2, kAxiDecErr = 3 };

/* What the core asks of the platform. Both calls return the AXI response and, in *done_cycle,
 * the cycle at which the data has arrived / the write has completed (>= the current cycle). A
 * read starts at the core's current cycle (its address handshake); a write, whose data the core
 * has handed over beat by beat before the call, starts at start_cycle (its address handshake,
 * <= the current cycle), so its beats cross the bus once, as they would through an
 * interconnect, not once in the core's W channel and again in the transaction. */
class AccelBus {
  public:
    virtual ~AccelBus() = default;
    virtual unsigned read(uint32_t addr, uint8_t *data, unsigned len, uint64_t *done_cycle) = 0;
    /* strb[i] != 0: byte i is written. */
    virtual unsigned write(uint32_t addr, const uint8_t *data, const uint8_t *strb, unsigned len,
                           uint64_t start_cycle, uint64_t *done_cycle) = 0;
    /* A read burst was accepted at this address (the device watches descriptor fetches). */
    virtual void read_issued(uint32_t addr) { (void)addr; }
};

class AccelCore {
  public:
    virtual ~AccelCore() = default;
    /* One clock cycle: the AXI master's bursts go to the bus, its data comes back at the
     * cycles the bus gave (one beat per cycle at most, in order). */
    virtual void tick() = 0;
    virtual uint64_t cycle() const = 0;
    virtual bool irq() const = 0;
    /* The command unit is idle and no burst is in flight. */
    virtual bool idle() const = 0;
    /* AXI4-Lite accesses (32 bits, all byte lanes), ticking until the response. Return the
     * AXI response, or -1 if the slave did not answer within 1,000 cycles. */
    virtual int reg_read(uint32_t off, uint32_t *v) = 0;
    virtual int reg_write(uint32_t off, uint32_t v) = 0;
    /* The last cycle with an AXI handshake or a change of the command unit's state, and that
     * state (the top's dbg_state), to tell a hang from a long command. */
    virtual uint64_t last_activity() const = 0;
    virtual unsigned state() const = 0;
    /* Cycles a read beat was awaited (the top's dbg_rd_stall), since reset. */
    virtual uint64_t rd_stall_cycles() const = 0;
};

/* A Verilated configuration: the pe_tile parameters (rtl/configs.json) and the top's own. */
struct AccelCoreConfig {
    const char *name; /* rtl/configs.json name */
    bool uniform;     /* uniform8 array; else the lane-group or (split) the split array */
    int lanes, g, m, n, lo, hi, nb_max;
    bool split;                   /* the split array (pe_array_split.v) */
    int hmacs;                    /* split: MACs of its high-precision unit */
    int dw, max_rows, obuf_bytes; /* AXI data width (bits), row and output buffer limits */
    int img_bytes, vbuf_bytes;    /* im2col (feature map) and escape/coo value buffers */
    std::unique_ptr<AccelCore> (*make)(AccelBus &bus);
};

/* The configurations built in (empty without Verilator, HQSIM_HAVE_RTL_ACCEL). */
const std::vector<AccelCoreConfig> &accel_core_configs();

} // namespace hq::rtl

#endif
