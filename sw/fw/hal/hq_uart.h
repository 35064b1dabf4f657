/* NS16550A UART (polled transmit and receive). */
#ifndef HQ_FW_UART_H
#define HQ_FW_UART_H

#include "hq_mmio.h"
#include "hq_platform.h"

#define UART_RBR_THR 0 /* receive buffer / transmit holding */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define UART_LSR_DR 0x01   /* data ready */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

static inline void hq_uart_init(void) {
    mmio_write8(HQ_UART0_BASE + UART_IER, 0x00); /* polled: no interrupts */
    mmio_write8(HQ_UART0_BASE + UART_LCR, 0x03); /* 8N1 */
    mmio_write8(HQ_UART0_BASE + UART_FCR, 0x07); /* enable and clear the FIFOs */
}

static inline void hq_uart_putc(char c) {
    while (!(mmio_read8(HQ_UART0_BASE + UART_LSR) & UART_LSR_THRE))
        ;
    mmio_write8(HQ_UART0_BASE + UART_RBR_THR, (uint8_t)c);
}

/* -1 when no byte is waiting */
static inline int hq_uart_getc_nonblock(void) {
    if (!(mmio_read8(HQ_UART0_BASE + UART_LSR) & UART_LSR_DR)) return -1;
    return mmio_read8(HQ_UART0_BASE + UART_RBR_THR);
}

#endif
