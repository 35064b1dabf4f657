"""What the ONNX tests share: the command line (HQSIM WORKDIR), running hqsim, failure
collection, building and saving a one-input one-output ONNX graph, and the test images."""

import gzip
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

HQSIM, WORK = sys.argv[1], sys.argv[2]
os.makedirs(WORK, exist_ok=True)  # a fresh build tree has no work folder yet
DATA = os.environ.get("HQSIM_DATASET_DIR", "/usr/share/datasets/fashion-mnist")
N_IMAGES = 300
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def hqsim(*args):
    p = subprocess.run([HQSIM, *args], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def path(name):
    return os.path.join(WORK, name)


def init(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def save(name, nodes, inits, in_shape, out_shape, opset=13, extra_opsets=(), checked=False):
    """Writes WORK/name.onnx; checked runs the onnx checker first (graphs meant to be valid)."""
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", T.FLOAT, in_shape)],
                          [helper.make_tensor_value_info("y", T.FLOAT, out_shape)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset), *extra_opsets])
    if checked:
        onnx.checker.check_model(m)
    onnx.save(m, path(name + ".onnx"))
    return path(name + ".onnx")


def classifier_head(x, c, inits, classes, rng):
    """GlobalAveragePool -> Flatten -> Gemm: a network's classifier over c channels, its
    weights drawn from rng into inits."""
    inits += [init("fc_w", rng.normal(0, 1.0 / np.sqrt(c), (classes, c))),
              init("fc_b", rng.normal(0, 0.1, classes))]
    return [helper.make_node("GlobalAveragePool", [x], ["gp"], name="gap"),
            helper.make_node("Flatten", ["gp"], ["fl"], name="flatten", axis=1),
            helper.make_node("Gemm", ["fl", "fc_w", "fc_b"], ["y"], name="fc", transB=1)]


def test_images():
    with gzip.open(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16)[: N_IMAGES * 784]
    with gzip.open(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:N_IMAGES]
    return x.reshape(N_IMAGES, 1, 28, 28).astype(np.float64) / 255.0, y
