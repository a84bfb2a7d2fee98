"""PyTorch peer for `npm run bench` (see docs/BENCH.md).

Usage: python3 bench/peers/torch_peer.py <id> <id> ...
Imports every bench/peers/*_cases.py (each defines CASES = {"<id>": make}, where make() does the set-up and
returns a zero-argument callable), times each requested id (warm-up, then the median of repeats) and prints
one JSON object {"<id>": {"ms": median, "note"?: str}} as the last line of stdout.
"""
import glob
import importlib.util
import json
import os
import statistics
import sys
import time

import torch

torch.set_num_threads(2)
HERE = os.path.dirname(os.path.abspath(__file__))


def load_cases():
    cases = {}
    for path in sorted(glob.glob(os.path.join(HERE, "*_cases.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cases.update(getattr(mod, "CASES", {}))
    return cases


def time_it(fn, repeats=5):
    """1 warm-up call (more, up to ~0.3 s, for fast cases), then the median of at least `repeats` calls
    (more for fast cases, up to ~0.3 s or 50 calls; 3 when one call takes over 2 s), in milliseconds."""
    budget = 0.3
    spent = 0.0
    first = float("inf")
    i = 0
    while i < 200 and (i < 1 or spent < budget):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        first = min(first, dt)
        spent += dt
        i += 1
    n = 3 if first > 2.0 else repeats
    samples = []
    spent = 0.0
    while len(samples) < 50 and (len(samples) < n or spent < budget):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        samples.append(dt * 1e3)
        spent += dt
    return statistics.median(samples)


def main():
    cases = load_cases()
    out = {}
    for cid in sys.argv[1:]:
        if cid not in cases:
            out[cid] = {"ms": None, "note": "unknown peer id"}
            continue
        try:
            fn = cases[cid]()
            out[cid] = {"ms": time_it(fn)}
        except Exception as e:  # report, keep going with the other cases
            out[cid] = {"ms": None, "note": f"{type(e).__name__}: {e}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
