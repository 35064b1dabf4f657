#!/usr/bin/python3
"""The edges of the CPU fallback (docs/accel.md, CPU fallback), on small graphs built here with
the onnx package and run through `hqsim run`:

  corrupt FW_KIND FW_ORDER   the tiled runtime refuses a corrupt op table: FW_KIND / FW_ORDER
                             are test firmware (sw/fw/programs/bad_cpu_op.c) that give the
                             last op an unknown kind / a place out of descriptor order before
                             the runtime starts; the run exits 3 naming the op, its index and
                             the bad value, and no image counts as computed
  all_cpu                    a network whose every layer but the classifier runs on the CPU
                             (the classifier, a dense layer, always has the accelerator since
                             the signed modes; the depthwise conv with --depthwise cpu): 0
                             mismatches, one descriptor
  rtl                        a network with CPU ops (a residual add, a conv without ReLU)
                             through --accel-impl rtl (the Verilated accelerator) and
                             --accel-impl model: both 0 mismatches against the reference, the
                             same rows in the same order
  shapes N                   N random small graphs through the CPU kernels' fast paths and
                             their borders (issue 16): a depthwise conv (kernel 1/3/5, stride
                             1/2, pad 0/1/2, H and W of 1, 2, k-1, k, k+1, C of 1, 2, 3, 64,
                             with or without ReLU: unsigned or int8 codes), a max or average
                             pool (count_pad on or off), a residual add, the global average
                             pool; 0 mismatches against the reference (with C = 1 the conv
                             is an ordinary one, the accelerator's), the depthwise conv on the
                             CPU (--depthwise cpu) and on the array (the default: block-
                             diagonal convs, docs/accel.md Depthwise convs)
  sync_skip [rtl]            a network with CPU ops (residual add, conv without ReLU, global
                             average pool) run with the CPU passing idle quantum boundaries
                             and waiting at every one (tests/vp/check_sync_skip.py, issue 16):
                             the same report, stderr, trace, VCD and CSV; rtl: also through
                             --accel-impl rtl

usage: test_cpu_fallback_edges.py HQSIM WORKDIR MODE [ARGS...]"""

import json
import os
import subprocess
import sys

import numpy as np

from onnx_test_common import (HQSIM, check, classifier_head, failures, helper, hqsim, init,
                              path, save)

n = helper.make_node
rng = np.random.default_rng(1617)


def conv(name, x, y, cin, cout, k, inits, pad=0):
    w, b = name + "_w", name + "_b"
    inits += [init(w, rng.normal(0, 1.0 / np.sqrt(k * k * cin), (cout, cin, k, k))),
              init(b, rng.normal(0, 0.1, cout))]
    return n("Conv", [x, w, b], [y], name=name, kernel_shape=[k, k], pads=[pad] * 4)


def head(x, c, inits, classes):
    return classifier_head(x, c, inits, classes, rng)


def residual(name, c_in, h, w, classes):
    """conv + ReLU (accelerator) -> conv without ReLU (CPU: int8 output) -> add of the two
    (CPU) -> ReLU -> global average pool (CPU) -> classifier (accelerator)."""
    i = []
    c = 4
    nodes = [conv("c1", "x", "a", c_in, c, 3, i, pad=1), n("Relu", ["a"], ["ar"], name="r1"),
             conv("c2", "ar", "b", c, c, 3, i, pad=1),
             n("Add", ["b", "ar"], ["s"], name="add"), n("Relu", ["s"], ["sr"], name="r2")]
    return quantized(name, nodes + head("sr", c, i, classes), i, c_in, h, w, classes)


def quantized(name, nodes, inits, c, h, w, classes):
    src = save(name, nodes, inits, ("N", c, h, w), ("N", classes), checked=True)
    rc, out = hqsim("import", src, "-o", path(name + ".hqm"))
    check(rc == 0, f"{name} import: {out}")
    rc, out = hqsim("quantize", path(name + ".hqm"), "--policy", "uniform8", "--synthetic-inputs",
                    "8", "--quiet", "-o", path(name + "_q.hqm"))
    check(rc == 0, f"{name} quantize: {out}")
    return path(name + "_q.hqm")


