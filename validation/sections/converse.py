"""Report section: Gaussian uniqueness on non-Gaussian latents (docs/theory.md §3, paper's Thm 4.2).

Sweeps the generalised-normal shape α from 0.25 to 32 and draws three readings of the
nonlinearity of the optimum: the Sturm–Liouville first eigenfunction (``1 − R²``, absent where
there is no isolated first eigenvalue), the symmetrised AR(1) operator where an exact chain
exists (α = 1, 2 only), and the transport ``Φ⁻¹∘F`` (``1 − R²``). Tables add the other laws,
the stationarity defects of each transition and the distance of ``Qz`` to N(0, I).
"""

from __future__ import annotations

import math
import sys
import time

from lejepa_verify.validation.report import ReportContext, Section

ALPHAS = tuple(2.0 ** (k / 4) for k in range(-8, 21))  # 0.25 … 32, containing 1 and 2 exactly
AR1_DEGREE = 20
AR1_RHO = 0.5
CLAIM_IDS = (
    "thm-4.2/sl-linear-iff-gaussian",
    "thm-4.2/sl-closed-forms",
    "thm-4.2/sl-gap-classification",
    "thm-4.2/ar1-symmetrised-nonlinear",
    "thm-4.2/feasibility-transport",
    "thm-4.2/stationarity-defect",
)


def alpha_sweep(alphas=ALPHAS, progress: bool = True) -> list[dict]:
    """One row per α: Sturm–Liouville and transport nonlinearity, AR(1) where a chain exists."""
    from tqdm.auto import tqdm

    from lejepa_verify.numerics.ar1_operator import ar1_galerkin
    from lejepa_verify.numerics.latents import latent_law
    from lejepa_verify.numerics.sturm_liouville import first_eigenpair
    from lejepa_verify.numerics.transport import transport_r2

    rows = []
    for a in tqdm(alphas, desc="alpha sweep", file=sys.stderr, disable=not progress, leave=False):
        law = latent_law("gennorm", alpha=a)
        sl = first_eigenpair(law, n_cells=3000)
        row = {"alpha": a, "has_gap": sl.has_gap, "sl_eigenvalue": sl.eigenvalue,
               "sl_nonlinearity": sl.nonlinearity, "drift_settled": sl.drift_settled,
               "transport_nonlinearity": 1.0 - transport_r2(law), "ar1_nonlinearity": None, "ar1_excess": None}
        if a in (1.0, 2.0):
            op = ar1_galerkin(law, AR1_RHO, AR1_DEGREE)
            row["ar1_nonlinearity"], row["ar1_excess"] = op.nonlinearity, op.excess_over_linear
        rows.append(row)
    return rows


def sweep_figure(rows):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from lejepa_verify.numerics.transport import transport_r2

    fig, ax = plt.subplots(figsize=(8, 4.5))
    a = [r["alpha"] for r in rows]
    ax.axvspan(min(a) / 1.1, 1.0, color="0.85", label="no isolated first eigenvalue (α ≤ 1)")
    gap = [r for r in rows if r["has_gap"]]
    ax.plot([r["alpha"] for r in gap], [r["sl_nonlinearity"] for r in gap], "o-", color="C0", ms=4,
            label="Sturm–Liouville first eigenfunction, 1 − R²")
    ax.plot(a, [r["transport_nonlinearity"] for r in rows], "s-", color="C1", ms=4,
            label="transport Φ⁻¹∘F, 1 − R²")
    ar = [r for r in rows if r["ar1_nonlinearity"] is not None]
    ax.plot([r["alpha"] for r in ar], [r["ar1_nonlinearity"] for r in ar], "D", color="C2", ms=8,
            label=f"(T+T*)/2 of the exact AR(1) chain, ρ = {AR1_RHO}, degree ≤ {AR1_DEGREE}")
    # the uniform law is the α → ∞ limit: draw its closed forms at the right edge
    x_inf = max(a) * 1.5
    ax.plot([x_inf], [1 - 96 / math.pi**4], "o", color="C0", mfc="none", ms=8)
    ax.plot([x_inf], [1 - transport_r2("uniform")], "s", color="C1", mfc="none", ms=8)
    ax.annotate("uniform\n(α → ∞)", (x_inf, 0.07), ha="center", fontsize=8)
    ax.axvline(2.0, color="k", lw=0.8, ls=":")
    ax.set_xscale("log", base=2)
    ax.set_xlim(min(a) / 1.1, x_inf * 1.2)
    ax.set_ylim(bottom=0)
    ax.set(xlabel="generalised-normal shape α (2 = Gaussian)", ylabel="nonlinearity of the optimum, 1 − R²",
           title="Gaussian uniqueness: the optimum is linear only at α = 2")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper right")
    fig.tight_layout()
    return fig


