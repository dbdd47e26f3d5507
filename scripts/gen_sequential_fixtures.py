#!/usr/bin/env python3
"""Reference values for canary_judge::sequential, written to
tests/fixtures/sequential.json.

Independent implementations only:
- confseq 0.0.11 (C++ core; built from its sdist with Boost headers:
  apt-get install libboost-dev; pip install "pybind11==2.13.*" scikit-build cmake ninja;
  pip install --no-build-isolation --no-deps confseq==0.0.11): beta-binomial mixture
  boundaries (per-arm quantile confidence sequences, with capped sides unbounded),
  `quantile_ab_p_value`, `empirical_process_lil_bound`, `bernoulli_confidence_interval`;
- savvi 0.3.1 (PyPI): `Multinomial` odds for the two-sided count e-value, its
  `InhomogeneousPoissonProcess` confidence interval for the log rate ratio (cvxpy,
  accurate to ~1e-6), and `linear_regression.log_bf` for the sequential t-test;
- scipy / mpmath closed forms, written here from the published formulas (one-sided
  truncated-Beta count e-value, rate-ratio interval by brentq, normal mixture,
  beta-binomial Bernoulli confidence sequence, Gamma-Poisson Bayes factor, Wald LLR),
  and mpmath's regularised incomplete beta at 50 digits.

Inputs are fixed sequences stored in the JSON next to the answers. Run:
    pip install savvi==0.3.1 matplotlib scipy mpmath  (savvi imports matplotlib)
    python3 scripts/gen_sequential_fixtures.py
"""
import json
import math
import os

import mpmath
import numpy as np
from scipy.optimize import brentq
from scipy.special import betaln, gammaln, xlogy

import savvi
from confseq import boundaries as cs_bounds, quantiles as cs_quantiles
from savvi.multinomial import InhomogeneousPoissonProcess, Multinomial
from savvi.linear_regression import log_bf

mpmath.mp.dps = 50
ALPHA = 0.05


def count_cases():
    cases = []
    scenarios = [
        # (baseline share, canary share, k, batches of (baseline, canary) events)
        (0.5, 0.5, 100.0, [(10, 12), (30, 41), (55, 70), (200, 260)]),
        (0.9, 0.1, 100.0, [(45, 9), (51, 12), (38, 14), (60, 17), (47, 15)]),
        (0.8, 0.2, 10.0, [(100, 20), (400, 130), (1000, 260)]),
        (0.95, 0.05, 1000.0, [(0, 0), (0, 3), (500, 20), (5000, 300)]),
        (0.5, 0.5, 100.0, [(7, 0), (0, 0), (3000, 2900)]),
    ]
    for rb, rc, k, batches in scenarios:
        m = Multinomial(ALPHA, np.array([rb, rc]), k=k)
        ipp = InhomogeneousPoissonProcess(ALPHA, np.array([rb, rc]), np.array([[-1.0, 1.0]]), k=k)
        steps = []
        nb = nc = 0
        for db, dc in batches:
            nb += db
            nc += dc
            m.update(np.array([db, dc]))
            a, b = k * rc, k * rb
            # Two-sided log e-value from the closed form (savvi's odds below).
            two = betaln(a + nc, b + nb) - betaln(a, b) - xlogy(nc, rc) - xlogy(nb, rb)
            # One-sided: prior truncated to theta > rho_c (mpmath, 50 digits).
            def upper_tail(p, q):
                return mpmath.log(1 - mpmath.betainc(p, q, 0, rc, regularized=True))
            one = float(mpmath.mpf(two) + upper_tail(a + nc, b + nb) - upper_tail(a, b))
            # Rate-ratio interval by brentq on the concave log likelihood.
            c = betaln(a + nc, b + nb) - betaln(a, b) + math.log(ALPHA)
            f = lambda th: xlogy(nc, th) + xlogy(nb, 1 - th) - c
            n = nb + nc
            if n == 0:
                lo_t, hi_t = 0.0, 1.0
            else:
                hat = nc / n
                lo_t = 0.0 if (nc == 0 or f(1e-300) >= 0) else brentq(f, 1e-300, hat, xtol=1e-300, rtol=1e-15)
                hi_t = 1.0 if (nb == 0 or f(1 - 1e-16) >= 0) else brentq(f, hat, 1 - 1e-16, xtol=1e-300, rtol=1e-15)
            odds = rb / rc
            ratio = lambda th: float("inf") if th >= 1 else th / (1 - th) * odds
            step = {
                "baseline": nb,
                "canary": nc,
                "log_e_two_sided": float(two),
                "savvi_log_odds": float(math.log(m.odds)) if m.odds > 0 else None,
                "log_e_one_sided": one,
                "ratio_interval": [ratio(lo_t), ratio(hi_t) if hi_t < 1 else "inf"],
            }
            # savvi's convex-program interval for log rate ratio (only with both arms seen).
            if nb > 0 and nc > 0:
                ipp.update(np.array([db, dc]))
                try:
                    ci = ipp.calculate_conf_int()
                    step["savvi_log_ratio_interval"] = [float(ci[0, 0]), float(ci[0, 1])]
                except Exception:  # solver failure: leave the cross-check out
                    pass
            else:
                ipp.counts += np.array([db, dc])
                ipp.n += db + dc
            steps.append(step)
        cases.append({"baseline_share": rb, "canary_share": rc, "k": k, "steps": steps})
    return cases


