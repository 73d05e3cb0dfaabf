"""Their λ × ρ grid (App. H.6): the heat maps of ``R²(h→z)`` and of the orthogonality error, and the
sentences that read them.

Published: ``[grid_search_heatmap_r2]`` and ``[grid_search_heatmap_orth]`` (means printed in a
vector figure, 9 λ × 7 ρ, no spread printed: ±0.03), and the seven sentences of
``[grid_search].text_claims``. Their grid (``configs/grid.yaml`` of klindtlab/lejepa-identifiability):
the spiral, the MLP 4 × 256, SIGReg in their normalisation (``mode: lejepa``), Gaussian latents,
seeds 0-2, 20 000 steps. Ours: the sweep ``paper_grid``. The heat map's orthogonality error is
"normalized" in a way the paper does not state (``[discrepancies].grid_orth_normalisation``); ours
is ``||AᵀA − I||_F/√n`` and the entries say that the comparison rests on that guess.
"""

from __future__ import annotations

from typing import Callable

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.measure import claim_from_runs, from_runs
from lejepa_verify.validation.paper.runs import Evidence, mean_std

TEXT = "grid_search"
R2 = "grid_search_heatmap_r2"
ORTH = "grid_search_heatmap_orth"
SWEEP = "paper_grid"


def _axes(numbers) -> tuple[tuple[float, ...], tuple[float, ...]]:
    return numbers.numbers(TEXT, "lambda"), numbers.numbers(TEXT, "rho")


def _cells(ev: Evidence, lam: float, rho: float):
    return ev.find(SWEEP, lam=lam, rho=rho)


def entries(numbers, ev: Evidence) -> list[sc.Entry]:
    """The 2 × 63 heat-map cells and the 7 sentences."""
    lams, rhos = _axes(numbers)
    out = []
    for table, key, what, metric in ((R2, "r2_h_to_z_mean", "R²(h→z)", lambda c: c.metric("r2_hz")),
                                     (ORTH, "orth_err_normalized_mean", "orthogonality error (normalised, unstated)",
                                      lambda c: c.metric("orth_err") / c.config.n ** 0.5)):
        kind = numbers.kind(table)
        grid = numbers.matrix(table, key, len(lams), len(rhos))
        for i, lam in enumerate(lams):
            for j, rho in enumerate(rhos):
                note = ("their normalisation is not stated (discrepancies.grid_orth_normalisation); ours is "
                        "orth_err/√n" if table == ORTH else "")
                pub = sc.number(f"{table}.{key}[lam={lam:g},rho={rho:g}]", table, key, f"λ = {lam:g}, ρ = {rho:g}",
                                f"{what}, spiral grid, λ = {lam:g}, ρ = {rho:g}", kind, grid[i][j], note=note)
                out.append(sc.verdict(pub, from_runs(pub, _cells(ev, lam, rho), metric, ev,
                                                     what=f"the grid run at λ = {lam:g}, ρ = {rho:g}")))
    out += _claims(numbers, ev, lams, rhos)
    return out


def _means(ok, lams, rhos) -> dict:
    """Mean R²(h→z) per (λ, ρ) over the finished runs ``ok``."""
    by: dict = {}
    for c in ok:
        by.setdefault((c.config.lam, c.config.rho), []).append(c.metric("r2_hz"))
    return {k: mean_std(v)[0] for k, v in by.items()}


