/* GDB remote serial protocol (see gdb_stub.h). Implements the packets gdb needs for a bare
 * RV32 target: qSupported, qXfer:features:read (target.xml), ?, g/G, p/P, m/M, Z0/z0
 * (Z1/z1 the same), Z2/Z3/Z4 watchpoints, s, c, D, k, and Ctrl-C while running. */
#include "gdb_stub.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace hq {

namespace {

const char *const kTargetXml = "<?xml version=\"1.0\"?>\n"
                               "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                               "<target version=\"1.0\">\n"
                               "<architecture>riscv:rv32</architecture>\n"
                               "<feature name=\"org.gnu.gdb.riscv.cpu\">\n"
                               "<reg name=\"zero\" bitsize=\"32\" type=\"int\" regnum=\"0\"/>\n"
                               "<reg name=\"ra\" bitsize=\"32\" type=\"code_ptr\"/>\n"
                               "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
                               "<reg name=\"gp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
                               "<reg name=\"tp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
                               "<reg name=\"t0\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t1\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t2\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"fp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
                               "<reg name=\"s1\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a0\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a1\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a2\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a3\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a4\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a5\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a6\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"a7\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s2\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s3\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s4\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s5\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s6\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s7\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s8\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s9\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s10\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"s11\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t3\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t4\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t5\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"t6\" bitsize=\"32\" type=\"int\"/>\n"
                               "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
                               "</feature>\n"
                               "</target>\n";

const unsigned kNumRegs = 33;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string to_hex(const uint8_t *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (size_t i = 0; i < n; i++) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

bool from_hex(const char *s, size_t nbytes, uint8_t *out) {
    for (size_t i = 0; i < nbytes; i++) {
        int hi = hex_value(s[2 * i]), lo = hi < 0 ? -1 : hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return true;
}

std::string reg_hex(uint32_t v) /* target byte order: little-endian */
{
    uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    return to_hex(b, 4);
}

bool parse_reg_hex(const char *s, uint32_t &v) {
    uint8_t b[4];
    if (!from_hex(s, 4, b)) return false;
    v = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    return true;
}

/* "addr,len" in hex; returns the position after len */
bool parse_addr_len(const std::string &s, size_t pos, uint32_t &addr, uint32_t &len, size_t &end) {
    char *e = nullptr;
    unsigned long a = strtoul(s.c_str() + pos, &e, 16);
    if (*e != ',') return false;
    unsigned long l = strtoul(e + 1, &e, 16);
    addr = static_cast<uint32_t>(a);
    len = static_cast<uint32_t>(l);
    end = static_cast<size_t>(e - s.c_str());
    return true;
}

} // namespace

GdbStub::GdbStub(int port) : port_(port) {}

GdbStub::~GdbStub() {
    close_client();
    if (listener_ >= 0) ::close(listener_);
}

void GdbStub::listen() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0)
        throw std::runtime_error(std::string("gdb stub: socket: ") + strerror(errno));
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(listener_, 1) != 0)
        throw std::runtime_error("gdb stub: cannot listen on 127.0.0.1:" + std::to_string(port_) +
                                 ": " + strerror(errno));
}

void GdbStub::accept_client() {
    do
        client_ = ::accept(listener_, nullptr, nullptr);
    while (client_ < 0 && errno == EINTR);
    if (client_ < 0) throw std::runtime_error(std::string("gdb stub: accept: ") + strerror(errno));
    int one = 1;
    setsockopt(client_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    no_ack_ = false;
    pending_.clear();
}

void GdbStub::attach(int fd) {
    close_client();
    client_ = fd;
    no_ack_ = false;
    pending_.clear();
}

void GdbStub::close_client() {
    if (client_ >= 0) ::close(client_);
    client_ = -1;
}

bool GdbStub::read_packet(std::string &out) {
    for (;;) {
        size_t start = pending_.find('$');
        /* a bare Ctrl-C while stopped is harmless: drop it with acks and junk */
        if (start != std::string::npos) {
            size_t hash = pending_.find('#', start);
            if (hash != std::string::npos && pending_.size() >= hash + 3) {
                out = pending_.substr(start + 1, hash - start - 1);
                unsigned sum = 0;
                for (unsigned char c : out)
                    sum += c;
                int hi = hex_value(pending_[hash + 1]), lo = hex_value(pending_[hash + 2]);
                pending_.erase(0, hash + 3);
                bool ok = hi >= 0 && lo >= 0 && unsigned(hi << 4 | lo) == (sum & 0xff);
                if (!no_ack_) (void)!::write(client_, ok ? "+" : "-", 1);
                if (ok) return true;
                continue;
            }
        }
        char buf[4096];
        ssize_t n = ::read(client_, buf, sizeof buf);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<size_t>(n));
    }
}

