"""Do the error bars of the alignment loss cover their errors? A coverage study on 30 maps.

    .venv/bin/python benchmarks/bench_coverage.py [--quick] [--spectrum] [--json out.json]

For every map of ``coverage_library.cases()`` (1D, 2D and n = 4, 6, 8; smooth, kinked and
discontinuous; truths in closed form or from an independent computation), every ρ in
{0.3, 0.7, 0.95} and every method of :func:`numerics.alignment.alignment_loss`
(``quadrature`` where n <= 2, ``montecarlo``, ``auto``), it records whether
``|value − truth| <= error`` and the ratio ``error / |value − truth|`` (how wide the bar is:
1 is exact, 100 honest but useless). It prints, per method and per kind of map, the covered
fraction and the median ratio, and lists every case that is not covered. Monte Carlo uses its
default 200 000 pairs with the seed fixed per case. ``--quick`` skips the circle shift (its
reference takes about 15 s per ρ) and uses ρ = 0.7 only. Never pass/fail.

``--spectrum`` runs the same study on :func:`numerics.spectrum.hermite_spectrum` instead: for
every map (methods ``quadrature`` where n <= 3, ``sparse`` where 4 <= n <= 8, ``montecarlo``,
``auto``; total degree D = 20 and 40 in 1D, 8 and 14 in 2D, 3 in 4D and 6D, 2 and 3 in 8D) it checks the
spectral alignment ``SpectralAlignment.error`` against the closed-form ``L(h)``, and where the
map's Hermite energies are known in closed form (``Case.profile``) each degree's summed energy
``Σ_i E_{i,d}`` and the summed residual against theirs, with the bar the spectrum reports (the
rule's ``energy_error`` / ``residual_error``, or ``t_9(0.975)`` times the standard error of the
summed group estimates). It also counts *identity violations*: an output whose residual
``E h_i² − Σ_d E_{i,d}`` or whose second moment is negative by more than its own bar.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage_library import cases  # noqa: E402

from lejepa_verify.numerics.alignment import alignment_loss  # noqa: E402
from lejepa_verify.numerics.spectrum import hermite_spectrum  # noqa: E402

RHOS = (0.3, 0.7, 0.95)
SPECTRUM_DEGREES = {1: (20, 40), 2: (8, 14), 4: (3,), 6: (3,), 8: (2, 3)}
_T9 = 2.2621571627409915  # t_9(0.975): the Monte Carlo spectrum has 10 groups


def run(quick: bool = False, names=None, rhos=None, n_samples=None) -> list[dict]:
    rows = []
    rhos = rhos or ((0.7,) if quick else RHOS)
    for k, case in enumerate(cases()):
        if names is not None and case.name not in names:
            continue
        if quick and names is None and "circle" in case.name:
            continue
        for rho in rhos:
            truth = case.truth(rho)
            methods = ("quadrature", "montecarlo", "auto") if case.dim <= 2 else ("montecarlo", "auto")
            for method in methods:
                t0 = time.perf_counter()
                a = alignment_loss(case.h, case.dim, rho, method=method, seed=1000 + k,
                                   n_samples=n_samples if method == "montecarlo" else None)
                dev = abs(a.value - truth)
                rows.append({"map": case.name, "dim": case.dim, "kind": case.kind, "rho": rho, "method": method,
                             "used": a.method, "value": a.value, "truth": truth, "error": a.error,
                             "deviation": dev, "covered": bool(dev <= a.error),
                             "ratio": a.error / dev if dev > 0 else math.inf, "resolved": a.resolved,
                             "reason": a.reason, "seconds": time.perf_counter() - t0})
    return rows


def _summed_bars(s):
    """95 % bars of Σ_i E_{i,d} (per d) and of Σ_i residual_i, read from the spectrum's own fields."""
    if s.group_energy is not None:
        g = len(s.group_energy)
        se_e = s.group_energy.sum(axis=1).std(axis=0, ddof=1) / math.sqrt(g)
        se_r = s.group_residual.sum(axis=1).std(ddof=1) / math.sqrt(g)
        return _T9 * se_e, _T9 * float(se_r)
    if s.energy_error is None:
        return [math.inf] * s.energy.shape[1], math.inf
    return s.energy_error.sum(axis=0), float(s.residual_error.sum())


def _energy_bars(s):
    if s.group_energy is not None:
        return _T9 * s.energy_se
    if s.energy_error is None:
        return np.full(s.energy.shape, math.inf)
    return s.energy_error


def _residual_bars(s):
    if s.group_residual is not None:
        return _T9 * s.residual_se
    if s.residual_error is None:
        return [math.inf] * len(s.residual)
    return s.residual_error


