#!/bin/sh
# bench_rtl_accel_tiled: many random K-split / row-band layers on each array, and 1,000 fixture
# images through the MLP tiled by the host planner (K chunks and row chunks), vs the reference.
# usage: bench_tiled.sh TB_LANEGROUP TB_UNIFORM8 MLP_DENSE_HQM TIMING_JSON
set -e
"$1" --random-ksplit 1000 --seed 21 --stall 0.2
"$2" --random-ksplit 1000 --seed 22
"$2" --model "$3" --images 1000 --batch 4 --timing "$4" --require-flags 12
