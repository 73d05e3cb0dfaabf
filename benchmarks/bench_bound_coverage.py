"""Does ``bound_upper`` cover the true error at its stated level? Coverage on analytic families.

    .venv/bin/python benchmarks/bench_bound_coverage.py [--quick] [--reps 200] [--a 0.05]
        [--n 2 8 64 256 1024] [--families degree2 scale radial tanh] [--json out.json]

For each family of :mod:`numerics.bound_families` (whose population error ``E||h − Qz||²`` is
known exactly, or to about 1e−12), each latent dimension n and each sample size N (from 10³ up to
``N · n <= --max-entries``, so that the four (N, n) arrays fit this machine's memory), it draws
``--reps`` independent OU samples at ρ = 0.95, runs
:func:`numerics.bounds.approximate_identifiability` (no bootstrap) at level 0.95, and reports

* coverage: the fraction of replicates with true error <= ``bound_upper`` (target >= 0.95),
  with the same fraction for the plug-in ``bound`` beside it (no confidence bound, shown as the
  control), and the fraction with ``error_lower <= true error <= error_upper``;
* the median tightness ``bound_upper / true error``;
* for each family and n, the smallest N whose median tightness is within 10×.

``--quick`` is 20 replicates, n in {2, 8, 64} and N in {10³, 10⁴}. Never pass/fail.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from lejepa_verify.numerics.bound_families import family_map, perturbation_family  # noqa: E402
from lejepa_verify.numerics.bounds import approximate_identifiability  # noqa: E402

RHO = 0.95
LEVEL = 0.95


def sizes(n: int, max_entries: float, quick: bool) -> list[int]:
    grid = (1_000, 10_000) if quick else (1_000, 10_000, 100_000, 1_000_000)
    return [N for N in grid if N * n <= max_entries]


def cell(family: str, a: float, n: int, N: int, reps: int, seed: int = 0) -> dict:
    h, _ = family_map(family, a, n, seed=seed)
    truth = perturbation_family(family, [a], n=n, rho=RHO)[0]
    s = math.sqrt(1 - RHO * RHO)
    up, plug, inside, tight, viol = 0, 0, 0, [], 0
    t0 = time.perf_counter()
    for r in range(reps):
        rng = np.random.default_rng([seed, n, N, r])
        z = rng.standard_normal((N, n))
        zn = RHO * z + s * rng.standard_normal((N, n))
        est = approximate_identifiability(z, h(z), h(zn), RHO, LEVEL, n_bootstrap=0, seed=r)
        up += truth.error <= est.bound_upper
        plug += truth.error <= est.bound
        inside += est.error_lower <= truth.error <= est.error_upper
        viol += est.violated
        tight.append(est.bound_upper / truth.error if truth.error > 0 else math.inf)
    return {"family": family, "a": a, "n": n, "N": N, "reps": reps, "true_error": truth.error,
            "true_bound": truth.bound, "coverage_upper": up / reps, "coverage_plug_in": plug / reps,
            "coverage_error_interval": inside / reps, "violations": viol,
            "median_tightness": statistics.median(tight), "seconds": time.perf_counter() - t0}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--a", type=float, nargs="+", default=[0.05])
    ap.add_argument("--n", type=int, nargs="+")
    ap.add_argument("--families", nargs="+", default=["degree2", "scale", "radial", "tanh"])
    ap.add_argument("--max-entries", type=float, default=1.1e7, help="largest N · n per array")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    reps = args.reps or (20 if args.quick else 200)
    ns = args.n or ([2, 8, 64] if args.quick else [2, 8, 64, 256, 1024])
    rows = []
    t0 = time.perf_counter()
    print("| family | a | n | N | reps | true error | coverage bound_upper | coverage plug-in | "
          "coverage [error_lower, error_upper] | violations | median bound_upper / error | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for family in args.families:
        for a in args.a:
            for n in ns:
                for N in sizes(n, args.max_entries, args.quick):
                    r = cell(family, a, n, N, reps)
                    rows.append(r)
                    print(f"| {family} | {a:g} | {n} | {N} | {reps} | {r['true_error']:.4g} | {r['coverage_upper']:.3f} | "
                          f"{r['coverage_plug_in']:.3f} | {r['coverage_error_interval']:.3f} | {r['violations']} | "
                          f"{r['median_tightness']:.3g} | {r['seconds']:.0f} |", flush=True)
    print("\nSmallest N with median bound_upper / true error <= 10:")
    for family in args.families:
        for a in args.a:
            for n in ns:
                ok = [r["N"] for r in rows if r["family"] == family and r["a"] == a and r["n"] == n
                      and r["median_tightness"] <= 10]
                print(f"- {family}, a = {a:g}, n = {n}: {min(ok) if ok else 'none of the sizes run'}")
    print(f"\n{len(rows)} cells in {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
