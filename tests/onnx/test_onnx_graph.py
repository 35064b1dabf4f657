#!/usr/bin/python3
"""hqsim import / export of the operators of docs/arith.md section 7a (issue 16 item 2) on ONNX
files built here with the onnx package: a residual network with padded MaxPool (3/2 pad 1, as
ResNet's stem), depthwise Conv (group = channels), Clip(0, 6), residual Add, AveragePool and
GlobalAveragePool. hqsim eval's float predictions are checked against an independent numpy
forward pass; export + import gives back the same .hqm; the quantized model runs on the
integer path; the refusals name the node and the operator.

usage: test_onnx_graph.py HQSIM WORKDIR"""

import json
import os
import sys

import numpy as np
import onnx

from onnx_test_common import (N_IMAGES, check, failures, helper, hqsim, init, path,
                               test_images)
from onnx_test_common import save as common_save


def save(name, nodes, inits, in_shape=("N", 1, 28, 28), out_shape=("N", 10)):
    return common_save(name, nodes, inits, in_shape, out_shape, checked=True)


def eval_json(model, *extra):
    rc, out = hqsim("eval", model, "--images", str(N_IMAGES), "--json", *extra)
    check(rc == 0, f"eval {model}: {out}")
    return json.loads(out) if rc == 0 else {"correct": -1}


# ---- an independent NCHW forward pass ------------------------------------------------------
def conv(x, w, b, pad, stride=1, groups=1):
    n, c, h, wd = x.shape
    o, cg, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    y = np.zeros((n, o, oh, ow))
    og = o // groups
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        for ky in range(k):
            for kx in range(k):
                patch = xs[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch,
                                                       w[g * og:(g + 1) * og, :, ky, kx])
    return y + b[None, :, None, None]


def pool(x, k, s, p, mode):
    n, c, h, w = x.shape
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=np.nan)
    y = np.zeros((n, c, oh, ow))
    for oy in range(oh):
        for ox in range(ow):
            win = xp[:, :, oy * s:oy * s + k, ox * s:ox * s + k].reshape(n, c, -1)
            y[:, :, oy, ox] = np.nanmax(win, -1) if mode == "max" else np.nanmean(win, -1)
    return y


def graph_net(rng):
    """28x28x1 -> conv 8 + BN + ReLU -> MaxPool 3/2 pad 1 (14x14) -> conv 8 + ReLU ->
    depthwise 3x3 + ReLU6 -> conv 1x1 -> Add(maxpool output) + ReLU -> AveragePool 3/1 pad 1
    (count_include_pad 0) -> GlobalAveragePool -> Flatten -> Gemm 10."""
    p = dict(w1=rng.normal(0, .4, (8, 1, 3, 3)), b1=rng.normal(0, .1, 8),
             g=rng.uniform(.5, 1.5, 8), be=rng.normal(0, .1, 8), mu=rng.normal(0, .1, 8),
             var=rng.uniform(.5, 1.5, 8), w2=rng.normal(0, .3, (8, 8, 3, 3)),
             b2=rng.normal(0, .1, 8), wd=rng.normal(0, 1.0, (8, 1, 3, 3)),
             bd=rng.normal(0, .1, 8), w3=rng.normal(0, .4, (8, 8, 1, 1)), b3=rng.normal(0, .1, 8),
             wf=rng.normal(0, 1.0, (10, 8)), bf=rng.normal(0, .1, 10),
             lo=np.float32(0), hi=np.float32(6))
    n = helper.make_node
    nodes = [n("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3],
               pads=[1] * 4),
             n("BatchNormalization", ["c1", "g", "be", "mu", "var"], ["bn"], name="bn1"),
             n("Relu", ["bn"], ["r1"], name="relu1"),
             n("MaxPool", ["r1"], ["mp"], name="maxpool", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1] * 4),
             n("Conv", ["mp", "w2", "b2"], ["c2"], name="conv2", kernel_shape=[3, 3],
               pads=[1] * 4),
             n("Relu", ["c2"], ["r2"], name="relu2"),
             n("Conv", ["r2", "wd", "bd"], ["cd"], name="dw", kernel_shape=[3, 3], pads=[1] * 4,
               group=8),
             n("Clip", ["cd", "lo", "hi"], ["r6"], name="relu6"),
             n("Conv", ["r6", "w3", "b3"], ["c3"], name="project", kernel_shape=[1, 1]),
             n("Add", ["c3", "mp"], ["s"], name="residual"),
             n("Relu", ["s"], ["rs"], name="relu3"),
             n("AveragePool", ["rs"], ["ap"], name="avgpool", kernel_shape=[3, 3],
               strides=[1, 1], pads=[1] * 4),
             n("GlobalAveragePool", ["ap"], ["gp"], name="gap"),
             n("Flatten", ["gp"], ["f"], name="flatten", axis=1),
             n("Gemm", ["f", "wf", "bf"], ["y"], name="fc", transB=1)]
    return p, nodes


