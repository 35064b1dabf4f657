#!/bin/sh
# `hqsim board image` on bad input: a clear message and exit status 2, no output file.
# usage: image_errors.sh HQSIM MODELS_DIR OUTDIR
set -u
hqsim=$1
models=$2
out=$3/image-errors
rm -rf "$out"
mkdir -p "$out"
fails=0
expect2() { # expect2 WHAT MESSAGE-PART ARGS...
    what=$1
    msg=$2
    shift 2
    "$hqsim" board "$@" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q -e "$msg" "$out/stderr"; then
        echo "FAIL $what: exit $rc, stderr: $(cat "$out/stderr")"
        fails=$((fails + 1))
    else
        echo "ok   $what: $(head -1 "$out/stderr")"
    fi
}
expect2 "no action" "usage: hqsim board"
expect2 "unknown action" "unknown action 'burn'" burn
expect2 "no model" "needs MODEL.hqm" image -o "$out/x.json"
expect2 "no output" "needs -o FILE" image "$models/mlp-block.hqm"
expect2 "float model" "is not quantized" image "$models/mlp.hqm" -o "$out/x.json"
expect2 "missing model" "mlp-none.hqm" image "$models/mlp-none.hqm" -o "$out/x.json"
expect2 "images 0" "--images expects" image "$models/mlp-block.hqm" --images 0 -o "$out/x.json"
expect2 "batch 0" "--batch expects" image "$models/mlp-block.hqm" --batch 0 -o "$out/x.json"
expect2 "output is a directory" "$out" image "$models/mlp-block.hqm" -o "$out"
if [ -e "$out/x.json" ]; then
    echo "FAIL an output file was written"
    fails=$((fails + 1))
fi
"$hqsim" board image --help | grep -q "usage: hqsim board image" || {
    echo "FAIL --help"
    fails=$((fails + 1))
}
echo "$fails failures"
[ $fails -eq 0 ]
