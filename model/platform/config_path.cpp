/* hq_find_default_config (hq_platform.h): one lookup of the default configs for every
 * subcommand, so an installed or out-of-tree build finds them too. */
#include "platform/hq_platform.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

extern "C" const char *hq_find_default_config(const char *env, const char *rel, char *buf,
                                              size_t len)
{
    const char *e = env ? std::getenv(env) : nullptr;
    if (e && *e)
        return e;
    std::snprintf(buf, len, "configs/%s", rel);
    if (access(buf, R_OK) == 0)
        return buf;
    std::snprintf(buf, len, "%s/%s", HQSIM_CONFIG_DIR, rel);
    return access(buf, R_OK) == 0 ? buf : nullptr;
}
