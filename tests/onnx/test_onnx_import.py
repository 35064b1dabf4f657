#!/usr/bin/python3
"""hqsim import / export (issue 16, docs/onnx.md) on ONNX and QONNX files built here with the
onnx package: float import checked against an independent numpy forward pass, export/import
round trip, QONNX to uniform8/uniform4 layers, and every refusal naming node and operator.
(The graph operators of docs/arith.md section 7a: test_onnx_graph.py.)

usage: test_onnx_import.py HQSIM WORKDIR"""

import os
import sys

import numpy as np

from onnx_test_common import (N_IMAGES, check, failures, helper, hqsim, init, path, save,
                               test_images)


def eval_correct(model):
    rc, out = hqsim("eval", model, "--images", str(N_IMAGES), "--json")
    check(rc == 0, f"eval {model}: {out}")
    import json
    return json.loads(out)["correct"] if rc == 0 else -1


# ---- an independent NCHW forward pass of the float graphs built below -------------------
def conv(x, w, b, pad):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - k + 1, wd + 2 * pad - k + 1
    y = np.zeros((n, o, oh, ow))
    for ky in range(k):
        for kx in range(k):
            y += np.einsum("nchw,oc->nohw", xp[:, :, ky:ky + oh, kx:kx + ow], w[:, :, ky, kx])
    return y + b[None, :, None, None]


def cnn_float(rng):
    p = dict(w1=rng.normal(0, .3, (6, 1, 3, 3)), b1=rng.normal(0, .1, 6),
             g=rng.uniform(.5, 1.5, 6), be=rng.normal(0, .1, 6), mu=rng.normal(0, .1, 6),
             var=rng.uniform(.5, 1.5, 6), w2=rng.normal(0, .05, (10, 6 * 14 * 14)),
             b2=rng.normal(0, .1, 10))
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                              kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c1", "g", "be", "mu", "var"], ["bn"],
                              name="bn1"),
             helper.make_node("Relu", ["bn"], ["r1"], name="relu1"),
             helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("Flatten", ["p1"], ["f"], name="flatten", axis=1),
             helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="fc", transB=1)]
    return p, nodes


def cnn_numpy(p, x):
    y = conv(x, p["w1"], p["b1"], 1)
    s = p["g"] / np.sqrt(p["var"] + 1e-5)
    y = (y - p["mu"][None, :, None, None]) * s[None, :, None, None] + p["be"][None, :, None, None]
    y = np.maximum(y, 0)
    n, c, h, w = y.shape
    y = y.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return y.reshape(n, -1) @ p["w2"].T + p["b2"]


def test_float_and_round_trip():
    rng = np.random.default_rng(16)
    p, nodes = cnn_float(rng)
    src = save("cnn", nodes, [init(k, v) for k, v in p.items()], ["N", 1, 28, 28], ["N", 10])
    rc, out = hqsim("import", src, "-o", path("cnn.hqm"))
    check(rc == 0 and "float" in out, f"import cnn: {out}")
    x, labels = test_images()
    want = int((cnn_numpy(p, x).argmax(axis=1) == labels).sum())
    got = eval_correct(path("cnn.hqm"))
    check(abs(got - want) <= 1, f"cnn: hqsim eval {got} correct, numpy {want}")
    # round trip: export, import, the same model (hence the same predictions)
    rc, out = hqsim("export", path("cnn.hqm"), "-o", path("rt.onnx"))
    check(rc == 0, f"export: {out}")
    rc, out = hqsim("import", path("rt.onnx"), "-o", path("rt.hqm"))
    check(rc == 0, f"import of the export: {out}")
    with open(path("cnn.hqm"), "rb") as a, open(path("rt.hqm"), "rb") as b:
        check(a.read() == b.read(), "export + import does not give back the same model")
    check(eval_correct(path("rt.hqm")) == got, "round trip: different predictions")

    # an MLP written with MatMul + Add on a [N, 784] input (the dataset's flattened image)
    w1, b1, w2 = rng.normal(0, .05, (784, 32)), rng.normal(0, .1, 32), rng.normal(0, .2, (32, 10))
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["m1"], name="mm1"),
             helper.make_node("Add", ["m1", "b1"], ["a1"], name="bias1"),
             helper.make_node("Relu", ["a1"], ["r1"], name="relu1"),
             helper.make_node("MatMul", ["r1", "w2"], ["y"], name="mm2")]
    src = save("mlp", nodes, [init("w1", w1), init("b1", b1), init("w2", w2)], ["N", 784],
               ["N", 10])
    rc, out = hqsim("import", src, "-o", path("mlp.hqm"))
    check(rc == 0, f"import mlp: {out}")
    want = int(((np.maximum(x.reshape(-1, 784) @ w1 + b1, 0) @ w2).argmax(1) == labels).sum())
    got = eval_correct(path("mlp.hqm"))
    check(abs(got - want) <= 1, f"mlp: hqsim eval {got} correct, numpy {want}")


QONNX = helper.make_opsetid("qonnx.custom_op.general", 1)


def qnode(name, x, out, scale, bits, signed, narrow=1):
    return helper.make_node("Quant", [x, scale, "zero", bits], [out], name=name,
                            domain="qonnx.custom_op.general", signed=signed, narrow=narrow)


