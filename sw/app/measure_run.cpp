#include "measure_run.h"

#include "accel_run.h"
#include "out_file.h"

#include <systemc>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <unistd.h>

#ifndef HQSIM_GIT_DESCRIBE
#define HQSIM_GIT_DESCRIBE "unknown"
#endif

namespace hq::accel {

std::string measure_uart_file(std::string *err) {
    const char *dir = std::getenv("TMPDIR");
    std::string t = std::string(dir && *dir ? dir : "/tmp") + "/hqsim-uart-XXXXXX";
    std::vector<char> buf(t.begin(), t.end());
    buf.push_back(0);
    const int fd = mkstemp(buf.data());
    if (fd < 0) {
        *err = "--measure: cannot create a temporary file for the UART in " + t + ": " +
               std::strerror(errno);
        return "";
    }
    close(fd);
    return buf.data();
}

std::string measure_uart_collect(const std::string &uart_path, const std::string &echo_path,
                                 std::vector<hq_measure_row> *rows) {
    std::ifstream in(uart_path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::remove(uart_path.c_str());
    std::FILE *echo = echo_path.empty() ? stdout : echo_path == "/dev/stderr" ? stderr : nullptr;
    if (echo) {
        size_t i = 0;
        const size_t plen = std::strlen(HQ_MEASURE_UART_PREFIX);
        while (i < text.size()) {
            size_t e = text.find('\n', i);
            if (e == std::string::npos) e = text.size() - 1;
            if (text.compare(i, plen, HQ_MEASURE_UART_PREFIX) != 0)
                std::fwrite(text.data() + i, 1, e - i + 1, echo);
            i = e + 1;
        }
        std::fflush(echo);
    }
    hq_measure_row *r = nullptr;
    size_t n = 0;
    char err[512];
    const long got = hq_measure_rows_from_uart(text.data(), text.size(), &r, &n, err, sizeof err);
    if (got >= 0) rows->insert(rows->end(), r, r + n);
    std::free(r);
    if (got < 0) return std::string("--measure: the firmware's rows: ") + err;
    return "";
}

namespace {

std::string sha_or_dash(const std::string &path, std::string *err) {
    if (path.empty() || path.compare(0, 8, "builtin:") == 0) return "-";
    char hex[65], e[512];
    if (hq_sha256_file(path.c_str(), hex, e, sizeof e)) {
        *err = e;
        return "-";
    }
    return hex;
}

} // namespace

std::string write_measure_file(const RunOptions &o, const RunReport &r, const std::string &path) {
    std::string err;
    std::vector<hq_measure_kv> kv;
    auto add = [&](const char *k, const std::string &v) {
        hq_measure_kv e{};
        std::snprintf(e.key, sizeof e.key, "%s", k);
        std::snprintf(e.value, sizeof e.value, "%s", v.c_str());
        kv.push_back(e);
    };
    char clock[32];
    std::snprintf(clock, sizeof clock, "%.0f", r.clock_hz);
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    add("source", r.measure_source);
    add("clock_hz", clock);
    add("arch", r.arch);
    add("model", o.model_path);
    add("model_sha256", sha_or_dash(o.model_path, &err));
    add("platform", r.platform_used);
    add("platform_sha256", sha_or_dash(r.platform_used, &err));
    add("timing", r.timing_used);
    add("timing_sha256", sha_or_dash(r.timing_used, &err));
    add("images", std::to_string(r.images));
    add("batch", std::to_string(r.batch));
    add("chain", o.chain ? "1" : "0");
    add("depthwise", o.depthwise_cpu ? "cpu" : "array");
    add("tools", std::string("hqsim ") + HQSIM_GIT_DESCRIBE + "; systemc " + sc_core::sc_release());
    add("date", date);
    add("command", r.command_line);
    add("rows_from", "uart");
    if (!err.empty()) return "--measure: " + err;
    std::string body;
    {
        char *buf = nullptr;
        size_t len = 0;
        std::FILE *m = open_memstream(&buf, &len);
        if (!m) return "--measure: out of memory";
        hq_measure_write_header(m, kv.data(), kv.size());
        hq_measure_write_columns(m);
        std::fputc('\n', m);
        for (const hq_measure_row &row : r.measure_rows) {
            hq_measure_write_row(m, &row);
            std::fputc('\n', m);
        }
        std::fclose(m);
        body.assign(buf, len);
        std::free(buf);
    }
    char e[512];
    if (hq_out_write_file(path.c_str(), body.data(), body.size(), e, sizeof e)) return e;
    return "";
}

} // namespace hq::accel
