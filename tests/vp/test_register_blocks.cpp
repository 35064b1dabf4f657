/* The register-block access rule (model/periph/register_block.h, docs/platform.md "Register
 * blocks") at the edges of each block: `test_register_blocks BLOCK` with BLOCK one of uart,
 * clint, plic, finisher, accel, accel_rtl (the Verilated accelerator behind its AXI4-Lite
 * bridge, --accel-impl rtl). For every width 1/2/4/8: the last valid offset answers OK (or
 * the burst error when the block does not take that width), the first offset past the last
 * register and the block's size answer the address error, a misaligned offset the burst
 * error; byte enables are a burst error; a write to a read-only register answers OK and
 * changes nothing. */
#include "accel/accel_config.h"
#include "accel/hq_accel.h"
#include "periph/clint.h"
#include "periph/plic.h"
#include "periph/register_block.h"
#include "periph/test_finisher.h"
#include "periph/uart_16550.h"
#include "rtl_bridge/rtl_accel_device.h"
#include "tlm_test_util.h"
#include "vp_check.h"

#include <cstring>
#include <memory>
#include <string>

using namespace hq;
using tlm::TLM_ADDRESS_ERROR_RESPONSE;
using tlm::TLM_BURST_ERROR_RESPONSE;
using tlm::TLM_OK_RESPONSE;

