#!/usr/bin/python3
"""Every layout and PE-array kind of configs/accel/regmap.json (the ids the registries are keyed
by, sw/lib/layout and model/accel) is listed where users read the lists: the --help texts of
hqsim pack, quantize and run, the tables of docs/layouts.md and docs/accel.md. Fails naming the text a kind is missing from (issue 12: a new kind is added by
its own files, its test, its doc section and its regmap entry; this catches a forgotten text).

usage: kind_names_listed.py HQSIM SOURCE_DIR
"""
import json
import os
import subprocess
import sys


def main():
    hqsim, root = sys.argv[1], sys.argv[2]
    with open(os.path.join(root, "configs", "accel", "regmap.json")) as f:
        enums = json.load(f)["enums"]
    layouts = [(v["value"], v["name"].lower()) for v in enums["LAYOUT"]]
    arrays = [(v["value"], v["name"].lower()) for v in enums["ARCH"]]
    failures = []

    def need(where, text, parts):
        for p in parts:
            if p not in text:
                failures.append(f"{where}: '{p}' missing")

    def line_with(text, marker):
        return next((l for l in text.splitlines() if marker in l), "")

    def help_of(*args):
        r = subprocess.run([hqsim, *args, "--help"], capture_output=True, text=True)
        return r.stdout + r.stderr

    def doc(name):
        with open(os.path.join(root, name)) as f:
            return f.read()

    lnames = [n for _, n in layouts]
    anames = [n for _, n in arrays]
    need("hqsim pack --help, --layout", line_with(help_of("pack"), "  --layout L "),
         [" | ".join(lnames)])
    need("hqsim quantize --help, --layout", line_with(help_of("quantize"), "  --layout L "),
         [", ".join(lnames)])
    need("hqsim run Q.hqm --help, --arch", line_with(help_of("run", "model.hqm"), "  --arch A "),
         anames)

    layouts_md = doc("docs/layouts.md")
    need("docs/layouts.md, layout id row", line_with(layouts_md, "| layout id:"),
         [f"{i} `{n}`" for i, n in layouts])
    need("docs/layouts.md, one section per layout", layouts_md,
         [f"\n## `{n}`" for n in lnames])
    accel_md = doc("docs/accel.md")
    need("docs/accel.md, hqsim run synopsis", line_with(accel_md, "hqsim run Q.hqm [--arch"),
         ["--arch " + "|".join(anames)])
    need("docs/accel.md, timing table arch row", line_with(accel_md, "| `arch` |"),
         [f"`{n}`" for n in anames])
    with open(os.path.join(root, "configs", "timing", "default.json")) as f:
        rate_keys = [k for k in json.load(f)["decompressor"] if k != "comment"]
    need("docs/accel.md, timing table decompressor row (the rate keys of default.json)",
         line_with(accel_md, "| `decompressor.<layout>` |"), [f"{k} " for k in rate_keys])
    need("docs/accel.md, block diagram", line_with(accel_md, "pe_array: "),
         [" | ".join(anames)])

    for f in failures:
        print("FAIL:", f)
    print(f"kind_names_listed: {len(lnames)} layouts, {len(anames)} arrays, "
          f"{len(failures)} missing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
