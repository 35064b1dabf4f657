#include "mem/dram_timing.h"

#include <algorithm>
#include <stdexcept>

namespace hq {

static bool pow2(uint64_t v) { return v && !(v & (v - 1)); }
static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

std::string DramParams::validate() const
{
    if (!(clock_hz >= 1e6 && clock_hz <= 10e9))
        return "clock_hz must be in [1e6, 1e10]";
    if (bus_width_bits < 8 || bus_width_bits > 1024 || !pow2(bus_width_bits))
        return "bus_width_bits must be a power of two in [8, 1024]";
    if (!pow2(channels) || channels > 64)
        return "channels must be a power of two in [1, 64]";
    if (!pow2(banks) || banks > 256)
        return "banks must be a power of two in [1, 256]";
    if (burst_length < 2 || burst_length > 32 || burst_length % 2)
        return "burst_length must be even, in [2, 32]";
    if (!pow2(row_bytes) || row_bytes < burst_bytes())
        return "row_bytes must be a power of two holding at least one burst";
    if (rows == 0)
        return "rows must be positive";
    if (tCL == 0 || tCWL == 0 || tRCD == 0 || tRP == 0 || tRAS == 0)
        return "tCL, tCWL, tRCD, tRP and tRAS must be positive";
    if (tCCD < burst_length / 2)
        return "tCCD must be at least burst_length / 2 (one burst on the data bus)";
    if (tCL > 1000 || tCWL > 1000 || tRCD > 1000 || tRP > 1000 || tRAS > 1000 || tWR > 1000 ||
        tRTP > 1000 || tCCD > 1000)
        return "timings must be at most 1000 cycles";
    if (energy_activate_nj < 0 || energy_read_nj < 0 || energy_write_nj < 0)
        return "energies must not be negative";
    return "";
}

DramTiming::DramTiming(const DramParams &p) : p_(p)
{
    std::string err = p.validate();
    if (!err.empty())
        throw std::invalid_argument("DRAM parameters: " + err);
    col_bits_ = log2u(p.row_bytes);
    ch_bits_ = log2u(p.channels);
    bank_bits_ = log2u(p.banks);
    ch_.resize(p.channels);
    for (Channel &c : ch_)
        c.banks.resize(p.banks);
}

/* Mapping, low to high bits: column (byte within the row) | channel | bank | row. Sequential
 * traffic fills a row, then moves to the next channel, then the next bank. */
DramTiming::Location DramTiming::locate(uint64_t addr) const
{
    Location l;
    l.column = addr & (p_.row_bytes - 1);
    uint64_t rest = addr >> col_bits_;
    l.channel = static_cast<unsigned>(rest & (p_.channels - 1));
    rest >>= ch_bits_;
    l.bank = static_cast<unsigned>(rest & (p_.banks - 1));
    l.row = (rest >> bank_bits_) % p_.rows;
    return l;
}

uint64_t DramTiming::burst(uint64_t now, uint64_t burst_addr, bool write)
{
    const Location l = locate(burst_addr);
    Channel &c = ch_[l.channel];
    Bank &b = c.banks[l.bank];
    const uint64_t earliest = std::max(now, c.next_col);
    uint64_t col;
    if (b.open && b.row == l.row) {
        stats_.row_hits++;
        col = std::max(earliest, b.col_ready);
    } else {
        uint64_t act;
        if (b.open) {
            stats_.row_conflicts++;
            /* PRE may be issued before the channel's column slot: it does not use the bus */
            const uint64_t pre = std::max(now, b.pre_ready);
            act = std::max(pre + p_.tRP, b.act_ready);
        } else {
            stats_.row_misses++;
            act = std::max(now, b.act_ready);
        }
        stats_.activates++;
        b.open = true;
        b.row = l.row;
        b.pre_ready = act + p_.tRAS;
        b.act_ready = act + p_.tRAS + p_.tRP; /* tRC: the next ACT after a PRE */
        b.col_ready = act + p_.tRCD;
        col = std::max(earliest, b.col_ready);
    }
    uint64_t data = col + (write ? p_.tCWL : p_.tCL);
    if (data < c.bus_free) { /* the data bus is still busy: issue the command later */
        col += c.bus_free - data;
        data = c.bus_free;
    }
    const uint64_t done = data + p_.burst_length / 2;
    c.bus_free = done;
    c.next_col = col + p_.tCCD;
    b.pre_ready = std::max(b.pre_ready, write ? done + p_.tWR : col + p_.tRTP);
    stats_.data_bus_cycles += p_.burst_length / 2;
    if (write) {
        stats_.write_bursts++;
        stats_.energy_nj += p_.energy_write_nj;
    } else {
        stats_.read_bursts++;
        stats_.energy_nj += p_.energy_read_nj;
    }
    return done;
}

/* Bursts of one access that fall in the same row after its first are row hits whose timing is
 * closed-form: the first burst leaves col_ready <= col and data = col + tCL, so the k-th
 * following burst issues at col + k*tCCD and (tCCD >= BL/2) never waits for the data bus. */
uint64_t DramTiming::row_run(uint64_t now, uint64_t first_addr, uint64_t n_bursts, bool write)
{
    uint64_t done = burst(now, first_addr, write);
    if (n_bursts <= 1)
        return done;
    const Location l = locate(first_addr);
    Channel &c = ch_[l.channel];
    Bank &b = c.banks[l.bank];
    const uint64_t k = n_bursts - 1;
    const uint64_t col = c.next_col - p_.tCCD + k * p_.tCCD; /* column command of the last */
    done = col + (write ? p_.tCWL : p_.tCL) + p_.burst_length / 2;
    c.bus_free = done;
    c.next_col = col + p_.tCCD;
    b.pre_ready = std::max(b.pre_ready, write ? done + p_.tWR : col + p_.tRTP);
    stats_.row_hits += k;
    stats_.data_bus_cycles += k * (p_.burst_length / 2);
    (write ? stats_.write_bursts : stats_.read_bursts) += k;
    stats_.energy_nj += double(k) * (write ? p_.energy_write_nj : p_.energy_read_nj);
    return done;
}

uint64_t DramTiming::access(uint64_t now, uint64_t addr, uint64_t len, bool write)
{
    if (len == 0)
        return now;
    const uint64_t acts_before = stats_.activates;
    const uint64_t bb = p_.burst_bytes();
    const uint64_t end = addr + len;
    uint64_t done = now;
    for (uint64_t a = addr / bb * bb; a < end;) {
        const uint64_t row_end = std::min(end, (a | (p_.row_bytes - 1)) + 1);
        const uint64_t n = (row_end - a + bb - 1) / bb;
        done = std::max(done, row_run(now, a, n, write));
        a += n * bb;
    }
    return finish_access(now, acts_before, len, write, done);
}

uint64_t DramTiming::access_burst_by_burst(uint64_t now, uint64_t addr, uint64_t len, bool write)
{
    if (len == 0)
        return now;
    const uint64_t acts_before = stats_.activates;
    const uint64_t bb = p_.burst_bytes();
    uint64_t done = now;
    for (uint64_t a = addr / bb * bb; a < addr + len; a += bb)
        done = std::max(done, burst(now, a, write));
    return finish_access(now, acts_before, len, write, done);
}

uint64_t DramTiming::finish_access(uint64_t now, uint64_t acts_before, uint64_t len, bool write,
                                   uint64_t done)
{
    stats_.energy_nj += double(stats_.activates - acts_before) * p_.energy_activate_nj;
    (write ? stats_.bytes_written : stats_.bytes_read) += len;
    stats_.first_cycle = std::min(stats_.first_cycle, now);
    stats_.last_cycle = std::max(stats_.last_cycle, done);
    return done;
}

double DramTiming::achieved_bytes_per_s() const
{
    if (stats_.last_cycle <= stats_.first_cycle || stats_.first_cycle == UINT64_MAX)
        return 0;
    const double span_s = double(stats_.last_cycle - stats_.first_cycle) * p_.tck_s();
    return double(stats_.bytes_read + stats_.bytes_written) / span_s;
}

} // namespace hq
