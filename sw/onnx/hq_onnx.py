#!/usr/bin/python3
"""ONNX/QONNX <-> .hqm, run by `hqsim import` and `hqsim export` (docs/onnx.md).

  hq_onnx.py import IN.onnx OUT.hqm QUANT.json   float .hqm + the QONNX quantization (or {})
  hq_onnx.py export IN.hqm OUT.onnx

Parsing uses the onnx package (Debian python3-onnx). The C side (sw/cli/cmd_import.c) loads
and validates what this writes, quantizes the layers QONNX described, and saves the model.
Errors go to stderr as one line naming the node and the operator; exit status 2.
"""

import json
import os
import sys

import numpy as np

import hqm

QONNX_DOMAINS = ("qonnx.custom_op.general", "finn.custom_op.general", "onnx.brevitas")


class ImportError_(Exception):
    pass


def fail(node, msg):
    where = f"node '{node.name or '(unnamed)'}' ({node.op_type})" if node is not None else "model"
    raise ImportError_(f"{where}: {msg}")


def attrs(node, allowed):
    """The node's attributes as a dict; an attribute outside `allowed` is an error."""
    import onnx.helper

    out = {}
    for a in node.attribute:
        if a.name not in allowed:
            fail(node, f"unsupported attribute '{a.name}'")
        out[a.name] = onnx.helper.get_attribute_value(a)
    return out


