#!/usr/bin/env python3
"""`hqsim run`'s per-layer text lines against its own --json: the cycles, the compute and
stall split and the utilizations (the array's, and the high units' where they did work: a
layer of 8-bit weights on the lane-group array leaves the low array idle, "util 0.00", and
the line showed nothing else).  usage: check_text_report.py HQSIM MODELDIR"""
import json
import re
import subprocess
import sys

LINE = re.compile(r"^  (\S+)\s+(\d+) cyc: compute (\d+), stall dram (\d+) / decomp (\d+) / "
                  r"outlier (\d+); util (\d+\.\d\d)(?:, high (\d+\.\d\d))?$")


def main():
    hqsim, models = sys.argv[1], sys.argv[2]
    fails = 0
    for model, arch, want_high in (("mlp-block.hqm", "lanegroup", True),
                                   ("mlp-dense.hqm", "uniform8", False)):
        cmd = [hqsim, "run", f"{models}/{model}", "--arch", arch, "--images", "3"]
        text = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
        doc = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True,
                                        check=True).stdout)
        lines = {m.group(1): m for m in map(LINE.match, text.splitlines()) if m}
        for layer in doc["layers"]:
            m = lines.get(layer["name"])
            if not m:
                print(f"FAIL {model}: no text line for layer {layer['name']}")
                fails += 1
                continue
            util = layer["utilization"]
            got = (int(m.group(2)), int(m.group(3)), f"{util['array']:.2f}" == m.group(7))
            want = (layer["cycles"], layer["compute_cycles"], True)
            high = m.group(8)
            high_ok = (high is not None and f"{util['high']:.2f}" == high) if want_high \
                else high is None
            if got != want or not high_ok:
                print(f"FAIL {model} {layer['name']}: text {m.group(0).strip()!r}, json cycles "
                      f"{layer['cycles']} compute {layer['compute_cycles']} util {util}")
                fails += 1
            else:
                print(f"ok {model} {layer['name']}: {m.group(0).strip()}")
    sys.exit(1 if fails else 0)


main()
