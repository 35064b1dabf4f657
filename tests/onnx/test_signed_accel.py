#!/usr/bin/python3
"""The accelerator's signed modes (docs/arith.md section 7b, docs/accel.md CPU fallback): a
small ONNX graph built here with a linear conv (int8 output), convs reading int8 (the
expansion after it, and the classifier), a ReLU6 and a max-pool of an int8 tensor runs through
`hqsim run --synthetic-inputs` with 0 mismatches against the integer reference, the weighted
layers on the accelerator (no `cpu:conv`/`cpu:dense` rows) and only the max-pool of the int8
tensor on the CPU; also with a heterogeneous policy and tiled to small buffers (K chunks over
channel groups with FLAG_SIGNED_IN on every chunk). A conv + ReLU6 whose output scale is set to
6/100 (clamp code 100 < 255: CLAMP_HI) runs on the accelerator too.

usage: test_signed_accel.py HQSIM WORKDIR SET_ACT_SCALE"""

import json
import os
import subprocess
import sys

import numpy as np

from onnx_test_common import check, failures, helper, hqsim, init, path, save

n = helper.make_node
rng = np.random.default_rng(1664)
SET_SCALE = sys.argv[3]
TILING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "accel",
                      "tiling_conv_k.json")


def conv(name, x, y, cin, cout, k, inits, stride=1, pad=0):
    w, b = name + "_w", name + "_b"
    inits += [init(w, rng.normal(0, 1.0 / np.sqrt(k * k * cin), (cout, cin, k, k))),
              init(b, rng.normal(0, 0.1, cout))]
    return n("Conv", [x, w, b], [y], name=name, kernel_shape=[k, k], strides=[stride] * 2,
             pads=[pad] * 4)


def run(name, model, images, want_cpu, run_args=(), policy=None):
    q = model
    if policy:
        q = path(name.replace("/", "_") + "_q.hqm")
        rc, out = hqsim("quantize", model, "--policy", policy, "--synthetic-inputs", "8",
                        "--quiet", "-o", q)
        check(rc == 0, f"{name} quantize: {out}")
    rc, out = hqsim("run", q, "--synthetic-inputs", str(images), "--json", "--quiet", *run_args)
    try:
        r = json.loads(out[out.index("{"):])
    except ValueError:
        check(False, f"{name} run: exit {rc}: {out[-2000:]}")
        return
    names = [lay["name"] for lay in r["layers"]]
    check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == images,
          f"{name} run: exit {rc}, mismatches {r.get('mismatches')}, {r.get('error')}")
    cpu = [x for x in names if x.startswith("cpu:")]
    check(sorted(cpu) == sorted(want_cpu), f"{name}: CPU layers {cpu}, want {want_cpu}")
    accel = [x for x in names if not x.startswith("cpu:")]
    check(any(x.startswith("dense") for x in accel), f"{name}: no classifier descriptor {names}")
    print(f"{name}: {images} images, mismatches {r.get('mismatches')}, layers {names}")


