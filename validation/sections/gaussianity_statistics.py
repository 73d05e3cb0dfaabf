"""Report section: which Gaussianity statistic holds the constraint (docs/theory.md §1; issue 25).

The sweep ``validation/sweeps/gaussianity_statistics.toml`` trains the same learner with four
regularisers, each ``λ·statistic + (1 − λ)·alignment`` with the default λ recipe: SIGReg (sliced
Epps–Pulley, ``lejepa``), sliced Anderson–Darling, sliced Cramér–von Mises and the BHEP /
Henze–Zirkler statistic (``validation/objectives``). The quick profile trains the spiral world
only, 400 steps per statistic (about 40 s on an idle core); the ``cpu`` profile adds the other 2D
worlds and n = 64 (about 15 minutes), the ``paper`` profile 6000 steps and three seeds.

Beside each measured scale ``sqrt(tr Cov h / m)`` the table gives the scale the penalty predicts
at ``h = cQz``: ``c = λBS'' / (λBS'' + (1 − λ)4m(1 − ρ))`` with B the rows of a batch (both views)
and ``S''`` the statistic's curvature in the scale (SIGReg: ``2 Σ_k w_k t_k⁴ e^{−t_k²}`` on its
quadrature; the others: their ``curvature`` hook). Same λ, different statistics, different
strengths: the prediction says how much of a difference in scale (and in ε = ||Cov h − I||_F)
comes from ``S''`` alone. The last columns score the final held-out embedding by the run's own
statistic (512 held-out points, 64 fresh directions) against its null mean.
"""

from __future__ import annotations

import math

import numpy as np

from lejepa_verify.validation.report import ReportContext, Section

SWEEP = "gaussianity_statistics"
#: held-out points and directions the final embedding is scored with
SCORE_ROWS = 512
SCORE_SLICES = 64


def _runs(ctx: ReportContext):
    from lejepa_verify.validation.trainer import train

    spec, _ = ctx.sweep(SWEEP)
    return [train(run.config, progress=ctx.progress) for run in spec.runs()]


def check(ctx: ReportContext) -> None:
    """Every run's config is valid (the report's overrides included) before any work starts."""
    ctx.sweep(SWEEP)[0].runs()


def curvature(config) -> float:
    """``S''`` of the config's regulariser at a batch of ``2·batch_size`` rows (module docstring)."""
    from lejepa_verify.validation.objectives.base import objective_class

    cls = objective_class(config.objective)
    options = config.member_options("objective")
    hook = getattr(cls, "curvature", None)
    if hook is not None:
        return float(hook(config.out_dim, 2 * config.batch_size, options))
    if config.objective in ("lejepa", "authors_lejepa"):
        from lejepa_verify.validation.objectives.terms import quadrature

        t, w = quadrature(options["n_knots"], options["t_max"])
        t, w = t.double(), w.double()
        return float(2.0 * (w * t ** 4 * np.exp(-t ** 2)).sum())
    return math.nan


def predicted_scale(config) -> float:
    """``c = λBS'' / (λBS'' + (1 − λ)4m(1 − ρ))`` at the config's final λ (module docstring)."""
    lam, B, m = float(config.lam), 2 * config.batch_size, config.out_dim
    strength = lam * B * curvature(config)
    return strength / (strength + (1.0 - lam) * 4 * m * (1.0 - config.rho))


def held_out_score(result) -> tuple[float, float]:
    """The run's own statistic on its first 512 held-out embeddings (64 fresh directions), and its
    null mean (NaN where the objective has none in closed form)."""
    import torch

    from lejepa_verify.validation.objectives.base import objective_class

    cfg = result.config
    options = dict(cfg.member_options("objective"))
    if "n_slices" in options:
        options["n_slices"] = SCORE_SLICES
    obj = objective_class(cfg.objective).from_options(options, m=cfg.out_dim, device="cpu", lam=1.0)
    h = torch.as_tensor(np.asarray(result.arrays["h"][:SCORE_ROWS]), dtype=torch.float32)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        value = float(obj.penalty(h, gen))
    return value, _null_mean(cfg, obj, h.shape[0])


def _null_mean(cfg, obj, rows: int) -> float:
    import importlib

    if cfg.objective == "lejepa":
        from lejepa_verify.validation.objectives.terms import sigreg_null_mean

        options = cfg.member_options("objective")
        return sigreg_null_mean(options["n_knots"], options["t_max"])
    module = importlib.import_module(type(obj).__module__)
    null = getattr(module, "null_mean", None)
    if null is None:
        return math.nan
    if cfg.objective == "bhep":
        return float(null(cfg.out_dim, obj.beta_for(rows)))
    return float(null())


