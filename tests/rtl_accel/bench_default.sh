#!/bin/sh
# The whole-accelerator RTL on the default MLP (784-256-128-10, hqsim train --net mlp --seed 1,
# as benches/accel/bench_accel.py trains it), quantized uniform8 (dense layout, uniform8 array)
# and lo=2,hi=8,frac=0.02,struct=nm:1:32 (block layout, lane-group array): N test images each,
# every logit compared with the C reference, the AXI protocol checked; per-layer reports.
# usage: bench_default_mlp.sh HQSIM TB_UNIFORM8 TB_LANEGROUP OUTDIR [IMAGES]
set -eu
hqsim=$1
tb_u8=$2
tb_lg=$3
out=$4
n=${5:-1000}
mkdir -p "$out"
cd "$out"
[ -f mlp-default.hqm ] || "$hqsim" train --net mlp --seed 1 --quiet -o mlp-default.hqm
"$hqsim" quantize mlp-default.hqm --policy uniform8 --quiet -o mlp-uniform8.hqm
"$hqsim" quantize mlp-default.hqm --policy lo=2,hi=8,frac=0.02,struct=nm:1:32 --layout block \
    --quiet -o mlp-block32.hqm
"$tb_u8" --model mlp-uniform8.hqm --images "$n" --report uniform8.txt
"$tb_lg" --model mlp-block32.hqm --images "$n" --report lanegroup.txt
