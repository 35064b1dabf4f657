#!/usr/bin/python3
"""`hqsim run MODEL --json` reports the decoded-weight cache: weight_cache_misses is one per
weighted descriptor, decoded on its first invocation, whatever the number of batches, and every
later invocation is a hit: 1 batch gives hits 0, B batches (B - 1) x the misses.

usage: check_weight_cache_json.py HQSIM MODEL.hqm"""
import sys

from hqsim_json import run_json


def run(hqsim, model, images):
    r = run_json(hqsim, [model, "--images", str(images), "--batch", "1"],
                 ("weight_cache_hits", "weight_cache_misses"))
    weighted = sum(1 for l in r["layers"] if l.get("macs", 0) > 0)
    return r["weight_cache_hits"], r["weight_cache_misses"], weighted


def main():
    hqsim, model = sys.argv[1], sys.argv[2]
    h1, m1, w = run(hqsim, model, 1)
    h4, m4, _ = run(hqsim, model, 4)
    print("1 image: %d hits, %d misses; 4 images: %d hits, %d misses; %d weighted layers" % (
        h1, m1, h4, m4, w))
    ok = m1 == w and h1 == 0 and m4 == m1 and h4 == 3 * m1 and w > 0
    if not ok:
        print("FAIL: expected %d misses in both runs, 0 hits with 1 image and %d with 4" % (
            w, 3 * w))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
