/* C start-up: clear .bss, set the thread pointer for picolibc's TLS (errno), run the
 * constructors, call main, exit with its status (through the test finisher). */
#include "hq_rt.h"
#include "hq_uart.h"

#include <picotls.h>
#include <stdlib.h>
#include <string.h>

extern char __bss_start[], __bss_end[], __tls_base[];
extern void __libc_init_array(void);
int main(void);
void hq_crt_start(void);

void hq_crt_start(void) {
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    _set_tls(__tls_base);
    hq_uart_init();
    __libc_init_array();
    exit(main());
}
