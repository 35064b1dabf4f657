#!/usr/bin/python3
"""The CPU fallback (docs/accel.md): every operator the accelerator has no unit for runs in
the firmware on the RV32, bit-exact with the C reference. Small random graphs built here with
the onnx package, each through `hqsim run --synthetic-inputs` (which compares every image's
logits with `hqsim eval`'s integer reference: 0 mismatches), with the boundaries of issue 16:
1 x 1 spatial, 1 channel, depthwise with multiplier 1, grouped conv, add of two tensors with
different scales (signed and unsigned operands), average pooling with and without the padding
in the divisor, padded max pooling of a signed input, ReLU6. The
report must name the CPU layers with their cycles.

usage: test_cpu_fallback.py HQSIM WORKDIR"""

import json
import os
import sys

import numpy as np

from onnx_test_common import check, classifier_head, failures, helper, hqsim, init, path, save

n = helper.make_node
rng = np.random.default_rng(1616)


def conv(name, x, y, cin, cout, k, inits, stride=1, pad=0, group=1):
    w, b = name + "_w", name + "_b"
    inits += [init(w, rng.normal(0, 1.0 / np.sqrt(k * k * cin / group), (cout, cin // group, k, k))),
              init(b, rng.normal(0, 0.1, cout))]
    return n("Conv", [x, w, b], [y], name=name, kernel_shape=[k, k], strides=[stride] * 2,
             pads=[pad] * 4, group=group)


def head(x, c, inits, classes=5):
    """GlobalAveragePool -> Flatten -> Gemm (the classifier)."""
    return classifier_head(x, c, inits, classes, rng)


def run_case(name, nodes, inits, c, h, w, policy="uniform8", images=3, want_cpu=("cpu:",),
             run_args=()):
    src = save(name, nodes, inits, ("N", c, h, w), ("N", 5), checked=True)
    rc, out = hqsim("import", src, "-o", path(name + ".hqm"))
    check(rc == 0, f"{name} import: {out}")
    rc, out = hqsim("quantize", path(name + ".hqm"), "--policy", policy, "--synthetic-inputs",
                    "8", "--quiet", "-o", path(name + "_q.hqm"))
    check(rc == 0, f"{name} quantize: {out}")
    rc, out = hqsim("run", path(name + "_q.hqm"), "--synthetic-inputs", str(images), "--json",
                    "--quiet", *run_args)
    try:
        r = json.loads(out[out.index("{"):])
    except ValueError:
        check(False, f"{name} run: exit {rc}: {out[-2000:]}")
        return
    check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == images,
          f"{name} run: exit {rc}, mismatches {r.get('mismatches')}, {r.get('error')}")
    names = [lay["name"] for lay in r["layers"]]
    for want in want_cpu:
        rows = [lay for lay in r["layers"] if lay["name"].startswith(want)]
        check(rows and all(lay.get("cpu_cycles", 0) > 0 for lay in rows),
              f"{name}: no CPU layer '{want}' with cycles in {names}")
    check(r.get("cpu_fallback_cycles", 0) > 0 and
          r["cpu_fallback_cycles"] <= r.get("runtime_cpu_cycles", 0),
          f"{name}: CPU fallback cycles {r.get('cpu_fallback_cycles')} of "
          f"{r.get('runtime_cpu_cycles')}")
    print(f"{name}: {images} images, 0 mismatches expected, got {r.get('mismatches')}; "
          f"CPU fallback {r.get('cpu_fallback_cycles')} of {r.get('runtime_cpu_cycles')} "
          f"runtime cycles; layers {names}")


def residual():
    """conv+ReLU -> conv (int8 out) -> Add(conv1) -> conv(int8) -> Add(add, no ReLU: signed
    + signed) + ReLU -> padded max pool -> head: adds of operands with different scales."""
    i = []
    c = int(rng.integers(2, 6))
    nodes = [conv("c1", "x", "a", 3, c, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", c, c, 3, i, pad=1),
             n("Add", ["b", "ar"], ["s1"], name="add1"),
             conv("c3", "s1", "d", c, c, 1, i),
             n("Add", ["d", "s1"], ["s2"], name="add2"), n("Relu", ["s2"], ["s2r"], name="r2"),
             n("MaxPool", ["s2r"], ["mp"], name="mp", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1] * 4)]
    run_case("residual", nodes + head("mp", c, i), i, 3, 7, 6,
             want_cpu=("cpu:add", "cpu:maxpool"))  # the int8 convs run on the accelerator


def depthwise():
    """In batches of 2 with chained commands: 1-channel input -> conv + ReLU6 -> depthwise (multiplier 1) + ReLU6 -> grouped conv
    (2 groups) + ReLU -> average pool 3/2 pad 1 (padding not counted) -> average pool 2/1 pad 1
    (counted) -> head."""
    i = [init("lo", 0.0), init("hi", 6.0)]
    c = 2 * int(rng.integers(1, 4))
    nodes = [conv("c1", "x", "a", 1, c, 3, i, pad=1), n("Clip", ["a", "lo", "hi"], ["a6"], name="r6a"),
             conv("dw", "a6", "b", c, c, 3, i, stride=2, pad=1, group=c),
             n("Clip", ["b", "lo", "hi"], ["b6"], name="r6b"),
             conv("gc", "b6", "g", c, c, 3, i, pad=1, group=2), n("Relu", ["g"], ["gr"], name="r"),
             n("AveragePool", ["gr"], ["p1"], name="ap1", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1] * 4),
             n("AveragePool", ["p1"], ["p2"], name="ap2", kernel_shape=[2, 2], strides=[1, 1],
               pads=[1] * 4, count_include_pad=1)]
    run_case("depthwise", nodes + head("p2", c, i), i, 1, int(rng.integers(5, 10)),
             int(rng.integers(5, 10)), want_cpu=("cpu:conv", "cpu:avgpool", "cpu:gap"),
             run_args=("--batch", "2", "--chain"))  # 3 images: a full and a partial batch


def spatial_1x1():
    """1 x 1 spatial input: a 1x1 conv without ReLU (signed, on the accelerator), global
    average pool of the signed tensor on the CPU, the classifier reading its int8 output."""
    i = []
    c = int(rng.integers(3, 9))
    nodes = [conv("c1", "x", "a", c, c, 1, i), n("Relu", ["a"], ["ar"], name="r"),
             conv("c2", "ar", "b", c, c, 1, i)]
    run_case("spatial1x1", nodes + head("b", c, i), i, c, 1, 1,
             want_cpu=("cpu:gap",))


def heterogeneous():
    """The residual graph with a heterogeneous policy (the CPU reads the effective codes)."""
    i = []
    nodes = [conv("c1", "x", "a", 2, 8, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", 8, 8, 3, i, pad=1),
             n("Add", ["b", "ar"], ["s"], name="add"), n("Relu", ["s"], ["sr"], name="r2")]
    run_case("hetero", nodes + head("sr", 8, i), i, 2, 6, 6, policy="lo=2,hi=8,frac=0.1",
             images=2, want_cpu=("cpu:add",))


def grouped():
    """Accelerator convs split into K chunks over channel groups (lanes 32, nb_max 1:
    K <= 32, tests/accel/tiling_conv_k.json) around CPU adds: the CPU reads the grouped
    activations (regroup to plain HWC) and writes the groups an accelerator conv reads."""
    i = []
    c = 8
    nodes = [conv("c1", "x", "a", 3, c, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", c, c, 3, i, pad=1), n("Relu", ["b"], ["br"], name="r2"),
             n("Add", ["br", "ar"], ["s"], name="add"), n("Relu", ["s"], ["sr"], name="r3"),
             conv("c3", "sr", "d", c, c, 3, i, pad=1), n("Relu", ["d"], ["dr"], name="r4")]
    timing = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "accel",
                          "tiling_conv_k.json")
    run_case("grouped", nodes + head("dr", c, i), i, 3, 5, 4, images=2,
             want_cpu=("cpu:add", "cpu:regroup"), run_args=("--timing", timing))


def board_refuses():
    """`hqsim board image` writes only the accelerator's descriptors (the board has no CPU):
    a model that needs the CPU fallback is refused by name, never written without its CPU
    layers (which would give the board wrong logits)."""
    i = []
    c = 2
    nodes = [conv("c1", "x", "a", 1, c, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", c, c, 3, i, pad=1),
             n("Add", ["b", "ar"], ["s"], name="add1"), n("Relu", ["s"], ["sr"], name="r2")]
    src = save("board", nodes + head("sr", c, i, classes=10), i, ("N", 1, 28, 28), ("N", 10),
               checked=True)
    rc, out = hqsim("import", src, "-o", path("board.hqm"))
    check(rc == 0, f"board import: {out}")
    rc, out = hqsim("quantize", path("board.hqm"), "--policy", "uniform8", "--synthetic-inputs",
                    "8", "--quiet", "-o", path("board_q.hqm"))
    check(rc == 0, f"board quantize: {out}")
    dst = path("board.json")
    if os.path.exists(dst):
        os.remove(dst)
    rc, out = hqsim("board", "image", path("board_q.hqm"), "--images", "1", "-o", dst)
    check(rc == 2 and "CPU fallback" in out and "(first: cpu:" in out and not os.path.exists(dst),
          f"board image of a model with CPU layers: exit {rc}, wrote {os.path.exists(dst)}: "
          f"{out[-600:]}")
    print(f"board_refuses: exit {rc}: {out.strip()[-200:]}")


residual()
depthwise()
grouped()
spatial_1x1()
heterogeneous()
board_refuses()
print(f"test_cpu_fallback: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
