"""Report section: worlds with actions, the action axis recovered, and what the theory predicts
(docs/guide.md, "Worlds with actions"; issue 25).

The sweep ``validation/sweeps/actions.toml`` trains, in the world ``z' = ρz + Ba + η`` with
balanced noise (transition ``ou_action``, pairs ``action``), the action-conditioned learner
``lejepa_action`` (SIGReg and a linear predictor ``h' ≈ P h + C a`` trained with the encoder) over
the action rank (full, 1) and coverage (``action_scale``), and the paper's action-free
``lejepa`` beside it. Each run is measured on its own held-out triples (drawn again from the
run's evaluation generator, with their actions; 10⁵ of them, more than the run's held-out pairs, ``ACTION_TRIPLES``) by
``validation.action_metrics``: the gap ``R²_lin − R²_orth``, the action-axis condition
number, the principal angles and the dynamics, with the trained predictor and with the least-squares
predictor of the learned embedding; beside each, the value at the optimum the theory predicts.

The runs go through ``validation.fit`` (``prepare``, ``loop.fit``, ``conclude``) rather than
``trainer.train``, because the trained predictor lives in the objective, which a run record does not
keep. The quick profile trains four runs at n = 4 (about 40 s on an idle core), ``cpu`` every case
at n = 8 (7-8 minutes), ``paper`` five seeds of the peer's budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lejepa_verify.validation.report import ReportContext, Section

SWEEP = "actions"
#: triples each run is measured on, drawn from its evaluation generator: the least-squares action map of
#: a weakly excited world needs them (its angle error is about sqrt((n − 1)σ²/(N s²)) / ||Bv||, 7° at
#: coverage s = 0.1, n = 8, N = 10⁵; 23° at the 10⁴ held-out pairs of the run)
ACTION_TRIPLES = 100_000

#: Sidxah/lejepa-action-identifiability, RESULTS.md (mean ± std over 5 seeds, n = 8, ρ = 0.9, 4000 steps):
#: condition → (gap, cond_m, θ_max in degrees); the rank-one cond_m is "2.7e6 (degenerate)"
PEER = {
    ("full", 1.0): ("0.0009 ± 0.0005", "1.018 ± 0.007", "1.14 ± 0.20"),
    ("full", 0.5): ("0.0006", "1.035 ± 0.049", "2.26"),
    ("full", 0.1): ("0.0005", "1.192 ± 0.075", "11.24"),
    ("1", 1.0): ("0.0007", "2.7·10⁶ ± 0.8·10⁶", "2.06"),
}


@dataclass(frozen=True)
class ActionRun:
    """One trained run: its config and ``RunMetrics``, the metrics with the trained predictor (``None``
    for an action-free objective) and with the least-squares one, the prediction at its scale."""

    config: object
    metrics: object
    trained: object
    least_squares: object
    predicted: object
    seconds: float


def fit_and_measure(config, *, progress: bool = False) -> ActionRun:
    """Train ``config`` (``validation.fit``) and measure it on its held-out triples (module docstring)."""
    import time

    import torch

    from lejepa_verify.validation.action_metrics import action_metrics, least_squares_predictor, predict
    from lejepa_verify.validation.evaluation import embed
    from lejepa_verify.validation.fit import EVAL_SEED_OFFSET, conclude, diverged, prepare
    from lejepa_verify.validation.loop import Diverged, fit

    previous = torch.get_num_threads()
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        start = time.perf_counter()
        run = prepare(config, device=config.device)
        try:
            fitted = fit(config, run.world, run.mixing, run.encoder, run.objective, run.held, device=config.device,
                         progress=progress)
        except Diverged as exc:
            raise diverged(run, exc) from None
        result = conclude(run, fitted.curves, fitted.seconds, device=config.device).result
        pairs = run.world.pairs
        gen = torch.Generator().manual_seed(config.seed + EVAL_SEED_OFFSET)
        z, a, z_next = pairs.eval_triples(max(config.eval_size, ACTION_TRIPLES), gen)
        with torch.no_grad():
            h = embed(run.encoder, run.mixing(z.to(config.device)))
            h_next = embed(run.encoder, run.mixing(z_next.to(config.device)))
        world = pairs.world_matrices()
        z, a, z_next = (t.numpy().astype(float) for t in (z, a, z_next))
        basis = world.action_basis
        trained = None
        if run.objective.parameters():
            P, C = (t.detach().cpu().double().numpy() for t in run.objective.parameters())
            trained = action_metrics(z, h, a, h_next, world.B, config.rho, P, C, basis)
        P, C = least_squares_predictor(h, a, h_next)
        fitted_ls = action_metrics(z, h, a, h_next, world.B, config.rho, P, C, basis)
        scale = float(np.sqrt(np.sum(np.var(h, axis=0)) / config.n))
        return ActionRun(config, result.metrics, trained, fitted_ls, predict(world, scale),
                         time.perf_counter() - start)
    finally:
        torch.set_num_threads(previous)


def _runs(ctx: ReportContext) -> list[ActionRun]:
    spec, _ = ctx.sweep(SWEEP)
    return [fit_and_measure(run.config, progress=ctx.progress) for run in spec.runs()]


def check(ctx: ReportContext) -> None:
    """Every run's config is valid (the report's overrides included) before any work starts."""
    ctx.sweep(SWEEP)[0].runs()


def _rank(cfg) -> str:
    return "full" if cfg.action_rank is None else str(cfg.action_rank)


def _num(x: float, digits: int = 3) -> str:
    if not math.isfinite(x):
        return "∞"
    return f"{x:.{digits}g}" if abs(x) >= 1e4 else f"{x:.{digits}f}"


def _figure(runs: list[ActionRun]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    keys = sorted({(r.config.objective, _rank(r.config)) for r in runs})
    for objective, rank in keys:
        group = [r for r in runs if r.config.objective == objective and _rank(r.config) == rank]
        scales = sorted({r.config.action_scale for r in group})
        label = f"{objective}, rank {rank}"
        for ax, value in zip(axes, (lambda r: r.least_squares.gap, lambda r: r.least_squares.implied_cond_excited,
                                    lambda r: r.least_squares.implied_max_angle)):
            ys = [np.mean([value(r) for r in group if r.config.action_scale == s]) for s in scales]
            ax.plot(scales, ys, marker="o", label=label)
    for r in runs:
        if r.trained is not None:
            axes[1].scatter(r.config.action_scale, r.trained.cond_excited, marker="x", color="black", zorder=3)
            axes[2].scatter(r.config.action_scale, r.trained.max_angle, marker="x", color="black", zorder=3)
    for ax, title, prediction in zip(axes, ("gap R²_lin − R²_orth", "condition number of the excited action axis",
                                            "largest principal angle (°)"), (0.0, 1.0, 0.0)):
        ax.axhline(prediction, color="grey", linestyle="--", linewidth=1, label="predicted (optimum)")
        ax.set_xscale("log")
        ax.set_xlabel("action_scale (coverage)")
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def build(ctx: ReportContext) -> str:
    _, applied = ctx.sweep(SWEEP)
    runs = _runs(ctx)
    first = runs[0].config
    base = [r for r in runs if r.trained is not None and r.config.action_rank is None and r.config.action_scale == 1.0]
    if base:
        b = base[0].trained
        ctx.add_summary(f"action world: action-axis condition number (full rank, coverage 1, {first.steps} steps; "
                        "predicted 1)", f"{b.cond:.3f} (θ_max {b.max_angle:.2f}°)")
    lines = [
        f"Profile `{ctx.profile}`: {len(runs)} runs of {first.steps} steps in the world z' = ρz + Ba + η "
        f"(n = {first.n}, ρ = {first.rho:g}, {first.action_dim} action dimensions, action_gain "
        f"{first.action_gain:g}, balanced noise Λ = (1 − ρ²)I − BΣ_aBᵀ, {first.mixing} mixing), "
        f"λ = {first.lam:g}, batch {first.batch_size}; the action metrics on "
        f"{max(first.eval_size, ACTION_TRIPLES)} triples from each run's evaluation generator." + "".join(f" {o.describe(SWEEP)}." for o in applied),
        "",
        "**What the theory predicts** (at the optimum, validation/action_metrics.py; docs/guide.md derives it): the "
        "world is N(0, I)-stationary and its pair averaged over the actions is exactly the OU channel, so "
        "Theorem A applies to the action-free alignment, and the same argument gives the optimum of the "
        "predictive loss: h = Qz, P = ρI, C = QB on the span of the actions. There the gap is 0, the condition "
        "number of the excited action axis 1, every principal angle 0°, ρ̂ = ρ, D_rel = 0, the norm ratio "
        "‖QᵀCV‖/‖BV‖ = s (h = sQz, s = sqrt(tr Cov h / n)) and the normalised predictive loss n·loss / tr Cov h "
        "= tr Λ; for every embedding that loss is at least n·λ_min(Λ) (the bound). With rank-one actions the "
        "unexcited direction of C is not determined: the condition number over both action directions is ∞ "
        "where that part stays 0. Coverage does not move the optimum; it sets how much signal the "
        "estimate of C has, which is what the measurements below show.",
        "",
        "**Measured**, state and dynamics (ρ̂, D_rel and the loss with the trained predictor of lejepa_action; "
        "for lejepa, which has none, the least-squares predictor of its embedding):",
        "",
        "| objective | rank | scale | seed | R²_lin | R²_orth | gap (pred. 0) | ρ̂ (pred. ρ) | D_rel (pred. 0) | "
        "n·loss / tr Cov h (pred. tr Λ; bound) | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        cfg, ls, p = r.config, r.least_squares, r.predicted
        m = r.trained if r.trained is not None else ls
        lines.append(f"| {cfg.objective} | {_rank(cfg)} | {cfg.action_scale:g} | {cfg.seed} | {ls.r2_lin:.4f} | "
                     f"{ls.r2_orth:.4f} | {ls.gap:.4f} | {m.rho_hat:.3f} ({p.rho_hat:g}) | {m.D_rel:.3f} | "
                     f"{m.loss_normalised:.3f} ({p.loss_normalised:.3f}; ≥ {p.loss_bound:.3f}) | {r.seconds:.0f} |")
    lines += [
        "",
        "**Measured**, the action axis: the trained predictor's C (lejepa_action only), the axis the embedding "
        "implies (QᵀMB, M its linear part: what any predictor shows with unlimited data) and the least-squares C "
        f"of the embedding on the {max(first.eval_size, ACTION_TRIPLES)} triples. With rank-one actions "
        "`cond excited` is 1 by definition: the angle is the readout.",
        "",
        "| objective | rank | scale | seed | cond (pred.) | cond excited (pred. 1) | θ_max ° (pred. 0) | "
        "norm ratio (pred. s) | implied cond excited | implied θ_max ° | LS cond excited | LS θ_max ° |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        cfg, t, ls, p = r.config, r.trained, r.least_squares, r.predicted
        trained = (f"{_num(t.cond)} ({_num(p.cond)}) | {_num(t.cond_excited)} | {_num(t.max_angle, 2)} | "
                   f"{_num(t.norm_ratio)} ({_num(p.norm_ratio)})") if t is not None else "— | — | — | —"
        lines.append(f"| {cfg.objective} | {_rank(cfg)} | {cfg.action_scale:g} | {cfg.seed} | {trained} | "
                     f"{_num(ls.implied_cond_excited)} | {_num(ls.implied_max_angle, 2)} | "
                     f"{_num(ls.cond_excited)} | {_num(ls.max_angle, 2)} |")
    lines += [
        "",
        "The peer project (Sidxah/lejepa-action-identifiability, RESULTS.md; n = 8, ρ = 0.9, 4000 steps, 5 seeds, "
        "its trained predictor) measured, for the same conditions:",
        "",
        "| rank | scale | gap | cond_m | θ_max ° |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {rank} | {scale:g} | {gap} | {cond} | {theta} |" for (rank, scale), (gap, cond, theta) in PEER.items()]
    lines += ["", "Their cond_m is our `cond` (over both action directions); with full-rank actions `cond excited` is "
              "the same number and θ_max the same angle. Their world and ours differ where the sweep file says "
              "(mixing, SIGReg's slices, weight decay, no bias)."]
    lines += ["", ctx.save_figure(_figure(runs), "actions",
                                  "Worlds with actions: gap, excited action-axis condition number and largest "
                                  "principal angle against coverage (lines: the axis each embedding implies, per "
                                  "learner and rank; crosses: the trained predictor; dashed: the optimum's value)")]
    if ctx.profile == "quick":
        lines += ["", "The quick profile trains n = 4 for 1200 steps; `report --profile cpu` runs every case at n = 8, "
                  "`--profile paper` the peer's five seeds."]
    return "\n".join(lines)


SECTION = Section(title="Worlds with actions", order=47, build=build, check=check)
