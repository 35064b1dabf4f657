#!/usr/bin/python3
"""Runs `hqsim run ...` and checks its exit status, UART output, stderr and JSON fields.

usage: check_run.py --exit N [--uart REGEX] [--uart-file FILE] [--stderr REGEX] [--json KEY.PATH=VALUE]...
                    [--time-vs-cycles PERIOD_NS:TOLERANCE] -- HQSIM_COMMAND...
--time-vs-cycles: the JSON's sim_time_ns is within TOLERANCE CPU cycles of cycles x PERIOD_NS
(simulated time and the CPU's cycle count agree).
Every check failure is printed; the exit status is 1 if any failed."""
import argparse
import json
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit", type=int, required=True)
    ap.add_argument("--uart", action="append", default=[])
    ap.add_argument("--stderr", action="append", default=[])
    ap.add_argument("--json", action="append", default=[], help="key.path=value (int/str)")
    ap.add_argument("--json-keys", default="", help="comma-separated keys that must exist")
    ap.add_argument("--uart-file", help="read the UART output from this file (--uart-out)")
    ap.add_argument("--time-vs-cycles", help="PERIOD_NS:TOLERANCE_CYCLES")
    ap.add_argument("--timeout", type=float, default=50)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
    failures = []
    if p.returncode != a.exit:
        failures.append(f"exit status {p.returncode}, expected {a.exit}")
    uart = p.stderr if "--json" in cmd else p.stdout  # with --json the UART goes to stderr
    if a.uart_file:
        with open(a.uart_file, encoding="utf-8", errors="replace") as f:
            uart = f.read()
    for rx in a.uart:
        if not re.search(rx, uart, re.M):
            failures.append(f"UART output lacks /{rx}/")
    for rx in a.stderr:
        if not re.search(rx, p.stderr, re.M):
            failures.append(f"stderr lacks /{rx}/")
    if a.json or a.json_keys or a.time_vs_cycles:
        try:
            obj = json.loads(p.stdout)
        except ValueError as e:
            obj = None
            failures.append(f"stdout is not one JSON object: {e}")
        if obj is not None:
            for k in filter(None, a.json_keys.split(",")):
                if k not in obj:
                    failures.append(f"JSON lacks key {k}")
            for kv in a.json:
                path, want = kv.split("=", 1)
                v = obj
                for part in path.split("."):
                    v = v.get(part) if isinstance(v, dict) else None
                if str(v) != want:
                    failures.append(f"JSON {path} = {v}, expected {want}")
            if a.time_vs_cycles:
                period, tol = (float(x) for x in a.time_vs_cycles.split(":"))
                t, c = obj.get("sim_time_ns"), obj.get("cycles")
                if not isinstance(t, (int, float)) or not isinstance(c, int) or \
                        abs(t - c * period) > tol * period:
                    failures.append(f"sim_time_ns {t} is not within {tol:g} cycles of cycles "
                                    f"{c} x {period:g} ns")
    if failures:
        print("command:", " ".join(cmd))
        print("--- stdout\n" + p.stdout[-3000:] + "--- stderr\n" + p.stderr[-3000:])
        for f in failures:
            print("FAIL:", f)
        return 1
    print("ok:", " ".join(cmd))
    return 0


if __name__ == "__main__":
    sys.exit(main())
