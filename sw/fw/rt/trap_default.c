/* Default trap handler: report and stop. Programs that expect traps define their own. */
#include "hq_rt.h"

#include <stdio.h>
#include <stdlib.h>

__attribute__((weak)) uint32_t hq_trap_handler(uint32_t mcause, uint32_t mepc, uint32_t mtval,
                                               uint32_t *frame) {
    (void)frame;
    printf("unhandled trap: mcause=0x%08lx mepc=0x%08lx mtval=0x%08lx\n", (unsigned long)mcause,
           (unsigned long)mepc, (unsigned long)mtval);
    exit(3);
}
