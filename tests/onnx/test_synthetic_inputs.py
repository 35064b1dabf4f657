#!/usr/bin/python3
"""--synthetic-inputs (issue 16 item 4): a model whose input matches no dataset (3 x 16 x 16,
built here as ONNX) is calibrated, evaluated and run on deterministic synthetic images; the run
reports no accuracy, compares every image with the reference (0 mismatches) and is repeatable.

usage: test_synthetic_inputs.py HQSIM WORKDIR"""

import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

HQSIM, WORK = sys.argv[1], sys.argv[2]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def hqsim(*args):
    p = subprocess.run([HQSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def path(name):
    return os.path.join(WORK, name)


rng = np.random.default_rng(5)
inits = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in (
    ("w1", rng.standard_t(3, (8, 3, 3, 3)) * 0.2), ("b1", rng.normal(0, .1, 8)),
    ("w2", rng.standard_t(3, (12, 8 * 8 * 8)) * 0.05), ("b2", rng.normal(0, .1, 12)))]
nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", kernel_shape=[3, 3],
                          pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2],
                          strides=[2, 2]),
         helper.make_node("Flatten", ["p"], ["f"], name="flatten", axis=1),
         helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="fc", transB=1)]
g = helper.make_graph(nodes, "synth", [helper.make_tensor_value_info("x", T.FLOAT, [1, 3, 16, 16])],
                      [helper.make_tensor_value_info("y", T.FLOAT, [1, 12])], inits)
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), path("s.onnx"))

rc, out, err = hqsim("import", path("s.onnx"), "-o", path("s.hqm"))
check(rc == 0, f"import: {out}{err}")
for policy, name in (("uniform8", "u8"), ("lo=2,hi=8,frac=0.05", "het")):
    q = path(f"s_{name}.hqm")
    rc, out, err = hqsim("quantize", path("s.hqm"), "--policy", policy, "--synthetic-inputs",
                         "16", "-o", q, "--quiet")
    check(rc == 0, f"quantize {policy} on synthetic inputs: {out}{err}")
    runs = []
    for _ in range(2):
        rc, out, err = hqsim("run", q, "--synthetic-inputs", "3", "--json")
        check(rc == 0, f"run {policy}: {err}")
        j = json.loads(out) if rc == 0 else {}
        check(j.get("mismatches") == 0 and j.get("images") == 3, f"run {policy}: {out}")
        check(j.get("accuracy", 0) is None and j.get("synthetic_inputs") is True,
              f"run {policy}: accuracy reported on synthetic inputs: {out}")
        runs.append((j.get("cycles"), j.get("dram_bytes")))
    check(runs[0] == runs[1] and runs[0][0], f"run {policy}: not repeatable: {runs}")
    rc, out, err = hqsim("eval", q, "--synthetic-inputs", "4", "--json")
    j = json.loads(out) if rc == 0 else {}
    check(rc == 0 and j.get("images") == 4 and j.get("accuracy", 0) is None,
          f"eval {policy}: {out}{err}")
rc, out, err = hqsim("quantize", path("s.hqm"), "--policy", "uniform8", "--synthetic-inputs",
                     "4", "--qat-epochs", "1", "-o", path("x.hqm"))
check(rc == 2 and "no --qat-epochs" in err and not os.path.exists(path("x.hqm")),
      f"QAT on unlabeled synthetic inputs: {rc} {err}")
print(f"test_synthetic_inputs: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
