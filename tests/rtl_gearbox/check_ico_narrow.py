#!/usr/bin/python3
"""The gearbox's wide buffer is not logic Verilator evaluates from the inputs (docs/rtl-accel.md,
"Speed"): Verilate rtl/accel/hq_gearbox.v alone (the activation gearbox's shape, 8 bytes in, 64
out, with the options of model/rtl_bridge) and check that its input-combinational region (the
`_ico_sequent` functions, run at every eval()) holds no wide value (VlWide, > 64 bits).

usage: check_ico_narrow.py VERILATOR HQ_GEARBOX_V WORKDIR"""
import glob
import os
import re
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    verilator, source, work = sys.argv[1:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([verilator, "--cc", "-O3", "--x-assign", "fast", "--x-initial", "fast",
                    "-GIB=8", "-GOB=64", "--top-module", "hq_gearbox", "--Mdir", work, source],
                   check=True, stdout=subprocess.DEVNULL)
    bodies = []
    for path in sorted(glob.glob(os.path.join(work, "*.cpp"))):
        text = open(path).read()
        # a function definition runs from its header to the first "}" in column 0
        for m in re.finditer(r"^[^\n]*___ico_sequent\w*\([^)]*\) \{\n.*?^\}", text, re.S | re.M):
            bodies.append(m.group(0))
    if not bodies:
        sys.exit(f"FAIL: no _ico_sequent function in {work} (Verilator's output changed?)")
    wide = [b.splitlines()[0] for b in bodies if "VlWide" in b or re.search(r"VL_\w+_W", b)]
    for b in wide:
        print(f"FAIL: {b.strip()} computes a wide value at every eval()")
    print(f"{len(bodies)} input-combinational function(s), {len(wide)} with wide values")
    sys.exit(1 if wide else 0)


if __name__ == "__main__":
    main()
