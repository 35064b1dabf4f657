#!/usr/bin/python3
"""The accept-* seeds that copy a shipped config must equal it byte for byte, so that the
fuzzers start from what users load (an old copy once lacked the keys added since).

usage: seeds_match_configs.py SOURCE_DIR

seeds/config_<kind>/accept-NAME.json copies configs/<kind>/NAME.json (config_json:
accept-platform-NAME.json copies configs/platform/NAME.json). Seeds without a shipped
counterpart are not checked; at least one pair must exist. Exit status 0 all equal, 1 not."""
import os
import sys

DIRS = {"config_timing": "timing", "config_energy": "energy", "config_json": "platform"}


def counterpart(root, target, seed):
    name = seed[len("accept-"):]
    if target == "config_json":
        if not name.startswith("platform-"):
            return None
        name = name[len("platform-"):]
    path = os.path.join(root, "configs", DIRS[target], name)
    return path if os.path.isfile(path) else None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    pairs = bad = 0
    for target in sorted(DIRS):
        d = os.path.join(root, "tests", "fuzz", "seeds", target)
        for seed in sorted(os.listdir(d)):
            if not (seed.startswith("accept-") and seed.endswith(".json")):
                continue
            config = counterpart(root, target, seed)
            if config is None:
                continue
            pairs += 1
            path = os.path.join(d, seed)
            if open(path, "rb").read() != open(config, "rb").read():
                bad += 1
                print("%s differs from %s: cp %s %s" % (
                    os.path.relpath(path, root), os.path.relpath(config, root),
                    os.path.relpath(config, root), os.path.relpath(path, root)), file=sys.stderr)
    print("%d seeds copy shipped configs, %d differ" % (pairs, bad))
    return 1 if bad or not pairs else 0


if __name__ == "__main__":
    sys.exit(main())
