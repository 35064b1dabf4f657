/* Minimal checking helpers for the vp tests: report every failure with its location, and
 * make the test exit non-zero if any check failed. */
#ifndef HQ_VP_CHECK_H
#define HQ_VP_CHECK_H

#include <cmath>
#include <cstdio>
#include <string>

static int vp_failures = 0;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);          \
            vp_failures++;                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        const auto va_ = (a);                                                                      \
        const auto vb_ = (b);                                                                      \
        if (!(va_ == vb_)) {                                                                       \
            std::fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%s vs %s)\n", __FILE__,        \
                         __LINE__, #a, #b, std::to_string(va_).c_str(),                            \
                         std::to_string(vb_).c_str());                                             \
            vp_failures++;                                                                         \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, rel)                                                                      \
    do {                                                                                           \
        const double va_ = (a), vb_ = (b);                                                         \
        if (!(std::fabs(va_ - vb_) <= (rel)*std::fabs(vb_))) {                                     \
            std::fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s ~ %s (%.9g vs %.9g)\n", __FILE__,   \
                         __LINE__, #a, #b, va_, vb_);                                              \
            vp_failures++;                                                                         \
        }                                                                                          \
    } while (0)

/* Runs `fn`, expects it to throw E whose message contains every string in `parts`. */
template <class E, class F>
static bool throws_with(F fn, std::initializer_list<const char *> parts) {
    try {
        fn();
    } catch (const E &e) {
        const std::string m = e.what();
        for (const char *p : parts)
            if (m.find(p) == std::string::npos) {
                std::fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", m.c_str(), p);
                return false;
            }
        return true;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "  wrong exception type: %s\n", e.what());
        return false;
    }
    std::fprintf(stderr, "  no exception thrown\n");
    return false;
}

static int vp_report(const char *name) {
    if (vp_failures)
        std::fprintf(stderr, "%s: %d check(s) failed\n", name, vp_failures);
    else
        std::printf("%s: all checks passed\n", name);
    return vp_failures ? 1 : 0;
}

#endif