class Importer:
    def __init__(self, model):
        from onnx import numpy_helper

        self.g = model.graph
        self.consts = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in self.g.initializer}
        self.layers = []
        self.qlayers = {}  # layer index -> {"bits", "w_scale"}
        self.act_scale = None  # scale of the current tensor (QONNX activation Quant), or None
        self.in_scale = {}  # layer index -> scale of its input
        self.out_scale = {}  # layer index -> scale of its output
        self.input_scale = None
        self.relu_pending_ok = False
        self.wquant = {}  # tensor name -> (bits, per-element scale array) of a quantized weight
        self.layer_out = None  # the tensor holding the last layer's output (after fusions)

    def const(self, node, name, what):
        if name not in self.consts:
            fail(node, f"{what} '{name}' must be a constant (initializer)")
        return self.consts[name]

    def run(self):
        ins = [i for i in self.g.input if i.name not in self.consts]
        if len(ins) != 1:
            fail(None, f"{len(ins)} graph inputs; exactly one (the image) is supported")
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in ins[0].type.tensor_type.shape.dim]
        if len(dims) == 4 and all(d > 0 for d in dims[1:]):
            self.shape, self.flat = (dims[1], dims[2], dims[3]), False
        elif len(dims) == 2 and dims[1] > 0:
            self.shape, self.flat = (dims[1], 1, 1), True
        else:
            fail(None, f"input '{ins[0].name}' has shape {dims}; expected [N, C, H, W] or [N, K]")
        # a flat input is stored as a 1 x 1 x K image (the integer reference reads images of
        # one channel; a dense layer chains by element count)
        self.input_shape = (1, 1, self.shape[0]) if self.flat else self.shape
        self.cur = ins[0].name
        self.chw = self.shape  # ONNX's (C, H, W) of the current tensor before flattening
        # every data tensor: the layer that produced it (-1: the graph input), its HQSim shape,
        # whether it is flattened and its ONNX (C, H, W) before flattening
        self.tensors = {self.cur: {"layer": -1, "shape": self.shape, "flat": self.flat,
                                   "chw": self.chw}}
        self.consumers = {}
        for node in self.g.node:
            for name in node.input:
                self.consumers[name] = self.consumers.get(name, 0) + 1
        for node in self.g.node:
            self.node(node)
        outs = [o.name for o in self.g.output]
        last = len(self.layers) - 1
        if len(outs) != 1 or self.tensors.get(outs[0], {}).get("layer") != last:
            fail(None, f"graph output {outs} is not the last layer's output")
        if not self.layers or self.layers[-1].w is None:
            fail(None, "the last layer must be a dense or conv layer (the logits)")
        self.layers[-1].relu = 0
        return self.layers

    def data_input(self, node):
        """Makes the node's data input the current tensor (its shape, flattening, producer)."""
        name = node.input[0] if node.input else ""
        if name not in self.tensors:
            fail(node, f"input '{name}' is not the output of an imported layer or the graph input")
        t = self.tensors[name]
        self.cur, self.shape, self.flat, self.chw = name, t["shape"], t["flat"], t["chw"]
        return t

    def fused_into_last(self, node):
        """The layer a Relu/Clip/BatchNormalization/bias Add modifies in place: the last layer,
        whose output must be this node's input and read by nothing else."""
        t = self.tensors.get(node.input[0]) if node.input else None
        if (not self.layers or t is None or t["layer"] != len(self.layers) - 1
                or node.input[0] != self.layer_out or self.consumers.get(node.input[0], 0) != 1):
            return None
        return self.layers[-1]

    def node(self, node):
        op = node.op_type
        if op == "Constant":
            from onnx import numpy_helper

            a = attrs(node, ("value",))
            self.consts[node.output[0]] = numpy_helper.to_array(a["value"]).astype(np.float64)
            return
        if op == "Quant" and (node.domain in QONNX_DOMAINS or node.domain.startswith("qonnx")):
            return self.quant(node)
        if node.domain not in ("", "ai.onnx"):
            fail(node, f"unsupported operator domain '{node.domain}'")
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            fail(node, "unsupported operator")
        t = self.data_input(node)
        n_layers = len(self.layers)
        handler(node)
        if len(self.layers) > n_layers:  # a new layer: its output tensor
            self.layer_out = node.output[0]
            dense = self.layers[-1].kind == hqm.DENSE
            self.tensors[node.output[0]] = {"layer": len(self.layers) - 1, "shape": self.shape,
                                            "flat": dense, "chw": self.chw if dense else self.shape}
        else:  # fused into the last layer (its output is now this one), or a no-op alias
            if op not in ("Flatten", "Reshape", "Identity", "Dropout"):
                self.layer_out = node.output[0]
            self.tensors[node.output[0]] = {"layer": t["layer"], "shape": t["shape"],
                                            "flat": self.flat, "chw": self.chw}
        self.cur = node.output[0]

    # ---- QONNX -----------------------------------------------------------------------
    def quant(self, node):
        a = attrs(node, ("signed", "narrow", "rounding_mode"))
        if a.get("rounding_mode", b"ROUND") not in (b"ROUND", "ROUND"):
            fail(node, f"rounding_mode {a['rounding_mode']} not supported (ROUND only)")
        scale = self.const(node, node.input[1], "scale")
        zp = self.const(node, node.input[2], "zero point")
        bits = self.const(node, node.input[3], "bit width")
        if np.any(zp != 0):
            fail(node, "nonzero zero point: HQSim's grids are symmetric (weights) or start at 0 "
                 "(activations)")
        if bits.size != 1 or bits.item() != int(bits.item()):
            fail(node, f"bit width {bits.ravel().tolist()} must be one integer")
        bits = int(bits.item())
        if np.any(~np.isfinite(scale)) or np.any(scale <= 0):
            fail(node, "scales must be finite and positive")
        x = node.input[0]
        if x in self.consts:  # a weight (or bias) quantizer
            if not a.get("signed", 1):
                fail(node, "unsigned weight quantization does not fit HQSim's symmetric grids")
            if bits not in (4, 8):
                fail(node, f"{bits}-bit weights do not fit HQSim's uniform layers (8 or 4 bits: "
                     "uniform8, uniform4)")
            w = self.consts[x]
            s = np.broadcast_to(scale, w.shape)
            q = np.clip(np.round(w / s), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
            if not a.get("narrow", 0) and np.any(q == -(2 ** (bits - 1))):
                fail(node, f"a weight quantizes to {-(2 ** (bits - 1))} (narrow=0), outside "
                     f"HQSim's symmetric {bits}-bit grid [-{2 ** (bits - 1) - 1}, "
                     f"{2 ** (bits - 1) - 1}]")
            self.consts[node.output[0]] = q * s
            self.wquant[node.output[0]] = (bits, np.array(s))
            return
        self.data_input(node)
        if a.get("signed", 1) or bits != 8 or scale.size != 1:
            fail(node, "an activation quantizer must be unsigned, 8-bit, with one scale "
                 "(HQSim's uint8 activations)")
        s = float(scale.item())
        if not self.layers:
            if self.input_scale is not None:
                fail(node, "the input is quantized twice")
            self.input_scale = s
        else:  # the output scale of the last weighted layer and the pools after it
            i = len(self.layers) - 1
            while i >= 0:
                if i in self.out_scale:
                    fail(node, "the layer output is quantized twice")
                self.out_scale[i] = s
                if self.layers[i].kind != hqm.MAXPOOL:
                    break
                self.in_scale[i] = s
                i -= 1
        self.act_scale = s
        t = self.tensors[node.input[0]]
        self.tensors[node.output[0]] = dict(t)
        if node.input[0] == getattr(self, "layer_out", None):
            self.layer_out = node.output[0]
        self.cur = node.output[0]

    def weight_quant(self, node, name, rows, per_row_axis):
        """(bits, per-row scales) of a quantized weight tensor, or None for a float one."""
        if name not in self.wquant:
            return None
        bits, s = self.wquant[name]
        s = np.moveaxis(s, per_row_axis, 0).reshape(rows, -1)
        if np.any(s != s[:, :1]):
            fail(node, "weight scales vary within an output channel (per-channel or per-tensor "
                 "scales only)")
        return bits, s[:, 0]

    # ---- layers --------------------------------------------------------------------------
    def add(self, node, layer, wq=None):
        i = len(self.layers)
        src = self.tensors[self.cur]["layer"]
        if src < 0 and i > 0:
            fail(node, "reads the graph input after other layers (HQSim layers read the input "
                 "only as the first layer)")
        if src >= 0 and src != i - 1:
            layer.src = src + 1  # docs/format.md LEXT: reads layer src, not the previous one
        self.layers.append(layer)
        if wq is not None:
            self.qlayers[i] = {"bits": wq[0], "w_scale": [float(v) for v in wq[1]]}
        if self.act_scale is not None:
            self.in_scale[i] = self.act_scale
        elif wq is not None:
            fail(node, "a quantized weight with an unquantized input (QONNX needs a Quant node "
                 "on every layer input)")
        self.shape = layer.out_shape
        self.layer_node = node

    def op_Conv(self, node):
        a = attrs(node, ("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"))
        if self.flat:
            fail(node, "convolution after flattening")
        w = self.const(node, node.input[1], "weight")
        o, ci, kh, kw = w.shape
        k = kh
        if kh != kw:
            fail(node, f"kernel {kh}x{kw}: only square kernels are supported")
        g = a.get("group", 1)
        if any(d != 1 for d in a.get("dilations", [1, 1])):
            fail(node, f"attribute dilations={a['dilations']} is not supported")
        if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            fail(node, f"attribute auto_pad={a['auto_pad']} is not supported (explicit pads)")
        st = a.get("strides", [1, 1])
        pads = a.get("pads", [0, 0, 0, 0])
        if len(set(st)) != 1 or len(set(pads)) != 1:
            fail(node, f"strides {st} / pads {pads} must be the same on every side")
        s, p = st[0], pads[0]
        c, h, wd = self.shape
        if g < 1 or c % g or o % g or ci * g != c:
            fail(node, f"group={g} with {c} input channels and a weight of {ci} input channels "
                 f"and {o} outputs")
        if not 1 <= k <= 15 or not 1 <= s <= 15 or p >= k:
            fail(node, f"kernel {k}, stride {s}, pad {p}: HQSim takes kernels and strides "
                 "1..15 and pad < kernel")
        b = self.const(node, node.input[2], "bias") if len(node.input) > 2 else np.zeros(o)
        oh, ow = (h + 2 * p - k) // s + 1, (wd + 2 * p - k) // s + 1
        # HQSim's K index is (ky * k + kx) * C + c (im2col over HWC)
        wm = w.transpose(0, 2, 3, 1).reshape(o, -1)
        wq = self.weight_quant(node, node.input[1], o, 0)
        layer = hqm.Layer(hqm.CONV, (c, h, wd), (o, oh, ow), k, s, p, 0, wm, b)
        layer.groups = g
        self.add(node, layer, wq)

    def dense(self, node, w_rows_cols, b, wq):
        if not self.flat:
            fail(node, "a dense layer on an unflattened tensor (add Flatten first)")
        rows, cols = w_rows_cols.shape
        c, h, wd = self.chw
        if cols != c * h * wd:
            fail(node, f"weight has {cols} inputs, the input has {c * h * wd}")
        # ONNX flattens NCHW (index c*H*W + y*W + x); HQSim reads HWC ((y*W + x)*C + c)
        w = w_rows_cols.reshape(rows, c, h, wd).transpose(0, 2, 3, 1).reshape(rows, cols)
        self.add(node, hqm.Layer(hqm.DENSE, (cols, 1, 1), (rows, 1, 1), 0, 0, 0, 0, w, b), wq)
        self.chw = (rows, 1, 1)

    def op_Gemm(self, node):
        a = attrs(node, ("alpha", "beta", "transA", "transB"))
        if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
            fail(node, "only Gemm with transA=0, alpha=1, beta=1 is supported")
        w = self.const(node, node.input[1], "weight")
        tb = a.get("transB", 0)
        wm = w if tb else w.T
        rows = wm.shape[0]
        b = self.const(node, node.input[2], "bias") if len(node.input) > 2 else np.zeros(rows)
        if b.size != rows:
            fail(node, f"bias of {b.size} values for {rows} outputs")
        self.dense(node, wm, b.reshape(rows), self.weight_quant(node, node.input[1], rows,
                                                                0 if tb else 1))

    def op_MatMul(self, node):
        w = self.const(node, node.input[1], "weight")
        if w.ndim != 2:
            fail(node, "MatMul with a weight of rank other than 2")
        self.dense(node, w.T, np.zeros(w.shape[1]), self.weight_quant(node, node.input[1],
                                                                      w.shape[1], 1))

    def op_Add(self, node):
        last = self.layers[-1] if self.layers else None
        other = node.input[1]
        if other not in self.consts:
            return self.residual_add(node)
        if last is None or last.kind != hqm.DENSE or self.fused_into_last(node) is None:
            fail(node, "a constant added to something other than a MatMul's output (only a "
                 "bias right after MatMul, or a residual add of two layer outputs)")
        b = self.consts[other].reshape(-1)
        if b.size != last.rows:
            fail(node, f"bias of {b.size} values for {last.rows} outputs")
        last.b = (last.b + b).astype("<f4")

    def residual_add(self, node):
        attrs(node, ())
        ta, tb = self.tensors[node.input[0]], self.tensors.get(node.input[1])
        if tb is None:
            fail(node, f"input '{node.input[1]}' is not the output of an imported layer")
        if ta["layer"] < 0 or tb["layer"] < 0:
            fail(node, "a residual add of the graph input (HQSim adds two layer outputs)")
        if ta["shape"] != tb["shape"] or ta["flat"] != tb["flat"]:
            fail(node, f"operands of shapes {ta['shape']} and {tb['shape']} (no broadcasting)")
        if ta["layer"] == tb["layer"]:
            fail(node, "both operands are the same tensor")
        layer = hqm.Layer(hqm.ADD, self.shape, self.shape)
        layer.src2 = tb["layer"] + 1
        self.add(node, layer)

    def op_BatchNormalization(self, node):
        a = attrs(node, ("epsilon", "momentum", "training_mode", "spatial"))
        last = self.fused_into_last(node)
        if last is None or last.w is None:
            fail(node, "BatchNormalization must follow a Conv or Gemm directly (it is folded "
                 "into it)")
        if len(self.layers) - 1 in self.qlayers:
            fail(node, "BatchNormalization after a quantized weight cannot be folded")
        gamma, beta, mean, var = (self.const(node, n, "parameter") for n in node.input[1:5])
        s = gamma / np.sqrt(var + a.get("epsilon", 1e-5))
        last.w = (last.w * s[:, None]).astype("<f4")
        last.b = ((last.b - mean) * s + beta).astype("<f4")

    def activation(self, node, relu, name):
        last = self.fused_into_last(node)
        if last is None or last.kind not in (hqm.DENSE, hqm.CONV, hqm.ADD) or last.relu:
            fail(node, f"{name} must follow a Conv, Gemm, MatMul or residual Add directly (it "
                 "becomes that layer's activation)")
        last.relu = relu

    def op_Relu(self, node):
        attrs(node, ())
        self.activation(node, 1, "Relu")

    def op_Clip(self, node):
        a = attrs(node, ("min", "max"))
        lo = a.get("min", -np.inf)
        hi = a.get("max", np.inf)
        if len(node.input) > 1 and node.input[1]:
            lo = self.const(node, node.input[1], "min").item()
        if len(node.input) > 2 and node.input[2]:
            hi = self.const(node, node.input[2], "max").item()
        if lo == 0 and hi == 6:
            self.activation(node, 2, "Clip(0, 6)")
        elif lo == 0 and hi == np.inf:
            self.activation(node, 1, "Clip(0, inf)")
        else:
            fail(node, f"Clip({lo}, {hi}): only Clip(0, 6) (ReLU6) and Clip(0, inf) (ReLU)")

    def pool(self, node, kind, extra=()):
        a = attrs(node, ("kernel_shape", "strides", "pads", "ceil_mode", "auto_pad", "dilations",
                         "storage_order") + extra)
        if "kernel_shape" not in a:
            fail(node, "attribute kernel_shape is missing")
        ks = a["kernel_shape"]
        st = a.get("strides", [1, 1])
        pads = a.get("pads", [0, 0, 0, 0])
        if (len(set(ks)) != 1 or len(set(st)) != 1 or len(set(pads)) != 1 or
                a.get("ceil_mode", 0) or any(d != 1 for d in a.get("dilations", [1])) or
                a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET")):
            fail(node, f"{node.op_type} kernel {ks} strides {st} pads {pads}: only square windows, "
                 "the same stride and padding on every side, ceil_mode=0 are supported")
        if self.flat:
            fail(node, f"{node.op_type} after flattening")
        k, s, p = ks[0], st[0], pads[0]
        c, h, w = self.shape
        if not 1 <= k <= 15 or not 1 <= s <= 15 or p >= k or h + 2 * p < k or w + 2 * p < k:
            fail(node, f"window {k}, stride {s}, pad {p}: HQSim takes windows and strides 1..15, "
                 "pad < window, a window inside the padded input")
        layer = hqm.Layer(kind, (c, h, w), (c, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1),
                          k, s, p)
        layer.count_pad = int(a.get("count_include_pad", 0))
        self.add(node, layer)

    def op_MaxPool(self, node):
        self.pool(node, hqm.MAXPOOL)

    def op_AveragePool(self, node):
        self.pool(node, hqm.AVGPOOL, ("count_include_pad",))

    def op_GlobalAveragePool(self, node):
        attrs(node, ())
        if self.flat:
            fail(node, "GlobalAveragePool after flattening")
        c, h, w = self.shape
        self.add(node, hqm.Layer(hqm.GAP, (c, h, w), (c, 1, 1)))

    def op_Flatten(self, node):
        a = attrs(node, ("axis",))
        if a.get("axis", 1) != 1:
            fail(node, f"attribute axis={a['axis']} (only axis=1 is supported)")
        if not self.flat:
            self.chw, self.flat = self.shape, True

    def op_Reshape(self, node):
        attrs(node, ("allowzero",))
        shape = self.const(node, node.input[1], "shape").astype(np.int64).tolist()
        n = int(np.prod(self.shape))
        if len(shape) != 2 or shape[1] not in (-1, n):
            fail(node, f"reshape to {shape}: only flattening to [N, {n}] is supported")
        if not self.flat:
            self.chw, self.flat = self.shape, True

    def op_Identity(self, node):
        attrs(node, ())

    def op_Dropout(self, node):
        attrs(node, ("seed",))


def finish_quant(imp):
    """The QONNX description for cmd_import.c, or {} for a float model."""
    if not imp.qlayers:
        return {}
    for i, l in enumerate(imp.layers):
        if l.has_ext() or l.kind > hqm.MAXPOOL or l.relu == 2:
            fail(None, f"layer {i}: QONNX import takes chains of dense, conv and maxpool layers "
                 "(a graph, grouped conv, add, average pool or ReLU6 is imported from float ONNX "
                 "and quantized with hqsim quantize)")
    layers = []
    for i, l in enumerate(imp.layers):
        last = i == len(imp.layers) - 1
        if l.w is not None and i not in imp.qlayers:
            fail(None, f"layer {i}: a float layer in a quantized model (QONNX needs a Quant node "
                 "on every weight)")
        ins = imp.in_scale.get(i, imp.input_scale if i == 0 else None)
        outs = 0.0 if last else imp.out_scale.get(i)
        if l.w is None and outs is None:
            outs = ins  # a maxpool keeps its input's scale
        if ins is None or outs is None:
            fail(None, f"layer {i}: its {'input' if ins is None else 'output'} has no activation "
                 "Quant node (QONNX needs one between layers)")
        e = {"index": i, "in_act_scale": ins, "out_act_scale": outs}
        if i in imp.qlayers:
            e.update(imp.qlayers[i])
            if last and len(set(e["w_scale"])) != 1:
                fail(None, f"layer {i} (the classifier) has per-channel weight scales: its int32 "
                     "logits are compared directly, so HQSim needs one scale there "
                     "(docs/arith.md)")
        layers.append(e)
    return {"layers": layers}


def do_import(src, dst, quant_json):
    import onnx

    try:
        model = onnx.load(src)
    except Exception as e:  # the onnx package raises protobuf's DecodeError and OSError
        raise ImportError_(f"cannot read as ONNX ({type(e).__name__}: {e})")
    opset = max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] or [0])
    if opset < 11:
        raise ImportError_(f"opset {opset}: ONNX opset 11 or newer is required")
    imp = Importer(model)
    layers = imp.run()
    q = finish_quant(imp)
    out = layers[-1].out_shape
    n_classes = out[0] * out[1] * out[2]
    net = "mlp" if all(l.kind == hqm.DENSE for l in layers) else "cnn"
    hqm.write(hqm.Model(net, imp.input_shape, layers, n_classes), dst)
    with open(quant_json, "w") as f:
        json.dump(q, f)


