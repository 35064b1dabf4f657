#!/usr/bin/python3
"""The sweep tool behind `hqsim sweep` and `hqsim pareto` (docs/sweeps.md). hqsim runs it as
`hqsweep.py sweep|pareto --hqsim HQSIM ARGS...` from share/hqsim/sweep."""
import argparse
import csv
import fcntl
import glob
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in an installed or source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spec as specmod  # noqa: E402

TOOL_VERSION = "hqsweep 1"
SWEEP_HELP = """usage: hqsim sweep SPEC -o DIR [--cores N] [--slurm] [--jobs N] [--dry-run]

Runs a design-space sweep (docs/sweeps.md): every point of SPEC (YAML or JSON: axes over
network, width, quantization policy, QAT, layout, PE array, clock, DRAM, batch; grid,
explicit points, seeded random sample, constraints) as a chain of hqsim train, quantize,
eval and run, on Snakemake. Steps are content-addressed (their inputs and the hqsim, firmware
and config versions give the key), so points share a trained model or QAT run, and rerunning
on the same DIR skips finished steps and resumes after an interruption. A failing point is
recorded (status, exit_code, error) and the others go on.

Writes DIR/results.csv and DIR/results.jsonl (one row per point: parameters, accuracy,
bits/weight, weight bytes, cycles and energy per image, FPGA resources, host seconds),
DIR/layers.csv (per point and layer) and DIR/dropped.csv (points the constraints dropped).

options:
  -o, --output DIR   sweep directory (created; reused to resume)
  --cores N          parallel jobs on this machine (default 1)
  --slurm            submit each step as a Slurm job (sbatch), --jobs at a time
  --jobs N           Slurm jobs in flight (default 8)
  --dry-run          expand and check the spec, write DIR/plan.json and dropped.csv, run nothing
  -h, --help         this help

exit status: 0 every point has a result (ok or a recorded failure; see the status column);
1 the engine stopped before every point had a result (rerun to resume); 2 usage error or a
bad spec: nothing ran"""

PARETO_HELP = """usage: hqsim pareto RESULTS.csv --objectives COL:max|min,... -o OUTDIR [--color COL]

Extracts the non-dominated points (Pareto front) of a sweep's results table over the
objectives (e.g. accuracy:max,energy:min,lut_dsp:min). Rows whose status is not ok or that
lack an objective value are left out (and counted). Writes OUTDIR/front.csv (the front, its
rows as in the table), OUTDIR/front_<a>_<b>.png (every pair of objectives: all points and
the front) and OUTDIR/axes.png (parallel coordinates of the swept axes and objectives,
front highlighted).

options:
  --objectives LIST  comma-separated COLUMN:max or COLUMN:min (at least one)
  -o, --output DIR   output directory (created)
  --color COL        colour the points by this column (e.g. net, arch)
  --where COL=VAL    keep only rows with this value (repeatable)
  -h, --help         this help

exit status: 0 done; 2 usage error, or a bad table (missing column, no usable row)"""


def die(msg, code=2):
    print("hqsim: " + msg, file=sys.stderr)
    sys.exit(code)


# ---- locating the tool's inputs ----

def share_dir():
    return os.path.dirname(HERE)  # share/hqsim


def file_digest(h, path):
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)


def accel_fw(hqsim):
    fw = os.environ.get("HQSIM_ACCEL_FW")
    if fw:
        return fw
    return os.path.join(share_dir(), "fw", "accel", "accel_runtime.elf")


def source_root():
    """The source tree, for the FPGA flow (scripts/fpga, rtl/): $HQSIM_SOURCE_DIR, or the tree
    the build's share/hqsim/configs link points into."""
    env = os.environ.get("HQSIM_SOURCE_DIR")
    if env:
        return os.path.abspath(env)
    root = os.path.dirname(os.path.realpath(os.path.join(share_dir(), "configs")))
    return root if os.path.exists(os.path.join(root, "scripts", "fpga")) else None


