#!/usr/bin/env python3
"""Generate tests/fixtures/quantiles.json: numpy.quantile (all nine Hyndman-Fan
methods) and R's quantile(type = 1..9) on fixed, seeded samples (sizes 1..10^4, ties,
constant, negative, huge and tiny magnitudes) at probabilities including 0, 1 and
values where n*p is whole. numpy and R disagree in the last bits for a few percent
of the cases; both are recorded.

Usage: pip install numpy; apt-get install r-base-core;
       python3 scripts/gen_quantile_fixtures.py
"""
import json
import pathlib
import subprocess
import tempfile

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "quantiles.json"
METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
           "hazen", "weibull", "linear", "median_unbiased", "normal_unbiased"]


def main():
    rng = np.random.default_rng(3)
    samples = []
    for n in [1, 2, 3, 4, 5, 7, 10, 11, 20, 50, 99, 100, 101, 1000, 10_000]:
        samples.append(rng.lognormal(3, 1, n))
        samples.append(np.round(rng.normal(0, 3, n)))  # ties, negatives, zeros
    samples.append(np.full(9, 2.5))
    samples.append(rng.normal(1e300, 1e299, 25))
    samples.append(rng.normal(0, 1e-300, 25))
    cases = []
    for x in samples:
        n = len(x)
        ps = [0.0, 1.0, 0.5, 0.25, 0.75, 0.1, 0.9, 0.95, 0.99, 0.999, 1 / 3, 2 / 3, 1e-9, 1 - 1e-9]
        ps += [k / n for k in range(0, n + 1, max(1, n // 7))]
        ps += [(k + 0.5) / n for k in range(0, n, max(1, n // 5))]
        ps = sorted(set(min(1.0, max(0.0, p)) for p in ps))
        expected = {m: [float(v) for v in np.quantile(x, ps, method=m)] for m in METHODS}
        cases.append({"values": [float(v) for v in x], "p": ps, "expected": expected})
    add_r(cases)
    r_version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True, text=True).stdout
    OUT.write_text(json.dumps({"generator": "scripts/gen_quantile_fixtures.py", "numpy": np.__version__,
                               "r": r_version, "cases": cases}, separators=(",", ":"), allow_nan=False))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(cases)} samples)")


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
con <- file(args[1], "r"); out <- file(args[2], "w")
while (length(l1 <- readLines(con, n = 1)) > 0) {
  x <- as.numeric(strsplit(l1, " ")[[1]]); p <- as.numeric(strsplit(readLines(con, n = 1), " ")[[1]])
  for (t in 1:9) writeLines(paste(sprintf("%.17g", quantile(x, p, type = t, names = FALSE)), collapse = " "), out)
}
close(out)
"""


def add_r(cases):
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        lines = []
        for c in cases:
            lines.append(" ".join(repr(v) for v in c["values"]))
            lines.append(" ".join(repr(p) for p in c["p"]))
        (d / "in.txt").write_text("\n".join(lines) + "\n")
        (d / "q.R").write_text(R_SCRIPT)
        subprocess.run(["Rscript", str(d / "q.R"), str(d / "in.txt"), str(d / "out.txt")], check=True)
        out = (d / "out.txt").read_text().split("\n")
    i = 0
    for c in cases:
        c["r"] = {}
        for m in METHODS:
            c["r"][m] = [float(v) for v in out[i].split()]
            i += 1


if __name__ == "__main__":
    main()
