#!/usr/bin/python3
"""The logits layer's per-descriptor cost (issue 15): `hqsim calibrate` on measurement files of
the RTL accelerator in the platform (`hqsim run --accel-impl rtl --measure` of the MLP
784-48-24-10: 1:32 block on lanegroup at batch 1, int8 dense on uniform8 at batch 2, DDR3),
fitting the dense layers' cycle terms, must keep stream.int32_row_cycles near the RTL's 4 (a
byte of an int32 result per cycle, hq_accel_ctrl.v) and every layer within 4 %. Before the
model's rows waited for their weights' first beat (stream.read_beat_bytes), the fit raised it
to 6.6-7.4 to stand in for the logits layer's missing per-descriptor cost.

usage: check_logits_fit.py HQSIM BLOCK_MODEL DENSE_MODEL BASE_TIMING WORKDIR
Exit status 0 when the checks pass, 1 otherwise."""
import json
import os
import re
import subprocess
import sys

RTL_INT32_ROW_CYCLES = 4.0
# cycles per row: the fit trades it a little against the per-descriptor terms (calib17, with
# the per-transfer terms of rtl-default.json: 4.13 and every layer within 2.67 %; calib15e
# without them 4.9 on 20-image files, 6.6 without stream.read_beat_bytes)
INT32_TOLERANCE = 0.5
LAYER_MAX_ERROR = 4.0  # percent, every layer after calibration (calib15e: 5)
PARAMS = ("descriptor.fetch_cycles,row_params.cycles_per_row,row_params.tail_cycles_per_row,"
          "stream.int32_row_cycles,stream.image_cycles")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def layer_errors(report):
    """(file, layer, after-calibration error in %) of every layer of the calibrate report."""
    errs, name = [], None
    for line in report.splitlines():
        m = re.match(r"(fit|held-out) set: (\S+) ", line)
        if m:
            name = m.group(2)
            continue
        f = line.split()
        if name and f and f[0].isdigit() and len(f) >= 10:
            errs.append((os.path.basename(name), int(f[0]), float(f[-1].rstrip("%"))))
    return errs


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    hqsim, block, dense, base, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    files = []
    for name, model, arch, batch in (("lg-b1", block, "lanegroup", 1),
                                     ("u8-b2", dense, "uniform8", 2)):
        f = os.path.join(work, name + ".csv")
        run([hqsim, "run", model, "--arch", arch, "--batch", str(batch), "--images", "10",
             "--timing", base, "--accel-impl", "rtl", "--measure", f, "--quiet"])
        files.append(f)
    out = os.path.join(work, "logits-fit.json")
    report = run([hqsim, "calibrate", *files, "--timing", base, "--params", PARAMS,
                  "--max-evals", "200", "-o", out])
    print(report)
    with open(out, encoding="utf-8") as fh:
        fitted = json.load(fh)
    int32 = fitted["stream"]["int32_row_cycles"]
    ok = True
    if abs(int32 - RTL_INT32_ROW_CYCLES) > INT32_TOLERANCE:
        print("FAIL: fitted stream.int32_row_cycles %.3g, the RTL's is %g (+-%g): the model "
              "lacks a per-descriptor cost the fit moves into the int32 rows"
              % (int32, RTL_INT32_ROW_CYCLES, INT32_TOLERANCE))
        ok = False
    errs = layer_errors(report)
    if len(errs) != 3 * len(files):
        print("FAIL: the report has %d layers, want %d" % (len(errs), 3 * len(files)))
        ok = False
    for name, layer, e in errs:
        if abs(e) > LAYER_MAX_ERROR:
            print("FAIL: %s layer %d: %+.2f %% after calibration (bound %g %%)"
                  % (name, layer, e, LAYER_MAX_ERROR))
            ok = False
    print("int32_row_cycles %.3g (RTL %g); logits after calibration: %s" %
          (int32, RTL_INT32_ROW_CYCLES,
           ", ".join("%s %+.2f %%" % (n, e) for n, l, e in errs if l == 2)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
