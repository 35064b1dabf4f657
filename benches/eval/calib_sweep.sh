#!/usr/bin/env bash
# Uniform int8 accuracy on the 10,000 test images for several activation-calibration
# percentiles (100 = max), next to the float accuracy of the same model.
# Usage: calib_sweep.sh HQSIM FLOAT_MODEL.hqm [WORKDIR]
set -euo pipefail
hqsim=$(realpath "$1")
model=$(realpath "$2")
work=${3:-/tmp/hq_calib_sweep}
mkdir -p "$work" && cd "$work"
acc() { /usr/bin/python3 -c 'import json,sys; print("%.2f" % (100 * json.load(sys.stdin)["accuracy"]))'; }
f=$("$hqsim" eval "$model" --json | acc)
echo "| calibration | float % | uniform8 % | delta (points) |"
echo "| --- | --- | --- | --- |"
for p in 100 99.999 99.99 99.9; do
  "$hqsim" quantize "$model" --policy uniform8 --percentile "$p" --quiet -o "q-$p.hqm" >/dev/null
  q=$("$hqsim" eval "q-$p.hqm" --json | acc)
  echo "| p$p | $f | $q | $(/usr/bin/python3 -c "print('%+.2f' % ($q - $f))") |"
done
