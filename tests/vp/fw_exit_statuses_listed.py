#!/usr/bin/python3
"""`hqsim run --fw`'s help (`hqsim run --help`, `hqsim run --fw --help`) lists every exit
status of the accelerator runtime (sw/fw/accel): each HQ_ACCEL_EXIT_* the runtime's sources
use, with its code and text from
HQ_ACCEL_RUNTIME_EXITS in include/hq/hq_accel_net.h (the one list), and the accelerator's error
range (HQ_ACCEL_EXIT_ACCEL_ERROR + E).

usage: fw_exit_statuses_listed.py HQSIM SOURCE_DIR"""
import glob
import os
import re
import subprocess
import sys


def main():
    hqsim, root = sys.argv[1], sys.argv[2]
    header = open(os.path.join(root, "include", "hq", "hq_accel_net.h")).read()
    listed = {m[0]: (int(m[1]), m[2])
              for m in re.findall(r'X\((\w+), (\d+), "([^"]*)"\)', header)}
    base = int(re.search(r"#define HQ_ACCEL_EXIT_ACCEL_ERROR (\d+)", header).group(1))
    used = set()
    for path in glob.glob(os.path.join(root, "sw", "fw", "accel", "*.[ch]")):
        used |= set(re.findall(r"HQ_ACCEL_EXIT_([A-Z0-9_]*[A-Z0-9])\b", open(path).read()))
    used -= {"OK", "ACCEL_ERROR"}
    failures = ["the runtime exits with HQ_ACCEL_EXIT_%s, which HQ_ACCEL_RUNTIME_EXITS does not "
                "list" % n for n in sorted(used - set(listed))]
    for args in (["--help"], ["--fw", "--help"]):
        cmd = "hqsim run " + " ".join(args)
        p = subprocess.run([hqsim, "run"] + args, capture_output=True, text=True)
        if p.returncode != 0:
            failures.append("%s exited %d: %s" % (cmd, p.returncode, p.stderr.strip()))
        for name, (code, what) in sorted(listed.items(), key=lambda kv: kv[1]):
            if not re.search(r"^\s+%d\s+%s$" % (code, re.escape(what)), p.stdout, re.M):
                failures.append("%s lacks status %d (%s): %s" % (cmd, code, name, what))
        if not re.search(r"^\s+%d\+E\s+the accelerator's error E" % base, p.stdout, re.M):
            failures.append("%s lacks the accelerator's errors %d+E" % (cmd, base))
    for f in failures:
        print("FAIL: " + f)
    print("%d runtime statuses used, %d listed, %d failures" % (len(used), len(listed),
                                                                 len(failures)))
    return 1 if failures or not listed else 0


if __name__ == "__main__":
    sys.exit(main())
