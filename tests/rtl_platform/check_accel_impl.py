#!/usr/bin/python3
"""`hqsim run Q.hqm --accel-impl rtl` against `--accel-impl model` (docs/rtl-accel.md,
"In the virtual platform").

usage: check_accel_impl.py compare HQSIM MODEL IMAGES [RUN OPTIONS...]
           both runs exit 0 with 0 mismatches against the C reference (so the RTL's logits and
           predictions equal the model's), the same JSON report keys, accuracy, commands and
           per-layer shapes / MACs / output bytes; the RTL's counters add up (cycles = compute
           + DRAM stalls + control, one compute cycle per weight beat of 64 weights)
       check_accel_impl.py compare-nm HQSIM MODEL IMAGES [RUN OPTIONS...]
           compare on a `block` model of another N:M than the tile's 1:32 (hq_block_decoder.v):
           a block may hold more high weights than the tile's slot, so at least one compute
           cycle per weight beat (the exact rule is the rtl_accel benches')
       check_accel_impl.py refuse HQSIM MODEL REGEX [RUN OPTIONS...]
           --accel-impl rtl exits 2 before the simulation, stderr matches REGEX
       check_accel_impl.py impl HQSIM MODEL EXPECTED [RUN OPTIONS...]
           a run without --accel-impl reports accel_impl starting with EXPECTED, 0 mismatches
       check_accel_impl.py same-eval HQSIM MODEL IMAGES [RUN OPTIONS...]
           --accel-impl rtl with one eval() per clock where the inputs did not change (the
           default) and with two always (HQSIM_RTL_FULL_EVAL=1): the same report, every
           counter and cycle equal, but the host time
       check_accel_impl.py digits HQSIM MODEL IMAGES D TIMING [RUN OPTIONS...]
           compare on a lane-group `dense` model (no high weights), and each layer's tile
           cycles per weight beat are D on the RTL (its COMPUTE counter) and in the model (its
           compute cycles under the array of the TIMING config: docs/accel.md's formula)
       check_accel_impl.py split-outlier HQSIM MODEL IMAGES [RUN OPTIONS...]
           compare with --arch split, and each layer's outlier stall (the high-precision
           unit's passes past a beat's first cycle) equal on the RTL (STALL_OUT) and the model:
           pass a timing config with array.pe_tiles 1 (one tile, as the RTL); at least one
           layer must have some
       check_accel_impl.py bench HQSIM REPORT IMAGES MODEL:ARCH... -- PLATFORM...
           compare on every model x platform; writes the host times and slowdowns to REPORT
Exit status 0 when every check passes, 1 otherwise."""
import json
import math
import os
import re
import subprocess
import sys
import time

LANES = 64  # the Verilated configurations' lanes (rtl/configs.json default, default_uniform8)


def run(hqsim, model, images, impl, extra, env=None):
    cmd = [hqsim, "run", model, "--images", str(images), "--json", "--quiet"] + \
        (["--accel-impl", impl] if impl else []) + extra
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=7200,
                       env=dict(os.environ, **(env or {})))
    return p, time.monotonic() - t0, " ".join(cmd)


def keys(j, path=""):
    out = set()
    if isinstance(j, dict):
        for k, v in j.items():
            out.add(path + "/" + k)
            out |= keys(v, path + "/" + k)
    elif isinstance(j, list) and j and isinstance(j[0], dict):
        out |= keys(j[0], path + "[]")
    return out


