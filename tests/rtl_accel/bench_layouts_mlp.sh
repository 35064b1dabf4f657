#!/bin/sh
# Every layout and low width the whole-accelerator RTL takes beside bench_default.sh mlp's
# (uniform8 `dense` int8, lane-group `block` 1:32): the default MLP (hqsim train --net mlp
# --seed 1, shared with bench_default.sh mlp) quantized
#   lane-group array: `dense` with 1- to 4-bit low codes (uniform1, uniform2, lo=3/4 with no
#     high weights), lo=2..4,hi=8,frac=0.02,struct=nm:1:32 as `escape` and `coo`, and
#     lo=2..4,hi=8,frac=0.05,struct=row as `rowgroup`;
#   uniform8 array: `dense` with 2-, 3- and 4-bit low codes;
# N test images each, every logit compared with the C reference, the AXI protocol checked;
# per-layer reports (<array>-<model>.txt) and one summary line per run in summary.txt.
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
q() { # q NAME POLICY LAYOUT
    "$hqsim" quantize mlp-default.hqm --policy "$2" --layout "$3" --quiet -o "mlp-$1.hqm"
}
q uniform1 uniform1 dense
q uniform2 uniform2 dense
q dense3 lo=3,hi=8,frac=0 dense
q uniform4 uniform4 dense
q dense4 lo=4,hi=8,frac=0 dense
for lo in 2 3 4; do
    for l in escape coo; do
        q "${l}32-lo$lo" "lo=$lo,hi=8,frac=0.02,struct=nm:1:32" $l
    done
    q "rowgroup-lo$lo" "lo=$lo,hi=8,frac=0.05,struct=row" rowgroup
done
: > summary.txt
run() { # run TB ARRAY MODEL
    "$1" --model "mlp-$3.hqm" --images "$n" --report "$2-$3.txt" > "$2-$3.log"
    echo "$3: $(tail -n 1 "$2-$3.log")" | tee -a summary.txt
}
for m in uniform1 uniform2 dense3 dense4 escape32-lo2 escape32-lo3 escape32-lo4 coo32-lo2 \
         coo32-lo3 coo32-lo4 rowgroup-lo2 rowgroup-lo3 rowgroup-lo4; do
    run "$tb_lg" lanegroup $m
done
for m in uniform2 dense3 uniform4; do
    run "$tb_u8" uniform8 $m
done
