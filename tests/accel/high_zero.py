#!/usr/bin/python3
"""docs/arith.md section 3 (issue 11): a high weight is never 0. Sets one high weight of a valid
heterogeneous model to 0 behind a repaired CRC, and checks that every command that reads a
model (info, eval, pack, run) refuses the file with the same message, exit status non-zero.

usage: high_zero.py HQSIM MODEL WORKDIR
"""
import os
import struct
import subprocess
import sys
import zlib


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def zero_one_high_weight(data):
    """Returns the file with layer 0's first high weight set to 0 and the CRC repaired."""
    pos, geometry = 24, {}
    while pos < len(data) - 4:
        tag, n = data[pos:pos + 4].decode(), struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if tag == "LAYR":
            index = struct.unpack_from("<I", data, body)[0]
            geometry[index] = struct.unpack_from("<II", data, body + 48)  # rows, cols
        if tag == "QPAR":
            index, lo = struct.unpack_from("<II", data, body)
            rows, cols = geometry[index]
            if lo > 0:
                w, is_hi = body + 12, body + 12 + rows * cols
                for j in range(rows * cols):
                    if data[is_hi + j]:
                        data[w + j] = 0
                        struct.pack_into("<I", data, len(data) - 4,
                                         zlib.crc32(bytes(data[:-4])) & 0xFFFFFFFF)
                        return data
        pos = body + n
    fail("no heterogeneous layer with a high weight in the model")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hqsim, model, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    bad = os.path.join(work, "high0.hqm")
    with open(model, "rb") as f:
        data = bytearray(f.read())
    with open(bad, "wb") as f:
        f.write(zero_one_high_weight(data))
    for args in (["info", bad], ["eval", bad, "--limit", "5"], ["pack", bad],
                 ["run", bad, "--images", "2", "--quiet"]):
        p = subprocess.run([hqsim] + args, capture_output=True, text=True)
        if p.returncode == 0 or "high-precision weight 0" not in p.stderr:
            fail(f"hqsim {' '.join(args)}: exit {p.returncode}, stderr: {p.stderr.strip()}")
        print(f"ok: hqsim {args[0]} refuses it: exit {p.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
