#!/usr/bin/env python3
"""Reference values for the private numeric kernels (src/num/special.rs), written to
tests/fixtures/special.json.

Independent implementation only: mpmath at 60 digits, through the hypergeometric
series of DLMF 8.17.8 (mpmath's own betainc does not converge at 10^6).
The cases cover the count test's looks: parameters from 0.5 to 10^6, x near the
mean (where the continued fraction is slowest) and far in both tails (values down
to 1e-300 and below, compared in log space).

Run:
    pip install mpmath
    python3 scripts/gen_special_fixtures.py
"""
import json
import os

import mpmath

mpmath.mp.dps = 60


def lower(a, b, x):
    """I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) 2F1(a + b, 1; a + 1; x), for x below
    the mean (the series converges there; DLMF 8.17.8)."""
    a, b, x = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
    front = mpmath.exp(a * mpmath.log(x) + b * mpmath.log1p(-x) - mpmath.log(a) - mpmath.log(mpmath.beta(a, b)))
    return front * mpmath.hyp2f1(a + b, 1, a + 1, x, maxterms=10**8, maxprec=100000)


def incomplete_beta(a, b, x):
    """I_x(a, b) from the series on the side of the mean where it converges."""
    if x < a / (a + b):
        return lower(a, b, x)
    return 1 - lower(b, a, 1 - x)


def cases():
    out = []
    grid = [
        (0.5, 0.5, 0.3), (3.7, 1e4, 1e-6), (50.0, 10.0, 0.9), (1e3, 2e3, 0.3),
        (2.0, 3.0, 0.999), (100.0, 100.0, 0.2), (5.0, 0.8, 0.01), (2000.0, 50.0, 0.5),
    ]
    # The count test at 10^3..10^9 events per side, at and around the null share
    # (0.5 and 0.1), from the centre into tails far below 1e-300.
    for n in [1e3, 1e4, 1e5, 1e6]:
        for share in [0.5, 0.1]:
            a, b = n * share + 0.25, n * (1 - share) + 0.75
            mean = a / (a + b)
            for dx in [0.0, 1.0 / n ** 0.5, -3.0 / n ** 0.5, -0.3 * mean]:
                x = mean + dx
                if 0.0 < x < 1.0:
                    grid.append((a, b, x))
    for a, b, x in grid:
        v = incomplete_beta(a, b, x)
        out.append({"a": a, "b": b, "x": x, "ln_value": float(mpmath.log(v))})
    return out


def temme_cases():
    """Where the kernel switches to Temme's expansion: both parameters >= 100 and
    x within 0.03 min(a, b) / (a + b) of the mean, on both sides, plus just outside
    (the continued fraction again), with unequal parameters up to a ratio of 100."""
    out = []
    pairs = [(100.0, 100.0), (100.25, 180.75), (1e3 + 0.25, 1e3 + 0.75), (250.5, 2.5e4),
             (9e3 + 0.1, 1e3 + 0.9), (5e4 + 0.25, 5e4 + 0.75), (1e5 + 0.1, 9e5 + 0.9),
             (5e5 + 0.25, 5e5 + 0.75)]
    for a, b in pairs:
        n = a + b
        mean = a / n
        edge = 0.03 * min(a, b)
        for lam in [0.0, 0.37, 0.25 * edge, 0.5 * edge, 0.999 * edge, 1.01 * edge, 2.0 * edge]:
            for sign in [1.0, -1.0]:
                x = (a - sign * lam) / n
                if 0.0 < x < 1.0:
                    v = incomplete_beta(a, b, x)
                    out.append({"a": a, "b": b, "x": x, "ln_value": float(mpmath.log(v))})
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "tests", "fixtures", "special.json")
    with open(path, "w") as f:
        json.dump({"source": "mpmath %s, 60 digits, DLMF 8.17.8" % mpmath.__version__,
                   "incomplete_beta": cases(),
                   "incomplete_beta_near_mean": temme_cases()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
