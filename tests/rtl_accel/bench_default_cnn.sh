#!/bin/sh
# The whole-accelerator RTL on the default CNN (conv 3x3x16 + pool, conv 3x3x32 + pool,
# dense 128, dense 10; hqsim train --net cnn --seed 1), quantized uniform8 (dense layout,
# uniform8 array) and lo=2,hi=8,frac=0.02,struct=nm:1:32 (block layout, lane-group array):
# N test images each in batches of B, every logit compared with the C reference, the AXI
# protocol checked; per-layer reports cnn-uniform8.txt and cnn-lanegroup.txt.
# usage: bench_default_cnn.sh HQSIM TB_UNIFORM8 TB_LANEGROUP OUTDIR [IMAGES [BATCH]]
set -eu
hqsim=$1
tb_u8=$2
tb_lg=$3
out=$4
n=${5:-1000}
b=${6:-1}
mkdir -p "$out"
cd "$out"
[ -f cnn-default.hqm ] || "$hqsim" train --net cnn --seed 1 --quiet -o cnn-default.hqm
"$hqsim" quantize cnn-default.hqm --policy uniform8 --quiet -o cnn-uniform8.hqm
"$hqsim" quantize cnn-default.hqm --policy lo=2,hi=8,frac=0.02,struct=nm:1:32 --layout block \
    --quiet -o cnn-block32.hqm
"$tb_u8" --model cnn-uniform8.hqm --images "$n" --batch "$b" --report cnn-uniform8.txt
"$tb_lg" --model cnn-block32.hqm --images "$n" --batch "$b" --report cnn-lanegroup.txt
