/* Peripherals on their own: UART output and THRE interrupt, CLINT mtime / timer and
 * software interrupts (timing by hand), PLIC priorities / claim / complete / threshold.
 * `test_periph finisher VALUE EXPECTED` checks one test-finisher write instead. */
#include "periph/clint.h"
#include "periph/plic.h"
#include "periph/test_finisher.h"
#include "periph/uart_16550.h"
#include "tlm_test_util.h"
#include "vp_check.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace hq;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

static int run_finisher(uint32_t value, int expected) {
    TestFinisher fin("finisher");
    TestInitiator cpu("cpu");
    cpu.socket.bind(fin.socket);
    bool returned = false;
    cpu.body = [&] {
        wait(sc_time(1, SC_US));
        sc_time d(123, SC_NS); /* the CPU is 123 ns ahead in its quantum */
        CHECK(cpu.write32(0, value, d) == tlm::TLM_OK_RESPONSE);
        returned = true;
    };
    sc_core::sc_start(sc_time(10, SC_US));
    if (expected >= 0) {
        CHECK(fin.finished());
        CHECK_EQ(fin.exit_code(), expected);
        CHECK(sc_core::sc_time_stamp() == sc_time(1123, SC_NS)); /* stopped at local time */
    } else {
        CHECK(!fin.finished()); /* ignored value: simulation runs to the limit */
        CHECK(returned);
        CHECK(sc_core::sc_time_stamp() == sc_time(10, SC_US));
    }
    return vp_report("test_periph finisher");
}

