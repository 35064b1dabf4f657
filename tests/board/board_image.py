"""The board image of `hqsim board image` (JSON, segments in base64) for the tests that edit
one (band_conv_image.py, ksplit_image.py): descriptor fields by name (configs/accel/regmap.json),
the segments as mutable byte arrays, and writing the edited image back."""
import base64
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGMAP = json.load(open(os.path.join(ROOT, "configs", "accel", "regmap.json")))
FIELDS = {f["name"]: (f["offset"], 4 if f["type"] == "u32" else 2 if f["type"] == "u16" else 1)
          for f in REGMAP["descriptor"]["fields"]}
FLAG = {e["name"]: e["value"] for e in REGMAP["enums"]["FLAG"]}
DESC_BYTES = REGMAP["descriptor"]["bytes"]


def get(desc, name):
    """Descriptor field `name` of the descriptor bytes `desc`."""
    o, n = FIELDS[name]
    return int.from_bytes(desc[o:o + n], "little")


def put(desc, name, v):
    o, n = FIELDS[name]
    desc[o:o + n] = v.to_bytes(n, "little")


def load(path):
    """(image, segments): segments as [addr, bytearray] pairs, edited in place."""
    img = json.load(open(path))
    return img, [[s["addr"], bytearray(base64.b64decode(s["data"]))] for s in img["segments"]]


def locate(segs, addr, n, who):
    """(bytes, offset) of [addr, addr + n) in one segment; exits naming `who` if none holds it."""
    for a, d in segs:
        if a <= addr and addr + n <= a + len(d):
            return d, addr - a
    sys.exit("%s: no segment holds 0x%08x..0x%08x" % (who, addr, addr + n))


def save(img, segs, path):
    img["segments"] = [{"addr": a, "data": base64.b64encode(bytes(d)).decode()} for a, d in segs]
    with open(path, "w") as f:
        json.dump(img, f)
