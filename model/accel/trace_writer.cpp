/* Unit activity as a Chrome/Perfetto trace (chrome://tracing, ui.perfetto.dev: one track per
 * unit, one slice per interval, named by layer); the PNG timelines are in timeline_png.cpp. */
#include "accel/accel_run.h"

#include <algorithm>
#include <cstdio>

namespace hq::accel {

const char *unit_name(Unit u)
{
    static const char *names[] = {"control", "dma_in", "weights", "decompressor", "pe_array",
                                  "output", "dma_out"};
    return (unsigned)u < (unsigned)Unit::Count ? names[(unsigned)u] : "?";
}

std::string write_chrome_trace(const RunReport &r, const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "w");
    if (!f)
        return path + ": cannot write";
    std::fprintf(f, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n");
    std::fprintf(f, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": "
                    "\"hq_accel (%s)\"}}",
                 r.arch.c_str());
    for (unsigned u = 0; u < (unsigned)Unit::Count; u++)
        std::fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %u, "
                        "\"args\": {\"name\": \"%s\"}}",
                     u, unit_name((Unit)u));
    const size_t n_layers = std::max<size_t>(1, r.layers.size());
    for (const TraceEvent &e : r.trace) {
        const size_t li = e.layer % n_layers;
        const std::string name = li < r.layers.size() ? r.layers[li].name : "layer";
        std::fprintf(f, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                        "\"tid\": %u, \"ts\": %.4f, \"dur\": %.4f, \"args\": {\"invocation\": %u}}",
                     name.c_str(), unit_name(e.unit), (unsigned)e.unit, e.start_ps / 1e6,
                     e.dur_ps / 1e6, (unsigned)e.layer);
    }
    std::fprintf(f, "\n]}\n");
    return std::fclose(f) == 0 ? "" : path + ": write failed";
}

} // namespace hq::accel
