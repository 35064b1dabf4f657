// Linked into every fuzz target and seed replayer.
#include "fuzz_outcome.h"

int hq_fuzz_accepted;

// libsystemc's own main() references sc_main; the targets have libFuzzer's main (or the
// replayer's) and only use SystemC types (sc_time in the platform config): never called.
extern "C" int sc_main(int, char **) {
    return 1;
}
