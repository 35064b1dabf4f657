#!/usr/bin/python3
"""Scale-out test (label cluster): a single-node Slurm cluster in a temporary directory
(munged, slurmctld, slurmd from Debian, own ports and sockets), the smoke sweep through it
with `hqsim sweep --slurm`, its results compared with a local run, then the daemons stopped.

  slurm_cluster.py HQSIM SOURCE_DIR WORK_DIR

Skipped (exit 77, with the reason) when not root or when slurm-wlm / munge are missing."""
import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

HQSIM, SRC, WORK = sys.argv[1:4]
SMOKE = os.path.join(SRC, "configs", "sweeps", "smoke.yaml")
HOST_COLUMNS = {"host_seconds", "train_seconds", "quant_seconds", "fpga_seconds"}
SKIP = 77


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(SKIP)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(what, cond, tries=300):
    """Polls cond (up to tries x 0.1 s; a bound against a hang, not a timing check)."""
    for _ in range(tries):
        if cond():
            return
        time.sleep(0.1)
    raise RuntimeError("%s did not happen" % what)


def table(d):
    with open(os.path.join(d, "results.csv"), newline="") as f:
        return sorted(tuple((k, v) for k, v in r.items() if k not in HOST_COLUMNS)
                      for r in csv.DictReader(f))


def main():
    if os.geteuid() != 0:
        skip("needs root to run slurmctld, slurmd and munged (CI runs it as root)")
    for tool in ("munged", "slurmctld", "slurmd", "sbatch", "scontrol", "sinfo"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            skip("%s not installed (Debian packages slurm-wlm and munge)" % tool)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    t = os.path.join(WORK, "cluster")
    for sub in ("state", "spool", "munge", "log"):
        os.makedirs(os.path.join(t, sub))
    os.chmod(os.path.join(t, "munge"), 0o700)
    key = os.path.join(t, "munge", "munge.key")
    with open(key, "wb") as f:
        f.write(os.urandom(1024))
    os.chmod(key, 0o400)
    sock = os.path.join(t, "munge", "munge.socket")
    host = socket.gethostname().split(".")[0]
    conf = os.path.join(t, "slurm.conf")
    with open(conf, "w") as f:
        f.write("""ClusterName=hqsimtest
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={p1}
SlurmdPort={p2}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={sock}
CredType=cred/munge
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldLogFile={t}/log/slurmctld.log
SlurmdLogFile={t}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
""".format(host=host, p1=free_port(), p2=free_port(), sock=sock, t=t, cpus=os.cpu_count()))
    env = dict(os.environ, SLURM_CONF=conf)
    daemons = []
    try:
        daemons.append(subprocess.Popen(
            ["munged", "--foreground", "--force", "--key-file", key, "--socket", sock,
             "--pid-file", os.path.join(t, "munge", "munged.pid"),
             "--log-file", os.path.join(t, "log", "munged.log"),
             "--seed-file", os.path.join(t, "munge", "munged.seed")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        wait_for("munged socket", lambda: os.path.exists(sock))
        daemons.append(subprocess.Popen(["slurmctld", "-D", "-i", "-f", conf], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        daemons.append(subprocess.Popen(["slurmd", "-D", "-f", conf, "-N", host], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))

        def idle():
            r = subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            return r.returncode == 0 and r.stdout.strip() == "idle"

        try:
            wait_for("the Slurm node to become idle", idle)
        except RuntimeError as e:
            for lg in ("slurmctld.log", "slurmd.log", "munged.log"):
                p = os.path.join(t, "log", lg)
                if os.path.exists(p):
                    print("--- %s\n%s" % (lg, "".join(open(p).readlines()[-15:])))
            fail(str(e))
        print("ok: single-node Slurm cluster up (%s, %d CPUs)" % (host, os.cpu_count()))
        local = os.path.join(WORK, "local")
        r = subprocess.run([HQSIM, "sweep", SMOKE, "-o", local, "--cores", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            fail("local sweep exited %d:\n%s" % (r.returncode, r.stdout))
        viaslurm = os.path.join(WORK, "slurm")
        r = subprocess.run([HQSIM, "sweep", SMOKE, "-o", viaslurm, "--slurm", "--jobs", "4"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            fail("sweep through Slurm exited %d" % r.returncode)
        logs = os.listdir(os.path.join(viaslurm, "slurm"))
        if not logs:
            fail("no Slurm job ran (no job log in %s/slurm)" % viaslurm)
        print("ok: %d steps ran as Slurm jobs" % len(logs))
        if table(viaslurm) != table(local):
            fail("the Slurm run's results.csv differs from the local run's")
        print("ok: results through Slurm equal the local run (%d points)" % len(table(local)))
    finally:
        subprocess.run(["scontrol", "shutdown"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for d in reversed(daemons):
            if d.poll() is None:
                d.send_signal(signal.SIGTERM)
            try:
                d.wait(timeout=20)
            except subprocess.TimeoutExpired:
                d.kill()
                d.wait()
    print("ok: daemons stopped")
    print("PASS cluster")


if __name__ == "__main__":
    main()
