#!/bin/sh
# The layouts beside bench_default.sh mlp's on the whole-accelerator RTL: the default MLP
# (hqsim train --net mlp --seed 1, shared with bench_default.sh mlp) quantized uniform2
# (`dense` 2-bit low codes) on the lane-group and the uniform8 array, uniform4 (`dense` 4-bit)
# on the uniform8 array, and lo=2,hi=8,frac=0.02,struct=nm:1:32 as `escape` and `coo` on the
# lane-group array: N test images each, every logit compared with the C reference, the AXI protocol
# checked; per-layer reports.
# usage: bench_layouts_mlp.sh HQSIM TB_UNIFORM8 TB_LANEGROUP OUTDIR [IMAGES]
set -eu
hqsim=$1
tb_u8=$2
tb_lg=$3
out=$4
n=${5:-1000}
mkdir -p "$out"
cd "$out"
[ -f mlp-default.hqm ] || "$hqsim" train --net mlp --seed 1 --quiet -o mlp-default.hqm
for p in uniform2 uniform4; do
    "$hqsim" quantize mlp-default.hqm --policy $p --layout dense --quiet -o mlp-$p.hqm
done
for l in escape coo; do
    "$hqsim" quantize mlp-default.hqm --policy lo=2,hi=8,frac=0.02,struct=nm:1:32 --layout $l \
        --quiet -o mlp-${l}32.hqm
done
"$tb_lg" --model mlp-uniform2.hqm --images "$n" --report lanegroup-dense2.txt
"$tb_u8" --model mlp-uniform2.hqm --images "$n" --report uniform8-dense2.txt
"$tb_u8" --model mlp-uniform4.hqm --images "$n" --report uniform8-dense4.txt
"$tb_lg" --model mlp-escape32.hqm --images "$n" --report lanegroup-escape.txt
"$tb_lg" --model mlp-coo32.hqm --images "$n" --report lanegroup-coo.txt
