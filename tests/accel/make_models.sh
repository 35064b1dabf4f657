#!/bin/sh
# Trains a tiny MLP and a tiny CNN (seconds, deterministic) and quantizes them into every
# layout the accelerator runs: the fixture of the e2e tests.
# usage: make_models.sh HQSIM OUTDIR
set -eu
hqsim=$1
out=$2
mkdir -p "$out"
cd "$out"
"$hqsim" train --net mlp --hidden 48,24 --epochs 1 --train-images 4000 --seed 7 --threads 1 --quiet -o mlp.hqm
"$hqsim" quantize mlp.hqm --policy uniform8 --calib 300 --quiet -o mlp-dense.hqm
nm="lo=2,hi=8,frac=0.04,struct=nm:2:16"
for layout in coo block escape; do
    "$hqsim" quantize mlp.hqm --policy "$nm" --layout $layout --calib 300 --quiet -o mlp-$layout.hqm
done
"$hqsim" quantize mlp.hqm --policy "lo=2,hi=8,frac=0.05,struct=row" --layout rowgroup --calib 300 \
    --quiet -o mlp-rowgroup.hqm
"$hqsim" quantize mlp.hqm --policy "lo=1,hi=8,frac=0.04,struct=nm:1:16" --layout block --calib 300 \
    --quiet -o mlp-binary-block.hqm
"$hqsim" train --net cnn --width-mult 0.25 --epochs 1 --train-images 1500 --seed 7 --threads 1 --quiet -o cnn.hqm
"$hqsim" quantize cnn.hqm --policy uniform8 --calib 200 --quiet -o cnn-dense.hqm
for layout in coo block escape; do
    "$hqsim" quantize cnn.hqm --policy "$nm" --layout $layout --calib 200 --quiet -o cnn-$layout.hqm
done
"$hqsim" quantize cnn.hqm --policy "lo=2,hi=8,frac=0.05,struct=row" --layout rowgroup --calib 200 \
    --quiet -o cnn-rowgroup.hqm