def run(model, *args):
    """hqsim run --json: (exit status, report or {}, stderr)."""
    p = subprocess.run([HQSIM, "run", model, "--json", *args], capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, {}, p.stderr + p.stdout


def corrupt(fw_kind, fw_order):
    model = residual("corrupt", 3, 5, 5, 5)
    rc, r, _ = run(model, "--synthetic-inputs", "2", "--quiet")
    check(rc == 0 and r.get("mismatches") == 0, f"corrupt: the intact table: exit {rc}")
    ops = [lay["name"] for lay in r.get("layers", []) if lay["name"].startswith("cpu:")]
    check(len(ops) >= 2, f"corrupt: expected CPU ops, got {ops}")
    if not ops:
        return
    last = f"op {len(ops) - 1} of {len(ops)} ({ops[-1]})"
    for fw, want, uart in ((fw_kind, f"{last} has the unknown kind 2989", "unknown kind 2989"),
                           (fw_order, f"{last} runs before descriptor", "out of descriptor order")):
        rc, r, err = run(model, "--synthetic-inputs", "2", "--fw", fw)
        msg = r.get("error", "")
        check(rc == 3 and want in msg and r.get("images_completed") == 0 and
              r.get("mismatches") in (0, None) and f"CPU op {len(ops) - 1} of {len(ops)}: " in err and
              uart in err,
              f"corrupt table ({fw}): exit {rc} (want 3), error {msg!r} (want {want!r}), "
              f"completed {r.get('images_completed')}; firmware output: {err[-400:]!r}")
        print(f"corrupt ({fw.split('/')[-1]}): exit {rc}: {msg}")


def all_cpu():
    """depthwise conv (groups 2) + ReLU -> global average pool -> classifier: every layer but
    the classifier is the CPU's (no grouped conv, no average pool on the accelerator); a
    network must end with a dense layer, which the accelerator takes (docs/accel.md)."""
    i = []
    i += [init("dw_w", rng.normal(0, 1.0 / 3, (2, 1, 3, 3))), init("dw_b", rng.normal(0, 0.1, 2)),
          init("cls_w", rng.normal(0, 0.7, (4, 2))), init("cls_b", rng.normal(0, 0.1, 4))]
    nodes = [n("Conv", ["x", "dw_w", "dw_b"], ["a"], name="dw", kernel_shape=[3, 3],
               pads=[1] * 4, group=2),
             n("Relu", ["a"], ["ar"], name="relu"),
             n("GlobalAveragePool", ["ar"], ["gp"], name="gap"),
             n("Flatten", ["gp"], ["fl"], name="flatten", axis=1),
             n("Gemm", ["fl", "cls_w", "cls_b"], ["y"], name="cls", transB=1)]
    model = quantized("allcpu", nodes, i, 2, 4, 5, 4)
    for extra in (("--depthwise", "cpu"), ("--depthwise", "cpu", "--batch", "2", "--chain")):
        rc, r, err = run(model, "--synthetic-inputs", "3", "--quiet", *extra)
        names = [lay["name"] for lay in r.get("layers", [])]
        check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == 3 and
              len(names) >= 2 and all(x.startswith("cpu:") for x in names[:-1]) and
              not names[-1].startswith("cpu:") and r.get("cycles", 0) > 0 and
              r.get("cpu_fallback_cycles", 0) > 0,
              f"all_cpu {extra}: exit {rc}, mismatches {r.get('mismatches')}, layers {names}, "
              f"cycles {r.get('cycles')}: {r.get('error') or err[-400:]}")
        print(f"all_cpu {' '.join(extra)}: exit {rc}, layers {names}, mismatches "
              f"{r.get('mismatches')}, CPU fallback {r.get('cpu_fallback_cycles')} cycles")


def rtl():
    """Fashion-MNIST's shape, so the run takes dataset images as the RTL tests do."""
    model = residual("rtl", 1, 28, 28, 10)
    for extra in (("--arch", "uniform8", "--batch", "2"), ("--arch", "lanegroup", "--chain")):
        rows = {}
        for impl in ("model", "rtl"):
            rc, r, err = run(model, "--images", "3", "--quiet", "--accel-impl", impl, *extra)
            names = [lay["name"] for lay in r.get("layers", [])]
            rows[impl] = names
            check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == 3 and
                  any(x.startswith("cpu:add") for x in names) and r.get("cycles", 0) > 0 and
                  r.get("accel_impl", "").startswith(impl),
                  f"rtl {extra}: --accel-impl {impl}: exit {rc}, mismatches "
                  f"{r.get('mismatches')}, accel_impl {r.get('accel_impl')}, layers {names}: "
                  f"{r.get('error') or err[-400:]}")
            print(f"{' '.join(extra)} --accel-impl {impl}: exit {rc}, {r.get('accel_impl')}, "
                  f"mismatches {r.get('mismatches')}, layers {names}")
        check(rows["model"] == rows["rtl"], f"rtl {extra}: rows differ: {rows}")


