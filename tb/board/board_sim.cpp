// board_sim: the simulated ULX3S board (docs/board.md). The Verilated board top
// (rtl/board/hq_board_ulx3s.v, pins and all) runs behind a pseudo-terminal that stands for
// the board's FTDI USB serial port: bytes written to the terminal are sent bit by bit into
// the FPGA's receive pin (8N1 at the top's CLKS_PER_BIT), and the bits of its transmit pin
// are decoded back into bytes on the terminal. The host driver (scripts/hq-board) opens the
// terminal as it opens /dev/ttyUSB0 on a real board.
//
// Prints "PTY <path>" on stdout when the board is out of reset, then runs until SIGTERM or
// SIGINT, until its parent process exits, or for --max-cycles.
#include "Vhq_board_ulx3s.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <string>
#include <termios.h>
#include <unistd.h>

static volatile std::sig_atomic_t g_stop = 0;
static void on_signal(int) {
    g_stop = 1;
}

static void usage(FILE *f, const char *prog) {
    std::fprintf(f,
                 "usage: %s [--link PATH] [--max-cycles N]\n"
                 "Runs the Verilated ULX3S board top (rtl/board/hq_board_ulx3s.v, %d clocks per "
                 "UART bit)\nbehind a pseudo-terminal and prints 'PTY <path>' once the board is "
                 "out of reset.\n\n"
                 "  --link PATH      also make PATH a symbolic link to the terminal (replaced "
                 "if it is one)\n"
                 "  --max-cycles N   stop after N clock cycles (default: run until killed)\n"
                 "  -h, --help       this text\n"
                 "Stops on SIGTERM/SIGINT or when the process that started it exits.\n"
                 "Exit status: 0 stopped, 2 usage error or no terminal.\n",
                 prog, BOARD_CLKS_PER_BIT);
}

// The FTDI side of the serial line, bit by bit.
struct HostUart {
    static constexpr int kBit = BOARD_CLKS_PER_BIT;
    std::deque<uint8_t> to_board, from_board;
    // transmitter (into ftdi_txd)
    int tx_phase = -1; // -1 idle; else bit index 0 (start) .. 9 (stop)
    int tx_count = 0;
    uint8_t tx_byte = 0;
    // receiver (from ftdi_rxd)
    int rx_phase = -1;
    int rx_count = 0;
    uint8_t rx_byte = 0;
    bool idle() const { return tx_phase < 0 && rx_phase < 0 && to_board.empty(); }

    int tx_level() {
        if (tx_phase < 0) {
            if (to_board.empty()) return 1;
            tx_byte = to_board.front();
            to_board.pop_front();
            tx_phase = 0;
            tx_count = 0;
        }
        const int level = tx_phase == 0 ? 0 : tx_phase == 9 ? 1 : (tx_byte >> (tx_phase - 1)) & 1;
        if (++tx_count == kBit) {
            tx_count = 0;
            if (++tx_phase == 10) tx_phase = -1;
        }
        return level;
    }
    void rx_sample(int level) {
        if (rx_phase < 0) {
            if (level == 0) {
                rx_phase = 0;
                rx_count = 0;
            }
            return;
        }
        if (++rx_count < (rx_phase == 0 ? kBit / 2 : kBit)) return;
        rx_count = 0;
        if (rx_phase == 0) {
            rx_phase = level == 0 ? 1 : -1; // a glitch, not a start bit
        } else if (rx_phase <= 8) {
            rx_byte = (uint8_t)(rx_byte >> 1 | level << 7);
            rx_phase++;
        } else {
            if (level == 1) from_board.push_back(rx_byte); // else a framing error: dropped
            rx_phase = -1;
        }
    }
};

int main(int argc, char **argv) {
    std::string link;
    unsigned long long max_cycles = 0;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            usage(stdout, argv[0]);
            return 0;
        } else if ((a == "--link" || a == "--max-cycles") && i + 1 < argc) {
            if (a == "--link")
                link = argv[++i];
            else {
                char *end = nullptr;
                max_cycles = std::strtoull(argv[++i], &end, 10);
                if (!*argv[i] || *end) {
                    std::fprintf(stderr, "%s: --max-cycles expects a number\n", argv[0]);
                    return 2;
                }
            }
        } else {
            std::fprintf(stderr, "%s: unknown or incomplete option '%s'\n", argv[0], a.c_str());
            usage(stderr, argv[0]);
            return 2;
        }
    }
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        std::fprintf(stderr, "%s: cannot create a pseudo-terminal: %s\n", argv[0],
                     std::strerror(errno));
        return 2;
    }
    const std::string pty = ptsname(master);
    // Keep the terminal open here too (no hang-up between two drivers) and make it raw: bytes
    // pass unchanged in both directions.
    const int keep = open(pty.c_str(), O_RDWR | O_NOCTTY);
    struct termios tio;
    if (keep < 0 || tcgetattr(keep, &tio)) {
        std::fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], pty.c_str(),
                     std::strerror(errno));
        return 2;
    }
    cfmakeraw(&tio);
    tcsetattr(keep, TCSANOW, &tio);
    if (!link.empty()) {
        char target[4096];
        const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n >= 0) unlink(link.c_str()); // an old link (never a regular file)
        if (symlink(pty.c_str(), link.c_str())) {
            std::fprintf(stderr, "%s: cannot make the link %s: %s\n", argv[0], link.c_str(),
                         std::strerror(errno));
            return 2;
        }
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    const pid_t parent = getppid();

    std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    std::unique_ptr<Vhq_board_ulx3s> top{new Vhq_board_ulx3s{ctx.get()}};
    HostUart uart;
    top->btn = 0;
    top->ftdi_txd = 1;
    unsigned long long cycle = 0, last_traffic = 0;
    auto step = [&]() {
        top->ftdi_txd = (uint8_t)uart.tx_level();
        top->clk_25mhz = 0;
        top->eval();
        uart.rx_sample(top->ftdi_rxd);
        top->clk_25mhz = 1;
        top->eval();
        cycle++;
    };
    for (int i = 0; i < 64; i++) // the power-on reset
        step();
    std::printf("PTY %s\n", pty.c_str());
    std::fflush(stdout);

    uint8_t buf[4096];
    while (!g_stop && (!max_cycles || cycle < max_cycles)) {
        for (int i = 0; i < 512; i++)
            step();
        // terminal -> board
        const ssize_t n = read(master, buf, sizeof buf);
        if (n > 0) {
            uart.to_board.insert(uart.to_board.end(), buf, buf + n);
            last_traffic = cycle;
        }
        // board -> terminal
        while (!uart.from_board.empty()) {
            size_t k = 0;
            for (; k < uart.from_board.size() && k < sizeof buf; k++)
                buf[k] = uart.from_board[k];
            const ssize_t w = write(master, buf, k);
            if (w <= 0) break; // the terminal's buffer is full: try again later
            uart.from_board.erase(uart.from_board.begin(), uart.from_board.begin() + w);
            last_traffic = cycle;
        }
        if (!uart.idle() || top->ftdi_rxd == 0) last_traffic = cycle;
        // Nothing on the line for a while: wait for the host instead of spinning (the board
        // only computes what the host started, and the host polls it while it waits).
        if (cycle - last_traffic > (1u << 16)) {
            struct pollfd p = {master, POLLIN, 0};
            poll(&p, 1, 2);
            if (getppid() != parent) break; // the driver is gone
        }
    }
    if (!link.empty()) unlink(link.c_str());
    top->final();
    return 0;
}
