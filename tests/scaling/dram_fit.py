#!/usr/bin/python3
"""hqsim run on a platform whose DRAM is too small (issue 16): the message says how much DRAM
is needed and names a platform config with more DRAM (configs/platform/dram-512m.json); it
names --images / --synthetic-inputs, with the count that fits, only when the images are the
cause, and that count runs while one more does not.

usage: dram_fit.py HQSIM SOURCE_DIR MODEL.hqm WORKDIR   (MODEL: the fixture's mlp-dense.hqm)
"""
import json
import os
import re
import subprocess
import sys


def platform(src, work, name, dram_size):
    """default.json with a DRAM of dram_size bytes (its preset path made absolute)."""
    with open(os.path.join(src, "configs", "platform", "default.json")) as fh:
        d = json.load(fh)
    for dev in d["devices"]:
        if dev["type"] == "dram":
            dev["size"] = hex(dram_size)
            dev["params"]["preset"] = os.path.join(src, "configs", "dram",
                                                   "ddr3-1600-mt41k256m16-x32.json")
    path = os.path.join(work, name)
    with open(path, "w") as fh:
        json.dump(d, fh)
    return path


def run(hq, model, plat, n):
    r = subprocess.run([hq, "run", model, "--platform", plat, "--synthetic-inputs", str(n),
                        "--quiet"], capture_output=True, text=True)
    return r.returncode, r.stderr


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    hq, src, model, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    fails = []
    # 1 MiB below the network table (0x80100000) and 32 KiB above it: the weights do not fit.
    rc, err = run(hq, model, platform(src, work, "tiny.json", 0x108000), 1)
    print(err.strip())
    if rc != 2:
        fails.append(f"model too big: exit {rc}, expected 2")
    if not re.search(r"needs [0-9.]+ MiB of DRAM", err) or "dram-512m.json" not in err:
        fails.append("model too big: the message does not say the MiB needed and dram-512m.json")
    if "--images" in err or "--synthetic-inputs" in err or "images fit" in err:
        fails.append("model too big: the message blames the images")
    # 2 MiB: the model fits, 5000 images (825 bytes each) do not.
    plat = platform(src, work, "small.json", 0x200000)
    rc, err = run(hq, model, plat, 5000)
    print(err.strip())
    m = re.search(r"at most (\d+) images fit \(--synthetic-inputs (\d+)\)", err)
    if rc != 2 or not m or m.group(1) != m.group(2):
        fails.append(f"too many images: exit {rc}, no 'at most N images fit (--synthetic-inputs N)'")
    elif "dram-512m.json" not in err or not re.search(r"need [0-9.]+ MiB of DRAM", err):
        fails.append("too many images: the message does not name the MiB needed and dram-512m.json")
    else:
        k = int(m.group(1))
        rc_k, err_k = run(hq, model, plat, k)
        rc_k1, _ = run(hq, model, plat, k + 1)
        if rc_k != 0:
            fails.append(f"{k} images (said to fit) exit {rc_k}: {err_k.strip()}")
        if rc_k1 != 2:
            fails.append(f"{k + 1} images (said not to fit) exit {rc_k1}, expected 2")
    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
