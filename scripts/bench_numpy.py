#!/usr/bin/env python3
"""Reference timing for `lnsweep bench`: batch-1 label-noise SGD on a two-layer linear network, written the way a
researcher would in numpy (a Python loop over steps, the full W updated every step, as in the paper's setting;
cf. a-usually/Label-Noise-SGD). Same update as lnsweep's sgd (README.md#the-model):

    r = aᵀ W x − y − ε,   a ← a − η r W x,   W ← W − η r a xᵀ   (simultaneous, old parameters)

Prints one JSON object on stdout: {"numpy": version, "results": [{m, d, steps, repeats, steps_per_s (median), ...}]}.
Usage: bench_numpy.py [--sizes 1000x20,10000x20] [--seconds 0.4] [--repeats 5]
"""
import argparse
import json
import statistics
import time

import numpy as np


def make_problem(m, d, n, seed=0):
    rng = np.random.default_rng(seed)
    theta_star = rng.standard_normal(d)
    theta_star /= np.linalg.norm(theta_star)
    X = rng.standard_normal((n, d))
    y = X @ theta_star
    W = rng.standard_normal((m, d)) / np.sqrt(d)
    a = rng.standard_normal(m) / np.sqrt(m)
    return rng, X, y, W, a


def train(rng, X, y, W, a, steps, lr, sigma):
    n = X.shape[0]
    for _ in range(steps):
        i = rng.integers(n)
        eps = sigma if rng.random() < 0.5 else -sigma
        x = X[i]
        h = W @ x
        r = a @ h - y[i] - eps
        a_new = a - lr * r * h
        W -= lr * r * np.outer(a, x)
        a = a_new
    return W, a


def bench(m, d, seconds, repeats, n=200, sigma=4.0):
    lr = 1e-3 * 1000 / m  # η·m fixed across widths: stable at every size
    rng, X, y, W, a = make_problem(m, d, n)
    t0 = time.perf_counter()
    W, a = train(rng, X, y, W, a, 50, lr, sigma)  # warm-up and calibration
    per_step = (time.perf_counter() - t0) / 50
    steps = max(20, int(seconds / per_step))
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        W, a = train(rng, X, y, W, a, steps, lr, sigma)
        rates.append(steps / (time.perf_counter() - t0))
    assert np.all(np.isfinite(W)) and np.all(np.isfinite(a))
    return {"m": m, "d": d, "steps": steps, "repeats": repeats, "steps_per_s": statistics.median(rates),
            "all_steps_per_s": rates}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000x20,10000x20,100000x20,1000x100")
    ap.add_argument("--seconds", type=float, default=0.4)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    results = []
    for size in args.sizes.split(","):
        m, d = (int(v) for v in size.split("x"))
        results.append(bench(m, d, args.seconds, args.repeats))
    print(json.dumps({"numpy": np.__version__, "results": results}))


if __name__ == "__main__":
    main()
