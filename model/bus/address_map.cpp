#include "bus/address_map.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace hq {

static std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

static std::string describe(const Region &r) {
    return "'" + r.name + "' [" + hex(r.base) + ", " + hex(r.end()) + ")";
}

const Region &AddressMap::add(const std::string &name, uint64_t base, uint64_t size,
                              unsigned port) {
    Region r{name, base, size, port};
    if (size == 0) throw std::invalid_argument("region " + describe(r) + " is empty");
    if (base > UINT64_C(0xffffffff) || size > UINT64_C(0x100000000) - base)
        throw std::invalid_argument("region " + describe(r) +
                                    " does not fit in the 32-bit address space");
    for (const Region &o : regions_)
        if (base < o.end() && o.base < r.end())
            throw std::invalid_argument("region " + describe(r) + " overlaps " + describe(o));
    auto pos = std::lower_bound(regions_.begin(), regions_.end(), base,
                                [](const Region &a, uint64_t b) { return a.base < b; });
    return *regions_.insert(pos, r);
}

const Region *AddressMap::decode(uint64_t addr, uint64_t len) const {
    /* last region with base <= addr */
    auto it = std::upper_bound(regions_.begin(), regions_.end(), addr,
                               [](uint64_t a, const Region &r) { return a < r.base; });
    if (it == regions_.begin()) return nullptr;
    const Region &r = *(it - 1);
    if (addr >= r.end() || len > r.end() - addr) return nullptr;
    return &r;
}

const Region *AddressMap::find_port(unsigned port) const {
    for (const Region &r : regions_)
        if (r.port == port) return &r;
    return nullptr;
}

} // namespace hq