void GdbStub::send_packet(const std::string &data) {
    unsigned sum = 0;
    for (unsigned char c : data)
        sum += c;
    char tail[4];
    snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
    std::string pkt = "$" + data + tail;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (::write(client_, pkt.data(), pkt.size()) != static_cast<ssize_t>(pkt.size())) return;
        if (no_ack_) return;
        /* wait for the ack; anything else stays pending */
        for (;;) {
            if (!pending_.empty() && (pending_[0] == '+' || pending_[0] == '-')) break;
            if (!pending_.empty() && pending_[0] != '$') {
                pending_.erase(0, 1);
                continue;
            }
            if (!pending_.empty()) return; /* a new packet instead of an ack: treat as acked */
            char buf[256];
            ssize_t n = ::read(client_, buf, sizeof buf);
            if (n <= 0) return;
            pending_.append(buf, static_cast<size_t>(n));
        }
        char ack = pending_[0];
        pending_.erase(0, 1);
        if (ack == '+') return;
    }
}

std::string GdbStub::features_xml(const std::string &annex, const std::string &range) const {
    if (annex != "target.xml") return "E00";
    uint32_t off, len;
    size_t end;
    if (!parse_addr_len(range, 0, off, len, end)) return "E01";
    std::string xml = kTargetXml;
    if (off >= xml.size()) return "l";
    std::string part = xml.substr(off, len);
    return (off + part.size() >= xml.size() ? "l" : "m") + part;
}

