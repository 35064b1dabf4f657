/* Router: address decode and translation, error responses, DMI and debug pass-through with
 * translation, DMI invalidation, per-target latency and contention between two initiators. */
#include "bus/router.h"
#include "mem/sram.h"
#include "tlm_test_util.h"
#include "vp_check.h"

using namespace hq;
using sc_core::SC_NS;
using sc_core::sc_time;

int sc_main(int, char *[]) {
    BusConfig bc;
    bc.clock_hz = 100e6; /* 10 ns cycle */
    bc.width_bytes = 8;
    Router router("router", bc);
    const sc_time cyc(10, SC_NS);

    SramConfig sc;
    sc.size = 0x1000;
    sc.clock_hz = 100e6;
    sc.latency_cycles = 1;
    sc.width_bytes = 8;
    Sram ram("ram", sc);
    SramConfig sc2 = sc;
    sc2.size = 0x100;
    Sram ram2("ram2", sc2);
    ProbeTarget probe("probe");
    const sc_time ram_lat(20, SC_NS);

    router.attach(ram.socket, "ram", 0x1000, 0x1000, ram_lat);
    router.attach(probe.socket, "probe", 0x8000, 0x100, sc_core::SC_ZERO_TIME, false);
    router.attach(ram2.socket, "ram2", 0x9000, 0x100, sc_core::SC_ZERO_TIME, true, 32);

    /* Overlaps are refused before anything is bound, naming both regions. */
    Sram extra("extra", sc);
    CHECK(throws_with<std::invalid_argument>(
        [&] { router.attach(extra.socket, "extra", 0x1800, 0x1000); }, {"extra", "ram"}));
    CHECK(throws_with<std::invalid_argument>(
        [&] { router.attach(extra.socket, "extra", 0xffffff00, 0x200); }, {"32-bit"}));
    router.attach(extra.socket, "extra", 0xa000, 0x1000); /* a valid attach still works */

    TestInitiator a("a"), b("b");
    a.socket.bind(router.target_socket);
    b.socket.bind(router.target_socket);

    sc_time contention_a, contention_b, parallel_b;
    a.body = [&] {
        sc_time d;
        /* decode + translation: 0x1010 lands at offset 0x10 of ram */
        CHECK(a.write32(0x1010, 0xdeadbeef, d) == tlm::TLM_OK_RESPONSE);
        uint32_t w;
        std::memcpy(&w, ram.memory().data() + 0x10, 4);
        CHECK_EQ(w, 0xdeadbeefu);
        /* latency by hand: router latency + max(one 8-byte beat, SRAM first-beat cycle) */
        CHECK(d == ram_lat + cyc);
        /* (d keeps accumulating: an initiator never goes back in time) */
        CHECK_EQ(a.read32(0x1010, d), 0xdeadbeefu);
        CHECK(a.read32(0x8004, d) == 0xabababab);
        CHECK_EQ(probe.last_addr, uint64_t(4));

        /* unmapped and region-crossing accesses */
        tlm::tlm_response_status st;
        a.read32(0x4000, d, &st);
        CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        uint64_t big = 0;
        CHECK(a.access(false, 0x1ffc, &big, 8, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(a.access(false, 0x80fc, &big, 8, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK_EQ(router.unmapped_accesses(), uint64_t(3));
        CHECK_EQ(probe.count, 1u); /* the crossing access never reached the probe */

        /* debug transport, translated, also across regions */
        uint8_t buf[4] = {1, 2, 3, 4};
        CHECK_EQ(router.debug_access(0x1ffe, buf, 4, true), 2u); /* 0x2000 is unmapped */
        CHECK_EQ(ram.memory().data()[0xfff], 2);
        tlm::tlm_generic_payload t;
        uint32_t v = 0;
        t.set_command(tlm::TLM_READ_COMMAND);
        t.set_address(0x1010);
        t.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        t.set_data_length(4);
        CHECK_EQ(a.socket->transport_dbg(t), 4u);
        CHECK_EQ(v, 0xdeadbeefu);
        t.set_address(0x5000);
        CHECK_EQ(a.socket->transport_dbg(t), 0u);

        /* DMI: granted range and pointer are in global addresses */
        tlm::tlm_dmi dmi;
        t.set_address(0x1234);
        CHECK(a.socket->get_direct_mem_ptr(t, dmi));
        CHECK_EQ(dmi.get_start_address(), uint64_t(0x1000));
        CHECK_EQ(dmi.get_end_address(), uint64_t(0x1fff));
        CHECK(dmi.get_dmi_ptr() == ram.memory().data());
        CHECK(dmi.get_read_latency() == ram_lat + cyc + cyc);
        t.set_address(0x8010); /* the probe region refuses DMI */
        tlm::tlm_dmi dmi2;
        CHECK(!a.socket->get_direct_mem_ptr(t, dmi2));
        t.set_address(0x4000); /* unmapped */
        CHECK(!a.socket->get_direct_mem_ptr(t, dmi2));

        /* a target's invalidation reaches every initiator in global addresses */
        probe.socket->invalidate_direct_mem_ptr(0x10, 0x1000);
        CHECK_EQ(a.inval_start, uint64_t(0x8010));
        CHECK_EQ(a.inval_end, uint64_t(0x80ff)); /* clipped to the region */
        CHECK_EQ(b.inval_start, uint64_t(0x8010));

        /* contention: a and b both send 64 bytes to ram at t = 1 us */
        wait(sc_time(1, sc_core::SC_US) - sc_core::sc_time_stamp());
        uint8_t blk[64] = {0};
        sc_time da;
        a.access(true, 0x1100, blk, 64, da);
        contention_a = da;
    };
    b.body = [&] {
        wait(sc_time(1, sc_core::SC_US));
        uint8_t blk[64] = {0};
        sc_time db;
        b.access(true, 0x1200, blk, 64, db);
        contention_b = db;
        /* at t = 2 us: a different target, nobody else on it */
        wait(sc_time(1, sc_core::SC_US));
        sc_time dp;
        b.access(true, 0x9000, blk, 64, dp);
        parallel_b = dp;
    };

    sc_core::sc_start();

    /* 64 bytes = 8 beats on the port, overlapping the SRAM's 1 cycle + 7 more beats */
    const sc_time alone = ram_lat + cyc * 8.0;
    const sc_time first = std::min(contention_a, contention_b);
    const sc_time second = std::max(contention_a, contention_b);
    CHECK(first == alone);
    CHECK(second == alone + cyc * 8.0); /* waited for the other's 8 beats */
    /* ram2's port is 32 bytes wide: 2 beats, hidden behind the SRAM's own 8 cycles */
    CHECK(parallel_b == cyc * 8.0);
    const unsigned ram2_port = router.address_map().decode(0x9000)->port;
    CHECK(router.port_stats(ram2_port).busy == cyc * 2.0);
    const unsigned ram_port = router.address_map().decode(0x1000)->port;
    CHECK(router.port_stats(ram_port).contention == cyc * 8.0);
    std::printf("contention: first %s, second %s\n", first.to_string().c_str(),
                second.to_string().c_str());
    return vp_report("test_router");
}
