#!/usr/bin/python3
"""RTL in the loop: `hqsim run --pe-impl rtl` on a tiny block-layout MLP (N:M = 1:32, the
default policy's and the RTL tile's) must give the same report as `--pe-impl model` (mismatches 0, same correct count and
cycles: the timing is the model's), every RTL tile's measured cycles must equal the formula,
and shapes the tile cannot take must fail with exit 2 and the reason.

usage: rtl_loop.py HQSIM MODELS_DIR IMAGES
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


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


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hqsim, models, images = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        model = quantize(hqsim, models, "lo=2,hi=8,frac=0.02,struct=nm:1:32",
                         os.path.join(tmp, "mlp-block32.hqm"))
        reports = {}
        for impl in ["model", "rtl"]:
            cmd, p = run(hqsim, model, images, ["--arch", "lanegroup", "--pe-impl", impl])
            if p.returncode != 0:
                fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
            reports[impl] = json.loads(p.stdout)
            if impl == "rtl":
                m = re.search(r"pe-impl rtl: (\d+) RTL tile runs .*RTL (\d+), formula (\d+); "
                              r"(\d+) tiles differ", p.stderr)
                if not m:
                    fail("no RTL cycle summary in: " + p.stderr)
                tiles, meas, form, differ = map(int, m.groups())
                if tiles == 0 or meas != form or differ != 0:
                    fail(f"RTL cycles: {m.group(0)}")
                print(m.group(0))
        a, b = reports["model"], reports["rtl"]
        for key in ["mismatches", "correct", "images", "cycles", "accuracy"]:
            if a[key] != b[key]:
                fail(f"{key}: model {a[key]}, rtl {b[key]}")
        if b["mismatches"] != 0:
            fail(f"{b['mismatches']} mismatches")
        print(f"host seconds: model {a['host_seconds']:.3f}, rtl {b['host_seconds']:.3f}, "
              f"slowdown {b['host_seconds'] / a['host_seconds']:.1f}x")
        # Shapes the RTL tile cannot take: exit 2 and the reason, never a fallback.
        model2 = quantize(hqsim, models, "lo=2,hi=8,frac=0.04,struct=nm:2:32",
                          os.path.join(tmp, "mlp-block32-2.hqm"))
        for mdl, extra, want in [
                (model2, [], "block N:M = 2:32"),
                ("mlp-coo.hqm", [], "layout coo"),
                ("mlp-block.hqm", [], "block N:M = 2:16"),
                ("mlp-binary-block.hqm", [], "lo = 1"),
                ("mlp-dense.hqm", [], "layout dense"),
                (model, ["--arch", "split"], "array is split")]:
            cmd, p = run(hqsim, mdl if os.path.isabs(mdl) else os.path.join(models, mdl), 2,
                         ["--pe-impl", "rtl"] + extra)
            if p.returncode != 2 or want not in p.stderr:
                fail(f"{' '.join(cmd)}: exit {p.returncode}, stderr {p.stderr.strip()!r}, "
                     f"wanted exit 2 and {want!r}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
