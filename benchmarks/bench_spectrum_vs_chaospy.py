"""Speed of ``numerics.hermite_spectrum`` against chaospy's pseudo-spectral projection, side by side.

Both compute the Hermite coefficients of the same map up to total degree D with the same tensor
Gauss–Hermite rule (q nodes per axis), so they reach the same accuracy; the script prints the
largest difference of their degree energies to show it. chaospy's time is
``generate_expansion + generate_quadrature + fit_quadrature``; ours is one ``hermite_spectrum``
call, which also evaluates a second, coarser rule for its error estimate (so it does more work).
numba compilation is excluded (a warm-up call runs first). Also reported: the Monte Carlo
projection throughput, (samples × basis functions) per second. No pass/fail: a printout.

Run: ``.venv/bin/python benchmarks/bench_spectrum_vs_chaospy.py [--quick] [--csv out.csv]``
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time

import numpy as np


def _maps():
    from lejepa_verify.numerics.maps import make_map

    spiral3 = make_map("radial_rotation", 3, turns=1.0)
    return {
        1: ("tanh(z) + 0.3 z sin z", lambda z: np.tanh(z) + 0.3 * z * np.sin(z)),
        2: ("spiral", make_map("spiral")),
        3: ("radial rotation (3D)", spiral3),
    }


def _best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _chaospy_energies(h, dim, degree, q):
    import chaospy

    def run():
        dist = chaospy.Iid(chaospy.Normal(0, 1), dim)
        expansion = chaospy.generate_expansion(degree, dist, normed=True)
        nodes, weights = chaospy.generate_quadrature(q - 1, dist, rule="gaussian")
        evals = h(np.ascontiguousarray(nodes.T))
        _, coef = chaospy.fit_quadrature(expansion, nodes, weights, evals, retall=1)
        return expansion, np.asarray(coef)

    return run


def _chaospy_degree_energy(expansion, coef, dim, degree):
    # the degree of each expansion term from its exponents (chaospy's graded order)
    degrees = np.array([int(max(e.sum() for e in p.exponents)) for p in expansion])
    coef = coef.reshape(len(expansion), -1)
    return np.array([(coef[degrees == d] ** 2).sum(axis=0) for d in range(degree + 1)]).T


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer cases and repeats")
    ap.add_argument("--csv", default=None, help="also write the table as CSV here")
    # chaospy's side of (dim 3, degree 20) did not finish within 8 minutes on a 2-core machine
    ap.add_argument("--with-3d-20", action="store_true", help="also run dim 3 at degree 20 (chaospy: many minutes)")
    args = ap.parse_args(argv)

    from lejepa_verify.numerics.spectrum import hermite_spectrum

    # warm-up: compile (or load from cache) every numba kernel before timing
    hermite_spectrum(np.tanh, 1, 3)
    hermite_spectrum(lambda z: z, 9, 2, seed=0, n_samples=400)

    cases = [(1, 5), (1, 10), (1, 20), (2, 5), (2, 10), (2, 20), (3, 5), (3, 10)]
    if args.with_3d_20:
        cases.append((3, 20))
    if args.quick:
        cases = [(1, 10), (2, 10), (3, 5)]
    repeat = 2 if args.quick else 3
    rows = []
    print("| dim | degree | nodes/axis | map | chaospy s | ours s | ratio | max |ΔE| |", file=sys.stdout)
    print("|---|---|---|---|---|---|---|---|")
    for dim, degree in cases:
        name, h = _maps()[dim]
        q = degree + 1 + (degree + 1) // 2  # exact for h·h_α up to coordinate degree ~2D; same rule for both
        t_ours, spec = _best_of(lambda: hermite_spectrum(h, dim, degree, method="quadrature", n_samples=q**dim), repeat)
        t_cp, (expansion, coef) = _best_of(_chaospy_energies(h, dim, degree, q), 1 if dim == 3 and degree >= 10 else repeat)
        e_cp = _chaospy_degree_energy(expansion, coef, dim, degree)
        diff = float(np.abs(e_cp - spec.energy).max())
        rows.append({"dim": dim, "degree": degree, "nodes_per_axis": q, "map": name, "chaospy_s": t_cp,
                     "ours_s": t_ours, "ratio": t_cp / t_ours, "max_energy_diff": diff})
        print(f"| {dim} | {degree} | {q} | {name} | {t_cp:.4f} | {t_ours:.5f} | {t_cp / t_ours:.0f}× | {diff:.1e} |",
              flush=True)

    print("\nMonte Carlo projection throughput (split-half groups, basis built by the numba kernel):\n")
    print("| dim | degree | outputs m | basis K | samples | seconds | samples × K per s |")
    print("|---|---|---|---|---|---|---|")
    mc_cases = [(16, 3, 16, 20_000), (64, 3, 64, 20_000)] if not args.quick else [(16, 3, 16, 4_000), (64, 3, 8, 2_000)]
    for dim, degree, m, n in mc_cases:
        rng = np.random.default_rng(0)
        w = rng.standard_normal((dim, m)) / math.sqrt(dim)
        h = lambda z, w=w: np.tanh(z @ w)  # noqa: E731
        t0 = time.perf_counter()
        s = hermite_spectrum(h, dim, degree, method="montecarlo", seed=0, n_samples=n)
        dt = time.perf_counter() - t0
        k = s.coefficients.shape[1]
        rows.append({"dim": dim, "degree": degree, "map": f"tanh(z W), m = {m}", "ours_s": dt,
                     "mc_samples": s.n_points, "basis": k, "samples_x_basis_per_s": s.n_points * k / dt})
        print(f"| {dim} | {degree} | {m} | {k} | {s.n_points} | {dt:.2f} | {s.n_points * k / dt:.3g} |", flush=True)

    if args.csv:
        keys = sorted({k for r in rows for k in r})
        with open(args.csv, "w", newline="") as fh:
            wr = csv.DictWriter(fh, fieldnames=keys)
            wr.writeheader()
            wr.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
