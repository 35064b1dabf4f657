/* picolibc stdio over the NS16550A UART; exit() ends the run through the test finisher. */
#include "hq_finisher.h"
#include "hq_uart.h"

#include <stdio.h>

static int uart_put(char c, FILE *f) {
    (void)f;
    hq_uart_putc(c);
    return (unsigned char)c;
}

static int uart_get(FILE *f) {
    (void)f;
    int c;
    while ((c = hq_uart_getc_nonblock()) < 0)
        ;
    return c;
}

static FILE uart_stream = FDEV_SETUP_STREAM(uart_put, uart_get, NULL, _FDEV_SETUP_RW);
FILE *const stdin = &uart_stream;
FILE *const stdout = &uart_stream;
FILE *const stderr = &uart_stream;

void _exit(int status) {
    hq_finish(status);
}
