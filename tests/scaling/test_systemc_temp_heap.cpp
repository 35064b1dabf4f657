/* hq_shrink_systemc_temp_heap (sw/app/platform_run.h, issue 16): SystemC zeroes a 3 MiB
 * temporary heap when its library loads, resident in every hqsim process; the call leaves
 * 64 KiB and gives the rest back (the resident set drops), and SystemC's concatenations,
 * the heap's only users, still compute. */
#include "platform_run.h"

#include <systemc>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

long rss_kib() {
    FILE *f = std::fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && std::fgets(line, sizeof line, f))
        if (!std::strncmp(line, "VmRSS:", 6)) kib = std::atol(line + 6);
    if (f) std::fclose(f);
    return kib;
}

int failures = 0;

void check(bool ok, const char *what) {
    if (!ok) {
        std::fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

} // namespace

int main() {
    const size_t before = sc_core::sc_temp_heap.length();
    const long rss_before = rss_kib();
    const size_t after = hq_shrink_systemc_temp_heap();
    const long rss_after = rss_kib();
    std::printf("temp heap %zu -> %zu bytes, VmRSS %ld -> %ld KiB\n", before, after, rss_before,
                rss_after);
    check(after == (size_t(64) << 10) || (before <= (size_t(64) << 10) && after == before),
          "the heap is 64 KiB (or was smaller)");
    /* the released bytes leave the resident set (most of them: other pages may come); not under
     * AddressSanitizer, whose quarantine keeps freed memory */
    if (before > after && !kAsan)
        check(rss_before - rss_after >= long((before - after) / 1024) * 3 / 4,
              "the resident set drops by the heap's released size");
    check(hq_shrink_systemc_temp_heap() == after, "a second call keeps the heap");
    sc_dt::sc_biguint<100> a = 5, b = 7;
    a <<= 90;
    sc_dt::sc_biguint<200> c = (a, b);
    sc_dt::sc_biguint<200> want = a;
    want <<= 100;
    want += 7;
    check(c == want, "a concatenation after the shrink");
    if (!failures) std::printf("test_systemc_temp_heap: all checks passed\n");
    return failures ? 1 : 0;
}