int sc_main(int argc, char *argv[]) {
    if (argc == 4 && !std::strcmp(argv[1], "finisher"))
        return run_finisher(uint32_t(std::strtoul(argv[2], nullptr, 0)), std::atoi(argv[3]));

    const char *uart_file = "test_periph_uart.txt";
    Uart16550 uart("uart", uart_file);
    Clint clint("clint", 10e6); /* 100 ns per tick */
    Plic plic("plic", 8);
    sc_core::sc_signal<bool> uart_irq("uart_irq"), mtip("mtip"), msip("msip"), meip("meip");
    sc_core::sc_signal<bool> lines[8];
    uart.irq.bind(uart_irq);
    clint.irq_timer.bind(mtip);
    clint.irq_software.bind(msip);
    for (unsigned i = 0; i < 8; i++)
        plic.sources[i].bind(lines[i]);
    plic.irq.bind(meip);

    TestInitiator u("u"), c("c"), p("p");
    u.socket.bind(uart.socket);
    c.socket.bind(clint.socket);
    p.socket.bind(plic.socket);

    u.body = [&] {
        sc_time d;
        uint8_t b;
        auto wr = [&](unsigned off, uint8_t v) {
            CHECK(u.access(true, off, &v, 1, d) == 0 + tlm::TLM_OK_RESPONSE);
        };
        auto rd = [&](unsigned off) {
            b = 0;
            u.access(false, off, &b, 1, d);
            return b;
        };
        CHECK_EQ(rd(Uart16550::LSR), uint8_t(0x60)); /* THR empty, transmitter idle */
        wr(Uart16550::LCR, 0x83);                    /* DLAB: divisor latch, no output */
        wr(0, 0x01);
        wr(1, 0x00);
        wr(Uart16550::LCR, 0x03); /* 8N1 */
        for (const char *s = "Hi\n"; *s; s++)
            wr(0, uint8_t(*s));
        CHECK_EQ(uart.chars_sent(), uint64_t(3));
        wr(Uart16550::IIR_FCR, 0x07); /* FIFOs on */
        wait(sc_time(1, SC_NS));
        CHECK(!uart_irq.read());
        wr(Uart16550::IER_DLM, Uart16550::IER_ETBEI);
        wait(sc_time(1, SC_NS));
        CHECK(uart_irq.read()); /* THR empty + ETBEI */
        CHECK_EQ(rd(Uart16550::IIR_FCR), uint8_t(0xc2));
        wait(sc_time(1, SC_NS));
        CHECK(!uart_irq.read()); /* reading IIR acknowledged it */
        CHECK_EQ(rd(Uart16550::IIR_FCR), uint8_t(0xc1));
        wr(0, uint8_t('!'));
        wait(sc_time(1, SC_NS));
        CHECK(uart_irq.read()); /* sent: empty again */
        uint8_t bad = 0;
        CHECK(u.access(false, 8, &bad, 1, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    };

    c.body = [&] {
        sc_time d;
        auto rd64 = [&](uint64_t off) {
            uint64_t v = 0;
            c.access(false, off, &v, 8, d);
            return v;
        };
        auto wr64 = [&](uint64_t off, uint64_t v) { c.access(true, off, &v, 8, d); };
        CHECK_EQ(rd64(Clint::MTIME), uint64_t(0));
        wait(sc_time(1, SC_US));
        CHECK_EQ(rd64(Clint::MTIME), uint64_t(10));          /* 10 MHz */
        CHECK_EQ(c.read32(Clint::MTIMECMP, d), 0xffffffffu); /* reset value: never */
        CHECK(!mtip.read());
        /* 32-bit halves, low first, as RV32 firmware writes it */
        c.write32(Clint::MTIMECMP, 50, d);
        c.write32(Clint::MTIMECMP + 4, 0, d);
        CHECK(!mtip.read());
        wait(mtip.posedge_event());
        CHECK(sc_core::sc_time_stamp() == sc_time(5, SC_US)); /* 50 ticks x 100 ns */
        /* writing mtimecmp clears MTIP before the write returns (the initiator syncs) */
        wr64(Clint::MTIMECMP, ~0ull);
        CHECK(!mtip.read());
        /* a write issued 300 ns ahead in the initiator's quantum counts from that time */
        d = sc_time(300, SC_NS);
        wr64(Clint::MTIMECMP, rd64(Clint::MTIME) + 2); /* mtime(5.3 us) = 53 -> 55 */
        CHECK(sc_core::sc_time_stamp() == sc_time(5300, SC_NS));
        wait(mtip.posedge_event());
        CHECK(sc_core::sc_time_stamp() == sc_time(5500, SC_NS));
        wr64(Clint::MTIMECMP, ~0ull);
        /* mtime is writable; it keeps counting from the written value */
        wr64(Clint::MTIME, 1000);
        wait(sc_time(1, SC_US));
        CHECK_EQ(rd64(Clint::MTIME), uint64_t(1010));
        /* msip */
        c.write32(Clint::MSIP, 1, d);
        CHECK(msip.read());
        c.write32(Clint::MSIP, 0, d);
        CHECK(!msip.read());
        tlm::tlm_response_status st;
        c.read32(Clint::MSIP + 2, d, &st); /* misaligned: the register-block rule */
        CHECK(st == tlm::TLM_BURST_ERROR_RESPONSE);
    };

    p.body = [&] {
        sc_time d;
        p.write32(Plic::PRIORITY + 4 * 3, 2, d);
        p.write32(Plic::PRIORITY + 4 * 5, 1, d);
        p.write32(Plic::ENABLE, (1u << 3) | (1u << 5), d);
        p.write32(Plic::THRESHOLD, 0, d);
        CHECK_EQ(p.read32(Plic::PRIORITY + 4 * 3, d), 2u);
        CHECK(!meip.read());
        lines[4].write(true); /* source 5 */
        wait(sc_time(1, SC_NS));
        CHECK(meip.read());
        CHECK_EQ(p.read32(Plic::PENDING, d), 1u << 5);
        lines[2].write(true); /* source 3, higher priority */
        wait(sc_time(1, SC_NS));
        CHECK_EQ(p.read32(Plic::CLAIM, d), 3u);
        CHECK(meip.read()); /* 5 still pending */
        CHECK_EQ(p.read32(Plic::CLAIM, d), 5u);
        CHECK(!meip.read()); /* both in service: no interrupt although the lines are high */
        CHECK_EQ(p.read32(Plic::CLAIM, d), 0u);
        lines[4].write(false);
        wait(sc_time(1, SC_NS));
        p.write32(Plic::CLAIM, 5, d); /* complete 5: line low, stays quiet */
        CHECK(!meip.read());
        p.write32(Plic::CLAIM, 3, d); /* complete 3: line still high, pending again */
        CHECK(meip.read());
        p.write32(Plic::THRESHOLD, 2, d); /* priority 2 is not above threshold 2 */
        CHECK(!meip.read());
        p.write32(Plic::THRESHOLD, 1, d);
        CHECK(meip.read());
        p.write32(Plic::ENABLE, 0, d); /* disabled */
        CHECK(!meip.read());
        tlm::tlm_response_status st;
        p.read32(Plic::SIZE, d, &st);
        CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    };

    sc_core::sc_start();

    uart.flush();
    std::ifstream in(uart_file);
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK(ss.str() == "Hi\n!"); /* nothing from the divisor-latch writes */
    return vp_report("test_periph");
}
