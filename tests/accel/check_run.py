#!/usr/bin/python3
"""Runs `hqsim run MODEL --json` and checks the report: mismatches 0, the JSON keys of the
issue, accuracy equal to `hqsim eval` on the same images (an independent process), a cycle
breakdown that adds up, and --csv/--stats files that agree with it.

usage: check_run.py HQSIM MODEL IMAGES [hqsim run options...]
"""
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    hqsim, model, images, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "layers.csv")
        stats = os.path.join(tmp, "stats.json")
        cmd = [hqsim, "run", model, "--images", images, "--json", "--quiet", "--csv", csv,
               "--stats", stats] + extra
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
        r = json.loads(p.stdout)
        for key in ["accuracy", "images", "mismatches", "cycles", "cycles_per_image", "dram_bytes",
                    "weight_bytes", "energy_pj", "host_seconds", "layers"]:
            if key not in r:
                fail(f"key {key} missing from the report")
        if r["mismatches"] != 0:
            fail(f"{r['mismatches']} mismatches")
        if r["images"] != int(images):
            fail(f"images {r['images']} != {images}")
        if not (r["cycles"] > 0 and r["dram_bytes"] > r["weight_bytes"] > 0 and r["energy_pj"] > 0):
            fail("cycles, bytes or energy not positive")
        for l in r["layers"]:
            s = l["stall_cycles"]
            parts = (l["compute_cycles"] + s["dram"] + s["decompressor"] + s["outlier"] +
                     l["output_cycles"] + l["control_cycles"])
            if parts != l["cycles"]:
                fail(f"layer {l['name']}: cycle breakdown {parts} != {l['cycles']}")
        if sum(l["cycles"] for l in r["layers"]) != r["cycles"]:
            fail("layer cycles do not add up to the total")
        ev = subprocess.run([hqsim, "eval", model, "--images", images, "--json"],
                            capture_output=True, text=True)
        if ev.returncode != 0:
            fail("hqsim eval failed: " + ev.stderr)
        e = json.loads(ev.stdout)
        if e["correct"] != r["correct"] or e["images"] != r["images"]:
            fail(f"{r['correct']}/{r['images']} correct, hqsim eval {e['correct']}/{e['images']}")
        with open(stats) as f:
            if json.load(f)["cycles"] != r["cycles"]:
                fail("--stats file disagrees with --json")
        with open(csv) as f:
            rows = f.read().strip().split("\n")
        if len(rows) != 1 + len(r["layers"]):
            fail(f"--csv has {len(rows) - 1} layers, the report {len(r['layers'])}")
        cyc = rows[0].split(",").index("cycles")
        if sum(int(x.split(",")[cyc]) for x in rows[1:]) != r["cycles"]:
            fail("--csv cycles disagree")
    print(f"ok: {model} {r['arch']} {r['layout']}: accuracy {r['accuracy']:.4f} = hqsim eval, "
          f"0 mismatches, {r['cycles_per_image']:.0f} cycles/image")
    return 0


if __name__ == "__main__":
    sys.exit(main())
