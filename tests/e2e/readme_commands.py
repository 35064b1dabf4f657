#!/usr/bin/python3
"""Runs every command of the README's command blocks (```sh) so the README cannot drift from
the program. `hqsim` lines run with the built binary in a scratch directory, in order (later
commands use the models earlier ones wrote), with small sizes so the test takes seconds:
train gets --epochs 1 --train-images 2000, quantize --qat-epochs 1 --train-images 2000
--calib 200, eval --images 200, run on a model --images 20 (a given --images is replaced).
`build/` and `configs/` arguments point into the build and source trees. Lines that are not
hqsim commands must be listed in SKIP with the reason (so a new kind of line is noticed), and
every `--flag` the README's subcommand table shows must appear in that subcommand's --help.

usage: readme_commands.py [--no-rtl] SOURCE_DIR BUILD_DIR WORKDIR  (--no-rtl: a build without the
Verilated tile; its --pe-impl rtl line is skipped)
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

SKIP = {
    "scripts/demo": "the whole default job (minutes); its steps are the hqsim lines",
    "scripts/test": "runs this test suite",
    "scripts/setup": "installs packages and builds",
    "cmake": "a second (sanitizer) build, or the install (run by the test e2e_install_prefix)",
    "~/.local/bin/hqsim": "the installed hqsim; e2e_install_prefix installs and runs it",
    "ctest": "runs the test suites",
}
# Scripts of the source tree that run (in the work folder) like the hqsim lines.
RUN_SCRIPTS = {"scripts/onnx-zoo.py"}
# hqsim lines left out, with the reason.
SKIP_HQSIM = {
    "--gdb": "waits for a debugger; the gdb session is the test vp_run_gdb_session",
}


def command_lines(readme):
    """The lines of ```sh blocks, continuations joined, comments dropped."""
    lines, block, cont = [], False, ""
    for raw in open(readme, encoding="utf-8"):
        line = raw.rstrip("\n")
        if line.startswith("```"):
            block = line.strip() == "```sh"
            continue
        if not block:
            continue
        if line.rstrip().endswith("\\"):
            cont += line.rstrip()[:-1] + " "
            continue
        line, cont = cont + line, ""
        words = shlex.split(line, comments=True)
        if words:
            lines.append(words)
    return lines


def set_option(words, flag, value):
    if flag in words:
        words[words.index(flag) + 1] = value
    else:
        words += [flag, value]


def rewrite(words, src, build):
    w = list(words)
    sub = w[1] if len(w) > 1 else ""
    if sub == "train":
        set_option(w, "--epochs", "1")
        set_option(w, "--train-images", "2000")
    elif sub == "quantize":
        if "--qat-epochs" in w:
            set_option(w, "--qat-epochs", "1")
            set_option(w, "--train-images", "2000")
        if "--synthetic-inputs" not in w:  # a model without a dataset calibrates on those
            set_option(w, "--calib", "200")
    elif sub == "eval":
        set_option(w, "--images", "200")
    elif sub == "run" and "--fw" not in w[2:3] and "--synthetic-inputs" not in w:
        set_option(w, "--images", "20")
    out = [os.path.join(build, "sw", "cli", "hqsim")]
    for a in w[1:]:
        if a.startswith("build/"):
            a = os.path.join(build, a[len("build/"):])
        elif a.startswith("configs/"):
            a = os.path.join(src, a)
        out.append(a)
    return out


def check_table(readme, hqsim):
    """Every --flag in the README's subcommand table is in the subcommand's --help."""
    bad = []
    for line in open(readme, encoding="utf-8"):
        m = re.match(r"\| `(train|quantize|eval|pack|info|run) ([^`]*)`", line)
        if not m:
            continue
        helps = subprocess.run([hqsim, m.group(1), "--help"], capture_output=True, text=True).stdout
        if m.group(1) == "run":
            helps += subprocess.run([hqsim, "run", "x.hqm", "--help"], capture_output=True,
                                    text=True).stdout
        for flag in re.findall(r"--[a-z][a-z0-9-]*", m.group(2)):
            if not re.search(re.escape(flag) + r"\b", helps):
                bad.append(f"{m.group(1)} {flag}")
    return bad


def main():
    args = sys.argv[1:]
    if "--no-rtl" in args:  # this build has no Verilated tile: --pe-impl rtl exits 2 by design
        args.remove("--no-rtl")
        SKIP_HQSIM["rtl"] = "built without the RTL tile (HQSIM_BUILD_RTL=OFF or no verilator)"
    if len(args) != 3:
        print(__doc__)
        return 2
    src, build, work = (os.path.abspath(a) for a in args)
    readme = os.path.join(src, "README.md")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures, ran = [], 0
    for words in command_lines(readme):
        if words[0] in RUN_SCRIPTS:
            cmd = ["/usr/bin/python3", os.path.join(src, words[0])] + words[1:]
            p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600)
            ran += 1
            print(f"{'ok' if p.returncode == 0 else 'FAIL'} ({p.returncode}): {shlex.join(words)}")
            if p.returncode != 0:
                failures.append(f"{shlex.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
            continue
        if words[0] != "hqsim":
            if words[0] not in SKIP:
                failures.append(f"not an hqsim command and not in SKIP: {shlex.join(words)}")
            continue
        skip = [f for f in SKIP_HQSIM if f in words]
        if skip:
            print(f"skip: {shlex.join(words)} ({SKIP_HQSIM[skip[0]]})")
            continue
        cmd = rewrite(words, src, build)
        p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600)
        ran += 1
        print(f"{'ok' if p.returncode == 0 else 'FAIL'} ({p.returncode}): {shlex.join(words)}")
        if p.returncode != 0:
            failures.append(f"{shlex.join(cmd)} exited {p.returncode}:\n{p.stderr[-2000:]}")
    missing = check_table(readme, os.path.join(build, "sw", "cli", "hqsim"))
    failures += [f"README table flag not in --help: {m}" for m in missing]
    if ran < 10:
        failures.append(f"only {ran} hqsim commands found in the README")
    for f in failures:
        print("FAIL: " + f)
    print(f"{ran} README commands run, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
