#include "platform/config_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hq {

namespace {
/* Fails on key with "must be in [min, max], got x" unless min <= x <= max (NaN fails). */
template <class T> void require_in(const ConfigObject &o, const char *key, T x, T min, T max) {
    if (!(x >= min && x <= max)) {
        std::ostringstream m;
        m << "must be in [" << min << ", " << max << "], got " << x;
        o.fail(key, m.str());
    }
}
} // namespace

nlohmann::json load_json_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open file");
    /* The parser itself is iterative, but dump(), copies and comparisons recurse: a value
     * nested 60,000 levels deep overflowed the stack when an error message printed it. */
    auto bound_depth = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json &) {
        if ((event == nlohmann::json::parse_event_t::object_start ||
             event == nlohmann::json::parse_event_t::array_start) &&
            depth >= kMaxConfigDepth)
            throw ConfigError(path + ": values nested deeper than " +
                              std::to_string(kMaxConfigDepth) + " levels");
        return true;
    };
    try {
        return nlohmann::json::parse(in, bound_depth);
    } catch (const nlohmann::json::exception &e) {
        /* parse errors, and out_of_range for a number too large for a double ('100e6000',
         * found by fuzz_config_json) */
        throw ConfigError(path + ": invalid JSON: " + e.what());
    }
}

std::string json_excerpt(const nlohmann::json &v) {
    constexpr size_t kMax = 60;
    std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
    return s;
}

ConfigObject::ConfigObject(const nlohmann::json &obj, std::string file, std::string path)
    : obj_(obj), file_(std::move(file)), path_(std::move(path)) {
    if (!obj_.is_object())
        throw ConfigError(file_ + ": " + (path_.empty() ? "top level" : path_) +
                          ": must be a JSON object");
}

std::string ConfigObject::key_path(const char *key) const {
    return path_.empty() ? std::string(key) : path_ + "." + key;
}

void ConfigObject::fail(const char *key, const std::string &msg) const {
    throw ConfigError(file_ + ": " + (key ? key_path(key) : (path_.empty() ? "top level" : path_)) +
                      ": " + msg);
}

void ConfigObject::allow_only(std::initializer_list<const char *> allowed) const {
    for (auto it = obj_.begin(); it != obj_.end(); ++it) {
        bool ok = false;
        for (const char *a : allowed)
            ok = ok || it.key() == a;
        if (!ok) {
            std::string list;
            for (const char *a : allowed)
                list += std::string(list.empty() ? "" : ", ") + a;
            fail(it.key().c_str(), "unknown key (allowed: " + list + ")");
        }
    }
}

const nlohmann::json &ConfigObject::at(const char *key) const {
    auto it = obj_.find(key);
    if (it == obj_.end()) fail(key, "missing required key");
    return *it;
}

uint64_t ConfigObject::u64(const char *key, uint64_t min, uint64_t max) const {
    const nlohmann::json &v = at(key);
    uint64_t x = 0;
    if (v.is_number_unsigned()) {
        x = v.get<uint64_t>();
    } else if (v.is_number_integer()) {
        fail(key, "must not be negative, got " + json_excerpt(v));
    } else if (v.is_number_float()) {
        double d = v.get<double>();
        if (!(d >= 0) || d != std::floor(d) || d > 1.8e19)
            fail(key, "must be a non-negative integer, got " + json_excerpt(v));
        x = static_cast<uint64_t>(d);
    } else if (v.is_string()) {
        const std::string s = v.get<std::string>();
        errno = 0;
        char *end = nullptr;
        unsigned long long r = std::strtoull(s.c_str(), &end, 0);
        if (s.empty() || s[0] == '-' || *end || errno)
            fail(key, "must be an integer (decimal or 0x hex), got " + json_excerpt(v));
        x = r;
    } else {
        fail(key, "must be an integer, got " + json_excerpt(v));
    }
    require_in(*this, key, x, min, max);
    return x;
}

uint64_t ConfigObject::u64_or(const char *key, uint64_t dflt, uint64_t min, uint64_t max) const {
    return has(key) ? u64(key, min, max) : dflt;
}

double ConfigObject::number(const char *key, double min, double max) const {
    const nlohmann::json &v = at(key);
    if (!v.is_number()) fail(key, "must be a number, got " + json_excerpt(v));
    double d = v.get<double>();
    require_in(*this, key, d, min, max);
    return d;
}

double ConfigObject::number_or(const char *key, double dflt, double min, double max) const {
    return has(key) ? number(key, min, max) : dflt;
}

bool ConfigObject::boolean_or(const char *key, bool dflt) const {
    if (!has(key)) return dflt;
    const nlohmann::json &v = at(key);
    if (!v.is_boolean()) fail(key, "must be true or false, got " + json_excerpt(v));
    return v.get<bool>();
}

std::string ConfigObject::string(const char *key) const {
    const nlohmann::json &v = at(key);
    if (!v.is_string()) fail(key, "must be a string, got " + json_excerpt(v));
    return v.get<std::string>();
}

std::string ConfigObject::string_or(const char *key, const std::string &dflt) const {
    return has(key) ? string(key) : dflt;
}

ConfigObject ConfigObject::object(const char *key) const {
    const nlohmann::json &v = at(key);
    if (!v.is_object()) fail(key, "must be a JSON object");
    return ConfigObject(v, file_, key_path(key));
}

ConfigObject ConfigObject::object_or_empty(const char *key) const {
    static const nlohmann::json empty = nlohmann::json::object();
    return has(key) ? object(key) : ConfigObject(empty, file_, key_path(key));
}

const nlohmann::json &ConfigObject::array(const char *key) const {
    const nlohmann::json &v = at(key);
    if (!v.is_array()) fail(key, "must be a JSON array");
    return v;
}

std::string ConfigObject::resolve_path(const std::string &p) const {
    if (p.empty() || p[0] == '/') return p;
    size_t slash = file_.rfind('/');
    return slash == std::string::npos ? p : file_.substr(0, slash + 1) + p;
}

} // namespace hq
