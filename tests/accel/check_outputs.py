#!/usr/bin/python3
"""`hqsim run --trace/--png/--vcd` produce well-formed files: a Chrome trace whose slices
cover every unit that ran and every layer, PNG files (signature, IHDR size), and a VCD with
value changes of the busy/irq signals.  usage: check_outputs.py HQSIM MODEL"""
import json
import os
import struct
import subprocess
import sys
import tempfile


def main():
    hqsim, model = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        trace, png, vcd = os.path.join(d, "t.json"), os.path.join(d, "png"), os.path.join(d, "w.vcd")
        p = subprocess.run([hqsim, "run", model, "--images", "4", "--quiet", "--json", "--trace", trace,
                            "--png", png, "--vcd", vcd], capture_output=True, text=True)
        if p.returncode:
            print("FAIL: hqsim run:", p.stderr)
            return 1
        rep = json.loads(p.stdout)
        ev = [e for e in json.load(open(trace))["traceEvents"] if e["ph"] == "X"]
        units = {e["cat"] for e in ev}
        names = {e["name"] for e in ev}
        want_units = {"control", "dma_in", "weights", "decompressor", "pe_array", "output", "dma_out"}
        if units != want_units:
            print("FAIL: trace units", sorted(units))
            return 1
        if names != {l["name"] for l in rep["layers"]}:
            print("FAIL: trace layer names", sorted(names))
            return 1
        if any(e["dur"] <= 0 for e in ev):
            print("FAIL: empty slices")
            return 1
        files = sorted(os.listdir(png))
        if files != sorted(["timeline.png"] + [f"layer{i}.png" for i in range(len(rep["layers"]))]):
            print("FAIL: png files", files)
            return 1
        for f in files:
            b = open(os.path.join(png, f), "rb").read(24)
            w, h = struct.unpack(">II", b[16:24])
            if b[:8] != b"\x89PNG\r\n\x1a\n" or w != 1200 or h < 50:
                print("FAIL: not a timeline PNG:", f)
                return 1
        text = open(vcd).read()
        changes = [l for l in text.split("$enddefinitions")[-1].splitlines() if l.startswith("#")]
        if "busy" not in text or "irq" not in text or len(changes) < 4:
            print("FAIL: VCD without busy/irq changes")
            return 1
    print(f"ok: {len(ev)} trace slices, {len(files)} PNGs, {len(changes)} VCD time steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