def shapes(cases):
    for case in range(cases):
        k = int(rng.choice([1, 3, 5]))
        s = int(rng.integers(1, 3))
        pad = 0 if k == 1 else int(rng.integers(0, 3))
        sizes = [1, 2, max(k - 1, 1), k, k + 1]
        h = int(rng.choice(sizes)) if rng.integers(0, 3) else int(rng.integers(1, 16))
        w = int(rng.choice(sizes)) if rng.integers(0, 3) else int(rng.integers(1, 16))
        h, w = max(h, k - 2 * pad), max(w, k - 2 * pad)
        c = int(rng.choice([1, 2, 3, 64]))
        relu = bool(rng.integers(0, 2))
        i = []
        i += [init("dw_w", rng.normal(0, 1.0 / k, (c, 1, k, k))),
              init("dw_b", rng.normal(0, 0.1, c))]
        nodes = [n("Conv", ["x", "dw_w", "dw_b"], ["d"], name="dw", kernel_shape=[k, k],
                   strides=[s, s], pads=[pad] * 4, group=c)]
        x = "d"
        if relu:
            nodes.append(n("Relu", ["d"], ["dr"], name="relu"))
            x = "dr"
        # a 3 x 3 pool with padding 1 keeps the shape, so the add can read both
        avg = bool(rng.integers(0, 2))
        extra = {"count_include_pad": int(rng.integers(0, 2))} if avg else {}
        nodes += [n("AveragePool" if avg else "MaxPool", [x], ["p"], name="pool",
                    kernel_shape=[3, 3], strides=[1, 1], pads=[1] * 4, **extra),
                  n("Add", ["p", x], ["s"], name="add")]
        nodes += head("s", c, i, 3)
        what = (f"shapes {case}: dw k{k} s{s} p{pad} {h}x{w}x{c} relu {relu}, "
                f"{'avg' if avg else 'max'} pool {extra}")
        model = quantized(f"shape{case}", nodes, i, c, h, w, 3)
        for where, prefix in (("cpu", "cpu:conv0/dw"), ("array", "conv0/dw[")):
            rc, r, err = run(model, "--synthetic-inputs", "2", "--quiet", "--depthwise", where)
            names = [lay["name"] for lay in r.get("layers", [])]
            check(rc == 0 and r.get("mismatches") == 0 and r.get("images_completed") == 2 and
                  (c == 1 or any(x.startswith(prefix) for x in names)),
                  f"{what} --depthwise {where}: exit {rc}, mismatches {r.get('mismatches')}, "
                  f"layers {names}: {r.get('error') or err[-400:]}")
            print(f"{what} --depthwise {where}: exit {rc}, mismatches {r.get('mismatches')}, "
                  f"layers {names}")


def sync_skip(with_rtl):
    model = residual("sync", 3, 12, 12, 10)
    check_py = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vp",
                            "check_sync_skip.py")
    outs = ["--json", "--trace", "{out}/trace.json", "--vcd", "{out}/run.vcd", "--csv",
            "{out}/layers.csv"]
    runs = [("--arch", "uniform8", "--synthetic-inputs", "4", "--batch", "2"),
            ("--arch", "lanegroup", "--synthetic-inputs", "2", "--poll")]
    if with_rtl:  # no --trace: the RTL does not report unit activity
        runs = [("--accel-impl", "rtl", "--arch", "uniform8", "--synthetic-inputs", "2")]
        outs = outs[:1] + outs[3:]
    for extra in runs:
        p = subprocess.run(["/usr/bin/python3", check_py, "--", HQSIM, "run", model, *extra,
                            *outs], capture_output=True, text=True)
        check(p.returncode == 0, f"sync_skip {' '.join(extra)}: {p.stdout[-3000:]}{p.stderr}")
        print(f"sync_skip {' '.join(extra)}: {p.stdout.strip().splitlines()[-1:]}")


mode = sys.argv[3]
if mode == "corrupt":
    corrupt(sys.argv[4], sys.argv[5])
elif mode == "all_cpu":
    all_cpu()
elif mode == "rtl":
    rtl()
elif mode == "shapes":
    shapes(int(sys.argv[4]))
elif mode == "sync_skip":
    sync_skip(sys.argv[4:] == ["rtl"])
else:
    sys.exit(__doc__)
print(f"test_cpu_fallback_edges {mode}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
