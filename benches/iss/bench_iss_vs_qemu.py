#!/usr/bin/python3
"""ISS speed on a CPU-bound firmware loop: the bare ISS core (rv32_run), the SystemC CPU
wrapper with DMI (cpu_tb, two quanta) and QEMU (qemu-system-riscv32 -M virt, TCG) run the
same ELF. Reports MIPS by wall clock and by CPU time (this machine is shared: wall-clock
figures are pessimistic while others build) and the ISS/QEMU ratio.

QEMU's figure includes its start-up (tens of ms); the instruction count for all of them is
the one the ISS retires (QEMU runs the identical program).
usage: bench_iss_vs_qemu.py --fw-dir DIR --rv32-run PATH --cpu-tb PATH [--qemu-run PATH]
                            [--elf bench_long.elf] [--repeat N] [--target-mips 100]
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time


def timed(cmd):
    """Run cmd; return (wall s, child CPU s, combined output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed with status {proc.returncode}:\n{proc.stdout}")
    return wall, cpu, proc.stdout


def best_of(cmd, repeat):
    runs = [timed(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fw-dir", required=True)
    ap.add_argument("--rv32-run", required=True)
    ap.add_argument("--cpu-tb", required=True)
    ap.add_argument("--qemu-run", help="qemu_run.sh (omit to skip QEMU)")
    ap.add_argument("--elf", default="bench_long.elf")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target-mips", type=float, default=100.0)
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be >= 1")
    elf = os.path.join(a.fw_dir, a.elf)
    if not os.path.exists(elf):
        ap.error(f"no such ELF: {elf}")

    print(f"bench_iss_vs_qemu: {elf}, best of {a.repeat}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    wall, cpu, out = best_of([a.rv32_run, "--stats", elf], a.repeat)
    m = re.search(r"exit 0, (\d+) instructions", out)
    checksum = re.search(r"checksum (0x[0-9a-f]+)", out)
    if not m or not checksum:
        sys.exit(f"bench: unexpected rv32_run output:\n{out}")
    insns = int(m.group(1))
    rows = [("ISS core (rv32_run, DMI)", wall, cpu)]
    for q in ("1us", "10us"):
        ns = "1000" if q == "1us" else "10000"
        w, c, out_tb = best_of([a.cpu_tb, "--summary", "--quantum-ns", ns, elf], a.repeat)
        if checksum.group(1) not in out_tb:
            sys.exit("bench: the SystemC run printed a different checksum")
        rows.append((f"SystemC wrapper (DMI, quantum {q})", w, c))
    if a.qemu_run:
        w, c, out_q = best_of([a.qemu_run, elf], a.repeat)
        if checksum.group(1) not in out_q:
            sys.exit("bench: QEMU printed a different checksum")
        rows.append(("QEMU TCG (whole process)", w, c))

    print(f"{insns} instructions retired, checksum {checksum.group(1)} on every simulator")
    print(f"{'simulator':38s} {'wall s':>8s} {'MIPS':>8s} {'cpu s':>8s} {'MIPS':>8s}")
    for name, w, c in rows:
        print(f"{name:38s} {w:8.3f} {insns / w / 1e6:8.1f} {c:8.3f} {insns / c / 1e6:8.1f}")
    iss_cpu_mips = insns / rows[0][2] / 1e6
    iss_wall_mips = insns / rows[0][1] / 1e6
    if a.qemu_run:
        qw, qc = rows[-1][1], rows[-1][2]
        print(f"ISS / QEMU speed ratio: {qw / rows[0][1]:.2f} (wall), {qc / rows[0][2]:.2f} (cpu)")
    verdict = "met" if iss_cpu_mips >= a.target_mips else "MISSED"
    print(f"target >= {a.target_mips:.0f} MIPS (ISS core, CPU time): {iss_cpu_mips:.1f} -> {verdict}"
          f"; by wall clock {iss_wall_mips:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
