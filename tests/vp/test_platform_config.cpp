/* Platform configs: every validation error names the file and the key; the shipped configs
 * build; a device type registered from outside model/platform (as model/accel does) is
 * created from config, mapped, gets its interrupt line and its DMA contends on the bus. */
#include "mem/dram_energy_ext.h"
#include "platform/dram_preset.h"
#include "platform/platform.h"
#include "tlm_test_util.h"
#include "vp_check.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <fstream>

using namespace hq;

/* ---- a plug-in device, registered the way model/accel registers its accelerator ---- */
struct FakeAccel : sc_core::sc_module, Device {
    tlm_utils::simple_target_socket<FakeAccel> regs;
    tlm_utils::simple_initiator_socket<FakeAccel> dma;
    sc_core::sc_out<bool> irq;
    unsigned irq_source;
    uint32_t dma_bytes;
    sc_core::sc_time dma_delay;
    DramEnergyExtension dma_energy; /* what the DRAM reported for the DMA */
    SC_HAS_PROCESS(FakeAccel);
    FakeAccel(sc_core::sc_module_name name, const DeviceContext &ctx)
        : sc_module(name), regs("regs"), dma("dma"), irq("irq"), irq_source(ctx.irq) {
        ctx.params.allow_only({"dma_bytes"});
        dma_bytes = uint32_t(ctx.params.u64("dma_bytes", 1, 1 << 20));
        regs.register_b_transport(this, &FakeAccel::b_transport);
    }
    /* a register write starts a DMA read of dma_bytes from DRAM, then raises the irq */
    void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay) {
        if (t.is_write()) {
            std::vector<uint8_t> buf(dma_bytes);
            tlm::tlm_generic_payload d;
            d.set_command(tlm::TLM_READ_COMMAND);
            d.set_address(0x80000000);
            d.set_data_ptr(buf.data());
            d.set_data_length(dma_bytes);
            d.set_streaming_width(dma_bytes);
            d.set_extension(&dma_energy);
            sc_core::sc_time dd = delay;
            dma->b_transport(d, dd);
            d.clear_extension(&dma_energy);
            dma_delay = dd - delay;
            irq.write(true);
        }
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
    tlm::tlm_target_socket<32> *target_socket() override { return &regs; }
    tlm::tlm_initiator_socket<32> *initiator_socket() override { return &dma; }
    void wire(Wiring &w) override { irq.bind(w.irq_line(irq_source)); }
    void report(nlohmann::json &j) const override { j["dma_bytes"] = dma_bytes; }
};

static DeviceRegistration fake_accel_registration("fake_accel", [](const DeviceContext &ctx) {
    return std::unique_ptr<Device>(new FakeAccel(ctx.name.c_str(), ctx));
});

/* ---- helpers ---- */
static const char *kDevices =
    R"([ { "name": "fin", "type": "test_finisher", "base": "0x100000", "size": "0x1000" },
         { "name": "ram", "type": "sram", "base": "0x80000000", "size": "0x10000" } ])";

static std::string write_config(const std::string &name, const std::string &text) {
    std::ofstream(name) << text;
    return name;
}

static bool config_rejects(const char *name, const std::string &text,
                           std::initializer_list<const char *> parts) {
    std::printf("reject %s\n", name);
    const std::string path = write_config(std::string(name) + ".json", text);
    return throws_with<ConfigError>([&] { load_platform_config(path); }, parts);
}

static int platform_count = 0;
static bool build_rejects(const char *name, const std::string &text,
                          std::initializer_list<const char *> parts) {
    std::printf("reject (build) %s\n", name);
    const std::string path = write_config(std::string(name) + ".json", text);
    return throws_with<ConfigError>(
        [&] {
            PlatformConfig pc = load_platform_config(path);
            Platform p(("bad" + std::to_string(platform_count++)).c_str(), pc);
        },
        parts);
}

static std::string with_devices(const std::string &devices) {
    return R"({ "cpu": { "clock_hz": 1e8 }, "devices": )" + devices + "}";
}

