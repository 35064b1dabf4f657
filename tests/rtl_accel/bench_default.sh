#!/bin/sh
# The whole-accelerator RTL on a default network, trained by hqsim train --net NET --seed 1:
# mlp (784-256-128-10, as benches/accel/bench_accel.py trains it) or cnn (conv 3x3x16 + pool,
# conv 3x3x32 + pool, dense 128, dense 10), quantized uniform8 (dense layout, uniform8 array)
# and lo=2,hi=8,frac=0.02,struct=nm:1:32 (block layout, lane-group array): N test images each
# in batches of B, every logit compared with the C reference, the AXI protocol checked;
# per-layer reports uniform8.txt and lanegroup.txt (mlp), cnn-uniform8.txt and
# cnn-lanegroup.txt (cnn), as docs/rtl-accel.md names them.
# usage: bench_default.sh mlp|cnn HQSIM TB_UNIFORM8 TB_LANEGROUP OUTDIR [IMAGES [BATCH]]
set -eu
usage="usage: bench_default.sh mlp|cnn HQSIM TB_UNIFORM8 TB_LANEGROUP OUTDIR [IMAGES [BATCH]]"
[ $# -ge 5 ] || { echo "$usage" >&2; exit 2; }
net=$1
case "$net" in
mlp) report= ;;
cnn) report=cnn- ;;
*) echo "bench_default.sh: unknown network '$net' (mlp, cnn); $usage" >&2; exit 2 ;;
esac
hqsim=$2
tb_u8=$3
tb_lg=$4
out=$5
n=${6:-1000}
b=${7:-1}
mkdir -p "$out"
cd "$out"
[ -f $net-default.hqm ] || "$hqsim" train --net $net --seed 1 --quiet -o $net-default.hqm
"$hqsim" quantize $net-default.hqm --policy uniform8 --quiet -o $net-uniform8.hqm
"$hqsim" quantize $net-default.hqm --policy lo=2,hi=8,frac=0.02,struct=nm:1:32 --layout block \
    --quiet -o $net-block32.hqm
"$tb_u8" --model $net-uniform8.hqm --images "$n" --batch "$b" --report ${report}uniform8.txt
"$tb_lg" --model $net-block32.hqm --images "$n" --batch "$b" --report ${report}lanegroup.txt
