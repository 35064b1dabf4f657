/* Replays seed files through one fuzz target (linked with it in place of libFuzzer) and checks
 * the outcome the name states: accept-* must be accepted, reject-* refused; other seeds only
 * have to run cleanly (under ASan and UBSan, which abort on any error).
 * usage: replay_<target> FILE... */
#include "fuzz_outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        size_t cap = 1 << 16, n = 0, got;
        uint8_t *buf = malloc(cap);
        while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
            n += got;
            if (n == cap) buf = realloc(buf, cap *= 2);
        }
        fclose(f);
        if (!buf) return 2;
        hq_fuzz_accepted = -1;
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        int want = !strncmp(name, "accept-", 7) ? 1 : !strncmp(name, "reject-", 7) ? 0 : -1;
        int ok = want < 0 || hq_fuzz_accepted == want;
        printf("%s %s: %s\n", ok ? "ok  " : "FAIL", name,
               hq_fuzz_accepted < 0 ? "ran"
               : hq_fuzz_accepted   ? "accepted"
                                    : "refused");
        failures += !ok;
    }
    return failures ? 1 : 0;
}
