#!/usr/bin/python3
"""Snakemake --cluster-status for Slurm without accounting (no slurmdbd): prints running,
success or failed for a job id, from `scontrol show job` (jobs stay there MinJobAge seconds)
and, once gone, from `sacct` if it works; a job Slurm no longer knows is taken as finished,
and Snakemake then checks its output file."""
import re
import subprocess
import sys

job = sys.argv[1].split(";")[0].strip()
r = subprocess.run(["scontrol", "show", "job", job], stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL, text=True)
m = re.search(r"JobState=(\S+)", r.stdout)
state = m.group(1) if m else None
if state is None:
    r = subprocess.run(["sacct", "-n", "-X", "-P", "-j", job, "-o", "State"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    state = r.stdout.split()[0] if r.returncode == 0 and r.stdout.split() else "COMPLETED"
if state == "COMPLETED":
    print("success")
elif state in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED",
               "RESIZING"):
    print("running")
else:
    print("failed")
