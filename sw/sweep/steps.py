#!/usr/bin/python3
"""One step of a sweep, run by a Snakemake job: `steps.py STEP KEY DIR`.

A step never fails as a job: its outcome (ok or failed, exit code, the error's last lines,
host seconds) goes into status.json, written last and atomically, so Snakemake goes on with
the other points and a failed upstream step is reported by every point that needs it. Each
step runs hqsim with --threads 1: results do not depend on where a job ran (local or Slurm)."""
import copy
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in an installed or source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spec as specmod  # noqa: E402


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


class StepFailed(Exception):
    def __init__(self, error, exit_code=None):
        super().__init__(error)
        self.error, self.exit_code = error, exit_code


def run(cmd, log, stdout_file=None):
    """Runs hqsim, appends its output to log; raises StepFailed with the exit code and the
    last stderr lines when it fails. Returns stdout."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(log, "a") as f:
        f.write("$ %s\n%s%s(exit %d)\n" % (" ".join(cmd), r.stdout if not stdout_file else "",
                                           r.stderr, r.returncode))
    if r.returncode != 0:
        tail = [ln for ln in r.stderr.strip().splitlines() if ln.strip()][-3:]
        raise StepFailed("%s %s: exit %d: %s" % (os.path.basename(cmd[0]), cmd[1], r.returncode,
                                                 " | ".join(tail) or "(no message)"), r.returncode)
    return r.stdout


def upstream(d, step, key):
    st = read_json(os.path.join(d, step, key, "status.json"))
    if not st["ok"]:
        raise StepFailed("%s step failed: %s" % (step, st["error"]), st.get("exit_code"))
    return st


def opt(cmd, flag, v):
    if v is not None:
        cmd += [flag, "%g" % v if isinstance(v, float) else str(v)]


def step_train(plan, key, out):
    p = plan["train"][key]
    model = os.path.join(out, "model.hqm")
    cmd = [plan["hqsim"], "train", "--net", p["net"], "--threads", "1", "--quiet", "-o", model]
    opt(cmd, "--hidden", p["hidden"])
    opt(cmd, "--width-mult", p["width_mult"])
    opt(cmd, "--epochs", p["epochs"])
    opt(cmd, "--seed", p["train_seed"])
    opt(cmd, "--train-images", p["train_images"])
    run(cmd, os.path.join(out, "log.txt"))
    return {}


def step_quant(plan, key, out, d):
    q = plan["quant"][key]
    p = q["params"]
    upstream(d, "train", q["train"])
    model = os.path.join(d, "train", q["train"], "model.hqm")
    qm = os.path.join(out, "q.hqm")
    log = os.path.join(out, "log.txt")
    cmd = [plan["hqsim"], "quantize", model, "--policy", q["policy"], "--threads", "1",
           "--quiet", "-o", qm]
    opt(cmd, "--qat-epochs", p["qat_epochs"])
    opt(cmd, "--calib", p["calib"])
    opt(cmd, "--train-images", p["train_images"])
    opt(cmd, "--layout", p["layout"])
    run(cmd, log)
    pack = json.loads(run([plan["hqsim"], "pack", qm, "--json"], log, stdout_file=True))
    write_json(os.path.join(out, "pack.json"), pack)
    return {"bits_per_weight": pack["bits_per_weight"], "weight_bytes": pack["weight_bytes"],
            "hi_fraction": pack["hi_fraction"], "layout": pack["layout"]}


def load_fpga_flow(plan):
    from importlib.machinery import SourceFileLoader
    script = os.path.join(plan["source_root"] or "", "scripts", "fpga")
    if not plan["source_root"] or not os.path.exists(script):
        raise StepFailed("the FPGA axis needs the source tree's scripts/fpga and rtl/ "
                         "(set HQSIM_SOURCE_DIR)")
    return SourceFileLoader("hq_fpga_flow", script).load_module()


def step_fpga(plan, key, out):
    cfg = plan["fpga"][key]
    flow = load_fpga_flow(plan)
    # scripts/fpga exits through sys.exit on a tool failure: turn that into a recorded error
    try:
        res = flow.synth_xilinx("point", cfg, out)
    except SystemExit:
        raise StepFailed("yosys synth_xilinx failed (see %s)" % os.path.join(out, "point_xc7_yosys.log"))
    return {"tile": res["tile"], "yosys_seconds": res["seconds"]}


def timing_config(plan, p):
    t = copy.deepcopy(read_json(plan["base_timing"]))
    arr = t["array"]
    for axis in ("lanes", "lane_group", "pe_tiles", "rows_per_tile", "hi_macs", "nb_max"):
        if p[axis] is not None:
            arr[axis] = p[axis]
    for axis, k in (("weight_buffer", "weight_bytes"), ("act_buffer", "act_bytes"),
                    ("out_buffer", "out_bytes")):
        if p[axis] is not None:
            t["buffers"][k] = p[axis]
    if p["clock_mhz"] is not None:
        t["clock_hz"] = p["clock_mhz"] * 1e6
    return t


def platform_config(plan, p):
    c = copy.deepcopy(read_json(plan["base_platform"]))
    base_dir = os.path.dirname(plan["base_platform"])
    for dev in c["devices"]:
        if dev.get("type") == "dram":
            pre = dev["params"]["preset"]
            if p["dram"] is not None:
                pre = os.path.join(plan["dram_dir"], p["dram"] + ".json")
            elif isinstance(pre, str):
                pre = os.path.normpath(os.path.join(base_dir, pre))
            dev["params"]["preset"] = pre
    if p["bus_width"] is not None:
        c["bus"]["width_bytes"] = p["bus_width"]
    return c


def step_point(plan, key, out, d):
    pt = plan["point"][key]
    p = pt["params"]
    res = {}
    qst = upstream(d, "quant", pt["quant"])
    res.update(qst["result"])
    qm = os.path.join(d, "quant", pt["quant"], "q.hqm")
    fm = os.path.join(d, "train", pt["train"], "model.hqm")
    log = os.path.join(out, "log.txt")
    images = [] if p["images"] is None else ["--images", str(p["images"])]
    fl = json.loads(run([plan["hqsim"], "eval", fm, "--threads", "1", "--json"] + images, log,
                        stdout_file=True))
    res["float_accuracy"] = fl["accuracy"]
    ev = json.loads(run([plan["hqsim"], "eval", qm, "--threads", "1", "--json"] + images, log,
                        stdout_file=True))
    res["int_accuracy"] = ev["accuracy"]
    timing = os.path.join(out, "timing.json")
    platform = os.path.join(out, "platform.json")
    write_json(timing, timing_config(plan, p))
    write_json(platform, platform_config(plan, p))
    cmd = [plan["hqsim"], "run", qm, "--timing", timing, "--platform", platform, "--json",
           "--quiet", "--csv", os.path.join(out, "layers.csv")] + images
    opt(cmd, "--arch", p["arch"])
    opt(cmd, "--batch", p["batch"])
    t0 = time.time()
    r = json.loads(run(cmd, log, stdout_file=True))
    res["run_seconds"] = time.time() - t0
    write_json(os.path.join(out, "run.json"), r)
    res.update({"platform_accuracy": r["accuracy"], "reference_accuracy": r["reference_accuracy"],
                "mismatches": r["mismatches"], "cycles_per_image": r["cycles_per_image"],
                "energy_nj_per_image": r["energy_pj_per_image"] / 1e3,
                "dram_bytes_per_image": r["dram_bytes"] / max(1, r["images"]),
                "arch_used": r["arch"], "images_run": r["images"]})
    if pt["fpga"]:
        fst = upstream(d, "fpga", pt["fpga"])
        tile = fst["result"]["tile"]
        tiles = timing_config(plan, p)["array"]["pe_tiles"]
        res.update({"lut": tile["lut"] * tiles, "ff": tile["ff"] * tiles,
                    "dsp": tile["dsp"] * tiles, "bram18": tile["bram18"] * tiles,
                    "lut_dsp": tile["proxy"] * tiles})
    return res


def main():
    step, key, d = sys.argv[1], sys.argv[2], sys.argv[3]
    plan = read_json(os.path.join(d, "plan.json"))
    out = os.path.join(d, step, key)
    os.makedirs(out, exist_ok=True)
    status_path = os.path.join(out, "status.json")
    t0 = time.time()
    status = {"step": step, "key": key, "ok": True, "exit_code": 0, "error": ""}
    try:
        if step == "train":
            status["result"] = step_train(plan, key, out)
        elif step == "quant":
            status["result"] = step_quant(plan, key, out, d)
        elif step == "fpga":
            status["result"] = step_fpga(plan, key, out)
        elif step == "point":
            status["result"] = step_point(plan, key, out, d)
        else:
            raise StepFailed("unknown step %s" % step)
    except StepFailed as e:
        status.update(ok=False, error=e.error, exit_code=e.exit_code, result={})
    except Exception as e:  # a bug of this tool or an unreadable output: recorded as well
        status.update(ok=False, error="%s: %s" % (type(e).__name__, e), exit_code=None, result={})
    status["host_seconds"] = round(time.time() - t0, 3)
    write_json(status_path, status)


if __name__ == "__main__":
    main()