std::string GdbStub::handle(GdbTarget &t, const std::string &p, bool &resume, Resume &how) {
    switch (p.empty() ? 0 : p[0]) {
    case '?': return "S05";
    case 'g': {
        std::string s;
        for (unsigned i = 0; i < kNumRegs; i++)
            s += reg_hex(t.read_register(i));
        return s;
    }
    case 'G': {
        if (p.size() < 1 + 8 * kNumRegs) return "E01";
        for (unsigned i = 0; i < kNumRegs; i++) {
            uint32_t v;
            if (!parse_reg_hex(p.c_str() + 1 + 8 * i, v)) return "E01";
            t.write_register(i, v);
        }
        return "OK";
    }
    case 'p': {
        unsigned long n = strtoul(p.c_str() + 1, nullptr, 16);
        return n < kNumRegs ? reg_hex(t.read_register(unsigned(n))) : "E01";
    }
    case 'P': {
        size_t eq = p.find('=');
        unsigned long n = strtoul(p.c_str() + 1, nullptr, 16);
        uint32_t v;
        if (eq == std::string::npos || n >= kNumRegs || p.size() < eq + 9 ||
            !parse_reg_hex(p.c_str() + eq + 1, v))
            return "E01";
        t.write_register(unsigned(n), v);
        return "OK";
    }
    case 'm': {
        uint32_t addr, len;
        size_t end;
        if (!parse_addr_len(p, 1, addr, len, end) || len > 0x10000) return "E01";
        std::string buf(len, '\0');
        if (!t.read_memory(addr, reinterpret_cast<uint8_t *>(&buf[0]), len)) return "E14";
        return to_hex(reinterpret_cast<const uint8_t *>(buf.data()), len);
    }
    case 'M': {
        uint32_t addr, len;
        size_t end;
        if (!parse_addr_len(p, 1, addr, len, end) || end >= p.size() || p[end] != ':' ||
            p.size() < end + 1 + 2 * size_t(len))
            return "E01";
        std::string buf(len, '\0');
        if (!from_hex(p.c_str() + end + 1, len, reinterpret_cast<uint8_t *>(&buf[0]))) return "E01";
        return t.write_memory(addr, reinterpret_cast<const uint8_t *>(buf.data()), len) ? "OK"
                                                                                        : "E14";
    }
    case 'Z':
    case 'z': {
        if (p.size() < 3 || p[1] < '0' || p[1] > '4' || p[2] != ',')
            return ""; /* unsupported kind: the empty reply */
        uint32_t addr, len;
        size_t end;
        if (!parse_addr_len(p, 3, addr, len, end)) return "E01";
        if (p[1] <= '1') /* software and hardware breakpoints: both in the ISS */
            return t.set_breakpoint(addr, p[0] == 'Z') ? "OK" : "E01";
        if (len == 0) return "E01";
        return t.set_watchpoint(p[1] - '0', addr, len, p[0] == 'Z') ? "OK" : "E01";
    }
    case 'c':
    case 's':
        if (p.size() > 1) /* resume address */
            t.write_register(32, static_cast<uint32_t>(strtoul(p.c_str() + 1, nullptr, 16)));
        resume = true;
        how = p[0] == 'c' ? Resume::Continue : Resume::Step;
        return "";
    case 'D':
        resume = true;
        how = Resume::Detach;
        return "OK";
    case 'k':
        resume = true;
        how = Resume::Kill;
        return "";
    case 'H': return "OK"; /* one thread */
    case 'T': return "OK";
    case 'q':
        if (p.rfind("qSupported", 0) == 0)
            return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+";
        if (p.rfind("qXfer:features:read:", 0) == 0) {
            std::string rest = p.substr(20);
            size_t colon = rest.find(':');
            if (colon == std::string::npos) return "E01";
            return features_xml(rest.substr(0, colon), rest.substr(colon + 1));
        }
        if (p == "qAttached") return "1";
        if (p == "qC") return "QC1";
        if (p == "qfThreadInfo") return "m1";
        if (p == "qsThreadInfo") return "l";
        if (p.rfind("qSymbol", 0) == 0) return "OK";
        return "";
    case 'Q':
        if (p == "QStartNoAckMode") {
            send_packet("OK");
            no_ack_ = true;
            return std::string(1, '\x01'); /* already answered */
        }
        return "";
    default: return ""; /* unsupported: the empty reply */
    }
}

GdbStub::Resume GdbStub::serve(GdbTarget &target, int stop_signal, const std::string &stop_reply) {
    if (!stop_reply.empty())
        send_packet(stop_reply);
    else if (stop_signal) {
        char reply[8];
        snprintf(reply, sizeof reply, "S%02x", stop_signal);
        send_packet(reply);
    }
    std::string pkt;
    while (read_packet(pkt)) {
        bool resume = false;
        Resume how = Resume::Continue;
        std::string reply = handle(target, pkt, resume, how);
        if (resume) {
            if (how == Resume::Detach) send_packet(reply);
            if (how == Resume::Detach || how == Resume::Kill) close_client();
            return how;
        }
        if (reply != std::string(1, '\x01')) send_packet(reply);
    }
    close_client(); /* connection lost: behave as a detach */
    return Resume::Detach;
}

bool GdbStub::interrupt_requested() {
    if (client_ < 0) return false;
    pollfd pfd{client_, POLLIN, 0};
    if (::poll(&pfd, 1, 0) <= 0) return false;
    char buf[256];
    ssize_t n = ::read(client_, buf, sizeof buf);
    if (n <= 0) {
        close_client();
        return false;
    }
    pending_.append(buf, static_cast<size_t>(n));
    size_t at = pending_.find('\x03');
    if (at == std::string::npos) return false;
    pending_.erase(at, 1);
    return true;
}

void GdbStub::report_exit(int code) {
    if (client_ < 0) return;
    char reply[8];
    snprintf(reply, sizeof reply, "W%02x", code & 0xff);
    send_packet(reply);
    close_client();
}

} // namespace hq
