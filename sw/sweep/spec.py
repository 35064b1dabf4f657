"""Sweep specification: loading (YAML or JSON), validation with errors naming the key, and
expansion into points (grid x lists, optional seeded random sample, constraints).
The format is docs/sweeps.md."""
import ast
import itertools
import json
import random
import re


class SpecError(Exception):
    """A bad spec; the message names the key (e.g. `axes.lanes[2]`)."""


def _int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v):
    return (isinstance(v, (int, float))) and not isinstance(v, bool)


class Axis:
    """One parameter of a point: which step it belongs to, its type and its check."""

    def __init__(self, step, kind, check=None, help="", choices=None):
        self.step, self.kind, self.check, self.help, self.choices = step, kind, check, help, choices

    def validate(self, where, v):
        if v is None:
            return None  # the tool's default
        if self.kind == "int" and not _int(v):
            raise SpecError("%s: %r is not an integer" % (where, v))
        if self.kind == "num" and not _num(v):
            raise SpecError("%s: %r is not a number" % (where, v))
        if self.kind == "str" and not isinstance(v, str):
            raise SpecError("%s: %r is not a string" % (where, v))
        if self.kind == "bool" and not isinstance(v, bool):
            raise SpecError("%s: %r is not true or false" % (where, v))
        if self.choices is not None and v not in self.choices:
            raise SpecError("%s: %r is not one of %s" %
                            (where, v, ", ".join(str(c) for c in self.choices)))
        if self.check:
            msg = self.check(v)
            if msg:
                raise SpecError("%s: %r %s" % (where, v, msg))
        return float(v) if self.kind == "num" else v


def _pos(v):
    return None if v > 0 else "must be > 0"


def _pow2(v):
    return None if v > 0 and (v & (v - 1)) == 0 else "must be a power of two"


def _frac(v):
    return None if 0 <= v <= 0.5 else "must be in 0 .. 0.5"


def _hidden(v):
    return None if re.fullmatch(r"[1-9][0-9]*(,[1-9][0-9]*)*", v) else "must be widths like 256,128"


def _struct(v):
    ok = re.fullmatch(r"none|row|col|nm:[1-9][0-9]*:[1-9][0-9]*|tile:[1-9][0-9]*x[1-9][0-9]*", v)
    return None if ok else "must be none, row, col, nm:N:M or tile:RxC"


# Every axis, by the step that consumes it. A step's content key covers its own axes and the
# key of the step it starts from, so points that share a trained model share that step.
AXES = {
    # train: hqsim train
    "net": Axis("train", "str", choices=("mlp", "cnn"), help="network"),
    "hidden": Axis("train", "str", _hidden, "MLP hidden widths before width_mult (train --hidden)"),
    "width_mult": Axis("train", "num", _pos, "width multiplier (train --width-mult)"),
    "epochs": Axis("train", "int", _pos, "float training epochs (train --epochs)"),
    "train_seed": Axis("train", "int", None, "training seed (train --seed)"),
    "train_images": Axis("train", "int", _pos, "training images for training and QAT"),
    # quant: hqsim quantize + pack
    "policy": Axis("quant", "str", None, "a whole policy string (instead of lo/hi/frac/...)"),
    "lo": Axis("quant", "int", choices=(1, 2, 3, 4), help="low bits"),
    "hi": Axis("quant", "int", choices=(4, 8), help="high bits"),
    "frac": Axis("quant", "num", _frac, "fraction of high-precision weights"),
    "select": Axis("quant", "str", choices=("magnitude", "error", "saliency"), help="selection"),
    "struct": Axis("quant", "str", _struct, "structure of the high weights"),
    "overrides": Axis("quant", "str", None, "per-layer overrides, e.g. last=uniform8"),
    "qat_epochs": Axis("quant", "int", lambda v: None if v >= 0 else "must be >= 0",
                       "QAT epochs (quantize --qat-epochs)"),
    "calib": Axis("quant", "int", _pos, "calibration images (quantize --calib)"),
    "layout": Axis("quant", "str", choices=("dense", "coo", "block", "rowgroup", "escape"),
                   help="weight layout in DRAM (quantize --layout)"),
    # point: hqsim run on a generated timing and platform config, hqsim eval
    "arch": Axis("point", "str", choices=("uniform8", "split", "lanegroup"), help="PE array"),
    "lanes": Axis("point", "int", _pos, "lanes per PE tile (timing array.lanes)"),
    "lane_group": Axis("point", "int", _pos, "lanes sharing an outlier MAC (array.lane_group)"),
    "pe_tiles": Axis("point", "int", _pos, "PE tiles (array.pe_tiles)"),
    "rows_per_tile": Axis("point", "int", _pos, "output rows per tile (array.rows_per_tile)"),
    "hi_macs": Axis("point", "int", _pos, "high-precision MACs per tile, split (array.hi_macs)"),
    "nb_max": Axis("point", "int", _pos, "activation beats per tile (array.nb_max)"),
    "weight_buffer": Axis("point", "int", _pos, "weight buffer bytes (buffers.weight_bytes)"),
    "act_buffer": Axis("point", "int", _pos, "activation buffer bytes (buffers.act_bytes)"),
    "out_buffer": Axis("point", "int", _pos, "output buffer bytes (buffers.out_bytes)"),
    "clock_mhz": Axis("point", "num", _pos, "accelerator clock (timing clock_hz / 1e6)"),
    "dram": Axis("point", "str", None, "DRAM preset: a file stem of configs/dram"),
    "bus_width": Axis("point", "int", _pow2, "system bus width in bytes (bus.width_bytes)"),
    "batch": Axis("point", "int", _pos, "images per pass over the weights (run --batch)"),
    "images": Axis("point", "int", _pos, "test images for eval and run (--images)"),
    "fpga": Axis("point", "bool", None, "synthesize the point's RTL tile with Yosys (xc7)"),
}