/* Failed builds leave half-made modules behind, so they run in a process that never starts
 * the simulation: `test_platform_config errors`. */
static int check_errors() {
    /* ---- schema errors, found while loading ---- */
    CHECK(config_rejects("bus_width_3",
                         R"({ "bus": { "width_bytes": 3 }, "devices": )" + std::string(kDevices) +
                             "}",
                         {"bus.width_bytes", "3 is not a power of two"}));
    CHECK(config_rejects(
        "port_width_12",
        with_devices(
            R"([ { "name": "a", "type": "sram", "base": 0, "size": 16, "port_width_bytes": 12 } ])"),
        {"devices[0].port_width_bytes", "12 is not a power of two"}));
    CHECK(config_rejects("syntax", "{ \"devices\": [ }", {"syntax.json", "invalid JSON"}));
    CHECK(config_rejects("unknown_top",
                         R"({ "cpuu": {}, "devices": )" + std::string(kDevices) + "}",
                         {"unknown_top.json", "cpuu", "unknown key"}));
    CHECK(config_rejects("no_devices", R"({ "cpu": {} })",
                         {"no_devices.json", "devices", "missing"}));
    CHECK(config_rejects("no_name",
                         with_devices(R"([ { "type": "sram", "base": 0, "size": 16 } ])"),
                         {"devices[0].name", "missing"}));
    CHECK(config_rejects(
        "typo_key", with_devices(R"([ { "name": "a", "type": "sram", "base": 0, "szie": 16 } ])"),
        {"devices[0].szie", "unknown key"}));
    CHECK(config_rejects("base_no_size",
                         with_devices(R"([ { "name": "a", "type": "sram", "base": 0 } ])"),
                         {"devices[0].size", "missing"}));
    CHECK(config_rejects("overlap", with_devices(R"([
              { "name": "a", "type": "sram", "base": "0x1000", "size": "0x1000" },
              { "name": "b", "type": "sram", "base": "0x1800", "size": "0x100" } ])"),
                         {"overlap.json", "devices[1].base", "overlaps", "'a'"}));
    CHECK(config_rejects(
        "past_4g",
        with_devices(
            R"([ { "name": "a", "type": "sram", "base": "0xffff0000", "size": "0x20000" } ])"),
        {"devices[0].size", "32-bit"}));
    CHECK(config_rejects(
        "bad_hex",
        with_devices(R"([ { "name": "a", "type": "sram", "base": "0xZZ", "size": 16 } ])"),
        {"devices[0].base", "0xZZ"}));
    CHECK(config_rejects(
        "negative", with_devices(R"([ { "name": "a", "type": "sram", "base": -4, "size": 16 } ])"),
        {"devices[0].base", "negative"}));
    CHECK(config_rejects("dup_name", with_devices(R"([
              { "name": "a", "type": "sram", "base": 0, "size": 16 },
              { "name": "a", "type": "sram", "base": 16, "size": 16 } ])"),
                         {"devices[1].name", "already used"}));
    CHECK(config_rejects(
        "reserved_name",
        with_devices(R"([ { "name": "router", "type": "sram", "base": 0, "size": 16 } ])"),
        {"devices[0].name", "reserved"}));
    CHECK(config_rejects("dup_irq", with_devices(R"([
              { "name": "a", "type": "ns16550a", "base": 0, "size": 16, "irq": 3 },
              { "name": "b", "type": "ns16550a", "base": 16, "size": 16, "irq": 3 } ])"),
                         {"devices[1].irq", "already used"}));
    CHECK(config_rejects(
        "quantum", R"({ "cpu": { "quantum_ns": 0 }, "devices": )" + std::string(kDevices) + "}",
        {"cpu.quantum_ns", "must be in"}));
    CHECK(config_rejects(
        "cpi", R"({ "cpu": { "cpi": { "fpu": 3 } }, "devices": )" + std::string(kDevices) + "}",
        {"cpu.cpi.fpu", "unknown key"}));
    CHECK(config_rejects("misaligned",
                         R"({ "cpu": { "misaligned_traps": "no" }, "devices": )" +
                             std::string(kDevices) + "}",
                         {"cpu.misaligned_traps"}));
    {
        const std::string path = write_config(
            "misaligned_ok.json",
            R"({ "cpu": { "misaligned_traps": false }, "devices": )" + std::string(kDevices) + "}");
        CHECK(!load_platform_config(path).cpu.misaligned_traps);
        CHECK(load_platform_config(write_config("misaligned_default.json", with_devices(kDevices)))
                  .cpu.misaligned_traps);
    }
    CHECK(config_rejects(
        "bus_width", R"({ "bus": { "width_bytes": 0 }, "devices": )" + std::string(kDevices) + "}",
        {"bus.width_bytes"}));
    CHECK(config_rejects("missing_file_x", "", {"missing_file_x.json"}));
    /* Issue 20: a value of the wrong type nested 60,000 levels deep (the fuzz reproducer)
     * overflowed the stack when the message printed it (SIGSEGV); nesting is bounded while
     * parsing, and a bad value is shown as a short excerpt. */
    CHECK(config_rejects("deep_nesting",
                         R"({ "cpu": { "clock_hz": )" + std::string(60000, '[') +
                             std::string(60000, ']') + R"( }, "devices": )" + kDevices + "}",
                         {"deep_nesting.json", "nested deeper than 64 levels"}));
    {
        /* 64 levels parse (top object, cpu, 62 arrays); the message cuts the value. */
        const std::string path = write_config(
            "deep_ok.json", R"({ "cpu": { "clock_hz": )" + std::string(62, '[') + "1" +
                                std::string(62, ']') + R"( }, "devices": )" + kDevices + "}");
        std::string msg;
        try {
            load_platform_config(path);
        } catch (const ConfigError &e) {
            msg = e.what();
        }
        CHECK(msg.find("cpu.clock_hz: must be a number, got [[[[") != std::string::npos &&
              msg.find("...") != std::string::npos && msg.size() < 120);
        if (msg.size() >= 120 || msg.find("...") == std::string::npos)
            std::fprintf(stderr, "  message: %.200s\n", msg.c_str());
    }
    CHECK(throws_with<ConfigError>([] { load_platform_config("no/such/platform.json"); },
                                   {"no/such/platform.json", "cannot open"}));

    /* ---- errors found by the device factories while building ---- */
    CHECK(
        build_rejects("unknown_type",
                      with_devices(R"([ { "name": "a", "type": "npu", "base": 0, "size": 16 } ])"),
                      {"devices[0].type", "unknown device type 'npu'", "dram", "fake_accel"}));
    CHECK(build_rejects(
        "plic_sources",
        with_devices(
            R"([ { "name": "p", "type": "plic", "base": "0xc000000", "size": "0x400000", "params": { "sources": 5000 } } ])"),
        {"devices[0].params.sources", "must be in"}));
    CHECK(build_rejects(
        "param_typo",
        with_devices(
            R"([ { "name": "c", "type": "clint", "base": "0x2000000", "size": "0x10000", "params": { "mtime": 5 } } ])"),
        {"devices[0].params.mtime", "unknown key"}));
    CHECK(build_rejects(
        "small_window",
        with_devices(
            R"([ { "name": "c", "type": "clint", "base": "0x2000000", "size": "0x100" } ])"),
        {"devices[0]", "size"}));
    CHECK(build_rejects("no_window", with_devices(R"([ { "name": "u", "type": "ns16550a" } ])"),
                        {"no_window.json", "devices[0].size", "register window"}));
    CHECK(build_rejects(
        "irq_no_plic",
        with_devices(R"([ { "name": "u", "type": "ns16550a", "base": 0, "size": 8, "irq": 4 } ])"),
        {"devices[0].irq", "plic"}));
    CHECK(build_rejects("irq_range", with_devices(R"([
              { "name": "p", "type": "plic", "base": "0xc000000", "size": "0x400000", "params": { "sources": 4 } },
              { "name": "u", "type": "ns16550a", "base": 0, "size": 8, "irq": 9 } ])"),
                        {"devices[1].irq", "4 sources"}));
    CHECK(build_rejects(
        "dram_preset_missing",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x1000", "params": { "preset": "nope.json" } } ])"),
        {"nope.json", "cannot open"}));
    CHECK(build_rejects(
        "dram_preset_bad",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x1000", "params": { "preset": {
              "part": "x", "source": "y", "clock_hz": 8e8, "bus_width_bits": 32, "banks": 8, "rows": 1024,
              "row_bytes": 4096, "burst_length": 8, "tCL": 11, "tCWL": 8, "tRCD": 11, "tRP": 11,
              "tRAS": 0, "tWR": 12, "tRTP": 6, "tCCD": 4 } } } ])"),
        {"devices[0].params.preset.tRAS", "must be in"}));
    CHECK(build_rejects(
        "dram_override_scheduler",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x1000", "params": {
              "preset": ")" HQ_CONFIG_DIR R"(/dram/ddr4-2400-x8-64bit.json",
              "overrides": { "controller": { "source": "s", "scheduler": "lifo" } } } } ])"),
        {"scheduler", "\"fr-fcfs\" or \"fcfs\""}));
    CHECK(build_rejects(
        "dram_override_map",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x1000", "params": {
              "preset": ")" HQ_CONFIG_DIR R"(/dram/ddr4-2400-x8-64bit.json",
              "overrides": { "controller": { "source": "s", "address_map": "nope" } } } } ])"),
        {"\"nope\" is not defined", "row_bank_column, bank_group_interleaved"}));
    CHECK(build_rejects(
        "dram_override_refresh",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x1000", "params": {
              "preset": ")" HQ_CONFIG_DIR R"(/dram/ddr3-1600-mt41k256m16-x32.json",
              "overrides": { "tREFI": 100 } } } ])"),
        {"tRFC must be shorter than tREFI"}));
    CHECK(build_rejects(
        "dram_too_big",
        with_devices(
            R"([ { "name": "d", "type": "dram", "base": "0x80000000", "size": "0x40000000", "params": { "preset": {
              "part": "tiny", "source": "y", "clock_hz": 8e8, "bus_width_bits": 32, "banks": 8, "rows": 16,
              "row_bytes": 4096, "burst_length": 8, "tCL": 11, "tCWL": 8, "tRCD": 11, "tRP": 11,
              "tRAS": 28, "tWR": 12, "tRTP": 6, "tCCD": 4 } } } ])"),
        {"devices[0].params.preset", "tiny", "less than the region size"}));
    return vp_report("test_platform_config errors");
}

