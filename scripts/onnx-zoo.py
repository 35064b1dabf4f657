#!/usr/bin/python3
"""The workload zoo (configs/workloads/README.md): deterministic ONNX files of real network
shapes with synthetic heavy-tailed weights, generated into a directory (never committed).

usage: onnx-zoo.py OUTDIR [NAME...]     NAME: resnet18 mobilenetv2 vgg16 bert_layer (default all)

Weights: Student-t with 3 degrees of freedom (heavy tails: the outliers the heterogeneous
policies look for), scaled to He initialisation (std sqrt(2 / fan_in)); BatchNormalization
with gamma ~ U(0.5, 1.5), beta ~ N(0, 0.1), mean ~ N(0, 0.1), var ~ U(0.5, 1.5). One seed per
network, so every file is the same on every machine. Inputs: 3 x 224 x 224 images (BERT: one
768-wide token per image; the 128-token sequence is 128 images).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

SEEDS = {"resnet18": 18, "mobilenetv2": 2, "vgg16": 16, "bert_layer": 128}


class Net:
    def __init__(self, name, in_shape):
        self.rng = np.random.default_rng(SEEDS[name])
        self.name, self.nodes, self.inits, self.n = name, [], [], 0
        self.in_shape, self.cur = in_shape, "input"

    def t(self, shape, fan_in):
        w = self.rng.standard_t(3, shape) * np.sqrt(2.0 / fan_in) / np.sqrt(3.0)
        return w.astype(np.float32)

    def init(self, name, a):
        self.inits.append(numpy_helper.from_array(np.asarray(a, np.float32), name))
        return name

    def node(self, op, inputs, name, **kw):
        out = f"{name}.out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **kw))
        self.cur = out
        return out

    def conv(self, name, cin, cout, k, s=1, groups=1, bn=True, act="relu"):
        w = self.init(f"{name}.weight", self.t((cout, cin // groups, k, k), cin // groups * k * k))
        ins = [self.cur, w]
        if not bn:
            ins.append(self.init(f"{name}.bias", self.rng.normal(0, 0.05, cout)))
        self.node("Conv", ins, name, kernel_shape=[k, k], strides=[s, s], pads=[k // 2] * 4,
                  group=groups)
        if bn:
            r = self.rng
            p = [self.init(f"{name}.bn.{n}", v) for n, v in (
                ("gamma", r.uniform(0.5, 1.5, cout)), ("beta", r.normal(0, 0.1, cout)),
                ("mean", r.normal(0, 0.1, cout)), ("var", r.uniform(0.5, 1.5, cout)))]
            self.node("BatchNormalization", [self.cur, *p], f"{name}.bn")
        if act == "relu":
            self.node("Relu", [self.cur], f"{name}.relu")
        elif act == "relu6":
            lo, hi = self.init(f"{name}.min", 0.0), self.init(f"{name}.max", 6.0)
            self.node("Clip", [self.cur, lo, hi], f"{name}.relu6")
        return self.cur

    def fc(self, name, cin, cout, relu):
        w = self.init(f"{name}.weight", self.t((cout, cin), cin))
        b = self.init(f"{name}.bias", self.rng.normal(0, 0.05, cout))
        self.node("Gemm", [self.cur, w, b], name, transB=1)
        if relu:
            self.node("Relu", [self.cur], f"{name}.relu")

    def save(self, path, out_shape):
        self.node("Identity", [self.cur], "logits")
        g = helper.make_graph(self.nodes, self.name,
                              [helper.make_tensor_value_info("input", T.FLOAT, self.in_shape)],
                              [helper.make_tensor_value_info(self.cur, T.FLOAT, out_shape)],
                              self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="hqsim onnx-zoo")
        onnx.save(m, path)


def resnet18(path):
    n = Net("resnet18", [1, 3, 224, 224])
    n.conv("conv1", 3, 64, 7, 2)
    n.node("MaxPool", [n.cur], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    cin = 64
    for stage, (cout, stride) in enumerate(((64, 1), (128, 2), (256, 2), (512, 2)), 1):
        for b in range(2):
            s = stride if b == 0 else 1
            name = f"layer{stage}.{b}"
            x = n.cur
            n.conv(f"{name}.conv1", cin, cout, 3, s)
            y = n.conv(f"{name}.conv2", cout, cout, 3, 1, act=None)
            if s != 1 or cin != cout:
                n.cur = x
                x = n.conv(f"{name}.downsample", cin, cout, 1, s, act=None)
            n.node("Add", [y, x], f"{name}.add")
            n.node("Relu", [n.cur], f"{name}.relu")
            cin = cout
    n.node("GlobalAveragePool", [n.cur], "avgpool")
    n.node("Flatten", [n.cur], "flatten", axis=1)
    n.fc("fc", 512, 1000, False)
    n.save(path, [1, 1000])


def mobilenetv2(path):
    n = Net("mobilenetv2", [1, 3, 224, 224])
    n.conv("features.0", 3, 32, 3, 2, act="relu6")
    cin, idx = 32, 1
    for t, c, reps, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):
        for r in range(reps):
            stride = s if r == 0 else 1
            name, x, hid = f"features.{idx}", n.cur, cin * t
            if t != 1:
                n.conv(f"{name}.expand", cin, hid, 1, act="relu6")
            n.conv(f"{name}.dw", hid, hid, 3, stride, groups=hid, act="relu6")
            y = n.conv(f"{name}.project", hid, c, 1, act=None)
            if stride == 1 and cin == c:
                n.node("Add", [y, x], f"{name}.add")
            cin, idx = c, idx + 1
    n.conv(f"features.{idx}", cin, 1280, 1, act="relu6")
    n.node("GlobalAveragePool", [n.cur], "avgpool")
    n.node("Flatten", [n.cur], "flatten", axis=1)
    n.fc("classifier", 1280, 1000, False)
    n.save(path, [1, 1000])


def vgg16(path):
    n = Net("vgg16", [1, 3, 224, 224])
    cin, i = 3, 0
    for cfg in ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)):
        for cout in cfg:
            n.conv(f"features.{i}", cin, cout, 3, bn=False)
            cin, i = cout, i + 1
        n.node("MaxPool", [n.cur], f"pool{i}", kernel_shape=[2, 2], strides=[2, 2])
    n.node("Flatten", [n.cur], "flatten", axis=1)
    n.fc("classifier.0", 512 * 7 * 7, 4096, True)
    n.fc("classifier.3", 4096, 4096, True)
    n.fc("classifier.6", 4096, 1000, False)
    n.save(path, [1, 1000])


def bert_layer(path):
    """The six weight matrix products of one BERT-base encoder layer (hidden 768, FFN 3072)
    chained token by token: Q, K, V, attention output, FFN up, FFN down. The attention's
    activation x activation products (QK^T, softmax, x V), layer norms and GELU are not weight
    GEMMs (ReLU stands in between the products, as HQSim's quantized layers need)."""
    n = Net("bert_layer", ["N", 768])
    for name, cin, cout in (("attention.query", 768, 768), ("attention.key", 768, 768),
                            ("attention.value", 768, 768), ("attention.output", 768, 768),
                            ("intermediate", 768, 3072), ("output", 3072, 768)):
        n.fc(name, cin, cout, name != "output")
    n.save(path, ["N", 768])


NETS = {"resnet18": resnet18, "mobilenetv2": mobilenetv2, "vgg16": vgg16,
        "bert_layer": bert_layer}


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    if argv[1].startswith("-"):
        print(f"onnx-zoo.py: unknown option '{argv[1]}' (see --help)", file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name in argv[2:] or NETS:
        if name not in NETS:
            print(f"onnx-zoo.py: unknown network '{name}' ({', '.join(NETS)})", file=sys.stderr)
            return 2
        path = os.path.join(argv[1], name + ".onnx")
        NETS[name](path + ".tmp")
        os.replace(path + ".tmp", path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