def graph_numpy(p, x):
    y = conv(x, p["w1"], p["b1"], 1)
    s = p["g"] / np.sqrt(p["var"] + 1e-5)
    y = (y - p["mu"][None, :, None, None]) * s[None, :, None, None] + p["be"][None, :, None, None]
    mp = pool(np.maximum(y, 0), 3, 2, 1, "max")
    y = np.maximum(conv(mp, p["w2"], p["b2"], 1), 0)
    y = np.clip(conv(y, p["wd"], p["bd"], 1, groups=8), 0, 6)
    y = np.maximum(conv(y, p["w3"], p["b3"], 0) + mp, 0)
    y = pool(y, 3, 1, 1, "avg").mean(axis=(2, 3))
    return y @ p["wf"].T + p["bf"]


def test_graph():
    rng = np.random.default_rng(16)
    p, nodes = graph_net(rng)
    src = save("graph", nodes, [init(k, v) for k, v in p.items()])
    rc, out = hqsim("import", src, "-o", path("graph.hqm"))
    check(rc == 0 and "add" in out and "gconv3x3" in out and "gap" in out, f"import: {out}")
    x, labels = test_images()
    want = int((graph_numpy(p, x).argmax(axis=1) == labels).sum())
    got = eval_json(path("graph.hqm"))["correct"]
    check(abs(got - want) <= 1, f"graph: hqsim eval {got} correct, numpy {want}")
    rc, out = hqsim("info", path("graph.hqm"))
    for word in ("maxpool", "add", "avgpool", "gap", "relu6"):
        check(word in out, f"info lacks '{word}': {out}")
    # round trip: export, import, the same model
    rc, out = hqsim("export", path("graph.hqm"), "-o", path("graph_rt.onnx"))
    check(rc == 0, f"export: {out}")
    ops = [nd.op_type for nd in onnx.load(path("graph_rt.onnx")).graph.node]
    for op in ("Add", "AveragePool", "GlobalAveragePool", "Clip", "MaxPool"):
        check(op in ops, f"export lacks {op}: {ops}")
    rc, out = hqsim("import", path("graph_rt.onnx"), "-o", path("graph_rt.hqm"))
    check(rc == 0, f"import of the export: {out}")
    with open(path("graph.hqm"), "rb") as a, open(path("graph_rt.hqm"), "rb") as b:
        check(a.read() == b.read(), "export + import does not give back the same model")
    # quantized: the integer reference runs the graph, close to the float accuracy
    rc, out = hqsim("quantize", path("graph.hqm"), "-o", path("graph_q.hqm"), "--policy",
                    "uniform8", "--calib", "200", "--quiet")
    check(rc == 0, f"quantize: {out}")
    r = eval_json(path("graph_q.hqm"))
    check(r.get("path") == "integer" and abs(r["correct"] - got) <= N_IMAGES // 10,
          f"integer eval {r} vs float {got}")
    # a heterogeneous policy: its saliency pass reads each layer's source and the grouped
    # conv's columns (it wrote past its per-column table on a depthwise conv before)
    rc, out = hqsim("quantize", path("graph.hqm"), "-o", path("graph_h.hqm"), "--policy",
                    "lo=2,hi=8,frac=0.05,select=saliency", "--calib", "200", "--quiet")
    check(rc == 0, f"heterogeneous quantize: {out}")
    check(eval_json(path("graph_h.hqm")).get("path") == "integer", "heterogeneous eval")


def expect_error(name, nodes, inits, *needles):
    src = save(name, nodes, inits)
    out_file = path(name + ".hqm")
    rc, out = hqsim("import", src, "-o", out_file)
    check(rc == 2, f"{name}: exit status {rc}, expected 2 ({out})")
    for nd in needles:
        check(nd in out, f"{name}: message lacks '{nd}': {out}")
    check(not os.path.exists(out_file), f"{name}: a model was written")


def test_errors():
    rng = np.random.default_rng(3)
    n = helper.make_node
    w = init("w", rng.normal(0, .1, (4, 1, 3, 3)))
    fc = init("fc", rng.normal(0, .1, (10, 4 * 28 * 28)))
    conv1 = n("Conv", ["x", "w"], ["c"], name="conv1", kernel_shape=[3, 3], pads=[1] * 4)
    tail = [n("Flatten", ["s"], ["f"], name="flatten", axis=1),
            n("Gemm", ["f", "fc"], ["y"], name="fc", transB=1)]
    expect_error("clip5", [conv1, n("Clip", ["c", "lo", "hi"], ["s"], name="clip")] + tail,
                 [w, fc, init("lo", 0.0), init("hi", 5.0)], "node 'clip' (Clip)", "Clip(0.0, 5.0)")
    expect_error("addin", [conv1, n("Add", ["c", "x"], ["s"], name="residual")] + tail,
                 [w, fc], "node 'residual' (Add)")
    expect_error("group3", [n("Conv", ["x", "w3"], ["s"], name="g3", kernel_shape=[3, 3],
                              pads=[1] * 4, group=3)] + tail,
                 [init("w3", rng.normal(0, .1, (4, 1, 3, 3))), fc], "node 'g3' (Conv)", "group=3")
    expect_error("ceil", [conv1, n("MaxPool", ["c"], ["s"], name="mp", kernel_shape=[3, 3],
                                   strides=[2, 2], ceil_mode=1)] + tail, [w, fc],
                 "node 'mp' (MaxPool)", "ceil_mode")


test_graph()
test_errors()
print(f"test_onnx_graph: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
