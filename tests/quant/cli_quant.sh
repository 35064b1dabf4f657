#!/usr/bin/env bash
# hqsim quantize / pack / eval on a tiny trained MLP: every layout packs, verifies and reports
# bits/weight; --json, -o and --maps produce their files; bad input fails with a clear message
# and exit status 2 (usage or a bad input file) or 1 (the work failed). Usage: cli_quant.sh HQSIM WORKDIR
set -uo pipefail
hq=$1; dir=$2; fails=0
mkdir -p "$dir" && cd "$dir" || exit 1
check() { # description, command...: expects success
  local d=$1; shift
  if ! "$@" >out.txt 2>err.txt; then echo "FAIL: $d"; cat err.txt; fails=$((fails + 1)); fi
}
expect_fail() { # description, exit status, message fragment, command...
  local d=$1 st=$2 msg=$3; shift 3
  "$@" >out.txt 2>err.txt; local rc=$?
  if [ $rc -ne "$st" ] || ! grep -q -- "$msg" err.txt; then
    echo "FAIL: $d (status $rc, stderr: $(cat err.txt))"; fails=$((fails + 1))
  fi
}
spec='lo=2,hi=8,frac=0.03,select=saliency,struct=nm:1:32;last=uniform8'
check "train" "$hq" train --net mlp --hidden 32,16 --epochs 1 --train-images 2000 --quiet -o f.hqm
check "quantize" "$hq" quantize f.hqm --policy "$spec" --calib 200 --layout block --maps maps \
  --quiet -o q.hqm
grep -q "layout block (packed, decoded and verified): .* bits/weight" out.txt || { echo "FAIL: quantize --layout summary"; fails=$((fails + 1)); }
for l in coo block escape; do
  check "pack $l" "$hq" pack q.hqm --layout $l --json -o w-$l.bin
  grep -q "\"layout\":\"$l\"" out.txt && grep -q '"bits_per_weight"' out.txt ||
    { echo "FAIL: pack $l json"; fails=$((fails + 1)); }
  [ -s w-$l.bin ] || { echo "FAIL: pack $l wrote nothing"; fails=$((fails + 1)); }
done
[ -s maps/layer0.png ] && [ -s maps/layer2.png ] || { echo "FAIL: maps"; fails=$((fails + 1)); }
check "eval json" "$hq" eval q.hqm --json --images 500
grep -q '"bits_per_weight"' out.txt && grep -q '"hi_fraction"' out.txt && grep -q '"layout":"block"' out.txt ||
  { echo "FAIL: eval --json lacks the layout metrics: $(cat out.txt)"; fails=$((fails + 1)); }
check "uniform2" "$hq" quantize f.hqm --policy uniform2 --calib 200 --quiet -o t.hqm
check "pack dense" "$hq" pack t.hqm --layout dense
check "help" "$hq" pack --help
expect_fail "dense with high weights" 1 "dense cannot hold" "$hq" pack q.hqm --layout dense
expect_fail "rowgroup mixed rows" 1 "struct=row" "$hq" pack q.hqm --layout rowgroup
expect_fail "unknown layout" 2 "valid: dense, coo, block, rowgroup, escape" "$hq" pack q.hqm --layout zip
expect_fail "burst" 2 "power of two" "$hq" pack q.hqm --burst 100
expect_fail "block N:M" 2 "N:M" "$hq" pack q.hqm --block 3
expect_fail "too few slots" 1 "N=0" "$hq" pack q.hqm --layout block --block 0:32
expect_fail "float model" 2 "not quantized" "$hq" pack f.hqm
expect_fail "bad policy key" 2 "unknown key 'bits'" "$hq" quantize f.hqm --policy bits=2 -o x.hqm
expect_fail "bad lo" 2 "valid values are 1, 2, 3, 4" "$hq" quantize f.hqm --policy lo=7 -o x.hqm
expect_fail "bad override" 1 "valid: L0..L2" "$hq" quantize f.hqm --policy "lo=2;L5=uniform8" --calib 100 -o x.hqm
expect_fail "escape binary" 1 "spare" "$hq" quantize f.hqm --policy lo=1,frac=0.02 --calib 100 --layout escape --quiet -o x.hqm
# cairo and GSL are loaded on demand (sw/lib/ondemand.h): not needed by the executable, not
# loaded by commands that draw nothing (hqsim run among them), loaded by one that draws; a
# library that cannot be loaded fails only the drawing, with a message naming it.
loaded() { # prints the shared libraries the dynamic loader opened for the command
  LD_DEBUG=files "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*generating link map.*/\1/p'
}
if readelf -d "$hq" | grep NEEDED | grep -e cairo -e gsl; then
  echo "FAIL: hqsim links cairo or GSL (they are loaded on demand)"; fails=$((fails + 1))
fi
loaded "$hq" --help > libs.txt
grep -q libjansson libs.txt || { echo "FAIL: LD_DEBUG lists no libraries: $(head -3 libs.txt)"; fails=$((fails + 1)); }
for cmd in "--help" "pack q.hqm --layout block" "eval q.hqm --images 20" \
    "run q.hqm --synthetic-inputs 2 --arch lanegroup"; do
  # shellcheck disable=SC2086 # the command's words
  if loaded "$hq" $cmd | grep -e cairo -e gsl -e X11; then
    echo "FAIL: hqsim $cmd loaded cairo, X11 or GSL"; fails=$((fails + 1))
  fi
done
loaded "$hq" pack q.hqm --layout block --maps maps-lazy | grep -q libcairo ||
  { echo "FAIL: pack --maps did not load cairo"; fails=$((fails + 1)); }
[ -s maps-lazy/layer0.png ] || { echo "FAIL: pack --maps wrote no map"; fails=$((fails + 1)); }
expect_fail "cairo missing" 1 "PNG figures need cairo: cannot load /nonexistent/libcairo.so.2" \
  env HQSIM_CAIRO_LIB=/nonexistent/libcairo.so.2 "$hq" pack q.hqm --layout block --maps maps-nolib
expect_fail "not a cairo" 1 "has no symbol cairo_create" \
  env HQSIM_CAIRO_LIB=libz.so.1 "$hq" pack q.hqm --layout block --maps maps-nolib
[ ! -e maps-nolib/layer0.png ] || { echo "FAIL: a map without cairo"; fails=$((fails + 1)); }
echo "cli_quant: $fails failures"
[ $fails -eq 0 ]