def ttest_cases():
    rng = np.random.default_rng(20261125)
    cases = []
    for nb, nc, shift, phi in [(5, 7, 0.0, 1.0), (40, 35, 0.5, 100.0), (300, 320, 0.1, 100.0), (2000, 1500, 0.05, 25.0)]:
        b = rng.normal(10.0, 2.0, nb).round(6)
        c = rng.normal(10.0 + shift * 2.0, 2.0, nc).round(6)
        nu = nb + nc - 2
        sse = ((b - b.mean()) ** 2).sum() + ((c - c.mean()) ** 2).sum()
        se2 = sse / nu * (1 / nb + 1 / nc)
        delta = c.mean() - b.mean()
        t2 = delta**2 / se2
        z2 = nb * nc / (nb + nc)
        le = float(log_bf(np.array([t2]), nu, phi, np.array([z2]))[0])
        r = phi / (phi + z2)
        w = (r * ALPHA**2) ** (1 / (nu + 1))
        half = math.sqrt(se2 * nu * (1 - w) / (w - r)) if w > r else None
        cases.append({
            "baseline": b.tolist(), "canary": c.tolist(), "phi": phi,
            "log_e": le, "interval": None if half is None else [delta - half, delta + half],
        })
    return cases


def normal_mixture_cases():
    cases = []
    for delta, var, tau2 in [(0.3, 0.01, 0.25), (-0.05, 0.002, 0.01), (1.5, 2.0, 1.0), (0.0, 1e-6, 0.04)]:
        total = var + tau2
        le = 0.5 * math.log(var / total) + tau2 * delta**2 / (2 * var * total)
        rad = math.sqrt(var * total / tau2 * (math.log(total / var) - 2 * math.log(ALPHA)))
        cases.append({"delta": delta, "var": var, "tau2": tau2, "log_e": le, "interval": [delta - rad, delta + rad]})
    return cases


def bernoulli_cs_cases():
    def log_mix(x, n, p, t_opt):
        g, h = p, 1 - p
        l = -math.log(0.05)
        rho = g * h * t_opt / (2 * l + math.log(1 + 2 * l))
        r = max(rho - g * h, 1e-3 * g * h)
        s, v = x - n * p, g * h * n
        return (-(v + h * s) / h * math.log(g) - (v - g * s) / g * math.log(h)
                + betaln((r + v - g * s) / g, (r + v + h * s) / h) - betaln(r / g, r / h))

    cases = []
    for x, n, t_opt, target in [(12, 5000, 1000.0, 0.001), (0, 200, 100.0, 0.01), (37, 1000, 500.0, 0.02), (480, 1000, 1000.0, 0.5)]:
        thr = -math.log(ALPHA)
        hat = x / n
        g = lambda p: log_mix(x, n, p, t_opt) - thr
        lo = 0.0 if (hat <= 1e-15 or g(1e-15) < 0) else brentq(g, 1e-15, min(hat, 1 - 1e-15), xtol=1e-16, rtol=1e-14)
        hi = 1.0 if g(1 - 1e-15) < 0 else brentq(g, max(hat, 1e-15), 1 - 1e-15, xtol=1e-16, rtol=1e-14)
        cases.append({"events": x, "trials": n, "t_opt": t_opt, "target": target,
                      "log_e": log_mix(x, n, target, t_opt), "interval": [lo, hi]})
    return cases


