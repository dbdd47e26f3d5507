#!/usr/bin/env python3
"""Generate examples/data/canary_30min.csv, the recording the quickstart judges.

A deterministic simulation of a 30-minute canary: one baseline and one canary
instance scraped every 10 seconds (180 points each). Both share the traffic's slow
swing and a noisy-neighbour episode; the canary carries a real regression in tail
latency (p99 +12%), a small CPU increase (about +3%, within a 10% margin), and
otherwise behaves like the baseline. Two scrapes of gc_pause_ms are missing (NaN).

    python3 scripts/gen_quickstart_data.py   # rewrites the CSV; needs numpy
"""
import csv
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "examples" / "data" / "canary_30min.csv"
STEPS = 180  # 30 minutes at 10 s


def main() -> None:
    rng = np.random.default_rng(42)
    t = np.arange(STEPS) * 10
    load = 1.0 + 0.15 * np.sin(2 * np.pi * t / 1800.0)  # shared traffic swing
    neighbour = np.where((t > 600) & (t < 780), 1.25, 1.0)  # shared noisy neighbour
    rows = []
    for arm in ("baseline", "canary"):
        canary = arm == "canary"
        p50 = 42.0 * load * neighbour * rng.lognormal(0.0, 0.05, STEPS)
        p99 = 180.0 * load * neighbour * rng.lognormal(0.0, 0.08, STEPS) * (1.12 if canary else 1.0)
        requests = rng.poisson(600 * load)
        errors = rng.binomial(requests, 0.002)
        err_rate = errors / np.maximum(requests, 1)
        cpu = 0.45 * load * rng.normal(1.0, 0.03, STEPS) * (1.03 if canary else 1.0)
        rps = requests / 10.0
        gc = rng.gamma(4.0, 2.5, STEPS)
        if canary:
            gc[[57, 123]] = np.nan
        for i in range(STEPS):
            rows.append([t[i], arm, p50[i], p99[i], err_rate[i], cpu[i], rps[i], gc[i]])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["second", "arm", "latency_p50_ms", "latency_p99_ms", "error_rate",
                    "cpu_utilization", "throughput_rps", "gc_pause_ms"])
        for r in rows:
            w.writerow([r[0], r[1]] + ["nan" if np.isnan(v) else f"{v:.6g}" for v in r[2:]])


if __name__ == "__main__":
    main()
