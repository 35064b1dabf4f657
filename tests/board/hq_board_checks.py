#!/usr/bin/python3
"""scripts/hq-board's checks without a board: check_counters on conv row bands (the positions
of a band without padding on its cut edge, FLAG_NO_PAD_TOP/BOTTOM) and on K-split chunks (int32
partial sums of FLAG_PSUM_OUT, docs/arith.md), and layout_notes against the
accelerator's LAYOUTS register (every layout of docs/rtl-accel.md on the lane-group array).

usage: hq_board_checks.py SOURCE_DIR"""
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import sys

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL: " + what)


def main():
    root = sys.argv[1]
    path = os.path.join(root, "scripts", "hq-board")
    loader = importlib.machinery.SourceFileLoader("hq_board", path)
    spec = importlib.util.spec_from_loader("hq_board", loader)
    hb = importlib.util.module_from_spec(spec)
    loader.exec_module(hb)
    regmap = json.load(open(os.path.join(root, "configs", "accel", "regmap.json")))
    flag = {e["name"]: e["value"] for e in regmap["enums"]["FLAG"]}

    # A 3x3 conv, stride 1, pad 1, on a 10 x 6 map cut into output rows 0..3 and 4..9: the top
    # band reads input rows 0..4 (padding above only), the bottom band rows 3..9 (below only).
    def row(in_h, out_h, flags):
        n, rows, cols = 2, 8, 3 * 3 * 4
        positions = out_h * 6
        return {"batch": 0, "layer": 1, "images": n, "op": "conv", "rows": rows, "cols": cols,
                "in_h": in_h, "in_w": 6, "in_c": 4, "out_h": out_h, "out_w": 6, "out_c": rows,
                "kernel": 3, "stride": 1, "pad": 1, "pool": 1, "flags": flags,
                "macs": rows * cols * positions * n, "dram_written": positions * rows * n,
                "cycles": 100, "compute": 60, "stall_dram": 10, "stall_decoder": 0,
                "stall_outlier": 0, "output": 20, "control": 10}

    relu = flag["RELU"]
    bands = [("whole map", row(10, 10, relu)),
             ("top band", row(5, 4, relu | flag["NO_PAD_BOTTOM"])),
             ("bottom band", row(7, 6, relu | flag["NO_PAD_TOP"])),
             ("middle band", row(6, 4, relu | flag["NO_PAD_TOP"] | flag["NO_PAD_BOTTOM"]))]
    for what, r in bands:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            bad = hb.check_counters(r, False)
        check(bad == 0, "%s: right counters flagged: %s" % (what, err.getvalue().strip()))
        wrong = dict(r, macs=r["macs"] + r["rows"] * r["cols"])
        with contextlib.redirect_stderr(io.StringIO()):
            check(hb.check_counters(wrong, False) == 1, "%s: MACS off by a position passed" % what)

    # K-split chunks (docs/arith.md): FLAG_PSUM_OUT writes one int32 partial sum per output,
    # whatever the layer's place; the chunk with FLAG_RELU (FLAG_SIGNED_OUT) writes a byte, the
    # network's last (no FLAG_RELU) int32 logits. An image without flags: `last` decides.
    def dense(flags, rows, cols, nbytes):
        n = 3
        return {"batch": 0, "layer": 2, "images": n, "op": "dense", "rows": rows, "cols": cols,
                "in_h": 1, "in_w": 1, "in_c": cols, "out_h": 1, "out_w": 1, "out_c": rows,
                "kernel": 0, "stride": 0, "pad": 0, "pool": 0, "flags": flags,
                "macs": rows * cols * n, "dram_written": rows * n * nbytes, "cycles": 50,
                "compute": 30, "stall_dram": 5, "stall_decoder": 5, "stall_outlier": 0,
                "output": 5, "control": 5}

    conv_chunk = dict(row(10, 10, flag["PSUM_OUT"]), dram_written=10 * 6 * 8 * 2 * 4)
    chunks = [("hidden dense, first chunk", dense(flag["PSUM_OUT"], 24, 32, 4), False),
              ("hidden dense, middle chunk", dense(flag["PSUM_IN"] | flag["PSUM_OUT"], 24, 32, 4),
               False),
              ("hidden dense, last chunk", dense(flag["PSUM_IN"] | flag["RELU"], 24, 16, 1), False),
              ("int8 dense, last chunk", dense(flag["PSUM_IN"] | flag["SIGNED_OUT"], 24, 16, 1),
               False),
              ("classifier, first chunk", dense(flag["PSUM_OUT"], 10, 32, 4), False),
              ("classifier, last chunk", dense(flag["PSUM_IN"] | flag["LAST"], 10, 16, 4), True),
              ("conv, first chunk", conv_chunk, False),
              ("hidden dense, no flags in the image", dense(None, 24, 48, 1), False),
              ("classifier, no flags in the image", dense(None, 10, 24, 4), True)]
    for what, r, last in chunks:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            bad = hb.check_counters(r, last)
        check(bad == 0, "%s: right counters flagged: %s" % (what, err.getvalue().strip()))
        per = r["dram_written"] // (r["images"] * r["out_h"] * r["out_w"] * r["out_c"])
        wrong = dict(r, dram_written=r["dram_written"] // per * (5 - per))  # 1 <-> 4 bytes
        with contextlib.redirect_stderr(io.StringIO()):
            check(hb.check_counters(wrong, last) == 1,
                  "%s: DRAM_WR of %d-byte outputs passed" % (what, 5 - per))

    # The notes: none for the five layouts on a LAYOUTS register that lists them all; on one
    # that lists dense and block only, a note for escape naming those two; never for a max-pool.
    all_five = sum(1 << e["value"] for e in regmap["enums"]["LAYOUT"])
    layers = [{"name": "L%d" % i, "op": "conv" if i < 5 else "maxpool", "layout": lay}
              for i, lay in enumerate(["dense", "block", "escape", "coo", "rowgroup", "coo"])]
    notes = hb.layout_notes(layers, all_five)
    check(notes == [], "notes on a board that runs every layout: %s" % notes)
    value = {e["name"].lower(): e["value"] for e in regmap["enums"]["LAYOUT"]}
    notes = hb.layout_notes(layers, 1 << value["dense"] | 1 << value["block"])
    check(len(notes) == 3 and all("dense, block" in n for n in notes) and
          [n.split()[1] for n in notes] == ["L2", "L3", "L4"],
          "notes on a dense/block board: %s" % notes)
    print("hq_board_checks: %d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
