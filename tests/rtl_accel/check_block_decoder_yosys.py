#!/usr/bin/python3
"""hq_block_decoder.v has no memories for Yosys (docs/rtl-accel.md, The block decoder's rate).

Its window (codes, slots and counts of 8 beats) written at variable indices became multi-port
memories that `yosys synth` did not finish in 15 minutes; as flat vectors written at constant
indices it finishes (5 min, 1.8 GB). This check runs Yosys's front end and `proc` only
(seconds) on the module with hq_accel's parameters at 32-, 64- and 128-bit buses and fails
when a memory cell ($mem, $memrd, $memwr, ...) is left.

usage: check_block_decoder_yosys.py YOSYS [RTL_FILE]
RTL_FILE replaces rtl/accel/hq_block_decoder.v (to check another version). Exit status 0 when
no memory is left, 1 otherwise."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    yosys = sys.argv[1]
    src = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "rtl", "accel",
                                                             "hq_block_decoder.v")
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        for ib in (4, 8, 16):
            count = os.path.join(tmp, "count%d" % ib)
            script = ("read_verilog -I{inc} -I{rtl} {src}; chparam -set LANES 64 -set MT 32 "
                      "-set CL 4 -set HI 8 -set IB {ib} hq_block_decoder; "
                      "hierarchy -top hq_block_decoder; proc; opt_clean; "
                      "tee -o {count} select -count t:$mem* t:$memrd* t:$memwr* t:$meminit*").format(
                          inc=os.path.join(ROOT, "configs", "accel", "gen"),
                          rtl=os.path.join(ROOT, "rtl"), src=src, ib=ib, count=count)
            r = subprocess.run([yosys, "-q", "-p", script], capture_output=True, text=True,
                               timeout=300)
            m = re.search(r"(\d+) objects", open(count).read()) if r.returncode == 0 else None
            if not m:
                fails.append("IB %d: yosys exit %d: %s" % (ib, r.returncode, r.stderr[-300:]))
                continue
            print("IB %d (%d-bit bus): %s memory cells" % (ib, 8 * ib, m.group(1)))
            if int(m.group(1)):
                fails.append("IB %d: %s memory cells (written at variable indices)" %
                             (ib, m.group(1)))
    for f in fails:
        print("FAIL:", f)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
