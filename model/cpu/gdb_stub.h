/* GDB remote serial protocol server on 127.0.0.1 (one client, blocking). Independent of
 * SystemC: the CPU wrapper implements GdbTarget and drives the stub between runs. */
#ifndef HQ_GDB_STUB_H
#define HQ_GDB_STUB_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace hq {

/* What the debugger may inspect and change. Registers: 0..31 = x0..x31, 32 = pc. */
class GdbTarget {
  public:
    virtual ~GdbTarget() = default;
    virtual uint32_t read_register(unsigned n) = 0;
    virtual void write_register(unsigned n, uint32_t value) = 0;
    virtual bool read_memory(uint32_t addr, uint8_t *buf, size_t len) = 0;
    virtual bool write_memory(uint32_t addr, const uint8_t *buf, size_t len) = 0;
    virtual bool set_breakpoint(uint32_t addr, bool on) = 0;
    /* Watchpoint on [addr, addr + len): type 2 write, 3 read, 4 access (gdb's Z2/Z3/Z4).
     * false: not supported or no room. */
    virtual bool set_watchpoint(int type, uint32_t addr, uint32_t len, bool on) {
        (void)type, (void)addr, (void)len, (void)on;
        return false;
    }
};

class GdbStub {
  public:
    enum class Resume { Continue, Step, Detach, Kill };
    /* POSIX signal numbers used in stop replies */
    static constexpr int SigInt = 2, SigTrap = 5;

    explicit GdbStub(int port);
    ~GdbStub();
    GdbStub(const GdbStub &) = delete;
    GdbStub &operator=(const GdbStub &) = delete;

    /* Bind and listen; throws std::runtime_error with the reason on failure. */
    void listen();
    /* Block until a debugger connects. */
    void accept_client();
    /* Serve an already connected stream socket instead (tests/fuzz feeds packets through a
     * socketpair); the stub owns fd from now on. */
    void attach(int fd);
    bool connected() const { return client_ >= 0; }

    /* Serve packets while the target is stopped. stop_signal: the reason reported to gdb
     * (0 = the initial stop at reset, reported when gdb asks '?'); stop_reply, when not
     * empty, is sent instead of "S<signal>" (e.g. "T05watch:80001000;"). Returns how to
     * resume. */
    Resume serve(GdbTarget &target, int stop_signal, const std::string &stop_reply = "");
    /* While running: true if the debugger sent an interrupt (Ctrl-C). Non-blocking. */
    bool interrupt_requested();
    /* The program ended: tell gdb (W packet) and drop the connection. */
    void report_exit(int code);

  private:
    bool read_packet(std::string &out); /* false: connection closed */
    void send_packet(const std::string &data);
    std::string handle(GdbTarget &t, const std::string &pkt, bool &resume, Resume &how);
    std::string features_xml(const std::string &annex, const std::string &range) const;
    void close_client();

    int port_;
    int listener_ = -1;
    int client_ = -1;
    bool no_ack_ = false;
    std::string pending_; /* bytes read but not yet consumed */
};

} // namespace hq

#endif
