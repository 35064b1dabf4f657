"""The float part of the .hqm container (docs/format.md) in Python, for the ONNX tools.

write() emits MODL, LAYR, LEXT (version 2 graphs) and FPAR chunks of a float model; read() returns the topology and
float parameters of any valid file (QPAR and ancillary chunks are skipped). The C reader
(hq_model_load) validates everything the importer writes before hqsim keeps it.
"""

import struct
import zlib

import numpy as np

MAGIC = b"\x89HQM\r\n\x1a\n"
DENSE, CONV, MAXPOOL, ADD, AVGPOOL, GAP = 1, 2, 3, 4, 5, 6
LF_FLOAT, LF_QUANT = 1, 2


class Layer:
    """One hq_layer: kind, shapes (c, h, w), k/stride/pad, relu, and float w [rows][cols], b."""

    def __init__(self, kind, in_shape, out_shape, k=0, stride=0, pad=0, relu=0, w=None, b=None):
        self.kind, self.in_shape, self.out_shape = kind, tuple(in_shape), tuple(out_shape)
        self.k, self.stride, self.pad, self.relu = k, stride, pad, relu
        self.w = None if w is None else np.ascontiguousarray(w, dtype="<f4")
        self.b = None if b is None else np.ascontiguousarray(b, dtype="<f4")
        self.quant = None  # QONNX import: {"bits", "w_scale", "in_act_scale", "out_act_scale"}
        # docs/format.md LEXT: conv groups, source layers (index + 1, 0 = previous), count_pad
        self.groups, self.src, self.src2, self.count_pad = 1, 0, 0, 0

    def has_ext(self):
        return self.groups > 1 or self.src or self.src2 or self.count_pad

    def is_v2(self):
        return (self.has_ext() or self.kind > MAXPOOL or self.relu == 2 or
                (self.kind == MAXPOOL and (self.stride != self.k or self.pad)))

    @property
    def rows(self):
        return 0 if self.w is None else self.w.shape[0]

    @property
    def cols(self):
        return 0 if self.w is None else self.w.shape[1]


class Model:
    def __init__(self, net, input_shape, layers, n_classes):
        self.net, self.input_shape, self.layers, self.n_classes = net, input_shape, layers, n_classes


def _string(s):
    b = s.encode()
    return struct.pack("<I", len(b)) + b


def write(model, path):
    chunks = []
    modl = model.net.encode().ljust(16, b"\0")[:16]
    modl += struct.pack("<f3III", 1.0, *model.input_shape, model.n_classes, len(model.layers))
    modl += _string("") + _string("")
    chunks.append((b"MODL", modl))
    for i, l in enumerate(model.layers):
        flags = LF_FLOAT if l.w is not None else 0
        if l.has_ext():
            chunks.append((b"LEXT", struct.pack("<5I", i, l.groups, l.src, l.src2, l.count_pad)))
        p = struct.pack("<II", i, l.kind) + struct.pack("<6I", *l.in_shape, *l.out_shape)
        p += struct.pack("<6I", l.k, l.stride, l.pad, l.relu, l.rows, l.cols)
        p += struct.pack("<ffI", 0.0, 0.0, flags)
        chunks.append((b"LAYR", p))
    for i, l in enumerate(model.layers):
        if l.w is not None:
            chunks.append((b"FPAR", struct.pack("<I", i) + l.w.tobytes() + l.b.tobytes()))
    body = b"".join(t + struct.pack("<I", len(p)) + p for t, p in chunks)
    total = 24 + len(body) + 4
    major = 2 if any(l.is_v2() for l in model.layers) else 1
    data = MAGIC + struct.pack("<HHIQ", major, 0, len(chunks), total) + body
    data += struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        raise ValueError(f"{path}: not an HQSim model file")
    n_chunks = struct.unpack_from("<I", data, 12)[0]
    pos, layers, model, ext = 24, [], None, {}
    for _ in range(n_chunks):
        tag, n = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        p = data[pos + 8 : pos + 8 + n]
        pos += 8 + n
        if tag == b"MODL":
            net = p[:16].split(b"\0")[0].decode()
            _, c, h, w, n_classes, n_layers = struct.unpack_from("<f5I", p, 16)
            model = Model(net, (c, h, w), [None] * n_layers, n_classes)
        elif tag == b"LAYR":
            v = struct.unpack_from("<14I", p, 0)
            i = v[0]
            rows, cols = v[12], v[13]
            layers.append(i)
            lay = Layer(v[1], v[2:5], v[5:8], v[8], v[9], v[10], v[11])
            lay._rows, lay._cols = rows, cols
            if i in ext:
                lay.groups, lay.src, lay.src2, lay.count_pad = ext[i]
            model.layers[i] = lay
        elif tag == b"LEXT":
            v = struct.unpack_from("<5I", p, 0)
            ext[v[0]] = v[1:]
        elif tag == b"FPAR":
            i = struct.unpack_from("<I", p, 0)[0]
            lay = model.layers[i]
            nw = lay._rows * lay._cols
            lay.w = np.frombuffer(p, "<f4", nw, 4).reshape(lay._rows, lay._cols)
            lay.b = np.frombuffer(p, "<f4", lay._rows, 4 + 4 * nw)
    return model
