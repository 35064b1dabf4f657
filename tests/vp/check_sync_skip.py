#!/usr/bin/python3
"""Issue 16: runs an `hqsim run` command twice, with the CPU waiting at every quantum boundary
(HQSIM_CPU_SYNC_EVERY_QUANTUM=1, as before) and passing the idle ones (the default), and
checks that both give the same results: stdout (a --json report: every field but host_seconds
and mips), stderr (but the CPU's synchronisation counts and host-time lines), the exit status, and every file the
command writes into {out} (an argument containing {out} names a file in a fresh directory per
run: traces, VCD, CSV, measurement files; their date lines and host time aside). Also checks that boundaries were skipped (else the
comparison proves nothing) and, with --min-syncs N, that at least N were not (a run whose
devices must be seen, e.g. a timer interrupt while the CPU computes).

usage: check_sync_skip.py [--exit N] [--min-syncs N] [--no-skip-ok] -- HQSIM_COMMAND..."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

STATS = re.compile(r"^(\S+): (\d+) quantum synchronisations, (\d+) skipped$", re.M)
# the summary's host time and MIPS; the progress lines, every 5 s of host time
HOST = re.compile(r"^(  host .*|hqsim run: .* M instructions, .* ms simulated, .* s host)$", re.M)


def host_free(text):
    """A --json report or --stats file without its host-time fields."""
    try:
        rep = json.loads(text)
    except ValueError:
        return text
    for k in ("host_seconds", "mips"):
        rep.pop(k, None)
    return json.dumps(rep, indent=1, sort_keys=True)


def normalised(data, out):
    """A file's bytes without what differs between any two runs: the directory it was written
    to (in the command line a measurement file records), its date (measurement file, VCD),
    host time."""
    data = re.sub(rb"^# date: .*$", b"", data.replace(out.encode(), b"{out}"), flags=re.M)
    data = re.sub(rb"^\$date\n.*?\n\$end", b"$date $end", data, flags=re.M)  # VCD header
    try:
        return host_free(data.decode()).encode()
    except UnicodeDecodeError:
        return data


def run(cmd, every, tmp):
    out = os.path.join(tmp, "every" if every else "skip")
    os.makedirs(out)
    env = dict(os.environ, HQSIM_CPU_SYNC_STATS="1",
               HQSIM_CPU_SYNC_EVERY_QUANTUM="1" if every else "0")
    p = subprocess.run([a.replace("{out}", out) for a in cmd], capture_output=True, text=True,
                       env=env, timeout=600)
    syncs = skips = 0
    for m in STATS.finditer(p.stderr):
        syncs += int(m.group(2))
        skips += int(m.group(3))
    err = HOST.sub("", STATS.sub("", p.stderr)).replace(out, "{out}")
    stdout = host_free(p.stdout.replace(out, "{out}"))
    files = {}
    for root, _, names in os.walk(out):
        for n in names:
            f = os.path.join(root, n)
            with open(f, "rb") as fh:
                files[os.path.relpath(f, out)] = normalised(fh.read(), out)
    return p.returncode, stdout, err, files, syncs, skips


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exit", type=int, default=0, help="the exit status both runs must have")
    ap.add_argument("--min-syncs", type=int, default=0)
    ap.add_argument("--no-skip-ok", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    fail = []
    with tempfile.TemporaryDirectory() as tmp:
        e = run(cmd, True, tmp)
        s = run(cmd, False, tmp)
    for what, i in (("exit status", 0), ("stdout", 1), ("stderr", 2)):
        if e[i] != s[i]:
            fail.append(f"{what} differs:\n--- every quantum\n{str(e[i])[-2000:]}\n"
                        f"--- skipping\n{str(s[i])[-2000:]}")
    if sorted(e[3]) != sorted(s[3]):
        fail.append(f"files differ: {sorted(e[3])} vs {sorted(s[3])}")
    for name in sorted(set(e[3]) & set(s[3])):
        if e[3][name] != s[3][name]:
            fail.append(f"file {name} differs ({len(e[3][name])} vs {len(s[3][name])} bytes)")
    if s[0] != a.exit:
        fail.append(f"exit status {s[0]}, expected {a.exit}")
    if e[5] != 0:
        fail.append(f"HQSIM_CPU_SYNC_EVERY_QUANTUM=1 still skipped {e[5]} boundaries")
    if s[5] == 0 and not a.no_skip_ok:
        fail.append("no quantum boundary was skipped: the comparison proves nothing")
    if s[4] < a.min_syncs:
        fail.append(f"{s[4]} synchronisations with skipping, expected at least {a.min_syncs}")
    print(f"every quantum: {e[4]} synchronisations; skipping: {s[4]} synchronisations, "
          f"{s[5]} boundaries skipped; exit {s[0]}; {len(s[3])} output files compared")
    if fail:
        print("command:", " ".join(cmd))
        for f in fail:
            print("FAILED:", f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