def gamma_poisson_cases():
    cases = []
    for n, lam, phi in [(61, 20.0, 1.0), (0, 5.0, 2.0), (120, 100.0, 10.0), (3, 0.5, 0.5)]:
        bf = phi * math.log(phi) - (phi + n) * math.log(phi + lam) + gammaln(phi + n) - gammaln(phi) + lam
        cases.append({"count": n, "expected": lam, "phi": phi, "log_bf": float(bf)})
    return cases


def incomplete_beta_cases():
    out = []
    for a, b, x in [(0.5, 0.5, 0.3), (3.7, 1e4, 1e-6), (50.0, 10.0, 0.9), (1e3, 2e3, 0.3), (2.0, 3.0, 0.999),
                    (100.0, 100.0, 0.2), (5.0, 0.8, 0.01), (2000.0, 50.0, 0.5)]:
        v = mpmath.betainc(a, b, 0, x, regularized=True)
        out.append({"a": a, "b": b, "x": x, "ln_value": float(mpmath.log(v))})
    return out


def quantile_cases():
    """Per-arm quantile confidence sequences (two-sided beta-binomial boundaries at
    alpha/2 each, capped sides unbounded) and the two-sample p-value, on stored data."""
    rng = np.random.default_rng(7)
    cases = []
    for n_b, n_c, p, t_opt, scale in [(20, 25, 0.99, 500, 1.0), (200, 180, 0.9, 500, 1.1), (1000, 1000, 0.5, 1000, 1.0),
                                      (3000, 2500, 0.9, 1000, 1.05), (400, 400, 0.75, 100, 1.0), (500, 600, 0.9, 500, 1.3), (60, 50, 0.5, 50, 1.6)]:
        b = np.round(np.exp(rng.normal(0, 0.5, n_b)) * 100, 3)
        c = np.round(np.exp(rng.normal(0, 0.5, n_c)) * 100 * scale, 3)
        def arm(values):
            t = len(values)
            x = np.sort(values)
            v = p * (1 - p) * t
            v_opt = p * (1 - p) * t_opt
            out = []
            for g, h, side in [(1 - p, p, -1), (p, 1 - p, +1)]:
                u = float(cs_bounds.beta_binomial_mixture_bound(v, ALPHA / 2, v_opt, g, h, 0.05, False))
                capped = u >= v / g * (1 - 1e-12)
                if side < 0:
                    k = math.floor(t * p - u) + 1
                    out.append(None if capped or k < 1 else float(x[k - 1]))
                else:
                    k = math.ceil(t * p + u)
                    out.append(None if capped or k > t else float(x[k - 1]))
            return out
        pv = float(cs_quantiles.quantile_ab_p_value(b, c, p, t_opt, 0.05))
        cases.append({"p": p, "t_opt": t_opt, "baseline": b.tolist(), "canary": c.tolist(),
                      "baseline_interval": arm(b), "canary_interval": arm(c), "ab_p_value": pv})
    return cases


def lil_cases():
    return [{"t": t, "alpha": a, "epsilon": float(cs_quantiles.empirical_process_lil_bound(t, a, 1))}
            for t in [1, 10, 100, 1000, 10000, 123456] for a in [0.05, 0.025, 0.001]]


def main():
    data = {
        "generator": "scripts/gen_sequential_fixtures.py",
        "versions": {"savvi": "0.3.1", "confseq": "0.0.11", "numpy": np.__version__, "mpmath": mpmath.__version__},
        "alpha": ALPHA,
        "counts": count_cases(),
        "ttest": ttest_cases(),
        "normal_mixture": normal_mixture_cases(),
        "bernoulli_cs": bernoulli_cs_cases(),
        "gamma_poisson": gamma_poisson_cases(),
        "incomplete_beta": incomplete_beta_cases(),
        "quantiles": quantile_cases(),
        "lil": lil_cases(),
        "confseq_bernoulli": [list(cs_bounds.bernoulli_confidence_interval(x, n, ALPHA, t_opt))
                              for x, n, t_opt in [(12, 5000, 1000), (37, 1000, 500), (480, 1000, 1000)]],
    }
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "sequential.json")
    with open(path, "w") as fh:
        json.dump(data, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
