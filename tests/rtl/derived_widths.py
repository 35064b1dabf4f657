#!/usr/bin/python3
"""Every parameter of the RTL (rtl/, rtl/fpga/) is a free design parameter with a literal
default (LANES = 64); a width derived from parameters must be a localparam or a port width
written with the macros of rtl/pe_widths.vh, never an overridable `parameter BITS = ...` that
a caller could set out of step or that each file computes again (issue 12).

usage: tests/rtl/derived_widths.py [RTL_DIR]     exit 1 and one line per offending parameter
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# `parameter NAME = VALUE`, VALUE up to a ',' or a comment or the end of the line
PARAM = re.compile(r"^\s*parameter\s+(?:integer\s+)?(\w+)\s*=\s*(.*?)\s*(?:,|//|$)")
LITERAL = re.compile(r"^\d+$")


def main():
    rtl = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "rtl")
    files = sorted(glob.glob(os.path.join(rtl, "**", "*.v"), recursive=True))
    if not files:
        print(f"derived_widths: no Verilog files under {rtl}", file=sys.stderr)
        return 2
    bad = 0
    for path in files:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                m = PARAM.match(line)
                if m and not LITERAL.match(m.group(2).strip()):
                    print(f"{os.path.relpath(path, ROOT)}:{n}: parameter {m.group(1)} = "
                          f"{m.group(2).strip()}: derived from other parameters; make it a "
                          "localparam (macros of rtl/pe_widths.vh)")
                    bad += 1
    print(f"derived_widths: {len(files)} files, {bad} derived parameters")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
