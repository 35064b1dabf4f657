/* The memory's write log (mem/memory_span_ext.h, MemoryArray): spans lend the bytes in place;
 * every writer (bus, debug, a DMI writer marking the page map) makes its pages count as
 * written since any earlier mark; a DMI writer without the map makes every range count;
 * timing-only transfers move no bytes. */
#include "mem/memory_array.h"
#include "vp_check.h"

#include <cstring>
#include <vector>

namespace {

using Ranges = std::vector<std::pair<uint64_t, uint64_t>>;

tlm::tlm_generic_payload &payload(tlm::tlm_generic_payload &gp, tlm::tlm_command cmd, uint64_t a,
                                  uint8_t *p, unsigned n) {
    gp.set_command(cmd);
    gp.set_address(a);
    gp.set_data_ptr(p);
    gp.set_data_length(n);
    gp.set_streaming_width(n);
    gp.set_byte_enable_ptr(nullptr);
    return gp;
}

Ranges since(hq::MemoryArray &m, uint64_t a, uint64_t n, uint64_t g) {
    Ranges r;
    m.written_since(a, n, g, &r);
    return r;
}

} // namespace

int sc_main(int, char **) {
    hq::MemoryArray m(64 * 1024);
    uint8_t buf[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    /* span: the bytes in place */
    {
        tlm::tlm_generic_payload gp;
        hq::MemorySpanExtension ext;
        gp.set_extension(&ext);
        uint8_t byte = 0;
        m.data()[0x1234] = 42;
        payload(gp, tlm::TLM_READ_COMMAND, 0x1234, &byte, 1);
        CHECK(m.debug(gp) == 1 && byte == 42);
        gp.clear_extension(&ext);
        CHECK(ext.data == m.data() + 0x1234 && ext.log == &m && ext.local_addr == 0x1234);
    }

    /* a range [0x1800, 0x5800): pages 1..5 */
    const uint64_t A = 0x1800, N = 0x4000;
    uint64_t g = m.mark(A, N);
    CHECK(since(m, A, N, g).empty());
    tlm::tlm_generic_payload gp;
    m.access(payload(gp, tlm::TLM_WRITE_COMMAND, 0x3010, buf, 4)); /* page 3 */
    CHECK((since(m, A, N, g) == Ranges{{0x3000, 0x1000}}));
    m.access(payload(gp, tlm::TLM_READ_COMMAND, 0x4010, buf, 4)); /* a read marks nothing */
    m.debug(payload(gp, tlm::TLM_WRITE_COMMAND, 0x17fe, buf, 4)); /* pages 1, clipped */
    CHECK((since(m, A, N, g) == Ranges{{0x1800, 0x800}, {0x3000, 0x1000}}));
    m.access(payload(gp, tlm::TLM_WRITE_COMMAND, 0x5900, buf, 4)); /* page 5, past the range */
    CHECK((since(m, A, N, g) == Ranges{{0x1800, 0x800}, {0x3000, 0x1000}, {0x5000, 0x800}}));
    m.access(payload(gp, tlm::TLM_WRITE_COMMAND, 0x6000, buf, 4)); /* page 6: outside */
    CHECK(since(m, 0x0, 0x1000, g).empty());                       /* page 0: never written */

    /* a new mark sees only later writes; an older one still sees all */
    const uint64_t g2 = m.mark(A, N);
    CHECK(g2 > g && since(m, A, N, g2).empty());
    CHECK(since(m, A, N, g).size() == 3);

    /* a DMI writer that marks the page map */
    {
        tlm::tlm_generic_payload d;
        tlm::tlm_dmi dmi;
        hq::MemorySpanExtension ext;
        d.set_extension(&ext);
        m.fill_dmi(d, dmi);
        d.clear_extension(&ext);
        CHECK(ext.write_map && ext.page_shift == hq::MemoryArray::kPageShift);
        dmi.get_dmi_ptr()[0x2004] = 9;
        ext.write_map[0x2004 >> ext.page_shift] = 1;
        CHECK((since(m, A, N, g2) == Ranges{{0x2000, 0x1000}}));
    }

    /* timing-only transfers move no bytes; the write still counts */
    {
        const uint64_t g3 = m.mark(A, N);
        tlm::tlm_generic_payload t;
        hq::MemorySpanExtension ext;
        ext.timing_only = true;
        t.set_extension(&ext);
        uint8_t before = m.data()[0x4000];
        CHECK(m.access(payload(t, tlm::TLM_READ_COMMAND, 0x4000, nullptr, 64)));
        CHECK(m.access(payload(t, tlm::TLM_WRITE_COMMAND, 0x4000, nullptr, 64)));
        t.clear_extension(&ext);
        CHECK(t.get_response_status() == tlm::TLM_OK_RESPONSE);
        CHECK(m.data()[0x4000] == before);
        CHECK((since(m, A, N, g3) == Ranges{{0x4000, 0x1000}}));
        CHECK(!m.access(payload(t, tlm::TLM_READ_COMMAND, 64 * 1024 - 8, nullptr, 64)));
    }

    /* a DMI writer without the map: nothing can be ruled out any more */
    {
        const uint64_t g4 = m.mark(A, N);
        tlm::tlm_generic_payload d;
        tlm::tlm_dmi dmi;
        m.fill_dmi(d, dmi);
        CHECK((since(m, A, N, g4) == Ranges{{A, N}}));
    }
    return vp_report("test_memory_write_log");
}