def compare(hqsim, model, images, extra, fails, block_exact=True):
    results = {}
    for impl in ("model", "rtl"):
        p, secs, cmd = run(hqsim, model, images, impl, extra)
        if p.returncode != 0:
            fails.append(f"{cmd}: exit {p.returncode}, expected 0: {p.stderr.strip()[-500:]}")
            return None
        results[impl] = (json.loads(p.stdout), secs)
    m, r = results["model"][0], results["rtl"][0]
    where = f"{model} {' '.join(extra)}"
    for impl, j in (("model", m), ("rtl", r)):
        if j["mismatches"] != 0 or j["images_completed"] != images:
            fails.append(f"{where}: {impl}: {j['mismatches']} mismatches, "
                         f"{j['images_completed']} of {images} images")
    if not r["accel_impl"].startswith("rtl ") or m["accel_impl"] != "model":
        fails.append(f"{where}: accel_impl {m['accel_impl']!r} / {r['accel_impl']!r}")
    if keys(m) != keys(r):
        fails.append(f"{where}: JSON keys differ: model only {sorted(keys(m) - keys(r))}, "
                     f"rtl only {sorted(keys(r) - keys(m))}")
    for k in ("accuracy", "reference_accuracy", "correct", "images", "batch", "arch", "layout",
              "commands"):
        if m.get(k) != r.get(k):
            fails.append(f"{where}: {k}: model {m.get(k)}, rtl {r.get(k)}")
    if len(m["layers"]) != len(r["layers"]):
        fails.append(f"{where}: {len(m['layers'])} layers (model), {len(r['layers'])} (rtl)")
        return results
    for lm, lr in zip(m["layers"], r["layers"]):
        for k in ("name", "invocations", "rows", "cols", "vectors", "macs", "dram_written"):
            if lm[k] != lr[k]:
                fails.append(f"{where}: layer {lm['name']}: {k}: model {lm[k]}, rtl {lr[k]}")
        beats = lr["vectors"] * lr["rows"] * math.ceil(lr["cols"] / LANES)
        # one cycle per weight beat, plus, on the lane-group array, an extra cycle of the beat
        # for each high weight of a block past the tile's slots (hq_beat_split.v; the exact
        # per-block rule, pe_tile_busy_cycles(), is checked by the rtl_accel benches). A `block`
        # layout holds at most the tile's slots per block, and uniform8 has no high weights.
        # The split array's COMPUTE counts a beat's first cycle (its further passes of the
        # high-precision unit are STALL_OUT, the outlier stall).
        exact = r.get("arch") in ("uniform8", "split") or \
            (block_exact and r.get("layout") == "block")
        if lr["compute_cycles"] < beats or (exact and lr["compute_cycles"] != beats):
            fails.append(f"{where}: layer {lr['name']}: RTL compute cycles "
                         f"{lr['compute_cycles']}, expected {'' if exact else 'at least '}"
                         f"{beats} weight beats")
        st = lr["stall_cycles"]
        parts = lr["compute_cycles"] + st["dram"] + st["decompressor"] + st["outlier"] + \
            lr["output_cycles"] + lr["control_cycles"]
        if parts != lr["cycles"] or lr["control_cycles"] <= 0 or st["dram"] <= 0:
            fails.append(f"{where}: layer {lr['name']}: RTL cycles {lr['cycles']} are not "
                         f"compute + stalls + control ({parts}), or no DRAM stall / control")
        if lr["dram_read"] < lr["weight_bytes"] or lr["weight_bytes"] <= 0:
            fails.append(f"{where}: layer {lr['name']}: RTL weight bytes {lr['weight_bytes']}, "
                         f"DRAM read {lr['dram_read']}")
    return results


