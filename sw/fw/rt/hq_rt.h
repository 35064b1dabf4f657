/* Firmware runtime: start-up, trap dispatch and exit. stdio goes to the UART. */
#ifndef HQ_FW_RT_H
#define HQ_FW_RT_H

#include <stdint.h>

/* Called for every trap; frame[i] holds x_i (writable). Returns the pc to resume at.
 * The runtime's weak default prints the trap and exits with status 3. */
uint32_t hq_trap_handler(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t *frame);

#endif
