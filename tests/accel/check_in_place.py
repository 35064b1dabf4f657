#!/usr/bin/python3
"""Runs `hqsim run MODEL --images N --json --stats` twice, with the weight images read in place
(the default) and copied and compared (HQSIM_ACCEL_COPY_WEIGHTS=1, as before issue 16's
in-place reads), and checks that both reports and both statistics files are identical but for
the host's own times, and that the run has 0 mismatches.

usage: check_in_place.py HQSIM MODEL IMAGES [hqsim run options...]
"""
import json
import os
import subprocess
import sys
import tempfile

HOST_KEYS = {"host_seconds", "mips", "wall_seconds"}  # the host's time, not the model's


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in HOST_KEYS}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o


def run(hqsim, model, images, extra, tmp, copy):
    stats = os.path.join(tmp, f"stats-{copy}.json")
    env = dict(os.environ)
    env.pop("HQSIM_ACCEL_COPY_WEIGHTS", None)
    if copy:
        env["HQSIM_ACCEL_COPY_WEIGHTS"] = "1"
    cmd = [hqsim, "run", model, "--images", images, "--json", "--quiet", "--stats", stats] + extra
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        print(f"FAIL: {' '.join(cmd)} (copy={copy}) exited {p.returncode}: {p.stderr.strip()}")
        sys.exit(1)
    with open(stats) as f:
        return json.loads(p.stdout), json.load(f)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    hqsim, model, images, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with tempfile.TemporaryDirectory() as tmp:
        new_r, new_s = run(hqsim, model, images, extra, tmp, False)
        old_r, old_s = run(hqsim, model, images, extra, tmp, True)
    if new_r["mismatches"] != 0:
        print(f"FAIL: {new_r['mismatches']} mismatches")
        return 1
    for what, a, b in (("report", new_r, old_r), ("statistics", new_s, old_s)):
        a, b = strip(a), strip(b)
        if a != b:
            diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            print(f"FAIL: the {what} differs between in-place and copied weights: keys {diff}")
            return 1
    print(f"ok: {new_r['images']} images, {new_r['cycles']} cycles, identical reports and "
          "statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
