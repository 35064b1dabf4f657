#!/bin/sh
# hqsim with no config file in reach (a copy of the binary alone in an empty directory, so
# neither configs/ nor share/hqsim/configs is found) runs on its built-in timing and energy
# defaults, and those are exactly configs/timing/default.json and configs/energy/default.json:
# the same cycles, bytes and energy as a run that loads the two files (issue 12; before, the
# built-in values were C++ literals that differed from the files).
# usage: builtin_defaults.sh HQSIM MODELDIR SOURCE_DIR ACCEL_FW
set -u
hqsim=$1
m=$2
src=$3
fw=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$hqsim" "$tmp/hqsim"
cd "$tmp" || exit 1
fails=0
for model in mlp-coo.hqm mlp-binary-block.hqm; do
  common="run $m/$model --arch lanegroup --platform $src/configs/platform/default.json --fw $fw --images 20 --json --quiet"
  # shellcheck disable=SC2086
  ./hqsim $common >alone.json 2>alone.err ||
    { echo "FAIL: $model: the lone hqsim: $(cat alone.err)"; fails=$((fails + 1)); continue; }
  # shellcheck disable=SC2086
  "$hqsim" $common --timing "$src/configs/timing/default.json" \
    --energy "$src/configs/energy/default.json" >files.json 2>files.err ||
    { echo "FAIL: $model: with the files: $(cat files.err)"; fails=$((fails + 1)); continue; }
  /usr/bin/python3 - "$model" alone.json files.json <<'PY' || fails=$((fails + 1))
import json, re, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if not re.search("host|seconds|per_s", k)}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o
model, a, b = sys.argv[1], strip(json.load(open(sys.argv[2]))), strip(json.load(open(sys.argv[3])))
if a["mismatches"] != 0 or not a["layers"]:
    sys.exit(f"FAIL: {model}: {a['mismatches']} mismatches, {len(a['layers'])} layers")
diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
if diff:
    sys.exit(f"FAIL: {model}: built-in defaults differ from the files in " +
             ", ".join(f"{k} ({json.dumps(a.get(k))[:80]} vs {json.dumps(b.get(k))[:80]})"
                       for k in diff))
print(f"{model}: built-in = files: {a['cycles']} cycles, {a['energy_pj']:.6g} pJ")
PY
done
[ "$fails" -eq 0 ] || { echo "builtin_defaults: $fails case(s) failed"; exit 1; }