def tool_version(hqsim):
    """Digest of everything a point's numbers depend on besides its parameters: the hqsim
    binary, the accelerator firmware, the default configs and this tool's step code."""
    h = hashlib.sha256(TOOL_VERSION.encode())
    files = [hqsim, accel_fw(hqsim), os.path.join(HERE, "steps.py")]
    cfg = os.path.join(share_dir(), "configs")
    files += sorted(glob.glob(os.path.join(cfg, "*", "*.json")))
    for f in files:
        if os.path.exists(f):
            h.update(os.path.relpath(f, share_dir()).encode() if f.startswith(cfg) else b"")
            file_digest(h, f)
        else:
            h.update(("missing " + os.path.basename(f)).encode())
    return h.hexdigest()[:16]


def rtl_version(root):
    h = hashlib.sha256(b"fpga xc7 1")
    if root:
        for f in sorted(glob.glob(os.path.join(root, "rtl", "*.v")) +
                        glob.glob(os.path.join(root, "rtl", "*.vh"))) + [
                os.path.join(root, "scripts", "fpga")]:
            file_digest(h, f)
    return h.hexdigest()[:16]


def key_of(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


# ---- the plan: every step by content key ----

TRAIN_AXES = [k for k, a in specmod.AXES.items() if a.step == "train"]
QUANT_AXES = [k for k, a in specmod.AXES.items() if a.step == "quant" and
              k not in specmod.POLICY_FIELDS and k != "policy"]


def rtl_config(p, base_timing):
    """The rtl/configs.json-style parameters of the point's PE tile, or (None, why)."""
    arr = base_timing["array"]
    arch = p["arch"] or base_timing.get("arch")
    lanes = p["lanes"] or arr["lanes"]
    g = p["lane_group"] or arr["lane_group"]
    if arch == "uniform8":
        return {"uniform": 1, "lanes": lanes, "g": g, "m": 32, "n": 1, "lo": 2, "hi": 8,
                "nb_max": 16, "oport": 0}, None
    if arch != "lanegroup":
        return None, "no RTL for the %s array" % arch
    # The tile is built for one block shape and low width: the policy's nm:N:M and lo when it
    # has them, else the default tile's 1:32 and ternary (the array the point runs on).
    pol = specmod.policy_string(p).split(";")[0]
    kv = dict(x.split("=", 1) for x in pol.split(",") if "=" in x)
    st = kv.get("struct", "none")
    n, m = (int(x) for x in st.split(":")[1:]) if st.startswith("nm:") else (1, 32)
    lo, hi = int(kv.get("lo", 2)), int(kv.get("hi", 8))
    # one outlier slot per block and one group per block: the outlier port (as `default`)
    return {"uniform": 0, "lanes": lanes, "g": g, "m": m, "n": n, "lo": lo, "hi": hi,
            "nb_max": 16, "oport": 1 if (n == 1 and g == m) else 0}, None


def make_plan(points, hqsim, version, base_timing_path, base_platform_path, dram_dir):
    base_timing = json.load(open(base_timing_path))
    root = source_root()
    rver = rtl_version(root)
    plan = {"tool_version": version, "hqsim": hqsim, "source_root": root,
            "base_timing": base_timing_path, "base_platform": base_platform_path,
            "dram_dir": dram_dir, "train": {}, "quant": {}, "fpga": {}, "point": {}}
    for p in points:
        tp = {k: p[k] for k in TRAIN_AXES}
        tk = key_of({"step": "train", "params": tp, "version": version})
        plan["train"][tk] = tp
        policy = specmod.policy_string(p)
        qp = {k: p[k] for k in QUANT_AXES}
        qp["train_images"] = p["train_images"]
        qk = key_of({"step": "quant", "params": qp, "policy": policy, "train": tk,
                     "version": version})
        plan["quant"][qk] = {"train": tk, "policy": policy, "params": qp}
        fk, note = None, ""
        if p["fpga"]:
            cfg, note = rtl_config(p, base_timing)
            if cfg:
                fk = key_of({"step": "fpga", "cfg": cfg, "rtl": rver})
                plan["fpga"][fk] = cfg
                note = ""
        pk = key_of({"step": "point", "params": p, "quant": qk, "fpga": fk, "version": version})
        plan["point"][pk] = {"train": tk, "quant": qk, "fpga": fk, "fpga_note": note,
                             "policy": policy, "params": p}
    return plan


# ---- results ----

RESULT_COLUMNS = ["accuracy", "int_accuracy", "float_accuracy", "reference_accuracy",
                  "mismatches", "bits_per_weight", "weight_bytes", "hi_fraction", "cycles",
                  "energy", "dram_bytes", "lut", "ff", "dsp", "bram18", "lut_dsp",
                  "host_seconds", "train_seconds", "quant_seconds", "fpga_seconds"]
RENAME = {"platform_accuracy": "accuracy", "cycles_per_image": "cycles",
          "energy_nj_per_image": "energy", "dram_bytes_per_image": "dram_bytes"}


def read_status(d, step, key):
    try:
        with open(os.path.join(d, step, key, "status.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def collect(d, plan, dropped):
    rows, layer_rows = [], []
    axes = list(specmod.AXES)
    for key, pt in sorted(plan["point"].items(), key=lambda kv: kv[1]["params"].get("net") or ""):
        st = read_status(d, "point", key)
        row = {"key": key, "status": "not run", "exit_code": "", "error": ""}
        row.update({a: pt["params"][a] for a in axes})
        row["policy"] = pt["policy"]
        row.update({c: "" for c in RESULT_COLUMNS})
        row["fpga_note"] = pt["fpga_note"]
        if st:
            row["status"] = "ok" if st["ok"] else "failed"
            row["exit_code"] = st["exit_code"] if st["exit_code"] is not None else ""
            row["error"] = st["error"]
            for k, v in st["result"].items():
                k = RENAME.get(k, k)
                if k in row:
                    row[k] = v
            row["host_seconds"] = st["host_seconds"]
            for step, col, k in (("train", "train_seconds", pt["train"]),
                                 ("quant", "quant_seconds", pt["quant"]),
                                 ("fpga", "fpga_seconds", pt["fpga"])):
                s2 = read_status(d, step, k) if k else None
                if s2:
                    row[col] = s2["host_seconds"]
            lcsv = os.path.join(d, "point", key, "layers.csv")
            if st["ok"] and os.path.exists(lcsv):
                with open(lcsv) as f:
                    for lr in csv.DictReader(f):
                        layer_rows.append(dict({"key": key}, **lr))
        rows.append(row)
    fields = list(rows[0]) if rows else ["key", "status"]
    write_csv(os.path.join(d, "results.csv"), fields, rows)
    tmp = os.path.join(d, "results.jsonl.tmp")
    with open(tmp, "w") as f:
        for r in rows:
            f.write(json.dumps({k: (None if v == "" else v) for k, v in r.items()}) + "\n")
    os.replace(tmp, os.path.join(d, "results.jsonl"))
    lf = ["key"] + [k for k in (layer_rows[0] if layer_rows else {}) if k != "key"]
    write_csv(os.path.join(d, "layers.csv"), lf, layer_rows)
    write_dropped(d, dropped)
    return rows


def write_csv(path, fields, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in fields})
    os.replace(tmp, path)


def write_dropped(d, dropped):
    axes = list(specmod.AXES)
    write_csv(os.path.join(d, "dropped.csv"), ["reason"] + axes,
              [dict(p, reason=why) for p, why in dropped])


# ---- sweep ----

def snakemake_cmd(d, args):
    steps = os.path.join(HERE, "steps.py")
    cmd = ["snakemake", "-s", os.path.join(HERE, "Snakefile"), "-d", d, "--config",
           "steps=" + steps, "--rerun-incomplete", "--keep-going", "--nolock",
           "--rerun-triggers", "mtime", "--quiet", "progress", "rules"]
    if args.slurm:
        os.makedirs(os.path.join(d, "slurm"), exist_ok=True)
        cmd += ["--jobs", str(args.jobs), "--latency-wait", "60",
                "--cluster", "sbatch --parsable --job-name=hqsweep-{rule} --cpus-per-task=1 "
                "--output=%s/%%j.log" % os.path.join(d, "slurm"),
                "--cluster-status", "/usr/bin/python3 " + os.path.join(HERE, "slurm_status.py")]
    else:
        cmd += ["--cores", str(args.cores)]
    return cmd


def cmd_sweep(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(SWEEP_HELP)
        return 0
    ap = argparse.ArgumentParser(prog="hqsim sweep", add_help=False,
                                 usage=SWEEP_HELP.splitlines()[0][len("usage: "):])
    ap.add_argument("--hqsim", required=True)
    ap.add_argument("spec")
    ap.add_argument("-o", "--output")
    ap.add_argument("--cores", type=int, default=1)
    ap.add_argument("--slurm", action="store_true")
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--dry-run", action="store_true")
    try:
        args = ap.parse_args(argv)
    except SystemExit:
        return 2
    if not args.output:
        die("sweep: -o DIR is required (hqsim sweep --help)")
    if args.cores < 1 or args.jobs < 1:
        die("sweep: --cores and --jobs must be >= 1")
    cfg = os.path.join(share_dir(), "configs")
    dram_dir = os.path.join(cfg, "dram")
    presets = {os.path.basename(f)[:-5] for f in glob.glob(os.path.join(dram_dir, "*.json"))}
    try:
        spec = specmod.load(args.spec, presets)
        points, dropped = specmod.expand(spec)
    except specmod.SpecError as e:
        die("sweep: %s: %s" % (args.spec, e))
    if not points:
        die("sweep: %s: no point left (%d dropped by the constraints)" % (args.spec, len(dropped)))
    d = os.path.abspath(args.output)
    try:
        os.makedirs(d, exist_ok=True)
    except OSError as e:
        die("sweep: -o %s: %s" % (args.output, e.strerror))
    lock = open(os.path.join(d, ".hqsweep.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        die("sweep: %s is in use by another hqsim sweep" % d)
    hqsim = os.path.realpath(args.hqsim)
    version = tool_version(hqsim)
    plan = make_plan(points, hqsim, version, os.path.join(cfg, "timing", "default.json"),
                     os.path.join(cfg, "platform", "default.json"), dram_dir)
    plan["spec"] = spec
    tmp = os.path.join(d, "plan.json.tmp")
    with open(tmp, "w") as f:
        json.dump(plan, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(d, "plan.json"))
    n_train, n_quant = len(plan["train"]), len(plan["quant"])
    print("hqsim sweep: %d points (%d dropped by constraints), %d trainings, %d quantizations, "
          "%d FPGA syntheses; tool version %s" % (len(points), len(dropped), n_train, n_quant,
                                                  len(plan["fpga"]), version), flush=True)
    if args.dry_run:
        write_dropped(d, dropped)
        return 0
    done_before = sum(1 for k in plan["point"] if read_status(d, "point", k))
    t0 = time.time()
    # Snakemake's own progress goes to DIR/engine.log (its last lines are shown on failure)
    engine_log = os.path.join(d, "engine.log")
    with open(engine_log, "a") as log:
        r = subprocess.run(snakemake_cmd(d, args), stdout=log, stderr=subprocess.STDOUT)
    wall = time.time() - t0
    rows = collect(d, plan, dropped)
    ok = sum(1 for x in rows if x["status"] == "ok")
    failed = sum(1 for x in rows if x["status"] == "failed")
    missing = sum(1 for x in rows if x["status"] == "not run")
    print("hqsim sweep: %d ok, %d failed, %d not run (%d were done before this run); "
          "%.1f s wall; %s/results.csv" % (ok, failed, missing, done_before, wall, d), flush=True)
    for x in rows:
        if x["status"] == "failed":
            print("  failed %s: %s" % (x["key"], x["error"]), file=sys.stderr)
    if r.returncode != 0 or missing:
        tail = open(engine_log).read().splitlines()[-12:]
        print("hqsim sweep: the workflow engine stopped early (exit %d); rerun the same command "
              "to resume. Last lines of %s:\n  %s" % (r.returncode, engine_log, "\n  ".join(tail)),
              file=sys.stderr)
        return 1
    return 0


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `hqsim sweep --help | head` is no error
    if len(sys.argv) < 2 or sys.argv[1] not in ("sweep", "pareto"):
        die("usage: hqsweep.py sweep|pareto --hqsim HQSIM ARGS")
    if sys.argv[1] == "sweep":
        return cmd_sweep(sys.argv[2:])
    import pareto
    return pareto.main(sys.argv[2:], PARETO_HELP)


if __name__ == "__main__":
    sys.exit(main())
