#include "ondemand.h"

#include "hq_error.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

/* dlopen + dlsym of every name into the table; 0, or -1 with the reason in lib->err */
static int open_lib(struct hq_ondemand_lib *lib) {
    const char *file = lib->env ? getenv(lib->env) : NULL;
    if (!file || !*file) file = lib->soname;
    /* RTLD_LOCAL: the symbols are reached through the table only */
    void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!h) return hq_errf(lib->err, sizeof lib->err, "cannot load %s: %s", file, dlerror());
    for (size_t i = 0; i < lib->n; i++) {
        dlerror();
        void *p = dlsym(h, lib->names[i]);
        const char *e = dlerror();
        if (e || !p) {
            hq_errf(lib->err, sizeof lib->err, "%s has no symbol %s%s%s", file, lib->names[i],
                    e ? ": " : "", e ? e : "");
            dlclose(h);
            return -1;
        }
        /* the i-th pointer-sized member; dlsym's object pointer copied into a function
         * pointer, as POSIX allows */
        memcpy((char *)lib->table + i * sizeof p, &p, sizeof p);
    }
    return 0; /* the library stays loaded for the process's life */
}

int hq_ondemand_load(struct hq_ondemand_lib *lib, char *err, size_t errlen) {
    pthread_mutex_lock(&lib->mu);
    if (!lib->state) lib->state = open_lib(lib) ? -1 : 1;
    const int state = lib->state;
    pthread_mutex_unlock(&lib->mu);
    if (state < 0) return hq_errf(err, errlen, "%s: %s", lib->what, lib->err);
    return 0;
}