def run_spectrum(quick: bool = False, names=None, rhos=None) -> list[dict]:
    """One row per (map, D, ρ, method): the spectral alignment, the energies and the identities."""
    rows = []
    rhos = rhos or ((0.7,) if quick else RHOS)
    for k, case in enumerate(cases()):
        if names is not None and case.name not in names:
            continue
        if quick and names is None and "circle" in case.name:
            continue
        methods = (("quadrature",) if case.dim <= 3 else ("sparse",)) + ("montecarlo", "auto")
        for degree in SPECTRUM_DEGREES[case.dim]:
            for method in methods:
                t0 = time.perf_counter()
                s = hermite_spectrum(case.h, case.dim, degree, method=method, seed=1000 + k)
                seconds = time.perf_counter() - t0
                bars_e, bar_r = _summed_bars(s)
                rbars = _residual_bars(s)
                # beyond the bars the spectrum states: a result that flags itself (inf bars) breaks nothing
                ebars = _energy_bars(s)
                violations = int(sum(r < -b for r, b in zip(s.residual, rbars))
                                 + sum(m < -(b + eb.sum()) for m, b, eb in zip(s.second_moment, rbars, ebars)))
                energy_rows = []
                if case.profile is not None:
                    te, tr = case.profile.energies(degree)
                    got = s.energy.sum(axis=0)
                    for d in range(degree + 1):
                        energy_rows.append((d, float(got[d]), float(te[d]), float(bars_e[d])))
                    energy_rows.append(("residual", float(s.residual.sum()), tr, bar_r))
                for rho in rhos:
                    a = s.alignment_loss(rho)
                    truth = case.truth(rho)
                    dev = abs(a.value - truth)
                    rows.append({"map": case.name, "dim": case.dim, "kind": case.kind, "degree": degree, "rho": rho,
                                 "method": method, "used": s.method, "value": a.value, "truth": truth,
                                 "error": a.error, "deviation": dev, "covered": bool(dev <= a.error),
                                 "ratio": a.error / dev if dev > 0 else math.inf, "resolved": s.error_resolved,
                                 "violations": violations,
                                 "energies": [{"d": d, "value": v, "truth": t, "bar": b, "covered": bool(abs(v - t) <= b)}
                                              for d, v, t, b in energy_rows],
                                 "reason": s.method_reason, "seconds": seconds})
    return rows


def summarise_spectrum(rows: list[dict]) -> str:
    lines = ["| method | kind | cases | L covered | energies covered | identity violations | median error/|dev| |",
             "|---|---|---|---|---|---|---|"]
    for method in ("quadrature", "sparse", "montecarlo", "auto"):
        for kind in ("all", "smooth", "kinked", "discontinuous"):
            sel = [r for r in rows if r["method"] == method and (kind == "all" or r["kind"] == kind)]
            if not sel:
                continue
            cov = sum(r["covered"] for r in sel) / len(sel)
            # energies do not depend on ρ: count them once per (map, D)
            once = {(r["map"], r["degree"]): r for r in sel}.values()
            es = [e for r in once for e in r["energies"]]
            ecov = f"{sum(e['covered'] for e in es)}/{len(es)}" if es else "-"
            viol = sum(r["violations"] > 0 for r in once)
            ratios = [r["ratio"] for r in sel if math.isfinite(r["ratio"])]
            med = statistics.median(ratios) if ratios else float("nan")
            lines.append(f"| {method} | {kind} | {len(sel)} | {cov:.3f} | {ecov} | {viol}/{len(once)} | {med:.3g} |")
    auto = [r for r in rows if r["method"] == "auto"]
    used = {m: sum(r["used"] == m for r in auto) for m in ("quadrature", "sparse", "montecarlo")}
    lines += ["", "auto used " + ", ".join(f"{m} in {c}" for m, c in used.items()) + f" of {len(auto)} cases."]
    missed = [r for r in rows if not r["covered"]]
    lines += ["", f"Alignment not covered ({len(missed)}):"]
    lines += [f"- {r['map']}, D = {r['degree']}, ρ = {r['rho']}, {r['method']} ({r['used']}): value {r['value']:.6g}, "
              f"truth {r['truth']:.6g}, |dev| {r['deviation']:.2e} > error {r['error']:.2e}" for r in missed]
    once = {(r["map"], r["degree"], r["method"]): r for r in rows}.values()
    emiss = [(r, e) for r in once for e in r["energies"] if not e["covered"]]
    lines += ["", f"Energies not covered ({len(emiss)}):"]
    lines += [f"- {r['map']}, D = {r['degree']}, {r['method']} ({r['used']}), d = {e['d']}: {e['value']:.6g} vs "
              f"{e['truth']:.6g} ± {e['bar']:.2e}" for r, e in emiss]
    bad = [r for r in once if r["violations"]]
    lines += ["", f"Identity violations ({len(bad)}):"]
    lines += [f"- {r['map']}, D = {r['degree']}, {r['method']} ({r['used']}): {r['violations']} output(s)" for r in bad]
    return "\n".join(lines)


def summarise(rows: list[dict]) -> str:
    lines = ["| method | kind | cases | covered | median error/|value − truth| |", "|---|---|---|---|---|"]
    for method in ("quadrature", "montecarlo", "auto"):
        for kind in ("all", "smooth", "kinked", "discontinuous"):
            sel = [r for r in rows if r["method"] == method and (kind == "all" or r["kind"] == kind)]
            if not sel:
                continue
            cov = sum(r["covered"] for r in sel) / len(sel)
            ratios = [r["ratio"] for r in sel if math.isfinite(r["ratio"])]
            med = statistics.median(ratios) if ratios else float("nan")
            lines.append(f"| {method} | {kind} | {len(sel)} | {cov:.3f} | {med:.3g} |")
    auto = [r for r in rows if r["method"] == "auto"]
    lines += ["", f"auto chose quadrature in {sum(r['used'] == 'quadrature' for r in auto)} of {len(auto)} cases "
              f"and Monte Carlo in {sum(r['used'] == 'montecarlo' for r in auto)}."]
    missed = [r for r in rows if not r["covered"]]
    lines += ["", f"Not covered ({len(missed)}):"]
    lines += [f"- {r['map']}, ρ = {r['rho']}, {r['method']} ({r['used']}): value {r['value']:.6g}, truth "
              f"{r['truth']:.6g}, |dev| {r['deviation']:.2e} > error {r['error']:.2e}" for r in missed]
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--spectrum", action="store_true", help="study hermite_spectrum instead of alignment_loss")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.spectrum:
        rows = run_spectrum(quick=args.quick)
        print(summarise_spectrum(rows))
    else:
        rows = run(quick=args.quick)
        print(summarise(rows))
    print(f"\n{len(rows)} results in {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
