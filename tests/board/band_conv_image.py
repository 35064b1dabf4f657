#!/usr/bin/python3
"""Cuts one convolution of a board image (`hqsim board image`) into two bands of output rows
with their halos, as the host planner tiles a conv (docs/accel.md, Tiling; docs/regmap.md,
FLAG_NO_PAD_TOP/BOTTOM): the top band keeps the layer's descriptor with FLAG_NO_PAD_BOTTOM, the
bottom band gets a new descriptor after the image's end with FLAG_NO_PAD_TOP. The outputs are
the same, so the image's reference logits still hold.

usage: band_conv_image.py IN.json OUT.json

The conv cut is the first one that is neither the first layer nor the last (hq-board moves
their input and output addresses per batch) and has at least two output rows (pooled rows
whole). Exit status 0, or 2 with a message (no such conv)."""
import sys

from board_image import DESC_BYTES, FLAG, get, load, locate, put, save


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    img, segs = load(sys.argv[1])
    layers = img["layers"]
    for li in range(1, len(layers) - 1):
        l = layers[li]
        pool = max(l["pool"], 1)
        if l["op"] == "conv" and l["out_h"] >= 2:
            break
    else:
        print("band_conv_image: %s has no conv to cut (not first or last, 2 output rows)" %
              sys.argv[1], file=sys.stderr)
        return 2
    seg, off = locate(segs, l["desc_addr"], DESC_BYTES, "band_conv_image")
    top = bytearray(seg[off:off + DESC_BYTES])
    k, s, p = l["kernel"], l["stride"], l["pad"]
    out_c = l["out_c"]
    bytes_out = 1 if get(top, "FLAGS") & (FLAG["RELU"] | FLAG["SIGNED_OUT"]) else 4
    rows = l["out_h"] * pool              # output rows before the max-pool
    h1 = l["out_h"] // 2 * pool           # the top band's, whole pooled rows
    in_top = (h1 - 1) * s + k - p         # input rows 0 .. in_top-1 (padding above)
    first = h1 * s - p                    # the bottom band's first input row
    if in_top > l["in_h"] or first < 0:
        print("band_conv_image: layer %s: no two bands (k %d, stride %d, pad %d)" % (
            l["name"], k, s, p), file=sys.stderr)
        return 2
    bottom = bytearray(top)
    put(top, "IN_H", in_top)
    put(top, "OUT_H", h1 // pool)
    put(top, "FLAGS", get(top, "FLAGS") | FLAG["NO_PAD_BOTTOM"])
    put(bottom, "IN_H", l["in_h"] - first)
    put(bottom, "OUT_H", l["out_h"] - h1 // pool)
    put(bottom, "FLAGS", get(bottom, "FLAGS") | FLAG["NO_PAD_TOP"])
    put(bottom, "IN_ADDR", get(bottom, "IN_ADDR") + first * l["in_w"] * l["in_c"])
    put(bottom, "OUT_ADDR",
        get(bottom, "OUT_ADDR") + h1 // pool * l["out_w"] * out_c * bytes_out)
    seg[off:off + DESC_BYTES] = top
    new = (img["net"]["end"] + DESC_BYTES - 1) // DESC_BYTES * DESC_BYTES
    img["net"]["end"] = new + DESC_BYTES
    segs.append([new, bottom])
    band = dict(l, name=l["name"] + "/rows%d-" % h1, desc_addr=new, in_h=l["in_h"] - first,
                out_h=l["out_h"] - h1 // pool, flags=get(bottom, "FLAGS"))
    l.update(name=l["name"] + "/rows0-%d" % (h1 - 1), in_h=in_top, out_h=h1 // pool,
             flags=get(top, "FLAGS"))
    layers.insert(li + 1, band)
    img["net"]["n_layers"] = len(layers)
    save(img, segs, sys.argv[2])
    print("%s: layer %d (%s) cut into output rows 0..%d and %d..%d (FLAG_NO_PAD_BOTTOM, "
          "FLAG_NO_PAD_TOP)" % (sys.argv[2], li, band["name"].split("/")[0], h1 - 1, h1,
                                rows - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
