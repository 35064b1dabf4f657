/* Replays the fuzz seeds of one target (tests/fuzz/seeds/<target>/) through the code the
 * target exercises and checks each outcome against the seed's name: accept-* must be
 * accepted, reject-* refused with a message. The seeds are the reproducers of fixed bugs
 * (issue 20), so under the sanitizer build this is also their memory-safety regression test.
 *
 * usage: replay_seeds TARGET FILE...   (TARGET: policy, container, layout_c, layout_cpp,
 *                                       config_json) */
#include "accel/weight_decoder.h"
#include "platform/config_reader.h"
#include "platform/platform_config.h"
extern "C" { /* libhq's headers have no C++ guards */
#include "container.h"
#include "layout/layout.h"
#include "quant/policy.h"
}

#include <systemc>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<uint8_t> read_all(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/* Runs one seed; returns true if accepted, false with a message in *why if refused. */
bool run_one(const std::string &target, const std::string &path, std::string *why) {
    const std::vector<uint8_t> data = read_all(path);
    char err[512] = "";
    if (target == "policy") {
        const std::string spec(data.begin(), data.end());
        hq_policy p;
        if (hq_policy_parse(&p, spec.c_str(), err, sizeof err) == 0) return true;
    } else if (target == "container") {
        hq_model m;
        if (hq_container_read_mem(&m, data.data(), data.size(), err, sizeof err) == 0) {
            hq_container_free_model(&m);
            return true;
        }
    } else if (target == "layout_c") {
        hq_decoded_layer d;
        if (hq_layout_decode(data.data(), data.size(), &d, err, sizeof err) == 0) {
            hq_decoded_layer_free(&d);
            return true;
        }
    } else if (target == "layout_cpp") {
        /* The descriptor agrees with whatever the header claims (the worst case). */
        hq::accel::WeightFormat f;
        if (data.size() >= 16) {
            f.layout = data[0], f.lo_bits = data[1], f.hi_bits = data[2], f.block_n = data[3];
            f.block_m = data[4] | data[5] << 8;
            f.rows = data[6] | data[7] << 8;
            f.cols = data[8] | data[9] << 8;
        }
        hq::accel::DecodedWeights w;
        *why = hq::accel::decode_weights(f, data.data(), data.size(), &w);
        return why->empty();
    } else if (target == "config_json") {
        try {
            hq::load_platform_config(path);
            return true;
        } catch (const hq::ConfigError &e) {
            *why = e.what();
            return false;
        }
    } else {
        *why = "unknown target";
        return false;
    }
    *why = err;
    return false;
}

} // namespace

int sc_main(int argc, char *argv[]) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: replay_seeds TARGET FILE...\n");
        return 2;
    }
    const std::string target = argv[1];
    int failures = 0;
    for (int i = 2; i < argc; i++) {
        const std::string path = argv[i];
        const std::string name = path.substr(path.find_last_of('/') + 1);
        const bool want_accept = name.rfind("accept-", 0) == 0;
        if (!want_accept && name.rfind("reject-", 0) != 0) {
            std::fprintf(stderr, "%s: name must start with accept- or reject-\n", path.c_str());
            failures++;
            continue;
        }
        std::string why;
        const bool accepted = run_one(target, path, &why);
        const bool ok = accepted == want_accept && (accepted || !why.empty());
        std::printf("%s %s: %s%s%.160s\n", ok ? "ok  " : "FAIL", name.c_str(),
                    accepted ? "accepted" : "refused", why.empty() ? "" : ": ", why.c_str());
        failures += !ok;
    }
    return failures ? 1 : 0;
}
