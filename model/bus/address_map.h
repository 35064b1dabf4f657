/* Address map of the interconnect: non-overlapping [base, base+size) regions, each routed to
 * one target port. Pure C++ (no SystemC) so decode rules are unit-testable on their own. */
#ifndef HQ_ADDRESS_MAP_H
#define HQ_ADDRESS_MAP_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hq {

struct Region {
    std::string name;
    uint64_t base = 0;
    uint64_t size = 0;
    unsigned port = 0; /* index of the router's initiator-socket binding */
    uint64_t end() const { return base + size; } /* one past the last byte */
};

class AddressMap {
  public:
    /* Adds a region; throws std::invalid_argument naming both regions on overlap, or on an
     * empty or wrapping (past 2^32) region. */
    const Region &add(const std::string &name, uint64_t base, uint64_t size, unsigned port);

    /* The region holding [addr, addr+len), or nullptr when unmapped or when the access
     * crosses the region's end (both answer TLM_ADDRESS_ERROR_RESPONSE). */
    const Region *decode(uint64_t addr, uint64_t len = 1) const;

    const Region *find_port(unsigned port) const;
    const std::vector<Region> &regions() const { return regions_; }

  private:
    std::vector<Region> regions_; /* sorted by base */
};

} // namespace hq

#endif
