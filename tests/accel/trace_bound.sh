#!/bin/sh
# `hqsim run --trace` holds a bounded number of images (default 10, --trace-images N, 0 = all)
# and says how many: the whole test set used to write over 100 MB.
# usage: trace_bound.sh HQSIM MODELDIR
set -u
hqsim=$1
m=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# invocations FILE: the highest layer invocation in a trace, +1 (= layers x batches traced)
invocations() {
  /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(1 + max(e["args"]["invocation"] for e in d["traceEvents"] if e["ph"] == "X"))' "$1"
}
check() { # IMAGES EXTRA_ARGS WANT_MESSAGE WANT_INVOCATIONS
  "$hqsim" run "$m/mlp-block.hqm" --images "$1" $2 --trace "$tmp/t.json" >"$tmp/out" 2>&1 ||
    { echo "FAIL: run --images $1 $2: $(cat "$tmp/out")"; fails=$((fails + 1)); return; }
  grep -q -- "$3" "$tmp/out" || { echo "FAIL: no '$3' in: $(cat "$tmp/out")"; fails=$((fails + 1)); }
  got=$(invocations "$tmp/t.json")
  [ "$got" = "$4" ] || { echo "FAIL: --images $1 $2: $got layer invocations traced, want $4"; fails=$((fails + 1)); }
}
# the fixture's MLP has 3 weighted layers: one invocation each per batch
check 25 "" "trace of 10 of 25 images (--trace-images N to change, 0 = all)" 30
check 25 "--trace-images 0" "trace of 25 of 25 images" 75
check 25 "--trace-images 3" "trace of 3 of 25 images" 9
check 25 "--trace-images 3 --batch 4" "trace of 4 of 25 images" 3
check 5 "" "trace of 5 of 5 images" 15
[ "$fails" -eq 0 ] || { echo "trace_bound: $fails case(s) failed"; exit 1; }
echo "trace_bound: all cases passed"
