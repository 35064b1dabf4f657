"""`hqsim run ... --json --quiet` for the checkers of its report (check_memory_json.py,
check_weight_cache_json.py): exits with FAIL and the command on a nonzero status or when a
key the checker reads is not an integer."""
import json
import subprocess
import sys


def run_json(hqsim, args, int_keys):
    cmd = [hqsim, "run"] + list(args) + ["--json", "--quiet"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    r = json.loads(p.stdout)
    for k in int_keys:
        if not isinstance(r.get(k), int):
            sys.exit("FAIL: %s: no integer %s in the report" % (" ".join(cmd), k))
    return r
