/* Reading validated values out of a JSON config (nlohmann-json). Every error is a
 * ConfigError whose message names the file and the key path, e.g.
 *   configs/platform/default.json: devices[2].params.sources: must be in [1, 1023], got 5000
 * Device factories (built-in and model/accel) use the same reader for their "params". */
#ifndef HQ_CONFIG_READER_H
#define HQ_CONFIG_READER_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace hq {

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/* Objects and arrays may nest at most this deep in a config file (the deepest shipped config
 * uses 5 levels); deeper files are refused while parsing. */
constexpr int kMaxConfigDepth = 64;

/* Loads and parses a JSON file; throws ConfigError "FILE: ..." on I/O or syntax errors and on
 * nesting deeper than kMaxConfigDepth. */
nlohmann::json load_json_file(const std::string &path);

/* A value for an error message: its JSON text, cut to 60 characters ("..." when cut). */
std::string json_excerpt(const nlohmann::json &v);

/* A view of one JSON object at a key path inside a file. */
class ConfigObject {
  public:
    ConfigObject(const nlohmann::json &obj, std::string file, std::string path);

    /* Throws if the object has a key outside `allowed` (catches typos such as "szie"). */
    void allow_only(std::initializer_list<const char *> allowed) const;

    bool has(const char *key) const { return obj_.contains(key); }

    /* Integers accept JSON integers, integral floats (1e8) and strings "0x1000" / "4096". */
    uint64_t u64(const char *key, uint64_t min = 0, uint64_t max = UINT64_MAX) const;
    uint64_t u64_or(const char *key, uint64_t dflt, uint64_t min = 0,
                    uint64_t max = UINT64_MAX) const;
    double number(const char *key, double min, double max) const;
    double number_or(const char *key, double dflt, double min, double max) const;
    bool boolean_or(const char *key, bool dflt) const;
    std::string string(const char *key) const;
    std::string string_or(const char *key, const std::string &dflt) const;
    ConfigObject object(const char *key) const;          /* required sub-object */
    ConfigObject object_or_empty(const char *key) const; /* {} when absent */
    const nlohmann::json &array(const char *key) const;  /* required array */

    const nlohmann::json &json() const { return obj_; }
    const std::string &file() const { return file_; }
    std::string key_path(const char *key) const; /* "devices[2].base" */
    [[noreturn]] void fail(const char *key, const std::string &msg) const;
    /* Path relative to the directory of this config file (absolute paths unchanged). */
    std::string resolve_path(const std::string &p) const;

  private:
    const nlohmann::json &at(const char *key) const;
    const nlohmann::json &obj_;
    std::string file_, path_;
};

} // namespace hq

#endif
