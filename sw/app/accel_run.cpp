#include "accel_run.h"
#include "measure_run.h"

#include "accel/accel_device.h"
#include "dram_image.h"
#include "high_flags.h"
#include "rtl_bridge/rtl_accel_device.h"
#include "rtl_bridge/rtl_pe_array.h"
#include "cpu/rv32_cpu.h"
#include "platform/elf_loader.h"
#include "platform_run.h"
#include "periph/uart_16550.h"
#include "platform/platform.h"

extern "C" {
#include "container.h"
#include "dataset.h"
#include "hq_arith.h"
#include "reference.h"
#include "synthetic.h"
#include "train.h"
}

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace hq::accel {

namespace {

constexpr int kMallocThreshold = 128 << 10;
constexpr size_t kLogitsChunkBytes = size_t(64) << 10;

bool readable(const std::string &p) {
    return !p.empty() && access(p.c_str(), R_OK) == 0;
}

/* given > hq_find_default_config (platform_run.h). */
std::string find_config(const std::string &given, const char *env, const char *rel) {
    if (!given.empty()) return given;
    char buf[PATH_MAX + 64];
    const char *p = hq_find_default_config(env, rel, buf, sizeof buf);
    return p ? p : "";
}

/* tiled: the runtime of a tiled network (accel_runtime_tiled.elf); --fw / HQSIM_ACCEL_FW name
 * the program for every network. */
std::string find_firmware(const std::string &given, bool tiled = false) {
    if (!given.empty()) return given;
    const char *env = getenv("HQSIM_ACCEL_FW");
    if (env && *env) return env;
    char buf[PATH_MAX + 64];
    const char *p = hq_find_share_file(
        tiled ? "fw/accel/accel_runtime_tiled.elf" : "fw/accel/accel_runtime.elf", buf, sizeof buf);
    return p ? p : "";
}

std::string absolute(const std::string &p) {
    char buf[PATH_MAX];
    return realpath(p.c_str(), buf) ? std::string(buf) : p;
}

/* Gives the heap's free pages back to the system: the buffers freed on the way (the packed
 * model, the image's staging copy, the model's weights) are mostly below malloc's mmap
 * threshold and would otherwise stay resident, as much as the weights themselves. */
void return_free_memory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* A fixed malloc policy for the run: blocks of 128 KiB and more are mapped and unmapped on
 * their own, and the heap's free top goes back above 128 KiB. glibc's default raises the
 * mmap threshold to the size of the largest block freed (up to 32 MiB), so the big buffers
 * freed on the way (a layer's decoder temporaries, packed images) were reused from the heap
 * and stayed resident for the rest of the run (issue 16: BERT layer +5 MB). The per-image
 * buffers are kept by their owners, so it adds no page faults per image. */
void fix_malloc_policy() {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, kMallocThreshold);
    mallopt(M_TRIM_THRESHOLD, kMallocThreshold);
#endif
}

/* Writes the firmware and the DRAM image through the bus once sockets are bound. */
struct ImageLoader : sc_core::sc_module {
    ImageLoader(sc_core::sc_module_name n, hq::Router &bus, const hq::ElfImage &elf, DramImage &img)
        : sc_module(n), bus_(bus), elf_(elf), img_(img) {}
    /* Writes bytes at addr in steps of kStep. release: each step's whole pages go back to the
     * system once the DRAM holds them, so a segment (ResNet-18's weights: 11 MB) and its copy
     * in the DRAM never coexist in full; the caller frees the emptied buffer. */
    void put(uint32_t addr, std::vector<uint8_t> &bytes, const char *what, bool release) {
        uint8_t *const base = bytes.data();
        uintptr_t kept = page_up(reinterpret_cast<uintptr_t>(base)); /* first page not released */
        for (size_t off = 0; off < bytes.size(); off += kStep) {
            const size_t len = std::min(kStep, bytes.size() - off);
            if (bus_.debug_access(uint32_t(addr + off), base + off, unsigned(len), true) != len) {
                char m[200];
                std::snprintf(m, sizeof m, "%s [0x%08x, +%zu) is not inside the platform's memory",
                              what, addr, bytes.size());
                throw hq::ConfigError(m);
            }
            const uintptr_t end = page_down(reinterpret_cast<uintptr_t>(base + off + len));
            if (release && end > kept) {
                release_pages(kept, end);
                kept = end;
            }
        }
    }
    void start_of_simulation() override {
        for (const hq::ElfSegment &s : elf_.segments) {
            std::vector<uint8_t> b(s.data);
            b.resize(s.mem_size, 0);
            put(s.addr, b, "firmware segment", false);
        }
        /* written in place, then released: the DRAM holds the image from here on */
        for (DramSegment &s : img_.segments) {
            put(s.addr, s.bytes, "DRAM image segment", true);
            std::vector<uint8_t>().swap(s.bytes);
        }
        return_free_memory();
    }
    static constexpr size_t kStep = size_t(1) << 20;
    static uintptr_t page_size() { return uintptr_t(sysconf(_SC_PAGESIZE)); }
    static uintptr_t page_up(uintptr_t a) { return (a + page_size() - 1) & ~(page_size() - 1); }
    static uintptr_t page_down(uintptr_t a) { return a & ~(page_size() - 1); }
    /* The whole pages [lo, hi) of a buffer whose bytes are not read again: what malloc_trim
     * does to free chunks (the allocator's headers sit outside whole pages of the data). */
    static void release_pages(uintptr_t lo, uintptr_t hi) {
#ifdef __linux__
        madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_DONTNEED);
#else
        (void)lo;
        (void)hi;
#endif
    }
    hq::Router &bus_;
    const hq::ElfImage &elf_;
    DramImage &img_;
};

/* The SystemC model seen through AccelView (the RTL device implements it itself). */
class ModelView : public AccelView {
  public:
    explicit ModelView(HqAccel &a) : a_(a) {}
    const AccelConfig &config() const override { return a_.config(); }
    const std::vector<LayerStats> &layers() const override { return a_.layers(); }
    void sum_layers_into(LayerTotals *t) override { a_.sum_layers_into(t); }
    uint64_t layers_run() const override { return a_.layers_run(); }
    const std::vector<std::string> &errors() const override { return a_.errors(); }
    const std::vector<TraceEvent> &trace() const override { return a_.trace(); }
    uint64_t commands() const override { return a_.commands(); }
    void trace_signals(sc_core::sc_trace_file *tf) const override { a_.trace_signals(tf); }
    const HqAccel &accel() const { return a_; }

  private:
    HqAccel &a_;
};

/* Progress on stderr while the simulation runs (every 10 % of the layer invocations). */
struct Progress : sc_core::sc_module {
    Progress(sc_core::sc_module_name n, const AccelView &a, uint64_t total, bool on)
        : sc_module(n), accel_(a), total_(total), on_(on) {
        SC_HAS_PROCESS(Progress);
        SC_THREAD(run);
    }
    void run() {
        if (!on_ || total_ < 100) return;
        const auto t0 = std::chrono::steady_clock::now();
        uint64_t next = total_ / 10;
        for (;;) {
            wait(sc_core::sc_time(100, sc_core::SC_US));
            uint64_t done = accel_.layers_run();
            if (done >= next) {
                double s =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                hq::console_end_firmware_line();
                std::fprintf(stderr, "hqsim run: %3.0f%% of the layers (%.1f s)\n",
                             100.0 * done / total_, s);
                next += total_ / 10;
            }
            if (done >= total_) return;
        }
    }
    const AccelView &accel_;
    uint64_t total_;
    bool on_;
};

struct Failure {
    int code;
    std::string msg;
};

struct ModelGuard {
    hq_model m{};
    hq_dataset ds{};
    hq_ref_net *ref = nullptr;
    hq_packed_model pm{};
    bool have_model = false, have_ds = false, have_pm = false;
    ~ModelGuard() {
        if (ref) hq_ref_free(ref);
        if (have_pm) hq_packed_model_free(&pm);
        if (have_ds) hq_dataset_free(&ds);
        if (have_model) hq_container_free_model(&m);
    }
};

/* The quantized weights and high flags of every layer: the reference and the DRAM image's
 * builder read them; the rest of the run does not (the DRAM holds the packed weights). */
void free_layer_weights(hq_model *m) {
    for (int i = 0; i < m->n_layers; i++)
        if (hq_qlayer *q = m->layers[i].q) {
            std::free(q->w);
            q->w = nullptr;
        }
    return_free_memory();
}

/* The C reference on every image, on a thread of its own while the platform is built and
 * simulated (it reads only the model and the images, which nothing changes meanwhile): its
 * host time overlaps the simulation's instead of adding to it. It owns the prepared network
 * and frees it as soon as it is done. The model's weights (1 byte each) and the input images
 * (the DRAM image holds its own copy) go when both the reference and the image's builder are
 * done with them (release_weights, or layer by layer: layer_built), whichever finishes last;
 * the high flags are bits from the start (flags) and go layer by layer as the image is built.
 * Declared after the ModelGuard, so it is joined before the model and images go. */
struct ReferenceJob {
    std::vector<int32_t> logits;
    std::vector<int> preds;
    int rc = 0;
    std::thread t;
    std::mutex mu;
    bool ref_done = false, image_built = false;
    hq_model *model = nullptr;
    hq_dataset *inputs = nullptr;
    /* The high flags (a byte per weight of a heterogeneous layer): only the packer and the
     * image's builder read them; the prepared reference computes on q->w alone (reference.h).
     * Bits from each layer's packing to its step of the build (high_flags.h), then gone. */
    std::unique_ptr<HighFlagStore> flags;
    void start(hq_ref_net *ref, hq_model *m, hq_dataset *ds, int n, int n_classes) {
        logits.resize((size_t)n * n_classes);
        preds.resize(n);
        model = m;
        inputs = ds;
        flags = std::make_unique<HighFlagStore>(m);
        flags->stash_all(); /* before the reference's buffers are taken */
        const uint8_t *images = ds->images;
        /* one core stays with the simulation (single-threaded), the rest go to the reference */
        const unsigned hw = std::thread::hardware_concurrency();
        const int threads = hw > 2 ? int(hw - 1) : 1;
        t = std::thread([this, ref, images, n, threads] {
            rc = hq_ref_infer(ref, images, n, logits.data(), preds.data(), threads);
            hq_ref_free(ref);
            std::lock_guard<std::mutex> lock(mu);
            ref_done = true;
            if (image_built) free_used();
        });
    }
    /* The DRAM image is built: the high flags go now, the weights now or when the reference is
     * done. */
    void release_weights() {
        flags->drop_all();
        return_free_memory();
        std::lock_guard<std::mutex> lock(mu);
        image_built = true;
        if (ref_done) free_used();
    }
    /* Layer li is laid out in the DRAM image: nothing reads its high flags again, nor its
     * weights once the reference is done (an image's peak held every layer's until the end). */
    void layer_built(int li) {
        flags->drop(li);
        hq_qlayer *q = model->layers[li].q;
        if (!q) return;
        std::lock_guard<std::mutex> lock(mu);
        if (ref_done) {
            std::free(q->w);
            q->w = nullptr;
        }
    }
    /* the weights and images; the labels stay for the report */
    void free_used() {
        std::free(inputs->images);
        inputs->images = nullptr;
        free_layer_weights(model);
    }
    /* false: the reference ran out of memory for its buffers */
    bool finish() {
        if (t.joinable()) t.join();
        return rc == 0;
    }
    ~ReferenceJob() {
        if (t.joinable()) t.join();
    }
};

bool is_accel_type(const std::string &t) {
    return t == kAccelDeviceType || t == kRtlAccelDeviceType;
}

/* Adds the accelerator to the platform document (unless it has one) and sets its params;
 * --accel-impl sets its type (hq_accel: the model, hq_accel_rtl: the RTL). */
void add_accelerator(nlohmann::json &doc, const RunOptions &o, const std::string &timing,
                     const std::string &energy, bool trace) {
    nlohmann::json &devs = doc["devices"];
    nlohmann::json *acc = nullptr;
    for (nlohmann::json &d : devs)
        if (d.is_object() && d.contains("type") && d["type"].is_string() &&
            is_accel_type(d["type"].get<std::string>()))
            acc = &d;
    if (!acc) {
        unsigned irq = 1;
        for (bool used = true; used; irq++) {
            used = false;
            for (const nlohmann::json &d : devs)
                used = used || (d.contains("irq") && d["irq"].is_number() &&
                                d["irq"].get<unsigned>() == irq);
            if (!used) break;
        }
        devs.push_back({{"name", "accel0"},
                        {"type", kAccelDeviceType},
                        {"base", "0x40000000"},
                        {"size", "0x1000"},
                        {"irq", irq},
                        {"latency_ns", 10}});
        acc = &devs.back();
    }
    if (!o.accel_impl.empty())
        (*acc)["type"] = o.accel_impl == "rtl" ? kRtlAccelDeviceType : kAccelDeviceType;
    nlohmann::json &p = (*acc)["params"];
    if (!p.is_object()) p = nlohmann::json::object();
    if (!timing.empty() && (!o.timing_path.empty() || !p.contains("timing")))
        p["timing"] = absolute(timing);
    if (!energy.empty() && (!o.energy_path.empty() || !p.contains("energy")))
        p["energy"] = absolute(energy);
    if (!o.arch.empty()) p["arch"] = o.arch;
    if (!o.pe_impl.empty()) p["pe_impl"] = o.pe_impl;
    if (trace) p["trace"] = true;
}

/* The memory the firmware and the DRAM image live in: the dram or sram device (sram: a
 * block-RAM memory, configs/platform/board-bram.json, the board's) that holds the network
 * table at HQ_ACCEL_NET_ADDR; nullptr if none does. */
const hq::DeviceEntry *memory_holding_net_table(const hq::PlatformConfig &c) {
    const hq::DeviceEntry *found = nullptr;
    for (const hq::DeviceEntry &e : c.devices)
        if ((e.type == "dram" || e.type == "sram") && e.base <= HQ_ACCEL_NET_ADDR &&
            HQ_ACCEL_NET_ADDR < e.base + e.size)
            found = &e;
    return found;
}

/* The shipped platform config with the most DRAM (configs/platform/dram-512m.json) and the
 * size of its memory at 0x80000000; "" if it is not found or unreadable. */
std::string bigger_dram_config(uint64_t *size) {
    const std::string path = find_config("", nullptr, "platform/dram-512m.json");
    if (path.empty()) return "";
    try {
        const hq::PlatformConfig c = hq::parse_platform_config(hq::load_json_file(path), path);
        if (const hq::DeviceEntry *mem = memory_holding_net_table(c)) {
            *size = mem->size;
            return absolute(path);
        }
    } catch (const std::exception &) {
    }
    return "";
}

int run(const RunOptions &o, RunReport *rep, const std::chrono::steady_clock::time_point t_start) {
    char err[512];
    ModelGuard g;
    /* the run needs the quantized weights only: the float ones (4 bytes per weight) are
     * checked and dropped while the file is read, chunk by chunk */
    if (hq_model_load_quantized(&g.m, o.model_path.c_str(), err, sizeof err)) throw Failure{2, err};
    g.have_model = true;
    if (!(g.ref = hq_ref_prepare(&g.m, err, sizeof err)))
        throw Failure{2, o.model_path + ": " + err};
    hq_ref_set_act_budget(g.ref, size_t(2) << 20);
    if (o.synthetic_inputs > 0) {
        if (hq_synthetic_inputs(&g.ds, &g.m, o.synthetic_inputs, err, sizeof err))
            throw Failure{2, err};
        rep->synthetic = true;
    } else if (hq_dataset_load(&g.ds, o.dataset_dir.empty() ? nullptr : o.dataset_dir.c_str(),
                               HQ_SPLIT_TEST, err, sizeof err)) {
        throw Failure{2, err};
    }
    g.have_ds = true;
    const int n = o.images ? o.images : g.ds.n;
    if (n < 1 || n > g.ds.n)
        throw Failure{2, "--images " + std::to_string(o.images) + ": the test set has " +
                             std::to_string(g.ds.n) + " images"};
    if (g.m.input.c * g.m.input.h * g.m.input.w != g.ds.rows * g.ds.cols)
        throw Failure{2, o.model_path + ": input shape does not match the dataset"};

    /* the layout (a model without one: from its high flags, before they turn to bits) */
    hq_layout_opts lo;
    hq_layout_opts_default(&lo, hq_layout_of_model(&g.m));
    /* The reference, on the same images, while the rest runs (ReferenceJob). */
    ReferenceJob ref;
    ref.start(g.ref, &g.m, &g.ds, n, g.m.n_classes);
    g.ref = nullptr; /* the job frees it */

    /* the flags in bytes only while their layer is packed */
    const auto around = [](void *store, int li, int packed) {
        auto *s = static_cast<HighFlagStore *>(store);
        if (packed) s->stash(li);
        return packed || s->restore(li) ? 0 : -1;
    };
    if (hq_layout_pack_model_each(&g.m, &lo, &g.pm, around, ref.flags.get(), err, sizeof err))
        throw Failure{2, o.model_path + ": " + err};
    g.have_pm = true;
    rep->layout = hq_layout_name(lo.kind);
    if (o.accel_impl == "rtl") {
        const std::string why = rtl_accel_unavailable();
        if (!why.empty()) throw Failure{2, "--accel-impl rtl: " + why};
        if (o.pe_impl == "rtl")
            throw Failure{2, "--pe-impl rtl applies to --accel-impl model (the RTL accelerator "
                             "computes on its own Verilated PE tile)"};
    }
    if (o.pe_impl == "rtl") {
        const std::string why = rtl_pe_check_model(g.pm);
        if (!why.empty()) throw Failure{2, "--pe-impl rtl: " + o.model_path + ": " + why};
    }

    /* Platform config with the accelerator. */
    const std::string plat_path =
        find_config(o.platform_path, "HQSIM_PLATFORM", "platform/default.json");
    if (plat_path.empty())
        throw Failure{2, "no default platform config found; pass --platform FILE"};
    const std::string timing = find_config(o.timing_path, nullptr, "timing/default.json");
    const std::string energy = find_config(o.energy_path, nullptr, "energy/default.json");
    if (!o.timing_path.empty() && !readable(o.timing_path))
        throw Failure{2, o.timing_path + ": cannot read the timing config"};
    if (!o.energy_path.empty() && !readable(o.energy_path))
        throw Failure{2, o.energy_path + ": cannot read the energy config"};
    const bool tracing = !o.trace_path.empty() || !o.png_dir.empty();
    nlohmann::json doc = hq::load_json_file(plat_path);
    if (!doc.is_object() || !doc.contains("devices") || !doc["devices"].is_array())
        throw Failure{2, plat_path + ": no \"devices\" array"};
    add_accelerator(doc, o, timing, energy, tracing);
    hq::PlatformConfig cfg = hq::parse_platform_config(doc, plat_path);
    const hq::DeviceEntry *acc = nullptr, *plic = nullptr;
    for (const hq::DeviceEntry &e : cfg.devices) {
        if (is_accel_type(e.type)) acc = &e;
        if (e.type == "plic") plic = &e;
    }
    const hq::DeviceEntry *dram = memory_holding_net_table(cfg);
    if (!dram)
        throw Failure{2, plat_path + ": no dram or sram device holds 0x80100000 (the network "
                                     "table); the firmware and the network's image live there"};

    ImageParams ip;
    ip.accel_base = (uint32_t)acc->base;
    ip.plic_base = plic && acc->irq ? (uint32_t)plic->base : 0;
    ip.irq_source = acc->irq;
    ip.mode = (o.poll ? HQ_ACCEL_NET_POLL : 0) | (o.chain ? HQ_ACCEL_NET_CHAIN : 0) |
              (o.measure_path.empty() ? 0 : HQ_ACCEL_NET_MEASURE);
    ip.batch = o.batch;
    ip.depthwise_on_array = !o.depthwise_cpu;
    ip.layer_begin = [&ref](int li) { return ref.flags->restore(li); };
    ip.n_images = n;
    ip.images = g.ds.images;

    const std::string fw = find_firmware(o.fw_path);
    if (fw.empty())
        throw Failure{2, "accelerator firmware share/hqsim/fw/accel/accel_runtime.elf not found "
                         "near the executable (build target fw_accel_runtime, set "
                         "HQSIM_ACCEL_FW, or give --fw)"};
    hq::ElfImage elf = hq::read_elf(fw);

    link_accel_device();
    link_rtl_accel_device();
    hq::PlatformOptions popt;
    popt.uart_out_path = o.quiet ? "/dev/null" : (o.json ? "/dev/stderr" : "");
    /* --measure: the UART goes through a file, the rows are taken out of it after the run */
    std::string uart_file, uart_echo = popt.uart_out_path;
    if (!o.measure_path.empty()) {
        std::string merr;
        if ((uart_file = measure_uart_file(&merr)).empty()) throw Failure{2, merr};
        popt.uart_out_path = uart_file;
    }
    hq::Platform plat("platform", cfg, popt);
    std::unique_ptr<ModelView> model_view;
    AccelView *view = nullptr;
    RtlAccel *rtl_accel = nullptr;
    if (auto *dev = dynamic_cast<AccelDevice *>(plat.device(acc->name))) {
        model_view = std::make_unique<ModelView>(dev->accel());
        view = model_view.get();
    } else if (auto *rdev = dynamic_cast<RtlAccelDevice *>(plat.device(acc->name))) {
        rtl_accel = &rdev->accel();
        view = rtl_accel;
    } else {
        throw Failure{2, "device '" + acc->name + "' is not an hq_accel"};
    }
    AccelView &accel = *view;
    /* The planner tiles the layers to this accelerator's buffers. */
    ip.cfg = &accel.config();
    /* --pe-impl rtl selects its tile from the packed model after the image is built */
    if (!rtl_accel && accel.config().pe_impl != PeImpl::Rtl) {
        ip.release = &g.pm;
        ip.layer_done = [&ref](int li) { ref.layer_built(li); };
    }
    DramImage img;
    std::string e = build_dram_image(g.m, g.pm, ip, &img);
    if (!e.empty()) throw Failure{2, o.model_path + ": " + e};
    rep->dram_image_bytes = img.end - dram->base;
    {
        const AccelConfig &c = accel.config();
        rep->accel_buffer_bytes =
            (uint64_t)c.weight_buffer * (c.double_buffer ? 2 : 1) + c.act_buffer + c.out_buffer;
    }
    uint64_t big_size = 0;
    const std::string big = bigger_dram_config(&big_size);
    e = dram_fit_error(img, n, dram->base, dram->size, absolute(plat_path), big, big_size,
                       o.synthetic_inputs > 0 ? "--synthetic-inputs" : "--images");
    if (!e.empty()) throw Failure{2, o.model_path + ": " + e};
    if (img.net.version == HQ_ACCEL_NET_VERSION_TILED) {
        const std::string tfw = find_firmware(o.fw_path, true);
        if (tfw.empty())
            throw Failure{2, "the model's layers are tiled to the accelerator's buffers or run on "
                             "the CPU fallback, but the "
                             "firmware share/hqsim/fw/accel/accel_runtime_tiled.elf was not found "
                             "near the executable (build target fw_accel_runtime_tiled)"};
        elf = hq::read_elf(tfw);
    }
    if (rtl_accel) {
        /* what the RTL cannot run is refused before the simulation starts */
        std::vector<hq_accel_desc> descs;
        std::vector<std::string> names;
        for (const NetLayer &l : img.layers) {
            descs.push_back(l.desc);
            names.push_back(l.name);
        }
        std::vector<RtlCheckSegment> dram_copy;
        for (const DramSegment &s : img.segments)
            dram_copy.push_back({s.addr, s.bytes.data(), s.bytes.size()});
        if (tracing)
            throw Failure{2, "--accel-impl rtl: --trace and --png need the model's unit "
                             "activity, which the RTL does not report (use --accel-impl model)"};
        const std::string why = rtl_accel_check(rtl_accel->core_config(), descs, names, dram_copy);
        if (!why.empty()) throw Failure{2, "--accel-impl rtl: " + o.model_path + ": " + why};
    }
    /* The accelerator's config decides (--pe-impl, else the platform config's "pe_impl"). */
    const bool pe_rtl = !rtl_accel && accel.config().pe_impl == PeImpl::Rtl;
    std::string rtl_config;
    if (pe_rtl) {
        std::string why = rtl_pe_check_model(g.pm);
        if (why.empty()) why = rtl_pe_select(accel.config(), g.pm, &rtl_config);
        if (!why.empty()) throw Failure{2, "--pe-impl rtl: " + o.model_path + ": " + why};
    }
    /* the DRAM image holds the packed weights from here on */
    hq_packed_model_free(&g.pm);
    g.have_pm = false;
    return_free_memory();
    ref.release_weights();
    hq::Rv32Cpu cpu("cpu", cfg.cpu);
    plat.attach_cpu(cpu);
    ImageLoader loader("accel_image_loader", plat.router(), elf, img);
    cpu.set_reset_pc(cfg.reset_pc ? cfg.reset_pc : elf.entry);
    cpu.set_tohost_addr(elf.tohost);
    const uint64_t invocations = (uint64_t)img.layers.size() * ((n + o.batch - 1) / o.batch);
    Progress progress("accel_progress", accel, invocations, !o.quiet && n >= 1000);
    sc_core::sc_trace_file *vcd = nullptr;
    if (!o.vcd_path.empty()) {
        std::string base = o.vcd_path;
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0)
            base.resize(base.size() - 4);
        vcd = sc_core::sc_create_vcd_trace_file(base.c_str());
        vcd->set_time_unit(1, sc_core::SC_NS);
        accel.trace_signals(vcd);
    }

    /* the report's rows: per descriptor of the table, summed as the layers run */
    LayerTotals totals(img.net.desc_addr, img.layers.size(), HQ_ACCEL_DESC_BYTES);
    accel.sum_layers_into(&totals);
    sc_core::sc_start();
    if (!uart_file.empty()) {
        /* the UART flushes its stream at the end of the simulation */
        const std::string merr = measure_uart_collect(uart_file, uart_echo, &rep->measure_rows);
        if (!merr.empty()) throw Failure{3, merr};
    }
    if (pe_rtl) {
        const RtlPeCounters &c = rtl_pe_counters();
        std::fprintf(stderr,
                     "hqsim run: pe-impl rtl: tile %s: %llu RTL tile runs (%llu rows); cycles "
                     "first activation to last output: RTL %llu, formula %llu; %llu tiles differ",
                     rtl_config.c_str(), (unsigned long long)c.tiles, (unsigned long long)c.rows,
                     (unsigned long long)c.cycles_measured, (unsigned long long)c.cycles_formula,
                     (unsigned long long)c.cycle_mismatches);
        if (c.cycle_mismatches)
            std::fprintf(stderr, " (first: RTL %ld, formula %ld)", c.first_mismatch_measured,
                         c.first_mismatch_formula);
        if (c.uniform_rows)
            std::fprintf(stderr, "; %llu rows of uniform layers on the model's uniform path",
                         (unsigned long long)c.uniform_rows);
        std::fprintf(stderr, "\n");
    }
    if (vcd) sc_core::sc_close_vcd_trace_file(vcd);

    /* Results back from DRAM. */
    hq_accel_net net{};
    plat.router().debug_access(HQ_ACCEL_NET_ADDR, reinterpret_cast<uint8_t *>(&net), sizeof net,
                               false);
    /* the firmware's predictions: uint8, or uint32 from the tiled runtime (hq_accel_net.h) */
    const bool wide = img.net.version == HQ_ACCEL_NET_VERSION_TILED;
    std::vector<uint32_t> preds(n);
    std::vector<uint8_t> pred_bytes((size_t)n * (wide ? 4 : 1));
    plat.router().debug_access(img.net.preds_addr, pred_bytes.data(), unsigned(pred_bytes.size()),
                               false);
    for (int i = 0; i < n; i++)
        if (wide)
            std::memcpy(&preds[i], &pred_bytes[(size_t)i * 4], 4); /* little-endian bus */
        else
            preds[i] = pred_bytes[i];

    const AccelConfig &ac = accel.config();
    rep->arch = arch_name(ac.arch);
    if (rtl_accel) {
        rep->accel_impl = std::string("rtl ") + rtl_accel->core_config().name;
        rep->measure_source = "rtl-platform"; /* docs/measurements.md */
    }
    rep->images = n;
    rep->batch = o.batch;
    rep->clock_hz = ac.clock_hz;
    rep->exit_code = plat.device_exit_code() >= 0 ? plat.device_exit_code()
                     : cpu.exited()               ? cpu.exit_code()
                                                  : -1;
    rep->cpu_instructions = cpu.instructions();
    rep->commands = accel.commands();
    if (model_view) {
        const WeightCache &wc = model_view->accel().engine().cache();
        rep->weight_cache_hits = wc.hits();
        rep->weight_cache_misses = wc.misses();
    }
    if (!ref.finish()) throw Failure{2, "out of memory for the C reference's buffers"};
    const std::vector<int32_t> &ref_logits = ref.logits;
    const std::vector<int> &ref_preds = ref.preds;
    rep->sim_seconds = sc_core::sc_time_stamp().to_seconds();
    rep->e2e_cycles = (uint64_t)(rep->sim_seconds * ac.clock_hz + 0.5);
    if (!accel.errors().empty()) rep->error = accel.errors().back();
    const int done =
        rep->exit_code == 0 ? n : (int)std::min<uint32_t>(net.images_done, (uint32_t)n);
    /* The firmware's logits, read back a chunk of images at a time: all at once they were one
     * more copy of n x classes int32 beside the reference's (BERT layer: 3 KB per token). */
    const size_t classes = (size_t)g.m.n_classes;
    const int chunk = (int)std::max<size_t>(1, kLogitsChunkBytes / (classes * 4));
    std::vector<int32_t> logits((size_t)std::min(n, chunk) * classes);
    for (int i = 0; i < n; i++) {
        const bool ran = i < done;
        if (i % chunk == 0) {
            const size_t k = (size_t)std::min(chunk, n - i) * classes;
            plat.router().debug_access(uint32_t(img.net.logits_addr + (size_t)i * classes * 4),
                                       reinterpret_cast<uint8_t *>(logits.data()), unsigned(k * 4),
                                       false);
        }
        /* the firmware's prediction; its logits are compared bit for bit too */
        const int32_t *lg = &logits[(size_t)(i % chunk) * classes];
        const int pred = (int)preds[i];
        rep->correct += ran && pred == g.ds.labels[i];
        rep->reference_accuracy += ref_preds[i] == g.ds.labels[i];
        if (ran && (std::memcmp(lg, &ref_logits[(size_t)i * g.m.n_classes],
                                sizeof(int32_t) * g.m.n_classes) != 0 ||
                    pred != ref_preds[i]))
            rep->mismatches++;
    }
    rep->images_completed = done;
    rep->images_failed = n - done;
    rep->accuracy = done ? (double)rep->correct / done : 0;
    rep->reference_accuracy /= n;

    /* Per network layer: descriptors are identified by their address (LayerTotals). */
    rep->layers.resize(img.layers.size());
    for (size_t i = 0; i < img.layers.size(); i++) {
        rep->layers[i].name = img.layers[i].name;
        rep->layers[i].sum = totals.rows()[i].sum;
        rep->layers[i].invocations = totals.rows()[i].invocations;
    }
    rep->cycles = totals.cycles;
    rep->dram_bytes = totals.dram_bytes;
    rep->weight_bytes = totals.weight_bytes;
    rep->energy_pj = totals.energy_pj;
    /* The CPU fallback's ops, each before the descriptor it precedes, with its mcycle. */
    rep->runtime_cpu_cycles = (uint64_t)net.cpu_cycles_hi << 32 | net.cpu_cycles_lo;
    if (!img.cpu_ops.empty()) {
        std::vector<hq_cpu_op> ops(img.cpu_ops.size());
        plat.router().debug_access(img.net.cpu_ops_addr, reinterpret_cast<uint8_t *>(ops.data()),
                                   unsigned(ops.size() * sizeof(hq_cpu_op)), false);
        std::vector<LayerReport> rows;
        size_t k = 0;
        for (size_t l = 0; l <= rep->layers.size(); l++) {
            for (; k < ops.size() && ops[k].before == l; k++) {
                LayerReport c;
                c.name = img.cpu_ops[k].name;
                c.cpu = true;
                c.cpu_cycles = (uint64_t)ops[k].cycles_hi << 32 | ops[k].cycles_lo;
                c.invocations = (uint64_t)(done + o.batch - 1) / o.batch;
                rep->cpu_fallback_cycles += c.cpu_cycles;
                rows.push_back(c);
            }
            if (l < rep->layers.size()) rows.push_back(rep->layers[l]);
        }
        rep->layers = std::move(rows);
    }
    rep->trace = accel.trace();
    rep->platform_used = plat_path;
    rep->timing_used = timing.empty() ? "builtin:default" : timing;
    rep->command_line = o.command_line;
    if (!o.measure_path.empty() && rep->exit_code == 0) {
        /* The firmware's rows (UART, the registers' path) must agree with the statistics. */
        uint64_t uart_cycles = 0;
        for (const hq_measure_row &m : rep->measure_rows)
            uart_cycles += m.cycles;
        if (uart_cycles != rep->cycles)
            throw Failure{3, "--measure: the firmware's rows sum to " +
                                 std::to_string(uart_cycles) + " cycles, the statistics to " +
                                 std::to_string(rep->cycles)};
    }
    rep->host_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

    if (rep->exit_code != 0) {
        std::string why = rep->exit_code >= HQ_ACCEL_EXIT_ACCEL_ERROR
                              ? "the accelerator reported error " +
                                    std::to_string(rep->exit_code - HQ_ACCEL_EXIT_ACCEL_ERROR) +
                                    " in layer " + std::to_string(net.err_desc) +
                                    (rep->error.empty() ? "" : ": " + rep->error)
                              : "the firmware exited with status " + std::to_string(rep->exit_code);
        const std::string ops_why =
            cpu_op_table_error(rep->exit_code, net.err_desc, net.err_addr, img.cpu_ops);
        if (!ops_why.empty()) why = ops_why;
        if (rep->exit_code < 0) why = "the firmware did not finish";
        rep->error = why + "; " + std::to_string(done) + " of " + std::to_string(n) +
                     " images completed (" + std::to_string(n - done) + " not computed)";
        return 3;
    }
    return rep->mismatches ? 1 : 0;
}

} // namespace

int run_model(const RunOptions &o, RunReport *rep) {
    const auto t0 = std::chrono::steady_clock::now();
    fix_malloc_policy();
    hq_shrink_systemc_temp_heap();
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    try {
        return run(o, rep, t0);
    } catch (const Failure &f) {
        rep->error = f.msg;
        return f.code;
    } catch (const std::exception &x) {
        rep->error = x.what();
        return 2;
    }
}

} // namespace hq::accel
