// Fuzz target `gdb_packet`: the GDB remote-protocol stub (model/cpu/gdb_stub.cpp). The input is
// the byte stream a debugger sends; it goes through a socketpair whose far end is then closed,
// so the stub serves every packet in it, its replies fail harmlessly, and it ends at EOF.
#include "cpu/gdb_stub.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A target with 4 KiB of memory at 0x1000; everything else is unmapped.
class FakeTarget : public hq::GdbTarget {
  public:
    uint32_t regs[33] = {};
    uint8_t mem[4096] = {};
    uint32_t read_register(unsigned n) override {
        if (n >= 33) abort(); /* the stub must range-check register numbers */
        return regs[n];
    }
    void write_register(unsigned n, uint32_t v) override {
        if (n >= 33) abort();
        regs[n] = v;
    }
    bool read_memory(uint32_t addr, uint8_t *buf, size_t len) override {
        if (addr < 0x1000 || len > 0x2000 - size_t(addr) || addr >= 0x2000) return false;
        memcpy(buf, mem + (addr - 0x1000), len);
        return true;
    }
    bool write_memory(uint32_t addr, const uint8_t *buf, size_t len) override {
        if (addr < 0x1000 || addr >= 0x2000 || len > 0x2000 - size_t(addr)) return false;
        memcpy(mem + (addr - 0x1000), buf, len);
        return true;
    }
    bool set_breakpoint(uint32_t addr, bool) override { return addr % 2 == 0; }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool once = (signal(SIGPIPE, SIG_IGN), true); /* replies go to a closed socket */
    (void)once;
    if (size > 65536) /* must fit the socket buffer: nobody reads the other end */
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) abort();
    int sndbuf = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (size && write(sv[0], data, size) != ssize_t(size)) abort();
    close(sv[0]);
    hq::GdbStub stub(0);
    stub.attach(sv[1]);
    FakeTarget target;
    for (int stops = 0; stops < 64 && stub.connected(); stops++) {
        hq::GdbStub::Resume how = stub.serve(target, stops ? hq::GdbStub::SigTrap : 0);
        if (how == hq::GdbStub::Resume::Kill || how == hq::GdbStub::Resume::Detach) break;
        (void)stub.interrupt_requested();
    }
    return 0;
}
