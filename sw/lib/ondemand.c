#include "ondemand.h"

#include "hq_error.h"

#include <dlfcn.h>
#include <stdlib.h>

int hq_ondemand_open(const char *soname, const char *env_override, const char *const *names,
                     void **fns, size_t n, char *err, size_t errlen) {
    const char *file = env_override ? getenv(env_override) : NULL;
    if (!file || !*file) file = soname;
    /* RTLD_LOCAL: the symbols are reached through the table only */
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        hq_errf(err, errlen, "cannot load %s: %s", file, dlerror());
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        dlerror();
        fns[i] = dlsym(h, names[i]);
        const char *e = dlerror();
        if (e || !fns[i]) {
            hq_errf(err, errlen, "%s has no symbol %s%s%s", file, names[i], e ? ": " : "",
                     e ? e : "");
            dlclose(h);
            return -1;
        }
    }
    return 0; /* the library stays loaded for the process's life */
}
