/* Shared by the accelerator tests: a tiny check framework, random quantized layers that
 * satisfy each layout's structure, and a SystemC bench (memory + accelerator + a bus master
 * standing in for the CPU). */
#ifndef HQ_ACCEL_TEST_H
#define HQ_ACCEL_TEST_H

#include "accel/hq_accel.h"

extern "C" {
#include "container.h"
#include "hq_model.h"
#include "layout/layout.h"
#include "reference.h"
}

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace hqt {

extern int g_failures, g_checks;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        hqt::g_checks++;                                                                           \
        if (!(cond)) {                                                                             \
            hqt::g_failures++;                                                                     \
            std::fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);          \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fputc('\n', stderr);                                                              \
        }                                                                                          \
    } while (0)
int finish(const char *name); /* prints the summary, returns the exit status */

/* A random quantized weighted layer (dense or conv) whose high weights obey the layout:
 * block: at most n per aligned block of m; rowgroup: whole rows; escape: lo >= 2. lo == 0
 * gives a uniform int8/int4 layer. The layer owns its buffers (free_layer). */
struct LayerSpec {
    hq_layer_kind kind = HQ_LAYER_DENSE;
    int in_h = 1, in_w = 1, in_c = 64, out_c = 16, k = 3, stride = 1, pad = 1;
    int lo = 2, hi = 8, n = 1, m = 16;
    double frac = 0.03;
    hq_layout_kind layout = HQ_LAYOUT_BLOCK;
    bool relu = true;
};
void make_layer(const LayerSpec &s, std::mt19937 &rng, hq_layer *L);
void free_layer(hq_layer *L);
/* Packs L's weights with the C packer (sw/lib/layout). */
std::vector<uint8_t> pack_layer(const hq_layer &L, const LayerSpec &s);

/* Memory target: [base, base+size), latency = fixed + bytes / bytes_per_ns (0 = no delay). */
class TestMemory : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<TestMemory> socket;
    std::vector<uint8_t> data;
    uint64_t base;
    double fixed_ns = 0, bytes_per_ns = 0;
    uint64_t transactions = 0;
    /* > 0: answers like the DRAM model, with this energy per transaction and background */
    double energy_per_transaction_nj = 0, background_mw = 0;
    TestMemory(sc_core::sc_module_name n, uint64_t base, size_t size);

  private:
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned transport_dbg(tlm::tlm_generic_payload &gp);
};

/* The bench: cpu (an initiator) -> accelerator registers; accelerator DMA -> memory. */
class Bench : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<Bench> cpu;
    TestMemory mem;
    hq::accel::HqAccel accel;
    sc_core::sc_signal<bool> irq;
    static constexpr uint64_t kBase = 0x80000000ull;

    Bench(sc_core::sc_module_name n, const hq::accel::AccelConfig &cfg,
          const hq::accel::EnergyTable &e = hq::accel::EnergyTable());
    /* Register access from the "CPU"; returns the TLM response status. */
    tlm::tlm_response_status access(bool write, uint32_t off, uint32_t *v, unsigned len = 4);
    uint32_t rd(uint32_t off);
    void wr(uint32_t off, uint32_t v);
    /* Starts count descriptors at addr and waits (timeout) for the interrupt; returns STATUS. */
    uint32_t run(uint32_t addr, uint32_t count, double timeout_ms = 1000);
    uint8_t *at(uint64_t addr) { return mem.data.data() + (addr - kBase); }
};

/* Writes descriptor d at addr of the bench memory. */
void put_desc(Bench &b, uint64_t addr, const hq_accel_desc &d);
/* Row parameters of L (12 bytes each) at addr. */
void put_params(Bench &b, uint64_t addr, const hq_layer &L);
/* Descriptor for a weighted layer L with images at in/out, weights/params at w/p. */
hq_accel_desc desc_for(const hq_layer &L, const LayerSpec &s, uint32_t in, uint32_t out, uint32_t w,
                       uint32_t wbytes, uint32_t p, unsigned batch, int pool);

} // namespace hqt

#endif
