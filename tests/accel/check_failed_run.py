#!/usr/bin/python3
"""A run the accelerator stops with an error (issue 11): `hqsim run --json` must exit 3 and
report the error, images_completed + images_failed == images, and never count an uncomputed
image as matching: with no image completed, accuracy and mismatches are null and correct is 0.

usage: check_failed_run.py HQSIM MODEL IMAGES [hqsim run options...]
"""
import json
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    hqsim, model, images, extra = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    cmd = [hqsim, "run", model, "--images", str(images), "--json", "--quiet"] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 3:
        fail(f"{' '.join(cmd)} exited {p.returncode}, want 3: {p.stderr.strip()}")
    r = json.loads(p.stdout)
    for key in ["images", "images_completed", "images_failed", "mismatches", "accuracy",
                "correct", "error", "exit_code"]:
        if key not in r:
            fail(f"key {key} missing from the report")
    done, failed = r["images_completed"], r["images_failed"]
    if r["images"] != images or done + failed != images or failed < 1:
        fail(f"images {r['images']}: {done} completed + {failed} failed")
    if r["exit_code"] == 0 or "accelerator reported error" not in r["error"]:
        fail(f"exit_code {r['exit_code']}, error '{r['error']}'")
    if f"{done} of {images} images completed" not in r["error"]:
        fail(f"the error does not say how many images completed: '{r['error']}'")
    if f"{done} of {images} images completed" not in p.stderr:
        fail(f"stderr does not say how many images completed: {p.stderr.strip()}")
    if done == 0:
        if r["mismatches"] is not None or r["accuracy"] is not None or r["correct"] != 0:
            fail(f"nothing computed, yet mismatches {r['mismatches']}, accuracy "
                 f"{r['accuracy']}, correct {r['correct']}")
    elif not (0 <= r["mismatches"] <= done and r["correct"] <= done):
        fail(f"mismatches {r['mismatches']} / correct {r['correct']} not over {done} images")
    print(f"ok: exit 3, {done} of {images} completed, mismatches {r['mismatches']}, "
          f"error: {r['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