def _fmt(x, spec=".4g"):
    return "—" if x is None else format(x, spec)


def _laws_table() -> str:
    from lejepa_verify.numerics.latents import latent_law
    from lejepa_verify.numerics.sturm_liouville import first_eigenpair
    from lejepa_verify.numerics.transport import transport_r2

    laws = [latent_law("gaussian"), latent_law("uniform"), latent_law("laplace"), latent_law("logistic"),
            latent_law("student_t", nu=5.0), latent_law("gaussian_mixture"),
            latent_law("gaussian_mixture", weight=0.3, separation=1.5)]
    lines = ["| law | first eigenvalue λ₁/K | SL 1 − R² | gap | bottom of continuous spectrum | transport 1 − R² |",
             "|---|---|---|---|---|---|"]
    for law in laws:
        sl = first_eigenpair(law, n_cells=3000)
        lines.append(f"| {law.label} | {_fmt(sl.eigenvalue)} | {_fmt(sl.nonlinearity)} | "
                     f"{'yes' if sl.has_gap else 'no eigenvalue'} | {_fmt(sl.essential_bottom)} | "
                     f"{max(0.0, 1 - transport_r2(law)):.4g} |")
    return "\n".join(lines)


def _stationarity_table(quick: bool) -> str:
    from lejepa_verify.numerics.transitions import available_transitions, stationarity_defect

    n, perms = (1000, 50) if quick else (4000, 200)
    lines = ["| law | transition | ρ | population energy defect | MC energy (excess ± noise), p | lag-one corr | "
             "excess kurtosis z → z' |", "|---|---|---|---|---|---|---|"]
    for name in ("gaussian", "laplace", "uniform", "student_t"):
        for tr in available_transitions(name):
            d = stationarity_defect(name, tr, 0.5, n_pairs=n, permutations=perms, seed=3)
            e = d.energy
            lines.append(f"| {d.law} | {tr} | 0.5 | {_fmt(d.population_energy, '.2e')} | "
                         f"{e.statistic - e.null_mean:.2e} ± {e.null_std:.1e}, {e.p_value:.3f} | "
                         f"{d.lag_one_corr:.3f} | {d.excess_kurtosis:.3g} → {d.excess_kurtosis_next:.3g} |")
    return "\n".join(lines)


def _feasibility_table(quick: bool) -> str:
    from lejepa_verify.numerics.transport import rotated_gaussianity, transport_alignment

    n, perms = (600, 50) if quick else (2500, 200)
    lines = ["| law | dim | N | energy distance of Qz to N(0, I), excess ± noise | p |", "|---|---|---|---|---|"]
    for i, name in enumerate(("gaussian", "laplace", "uniform")):
        r = rotated_gaussianity(name, 2, n_samples=n, permutations=perms, seed=20 + i)
        lines.append(f"| {r.law} | 2 | {n} | {r.excess:.2e} ± {r.error_bar:.1e} | {r.p_value:.3f} |")
    lines += ["", "| law | transition | alignment loss of Φ⁻¹∘F (± s.e.) | Gaussian optimum 2(1 − ρ) | pairs dropped (z' off support) |",
              "|---|---|---|---|---|"]
    for name, tr in (("laplace", "ar1"), ("laplace", "authors"), ("laplace", "langevin"),
                     ("uniform", "ar1"), ("uniform", "authors")):
        t = transport_alignment(name, tr, 0.5, n_pairs=20_000 if quick else 100_000, seed=5)
        lines.append(f"| {t.law} | {tr} | {t.loss:.4f} ± {t.stderr:.4f} | {t.gaussian_optimum:.4f} | "
                     f"{t.outside_support:.3f} |")
    return "\n".join(lines)