def qonnx_mlp(w1_bits=8, last_scale=None, zero=0.0):
    """784 -> 32 -> 10 with Quant nodes on both weights and on both layer inputs."""
    rng = np.random.default_rng(7)
    w1, w2 = rng.normal(0, .05, (32, 784)), rng.normal(0, .2, (10, 32))
    s1 = np.abs(w1).max(axis=1, keepdims=True) / (2 ** (w1_bits - 1) - 1)
    s2 = last_scale if last_scale is not None else np.full((1, 1), np.abs(w2).max() / 127)
    nodes = [qnode("qin", "x", "xq", "s_in", "b8", 0),
             qnode("qw1", "w1", "w1q", "s1", "bw1", 1),
             helper.make_node("Gemm", ["xq", "w1q", "b1"], ["g1"], name="fc1", transB=1),
             helper.make_node("Relu", ["g1"], ["r1"], name="relu1"),
             qnode("qa1", "r1", "r1q", "s_a1", "b8", 0),
             qnode("qw2", "w2", "w2q", "s2", "b8", 1),
             helper.make_node("Gemm", ["r1q", "w2q", "b2"], ["y"], name="fc2", transB=1)]
    inits = [init("w1", w1), init("w2", w2), init("s1", s1), init("s2", s2),
             init("b1", rng.normal(0, .1, 32)), init("b2", np.zeros(10)),
             init("s_in", 1 / 255), init("s_a1", 0.05), init("zero", zero), init("b8", 8),
             init("bw1", w1_bits)]
    return nodes, inits


def test_qonnx():
    for bits, policy in ((8, "uniform8"), (4, "uniform4;L1=uniform8")):
        src = save(f"q{bits}", *qonnx_mlp(bits), ["N", 784], ["N", 10], extra_opsets=[QONNX])
        rc, out = hqsim("import", src, "-o", path(f"q{bits}.hqm"))
        check(rc == 0 and policy in out, f"QONNX {bits}-bit: {out}")
        rc, out = hqsim("eval", path(f"q{bits}.hqm"), "--images", "50")
        check(rc == 0 and "integer path" in out and policy in out, f"QONNX eval: {out}")


def expect_error(name, src, *needles):
    out_file = path(name + ".hqm")
    rc, out = hqsim("import", src, "-o", out_file)
    check(rc == 2, f"{name}: exit status {rc}, expected 2 ({out})")
    for n in needles:
        check(n in out, f"{name}: message lacks '{n}': {out}")
    check(not os.path.exists(out_file), f"{name}: a model was written")


def test_errors():
    rng = np.random.default_rng(3)
    w = init("w", rng.normal(0, .1, (4, 1, 3, 3)))
    fc = init("fc", rng.normal(0, .1, (10, 4 * 28 * 28)))
    tail = [helper.make_node("Flatten", ["s"], ["f"], name="flatten", axis=1),
            helper.make_node("Gemm", ["f", "fc"], ["y"], name="fc", transB=1)]
    conv = helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", kernel_shape=[3, 3],
                            pads=[1, 1, 1, 1])
    # a residual add of the graph input (HQSim adds two layer outputs; the other operators of
    # docs/arith.md section 7a: tests/onnx/test_onnx_graph.py)
    nodes = [conv, helper.make_node("Add", ["c", "x"], ["s"], name="residual")] + tail
    expect_error("add", save("add", nodes, [w, fc], ["N", 1, 28, 28], ["N", 10]),
                 "node 'residual' (Add)", "graph input")
    nodes = [conv, helper.make_node("Sigmoid", ["c"], ["s"], name="act")] + tail
    expect_error("sigmoid", save("sigmoid", nodes, [w, fc], ["N", 1, 28, 28], ["N", 10]),
                 "node 'act' (Sigmoid)", "unsupported operator")
    nodes = [helper.make_node("Conv", ["x", "w"], ["s"], name="dw", kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1], group=3)] + tail
    expect_error("group", save("group", nodes, [init("w", rng.normal(0, .1, (4, 1, 3, 3))), fc],
                               ["N", 2, 28, 28], ["N", 10]), "node 'dw' (Conv)", "group=3")
    nodes = [helper.make_node("Conv", ["x", "w"], ["s"], name="dil", kernel_shape=[3, 3],
                              pads=[2, 2, 2, 2], dilations=[2, 2])] + tail
    expect_error("dilation", save("dilation", nodes, [w, fc], ["N", 1, 28, 28], ["N", 10]),
                 "node 'dil' (Conv)", "dilations")
    nodes = [conv, helper.make_node("Relu", ["c"], ["s"], name="r")] + tail
    expect_error("opset", save("opset", nodes, [w, fc], ["N", 1, 28, 28], ["N", 10], opset=10),
                 "opset 10")
    with open(path("junk.onnx"), "wb") as f:
        f.write(b"not a protobuf \xff\xff\xff")
    expect_error("junk", path("junk.onnx"), "cannot read as ONNX")
    q = dict(shape=(["N", 784], ["N", 10]), extra_opsets=[QONNX])
    expect_error("q3", save("q3", *qonnx_mlp(3), *q["shape"], extra_opsets=q["extra_opsets"]),
                 "node 'qw1' (Quant)", "3-bit weights")
    per_channel = np.linspace(0.01, 0.02, 10).reshape(10, 1)
    expect_error("qlast", save("qlast", *qonnx_mlp(8, per_channel), *q["shape"],
                               extra_opsets=q["extra_opsets"]), "classifier", "per-channel")
    expect_error("qzp", save("qzp", *qonnx_mlp(8, zero=1.0), *q["shape"],
                             extra_opsets=q["extra_opsets"]), "node 'qin' (Quant)", "zero point")


test_float_and_round_trip()
test_qonnx()
test_errors()
print(f"test_onnx_import: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
