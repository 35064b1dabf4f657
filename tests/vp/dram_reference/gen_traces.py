#!/usr/bin/env python3
"""The seven DRAM request streams of the DRAMSys comparison (65,536 x 64 B requests each),
ported from ../shared/dram-reference/gen_traces.py (same definitions and seeds, so the same
traces the reference figures were measured on). Writes OUT/<preset>/<trace>.trc, lines
"R 0x<addr>" / "W 0x<addr>". usage: gen_traces.py OUT"""
import os
import random
import sys

N = 65536            # requests per trace (4 MiB of 64 B requests)
REQ = 64
MiB = 1 << 20
PRESETS = {"ddr3": 4096, "ddr4": 8192}   # row_bytes of the preset (one row across the bus)


def traces(row_bytes):
    t = {}
    t["a_seq_read"] = [("R", i * REQ) for i in range(N)]
    t["b_seq_write"] = [("W", i * REQ) for i in range(N)]
    t["c_row_stride"] = [("R", i * row_bytes) for i in range(N)]
    rng = random.Random(1)
    t["d_random"] = [("R", rng.randrange(256 * MiB // REQ) * REQ) for _ in range(N)]
    # weights at 0, activations at 128 MiB: both streams in the same bank, different rows
    t["e_two_streams"] = [("R", (i // 2) * REQ + (0 if i % 2 == 0 else 128 * MiB))
                          for i in range(N)]
    # the same, activations one row further: the two streams sit in neighbouring banks
    t["e2_two_streams_offs"] = [("R", (i // 2) * REQ +
                                 (0 if i % 2 == 0 else 128 * MiB + row_bytes))
                                for i in range(N)]
    rng = random.Random(2)
    t["f_mixed_70_30"] = [("W" if rng.random() < 0.3 else "R", i * REQ) for i in range(N)]
    return t


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_traces.py OUT_DIR")
    for preset, row_bytes in PRESETS.items():
        d = os.path.join(sys.argv[1], preset)
        os.makedirs(d, exist_ok=True)
        for name, reqs in traces(row_bytes).items():
            with open(os.path.join(d, name + ".trc"), "w") as f:
                f.write("# %s %s: %d x %d B requests\n" % (preset, name, len(reqs), REQ))
                for op, a in reqs:
                    f.write("%s 0x%x\n" % (op, a))


if __name__ == "__main__":
    main()
