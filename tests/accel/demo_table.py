#!/usr/bin/python3
"""scripts/accel_demo_table.py (the table of scripts/accel-demo) keeps its columns aligned
when the policy label is long (the default policy's 73-character label used to push its row
out of the header's columns): on two real `hqsim run --json` reports of the fixture models,
every header column ends where the rows' numbers end.

usage: demo_table.py HQSIM MODELS_DIR SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile


def ends(line):
    """Where each column ends (columns are separated by two or more spaces)."""
    return {m.end() for m in re.finditer(r"\S+(?: \S+)*", line)}


def main():
    hqsim, models, src = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        reports = []
        for model, arch in [("mlp-dense.hqm", "uniform8"), ("mlp-block.hqm", "lanegroup")]:
            out = os.path.join(tmp, arch + ".json")
            with open(out, "w") as f:
                subprocess.run([hqsim, "run", os.path.join(models, model), "--arch", arch,
                                "--images", "5", "--quiet", "--json"], stdout=f, check=True)
            reports.append(out)
        fails = 0
        for policy in ["lo=2,hi=8,frac=0.02,select=saliency,struct=nm:1:32;last=uniform8",
                       "short", "lo=2,hi=8,frac=0.04,struct=nm:2:16;L0=uniform8;L1=uniform4;" * 2]:
            p = subprocess.run(["/usr/bin/python3", os.path.join(src, "scripts", "accel_demo_table.py")]
                               + reports + [policy], capture_output=True, text=True, check=True)
            header, *rows = p.stdout.splitlines()[:3]
            for r in rows:
                missing = sorted(ends(header) - ends(r))
                if missing:
                    print(f"FAIL: policy {policy[:30]}...: header columns end at {missing}, "
                          f"the row does not:\n{header}\n{r}")
                    fails += 1
            print(p.stdout)
        return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
