#!/bin/sh
# Issue 11: a coo row whose next high weight is exactly 255 (or 510) columns past the cursor.
# quantize --layout coo must pack and verify it, pack must decode it, and `hqsim run` on the
# platform must match the C reference on every image.
# usage: coo_gap.sh HQSIM MAKE_GAP_MODEL PYTHON CHECK_RUN WORKDIR
set -eu
hqsim=$1 make=$2 py=$3 check_run=$4 work=$5
mkdir -p "$work"
cd "$work"
policy="lo=2,hi=8,frac=0.000255,select=magnitude,struct=none"
for gap in 254 255 256 510; do
    "$make" gap$gap.hqm $gap
    "$hqsim" quantize gap$gap.hqm --policy "$policy" --layout coo --calib 50 --quiet \
        -o q$gap.hqm >quantize.txt
    grep -q "layout coo (packed, decoded and verified)" quantize.txt ||
        { echo "FAIL: gap $gap: quantize did not verify:"; cat quantize.txt; exit 1; }
    "$hqsim" pack q$gap.hqm --layout coo --json >pack.json
    # the two high weights the model was built around, nothing else
    grep -q '"n_hi":2' pack.json || grep -q '"n_hi": 2' pack.json ||
        { echo "FAIL: gap $gap: expected 2 high weights:"; cat pack.json; exit 1; }
    "$py" "$check_run" "$hqsim" q$gap.hqm 20 --arch split
    echo "ok: gap $gap"
done
