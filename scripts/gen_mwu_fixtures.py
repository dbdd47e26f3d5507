#!/usr/bin/env python3
"""Generate tests/fixtures/mann_whitney.json: Mann-Whitney reference values from
scipy, R and brute-force enumeration, on fixed, seeded inputs.

Nothing here calls canary-judge: every expected value comes from an independent
implementation.

- scipy.stats.mannwhitneyu (exact when untied; asymptotic with and without the
  continuity correction), all three alternatives, canary as the first sample.
- R's wilcox.test(canary, baseline, conf.int = TRUE) (R decides exact vs normal as
  it does by default: exact iff both sizes < 50 and no ties), plus forced
  exact = FALSE, and pwilcox/qwilcox for large exact tails.
- Exhaustive enumeration of all C(N, m) label assignments, with exact fractions, for
  the exact permutation p-value under ties (which neither scipy nor R computes).
- numpy: the Hodges-Lehmann median of all pairwise differences and the gap around it.

Usage: pip install numpy scipy; apt-get install r-base-core;
       python3 scripts/gen_mwu_fixtures.py
"""
import itertools
import json
import math
import pathlib
import subprocess
import tempfile
from fractions import Fraction

import numpy as np
import scipy
from scipy import stats

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "mann_whitney.json"
ALTS = ["two-sided", "greater", "less"]


def datasets():
    rng = np.random.default_rng(7)
    out = []

    def add(kind, canary, baseline):
        out.append({"id": f"{kind}-{len(out)}", "kind": kind,
                    "canary": [float(v) for v in canary], "baseline": [float(v) for v in baseline]})

    sizes = [(1, 1), (1, 5), (2, 2), (3, 4), (5, 5), (4, 9), (8, 8), (10, 7), (12, 20),
             (25, 30), (49, 49), (50, 50), (30, 80), (100, 100), (200, 150), (500, 400),
             (1000, 1000), (5000, 4000), (3, 5000)]
    for m, n in sizes:
        # Continuous, no ties, scaled so pairwise differences are far apart (sharp
        # comparison with R's root finder, tolerance 1e-4).
        shift = rng.choice([0.0, 0.3, 1.0])
        add("continuous", 1000 * rng.normal(shift, 1, m), 1000 * rng.normal(0, 1, n))
        # Moderate ties: rounded log-normal latencies.
        add("rounded", np.round(rng.lognormal(3 + shift / 5, 0.4, m)), np.round(rng.lognormal(3, 0.4, n)))
        # Heavy ties: small counts.
        add("heavy-ties", rng.poisson(1.0 + shift, m), rng.poisson(1.0, n))
    for m, n in [(5, 5), (20, 30), (200, 200)]:
        add("constant", np.full(m, 3.0), np.full(n, 3.0))
        add("identical", np.arange(m, dtype=float), np.arange(m, dtype=float))
        add("separated", np.arange(m) + 1000.0, np.arange(n, dtype=float))
        add("separated-low", np.arange(m, dtype=float) - 1000.0, np.arange(n, dtype=float))
        add("zero-inflated", np.where(rng.random(m) < 0.7, 0.0, rng.exponential(1.0, m)),
            np.where(rng.random(n) < 0.8, 0.0, rng.exponential(1.0, n)))
    add("each-constant", np.full(6, 10.0), np.full(5, 1.0))
    add("tiny-scale", rng.normal(0.05, 1e-5, 40), rng.normal(0.05, 1e-5, 45))
    add("huge-level", rng.normal(1e6, 1.0, 40) , rng.normal(1e6, 1.0, 45))
    return out


