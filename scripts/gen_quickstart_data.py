#!/usr/bin/env python3
"""Generate examples/data/canary_30min.csv and canary_30min_latency_hist.csv, the
recordings the quickstart judges.

A deterministic simulation of a 30-minute canary: one baseline and one canary
instance scraped every 10 seconds (180 points each). Both share the traffic's slow
swing and a noisy-neighbour episode; the canary carries a real regression in tail
latency (p99 +12%), a small CPU increase (about +3%, within a 10% margin), and
otherwise behaves like the baseline. Two scrapes of gc_pause_ms are missing (NaN).

The second file holds a Prometheus request-latency histogram per arm: each row is
one scrape interval's increase of one bucket (cumulative over `le`, as
`increase(http_request_duration_ms_bucket[10s])` gives it). Request latencies are
log-normal around the same shared load; on the canary 4% of requests take 3 times
as long (a heavier tail, median nearly unchanged). It uses its own generator (seed 43), so
the first file does not change.

    python3 scripts/gen_quickstart_data.py   # rewrites the CSV; needs numpy
"""
import csv
import pathlib

import numpy as np

DATA = pathlib.Path(__file__).resolve().parent.parent / "examples" / "data"
OUT = DATA / "canary_30min.csv"
HIST = DATA / "canary_30min_latency_hist.csv"
BOUNDS = [10, 20, 30, 40, 50, 60, 80, 100, 125, 150, 175, 200, 250, 300, 400, 500, 1000]  # ms; + +Inf
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
    histograms()


def histograms() -> None:
    rng = np.random.default_rng(43)
    t = np.arange(STEPS) * 10
    load = 1.0 + 0.15 * np.sin(2 * np.pi * t / 1800.0)
    neighbour = np.where((t > 600) & (t < 780), 1.25, 1.0)
    with HIST.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["second", "arm", "le", "count"])
        for arm in ("baseline", "canary"):
            for i in range(STEPS):
                n = rng.poisson(600 * load[i])
                lat = 42.0 * load[i] * neighbour[i] * rng.lognormal(0.0, 0.45, n)
                if arm == "canary":
                    slow = rng.random(n) < 0.04
                    lat[slow] *= 3.0
                for le in BOUNDS:
                    w.writerow([t[i], arm, le, int(np.sum(lat <= le))])
                w.writerow([t[i], arm, "+Inf", n])


if __name__ == "__main__":
    main()
