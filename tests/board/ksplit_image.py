#!/usr/bin/python3
"""Cuts one dense layer of a board image (`hqsim board image`) into K chunks at block
boundaries, as the host planner splits a layer whose K exceeds a descriptor (docs/arith.md,
K-splitting; docs/regmap.md, partial sums): the first chunk keeps the layer's descriptor with
FLAG_PSUM_OUT (no FLAG_RELU, FLAG_SIGNED_OUT, FLAG_LAST or CLAMP_HI), the middle ones get
FLAG_PSUM_IN | FLAG_PSUM_OUT, the last FLAG_PSUM_IN and the layer's own flags; the new
descriptors and weight slices go after the image's end, the row parameters move there too with
the partial-sum area after them (BATCH x ROWS int32 words). The outputs are the same, so the
image's reference logits still hold.

usage: ksplit_image.py IN.json OUT.json [CHUNKS [LAYER]]

The layer cut is LAYER (an index into the image's layers), else the dense layer in `block`
layout, neither the first nor the last, with the most blocks per row; CHUNKS (default 2) is
lowered to its block count. The first layer's chunks each read their own part of the images
(hq-board moves every descriptor that reads the images per batch). Exit status 0, or 2 with
a message (no such layer)."""
import sys

from board_image import DESC_BYTES, FLAG, get, load, locate, put, save

ROW_PARAM_BYTES = 12
BURST = 64


def align(x, a):
    return (x + a - 1) // a * a


def block_bytes(lo, hi, n, m):
    """docs/layouts.md, `block`: the bytes of one block."""
    if lo == 1:
        return (m + n * ((m - 1).bit_length() + hi) + 7) // 8
    return (m * lo + n * hi + 7) // 8


def slice_image(image, b0, b1):
    """The layer image (docs/layouts.md, `block`) of blocks [b0, b1) of every row."""
    lo, hi, n = image[1], image[2], image[3]
    m = int.from_bytes(image[4:6], "little")
    rows = int.from_bytes(image[6:8], "little")
    cols = int.from_bytes(image[8:10], "little")
    nb = (cols + m - 1) // m
    section = align(16 + rows, 16) if lo else 16
    bb = block_bytes(lo, hi, n, m)
    out = bytearray(image[:section])
    for r in range(rows):
        out += image[section + (r * nb + b0) * bb:section + (r * nb + b1) * bb]
    out[8:10] = (min(cols, b1 * m) - b0 * m).to_bytes(2, "little")
    out += b"\0" * (-len(out) % BURST)
    out[12:16] = len(out).to_bytes(4, "little")
    return bytes(out)


def main():
    if len(sys.argv) not in (3, 4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    img, segs = load(sys.argv[1])

    def mem(addr, n):
        return locate(segs, addr, n, "ksplit_image")

    layers = img["layers"]
    pick = range(1, len(layers) - 1) if len(sys.argv) < 5 else [int(sys.argv[4])]
    cands = [li for li in pick if 0 <= li < len(layers) and layers[li]["op"] == "dense" and
             layers[li]["layout"] == "block"]
    if not cands:
        print("ksplit_image: %s has no dense block layer to cut (%s)" % (
            sys.argv[1], "not first or last" if len(sys.argv) < 5 else "layer " + sys.argv[4]),
              file=sys.stderr)
        return 2

    def blocks(li):
        d, off = mem(layers[li]["desc_addr"], DESC_BYTES)
        desc = d[off:off + DESC_BYTES]
        return (get(desc, "COLS") + get(desc, "BLOCK_M") - 1) // get(desc, "BLOCK_M")

    li = max(cands, key=lambda i: (blocks(i), -i))
    l = layers[li]
    d, off = mem(l["desc_addr"], DESC_BYTES)
    desc = bytearray(d[off:off + DESC_BYTES])
    m, rows, cols = get(desc, "BLOCK_M"), get(desc, "ROWS"), get(desc, "COLS")
    nb = blocks(li)
    chunks = min(int(sys.argv[3]) if len(sys.argv) >= 4 else 2, nb)
    if chunks < 2:
        print("ksplit_image: layer %s has %d block(s) per row: nothing to cut" % (
            l["name"], nb), file=sys.stderr)
        return 2
    wd, woff = mem(get(desc, "WEIGHT_ADDR"), get(desc, "WEIGHT_BYTES"))
    image = bytes(wd[woff:woff + get(desc, "WEIGHT_BYTES")])
    pd, poff = mem(get(desc, "PARAM_ADDR"), rows * ROW_PARAM_BYTES)
    params = bytes(pd[poff:poff + rows * ROW_PARAM_BYTES])

    end = align(img["net"]["end"], BURST)

    def take(data, room=None):
        nonlocal end
        at = end
        segs.append([at, bytearray(data)])
        end = align(at + (len(data) if room is None else room), BURST)
        return at

    # the row parameters, then the partial-sum area (PARAM_ADDR + ROWS x 12 rounded up to 64)
    param_addr = take(params, align(len(params), 64) + get(desc, "BATCH") * rows * 4)
    own = get(desc, "FLAGS")
    bounds = [nb * j // chunks for j in range(chunks + 1)]
    new = []
    for j in range(chunks):
        b0, b1 = bounds[j], bounds[j + 1]
        k0, k1 = b0 * m, min(cols, b1 * m)
        c = bytearray(desc)
        part = slice_image(image, b0, b1)
        put(c, "COLS", k1 - k0)
        put(c, "IN_C", k1 - k0)
        put(c, "IN_ADDR", get(desc, "IN_ADDR") + k0)
        put(c, "PARAM_ADDR", param_addr)
        put(c, "WEIGHT_BYTES", len(part))
        put(c, "WEIGHT_ADDR", take(part))
        flags = own & FLAG["SIGNED_IN"]
        if j + 1 < chunks:
            flags |= FLAG["PSUM_OUT"]
            put(c, "CLAMP_HI", 0)
        else:
            flags = own
        if j > 0:
            flags |= FLAG["PSUM_IN"]
        put(c, "FLAGS", flags)
        new.append((k0, k1, c))
    # the first chunk in the layer's own descriptor, the others after the image's end
    layer_rows = []
    for j, (k0, k1, c) in enumerate(new):
        if j == 0:
            d[off:off + DESC_BYTES] = c
            at = l["desc_addr"]
        else:
            at = take(c, align(DESC_BYTES, 64))
        layer_rows.append(dict(l, name="%s/k%d-%d" % (l["name"], k0, k1 - 1), desc_addr=at,
                               cols=k1 - k0, in_c=k1 - k0, flags=get(c, "FLAGS"),
                               weight_bytes=get(c, "WEIGHT_BYTES")))
    layers[li:li + 1] = layer_rows
    img["net"]["end"] = end
    img["net"]["n_layers"] = len(layers)
    save(img, segs, sys.argv[2])
    print("%s: layer %d (%s, K %d) cut into %d K chunks: %s (FLAG_PSUM_OUT, FLAG_PSUM_IN)" % (
        sys.argv[2], li, l["name"], cols, chunks,
        ", ".join("%d..%d" % (k0, k1 - 1) for k0, k1, _ in new)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