namespace {

/* What the test knows of a block: its widths, where its registers end, its size (the first
 * offset that is never decoded), a read-only register (width ro_width) and the block. */
struct BlockCase {
    unsigned widths;
    uint64_t regs_end, size;
    bool has_read_only;
    uint64_t ro_offset;
    unsigned ro_width;
};

tlm::tlm_response_status access(TestInitiator &i, bool write, uint64_t off, unsigned len,
                                uint64_t *value, bool byte_enables = false) {
    tlm::tlm_generic_payload t;
    unsigned char be[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(off);
    t.set_data_ptr(reinterpret_cast<unsigned char *>(value));
    t.set_data_length(len);
    t.set_streaming_width(len);
    if (byte_enables) {
        t.set_byte_enable_ptr(be);
        t.set_byte_enable_length(len);
    }
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    i.socket->b_transport(t, d);
    return t.get_response_status();
}

void check_block(TestInitiator &i, const BlockCase &b) {
    for (unsigned w = 1; w <= 8; w *= 2) {
        const bool takes = b.widths & w;
        const uint64_t last = b.regs_end - w; /* last aligned offset of width w */
        uint64_t v = 0;
        CHECK_EQ(access(i, false, last, w, &v), takes ? TLM_OK_RESPONSE : TLM_BURST_ERROR_RESPONSE);
        CHECK_EQ(access(i, false, b.regs_end, w, &v),
                 takes ? TLM_ADDRESS_ERROR_RESPONSE : TLM_BURST_ERROR_RESPONSE);
        CHECK_EQ(access(i, true, b.regs_end, w, &v),
                 takes ? TLM_ADDRESS_ERROR_RESPONSE : TLM_BURST_ERROR_RESPONSE);
        CHECK_EQ(access(i, false, b.size, w, &v),
                 takes ? TLM_ADDRESS_ERROR_RESPONSE : TLM_BURST_ERROR_RESPONSE);
        if (w > 1) { /* misaligned, inside the registers and straddling their end */
            CHECK_EQ(access(i, false, last + 1, w, &v), TLM_BURST_ERROR_RESPONSE);
            CHECK_EQ(access(i, true, last + w / 2, w, &v), TLM_BURST_ERROR_RESPONSE);
            CHECK_EQ(access(i, false, b.regs_end - w / 2, w, &v), TLM_BURST_ERROR_RESPONSE);
        }
        if (takes) CHECK_EQ(access(i, false, last, w, &v, true), TLM_BURST_ERROR_RESPONSE);
    }
    uint64_t v = 0;
    CHECK_EQ(access(i, false, 0, 3, &v), TLM_BURST_ERROR_RESPONSE);
    CHECK_EQ(access(i, false, 0, 0, &v), TLM_BURST_ERROR_RESPONSE);
    CHECK_EQ(access(i, false, 0, 16, &v), TLM_BURST_ERROR_RESPONSE);
    if (b.has_read_only) {
        uint64_t before = 0, after = 0, ones = ~0ull;
        CHECK_EQ(access(i, false, b.ro_offset, b.ro_width, &before), TLM_OK_RESPONSE);
        CHECK_EQ(access(i, true, b.ro_offset, b.ro_width, &ones), TLM_OK_RESPONSE);
        CHECK_EQ(access(i, false, b.ro_offset, b.ro_width, &after), TLM_OK_RESPONSE);
        CHECK_EQ(after, before);
    }
}

} // namespace

int sc_main(int argc, char *argv[]) {
    const std::string which = argc == 2 ? argv[1] : "";
    TestInitiator cpu("cpu");
    sc_core::sc_signal<bool> irq_a("irq_a"), irq_b("irq_b"), line("line");
    std::unique_ptr<sc_core::sc_module> block;
    std::unique_ptr<ProbeTarget> dram; /* the accelerator's DMA target */
    BlockCase c{};
    accel::AccelConfig acfg;
    accel::EnergyTable energy;
    if (which == "uart") {
        auto *u = new Uart16550("uart", "test_register_blocks_uart.txt");
        u->irq.bind(irq_a);
        cpu.socket.bind(u->socket);
        block.reset(u);
        c = {RegisterBlock::W1 | RegisterBlock::W2 | RegisterBlock::W4,
             8,
             8,
             true,
             Uart16550::LSR,
             1};
    } else if (which == "clint") {
        auto *k = new Clint("clint");
        k->irq_timer.bind(irq_a);
        k->irq_software.bind(irq_b);
        cpu.socket.bind(k->socket);
        block.reset(k);
        /* 0xfff8 is a reserved word: read as zero, writes ignored */
        c = {RegisterBlock::W4 | RegisterBlock::W8, Clint::SIZE, Clint::SIZE, true, 0xfff8, 8};
    } else if (which == "plic") {
        auto *p = new Plic("plic", 4);
        p->sources[0].bind(line);
        p->sources[1].bind(line);
        p->sources[2].bind(line);
        p->sources[3].bind(line);
        p->irq.bind(irq_a);
        cpu.socket.bind(p->socket);
        block.reset(p);
        c = {RegisterBlock::W4, Plic::SIZE, Plic::SIZE, true, Plic::PENDING, 4};
    } else if (which == "finisher") {
        auto *f = new TestFinisher("finisher");
        cpu.socket.bind(f->socket);
        block.reset(f);
        c = {RegisterBlock::W4, 4, 4, false, 0, 0};
    } else if (which == "accel") {
        accel::load_timing_config(HQ_CONFIG_DIR "/timing/default.json", &acfg);
        accel::load_energy_table(HQ_CONFIG_DIR "/energy/default.json", &energy);
        auto *a = new accel::HqAccel("accel", acfg, energy);
        a->irq.bind(irq_a);
        dram.reset(new ProbeTarget("dram"));
        a->dma_socket.bind(dram->socket);
        cpu.socket.bind(a->csr_socket);
        block.reset(a);
        c = {RegisterBlock::W4,     HQ_ACCEL_REG_LAYERS + 4,
             HQ_ACCEL_WINDOW_BYTES, true,
             HQ_ACCEL_REG_ID,       4};
    } else if (which == "accel_rtl") {
        const rtl::AccelCoreConfig *core = nullptr;
        for (const rtl::AccelCoreConfig &k : rtl::accel_core_configs())
            if (!core && !k.uniform) core = &k;
        if (!core) {
            std::fprintf(stderr, "no Verilated accelerator built in\n");
            return 1;
        }
        accel::load_timing_config(HQ_CONFIG_DIR "/timing/default.json", &acfg);
        auto *a = new accel::RtlAccel("accel", acfg, energy, *core);
        a->irq.bind(irq_a);
        dram.reset(new ProbeTarget("dram"));
        a->dma_socket.bind(dram->socket);
        cpu.socket.bind(a->csr_socket);
        block.reset(a);
        c = {RegisterBlock::W4,     HQ_ACCEL_REG_LAYERS + 4,
             HQ_ACCEL_WINDOW_BYTES, true,
             HQ_ACCEL_REG_ID,       4};
    } else {
        std::fprintf(stderr,
                     "usage: test_register_blocks uart|clint|plic|finisher|accel|accel_rtl\n");
        return 2;
    }
    cpu.body = [&] { check_block(cpu, c); };
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
    return vp_report(("test_register_blocks " + which).c_str());
}
