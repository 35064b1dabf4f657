#!/bin/sh
# bench_default.sh on both networks with the fixture's small float models in place of the
# defaults it would train (it trains only when NET-default.hqm is missing): 2 images in a
# batch of 2 on each array, the reports under the names docs/rtl-accel.md gives; an unknown
# network and missing arguments exit 2.
# usage: check_bench_default.sh HQSIM TB_UNIFORM8 TB_LANEGROUP FIXTURE_MODELS OUTDIR
set -eu
hqsim=$1
tb_u8=$2
tb_lg=$3
models=$4
out=$5
bench=$(dirname "$0")/bench_default.sh
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
rm -rf "$out"
mkdir -p "$out"
for net in mlp cnn; do
    cp "$models/$net.hqm" "$out/$net-default.hqm"
    "$bench" $net "$hqsim" "$tb_u8" "$tb_lg" "$out" 2 2 || fail "bench_default.sh $net: exit $?"
done
for report in uniform8.txt lanegroup.txt cnn-uniform8.txt cnn-lanegroup.txt; do
    [ -s "$out/$report" ] || fail "no report $out/$report"
done
status=0
"$bench" vgg "$hqsim" "$tb_u8" "$tb_lg" "$out" 2>"$out/err.txt" || status=$?
[ $status -eq 2 ] && grep -q "unknown network 'vgg'" "$out/err.txt" ||
    fail "network vgg: exit $status, $(cat "$out/err.txt")"
status=0
"$bench" mlp "$hqsim" 2>"$out/err.txt" || status=$?
[ $status -eq 2 ] && grep -q "^usage: bench_default.sh" "$out/err.txt" ||
    fail "missing arguments: exit $status, $(cat "$out/err.txt")"
echo "OK"
