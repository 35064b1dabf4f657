/* hq_find_default_config, hq_find_share_file (platform_run.h): one lookup of the default
 * configs and firmware for every subcommand. Paths are found relative to the executable
 * (/proc/self/exe), never through a path compiled in, so an installed hqsim works from any
 * directory and its binary names no source or build tree. */
#include "platform_run.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace {

/* The directory of the running executable, or "" if /proc is not mounted. */
bool exe_dir(char *dir, size_t len) {
    ssize_t n = readlink("/proc/self/exe", dir, len - 1);
    if (n <= 0) return false;
    dir[n] = 0;
    char *slash = std::strrchr(dir, '/');
    if (!slash) return false;
    *slash = 0;
    return true;
}

} // namespace

extern "C" const char *hq_find_share_file(const char *rel, char *buf, size_t len) {
    char dir[PATH_MAX];
    if (!exe_dir(dir, sizeof dir)) return nullptr;
    /* Installed: <prefix>/bin/hqsim. Build tree: build/<area>/<sub>/<exe>, with build/share
     * made by CMake (configs linked to the source tree's). */
    static const char *const ups[] = {"..", "../..", "../../.."};
    for (const char *up : ups) {
        std::snprintf(buf, len, "%s/%s/share/hqsim/%s", dir, up, rel);
        if (access(buf, R_OK) == 0) return buf;
    }
    return nullptr;
}

extern "C" const char *hq_find_default_config(const char *env, const char *rel, char *buf,
                                              size_t len) {
    const char *e = env ? std::getenv(env) : nullptr;
    if (e && *e) return e;
    std::snprintf(buf, len, "configs/%s", rel);
    if (access(buf, R_OK) == 0) return buf;
    char share_rel[PATH_MAX];
    std::snprintf(share_rel, sizeof share_rel, "configs/%s", rel);
    return hq_find_share_file(share_rel, buf, len);
}
