#!/usr/bin/python3
"""scripts/fpga's whole-accelerator rows: a row that fails or passes --row-limit is recorded
(and shown in docs/fpga.md) instead of stopping the flow, --accel-rows names only real rows,
and the accel block says which rows did not finish or were not run, and compares only pairs
that both finished.

usage: tests/rtl/fpga_accel_rows.py     exit 1 and the reason on a failure
"""
import os
import sys
import tempfile

from fpga_module import ROOT, load_fpga


def main():
    f = load_fpga()
    bad = []
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "row.log")
        wall, _, _, why = f.run_row(["sleep", "20"], log, 1)
        if not why or "limit" not in why or wall > 10:
            bad.append("run_row over its limit: %r after %.1f s" % (why, wall))
        _, _, _, why = f.run_row(["sh", "-c", "echo std::bad_alloc; exit 3"], log, None)
        if why != "exit 3 (`std::bad_alloc`)":
            bad.append("run_row of a failing command: %r" % why)
        _, _, _, why = f.run_row(["true"], log, None)
        if why is not None:
            bad.append("run_row of a passing command: %r" % why)
    if [k for _, _, k in f.parse_rows("default/L1,up5k/L31")] != [1, 31]:
        bad.append("--accel-rows default/L1,up5k/L31 not parsed in order")
    try:
        f.parse_rows("default/L7")
        bad.append("--accel-rows accepted a row the flow does not make")
    except SystemExit:
        pass
    x = {"lut": 100, "lutram": 0, "ff": 10, "carry4": 1, "dsp": 1, "bram18": 2, "proxy": 155,
         "date": "2026-12-07 12:00 UTC", "rtl": "abc1234"}
    r = {"yosys": "Yosys", "seconds": {"xc7 hq_accel default L31": 60.0},
         "accel": {"xc7": {"default/L1": x, "default_uniform8/L1": dict(x, proxy=400),
                           "default_uniform8/L31": dict(x, proxy=900),
                           "default/L31": {"failed": "stopped at the 60 s limit", "cpu_s": 59,
                                           "peak_gb": 2.5, "date": x["date"], "rtl": "abc"}},
                   "ice40": {}}}
    lines = []
    f.accel_section(lines.append, r)
    text = "\n".join(lines)
    for want in ("Did not finish: `default` `LAYOUTS` 31: stopped at the 60 s limit",
                 "Not run: `default` `LAYOUTS` 0", "| 2.58x | **met** |"):
        if want not in text:
            bad.append("accel block: %r missing" % want)
    if "every decoder in both" in text:
        bad.append("accel block compares a pair whose lane-group row did not finish")
    for msg in bad:
        print("fpga_accel_rows: " + msg)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
