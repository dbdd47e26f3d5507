#!/usr/bin/env python3
"""Generate tests/fixtures/exact_sweep.json: reference values for the exact
Mann-Whitney distribution at every pair of sizes up to 100 x 100, from R and scipy.

Nothing here calls canary-judge: every expected value comes from R or scipy.

- "qwilcox": R's qwilcox(p, m, n) for p = 0.005, 0.025, 0.05 and every m, n in
  1..=100, flattened in the order (m, n, p). These are the order-statistic indices of
  the exact Hodges-Lehmann interval (R's wilcox.test(conf.int = TRUE)).
- "reproductions": the datasets of the exact p-value issue (32 x 32, 19 x 63, 42 x 25)
  with scipy.stats.mannwhitneyu(canary, baseline, method="exact") p-values for all
  three alternatives and R's wilcox.test(canary, baseline, exact = TRUE,
  conf.int = TRUE) statistic, p-value, interval and estimate.

Usage: pip install numpy scipy; apt-get install r-base-core;
       python3 scripts/gen_exact_sweep_fixtures.py
"""
import json
import pathlib
import subprocess
import tempfile

import numpy as np
import scipy
from scipy import stats

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "exact_sweep.json"
MAX = 100
TAILS = [0.005, 0.025, 0.05]


def run_r(script):
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "s.R"
        path.write_text(script)
        return subprocess.run(["Rscript", str(path)], check=True, capture_output=True,
                              text=True).stdout


def qwilcox_table():
    script = f"""
for (m in 1:{MAX}) for (n in 1:{MAX}) cat(qwilcox(c({", ".join(map(str, TAILS))}), m, n), "\\n")
"""
    values = [int(v) for v in run_r(script).split()]
    assert len(values) == MAX * MAX * len(TAILS)
    return values


def datasets():
    """The issue's reproductions, plus a seeded 42 x 25 set with a middle U."""
    out = []
    b = [2.0 * i for i in range(32)]
    c = [2.0 * j + 1 + 0.0001 * j for j in range(32)]
    out.append({"id": "32x32-middle", "baseline": b, "canary": c})
    b = [2.0 * i for i in range(19)]
    c = [(2.0 * j + 1) * 19 / 63 + 0.0001 * j for j in range(63)]
    out.append({"id": "19x63-middle", "baseline": b, "canary": c})
    # A lower tail at 19 x 63: the canary mostly below the baseline.
    c = [(2.0 * j + 1) * 19 / 63 - 9.0 + 0.0001 * j for j in range(63)]
    out.append({"id": "19x63-lower", "baseline": b, "canary": c})
    b = [2.0 * i for i in range(25)]
    c = [(2.0 * j + 1) * 25 / 42 + 0.0001 * j for j in range(42)]
    out.append({"id": "42x25-middle", "baseline": b, "canary": c})
    rng = np.random.default_rng(12)
    out.append({"id": "42x25-normal", "baseline": [float(v) for v in 10 * rng.normal(0, 1, 25)],
                "canary": [float(v) for v in 10 * rng.normal(0.2, 1, 42)]})
    for ds in out:
        pooled = ds["baseline"] + ds["canary"]
        assert len(set(pooled)) == len(pooled), ds["id"]
    return out


def reference(ds):
    x, y = np.array(ds["canary"]), np.array(ds["baseline"])
    res = {"scipy": {}}
    for alt in ["two-sided", "greater", "less"]:
        t = stats.mannwhitneyu(x, y, alternative=alt, method="exact")
        res["scipy"][alt] = {"u": float(t.statistic), "p": float(t.pvalue)}
    fmt = lambda v: "c(" + ", ".join(repr(float(a)) for a in v) + ")"
    out = run_r(f"""
r <- wilcox.test({fmt(x)}, {fmt(y)}, exact = TRUE, conf.int = TRUE, conf.level = 0.95)
cat(sprintf("%.17g", c(r$statistic, r$p.value, r$conf.int[1], r$conf.int[2], r$estimate)))
""").split()
    w, p, lo, hi, est = map(float, out)
    res["r"] = {"statistic": w, "p": p, "ci": [lo, hi], "estimate": est}
    return res


def main():
    sets = datasets()
    for ds in sets:
        ds.update(reference(ds))
    r_version = run_r("cat(R.version.string)")
    doc = {
        "generated_by": "scripts/gen_exact_sweep_fixtures.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__, "r": r_version},
        "max": MAX,
        "tails": TAILS,
        "qwilcox": qwilcox_table(),
        "reproductions": sets,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":"), allow_nan=False))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
