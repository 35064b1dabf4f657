#!/usr/bin/python3
"""The model's `block` decoder rate per format against the RTL's (docs/rtl-accel.md, "The block
decoder's rate"): for each model, `hqsim run --accel-impl rtl --measure` in the virtual
platform, then `hqsim compare --timing TIMING`; the weight-bound layer (layer 0, 48 x 784 on the
fixture MLP) must be within PCT % of the RTL's cycles.

usage: check_block_rate.py HQSIM TIMING PCT IMAGES MODEL...
Exit status 0 when every model's layer 0 is within PCT %, 1 otherwise."""
import os
import re
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    hqsim, timing, pct, images = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in sys.argv[5:]:
            csv = os.path.join(tmp, os.path.basename(model) + ".csv")
            cmd = [hqsim, "run", model, "--images", images, "--timing", timing,
                   "--accel-impl", "rtl", "--measure", csv, "--quiet"]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                fails.append(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
                continue
            cmd = [hqsim, "compare", csv, "--timing", timing]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            m = re.search(r"^\s*0\s+\S+\s+\d+ x \d+\s+([\d.]+)\s+([\d.]+)\s+([-+\d.]+)%", p.stdout,
                          re.M)
            if p.returncode != 0 or not m:
                fails.append(f"{' '.join(cmd)}: exit {p.returncode}, no layer 0 row: "
                             f"{p.stdout.strip()[-300:]} {p.stderr.strip()[-300:]}")
                continue
            rtl, mod, err = float(m.group(1)), float(m.group(2)), float(m.group(3))
            print(f"{os.path.basename(model)}: layer 0 RTL {rtl:.1f}, model {mod:.1f} cycles per "
                  f"image ({err:+.2f} %)")
            if abs(err) > pct:
                fails.append(f"{model}: layer 0: model {mod:.1f} vs RTL {rtl:.1f} cycles per image "
                             f"({err:+.2f} %, more than {pct} %)")
    for f in fails:
        print("FAIL:", f)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