def build(ctx: ReportContext) -> str:
    from lejepa_verify.numerics.ar1_operator import ar1_galerkin, uniform_backward_witness

    quick = ctx.profile == "quick"
    t0 = time.perf_counter()
    rows = alpha_sweep(progress=ctx.progress)
    sweep_s = time.perf_counter() - t0
    fig_md = ctx.save_figure(sweep_figure(rows), "converse_alpha_sweep",
                             "Nonlinearity of the optimum against the generalised-normal shape α")
    table = ["| α | gap | λ₁/K | SL 1 − R² | drift settled | transport 1 − R² | AR(1) 1 − R² (degree ≤ 20) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r['alpha']:.4g} | {'yes' if r['has_gap'] else 'no'} | {_fmt(r['sl_eigenvalue'])} | "
                     f"{_fmt(r['sl_nonlinearity'])} | {'yes' if r['drift_settled'] else 'no'} | "
                     f"{max(0.0, r['transport_nonlinearity']):.4g} | {_fmt(r['ar1_nonlinearity'])} |")
    lap = ar1_galerkin("laplace", AR1_RHO, AR1_DEGREE)
    uni = ar1_galerkin("uniform", AR1_RHO, AR1_DEGREE)
    verdicts = {r.id: r.verdict for r in ctx.claim_results}
    claims = "\n".join(f"- `{cid}`: **{verdicts.get(cid, 'not run')}**" for cid in CLAIM_IDS)
    conv = ", ".join(f"D={d}: {lam:.4f}" for d, lam, _ in lap.convergence[2::4])
    parts = [
        "Among stationary worlds only the Gaussian latent makes the LeJEPA optimum linear. Each reading of "
        "docs/theory.md §3 is computed on concrete laws (all with unit variance).",
        fig_md,
        f"The α sweep ({len(rows)} shapes) took {sweep_s:.1f} s. The Sturm–Liouville values are finite volumes "
        "(3000 cells, reflecting ends); the gap column is decided by the classification of the Schrödinger "
        "potential V = s²/4 + s'/2 (see `numerics.sturm_liouville`), the drift column is the numerical "
        "diagnostic beside it. For α slightly above 1 the eigenvalue exists but converges slowly in the domain.",
        "\n".join(table),
        "### Other laws",
        _laws_table(),
        "The logistic and the Laplace have a Poincaré gap but **no first non-constant eigenfunction**: the bottom "
        "of their non-constant spectrum is the edge of the continuous spectrum (K/(4c²) = Kπ²/12 and K/(4b²) = K/2).",
        "### The symmetrised AR(1) operator (where an exact chain exists)",
        f"An exact AR(1) chain z' = ρz + ε is known here for the Gaussian, the Laplace (α = 1) and the uniform "
        f"with ρ = 1/k; for other α there is no closed-form innovation law, so the figure has AR(1) points at α = 1 and 2 only. "
        f"At ρ = {AR1_RHO}, the Laplace chain has reversibility defect ‖G − Gᵀ‖_F = {lap.reversibility_defect:.3f} "
        f"(degree ≤ {AR1_DEGREE}) and the top of (T+T*)/2 exceeds ρ by {lap.excess_over_linear:.4f}, so a "
        f"nonlinear feature beats z; the Rayleigh–Ritz value is still rising with the degree ({conv}), so the "
        f"plotted 1 − R² = {lap.nonlinearity:.3f} is a truncated value, not a converged one. "
        f"The uniform chain (ρ = 1/2) has no top eigenfunction at all: its backward step is deterministic, the "
        f"spectrum of (T+T*)/2 reaches 1, and explicit features f_N = Σ σⁿ reach Rayleigh quotients "
        f"{uniform_backward_witness(0.5, 2):.3f}, {uniform_backward_witness(0.5, 10):.3f}, "
        f"{uniform_backward_witness(0.5, 100):.4f} (N = 2, 10, 100) against the degree-{AR1_DEGREE} Galerkin "
        f"value {uni.top_eigenvalue:.4f}. The docs/theory.md hypothesis (top eigenfunction nonlinear exactly off the "
        "Gaussian) therefore holds for the Laplace only in the sense that linear is beaten, and fails in its "
        "premise for the uniform chain: there is no top eigenfunction.",
        "### Stationarity of each transition",
        _stationarity_table(quick),
        "Population defect: 2∫(F − F')² by quadrature (— for Langevin, whose one-step law has no closed form). "
        "MC: energy test between z from one half of the pairs and z' from the other half; it resolves only defects "
        "above its noise column; where that noise exceeds the authors' channel's population defect, the population "
        "column, free of sampling noise, is the one that separates the channels.",
        "### Feasibility: no linear image of a non-Gaussian latent is Gaussian",
        _feasibility_table(quick),
        "### Claims",
        claims,
    ]
    return "\n\n".join(parts)


SECTION = Section(title="Gaussian uniqueness on non-Gaussian latents", order=30, build=build)
