#!/usr/bin/python3
"""scripts/fpga rewrites only its marked blocks of docs/fpga.md and keeps the text written by
hand around them (the ECP5 board top, the decoders' area work): each block's markers are in
docs/fpga.md once and in order, a splice replaces exactly the blocks, and a doc without a
block's markers is refused rather than overwritten, and a partial run (blocks of some
sections only) keeps the other blocks.

usage: tests/rtl/fpga_docs_blocks.py     exit 1 and the reason on a failure
"""
import os
import sys

from fpga_module import ROOT, load_fpga


def main():
    f = load_fpga()
    bad = []
    doc = open(os.path.join(ROOT, "docs", "fpga.md")).read().split("\n")
    last = -1
    for name in f.DOC_BLOCKS:
        b, e = f.marker(name), f.marker(name, True)
        if doc.count(b) != 1 or doc.count(e) != 1:
            bad.append("docs/fpga.md: `%s` / `%s` not there exactly once" % (b, e))
            continue
        if not last < doc.index(b) < doc.index(e):
            bad.append("docs/fpga.md: block %s out of order" % name)
        last = doc.index(e)
    # a splice keeps the hand text and replaces each block's lines
    hand = ["# hand title", "hand line 1"]
    text = []
    for name in f.DOC_BLOCKS:
        text += hand + [name] + [f.marker(name), "old " + name, f.marker(name, True)]
    text += ["hand end", ""]
    out = f.splice("\n".join(text), {n: ["new " + n, ""] for n in f.DOC_BLOCKS}).split("\n")
    want = []
    for name in f.DOC_BLOCKS:
        want += hand + [name] + [f.marker(name), "new " + name, "", f.marker(name, True)]
    want += ["hand end", ""]
    if out != want:
        bad.append("splice: got %r, expected %r" % (out, want))
    # a partial run (--sections accel without a last run's results) rewrites its blocks only
    out = f.splice("\n".join(text), {"accel": ["new accel"]}).split("\n")
    want = []
    for name in f.DOC_BLOCKS:
        want += hand + [name] + [f.marker(name), ("new " if name == "accel" else "old ") + name,
                                 f.marker(name, True)]
    want += ["hand end", ""]
    if out != want:
        bad.append("partial splice: got %r, expected %r" % (out, want))
    try:
        f.splice(None, {"accel": []})
        bad.append("splice made a new doc without every block")
    except SystemExit as ex:
        if ex.code != 1:
            bad.append("new doc from a partial run: exit %r, expected 1" % ex.code)
    # a doc missing a block is refused (scripts/fpga exits 1), not overwritten
    try:
        f.splice("# hand only\n", {n: [] for n in f.DOC_BLOCKS})
        bad.append("splice accepted a doc without markers")
    except SystemExit as ex:
        if ex.code != 1:
            bad.append("splice without markers: exit %r, expected 1" % ex.code)
    for msg in bad:
        print("fpga_docs_blocks: " + msg)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
