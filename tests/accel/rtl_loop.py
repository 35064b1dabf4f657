#!/usr/bin/python3
"""RTL in the loop: `hqsim run --pe-impl rtl` picks the RTL tile configuration that fits the
timing config and the model, and must then give the same report as `--pe-impl model`
(mismatches 0, same correct count and cycles: the timing is the model's), with every RTL
tile's measured cycles equal to the formula. The pairings run on the fixture's tiny MLP
quantized into the block layout:

  N:M 1:32 (the default policy's), configs/timing/default.json       -> tile 'default'
  N:M 1:16, configs/timing/rtl-measured.json (16 lanes, groups of 16) -> tile 'up5k'
  N:M 2:32, configs/timing/lanegroup16.json (64 lanes, groups of 16)  -> tile 'g16_2of32'
  N:M 1:32 with last=uniform8 (the README's policy: a dense last layer) -> tile 'default',
      the uniform layer on the model's uniform path

Shapes no configuration takes (2:16, lo = 1, a 1:16 model with 64-lane timing, non-block
layouts, the split array) must fail with exit 2 and the reason, never fall back to the model;
when no configuration fits, the message lists every one and why it does not fit.

usage: rtl_loop.py HQSIM MODELS_DIR IMAGES
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TIMING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "configs", "timing")
CONFIGS = ["default (lanes 64, lane groups of 32, N:M <= 1:32",
           "up5k (lanes 16, lane groups of 16, N:M <= 1:16",
           "g16_2of32 (lanes 64, lane groups of 16, N:M <= 2:32"]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def timing(name):
    return os.path.normpath(os.path.join(TIMING, name))


def run(hqsim, model, images, extra):
    cmd = [hqsim, "run", model, "--images", str(images), "--json", "--quiet"] + extra
    return cmd, subprocess.run(cmd, capture_output=True, text=True)


def quantize(hqsim, models, policy, out):
    """The fixture's float MLP quantized with `policy` into the block layout at `out`."""
    q = subprocess.run([hqsim, "quantize", os.path.join(models, "mlp.hqm"), "--policy", policy,
                        "--layout", "block", "--calib", "300", "--quiet", "-o", out],
                       capture_output=True, text=True)
    if q.returncode != 0:
        fail("quantize: " + q.stderr)
    return out


def pair(hqsim, model, images, timing_file, want_tile, uniform_rows=False):
    """--pe-impl model vs rtl on one model and timing config; uniform_rows: the model has a
    uniform layer, which the summary must report on the model's uniform path."""
    reports = {}
    extra = ["--arch", "lanegroup"] + (["--timing", timing_file] if timing_file else [])
    for impl in ["model", "rtl"]:
        cmd, p = run(hqsim, model, images, extra + ["--pe-impl", impl])
        if p.returncode != 0:
            fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        reports[impl] = json.loads(p.stdout)
        if impl == "rtl":
            m = re.search(r"pe-impl rtl: tile (\S+) \(.*?\): (\d+) RTL tile runs .*RTL (\d+), "
                          r"formula (\d+); (\d+) tiles differ", p.stderr)
            if not m:
                fail("no RTL cycle summary in: " + p.stderr)
            tile = m.group(1)
            tiles, meas, form, differ = map(int, m.groups()[1:])
            if tile != want_tile:
                fail(f"{' '.join(cmd)}: ran on tile {tile}, wanted {want_tile}")
            if tiles == 0 or meas != form or differ != 0:
                fail(f"RTL cycles: {m.group(0)}")
            if uniform_rows != ("rows of uniform layers on the model's uniform path" in p.stderr):
                fail(f"{' '.join(cmd)}: uniform rows reported: {not uniform_rows}: {p.stderr}")
            print(m.group(0))
    a, b = reports["model"], reports["rtl"]
    for key in ["mismatches", "correct", "images", "cycles", "accuracy"]:
        if a[key] != b[key]:
            fail(f"{want_tile}: {key}: model {a[key]}, rtl {b[key]}")
    if b["mismatches"] != 0:
        fail(f"{want_tile}: {b['mismatches']} mismatches")
    print(f"{want_tile}: host seconds: model {a['host_seconds']:.3f}, rtl "
          f"{b['host_seconds']:.3f}, slowdown {b['host_seconds'] / a['host_seconds']:.1f}x")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hqsim, models, images = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        m132 = quantize(hqsim, models, "lo=2,hi=8,frac=0.02,struct=nm:1:32",
                        os.path.join(tmp, "mlp-block32.hqm"))
        m116 = quantize(hqsim, models, "lo=2,hi=8,frac=0.02,struct=nm:1:16",
                        os.path.join(tmp, "mlp-block16.hqm"))
        m232 = quantize(hqsim, models, "lo=2,hi=8,frac=0.04,struct=nm:2:32",
                        os.path.join(tmp, "mlp-block32-2.hqm"))
        m132u = quantize(hqsim, models, "lo=2,hi=8,frac=0.02,struct=nm:1:32;last=uniform8",
                         os.path.join(tmp, "mlp-block32-last8.hqm"))
        pair(hqsim, m132, images, None, "default")
        pair(hqsim, m132u, images, None, "default", uniform_rows=True)
        pair(hqsim, m116, images, timing("rtl-measured.json"), "up5k")
        pair(hqsim, m232, images, timing("lanegroup16.json"), "g16_2of32")
        # Shapes no RTL configuration takes: exit 2 and the reasons, never a fallback.
        # (model, extra arguments, wanted strings in stderr)
        cases = [
            (m232, [], ["block N:M = 2:32; the tile takes M = 32 and N <= 1",
                        "the timing config has lanes 64, lane_group 32"]),
            (m116, [], ["no RTL tile configuration fits"] + CONFIGS +
                   ["block N:M = 1:16; the tile takes M = 32"]),
            (m116, ["--timing", timing("lanegroup16.json")],
             ["block N:M = 1:16; the tile takes M = 32 and N <= 2"]),
            (m132, ["--timing", timing("rtl-measured.json")],
             ["block N:M = 1:32; the tile takes M = 16 and N <= 1"]),
            ("mlp-block.hqm", [], ["block N:M = 2:16"]),
            ("mlp-block.hqm", ["--timing", timing("rtl-measured.json")],
             ["block N:M = 2:16; the tile takes M = 16 and N <= 1"]),
            ("mlp-binary-block.hqm", [], ["lo = 1"]),
            ("mlp-coo.hqm", [], ["layout coo"]),
            ("mlp-dense.hqm", [], ["layout dense"]),
            (m132, ["--arch", "split"], ["array is split"]),
            (m116, ["--arch", "split", "--timing", timing("rtl-measured.json")],
             ["array is split"])]
        for mdl, extra, want in cases:
            cmd, p = run(hqsim, mdl if os.path.isabs(mdl) else os.path.join(models, mdl), 2,
                         ["--pe-impl", "rtl"] + extra)
            missing = [w for w in want if w not in p.stderr]
            if p.returncode != 2 or missing:
                fail(f"{' '.join(cmd)}: exit {p.returncode}, stderr {p.stderr.strip()!r}, "
                     f"wanted exit 2 and {missing!r}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
