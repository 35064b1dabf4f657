#!/usr/bin/python3
"""Scaling benchmark (issue 16 item 5; label bench): host time and peak memory of `hqsim eval`
and `hqsim run` per image against MACs and weight bytes, for the existing networks (the
Fashion-MNIST MLP and CNN, briefly trained) and the workload zoo networks that import
(configs/workloads/README.md), each quantized with uniform8 and a heterogeneous policy on
synthetic calibration images.

usage: scaling_bench.py HQSIM SOURCE_DIR WORKDIR OUTDIR [--nets a,b] [--macs W] [--batch B]
                       [--min-images K] [--repeat R]

Per image, run: the marginal cost (wall time of N + 1 images - wall time of 1 image) / N, with
N about W x 1e8 MACs worth of images (K..2000, K = 4 by default: one image of VGG-16 or
ResNet-18 is within the noise of the per-run cost), so model loading and platform start-up are
not counted; eval: its own inference time ("seconds" of --json) / (N + 1); both commands on one thread (the SystemC simulation is
single-threaded; eval --threads 1); each of the runs the fastest of R (default 3). Peak memory =
the process's maximum resident set (the run with N + 1 images, the largest of its R runs, from
GNU time: see run_measured). Each policy runs on its own design: uniform8 on the uniform int8 array
(--arch uniform8), the heterogeneous policy on the default lane-group array (a uniform int8
layer on the lane-group array counts every weight as an outlier: docs/accel.md). --batch B
runs B images per pass over the weights (hqsim run --batch; default 1). Writes OUTDIR/scaling.csv, scaling.md and scaling.png; copy them to
docs/results/ by hand after checking (this bench never writes into the source tree itself
unless OUTDIR points there).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import time

# (tag, quantization policy, the array it runs on: None = the timing config's, lanegroup)
POLICIES = (("uniform8", "uniform8", "uniform8"), ("het", "lo=2,hi=8,frac=0.02", None))


# GNU time reports its child's own peak. A child forked from this script would not: Linux
# counts the resident set of the process that calls exec into its maximum (fs/exec.c), so a
# fork of this Python process (tens of MB once models and matplotlib are loaded) set the floor
# of every small run's "peak" (MobileNetV2's run and eval both read 65.6 MB, this script's
# size). /usr/bin/time forks from a 2 MB process.
TIME = "/usr/bin/time"


def run_measured(cmd, out_path):
    """Runs cmd with stdout to out_path; (exit status, wall seconds, peak RSS bytes, CPU seconds
    of user and system time)."""
    stats = out_path + ".time"
    t0 = time.monotonic()
    with open(out_path, "wb") as out:
        rc = subprocess.run([TIME, "-f", "%M %U %S", "-o", stats, *cmd], stdout=out,
                            stderr=subprocess.DEVNULL).returncode
    wall = time.monotonic() - t0
    with open(stats) as fh:
        last = [ln for ln in fh.read().splitlines() if ln.strip()][-1].split()  # %M %U %S last
    os.remove(stats)
    return rc, wall, int(last[0]) * 1024, float(last[1]) + float(last[2])


def model_stats(path, src):
    sys.path.insert(0, os.path.join(src, "sw", "onnx"))
    import hqm

    m = hqm.read(path)
    macs = weights = 0
    largest = m.input_shape[0] * m.input_shape[1] * m.input_shape[2]
    for l in m.layers:
        c, h, w = l.out_shape
        largest = max(largest, c * h * w)
        if l.w is not None:
            n = l.w.shape[0] * l.w.shape[1]
            weights += n
            macs += n * (h * w if l.kind == hqm.CONV else 1)
    return macs, weights, largest


def issue_bytes(weights, largest, j):
    """Issue 16's denominator, weights + largest activation + buffers: the quantized weights
    the run holds (one int8 code per weight), one image's largest activation, and the buffers:
    the platform's memory image (weights in their layout, descriptors, activations and the test
    images, hqsim run's dram_image_bytes) and the accelerator's on-chip buffers."""
    return weights + largest + j["dram_image_bytes"] + j["accel_buffer_bytes"]


def prepare(net, hq, src, work):
    """The float model of a network (trained briefly, or imported from the zoo)."""
    f = os.path.join(work, f"{net}.hqm")
    if os.path.exists(f):
        return f
    if net in ("mlp", "cnn"):
        subprocess.run([hq, "train", "--net", net, "--epochs", "1", "--train-images", "2000",
                        "--quiet", "-o", f], check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run(["/usr/bin/python3", os.path.join(src, "scripts", "onnx-zoo.py"), work,
                        net], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([hq, "import", os.path.join(work, f"{net}.onnx"), "-o", f], check=True,
                       stdout=subprocess.DEVNULL)
    return f


# Networks run on the 512 MiB platform: VGG-16's weights exceed the default 128 MiB; ResNet-18
# and MobileNetV2 as their CTests run them (tests/onnx/test_zoo_run.sh).
BIG = "configs/platform/dram-512m.json"
BIG_DRAM = {"vgg16": BIG, "resnet18": BIG, "mobilenetv2": BIG}


def measure(hq, q, verb, n, work, platform=None, arch=None, batch=1, repeat=1):
    """Marginal host seconds per image, peak RSS, the JSON of the bigger run, and the marginal
    CPU seconds per image (all threads: the load of other jobs on a shared machine stretches
    wall time, much less CPU time)."""
    res = []
    for k in (1, n + 1):
        out = os.path.join(work, f"{verb}.json")
        extra = ["--threads", "1"] if verb == "eval" else []
        if verb == "run":
            extra = (["--platform", platform] if platform else []) + \
                    (["--arch", arch] if arch else []) + \
                    (["--batch", str(batch)] if batch > 1 else [])
        cmd = [hq, verb, q, "--synthetic-inputs", str(k), "--json", *extra]
        # the fastest of `repeat` runs: a difference of two runs carries both runs' noise (a
        # page-cache miss, another job), which only ever adds time; the peak is the largest
        rc, wall, rss, cpu, j = 0, float("inf"), 0, float("inf"), {}
        for _ in range(repeat):
            r_rc, r_wall, r_rss, r_cpu = run_measured(cmd, out)
            with open(out) as fh:
                text = fh.read()
            try:
                r_j = json.loads(text)
            except ValueError:
                r_j = {}
            rc, rss = max(rc, r_rc), max(rss, r_rss)
            wall, cpu = min(wall, r_wall), min(cpu, r_cpu)
            if not j or r_j.get("seconds", 0) < j.get("seconds", 0):
                j = r_j  # eval: the fastest inference clock
        res.append((rc, wall, rss, j, cpu))
    (rc1, w1, _, _, c1), (rc2, w2, rss, j, c2) = res
    ok = rc1 == 0 and rc2 == 0
    cpu = (c2 - c1) / n
    if verb == "eval" and ok:  # its own inference clock: steadier than a ms-scale difference
        return ok, j["seconds"] / (n + 1), rss, j, cpu
    return ok, (w2 - w1) / n, rss, j, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hqsim")
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("out")
    ap.add_argument("--nets", default="mlp,cnn,bert_layer,resnet18,mobilenetv2,vgg16")
    ap.add_argument("--macs", type=int, default=30, dest="budget",
                    help="MACs per measurement, in units of 1e8 (default 30)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per measurement, the fastest kept (default 3)")
    ap.add_argument("--batch", type=int, default=1,
                    help="hqsim run --batch: images per pass over the weights (default 1)")
    ap.add_argument("--min-images", type=int, default=4,
                    help="fewest images per measurement (default 4)")
    a = ap.parse_args()
    hq = os.path.realpath(a.hqsim)
    os.makedirs(a.work, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for net in a.nets.split(","):
        f = prepare(net, hq, a.src, a.work)
        macs, weights, largest = model_stats(f, a.src)
        # about a.budget x 1e8 MACs per measurement, min_images..2000 images (VGG-16: 15.5 GMAC
        # each)
        n = max(a.min_images, min(2000, int(a.budget * 1e8 / macs)))
        for tag, policy, arch in POLICIES:
            q = os.path.join(a.work, f"{net}-{tag}.hqm")
            if not os.path.exists(q):
                subprocess.run([hq, "quantize", f, "--policy", policy, "--synthetic-inputs", "8",
                                "--quiet", "-o", q], check=True, stdout=subprocess.DEVNULL)
            ok_e, t_eval, rss_eval, _, c_eval = measure(hq, q, "eval", n, a.work,
                                                        repeat=a.repeat)
            big = BIG_DRAM.get(net)
            ok_r, t_run, rss_run, j, c_run = measure(hq, q, "run", n, a.work,
                                              os.path.join(a.src, big) if big else None, arch,
                                              a.batch, a.repeat)
            per = max(j.get("images", 0), 1)
            file_bytes = os.path.getsize(q)
            row = dict(net=net, policy=tag, arch=j.get("arch", ""), images=n, macs=macs,
                       weights=weights,
                       weight_bytes=round(j["weight_bytes"] / per) if ok_r else "",
                       cycles=round(j["cycles"] / per) if ok_r else "",
                       mismatches=j.get("mismatches", "") if ok_r else "",
                       eval_s=float(f"{t_eval:.3g}") if ok_e else "",
                       run_s=float(f"{t_run:.3g}") if ok_r else "",
                       run_eval_ratio=round(t_run / t_eval, 2) if ok_e and ok_r and t_eval > 0 else "",
                       eval_cpu_s=float(f"{c_eval:.3g}") if ok_e else "",
                       run_cpu_s=float(f"{c_run:.3g}") if ok_r else "",
                       cpu_ratio=round(c_run / c_eval, 2) if ok_e and ok_r and c_eval > 0 else "",
                       eval_rss_mb=round(rss_eval / 2**20, 1), run_rss_mb=round(rss_run / 2**20, 1),
                       model_file_mb=round(file_bytes / 2**20, 1),
                       run_mem_ratio=round(rss_run / (file_bytes + largest), 2),
                       image_mb=round(j["dram_image_bytes"] / 2**20, 1) if ok_r else "",
                       run_mem_ratio_issue=round(rss_run / issue_bytes(weights, largest, j), 2)
                       if ok_r else "",
                       run_error="" if ok_r else (j.get("error") or "run failed"))
            rows.append(row)
            print(json.dumps(row), flush=True)
    with open(os.path.join(a.out, "scaling.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    write_md(rows, os.path.join(a.out, "scaling.md"), a)
    plot(rows, os.path.join(a.out, "scaling.png"))
    return 0


def write_md(rows, path, a):
    with open(path, "w") as f:
        f.write("# Scaling: host time and memory against network size\n\n"
                "Made by `benches/scaling/scaling_bench.py` (CTest `bench_scaling`, label bench; "
                f"`--nets {a.nets} --macs {a.budget} --batch {a.batch} --min-images {a.min_images} --repeat {a.repeat}`). Per image: `hqsim run` = marginal wall time "
                "of N more synthetic images (`--synthetic-inputs`), `hqsim eval` = its own "
                "inference time (`seconds`) / (N + 1); one thread; each run the fastest of "
                "`--repeat`; peak memory = maximum resident set of the process (GNU time). `run/eval` = the ratio of per-image host times "
                "(target <= 2); `cpu` columns = marginal CPU seconds (user + system, all threads) "
                "per image from the processes' resource usage, and their ratio: less stretched "
                "than wall time by other jobs on a shared machine; `mem ratio` = run peak memory / (model file + largest "
                "activation), the model file holding the float and the quantized weights; "
                "`mem ratio (issue)` = run peak memory / (weights + largest activation + buffers), "
                "issue 16's words: one byte per quantized weight, one image's largest activation, "
                "the platform's memory image (`image MB`, hqsim run's `dram_image_bytes`) and "
                "the accelerator's buffers (target <= 2; the model-file ratio counts the float "
                "weights the run no longer loads and no buffers). Weight bytes and cycles per image are the accelerator's "
                "(`hqsim run --json`), each policy on its own array (`arch`: uniform8 on the "
                "uniform int8 array, het on the default lane-group array). The machine is shared (2 cores, other jobs running): "
                "times are indicative.\n\n")
        cols = ["net", "policy", "arch", "images", "macs", "weights", "weight_bytes", "cycles", "mismatches",
                "eval_s", "run_s", "run_eval_ratio", "eval_cpu_s", "run_cpu_s", "cpu_ratio",
                "eval_rss_mb", "run_rss_mb",
                "model_file_mb", "run_mem_ratio", "image_mb", "run_mem_ratio_issue", "run_error"]
        names = ["network", "policy", "arch", "N", "MACs/image", "weights", "weight bytes/image",
                 "cycles/image", "mismatches", "eval s/image", "run s/image", "run/eval",
                 "eval cpu s/image", "run cpu s/image", "cpu run/eval",
                 "eval peak MB", "run peak MB", "model file MB", "mem ratio", "image MB",
                 "mem ratio (issue)", "run error"]
        f.write("| " + " | ".join(names) + " |\n|" + " --- |" * len(names) + "\n")
        for r in rows:
            f.write("| " + " | ".join(str(r[c]) for c in cols) + " |\n")
        f.write("\n![host time and peak memory against MACs and weights](scaling.png)\n")


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    for r in rows:
        mk = "o" if r["policy"] == "uniform8" else "s"
        if r["eval_s"] != "":
            ax1.loglog(r["macs"], r["eval_s"], mk, color="tab:blue")
        if r["run_s"] != "":
            ax1.loglog(r["macs"], r["run_s"], mk, color="tab:red")
        ax1.annotate(r["net"], (r["macs"], r["eval_s"] or r["run_s"] or 1e-3), fontsize=7)
        ax2.loglog(r["weights"], r["eval_rss_mb"], mk, color="tab:blue")
        ax2.loglog(r["weights"], r["run_rss_mb"], mk, color="tab:red")
        ax2.annotate(r["net"], (r["weights"], r["run_rss_mb"]), fontsize=7)
    ax1.set(xlabel="MACs per image", ylabel="host seconds per image",
            title="host time (blue eval, red run; o uniform8, s het)")
    ax2.set(xlabel="weights", ylabel="peak resident MB", title="peak memory")
    for ax in (ax1, ax2):
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
