"""hqsim pareto: the non-dominated rows of a sweep's results table, and plots of them."""
import argparse
import csv
import os
import sys


def die(msg):
    print("hqsim pareto: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_objectives(text):
    objs = []
    for part in text.split(","):
        col, _, sense = part.strip().partition(":")
        if not col or sense not in ("max", "min"):
            die("--objectives: '%s' must be COLUMN:max or COLUMN:min" % part)
        objs.append((col, sense))
    if len({c for c, _ in objs}) != len(objs):
        die("--objectives: a column is given twice")
    return objs


def dominates(a, b):
    """a and b are tuples to minimise: a dominates b if no worse in all and better in one."""
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def front(values):
    """Indices of the non-dominated vectors (minimisation); equal vectors all stay."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    keep = []
    for i in order:
        if not any(dominates(values[j], values[i]) for j in keep):
            keep.append(i)
    return sorted(keep)


def number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def plots(out, rows, on_front, objs, color):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    groups = sorted({r.get(color, "") for r in rows}) if color else [""]
    cmap = plt.get_cmap("tab10")
    written = []
    for i in range(len(objs)):
        for j in range(i + 1, len(objs)):
            (a, sa), (b, sb) = objs[i], objs[j]
            fig, ax = plt.subplots(figsize=(6, 4.5))
            for gi, g in enumerate(groups):
                sel = [k for k, r in enumerate(rows) if not color or r.get(color, "") == g]
                c = cmap(gi % 10)
                ax.scatter([number(rows[k][a]) for k in sel], [number(rows[k][b]) for k in sel],
                           s=10, color=c, alpha=0.35, label=("%s=%s" % (color, g)) if color else "all points")
                fs = [k for k in sel if k in on_front]
                ax.scatter([number(rows[k][a]) for k in fs], [number(rows[k][b]) for k in fs],
                           s=40, color=c, edgecolors="black", linewidths=0.8)
            # the 2-D front of this pair (the staircase), over all rows
            pair = [((-1 if sa == "max" else 1) * number(r[a]), (-1 if sb == "max" else 1) * number(r[b]))
                    for r in rows]
            f2 = sorted(front(pair), key=lambda k: pair[k])
            ax.plot([number(rows[k][a]) for k in f2], [number(rows[k][b]) for k in f2],
                    color="black", lw=0.8, drawstyle="steps-post", label="2-D front")
            ax.set_xlabel("%s (%s)" % (a, sa))
            ax.set_ylabel("%s (%s)" % (b, sb))
            ax.set_title("%d points, %d on the %d-objective front (outlined)" %
                         (len(rows), len(on_front), len(objs)), fontsize=9)
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3)
            fig.tight_layout()
            name = os.path.join(out, "front_%s_%s.png" % (a, b))
            fig.savefig(name, dpi=110)
            plt.close(fig)
            written.append(name)
    # parallel coordinates: every swept axis that varies, then the objectives
    from spec import AXES
    cols = []
    for k in list(AXES) + ["policy"] + [c for c, _ in objs]:
        vals = {r.get(k, "") for r in rows}
        if k in rows[0] and len(vals) > 1 and k not in cols:
            cols.append(k)
    if cols:
        enc = {}
        for k in cols:
            nums = [number(r[k]) for r in rows]
            if all(v is not None for v in nums):
                lo, hi = min(nums), max(nums)
                enc[k] = (lambda v, lo=lo, hi=hi: (float(v) - lo) / (hi - lo) if hi > lo else 0.5, None)
            else:
                cats = sorted({r[k] for r in rows})
                enc[k] = (lambda v, cats=cats: cats.index(v) / max(1, len(cats) - 1), cats)
        fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(cols)), 4.5))
        for k, r in enumerate(rows):
            ys = [enc[c][0](r[c]) for c in cols]
            if k in on_front:
                ax.plot(range(len(cols)), ys, color="tab:red", lw=1.2, alpha=0.8)
            else:
                ax.plot(range(len(cols)), ys, color="grey", lw=0.5, alpha=0.15)
        ax.set_xticks(range(len(cols)))
        ax.set_xticklabels(cols, rotation=30, ha="right", fontsize=8)
        for x, c in enumerate(cols):
            cats = enc[c][1]
            if cats and len(cats) <= 8:
                for ci, cv in enumerate(cats):
                    ax.text(x, ci / max(1, len(cats) - 1), str(cv)[:24], fontsize=5, alpha=0.8)
        ax.set_yticks([])
        ax.set_title("parallel coordinates (normalised): front in red", fontsize=9)
        fig.tight_layout()
        name = os.path.join(out, "axes.png")
        fig.savefig(name, dpi=110)
        plt.close(fig)
        written.append(name)
    return written


def main(argv, help_text):
    if any(a in ("-h", "--help") for a in argv):
        print(help_text)
        return 0
    ap = argparse.ArgumentParser(prog="hqsim pareto", add_help=False,
                                 usage=help_text.splitlines()[0][len("usage: "):])
    ap.add_argument("--hqsim")
    ap.add_argument("table")
    ap.add_argument("--objectives")
    ap.add_argument("-o", "--output")
    ap.add_argument("--color")
    ap.add_argument("--where", action="append", default=[])
    try:
        args = ap.parse_args(argv)
    except SystemExit:
        return 2
    if not args.objectives or not args.output:
        die("--objectives and -o are required (hqsim pareto --help)")
    objs = parse_objectives(args.objectives)
    try:
        with open(args.table, newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            rows = list(reader)
    except OSError as e:
        die("%s: %s" % (args.table, e.strerror))
    except csv.Error as e:
        die("%s: not a CSV table: %s" % (args.table, e))
    for c, _ in objs:
        if c not in header:
            die("%s: no column '%s' (columns: %s)" % (args.table, c, ", ".join(header)))
    if args.color and args.color not in header:
        die("--color: no column '%s' in %s" % (args.color, args.table))
    for w in args.where:
        col, eq, val = w.partition("=")
        if not eq or col not in header:
            die("--where %s: must be COLUMN=VALUE with a column of the table" % w)
        rows = [r for r in rows if r[col] == val]
    usable, skipped = [], 0
    for r in rows:
        if ("status" in r and r["status"] != "ok") or any(number(r[c]) is None for c, _ in objs):
            skipped += 1
        else:
            usable.append(r)
    if not usable:
        die("%s: no row with status ok and every objective (%d rows left out)" %
            (args.table, skipped))
    vec = [tuple((-1 if s == "max" else 1) * number(r[c]) for c, s in objs) for r in usable]
    on = front(vec)
    try:
        os.makedirs(args.output, exist_ok=True)
    except OSError as e:
        die("-o %s: %s" % (args.output, e.strerror))
    fpath = os.path.join(args.output, "front.csv")
    tmp = fpath + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        for k in on:
            w.writerow(usable[k])
    os.replace(tmp, fpath)
    pngs = plots(args.output, usable, set(on), objs, args.color)
    print("hqsim pareto: %d of %d rows on the front (%d rows left out: not ok or missing an "
          "objective); %s, %d PNG" % (len(on), len(usable), skipped, fpath, len(pngs)))
    return 0
