/* hello: picolibc printf over the UART, then exit(0) through the test finisher. */
#include "hq_csr.h"

#include <stdio.h>

int main(void) {
    printf("Hello from HQSim RV32IM: hart %lu, misa 0x%08lx\n", (unsigned long)csr_read(mhartid),
           (unsigned long)csr_read(misa));
    printf("retired %lu instructions so far\n", (unsigned long)rdinstret64());
    return 0;
}
