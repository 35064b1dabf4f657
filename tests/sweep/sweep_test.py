#!/usr/bin/python3
"""Tests of hqsim sweep and hqsim pareto (label sweep; docs/sweeps.md).

  sweep_test.py CASE HQSIM SOURCE_DIR WORK_DIR

CASE: spec_errors, smoke, resume, failing, pareto, installed. Each exits 0 on success and prints what
it checked; a failed check exits 1 with the reason."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time

CASE, HQSIM, SRC, WORK = sys.argv[1:5]
SMOKE = os.path.join(SRC, "configs", "sweeps", "smoke.yaml")
# columns that depend on the host, not on the point
HOST_COLUMNS = {"host_seconds", "train_seconds", "quant_seconds", "fpga_seconds"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg)


def sweep(spec, out, *extra, expect=0):
    r = subprocess.run([HQSIM, "sweep", spec, "-o", out] + list(extra), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != expect:
        fail("hqsim sweep %s exited %d, expected %d:\n%s%s" %
             (spec, r.returncode, expect, r.stdout, r.stderr))
    return r


def rows(d, name="results.csv"):
    with open(os.path.join(d, name), newline="") as f:
        return list(csv.DictReader(f))


def comparable(rs):
    return sorted(tuple((k, v) for k, v in r.items() if k not in HOST_COLUMNS) for r in rs)


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(WORK, exist_ok=True)
    return d


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- cases ----

def case_spec_errors():
    os.makedirs(WORK, exist_ok=True)
    bad = {
        "grid:\n  lanes: [64, -1]\n": "grid.lanes[1]: -1 must be > 0",
        "grid:\n  net: [mlp, resnet]\n": "grid.net[1]: 'resnet' is not one of mlp, cnn",
        "grid:\n  colour: [red]\n": "grid.colour: unknown axis 'colour'",
        "grid:\n  net: mlp\n": "grid.net: must be a non-empty list",
        "points:\n  - {net: mlp, frac: 0.9}\n": "points[0].frac: 0.9 must be in 0 .. 0.5",
        "points:\n  - {dram: ddr9}\n": "points[0].dram: 'ddr9' is not a DRAM preset",
        "grid:\n  net: [mlp]\nconstraints:\n  - {drop_if: \"colour == 1\", reason: x}\n":
            "constraints[0].drop_if: unknown name 'colour'",
        "grid:\n  net: [mlp]\nconstraints:\n  - {drop_if: \"net ==\", reason: x}\n":
            "constraints[0].drop_if: not a valid expression",
        "grid:\n  net: [mlp]\nsample: {count: 0}\n": "sample.count: 0 must be a positive integer",
        "grid:\n  net: [mlp]\nfixed:\n  net: cnn\n": "grid.net: also in 'fixed'",
        "grid:\n  net: [mlp]\nbogus: 1\n": "bogus: unknown key",
        "name: smoke\n": "needs 'grid' or 'points'",
        "grid:\n  net: [mlp\n": "not valid YAML",
        "grid:\n  fpga: [yes please]\n": "grid.fpga[0]: 'yes please' is not true or false",
        "grid:\n  net: [mlp]\nconstraints:\n  - {drop_if: \"True\", reason: all}\n":
            "no point left (1 dropped by the constraints)",
    }
    for i, (text, msg) in enumerate(bad.items()):
        spec = write(os.path.join(WORK, "bad%d.yaml" % i), text)
        out = os.path.join(WORK, "out%d" % i)
        r = sweep(spec, out, expect=2)
        check(msg in r.stderr, "bad spec %d is refused naming the key: %s" % (i, r.stderr.strip()))
        check(not os.path.exists(os.path.join(out, "results.csv")), "bad spec %d ran nothing" % i)
    js = write(os.path.join(WORK, "bad.json"), '{"grid": {"batch": [1, 2.5]}}')
    r = sweep(js, os.path.join(WORK, "outjson"), expect=2)
    check("grid.batch[1]: 2.5 is not an integer" in r.stderr, "JSON specs are validated too")
    r = sweep(os.path.join(WORK, "missing.yaml"), os.path.join(WORK, "x"), expect=2)
    check("cannot read" in r.stderr, "a missing spec file is a usage error")
    r = subprocess.run([HQSIM, "sweep", SMOKE], stderr=subprocess.PIPE, text=True)
    check(r.returncode == 2 and "-o DIR is required" in r.stderr, "-o is required")
    # the smoke spec expands to 6 points and records the 2 the constraint drops
    d = fresh("dry")
    r = sweep(SMOKE, d, "--dry-run")
    check("6 points (2 dropped by constraints), 2 trainings, 4 quantizations" in r.stdout,
          "smoke.yaml: 6 points, 2 trainings, 4 quantizations (%s)" % r.stdout.strip())
    dr = rows(d, "dropped.csv")
    check(len(dr) == 2 and all(x["reason"].startswith("an int8 model gains nothing") for x in dr),
          "dropped.csv has the 2 dropped points with their reason")


def case_smoke():
    d = fresh("smoke")
    r = sweep(SMOKE, d, "--cores", "2")
    rs = rows(d)
    check(len(rs) == 6, "6 points in results.csv")
    ok = [x for x in rs if x["status"] == "ok"]
    bad = [x for x in rs if x["status"] == "failed"]
    check(len(ok) == 4 and len(bad) == 2, "4 points ok, 2 failed")
    for x in bad:
        check(x["arch"] == "uniform8" and x["exit_code"] == "3" and
              "layout block is not supported by the uniform8 array" in x["error"],
              "the block model on the uniform8 array is recorded with exit code 3 and the "
              "accelerator's message")
    for x in ok:
        check(x["accuracy"] == x["int_accuracy"] == x["reference_accuracy"] and
              x["mismatches"] == "0", "platform accuracy equals the integer reference (%s)" % x["key"])
        for col in ("bits_per_weight", "weight_bytes", "cycles", "energy", "dram_bytes"):
            check(float(x[col]) > 0, "%s > 0 for %s" % (col, x["key"]))
    # the same point from the tool: one ok row against hqsim eval of its quantized model
    plan = json.load(open(os.path.join(d, "plan.json")))
    x = ok[0]
    q = os.path.join(d, "quant", plan["point"][x["key"]]["quant"], "q.hqm")
    ev = json.loads(subprocess.run([HQSIM, "eval", q, "--images", x["images"], "--json"],
                                   stdout=subprocess.PIPE, text=True, check=True).stdout)
    check(abs(ev["accuracy"] - float(x["accuracy"])) < 1e-12, "accuracy equals hqsim eval's")
    jl = [json.loads(line) for line in open(os.path.join(d, "results.jsonl"))]
    check([j["key"] for j in jl] == [x["key"] for x in rs], "results.jsonl has the same points")
    lr = rows(d, "layers.csv")
    check(len(lr) == 4 * 3 and {y["key"] for y in lr} == {x["key"] for x in ok},
          "layers.csv: 3 layers for each ok point")
    # a rerun on the same DIR finishes at once: no step runs again
    before = {p: os.stat(p).st_mtime_ns for p in status_files(d)}
    r = sweep(SMOKE, d, "--cores", "2")
    check("6 were done before" in r.stdout, "the rerun found every point done")
    after = {p: os.stat(p).st_mtime_ns for p in status_files(d)}
    check(before == after, "the rerun ran no step again (%d status files unchanged)" % len(after))
    check(comparable(rows(d)) == comparable(rs), "the rerun's table is the same")


def status_files(d):
    out = []
    for step in ("train", "quant", "point", "fpga"):
        sd = os.path.join(d, step)
        if os.path.isdir(sd):
            out += [os.path.join(sd, k, "status.json") for k in sorted(os.listdir(sd))
                    if os.path.exists(os.path.join(sd, k, "status.json"))]
    return out


def case_resume():
    ref = fresh("resume-ref")
    sweep(SMOKE, ref, "--cores", "2")
    d = fresh("resume")
    os.makedirs(d)
    # kill the whole sweep (hqsim, Snakemake, the running step) once half the points are done
    p = subprocess.Popen([HQSIM, "sweep", SMOKE, "-o", d, "--cores", "1"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    pdir = os.path.join(d, "point")
    while p.poll() is None:
        done = [f for f in status_files(d) if "/point/" in f]
        if len(done) >= 3:
            break
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done = {f: os.stat(f).st_ino for f in status_files(d) if "/point/" in f}
    check(3 <= len(done) < 6, "the engine was killed after %d of 6 points" % len(done))
    r = sweep(SMOKE, d, "--cores", "1")
    print(r.stdout.strip())
    redone = [f for f, ino in done.items() if os.stat(f).st_ino != ino]
    # with --cores 1 at most one step was in flight: at most one finished point is recomputed
    check(len(redone) <= 1, "the resume recomputed %d of the %d points done before the kill "
          "(at most the one in flight)" % (len(redone), len(done)))
    check(len(os.listdir(pdir)) == 6 and len(rows(d)) == 6, "every point has a result after resuming")
    check(comparable(rows(d)) == comparable(rows(ref)),
          "the resumed table equals an uninterrupted run")


def case_failing():
    d = fresh("failing")
    spec = write(os.path.join(WORK, "failing.yaml"),
                 "fixed: {net: mlp, epochs: 1, train_images: 500, calib: 100, images: 50, arch: split}\n"
                 "points:\n"
                 "  - {policy: 'lo=2,hi=8,frac=0.02,struct=nm:1:32', layout: coo}\n"
                 "  - {policy: 'lo=2,hi=8,frac=0.5,struct=nm:1:32'}\n"
                 "  - {policy: 'uniform2', hidden: '64'}\n")
    sweep(spec, d, "--cores", "2")
    rs = {x["policy"]: x for x in rows(d)}
    bad = rs["lo=2,hi=8,frac=0.5,struct=nm:1:32"]
    check(bad["status"] == "failed" and bad["exit_code"] == "2" and "hqsim quantize: exit 2" in bad["error"]
          and "frac" in bad["error"], "a policy quantize refuses is recorded: %s" % bad["error"])
    check(rs["lo=2,hi=8,frac=0.02,struct=nm:1:32"]["status"] == "ok" and rs["uniform2"]["status"] == "ok",
          "the other points ran")


def case_pareto():
    d = fresh("pareto")
    os.makedirs(d)
    # a hand-made table: accuracy (max) against energy (min) and lut_dsp (min).
    # Front: a (best accuracy), b (lowest energy), c (lowest lut_dsp), e (a trade-off),
    # f (equal to e: both stay). Dominated: d (by a), g (by e), h (failed), i (no lut_dsp).
    table = [("a", "ok", 0.90, 100, 50), ("b", "ok", 0.80, 10, 60), ("c", "ok", 0.70, 50, 5),
             ("d", "ok", 0.89, 120, 55), ("e", "ok", 0.85, 40, 30), ("f", "ok", 0.85, 40, 30),
             ("g", "ok", 0.84, 41, 30), ("h", "failed", 0.99, 1, 1), ("i", "ok", 0.95, 1, "")]
    t = os.path.join(d, "t.csv")
    with open(t, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "status", "accuracy", "energy", "lut_dsp", "net"])
        for r in table:
            w.writerow(list(r) + ["mlp" if r[0] < "e" else "cnn"])
    out = os.path.join(d, "out")
    r = subprocess.run([HQSIM, "pareto", t, "--objectives", "accuracy:max,energy:min,lut_dsp:min",
                        "-o", out, "--color", "net"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    check(r.returncode == 0, "hqsim pareto ran: %s%s" % (r.stdout, r.stderr))
    front = sorted(x["key"] for x in rows(out, "front.csv"))
    check(front == ["a", "b", "c", "e", "f"], "the front is a, b, c, e, f (got %s)" % front)
    check("2 rows left out" in r.stdout, "the failed row and the row without lut_dsp are left out")
    for png in ("front_accuracy_energy.png", "front_accuracy_lut_dsp.png",
                "front_energy_lut_dsp.png", "axes.png"):
        with open(os.path.join(out, png), "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "%s is a PNG" % png)
    # two objectives: the front changes as it must
    r = subprocess.run([HQSIM, "pareto", t, "--objectives", "energy:min,lut_dsp:min", "-o",
                        os.path.join(d, "out2")], stdout=subprocess.PIPE, text=True)
    front2 = sorted(x["key"] for x in rows(os.path.join(d, "out2"), "front.csv"))
    check(front2 == ["b", "c", "e", "f"], "energy/lut_dsp front is b, c, e, f (got %s)" % front2)
    # one objective: the single best usable row (i has no lut_dsp but has accuracy)
    r = subprocess.run([HQSIM, "pareto", t, "--objectives", "accuracy:max", "-o",
                        os.path.join(d, "out3")], stdout=subprocess.PIPE, text=True)
    front3 = [x["key"] for x in rows(os.path.join(d, "out3"), "front.csv")]
    check(front3 == ["i"], "accuracy alone: the front is i (got %s)" % front3)
    for args, msg in ((["--objectives", "accuracy:max,power:min"], "no column 'power'"),
                      (["--objectives", "accuracy:best"], "must be COLUMN:max or COLUMN:min"),
                      (["--objectives", "accuracy:max", "--where", "net=gpu"], "no row with status ok")):
        r = subprocess.run([HQSIM, "pareto", t, "-o", os.path.join(d, "bad")] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(r.returncode == 2 and msg in r.stderr, "pareto refuses %s: %s" % (args, r.stderr.strip()))


def case_installed():
    """hqsim finds the sweep tool from its own location: a copy of the installed layout
    (bin/hqsim, share/hqsim/{configs,sweep}) runs a sweep from another directory."""
    d = fresh("installed")
    share = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HQSIM))), "share", "hqsim")
    os.makedirs(os.path.join(d, "prefix", "bin"))
    shutil.copy(HQSIM, os.path.join(d, "prefix", "bin", "hqsim"))
    for sub in ("configs", "sweep"):
        shutil.copytree(os.path.join(share, sub), os.path.join(d, "prefix", "share", "hqsim", sub))
    os.makedirs(os.path.join(d, "cwd"))
    r = subprocess.run([os.path.join(d, "prefix", "bin", "hqsim"), "sweep",
                        os.path.join(d, "prefix", "share", "hqsim", "configs", "sweeps", "smoke.yaml"),
                        "-o", "out", "--dry-run"], cwd=os.path.join(d, "cwd"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0 and "6 points" in r.stdout,
          "an installed hqsim runs its sweep tool: %s%s" % (r.stdout, r.stderr))
    plan = json.load(open(os.path.join(d, "cwd", "out", "plan.json")))
    check(plan["hqsim"] == os.path.join(d, "prefix", "bin", "hqsim") and
          plan["base_timing"].startswith(os.path.join(d, "prefix", "share")),
          "the plan uses the installed hqsim and its configs")
    os.rename(os.path.join(d, "prefix", "share", "hqsim", "sweep"), os.path.join(d, "moved"))
    r = subprocess.run([os.path.join(d, "prefix", "bin", "hqsim"), "sweep", "x.yaml", "-o", "o"],
                       cwd=os.path.join(d, "cwd"), stderr=subprocess.PIPE, text=True)
    check(r.returncode == 2 and "share/hqsim/sweep/hqsweep.py was not found" in r.stderr,
          "without the sweep tool: a clear error, exit 2")


CASES = {"installed": case_installed, "spec_errors": case_spec_errors, "smoke": case_smoke, "resume": case_resume,
         "failing": case_failing, "pareto": case_pareto}
if __name__ == "__main__":
    CASES[CASE]()
    print("PASS " + CASE)
