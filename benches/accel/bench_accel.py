#!/usr/bin/python3
"""Accelerator benchmark (CTest label `bench`):

1. speed: the whole 10,000-image test set of the default MLP through the platform (firmware
   on the CPU included, batch 1) against `hqsim eval` on the same model, both timed as whole
   processes (best of --repeat runs; wall clock and CPU time); target ratio <= 10;
2. block vs uniform int8 on the default platform: weight bytes from DRAM, cycles, energy
   and accuracy per image for uniform8/dense and lanegroup+split/block; target >= 3x fewer
   weight bytes and fewer cycles;
3. lane-group stalls: an unstructured heterogeneous model (no N:M limit) on lanegroup.

usage: bench_accel.py --hqsim PATH --out DIR [--model FLOAT.hqm] [--images N] [--repeat R]
The float model is trained with the default options (hqsim train --net mlp --seed 1) unless
--model is given or DIR already holds it. Writes DIR/bench_accel.json and DIR/bench_accel.md.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

BLOCK = "lo=2,hi=8,frac=0.02,struct=nm:1:32"
UNSTRUCTURED = "lo=2,hi=8,frac=0.03"


def timed(cmd):
    """Runs cmd; returns (stdout, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"bench_accel: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.stdout, wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hqsim", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", help="float default MLP (trained if absent)")
    ap.add_argument("--images", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    h = a.hqsim
    model = a.model or os.path.join(a.out, "mlp-default.hqm")
    if not os.path.exists(model):
        print("bench_accel: training the default MLP (hqsim train --net mlp --seed 1)...", flush=True)
        timed([h, "train", "--net", "mlp", "--seed", "1", "--quiet", "-o", model])
    q8 = os.path.join(a.out, "mlp-uniform8.hqm")
    qb = os.path.join(a.out, "mlp-block.hqm")
    qu = os.path.join(a.out, "mlp-unstructured.hqm")
    timed([h, "quantize", model, "--policy", "uniform8", "--quiet", "-o", q8])
    timed([h, "quantize", model, "--policy", BLOCK, "--layout", "block", "--quiet", "-o", qb])
    timed([h, "quantize", model, "--policy", UNSTRUCTURED, "--layout", "block", "--quiet", "-o", qu])
    n = str(a.images)

    # 1. speed
    ev = [timed([h, "eval", q8, "--images", n, "--json"]) for _ in range(a.repeat)]
    rn = [timed([h, "run", q8, "--arch", "uniform8", "--images", n, "--quiet", "--json"])
          for _ in range(a.repeat)]
    eval_wall, eval_cpu = min(x[1] for x in ev), min(x[2] for x in ev)
    run_wall, run_cpu = min(x[1] for x in rn), min(x[2] for x in rn)
    run8 = json.loads(rn[0][0])
    speed = {"images": a.images, "eval_wall_s": eval_wall, "run_wall_s": run_wall,
             "ratio_wall": run_wall / eval_wall, "eval_cpu_s": eval_cpu, "run_cpu_s": run_cpu,
             "ratio_cpu": run_cpu / eval_cpu if eval_cpu > 0 else None, "target": 10,
             "mismatches": run8["mismatches"]}
    print(f"speed: hqsim run {run_wall:.2f} s vs hqsim eval {eval_wall:.2f} s wall "
          f"= {speed['ratio_wall']:.1f}x (CPU {run_cpu:.2f} / {eval_cpu:.2f} s = "
          f"{speed['ratio_cpu']:.1f}x); target <= 10x; {run8['mismatches']} mismatches", flush=True)

    # 2. block vs uniform8 (and the unstructured model's lane-group stalls)
    rows = {"uniform8/dense": run8}
    for arch in ["lanegroup", "split"]:
        out, _, _ = timed([h, "run", qb, "--arch", arch, "--images", n, "--quiet", "--json"])
        rows[f"{arch}/block"] = json.loads(out)
    out, _, _ = timed([h, "run", qu, "--arch", "lanegroup", "--images", n, "--quiet", "--json"])
    rows["lanegroup/block-unstructured"] = json.loads(out)
    base = rows["uniform8/dense"]
    table = []
    for name, r in rows.items():
        per = r["images"]
        stalls = {k: sum(l["stall_cycles"][k] for l in r["layers"]) / per
                  for k in ["dram", "decompressor", "outlier"]}
        table.append({"config": name, "accuracy": r["accuracy"], "mismatches": r["mismatches"],
                      "weight_bytes_per_image": r["weight_bytes"] / per,
                      "dram_bytes_per_image": r["dram_bytes"] / per,
                      "cycles_per_image": r["cycles_per_image"],
                      "e2e_cycles_per_image": r["e2e_cycles"] / per,
                      "energy_nj_per_image": r["energy_pj"] / per / 1e3,
                      "stall_cycles_per_image": stalls,
                      "weight_reduction": base["weight_bytes"] / r["weight_bytes"],
                      "speedup": base["cycles_per_image"] / r["cycles_per_image"]})
    lines = ["| config | accuracy | mismatches | weight B/img | DRAM B/img | cycles/img | "
             "e2e cycles/img | energy nJ/img | stall dram/decomp/outlier per img | "
             "weight reduction | speedup |", "|" + " --- |" * 11]
    for t in table:
        s = t["stall_cycles_per_image"]
        lines.append(f"| {t['config']} | {100 * t['accuracy']:.2f} % | {t['mismatches']} | "
                     f"{t['weight_bytes_per_image']:.0f} | {t['dram_bytes_per_image']:.0f} | "
                     f"{t['cycles_per_image']:.0f} | {t['e2e_cycles_per_image']:.0f} | "
                     f"{t['energy_nj_per_image']:.0f} | {s['dram']:.0f} / {s['decompressor']:.0f} / "
                     f"{s['outlier']:.0f} | {t['weight_reduction']:.2f}x | {t['speedup']:.2f}x |")
    md = "\n".join(lines)
    print(md)
    with open(os.path.join(a.out, "bench_accel.json"), "w") as f:
        json.dump({"speed": speed, "comparison": table, "policies": {"block": BLOCK,
                   "unstructured": UNSTRUCTURED}}, f, indent=2)
    with open(os.path.join(a.out, "bench_accel.md"), "w") as f:
        f.write(f"speed: {speed['ratio_wall']:.1f}x of hqsim eval (wall), "
                f"{speed['ratio_cpu']:.1f}x (CPU)\n\n{md}\n")
    blk = next(t for t in table if t["config"] == "lanegroup/block")
    ok = (speed["ratio_wall"] <= 10 and blk["weight_reduction"] >= 3 and blk["speedup"] > 1 and
          all(t["mismatches"] == 0 for t in table))
    print("targets:", "met" if ok else "NOT met (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
