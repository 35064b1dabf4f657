#!/usr/bin/python3
"""Runs `hqsim run ...` and checks its exit status, UART output, stderr and JSON fields.

usage: check_run.py --exit N [--uart REGEX] [--uart-file FILE] [--stderr REGEX] [--json KEY.PATH=VALUE]...
                    -- HQSIM_COMMAND...
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
    if a.json or a.json_keys:
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
