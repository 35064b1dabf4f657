#!/usr/bin/python3
"""Depthwise convs on the PE array (docs/accel.md, Depthwise convs): random small graphs built
here with the onnx package, each run through `hqsim run` twice, with the depthwise convs on the
array (the default: block-diagonal convs over channel groups of `lanes` channels) and on the
CPU fallback (--depthwise cpu); both 0 mismatches against the C reference.

  shapes N   N random graphs: an expansion conv (1 x 1, with or without ReLU, so the depthwise
             conv reads uint8 or int8 codes) -> depthwise conv (kernel 1/3/5, stride 1/2, pad
             0-2, C around the lanes: 2, 63, 64, 65, 96, 130, 200; maps up to 48 x 48, whose
             activations exceed the buffer: bands) -> projection conv (1 x 1, reads the
             depthwise conv's channel groups in K chunks) -> classifier; sometimes a second
             depthwise conv after the first (a chain), sometimes a residual add (CPU) reading
             the depthwise conv's grouped output; policies uniform8 (arrays uniform8 and
             lanegroup), a ternary heterogeneous one (block layout, lanegroup) and a binary one
             (lo 1: no zero code, so the depthwise conv stays on the CPU); batch 1 or 2
  input      a depthwise conv on the network's input (plain HWC): on the array up to 64
             channels, on the CPU beyond (the input cannot be read in groups)
  rtl        one graph through --accel-impl rtl (the Verilated accelerator) and model: both 0
             mismatches, the same rows (96 channels in two groups of 48 on a 6 x 7 map: the
             RTL's buffers take 4096 bytes of feature map)

usage: test_depthwise_array.py HQSIM WORKDIR MODE [N]"""

import json
import subprocess
import sys

import numpy as np

from onnx_test_common import (HQSIM, check, classifier_head, failures, helper, hqsim, init,
                              path, save)

n = helper.make_node
rng = np.random.default_rng(2027)
HET = "lo=2,hi=8,frac=0.02"
BINARY = "lo=1,hi=8,frac=0.02"


def conv1(name, x, y, cin, cout, inits):
    w, b = name + "_w", name + "_b"
    inits += [init(w, rng.normal(0, 1.0 / np.sqrt(cin), (cout, cin, 1, 1))),
              init(b, rng.normal(0, 0.1, cout))]
    return n("Conv", [x, w, b], [y], name=name, kernel_shape=[1, 1])


def dw(name, x, y, c, k, s, pad, inits):
    w, b = name + "_w", name + "_b"
    inits += [init(w, rng.standard_t(3, (c, 1, k, k)) / k), init(b, rng.normal(0, 0.1, c))]
    return n("Conv", [x, w, b], [y], name=name, kernel_shape=[k, k], strides=[s, s],
             pads=[pad] * 4, group=c)


def head(x, c, inits, classes):
    return classifier_head(x, c, inits, classes, rng)


def quantized(name, nodes, inits, c, h, w, classes, policy):
    src = save(name, nodes, inits, ("N", c, h, w), ("N", classes), checked=True)
    rc, out = hqsim("import", src, "-o", path(name + ".hqm"))
    check(rc == 0, f"{name} import: {out}")
    rc, out = hqsim("quantize", path(name + ".hqm"), "--policy", policy, "--synthetic-inputs",
                    "8", "--quiet", "-o", path(name + "_q.hqm"))
    check(rc == 0, f"{name} quantize: {out}")
    return path(name + "_q.hqm")


def run(model, *args):
    """hqsim run --json: (exit status, report or {}, stderr)."""
    p = subprocess.run([HQSIM, "run", model, "--json", "--quiet", *args], capture_output=True,
                       text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, {}, p.stderr + p.stdout


def both(what, model, images, on_array, extra=()):
    """Runs model with the depthwise convs on the array and on the CPU; on_array: the layers
    (ONNX order, 0-based) whose depthwise conv the array should take, the others the CPU's."""
    names_of = {}
    for where in ("array", "cpu"):
        rc, r, err = run(model, "--synthetic-inputs", str(images), "--depthwise", where, *extra)
        names = [lay["name"] for lay in r.get("layers", [])]
        names_of[where] = names
        arr = sorted({x.split("/dw[")[0] for x in names if "/dw[" in x})
        cpu = sorted({x[4:].split("/dw")[0] for x in names if x.startswith("cpu:") and "/dw" in x})
        want_arr = sorted(on_array[0]) if where == "array" else []
        want_cpu = sorted(on_array[1] + (on_array[0] if where == "cpu" else []))
        check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == images and
              arr == want_arr and cpu == want_cpu,
              f"{what} --depthwise {where}: exit {rc}, mismatches {r.get('mismatches')}, "
              f"on the array {arr} (want {want_arr}), on the CPU {cpu} (want {want_cpu}): "
              f"{r.get('error') or err[-600:]}")
        print(f"{what} --depthwise {where}: exit {rc}, mismatches {r.get('mismatches')}, "
              f"{len(names)} rows, array {arr}, CPU {cpu}, cycles {r.get('cycles')}, CPU "
              f"fallback {r.get('cpu_fallback_cycles')}")
    return names_of