TOP_KEYS = ("name", "description", "fixed", "grid", "points", "sample", "constraints")
POLICY_FIELDS = ("lo", "hi", "frac", "select", "struct", "overrides")


def _check_axis_name(where, name):
    if name not in AXES:
        raise SpecError("%s: unknown axis '%s' (axes: %s)" % (where, name, ", ".join(AXES)))


def _values(where, v):
    if not isinstance(v, list) or not v:
        raise SpecError("%s: must be a non-empty list of values" % where)
    return v


def load(path, dram_presets=None):
    """Reads and validates a spec file. dram_presets: the valid `dram` names (None: any)."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        raise SpecError("%s: cannot read: %s" % (path, e.strerror))
    if path.endswith(".json"):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise SpecError("%s: not valid JSON: %s" % (path, e))
    else:
        import yaml
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise SpecError("%s: not valid YAML: %s" % (path, e))
    return validate(doc, dram_presets)


def validate(doc, dram_presets=None):
    if not isinstance(doc, dict):
        raise SpecError("spec: must be a mapping with the keys %s" % ", ".join(TOP_KEYS))
    for k in doc:
        if k not in TOP_KEYS:
            raise SpecError("%s: unknown key (keys: %s)" % (k, ", ".join(TOP_KEYS)))
    if "grid" not in doc and "points" not in doc:
        raise SpecError("spec: needs 'grid' or 'points' (or both)")

    def axis_value(where, name, v):
        _check_axis_name(where, name)
        if name == "dram" and dram_presets is not None and v is not None and v not in dram_presets:
            raise SpecError("%s: %r is not a DRAM preset (presets: %s)" %
                            (where, v, ", ".join(sorted(dram_presets))))
        return AXES[name].validate(where, v)

    spec = {"name": doc.get("name", "sweep"), "description": doc.get("description", "")}
    if not isinstance(spec["name"], str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", spec["name"]):
        raise SpecError("name: %r must be letters, digits, '_', '.', '-'" % (spec["name"],))
    fixed = doc.get("fixed", {}) or {}
    if not isinstance(fixed, dict):
        raise SpecError("fixed: must be a mapping of axis: value")
    spec["fixed"] = {k: axis_value("fixed.%s" % k, k, v) for k, v in fixed.items()}
    grid = doc.get("grid", {}) or {}
    if not isinstance(grid, dict):
        raise SpecError("grid: must be a mapping of axis: [values]")
    spec["grid"] = {}
    for k, vs in grid.items():
        _check_axis_name("grid.%s" % k, k)
        spec["grid"][k] = [axis_value("grid.%s[%d]" % (k, i), k, v)
                           for i, v in enumerate(_values("grid.%s" % k, vs))]
        if k in spec["fixed"]:
            raise SpecError("grid.%s: also in 'fixed'" % k)
    pts = doc.get("points", []) or []
    if not isinstance(pts, list):
        raise SpecError("points: must be a list of mappings axis: value")
    spec["points"] = []
    for i, p in enumerate(pts):
        if not isinstance(p, dict):
            raise SpecError("points[%d]: must be a mapping axis: value" % i)
        spec["points"].append({k: axis_value("points[%d].%s" % (i, k), k, v) for k, v in p.items()})
    sample = doc.get("sample")
    if sample is not None:
        if not isinstance(sample, dict) or set(sample) - {"count", "seed"} or "count" not in sample:
            raise SpecError("sample: must be {count: N, seed: S}")
        if not _int(sample["count"]) or sample["count"] <= 0:
            raise SpecError("sample.count: %r must be a positive integer" % (sample["count"],))
        if not _int(sample.get("seed", 1)):
            raise SpecError("sample.seed: %r is not an integer" % (sample.get("seed"),))
        sample = {"count": sample["count"], "seed": sample.get("seed", 1)}
    spec["sample"] = sample
    cons = doc.get("constraints", []) or []
    if not isinstance(cons, list):
        raise SpecError("constraints: must be a list of {drop_if: EXPR, reason: TEXT}")
    spec["constraints"] = []
    for i, c in enumerate(cons):
        where = "constraints[%d]" % i
        if not isinstance(c, dict) or set(c) != {"drop_if", "reason"}:
            raise SpecError("%s: must have exactly the keys drop_if and reason" % where)
        if not isinstance(c["drop_if"], str) or not isinstance(c["reason"], str):
            raise SpecError("%s: drop_if and reason must be strings" % where)
        try:
            tree = ast.parse(c["drop_if"], where, "eval")
        except SyntaxError as e:
            raise SpecError("%s.drop_if: not a valid expression: %s" % (where, e.msg))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in AXES and node.id not in _SAFE:
                raise SpecError("%s.drop_if: unknown name '%s' (use axis names)" % (where, node.id))
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                raise SpecError("%s.drop_if: '%s' is not allowed" % (where, node.attr))
        spec["constraints"].append({"drop_if": c["drop_if"], "reason": c["reason"]})
    return spec


# Names a constraint may use besides the axes.
_SAFE = {"None": None, "True": True, "False": False, "int": int, "float": float, "len": len,
         "min": min, "max": max, "abs": abs}


def policy_string(p):
    """The hqsim policy of a point: `policy` as given, or built from lo/hi/frac/select/struct,
    then `overrides` appended."""
    if p.get("policy"):
        return p["policy"] + (";" + p["overrides"] if p.get("overrides") else "")
    parts = ["%s=%s" % (k, _fmt(p[k])) for k in ("lo", "hi", "frac", "select", "struct")
             if p.get(k) is not None]
    base = ",".join(parts) if parts else "uniform8"
    return base + (";" + p["overrides"] if p.get("overrides") else "")


def _fmt(v):
    return ("%g" % v) if isinstance(v, float) else str(v)


def expand(spec):
    """All points (each a dict with every axis) and the dropped ones with their reason."""
    grid_keys = list(spec["grid"])
    raw = []
    if grid_keys:
        for combo in itertools.product(*(spec["grid"][k] for k in grid_keys)):
            raw.append(dict(zip(grid_keys, combo)))
    raw += [dict(p) for p in spec["points"]]
    kept, dropped, seen = [], [], set()
    for r in raw:
        p = {k: None for k in AXES}
        p.update(spec["fixed"])
        p.update(r)
        both = [k for k in POLICY_FIELDS[:-1] if p.get(k) is not None]
        if p.get("policy") and both:
            dropped.append((p, "policy given together with %s" % ", ".join(both)))
            continue
        reason = None
        for c in spec["constraints"]:
            env = dict(_SAFE)
            env.update(p)
            try:
                hit = eval(c["drop_if"], {"__builtins__": {}}, env)
            except Exception as e:  # a constraint on a missing (None) axis, e.g. None > 3
                raise SpecError("constraints: %r failed on a point: %s" % (c["drop_if"], e))
            if hit:
                reason = c["reason"]
                break
        if reason:
            dropped.append((p, reason))
            continue
        ident = json.dumps(p, sort_keys=True)
        if ident in seen:
            continue  # the same point twice (grid and list): run once
        seen.add(ident)
        kept.append(p)
    # the random sample is drawn from the points the constraints kept
    if spec["sample"] and spec["sample"]["count"] < len(kept):
        rng = random.Random(spec["sample"]["seed"])
        kept = [kept[i] for i in sorted(rng.sample(range(len(kept)), spec["sample"]["count"]))]
    return kept, dropped