def linear_graph():
    """conv + ReLU -> linear conv (int8) -> max pool (of int8: CPU) -> linear 1x1 conv reading
    int8 -> 3x3 conv stride 2 reading int8 + ReLU6 -> linear 1x1 conv -> the classifier reading
    int8."""
    i = [init("lo", 0.0), init("hi", 6.0)]
    nodes = [conv("c1", "x", "a", 3, 8, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", 8, 8, 3, i, pad=1),
             n("MaxPool", ["b"], ["bp"], name="mp", kernel_shape=[2, 2], strides=[2, 2]),
             conv("c3", "bp", "c", 8, 16, 1, i),
             conv("c4", "c", "d", 16, 8, 3, i, stride=2, pad=1),
             n("Clip", ["d", "lo", "hi"], ["d6"], name="r6"), conv("c5", "d6", "e", 8, 8, 1, i),
             n("Flatten", ["e"], ["fl"], name="flatten", axis=1)]
    i += [init("fc_w", rng.normal(0, 1.0 / np.sqrt(32), (5, 32))),
          init("fc_b", rng.normal(0, 0.1, 5))]
    nodes.append(n("Gemm", ["fl", "fc_w", "fc_b"], ["y"], name="fc", transB=1))
    src = save("linear", nodes, i, ("N", 3, 8, 8), ("N", 5), checked=True)
    rc, out = hqsim("import", src, "-o", path("linear.hqm"))
    check(rc == 0, f"linear import: {out}")
    run("linear/uniform8", path("linear.hqm"), 3, ["cpu:maxpool2"], policy="uniform8")
    run("linear/hetero", path("linear.hqm"), 2, ["cpu:maxpool2"], policy="lo=2,hi=8,frac=0.1")
    # K chunks over channel groups (lanes 32, nb_max 1): the CPU max-pool reads plain HWC and
    # writes the groups the next conv reads (regroup ops)
    q = path("linear_uniform8_q.hqm")
    rc, out = hqsim("quantize", path("linear.hqm"), "--policy", "uniform8", "--synthetic-inputs",
                    "8", "--quiet", "-o", q)
    check(rc == 0, f"linear quantize: {out}")
    rc, out = hqsim("run", q, "--synthetic-inputs", "2", "--batch", "2", "--json", "--quiet",
                    "--timing", TILING)
    try:
        r = json.loads(out[out.index("{"):])
        names = [lay["name"] for lay in r["layers"]]
        check(rc == 0 and r["mismatches"] == 0, f"linear tiled: exit {rc}: {r.get('error')}")
        check(any(" c " in x for x in names), f"linear tiled: no K chunk over channels {names}")
        check(not [x for x in names if x.startswith(("cpu:conv", "cpu:dense"))],
              f"linear tiled: weighted layers on the CPU {names}")
        print(f"linear tiled: mismatches {r['mismatches']}, layers {names}")
    except ValueError:
        check(False, f"linear tiled: exit {rc}: {out[-2000:]}")


def relu6_clamp():
    """conv + ReLU6 whose output scale is set to 6/100 after quantizing (clamp code 100, the
    descriptor's CLAMP_HI; PTQ itself clips ReLU6 at 6.0, so its clamp code is 255) -> linear
    conv -> the classifier reading int8."""
    i = [init("lo", 0.0), init("hi", 6.0)]
    nodes = [conv("c1", "x", "a", 2, 8, 3, i, pad=1), n("Clip", ["a", "lo", "hi"], ["a6"], name="r6"),
             conv("c2", "a6", "b", 8, 4, 3, i, stride=2, pad=1),
             n("Flatten", ["b"], ["fl"], name="flatten", axis=1)]
    i += [init("fc_w", rng.normal(0, 0.2, (5, 36))), init("fc_b", rng.normal(0, 0.1, 5))]
    nodes.append(n("Gemm", ["fl", "fc_w", "fc_b"], ["y"], name="fc", transB=1))
    src = save("relu6", nodes, i, ("N", 2, 6, 6), ("N", 5), checked=True)
    rc, out = hqsim("import", src, "-o", path("relu6.hqm"))
    check(rc == 0, f"relu6 import: {out}")
    rc, out = hqsim("quantize", path("relu6.hqm"), "--policy", "uniform8", "--synthetic-inputs",
                    "8", "--quiet", "-o", path("relu6_q.hqm"))
    check(rc == 0, f"relu6 quantize: {out}")
    p = subprocess.run([SET_SCALE, path("relu6_q.hqm"), "0", "0.06", path("relu6_100.hqm")],
                       capture_output=True, text=True)
    check(p.returncode == 0, f"set_act_scale: {p.stderr}")
    run("relu6", path("relu6_100.hqm"), 3, [])


def rtl_runs(model):
    """--accel-impl rtl (the Verilated accelerator, which implements the signed modes:
    docs/rtl-accel.md): the run matches the reference (exit 0, no mismatch)."""
    rc, out = hqsim("run", path(model), "--synthetic-inputs", "2", "--accel-impl", "rtl",
                    "--quiet")
    if "built without the Verilated accelerator" in out:
        print("rtl: the Verilated accelerator is not built, skipped")
        return
    check(rc == 0, f"--accel-impl rtl {model}: exit {rc}: {out[-1000:]}")
    print(f"rtl {model}: exit {rc}")


def board_image():
    """`hqsim board image` writes the image of a model with a linear conv (FLAG_SIGNED_OUT) and
    a classifier reading int8 (FLAG_SIGNED_IN): the board's RTL has the signed modes (it was
    refused before they were there); tests/board's rtl_board_signed runs such an image on the
    simulated board."""
    i = []
    nodes = [conv("c1", "x", "a", 1, 2, 3, i, pad=1),
             n("Flatten", ["a"], ["fl"], name="flatten", axis=1)]
    i += [init("fc_w", rng.normal(0, 0.05, (10, 1568))), init("fc_b", rng.normal(0, 0.1, 10))]
    nodes.append(n("Gemm", ["fl", "fc_w", "fc_b"], ["y"], name="fc", transB=1))
    src = save("board", nodes, i, ("N", 1, 28, 28), ("N", 10), checked=True)
    rc, out = hqsim("import", src, "-o", path("board.hqm"))
    check(rc == 0, f"board import: {out}")
    rc, out = hqsim("quantize", path("board.hqm"), "--policy", "uniform8", "--synthetic-inputs",
                    "8", "--quiet", "-o", path("board_q.hqm"))
    check(rc == 0, f"board quantize: {out}")
    dst = path("board.json")
    if os.path.exists(dst):
        os.remove(dst)
    rc, out = hqsim("board", "image", path("board_q.hqm"), "--images", "1", "-o", dst)
    check(rc == 0 and os.path.exists(dst),
          f"board image of a signed model: exit {rc}, wrote {os.path.exists(dst)}: {out[-600:]}")
    print(f"board: exit {rc}: {out.strip()[-200:]}")


linear_graph()
rtl_runs("linear_uniform8_q.hqm")
board_image()
relu6_clamp()
rtl_runs("relu6_100.hqm")
if failures:
    print(f"test_signed_accel: {len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("test_signed_accel: passed")
