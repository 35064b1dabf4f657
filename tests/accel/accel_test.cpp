#include "accel_test.h"

#include "mem/dram_energy_ext.h"

#include <cstring>

namespace hqt {

int g_failures = 0, g_checks = 0;

int finish(const char *name) {
    std::printf("%s: %d checks, %d failures\n", name, g_checks, g_failures);
    return g_failures ? 1 : 0;
}

void make_layer(const LayerSpec &s, std::mt19937 &rng, hq_layer *L) {
    std::memset(L, 0, sizeof *L);
    L->kind = s.kind;
    L->in = {s.in_c, s.in_h, s.in_w};
    L->relu = s.relu ? 1 : 0;
    if (s.kind == HQ_LAYER_CONV) {
        L->k = s.k;
        L->stride = s.stride;
        L->pad = s.pad;
        L->out = {s.out_c, (s.in_h + 2 * s.pad - s.k) / s.stride + 1,
                  (s.in_w + 2 * s.pad - s.k) / s.stride + 1};
        L->cols = s.k * s.k * s.in_c;
    } else {
        L->out = {s.out_c, 1, 1};
        L->cols = s.in_h * s.in_w * s.in_c;
    }
    L->rows = s.out_c;
    L->in_act_scale = 1.0f / 255;
    L->out_act_scale = 1.0f / 16;
    hq_qlayer *q = hq_qlayer_alloc(L, s.lo, s.hi);
    L->q = q;
    const int rows = L->rows, cols = L->cols;
    const int qmax = s.hi == 4 ? 7 : 127;
    const int cmax = s.lo == 1 ? 1 : s.lo > 1 ? (1 << (s.lo - 1)) - 1 : 0; /* lo 0: unused */
    std::uniform_real_distribution<double> u(0, 1);
    auto hi_value = [&]() {
        int v = 0;
        while (v == 0)
            v = (int)(rng() % (2 * qmax + 1)) - qmax;
        return v;
    };
    for (int r = 0; r < rows; r++) {
        q->w_scale[r] = 0.01f;
        q->bias[r] = (int32_t)(rng() % 20001) - 10000;
        q->rq_mult[r] = (int32_t)(rng() % (1 << 20)) + 1;
        q->rq_shift[r] = (uint8_t)(20 + rng() % 6);
        if (!s.lo) {
            for (int c = 0; c < cols; c++)
                q->w[r * cols + c] = (int8_t)((int)(rng() % (2 * qmax + 1)) - qmax);
            continue;
        }
        int smax = 0;
        while ((cmax << (smax + 1)) <= qmax / 2 && smax < 5)
            smax++;
        q->lo_shift[r] = (uint8_t)(rng() % (smax + 1));
        const bool high_row = s.layout == HQ_LAYOUT_ROWGROUP && u(rng) < s.frac * 4;
        for (int c = 0; c < cols; c++) {
            int code = s.lo == 1 ? (rng() & 1 ? 1 : -1) : (int)(rng() % (2 * cmax + 1)) - cmax;
            q->w[r * cols + c] = (int8_t)(code * (1 << q->lo_shift[r]));
            q->is_hi[r * cols + c] = 0;
            if (high_row) {
                q->w[r * cols + c] = (int8_t)hi_value();
                q->is_hi[r * cols + c] = 1;
            }
        }
        if (s.layout == HQ_LAYOUT_ROWGROUP) continue;
        for (int c = 0; c < cols; c++) {
            if (u(rng) >= s.frac) continue;
            if (s.layout == HQ_LAYOUT_BLOCK) { /* respect N per aligned block of M */
                int b0 = c / s.m * s.m, cnt = 0;
                for (int j = b0; j < std::min(cols, b0 + s.m); j++)
                    cnt += q->is_hi[r * cols + j];
                if (cnt >= s.n) continue;
            }
            q->w[r * cols + c] = (int8_t)hi_value();
            q->is_hi[r * cols + c] = 1;
        }
    }
}

void free_layer(hq_layer *L) {
    hq_qlayer_free(L->q);
    L->q = nullptr;
}

std::vector<uint8_t> pack_layer(const hq_layer &L, const LayerSpec &s) {
    hq_layout_opts o;
    hq_layout_opts_default(&o, s.lo ? s.layout : HQ_LAYOUT_DENSE);
    if (o.kind == HQ_LAYOUT_BLOCK) {
        o.block_n = s.n;
        o.block_m = s.m;
    }
    hq_layer_image img;
    char err[256];
    if (hq_layout_pack(L.q, L.rows, L.cols, &o, &img, err, sizeof err)) {
        std::fprintf(stderr, "pack_layer: %s\n", err);
        std::exit(2);
    }
    std::vector<uint8_t> v(img.data, img.data + img.size);
    hq_layer_image_free(&img);
    return v;
}

TestMemory::TestMemory(sc_core::sc_module_name n, uint64_t b, size_t size)
    : sc_module(n), socket("socket"), data(size, 0), base(b) {
    socket.register_b_transport(this, &TestMemory::b_transport);
    socket.register_transport_dbg(this, &TestMemory::transport_dbg);
}

void TestMemory::b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay) {
    uint64_t a = gp.get_address(), len = gp.get_data_length();
    if (a < base || a + len > base + data.size()) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (gp.is_read())
        std::memcpy(gp.get_data_ptr(), data.data() + (a - base), len);
    else
        std::memcpy(data.data() + (a - base), gp.get_data_ptr(), len);
    transactions++;
    hq::DramEnergyExtension *ext = nullptr;
    gp.get_extension(ext);
    if (ext && energy_per_transaction_nj > 0) {
        ext->valid = true;
        ext->command_nj = energy_per_transaction_nj;
        ext->background_mw = background_mw;
    }
    if (bytes_per_ns > 0 || fixed_ns > 0)
        delay += sc_core::sc_time(fixed_ns + (bytes_per_ns > 0 ? len / bytes_per_ns : 0),
                                  sc_core::SC_NS);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned TestMemory::transport_dbg(tlm::tlm_generic_payload &gp) {
    uint64_t a = gp.get_address(), len = gp.get_data_length();
    if (a < base || a + len > base + data.size()) return 0;
    if (gp.is_read())
        std::memcpy(gp.get_data_ptr(), data.data() + (a - base), len);
    else
        std::memcpy(data.data() + (a - base), gp.get_data_ptr(), len);
    return (unsigned)len;
}

Bench::Bench(sc_core::sc_module_name n, const hq::accel::AccelConfig &cfg,
             const hq::accel::EnergyTable &e)
    : sc_module(n), cpu("cpu"), mem("mem", kBase, 16u << 20), accel("accel", cfg, e) {
    cpu.bind(accel.csr_socket);
    accel.dma_socket.bind(mem.socket);
    accel.irq.bind(irq);
}

tlm::tlm_response_status Bench::access(bool write, uint32_t off, uint32_t *v, unsigned len) {
    tlm::tlm_generic_payload gp;
    uint8_t buf[8] = {0};
    std::memcpy(buf, v, 4);
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(off);
    gp.set_data_ptr(buf);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    cpu->b_transport(gp, d);
    wait(d);
    if (!write) std::memcpy(v, buf, 4);
    return gp.get_response_status();
}

uint32_t Bench::rd(uint32_t off) {
    uint32_t v = 0;
    access(false, off, &v);
    return v;
}

void Bench::wr(uint32_t off, uint32_t v) {
    access(true, off, &v);
}

uint32_t Bench::run(uint32_t addr, uint32_t count, double timeout_ms) {
    wr(HQ_ACCEL_REG_IRQ_STATUS, 3);
    wr(HQ_ACCEL_REG_IRQ_ENABLE, HQ_ACCEL_IRQ_DONE | HQ_ACCEL_IRQ_ERROR);
    wr(HQ_ACCEL_REG_DESC_ADDR, addr);
    wr(HQ_ACCEL_REG_DESC_COUNT, count);
    wr(HQ_ACCEL_REG_CTRL, HQ_ACCEL_CTRL_START);
    if (!irq.read()) wait(sc_core::sc_time(timeout_ms, sc_core::SC_MS), irq.posedge_event());
    return rd(HQ_ACCEL_REG_STATUS);
}

void put_desc(Bench &b, uint64_t addr, const hq_accel_desc &d) {
    hq::accel::desc_to_bytes(d, b.at(addr));
}

void put_params(Bench &b, uint64_t addr, const hq_layer &L) {
    uint8_t *p = b.at(addr);
    for (int r = 0; r < L.rows; r++, p += 12) {
        std::memset(p, 0, 12);
        uint32_t bias = (uint32_t)L.q->bias[r], mult = (uint32_t)L.q->rq_mult[r];
        for (int i = 0; i < 4; i++) {
            p[i] = (uint8_t)(bias >> (8 * i));
            p[4 + i] = (uint8_t)(mult >> (8 * i));
        }
        p[8] = L.q->rq_shift[r];
    }
}

hq_accel_desc desc_for(const hq_layer &L, const LayerSpec &s, uint32_t in, uint32_t out, uint32_t w,
                       uint32_t wbytes, uint32_t p, unsigned batch, int pool) {
    hq_accel_desc d{};
    d.magic = HQ_ACCEL_DESC_MAGIC;
    d.op = L.kind == HQ_LAYER_CONV ? HQ_ACCEL_OP_CONV : HQ_ACCEL_OP_DENSE;
    d.layout = (uint8_t)(s.lo ? s.layout : HQ_LAYOUT_DENSE);
    d.flags = (uint8_t)(L.relu ? HQ_ACCEL_FLAG_RELU : HQ_ACCEL_FLAG_LAST);
    d.lo_bits = (uint8_t)s.lo;
    d.hi_bits = (uint8_t)s.hi;
    if (d.layout == HQ_ACCEL_LAYOUT_BLOCK) {
        d.block_n = (uint8_t)s.n;
        d.block_m = (uint8_t)s.m;
    }
    d.pool = (uint8_t)pool;
    d.rows = (uint16_t)L.rows;
    d.cols = (uint16_t)L.cols;
    d.in_h = (uint16_t)L.in.h;
    d.in_w = (uint16_t)L.in.w;
    d.in_c = (uint16_t)L.in.c;
    d.out_h = (uint16_t)(L.out.h / (pool > 1 ? pool : 1));
    d.out_w = (uint16_t)(L.out.w / (pool > 1 ? pool : 1));
    d.out_c = (uint16_t)L.out.c;
    d.kernel = (uint8_t)L.k;
    d.stride = (uint8_t)L.stride;
    d.pad = (uint8_t)L.pad;
    d.in_addr = in;
    d.out_addr = out;
    d.weight_addr = w;
    d.weight_bytes = wbytes;
    d.param_addr = p;
    d.batch = batch;
    d.in_stride = (uint32_t)(L.in.h * L.in.w * L.in.c);
    d.out_stride = (uint32_t)(d.out_h * d.out_w * d.out_c * (L.relu ? 1 : 4));
    return d;
}

} // namespace hqt