def do_export(src, dst):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = hqm.read(src)
    nodes, inits = [], []
    c, h, w = m.input_shape
    names, flat = {-1: "input"}, {"input": False}  # layer -> output tensor; tensor -> flattened
    for i, l in enumerate(m.layers):
        out = f"l{i}"
        srci = l.src - 1 if l.src else i - 1
        cur = names[srci]
        src_chw = m.layers[srci].out_shape if srci >= 0 else m.input_shape
        if l.kind == hqm.CONV:
            oc, g = l.w.shape[0], l.groups
            wt = l.w.reshape(oc, l.k, l.k, l.in_shape[0] // g).transpose(0, 3, 1, 2)
            inits += [numpy_helper.from_array(np.ascontiguousarray(wt), f"l{i}.weight"),
                      numpy_helper.from_array(np.array(l.b), f"l{i}.bias")]
            nodes.append(helper.make_node("Conv", [cur, f"l{i}.weight", f"l{i}.bias"], [out],
                                          name=f"conv{i}", kernel_shape=[l.k, l.k],
                                          strides=[l.stride] * 2, pads=[l.pad] * 4, group=g))
        elif l.kind in (hqm.MAXPOOL, hqm.AVGPOOL):
            kw = {"count_include_pad": l.count_pad} if l.kind == hqm.AVGPOOL else {}
            nodes.append(helper.make_node("MaxPool" if l.kind == hqm.MAXPOOL else "AveragePool",
                                          [cur], [out], name=f"pool{i}", kernel_shape=[l.k] * 2,
                                          strides=[l.stride] * 2, pads=[l.pad] * 4, **kw))
        elif l.kind == hqm.GAP:
            nodes.append(helper.make_node("GlobalAveragePool", [cur], [out], name=f"gap{i}"))
        elif l.kind == hqm.ADD:
            nodes.append(helper.make_node("Add", [cur, names[l.src2 - 1]], [out], name=f"add{i}"))
        else:
            wt = l.w
            if not flat[cur]:
                pc, ph, pw = src_chw
                nodes.append(helper.make_node("Flatten", [cur], [f"flat{i}"], name=f"flatten{i}",
                                              axis=1))
                cur = f"flat{i}"
                # HQSim's HWC columns back to ONNX's CHW flattening
                wt = wt.reshape(-1, ph, pw, pc).transpose(0, 3, 1, 2).reshape(wt.shape[0], -1)
            inits += [numpy_helper.from_array(np.ascontiguousarray(wt), f"l{i}.weight"),
                      numpy_helper.from_array(np.array(l.b), f"l{i}.bias")]
            nodes.append(helper.make_node("Gemm", [cur, f"l{i}.weight", f"l{i}.bias"], [out],
                                          name=f"dense{i}", transB=1))
        flat[out] = l.kind == hqm.DENSE
        cur = out
        if l.relu == 1:
            nodes.append(helper.make_node("Relu", [cur], [f"{out}.relu"], name=f"relu{i}"))
            cur = f"{out}.relu"
        elif l.relu == 2:
            inits += [numpy_helper.from_array(np.array(0.0, np.float32), f"l{i}.min"),
                      numpy_helper.from_array(np.array(6.0, np.float32), f"l{i}.max")]
            nodes.append(helper.make_node("Clip", [cur, f"l{i}.min", f"l{i}.max"],
                                          [f"{out}.relu6"], name=f"relu6_{i}"))
            cur = f"{out}.relu6"
        flat[cur] = flat[out]
        names[i] = cur
    nodes.append(helper.make_node("Identity", [cur], ["logits"], name="logits"))
    graph = helper.make_graph(
        nodes, m.net, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", c, h, w])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", m.n_classes])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="hqsim")
    onnx.checker.check_model(model)
    tmp = dst + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, dst)


def main(argv):
    where = f"hqsim {argv[1]}: {argv[2]}: " if len(argv) > 2 else "hq_onnx.py: "
    try:
        if len(argv) == 5 and argv[1] == "import":
            do_import(argv[2], argv[3], argv[4])
        elif len(argv) == 4 and argv[1] == "export":
            do_export(argv[2], argv[3])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except ImportError_ as e:
        print(where + str(e), file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        print(f"{where}Python module {e.name} not installed (Debian package python3-onnx)",
              file=sys.stderr)
        return 2
    except Exception as e:  # a malformed graph the checks above did not foresee: still one line
        print(f"{where}cannot convert ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
