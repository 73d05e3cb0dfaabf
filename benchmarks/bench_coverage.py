"""Do the error bars of the alignment loss cover their errors? A coverage study on 26 maps.

    .venv/bin/python benchmarks/bench_coverage.py [--quick] [--json out.json]

For every map of ``coverage_library.cases()`` (1D, 2D and n = 4, 6, 8; smooth, kinked and
discontinuous; truths in closed form or from an independent computation), every ρ in
{0.3, 0.7, 0.95} and every method of :func:`numerics.alignment.alignment_loss`
(``quadrature`` where n <= 2, ``montecarlo``, ``auto``), it records whether
``|value − truth| <= error`` and the ratio ``error / |value − truth|`` (how wide the bar is:
1 is exact, 100 honest but useless). It prints, per method and per kind of map, the covered
fraction and the median ratio, and lists every case that is not covered. Monte Carlo uses its
default 200 000 pairs with the seed fixed per case. ``--quick`` skips the circle shift (its
reference takes about 15 s per ρ) and uses ρ = 0.7 only. Never pass/fail.
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

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage_library import cases  # noqa: E402

from lejepa_verify.numerics.alignment import alignment_loss  # noqa: E402

RHOS = (0.3, 0.7, 0.95)


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
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rows = run(quick=args.quick)
    print(summarise(rows))
    print(f"\n{len(rows)} results in {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
