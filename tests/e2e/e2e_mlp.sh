#!/usr/bin/env bash
# End to end through the hqsim command: train a small MLP on a subset of the training images,
# quantize it uniform8, evaluate float and int8 on the 10,000 test images with --json, and
# check accuracy far above chance (10 %) with int8 close to float.
# Usage: e2e_mlp.sh HQSIM WORKDIR
set -euo pipefail
hqsim=$(realpath "$1")
work=$2
py=/usr/bin/python3
mkdir -p "$work" && cd "$work"

"$hqsim" train --net mlp --hidden 64,32 --epochs 2 --limit 6000 --batch 32 --seed 3 --quiet -o small.hqm
"$hqsim" quantize small.hqm --policy uniform8 --calib 1000 --quiet -o small-q8.hqm
"$hqsim" eval small.hqm --json > float.json
"$hqsim" eval small-q8.hqm --json > int8.json
"$hqsim" info small-q8.hqm > info.txt
"$hqsim" info small-q8.hqm --json > info.json
cat float.json int8.json

$py - float.json int8.json info.json <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
q = json.load(open(sys.argv[2]))
ok = True
def need(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok &= cond
need(f["path"] == "float" and q["path"] == "integer", "float model on the float path, int8 on the integer path")
need(f["images"] == 10000 and q["images"] == 10000, "all 10,000 test images")
need(0 <= q["accuracy"] <= 1 and q["correct"] == round(q["accuracy"] * q["images"]), "accuracy is a fraction")
need(f["accuracy"] > 0.70, "float accuracy %.4f far above chance (> 0.70)" % f["accuracy"])
need(q["accuracy"] > 0.70, "int8 accuracy %.4f far above chance (> 0.70)" % q["accuracy"])
need(abs(q["accuracy"] - f["accuracy"]) <= 0.01, "int8 within 1 point of float (%.2f points)" % (100 * (q["accuracy"] - f["accuracy"])))
need(q["policy"] == "uniform8", "policy recorded")
# One hi-fraction metric (docs/layouts.md, Metrics): a uniform layer counts 0 in info and eval.
info = json.load(open(sys.argv[3]))
fr = [l["quant"]["hi_fraction"] for l in info["layers"] if "quant" in l]
need(len(fr) == 3 and all(x == 0 for x in fr), "info: uniform layers' hi_fraction is 0 (%s)" % fr)
need(q.get("hi_fraction") == 0, "eval: hi_fraction 0 for a uniform8 model (%s)" % q.get("hi_fraction"))
sys.exit(0 if ok else 1)
PY
grep -q "uniform8" info.txt
echo "e2e_mlp: passed"
