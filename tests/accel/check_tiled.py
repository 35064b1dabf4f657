#!/usr/bin/python3
"""A run whose layers the host-side planner tiles to small buffers (issue 16): everything
check_run.py checks (0 mismatches against the C reference, accuracy = hqsim eval, cycle
breakdown, --csv/--stats), and that the planner did tile: at least MIN_TILES descriptors named
"<layer>[k a:b r c:d]" (dense chunks) or "<layer>[y a:b]" (bands of a convolution), more
descriptors than without the timing config, and more DRAM bytes (partial sums, halos).

usage: check_tiled.py HQSIM MODEL IMAGES MIN_TILES --timing FILE [hqsim run options...]
"""
import json
import os
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def main():
    if len(sys.argv) < 7 or "--timing" not in sys.argv:
        print(__doc__)
        return 2
    hqsim, model, images, min_tiles, extra = (sys.argv[1], sys.argv[2], sys.argv[3],
                                              int(sys.argv[4]), sys.argv[5:])
    here = os.path.dirname(os.path.abspath(__file__))
    p = subprocess.run([sys.executable, os.path.join(here, "check_run.py"), hqsim, model, images]
                       + extra, capture_output=True, text=True)
    if p.returncode != 0:
        fail("check_run.py: " + p.stdout.strip() + p.stderr.strip())
    base = [hqsim, "run", model, "--images", images, "--json", "--quiet"]
    tiled = run(base + extra)
    i = extra.index("--timing")
    plain = run(base + extra[:i] + extra[i + 2:])
    names = [l["name"] for l in tiled["layers"]]
    tiles = [n for n in names if "[k " in n or "[y " in n]
    if len(tiles) < min_tiles:
        fail(f"{len(tiles)} tiled descriptors, want at least {min_tiles}: {names}")
    if len(names) <= len(plain["layers"]):
        fail(f"{len(names)} descriptors tiled, {len(plain['layers'])} without the timing config")
    if tiled["correct"] != plain["correct"] or tiled["mismatches"] != 0:
        fail(f"tiled {tiled['correct']} correct / {tiled['mismatches']} mismatches, "
             f"untiled {plain['correct']} correct")
    if tiled["dram_bytes"] <= plain["dram_bytes"]:
        fail(f"DRAM bytes tiled {tiled['dram_bytes']}, untiled {plain['dram_bytes']}")
    print(f"ok: {model}: {len(names)} descriptors ({len(tiles)} tiles) vs {len(plain['layers'])}, "
          f"0 mismatches, {tiled['correct']} correct as untiled, DRAM bytes "
          f"{tiled['dram_bytes']} vs {plain['dram_bytes']}; {p.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
