#!/usr/bin/python3
"""Issue 12: the RTL-vs-model choice is a field of the accelerator's configuration. A platform
config whose hq_accel device has the param "pe_impl": "rtl" runs the block layers on the
Verilated tile without --pe-impl (same report as the model, the RTL cycle summary on stderr);
--pe-impl model overrides the config's choice; an unknown value is a config error (exit 2).

usage: rtl_loop_config.py HQSIM MODELS_DIR IMAGES
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def platform(tmp, pe_impl):
    """configs/platform/default.json with an hq_accel device whose params set pe_impl."""
    src = os.path.join(ROOT, "configs", "platform", "default.json")
    doc = json.load(open(src))
    for d in doc["devices"]:
        preset = d.get("params", {}).get("preset")
        if preset:  # relative to the config's folder
            d["params"]["preset"] = os.path.normpath(os.path.join(os.path.dirname(src), preset))
    doc["devices"].append({"name": "accel0", "type": "hq_accel", "base": "0x40000000",
                           "size": "0x1000", "irq": 1, "latency_ns": 10,
                           "params": {"pe_impl": pe_impl}})
    path = os.path.join(tmp, f"platform-{pe_impl}.json")
    json.dump(doc, open(path, "w"))
    return path


def run(hqsim, model, images, extra):
    cmd = [hqsim, "run", model, "--arch", "lanegroup", "--images", str(images), "--json",
           "--quiet"] + extra
    return cmd, subprocess.run(cmd, capture_output=True, text=True)


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hqsim, models, images = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "mlp-block32.hqm")
        q = subprocess.run([hqsim, "quantize", os.path.join(models, "mlp.hqm"), "--policy",
                            "lo=2,hi=8,frac=0.02,struct=nm:1:32", "--layout", "block",
                            "--calib", "300", "--quiet", "-o", model],
                           capture_output=True, text=True)
        if q.returncode != 0:
            fail("quantize: " + q.stderr)
        rtl_plat = platform(tmp, "rtl")
        reports = {}
        for name, extra, want_rtl in [("model", [], False),
                                      ("config rtl", ["--platform", rtl_plat], True),
                                      ("config rtl, --pe-impl model",
                                       ["--platform", rtl_plat, "--pe-impl", "model"], False)]:
            cmd, p = run(hqsim, model, images, extra)
            if p.returncode != 0:
                fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}")
            on_rtl = "pe-impl rtl: tile default" in p.stderr
            if on_rtl != want_rtl:
                fail(f"{name}: ran on the RTL tile: {on_rtl}, wanted {want_rtl}: {p.stderr}")
            reports[name] = json.loads(p.stdout)
            print(f"{name}: RTL tile {on_rtl}")
        for name, r in reports.items():
            for key in ["mismatches", "correct", "images", "cycles", "accuracy"]:
                if r[key] != reports["model"][key]:
                    fail(f"{name}: {key}: {r[key]}, model {reports['model'][key]}")
        cmd, p = run(hqsim, model, 2, ["--platform", platform(tmp, "verilog")])
        if p.returncode != 2 or "unknown PE implementation 'verilog' (model, rtl)" not in p.stderr:
            fail(f"{' '.join(cmd)}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