def scipy_values(ds):
    x, y = np.array(ds["canary"]), np.array(ds["baseline"])
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    res = {}
    for alt in ALTS:
        r = {}
        if not ties and len(x) * len(y) <= 40000:
            t = stats.mannwhitneyu(x, y, alternative=alt, method="exact")
            r["exact"] = {"u": float(t.statistic), "p": float(t.pvalue)}
        for cc in (True, False):
            with np.errstate(all="ignore"):
                t = stats.mannwhitneyu(x, y, alternative=alt, method="asymptotic", use_continuity=cc)
            p = float(t.pvalue)
            if not math.isnan(p):
                r["asymptotic" if cc else "asymptotic_nocc"] = {"u": float(t.statistic), "p": p}
        res[alt] = r
    return res


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
con <- file(args[1], "r"); out <- file(args[2], "w")
while (length(line <- readLines(con, n = 1)) > 0) {
  f <- strsplit(line, " ")[[1]]
  id <- f[1]; alt <- f[2]; ex <- f[3]; cc <- as.logical(f[4]); lev <- as.numeric(f[5])
  x <- as.numeric(strsplit(readLines(con, n = 1), " ")[[1]])
  y <- as.numeric(strsplit(readLines(con, n = 1), " ")[[1]])
  exact <- if (ex == "NA") NULL else as.logical(ex)
  ralt <- if (alt == "two-sided") "two.sided" else alt
  r <- tryCatch(suppressWarnings(wilcox.test(x, y, alternative = ralt, exact = exact, correct = cc,
                conf.int = TRUE, conf.level = lev)), error = function(e) NULL)
  if (is.null(r)) { writeLines(paste(id, alt, ex, cc, lev, "ERROR"), out); next }
  writeLines(paste(id, alt, ex, cc, lev, sprintf("%.17g", r$statistic), sprintf("%.17g", r$p.value),
             sprintf("%.17g", r$conf.int[1]), sprintf("%.17g", r$conf.int[2]),
             sprintf("%.17g", r$estimate), sprintf("%.17g", attr(r$conf.int, "conf.level")),
             gsub(" ", "_", r$method)), out)
}
close(out)
"""


def r_values(sets):
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        (d / "w.R").write_text(R_SCRIPT)
        lines = []
        for ds in sets:
            if len(ds["canary"]) * len(ds["baseline"]) > 25_000_000:
                continue
            for alt in ALTS:
                for ex, cc, lev in (("NA", "TRUE", 0.95), ("FALSE", "TRUE", 0.95), ("FALSE", "FALSE", 0.9),
                                    ("NA", "TRUE", 0.99)):
                    lines.append(f"{ds['id']} {alt} {ex} {cc} {lev}")
                    lines.append(" ".join(repr(v) for v in ds["canary"]))
                    lines.append(" ".join(repr(v) for v in ds["baseline"]))
        (d / "in.txt").write_text("\n".join(lines) + "\n")
        subprocess.run(["Rscript", str(d / "w.R"), str(d / "in.txt"), str(d / "out.txt")], check=True)
        res = {}
        for line in (d / "out.txt").read_text().splitlines():
            f = line.split(" ")
            key = f[0]
            entry = {"alternative": f[1], "exact": None if f[2] == "NA" else f[2] == "TRUE",
                     "correct": f[3] == "TRUE", "conf_level": float(f[4])}
            if f[5] == "ERROR":
                entry["error"] = True
            else:
                vals = [float(v.replace("Inf", "inf")) for v in f[5:11]]
                # JSON has no infinity: one-sided interval ends are written as strings.
                ci = [v if math.isfinite(v) else ("inf" if v > 0 else "-inf") for v in vals[2:4]]
                entry.update({"statistic": vals[0], "p": vals[1], "ci": ci,
                              "estimate": vals[4], "achieved_level": vals[5], "method": f[11]})
            res.setdefault(key, []).append(entry)
        return res


def hl_reference(ds):
    x, y = np.array(ds["canary"]), np.array(ds["baseline"])
    if len(x) * len(y) > 2_000_000:
        return None
    d = np.sort(np.subtract.outer(x, y).ravel())
    k = len(d)
    lo, hi = d[(k - 1) // 2], d[k // 2]
    lo2, hi2 = d[max((k - 1) // 2 - 1, 0)], d[min(k // 2 + 1, k - 1)]
    return {"median": float(np.median(d)), "slack": float(hi2 - lo2), "middle": [float(lo), float(hi)]}


def brute_tied(canary, baseline):
    """Exact permutation p-values of U by enumerating every split, in exact fractions."""
    pooled = list(canary) + list(baseline)
    m, n = len(canary), len(baseline)
    order = sorted(pooled)
    ranks2 = {}
    for v in set(order):
        first = order.index(v)
        count = order.count(v)
        ranks2[v] = 2 * first + count + 1  # doubled mid-rank
    def twice_u(idx):
        return sum(ranks2[pooled[i]] for i in idx) - m * (m + 1)
    obs = twice_u(range(m))
    le = ge = total = 0
    for idx in itertools.combinations(range(m + n), m):
        t = twice_u(idx)
        total += 1
        le += t <= obs
        ge += t >= obs
    p_less, p_greater = Fraction(le, total), Fraction(ge, total)
    return {"u": obs / 2, "less": float(p_less), "greater": float(p_greater),
            "two-sided": float(min(1, 2 * min(p_less, p_greater)))}


def tied_exact_cases():
    rng = np.random.default_rng(11)
    cases = [([1, 1, 2, 3], [1, 2, 2, 2, 4]), ([0, 0, 0, 1, 2], [0, 0, 0, 0, 0, 1]),
             ([1.5, 1.5, 1.5], [1.5, 2.5]), ([3, 3, 3, 3], [1, 1, 1, 1, 1]),
             ([0, 1, 2, 1, 0, 0], [0, 0, 0, 0, 0, 0])]  # the last is Kayenta issue #426
    for _ in range(25):
        m, n = int(rng.integers(1, 8)), int(rng.integers(1, 8))
        cases.append((list(rng.integers(0, 4, m)), list(rng.integers(0, 4, n))))
    out = []
    for c, b in cases:
        c = [float(v) for v in c]
        b = [float(v) for v in b]
        out.append({"canary": c, "baseline": b, "brute": brute_tied(c, b)})
    return out


def large_exact_cases():
    """Exact tails for sizes beyond R's default exact range, from R's pwilcox."""
    qs = [(60, 60, 500), (60, 60, 1800), (100, 100, 3000), (100, 100, 100), (150, 150, 5000),
          (150, 150, 200), (200, 150, 9000), (10, 1000, 2000), (10, 1000, 10), (3, 3000, 0),
          (80, 120, 4800)]
    script = "\n".join(f'cat(sprintf("%.17g\\n", pwilcox({q}, {m}, {n})))' for m, n, q in qs)
    quant = [(60, 60, 0.025), (100, 80, 0.005), (150, 150, 0.05), (10, 1000, 0.025)]
    script += "\n" + "\n".join(f'cat(qwilcox({p}, {m}, {n}), "\\n")' for m, n, p in quant)
    out = subprocess.run(["Rscript", "-e", script], check=True, capture_output=True, text=True).stdout.split()
    cdf = [{"m": m, "n": n, "q": q, "p": float(out[i])} for i, (m, n, q) in enumerate(qs)]
    qq = [{"m": m, "n": n, "p": p, "q": int(out[len(qs) + i])} for i, (m, n, p) in enumerate(quant)]
    return {"cdf": cdf, "quantile": qq}


def main():
    sets = datasets()
    rv = r_values(sets)
    for ds in sets:
        ds["scipy"] = scipy_values(ds)
        ds["r"] = rv.get(ds["id"], [])
        ds["hl"] = hl_reference(ds)
    r_version = subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True, text=True).stdout
    doc = {
        "generator": "scripts/gen_mwu_fixtures.py",
        "scipy": scipy.__version__, "numpy": np.__version__, "r": r_version,
        "datasets": sets,
        "tied_exact": tied_exact_cases(),
        "large_exact": large_exact_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":"), allow_nan=False))
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(sets)} datasets)")


if __name__ == "__main__":
    main()