def _claims(numbers, ev: Evidence, lams, rhos) -> list[sc.Entry]:
    texts = numbers.table(TEXT).get("text_claims")
    if not isinstance(texts, list) or len(texts) != 7 or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"published-number file {numbers.path}: [{TEXT}].text_claims must be the 7 sentences, "
                         f"got {texts!r}")
    kind = numbers.kind(TEXT)
    def region_best(m):
        best = max(m, key=m.get)
        holds = 1e-3 <= best[0] <= 1e-2 and 0.8 <= best[1] <= 0.95 and m[best] > 0.96
        return holds, m[best], f"best cell λ = {best[0]:g}, ρ = {best[1]:g}, R² {m[best]:.3f}"

    def collapse(m):
        vals = [v for (l, _), v in m.items() if l == 0.5]
        return bool(vals) and max(vals) < 0.05, max(vals, default=float("nan")), "R² at λ = 0.5 at most %.3f" % max(vals, default=float("nan"))

    def degrade_099(m):
        pairs = [(m.get((l, 0.95)), m.get((l, 0.99))) for l in (5e-2, 1e-1)]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        return bool(pairs) and all(b < a for a, b in pairs), None, "; ".join(f"{a:.3f} → {b:.3f}" for a, b in pairs)

    def best_097(m):
        cells = [m.get((l, r)) for l in (1e-3, 5e-3) for r in (0.9, 0.95)]
        cells = [v for v in cells if v is not None]
        return len(cells) == 4 and min(cells) > 0.97, min(cells, default=float("nan")), f"lowest {min(cells, default=float('nan')):.3f}"

    def insufficient(m):
        vals = [v for (l, _), v in m.items() if l < 1e-4]
        return bool(vals) and max(vals) < 0.5, max(vals, default=float("nan")), "R² below λ = 1e-4 at most %.3f" % max(vals, default=float("nan"))

    def peaks_moderate(m):
        ok = []
        for l in (5e-2, 1e-1):
            row = {r: v for (ll, r), v in m.items() if ll == l}
            if row:
                ok.append(max(row, key=row.get) < 0.99 and row.get(0.99, 1.0) < max(row.values()))
        return bool(ok) and all(ok), None, f"{sum(ok)} of {len(ok)} rows peak below ρ = 0.99"

    def monotone(m):
        bad = []
        for l in [x for x in lams if x <= 1e-2]:
            row = [m[(l, r)] for r in rhos if (l, r) in m]
            if any(b < a for a, b in zip(row, row[1:])):
                bad.append(l)
        return not bad, None, "not monotone at λ = " + ", ".join(f"{b:g}" for b in bad) if bad else "monotone in every row"

    rules: list[tuple[str, Callable]] = [
        ("the best cell (highest R²) lies at λ ∈ [1e-3, 1e-2], ρ ∈ [0.8, 0.95] with R² > 0.96", region_best),
        ("every run at λ = 0.5 has R² < 0.05", collapse),
        ("at λ = 5e-2 and 1e-1, R² at ρ = 0.99 lies below R² at ρ = 0.95", degrade_099),
        ("R² > 0.97 at λ ∈ {1e-3, 5e-3} × ρ ∈ {0.9, 0.95}", best_097),
        ("every run below λ = 1e-4 has R² < 0.5", insufficient),
        ("at λ = 5e-2 and 1e-1 R² peaks below ρ = 0.99", peaks_moderate),
        ("at every λ ≤ 1e-2 R² does not fall as ρ rises", monotone),
    ]
    out = []
    for i, (text, (rule, decide)) in enumerate(zip(texts, rules)):
        pub = sc.claim(f"{TEXT}.text_claims[{i}]", TEXT, "text_claims", f"sentence {i + 1}", text, kind, rule,
                       note="discrepancies.grid_orth_claim / grid_best_region say where the heat map disagrees"
                       if i in (0, 3, 6) else "")
        cells = ev.cells(SWEEP)

        def judge(ok, decide=decide):
            holds, value, why = decide(_means(ok, lams, rhos))
            return holds, value, why

        out.append(sc.verdict(pub, claim_from_runs(pub, cells, judge, ev, what="the grid runs")))
    return out


def unscored(numbers) -> list[sc.Unscored]:
    """The grid's settings and counts."""
    t = numbers.table(TEXT)
    keys = ("lambda", "rho", "n_settings", "seeds_per_setting_text", "total_runs_text", "seeds_per_setting_fig_caption",
            "markers_per_panel_in_bound_decomposition_pdf", "rho_fixed_2d_gennorm", "lambda_collapse")
    out = [sc.Unscored(TEXT, k, "a setting or a count of their runs (3 or 5 seeds: discrepancies.grid_seeds)"
                       if k != "lambda_collapse" else "the λ of a sentence, scored as text_claims[1]")
           for k in keys if k in t]
    old = numbers.table("lambda_rho_grid")
    out += [sc.Unscored("lambda_rho_grid", k, "a setting (their grid.yaml)") for k in ("lam", "rho", "seeds") if k in old]
    return out
