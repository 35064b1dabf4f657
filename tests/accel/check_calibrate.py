#!/usr/bin/python3
"""Measurement files, hqsim compare and hqsim calibrate (issue 15, docs/measurements.md):

- `hqsim run --measure`: the firmware's UART rows agree with the run's statistics;
- a deliberately wrong timing parameter (descriptor.fetch_cycles) is detected by
  `hqsim compare --threshold` and recovered by `hqsim calibrate` from files the model wrote
  with the true config (fit set and a held-out set with another batch size); the same for
  row_params.cycles_per_row, also from a base config without the key, and from a start on a
  plateau (the ladder of start values); the same for row_params.tail_cycles_per_row;
- bad or corrupt measurement files give exit 2 and a message naming file, line and problem.

usage: check_calibrate.py HQSIM MODEL TIMING_DEFAULT_JSON
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, expect=None):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode < 0:
        fail("%s crashed (signal %d)\n%s" % (" ".join(cmd), -p.returncode, p.stderr))
    if expect is not None and p.returncode != expect:
        fail("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
             (" ".join(cmd), p.returncode, expect, p.stdout, p.stderr))
    return p


def read_measure(path):
    header, rows, cols = {}, [], None
    with open(path) as f:
        lines = f.read().splitlines()
    if lines[0] != "# hqsim measurements 1":
        fail("%s: first line %r" % (path, lines[0]))
    for ln in lines[1:]:
        if ln.startswith("# "):
            k, v = ln[2:].split(": ", 1)
            header[k] = v
        elif cols is None:
            cols = ln.split(",")
        else:
            rows.append(dict(zip(cols, ln.split(","))))
    return header, rows


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    hqsim, model, default_timing = sys.argv[1:]
    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        fit = os.path.join(tmp, "fit.csv")
        held = os.path.join(tmp, "held.csv")
        p = run([hqsim, "run", model, "--images", "10", "--batch", "5", "--json", "--quiet",
                 "--measure", fit], 0)
        rep = json.loads(p.stdout)
        run([hqsim, "run", model, "--images", "6", "--batch", "2", "--quiet", "--measure", held],
            0)
        header, rows = read_measure(fit)
        for k in ("source", "clock_hz", "arch", "model", "model_sha256", "platform",
                  "platform_sha256", "timing", "timing_sha256", "images", "batch", "chain",
                  "tools", "date"):
            if k not in header:
                fail("header key %s missing" % k)
        with open(model, "rb") as f:
            if header["model_sha256"] != hashlib.sha256(f.read()).hexdigest():
                fail("model_sha256 is not the model's SHA-256")
        n_layers = len(rep["layers"])
        if len(rows) != 2 * n_layers:
            fail("%d rows, expected 2 batches x %d layers" % (len(rows), n_layers))
        if sum(int(r["cycles"]) for r in rows) != rep["cycles"]:
            fail("the UART rows' cycles differ from the report's")
        for li, layer in enumerate(rep["layers"]):
            lr = [r for r in rows if int(r["layer"]) == li]
            for key, col in (("cycles", "cycles"), ("compute_cycles", "compute"),
                             ("output_cycles", "output"), ("control_cycles", "control")):
                if sum(int(r[col]) for r in lr) != layer[key]:
                    fail("layer %d: %s of the rows differs from the report" % (li, col))
        checks += 1

        # A wrong timing parameter: detected, then recovered.
        with open(default_timing) as f:
            true_cfg = json.load(f)
        wrong_cfg = json.loads(json.dumps(true_cfg))
        wrong_cfg["descriptor"]["fetch_cycles"] = 200
        wrong = os.path.join(tmp, "wrong.json")
        with open(wrong, "w") as f:
            json.dump(wrong_cfg, f)
        run([hqsim, "compare", fit, "--threshold", "0.01"], 0)
        p = run([hqsim, "compare", fit, "--timing", wrong, "--threshold", "5"], 1)
        if "above --threshold" not in p.stderr:
            fail("compare did not report the threshold: " + p.stderr)
        checks += 1
        cal = os.path.join(tmp, "cal.json")
        png = os.path.join(tmp, "cal.png")
        p = run([hqsim, "calibrate", fit, "--holdout", held, "--timing", wrong, "--params",
                 "descriptor.fetch_cycles", "-o", cal, "--png", png], 0)
        with open(cal) as f:
            got = json.load(f)
        if got["descriptor"]["fetch_cycles"] != true_cfg["descriptor"]["fetch_cycles"]:
            fail("calibrate gave fetch_cycles %s, the true value is %s\n%s" %
                 (got["descriptor"]["fetch_cycles"], true_cfg["descriptor"]["fetch_cycles"],
                  p.stdout))
        src = got["source"]
        with open(fit, "rb") as f:
            fit_sha = hashlib.sha256(f.read()).hexdigest()
        files = {m["file"]: m for m in src["measurements"]}
        if files.get(fit, {}).get("sha256") != fit_sha or files.get(held, {}).get("set") != \
                "held-out":
            fail("provenance does not name the files and hashes: %s" % src["measurements"])
        for k in ("date", "fitted", "residuals", "base", "base_sha256"):
            if k not in src:
                fail("provenance key %s missing" % k)
        if src["residuals"]["held-out"]["layer_max_abs_error_after"] > 1e-9:
            fail("held-out error after calibration: %s" % src["residuals"])
        with open(png, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                fail("--png did not write a PNG")
        run([hqsim, "compare", held, "--timing", cal, "--threshold", "0.01"], 0)
        checks += 1
        # The row-parameter path (issue 15): files measured with cycles_per_row 7 (slower than
        # the default bus's 3 cycles per 12-byte row, so it shows), fitted from a base that has
        # 0, and from one without the key (configs written before the term: 0).
        t7_cfg = json.loads(json.dumps(true_cfg))
        t7_cfg["row_params"] = {"cycles_per_row": 7}
        t7 = os.path.join(tmp, "t7.json")
        with open(t7, "w") as f:
            json.dump(t7_cfg, f)
        fit7 = os.path.join(tmp, "fit7.csv")
        run([hqsim, "run", model, "--images", "4", "--batch", "2", "--quiet", "--timing", t7,
             "--measure", fit7], 0)
        p = run([hqsim, "compare", fit7, "--threshold", "5"], 1)
        if "above --threshold" not in p.stderr:
            fail("compare did not see cycles_per_row 0 against 7: " + p.stderr)
        no_key = os.path.join(tmp, "nokey.json")
        with open(no_key, "w") as f:
            json.dump({k: v for k, v in true_cfg.items() if k != "row_params"}, f)
        for base in (default_timing, no_key):
            p = run([hqsim, "calibrate", fit7, "--timing", base, "--params",
                     "row_params.cycles_per_row", "-o", cal], 0)
            with open(cal) as f:
                got = json.load(f)
            if got["row_params"]["cycles_per_row"] != 7:
                fail("calibrate from %s gave cycles_per_row %s, the true value is 7\n%s" %
                     (base, got["row_params"]["cycles_per_row"], p.stdout))
        run([hqsim, "compare", fit7, "--timing", cal, "--threshold", "0.01"], 0)
        checks += 1
        # A start on a plateau: from cycles_per_row 1 (hidden under the DMA's pace, as is
        # every value up to about 3) and fetch_cycles 30, the simplex alone leaves
        # cycles_per_row where it is and puts its cost into fetch_cycles (223); the ladder of
        # start values reaches the true 20 and 8.
        t20_cfg = json.loads(json.dumps(true_cfg))
        t20_cfg["row_params"] = {"cycles_per_row": 20}
        t20 = os.path.join(tmp, "t20.json")
        with open(t20, "w") as f:
            json.dump(t20_cfg, f)
        t1_cfg = json.loads(json.dumps(true_cfg))
        t1_cfg["row_params"] = {"cycles_per_row": 1}
        t1_cfg["descriptor"]["fetch_cycles"] = 30
        t1 = os.path.join(tmp, "t1.json")
        with open(t1, "w") as f:
            json.dump(t1_cfg, f)
        fit20 = os.path.join(tmp, "fit20.csv")
        run([hqsim, "run", model, "--images", "4", "--batch", "2", "--quiet", "--timing", t20,
             "--measure", fit20], 0)
        p = run([hqsim, "calibrate", fit20, "--timing", t1, "--params",
                 "descriptor.fetch_cycles,row_params.cycles_per_row", "-o", cal], 0)
        with open(cal) as f:
            got = json.load(f)
        if got["row_params"]["cycles_per_row"] != 20 or got["descriptor"]["fetch_cycles"] != 8:
            fail("calibrate from cycles_per_row 1, fetch_cycles 30 gave %s, %s; the true values "
                 "are 20, 8\n%s" % (got["row_params"]["cycles_per_row"],
                                    got["descriptor"]["fetch_cycles"], p.stdout))
        checks += 1
        # The row-parameter path's tail after the DMA (issue 15): files measured with
        # tail_cycles_per_row 4 (default.json: 0) fail compare, and calibrate recovers it.
        tt_cfg = json.loads(json.dumps(true_cfg))
        tt_cfg["row_params"]["tail_cycles_per_row"] = 4
        tt = os.path.join(tmp, "tail4.json")
        with open(tt, "w") as f:
            json.dump(tt_cfg, f)
        fitt = os.path.join(tmp, "fit-tail.csv")
        run([hqsim, "run", model, "--images", "4", "--batch", "2", "--quiet", "--timing", tt,
             "--measure", fitt], 0)
        p = run([hqsim, "compare", fitt, "--threshold", "5"], 1)
        if "above --threshold" not in p.stderr:
            fail("compare did not see tail_cycles_per_row 0 against 4: " + p.stderr)
        p = run([hqsim, "calibrate", fitt, "--params", "row_params.tail_cycles_per_row", "-o",
                 cal], 0)
        with open(cal) as f:
            got = json.load(f)["row_params"]["tail_cycles_per_row"]
        if abs(got - 4) > 0.25:
            fail("calibrate gave tail_cycles_per_row %s, the true value is 4\n%s" % (got, p.stdout))
        run([hqsim, "compare", fitt, "--timing", cal, "--threshold", "0.5"], 0)
        checks += 1

        # All default parameters: the fit must not be worse than the wrong start.
        p = run([hqsim, "calibrate", fit, "--timing", wrong, "-o", cal, "--max-evals", "60"], 0)
        with open(cal) as f:
            res = json.load(f)["source"]["residuals"]["fit"]
        if not res["layer_max_abs_error_after"] < res["layer_max_abs_error_before"] / 10:
            fail("the full fit did not reduce the error tenfold: %s\n%s" % (res, p.stdout))
        checks += 1

        # Small evaluation budgets end the fit early with a result, never an abort (GSL's
        # default error handler aborted when a restart's simplex met the spent budget).
        for evals in ("1", "2", "3", "5", "12"):
            run([hqsim, "calibrate", fit, "--timing", wrong, "--params",
                 "descriptor.fetch_cycles", "-o", cal, "--max-evals", evals], 0)
            with open(cal) as f:
                json.load(f)["source"]
        checks += 1

        # GSL is loaded on demand (sw/lib/ondemand.h): one that cannot be loaded fails the fit
        # with a message naming it, writing nothing; no crash.
        for lib, msg in (("/nonexistent/libgsl.so.27", "cannot load /nonexistent/libgsl.so.27"),
                         ("libz.so.1", "libz.so.1 has no symbol gsl_set_error_handler")):
            nolib = os.path.join(tmp, "nolib.json")
            p = subprocess.run([hqsim, "calibrate", fit, "--timing", wrong, "--params",
                                "descriptor.fetch_cycles", "-o", nolib, "--max-evals", "5"],
                               capture_output=True, text=True, env=dict(os.environ, HQSIM_GSL_LIB=lib))
            if p.returncode != 1 or "the fit needs GSL: " not in p.stderr or \
                    msg not in p.stderr or \
                    os.path.exists(nolib):
                fail("calibrate without GSL (%s): exit %d, stderr %s" % (lib, p.returncode, p.stderr))
        checks += 1

        # Bad and corrupt files: exit 2, a message naming the problem.
        with open(fit) as f:
            good = f.read().splitlines()
        first_row = next(i for i, ln in enumerate(good) if ln and ln[0].isdigit())
        cases = {
            "missing": (None, "No such file"),
            "empty": ("", "empty file"),
            "magic": ("batch,layer\n", "not a measurement file"),
            "version": ("\n".join(["# hqsim measurements 2"] + good[1:]), "version"),
            "no source": ("\n".join(l for l in good if not l.startswith("# source:")),
                          "'source' missing"),
            "bad column": ("\n".join(good[:first_row - 1] +
                                     [good[first_row - 1].replace("cycles", "cycle", 1)] +
                                     good[first_row:]), "expected 'cycles'"),
            "text counter": ("\n".join(good[:first_row] +
                                       [good[first_row].rsplit(",", 1)[0] + ",x12"] +
                                       good[first_row + 1:]), "column rd_stall"),
            "truncated row": ("\n".join(good[:first_row] + [good[first_row][:40]]),
                              "fields, the column line has"),
            "classes": ("\n".join(good[:first_row] + [
                ",".join(v if i != 19 else str(int(v) + 1)
                         for i, v in enumerate(good[first_row].split(",")))] +
                good[first_row + 1:]), "differ from the sum of the classes"),
            "model hash": ("\n".join(
                "# model_sha256: " + "0" * 64 if l.startswith("# model_sha256:") else l
                for l in good), "SHA-256"),
            "no rows": ("\n".join(good[:first_row]), "no rows"),
        }
        for name, (text, want) in cases.items():
            path = os.path.join(tmp, "bad-%s.csv" % name.replace(" ", "-"))
            if text is not None:
                with open(path, "w") as f:
                    f.write(text + ("\n" if text else ""))
            for cmd in ([hqsim, "compare", path],
                        [hqsim, "calibrate", path, "-o", os.path.join(tmp, "x.json")]):
                p = run(cmd, 2)
                if want not in p.stderr:
                    fail("%s: %s: message %r lacks %r" % (name, cmd[1], p.stderr, want))
                if text is not None and name != "model hash" and path not in p.stderr:
                    fail("%s: the message does not name the file: %r" % (name, p.stderr))
            checks += 1
        if os.path.exists(os.path.join(tmp, "x.json")):
            fail("calibrate wrote an output from a bad file")
        for sub in ("compare", "calibrate"):
            p = run([hqsim, sub, "--help"], 0)
            if "usage: hqsim " + sub not in p.stdout:
                fail(sub + " --help")
            run([hqsim, sub], 2)
            run([hqsim, sub, fit, "--bogus"], 2)
        checks += 1
    print("check_calibrate: %d checks passed" % checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