def shapes(cases):
    for case in range(cases):
        k = int(rng.choice([1, 3, 5]))
        s = int(rng.integers(1, 3))
        pad = 0 if k == 1 else int(rng.integers(0, 3))
        c = int(rng.choice([2, 63, 64, 65, 96, 130, 200]))
        big = rng.integers(0, 4) == 0
        h = int(rng.integers(20, 49)) if big else int(rng.integers(max(1, k - 2 * pad), 12))
        w = int(rng.integers(20, 49)) if big else int(rng.integers(max(1, k - 2 * pad), 12))
        relu_in = bool(rng.integers(0, 2))
        relu_out = bool(rng.integers(0, 2))
        chain = rng.integers(0, 4) == 0
        add = not chain and k == 3 and pad == 1 and s == 1 and rng.integers(0, 2) == 1
        policy = [("uniform8", "uniform8"), ("het", HET), ("binary", BINARY)][case % 3][1]
        # the uniform8 array takes the dense layout only
        arch = ("uniform8", "lanegroup")[int(rng.integers(0, 2))] if case % 3 == 0 else "lanegroup"
        batch = int(rng.integers(1, 3))
        i = []
        nodes = [conv1("expand", "x", "e", 3, c, i)]
        x = "e"
        if relu_in:
            nodes.append(n("Relu", ["e"], ["er"], name="r0"))
            x = "er"
        skip = x
        nodes.append(dw("dw1", x, "d", c, k, s, pad, i))
        x = "d"
        if relu_out:
            nodes.append(n("Relu", ["d"], ["dr"], name="r1"))
            x = "dr"
        if chain:
            nodes.append(dw("dw2", x, "d2", c, 3, 1, 1, i))
            nodes.append(n("Relu", ["d2"], ["d2r"], name="r2"))
            x = "d2r"
        if add:
            nodes.append(n("Add", [x, skip], ["s"], name="add"))
            x = "s"
        nodes.append(conv1("project", x, "p", c, 24, i))
        nodes.append(n("Relu", ["p"], ["pr"], name="r3"))
        nodes += head("pr", 24, i, 5)
        model = quantized(f"dw{case}", nodes, i, 3, h, w, 5, policy)
        # the model's layers: expand, dw1, dw2 (chain), add, project, gap, fc; ReLUs fused
        layers = ["conv1"] + (["conv2"] if chain else [])
        on_array = ([], layers) if policy == BINARY else (layers, [])
        what = (f"shapes {case}: {h}x{w}x{c} dw k{k} s{s} p{pad} relu in {relu_in} out "
                f"{relu_out} chain {chain} add {add} {policy} --arch {arch} --batch {batch}")
        both(what, model, 2 * batch, on_array, ("--arch", arch, "--batch", str(batch)))


def on_input():
    for c in (3, 64, 65, 96):
        i = []
        nodes = [dw("dw0", "x", "d", c, 3, 1, 1, i), n("Relu", ["d"], ["dr"], name="r0"),
                 conv1("project", "dr", "p", c, 16, i), n("Relu", ["p"], ["pr"], name="r1")]
        nodes += head("pr", 16, i, 4)
        model = quantized(f"input{c}", nodes, i, c, 9, 7, 4, "uniform8")
        on_array = (["conv0"], []) if c <= 64 else ([], ["conv0"])
        both(f"input {c} channels", model, 2, on_array, ("--arch", "uniform8"))


def rtl():
    i = []
    c = 96
    nodes = [conv1("expand", "x", "e", 3, c, i), n("Relu", ["e"], ["er"], name="r0"),
             dw("dw1", "er", "d", c, 3, 2, 1, i), n("Relu", ["d"], ["dr"], name="r1"),
             conv1("project", "dr", "p", c, 16, i), n("Relu", ["p"], ["pr"], name="r2")]
    nodes += head("pr", 16, i, 4)
    model = quantized("rtl", nodes, i, 3, 6, 7, 4, "uniform8")
    rows = {}
    for impl in ("model", "rtl"):
        names = both(f"rtl --accel-impl {impl}", model, 2, (["conv1"], []),
                     ("--arch", "uniform8", "--accel-impl", impl))
        rows[impl] = names["array"]
    check(rows["model"] == rows["rtl"], f"rtl: rows differ: {rows}")


mode = sys.argv[3]
if mode == "shapes":
    shapes(int(sys.argv[4]))
elif mode == "input":
    on_input()
elif mode == "rtl":
    rtl()
else:
    sys.exit(__doc__)
print(f"test_depthwise_array {mode}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