def _label(cfg) -> str:
    beta = cfg.options.get("bhep_beta") if cfg.objective == "bhep" else None
    return cfg.objective + (f" (β = {beta:g})" if beta is not None else "")


def _world(cfg) -> str:
    return f"{cfg.mixing}, n = {cfg.n}"


def _figure(rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    worlds = list(dict.fromkeys(r["world"] for r in rows))
    labels = list(dict.fromkeys(r["label"] for r in rows))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    width = 0.8 / max(len(worlds), 1)
    x = np.arange(len(labels))
    for k, world in enumerate(worlds):
        for ax, key in zip(axes, ("r2", "scale")):
            vals = [np.mean([r[key] for r in rows if r["world"] == world and r["label"] == lab] or [np.nan])
                    for lab in labels]
            ax.bar(x + k * width, vals, width, label=world)
        pred = [np.mean([r["predicted"] for r in rows if r["world"] == world and r["label"] == lab] or [np.nan])
                for lab in labels]
        axes[1].scatter(x + k * width, pred, marker="_", s=200, color="black", zorder=3,
                        label="predicted c" if k == 0 else None)
    for ax, title in zip(axes, ("R²(h→z)", "scale sqrt(tr Cov h / m)")):
        ax.set_xticks(x + width * (len(worlds) - 1) / 2)
        ax.set_xticklabels(labels, rotation=20, ha="right", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 1.1)
    axes[1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def build(ctx: ReportContext) -> str:
    _, applied = ctx.sweep(SWEEP)
    results = _runs(ctx)
    rows = []
    for r in results:
        cfg, m = r.config, r.metrics
        score, null = held_out_score(r)
        rows.append({"world": _world(cfg), "label": _label(cfg), "r2": m.r2_hz, "orth": m.orth_err,
                     "eps": m.epsilon, "scale": m.scale, "predicted": predicted_scale(cfg), "curv": curvature(cfg),
                     "score": score, "null": null, "steps": cfg.steps, "lam": cfg.lam, "seed": cfg.seed})
    first = results[0].config
    best = max(rows, key=lambda row: row["r2"])
    ctx.add_summary(f"best Gaussianity statistic by R²(h→z) ({best['world']}, {best['steps']} steps)",
                    f"{best['label']} ({best['r2']:.4f})")
    lines = [
        f"Profile `{ctx.profile}`: {len(results)} runs of {first.steps} steps (λ ramped from "
        f"{first.lam_start if first.lam_start is not None else first.lam:g} to {first.lam:g}, batch "
        f"{first.batch_size} pairs, ρ = {first.rho:g}), one regulariser each; metrics on "
        f"{first.eval_size} held-out pairs." + "".join(f" {o.describe(SWEEP)}." for o in applied),
        "The predicted scale is the penalty's optimum at h = cQz, λBS''/(λBS'' + (1 − λ)4m(1 − ρ)) with B = "
        f"{2 * first.batch_size} rows; S'' is the statistic's curvature in the scale. The held-out score is "
        f"the run's own statistic on {SCORE_ROWS} held-out embeddings beside its null mean (the value a "
        "N(0, I) sample has on average).",
        "",
        "| world | regulariser | seed | R²(h→z) | orth err | ε = ‖Cov h − I‖ | scale | predicted | S'' | "
        "held-out score | null mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row['world']} | {row['label']} | {row['seed']} | {row['r2']:.4f} | {row['orth']:.3f} | "
                     f"{row['eps']:.3f} | {row['scale']:.3f} | {row['predicted']:.3f} | {row['curv']:.3g} | "
                     f"{row['score']:.3g} | {row['null']:.3g} |")
    lines += ["", ctx.save_figure(_figure(rows), "gaussianity_statistics",
                                  "R² and scale per regulariser (bars: measured; black marks: predicted scale)")]
    if ctx.profile == "quick":
        lines += ["", "The quick profile trains the spiral world only; `report --profile cpu` adds the other "
                  "2D worlds and n = 64 (where Henze–Zirkler's β leaves BHEP no hold on the scale, "
                  "validation/objectives/bhep.py)."]
    return "\n".join(lines)


SECTION = Section(title="Gaussianity statistics as the regulariser", order=45, build=build, check=check)
