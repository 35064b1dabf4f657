#!/usr/bin/python3
"""The table of scripts/accel-demo: uniform int8 vs the heterogeneous model on the virtual
platform, from the two `hqsim run --json` reports. The label column is as wide as the longest
label (a long policy text), so the numbers stay in their columns.

usage: accel_demo_table.py UNIFORM8.json HETERO.json POLICY
"""
import json, sys
if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
    print(__doc__.strip())
    sys.exit(0)
if len(sys.argv) != 4 or any(a.startswith("-") for a in sys.argv[1:]):
    bad = [a for a in sys.argv[1:] if a.startswith("-")]
    print("accel_demo_table.py: %s (see --help)" % (
        "unknown option '%s'" % bad[0] if bad else "three arguments expected"), file=sys.stderr)
    sys.exit(2)
b, h = (json.load(open(p)) for p in sys.argv[1:3])
n = b["images"]
labels = ["uniform int8, uniform8 array", "%s, lanegroup" % sys.argv[3]]
w = max(len(l) for l in labels)  # a long policy label widens the column, never shifts a row
def row(name, r):
    print("  %-*s %7.2f %%  %3d  %9.0f  %9.0f  %9.0f  %8.1f" % (
        w, name, 100 * r["accuracy"], r["mismatches"], r["cycles_per_image"], r["dram_bytes"] / n,
        r["weight_bytes"] / n, r["energy_pj"] / n / 1e3))
print("  %-*s %9s  %3s  %9s  %9s  %9s  %8s" % (w, "", "accuracy", "mis", "cycles/im", "DRAM B/im",
                                                "weight B", "nJ/im"))
row(labels[0], b)
row(labels[1], h)
print("  weight bytes %.2fx fewer, %.2fx fewer cycles, %.2fx less energy; outlier stalls %d cycles"
      % (b["weight_bytes"] / h["weight_bytes"], b["cycles"] / h["cycles"], b["energy_pj"] / h["energy_pj"],
         sum(l["stall_cycles"]["outlier"] for l in h["layers"])))
