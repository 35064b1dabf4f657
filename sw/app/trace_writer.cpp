/* Unit activity as a Chrome/Perfetto trace (chrome://tracing, ui.perfetto.dev: one track per
 * unit, one slice per interval, named by layer); the PNG timelines are in timeline_png.cpp. */
#include "accel_run.h"

#include "out_file.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>

namespace hq::accel {

const char *unit_name(Unit u) {
    static const char *names[] = {"control",  "dma_in", "weights", "decompressor",
                                  "pe_array", "output", "dma_out"};
    return (unsigned)u < (unsigned)Unit::Count ? names[(unsigned)u] : "?";
}

std::string write_chrome_trace(const RunReport &r, const std::string &path, int max_images,
                               int *traced) {
    /* Events carry the global layer counter: one pass over the layers per batch. */
    const size_t per_pass = std::max<size_t>(1, r.layers.size());
    const int batch = std::max(1, r.batch);
    const size_t passes = max_images > 0 ? (size_t)(max_images + batch - 1) / batch : SIZE_MAX;
    if (traced)
        *traced = max_images > 0
                      ? std::min(r.images, (int)std::min<size_t>(passes * batch, INT_MAX))
                      : r.images;
    char err[512];
    hq_out out;
    if (hq_out_open(&out, path.c_str(), HQ_OUT_ATOMIC, err, sizeof err)) return err;
    FILE *f = out.f;
    std::fprintf(f, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n");
    std::fprintf(f,
                 "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": "
                 "\"hq_accel (%s)\"}}",
                 r.arch.c_str());
    for (unsigned u = 0; u < (unsigned)Unit::Count; u++)
        std::fprintf(f,
                     ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %u, "
                     "\"args\": {\"name\": \"%s\"}}",
                     u, unit_name((Unit)u));
    const size_t n_layers = std::max<size_t>(1, r.layers.size());
    for (const TraceEvent &e : r.trace) {
        if (e.layer / per_pass >= passes) continue;
        const size_t li = e.layer % n_layers;
        const std::string name = li < r.layers.size() ? r.layers[li].name : "layer";
        std::fprintf(f,
                     ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                     "\"tid\": %u, \"ts\": %.4f, \"dur\": %.4f, \"args\": {\"invocation\": %u}}",
                     name.c_str(), unit_name(e.unit), (unsigned)e.unit, e.start_ps / 1e6,
                     e.dur_ps / 1e6, (unsigned)e.layer);
    }
    std::fprintf(f, "\n]}\n");
    return hq_out_close(&out, err, sizeof err) ? err : "";
}

} // namespace hq::accel
