/* Target of the gdb hardware breakpoint / watchpoint session (tests/iss/gdb_watch.sh):
 * `watched` is written three times through writer(), then read twice. */
#include <stdio.h>

volatile unsigned watched;
volatile unsigned sink;

__attribute__((noinline)) void writer(unsigned v) {
    watched = v;
}

int main(void) {
    for (unsigned i = 1; i <= 3; i++)
        writer(10 * i);
    sink = watched;
    sink += watched;
    printf("gdb_watch: %u\n", sink);
    return 0;
}