int sc_main(int argc, char *argv[]) {
    if (argc == 2 && !std::strcmp(argv[1], "errors")) return check_errors();

    /* ---- the shipped configs build ---- */
    std::vector<std::unique_ptr<Platform>> keep; /* modules must outlive the simulation */
    std::vector<std::unique_ptr<TestInitiator>> idle_cpus;
    for (const char *f : {"default.json", "ddr4-2400.json", "ddr3-timed.json"}) {
        const std::string path = std::string(HQ_CONFIG_DIR "/platform/") + f;
        std::printf("build %s\n", path.c_str());
        PlatformConfig pc = load_platform_config(path);
        keep.emplace_back(new Platform(("ok" + std::to_string(platform_count++)).c_str(), pc));
        Platform &p = *keep.back();
        idle_cpus.emplace_back(
            new TestInitiator(("idle" + std::to_string(platform_count)).c_str()));
        idle_cpus.back()->socket.bind(p.router().target_socket);
        CHECK(p.router().address_map().decode(0x80000000) != nullptr);
        CHECK(p.router().address_map().decode(0x10000000) != nullptr);
        CHECK(p.router().address_map().decode(0x02000000) != nullptr);
        CHECK(p.router().address_map().decode(0x0c000000) != nullptr);
        CHECK(p.router().address_map().decode(0x00100000) != nullptr);
        CHECK(p.router().address_map().decode(0x40000000) == nullptr);
    }

    /* ---- the plug-in: mapped, DMA through the router into DRAM, irq to the PLIC ---- */
    /* a 16-byte, 400 MHz bus (6.4 GB/s, as fast as the DDR3 part) */
    const std::string path =
        write_config("plugin.json", R"({ "bus": { "clock_hz": 4e8, "width_bytes": 16 }, "devices": [
        { "name": "plic", "type": "plic", "base": "0xc000000", "size": "0x400000" },
        { "name": "dram", "type": "dram", "base": "0x80000000", "size": "0x100000",
          "dmi": false, "params": { "preset": ")" HQ_CONFIG_DIR
                                    R"(/dram/ddr3-1600-mt41k256m16-x32.json" } },
        { "name": "acc", "type": "fake_accel", "base": "0x40000000", "size": "0x1000", "irq": 2,
          "params": { "dma_bytes": 4096 } } ] })");
    PlatformConfig pc = load_platform_config(path);
    Platform plat("plat", pc);
    TestInitiator cpu("cpu");
    cpu.socket.bind(plat.router().target_socket);
    sc_core::sc_signal<bool> &meip = plat.cpu_external_irq();
    cpu.body = [&] {
        sc_core::sc_time d;
        cpu.write32(0xc000000 + 4 * 2, 1, d); /* PLIC: priority of source 2 */
        cpu.write32(0xc002000, 1u << 2, d);   /* enable source 2 */
        CHECK(!meip.read());
        cpu.write32(0x40000000, 1, d); /* start the fake DMA */
        wait(d + sc_core::sc_time(1, sc_core::SC_NS));
        CHECK(meip.read());
        CHECK_EQ(cpu.read32(0xc200004, d), 2u); /* claim: the accelerator's source */
        /* The DMA's 4 KiB read is one transaction timed from its burst sequence: 1 tCK in the
         * controller, one row miss then 127 hits at one burst per 4 tCK, streaming through the
         * bus port. */
        const Device *acc = plat.device("acc");
        CHECK(acc != nullptr);
    };
    sc_core::sc_start();
    FakeAccel *acc = dynamic_cast<FakeAccel *>(plat.device("acc"));
    CHECK(acc != nullptr);
    if (acc) {
        const double tck = 1.25, cyc = 2.5;                   /* ns: DDR3-1600, 400 MHz bus */
        const double dram_ns = (1 + 11 + 11 + 128 * 4) * tck; /* controller, tRCD, CL, bursts */
        const double bus_ns = 4096 / 16 * cyc;                /* 256 beats of 16 bytes */
        std::printf("DMA 4 KiB: %.1f ns (bus %.1f, dram %.1f)\n", acc->dma_delay.to_seconds() * 1e9,
                    bus_ns, dram_ns);
        CHECK_NEAR(acc->dma_delay.to_seconds() * 1e9, std::max(bus_ns, dram_ns), 1e-6);
        /* the DRAM reports the DMA's command energy (one ACT, 128 read bursts) and its
         * background power (IDD3N standby + refresh energy over tREFI) */
        const DramParams dp =
            load_dram_preset_file(HQ_CONFIG_DIR "/dram/ddr3-1600-mt41k256m16-x32.json");
        CHECK(acc->dma_energy.valid);
        CHECK_NEAR(acc->dma_energy.command_nj, dp.energy_activate_nj + 128 * dp.energy_read_nj,
                   1e-9);
        CHECK_NEAR(acc->dma_energy.background_mw,
                   dp.power_active_mw + dp.energy_refresh_nj / (dp.tREFI * 1.25) * 1e3, 1e-9);
    }
    const nlohmann::json st = plat.stats();
    CHECK_EQ(st["dram"]["bytes_read"].get<uint64_t>(), uint64_t(4096));
    CHECK_EQ(st["dram"]["row_misses"].get<uint64_t>(), uint64_t(1));
    CHECK_EQ(st["dram"]["row_hits"].get<uint64_t>(), uint64_t(127));
    CHECK_EQ(st["acc"]["dma_bytes"].get<uint64_t>(), uint64_t(4096));
    return vp_report("test_platform_config");
}