def digits(m, r, d, a, fails):
    """Layers without high weights: the RTL's COMPUTE is D cycles per weight beat; the model's
    compute cycles are, per invocation and row tile of nr rows on pe_tiles tiles, vectors x
    (nbeats + ceil(nr / pe_tiles) x nbeats x D + tile_overhead) + pipeline_latency -
    tile_overhead (docs/accel.md)."""
    if m["layout"] != "dense" or r.get("arch") != "lanegroup":
        fails.append(f"digits needs a lanegroup dense model: {m['layout']} on {r.get('arch')}")
        return
    tile_rows = a["pe_tiles"] * a["rows_per_tile"]
    for lm, lr in zip(m["layers"], r["layers"]):
        nbeats = math.ceil(lr["cols"] / LANES)
        rtl = lr["vectors"] * lr["rows"] * nbeats * d
        inv = lm["invocations"]
        per_inv = 0
        for r0 in range(0, lm["rows"], tile_rows):
            nr = min(tile_rows, lm["rows"] - r0)
            per_inv += lm["vectors"] // inv * (nbeats + math.ceil(nr / a["pe_tiles"]) * nbeats *
                                               d + a["tile_overhead"]) + \
                a["pipeline_latency"] - a["tile_overhead"]
        model = inv * per_inv
        if lr["compute_cycles"] != rtl or lm["compute_cycles"] != model or \
                lm["stall_cycles"]["outlier"] != 0:
            fails.append(f"layer {lm['name']}: {d} cycles per beat: RTL compute "
                         f"{lr['compute_cycles']} (want {rtl}), model compute "
                         f"{lm['compute_cycles']} (want {model}), outlier stall "
                         f"{lm['stall_cycles']['outlier']}")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    mode, hqsim = sys.argv[1], sys.argv[2]
    fails = []
    if mode in ("compare", "compare-nm"):
        res = compare(hqsim, sys.argv[3], int(sys.argv[4]), sys.argv[5:], fails,
                      block_exact=mode == "compare")
        if res:
            print(f"model {res['model'][1]:.2f} s, rtl {res['rtl'][1]:.2f} s host")
    elif mode == "same-eval":
        model, images, extra = sys.argv[3], int(sys.argv[4]), sys.argv[5:]
        out = {}
        for full in ("0", "1"):
            p, secs, cmd = run(hqsim, model, images, "rtl", extra, {"HQSIM_RTL_FULL_EVAL": full})
            if p.returncode != 0:
                fails.append(f"{cmd}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
                continue
            j = json.loads(p.stdout)
            print(f"HQSIM_RTL_FULL_EVAL={full}: {j['host_seconds']:.2f} s host, "
                  f"{j['cycles_per_image']} cycles/image")
            for k in ("host_seconds", "peak_rss_bytes", "host_peak_rss_bytes"):
                j.pop(k, None)
            out[full] = j
        if len(out) == 2 and out["0"] != out["1"]:
            diff = sorted(k for k in out["0"] if out["0"][k] != out["1"].get(k))
            fails.append(f"{model}: one eval per clock changes the report: {diff}")
    elif mode == "refuse":
        model, regex = sys.argv[3], sys.argv[4]
        p, _, cmd = run(hqsim, model, 2, "rtl", sys.argv[5:])
        if p.returncode != 2:
            fails.append(f"{cmd}: exit {p.returncode}, expected 2")
        if not re.search(regex, p.stderr):
            fails.append(f"{cmd}: stderr {p.stderr.strip()!r} does not match {regex!r}")
        if p.stdout.strip():
            fails.append(f"{cmd}: something ran: stdout {p.stdout.strip()[:200]!r}")
    elif mode == "impl":
        model, expected = sys.argv[3], sys.argv[4]
        p, _, cmd = run(hqsim, model, 3, None, sys.argv[5:])
        j = json.loads(p.stdout) if p.returncode == 0 else {}
        if p.returncode != 0 or j.get("mismatches") != 0 or \
                not j.get("accel_impl", "").startswith(expected):
            fails.append(f"{cmd}: exit {p.returncode}, accel_impl {j.get('accel_impl')!r} "
                         f"(expected {expected!r}), mismatches {j.get('mismatches')}: "
                         f"{p.stderr.strip()[-300:]}")
    elif mode == "digits":
        d, timing = int(sys.argv[5]), json.load(open(sys.argv[6]))["array"]
        res = compare(hqsim, sys.argv[3], int(sys.argv[4]), sys.argv[7:], fails)
        if res:
            digits(res["model"][0], res["rtl"][0], d, timing, fails)
    elif mode == "split-outlier":
        res = compare(hqsim, sys.argv[3], int(sys.argv[4]), ["--arch", "split"] + sys.argv[5:],
                      fails)
        if res:
            m, r = res["model"][0], res["rtl"][0]
            for lm, lr in zip(m["layers"], r["layers"]):
                om, orr = lm["stall_cycles"]["outlier"], lr["stall_cycles"]["outlier"]
                print(f"layer {lm['name']}: outlier stall model {om}, rtl {orr}")
                if om != orr:
                    fails.append(f"layer {lm['name']}: outlier stall model {om}, rtl {orr}")
            if not any(lr["stall_cycles"]["outlier"] for lr in r["layers"]):
                fails.append("no layer has an outlier stall: the check compares nothing")
    elif mode == "bench":
        report, images = sys.argv[3], int(sys.argv[4])
        rest = sys.argv[5:]
        sep = rest.index("--")
        lines = [f"# hqsim run --accel-impl rtl vs model, {images} images each "
                 f"(tests/rtl_platform/check_accel_impl.py bench)",
                 "| model | arch | platform | model host s | rtl host s | slowdown | "
                 "model cycles/image | rtl cycles/image |", "|---|---|---|---:|---:|---:|---:|---:|"]
        for spec in rest[:sep]:
            model, arch = spec.split(":")
            for plat in rest[sep + 1:]:
                res = compare(hqsim, model, images, ["--arch", arch, "--platform", plat], fails)
                if not res:
                    continue
                (m, ms), (r, rs) = res["model"], res["rtl"]
                lines.append(f"| {model.split('/')[-1]} | {arch} | {plat.split('/')[-1]} | "
                             f"{m['host_seconds']:.2f} | {r['host_seconds']:.2f} | "
                             f"{r['host_seconds'] / m['host_seconds']:.1f}x | "
                             f"{m['cycles_per_image']:.0f} | {r['cycles_per_image']:.0f} |")
                print(lines[-1], flush=True)
        os.makedirs(os.path.dirname(os.path.abspath(report)), exist_ok=True)
        with open(report, "w") as f:
            f.write("\n".join(lines) + "\n")
    else:
        sys.exit(__doc__)
    for f in fails:
        print("FAIL:", f)
    print("PASS" if not fails else f"{len(fails)} failures")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
