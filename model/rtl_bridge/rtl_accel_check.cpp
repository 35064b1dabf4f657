#include "rtl_accel_check.h"

#include "accel/layout_registry.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <unordered_map>

namespace hq::accel {

namespace {

constexpr uint32_t kPage = 4096;
/* a command with no bus handshake and no state change for this long is a hang (as the device) */
constexpr uint64_t kQuietCycles = 10000000;

/* A sparse copy of the DRAM image: reads of bytes never written are 0, every access answers
 * OKAY at once (no timing: only the RTL's verdict matters here). */
class ScratchBus : public rtl::AccelBus {
  public:
    void store(uint32_t addr, const uint8_t *data, size_t n) {
        for (size_t i = 0; i < n; i++)
            page(addr + (uint32_t)i)[(addr + i) % kPage] = data[i];
    }
    unsigned read(uint32_t addr, uint8_t *data, unsigned len, uint64_t *) override {
        for (unsigned i = 0; i < len; i++) {
            auto it = mem_.find((addr + i) / kPage);
            data[i] = it == mem_.end() ? 0 : it->second[(addr + i) % kPage];
        }
        return rtl::kAxiOkay;
    }
    unsigned write(uint32_t addr, const uint8_t *data, const uint8_t *strb, unsigned len, uint64_t,
                   uint64_t *) override {
        for (unsigned i = 0; i < len; i++)
            if (strb[i]) page(addr + i)[(addr + i) % kPage] = data[i];
        return rtl::kAxiOkay;
    }

  private:
    std::vector<uint8_t> &page(uint32_t addr) {
        std::vector<uint8_t> &p = mem_[addr / kPage];
        if (p.empty()) p.assign(kPage, 0);
        return p;
    }
    std::unordered_map<uint32_t, std::vector<uint8_t>> mem_;
};

const char *error_name(unsigned code) {
    switch (code) {
#define HQ_ERR_NAME_(name, value)                                                                  \
    case value: return "ERR_" #name;
        HQ_ACCEL_ERR_LIST(HQ_ERR_NAME_)
#undef HQ_ERR_NAME_
    }
    return "an unknown error";
}

std::string describe(const hq_accel_desc &d) {
    const char *op = d.op == HQ_ACCEL_OP_CONV      ? "conv"
                     : d.op == HQ_ACCEL_OP_MAXPOOL ? "max-pool"
                                                   : "dense";
    std::string s = std::string(op) + ", layout " + layout_name(d.layout) + " lo " +
                    std::to_string(d.lo_bits) + " hi " + std::to_string(d.hi_bits);
    if (d.layout == HQ_ACCEL_LAYOUT_BLOCK)
        s += " N:M " + std::to_string(d.block_n) + ":" + std::to_string(d.block_m);
    s += ", " + std::to_string(d.rows) + " x " + std::to_string(d.cols);
    if (d.flags & ~(HQ_ACCEL_FLAG_RELU | HQ_ACCEL_FLAG_LAST))
        s += ", flags 0x" + [](unsigned f) {
            char b[8];
            std::snprintf(b, sizeof b, "%x", f);
            return std::string(b);
        }(d.flags);
    /* the signed modes by name (docs/arith.md section 7b) */
    if (d.flags & HQ_ACCEL_FLAG_SIGNED_IN) s += " (FLAG_SIGNED_IN: int8 inputs)";
    if (d.flags & HQ_ACCEL_FLAG_SIGNED_OUT) s += " (FLAG_SIGNED_OUT: int8 outputs)";
    if (d.clamp_hi) s += ", CLAMP_HI " + std::to_string(d.clamp_hi) + " (ReLU6)";
    return s;
}

} // namespace

std::string rtl_accel_error_meaning(const rtl::AccelCoreConfig &c, unsigned code) {
    const std::string hi = std::to_string(c.hi);
    switch (code) {
    case HQ_ACCEL_ERR_LAYOUT:
        if (c.uniform) return "the uniform8 array runs the dense layout only (every weight width)";
        return std::string(c.split ? "the split" : "the lanegroup") +
               " array runs dense with lo 0 to 4, block (any N:M), coo and rowgroup "
               "with lo 1 to 4, escape with lo 2 to 4, each with hi <= " +
               hi;
    case HQ_ACCEL_ERR_BUF_OVERFLOW:
        return "its buffers take at most " + std::to_string(c.nb_max * c.lanes) + " inputs, " +
               std::to_string(c.max_rows) + " rows, " + std::to_string(c.obuf_bytes) +
               " output bytes per image, " + std::to_string(c.img_bytes) +
               " bytes of input feature map (conv, max-pool) and " + std::to_string(c.vbuf_bytes) +
               " bytes of escape values or coo entries per layer";
    case HQ_ACCEL_ERR_BAD_DESC:
        return "a descriptor field out of the RTL's range (operation, flags, batch, widths)";
    case HQ_ACCEL_ERR_BAD_SHAPE:
        return "a shape the RTL does not take (sizes, kernel, stride, padding, pooling)";
    case HQ_ACCEL_ERR_WEIGHTS: return "its decoders find the weight image malformed";
    case HQ_ACCEL_ERR_BAD_ADDR: return "an address outside memory";
    }
    return "see docs/regmap.md";
}

std::string rtl_accel_check(const rtl::AccelCoreConfig &c, const std::vector<hq_accel_desc> &descs,
                            const std::vector<std::string> &names,
                            const std::vector<RtlCheckSegment> &dram) {
    ScratchBus bus;
    uint32_t end = 0;
    for (const RtlCheckSegment &s : dram) {
        bus.store(s.addr, s.data, s.size);
        end = std::max(end, s.addr + (uint32_t)s.size);
    }
    const uint32_t desc_addr = (end + 63) & ~63u; /* past the image */
    std::unique_ptr<rtl::AccelCore> core = c.make(bus);
    for (size_t i = 0; i < descs.size(); i++) {
        /* at most two images of a batch: the checks of a batch (strides) hold, the cost stays
         * that of two images whatever --batch is */
        hq_accel_desc d = descs[i];
        d.batch = std::min<uint32_t>(d.batch, 2);
        const std::string who = "layer " + std::to_string(i) +
                                (i < names.size() ? " (" + names[i] + ")" : std::string()) + ": " +
                                describe(d) + "; the RTL configuration '" + c.name + "' ";
        bus.store(desc_addr, reinterpret_cast<const uint8_t *>(&d), sizeof d);
        core->reg_write(HQ_ACCEL_REG_DESC_ADDR, desc_addr);
        core->reg_write(HQ_ACCEL_REG_DESC_COUNT, 1);
        core->reg_write(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
        /* until STATUS says the command ended (the command unit leaves idle a few cycles
         * after START) */
        uint32_t status = HQ_ACCEL_STATUS_BUSY;
        while (status & HQ_ACCEL_STATUS_BUSY) {
            core->tick();
            while (!core->idle()) {
                core->tick();
                if (core->cycle() - core->last_activity() > kQuietCycles)
                    return who + "stopped moving (command unit state " +
                           std::to_string(core->state()) + ") before the simulation";
            }
            core->reg_read(HQ_ACCEL_REG_STATUS, &status);
        }
        if (status & HQ_ACCEL_STATUS_ERROR) {
            const unsigned code = status >> HQ_ACCEL_STATUS_ERR_SHIFT & HQ_ACCEL_STATUS_ERR_MASK;
            return who + "refuses it with " + error_name(code) + ": " +
                   rtl_accel_error_meaning(c, code) + " (docs/rtl-accel.md)";
        }
    }
    return "";
}

} // namespace hq::accel
