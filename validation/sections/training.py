"""Report section: what the trainer learns in each 2D world (docs/theory.md §1, §4, §7).

One run per mixing (spiral, banana, sinusoid, coupling) in the Gaussian OU world with ρ = 0.95
(the sweep ``validation/sweeps/training_2d.toml``, with the report's ``--set`` overrides applied):
scatter panels of the latent ``z``, the observation ``x = g(z)`` and the learned ``h = f(x)``
(points coloured by the angle of ``z``, so a rotation shows as a rotated colour wheel), and a
table of the metrics with the Prop 4.3 bound and the bootstrap uncertainty of ε and δ.
The quick profile trains 1500 steps per world (about 2 minutes in all on a 2-core CPU); the
paper profile uses the default recipe (6000 steps).
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.validation.report import ReportContext, Section

SWEEP = "training_2d"


def _runs(ctx: ReportContext):
    from lejepa_verify.validation.trainer import train

    spec, _ = ctx.sweep(SWEEP)
    return [train(run.config, progress=ctx.progress) for run in spec.runs()]


def check(ctx: ReportContext) -> None:
    """Every run's config is valid (the report's overrides included) before any work starts."""
    ctx.sweep(SWEEP)[0].runs()


def _figure(results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 3, figsize=(9, 3 * len(results)))
    for row, res in zip(np.atleast_2d(axes), results):
        a = res.arrays
        colour = np.arctan2(a["z"][:, 1], a["z"][:, 0])
        for ax, key, title in zip(row, ("z", "x", "h"), ("latent z", "observation x = g(z)", "learned h = f(x)")):
            ax.scatter(a[key][:, 0], a[key][:, 1], c=colour, cmap="hsv", s=2, alpha=0.6, linewidths=0)
            ax.set_title(f"{res.config.mixing}: {title}", fontsize=9)
            ax.set_aspect("equal", adjustable="datalim")
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig


def _lam_text(cfg) -> str:
    if cfg.lam_start is None:
        return f"constant λ = {cfg.lam:g}"
    return f"λ ramped from {cfg.lam_start:g} to {cfg.lam:g}"


def _world_text(cfg) -> str:
    """The world and learner of ``cfg`` in words, from the config (so overrides show as they ran)."""
    params = ", ".join(f"{k} = {v:g}" for k, v in cfg.latent_params.items())
    law = f"{cfg.latent} latent" + (f" ({params})" if params else "")
    return (f"{law}, {cfg.transition} transition, ρ = {cfg.rho:g}, {cfg.pairs} pairs) with the {cfg.encoder} "
            f"encoder and the {cfg.objective} objective")


def build(ctx: ReportContext) -> str:
    _, applied = ctx.sweep(SWEEP)
    results = _runs(ctx)
    worst = min(results, key=lambda r: r.metrics.r2_hz)
    ctx.add_summary(f"lowest R²(h→z) of the 2D worlds ({worst.config.steps} steps)",
                    f"{worst.metrics.r2_hz:.4f} ({worst.config.mixing})")
    lines = [
        f"Trained ({_lam_text(results[0].config)}) on each 2D world ({_world_text(results[0].config)}; "
        f"metrics on a held-out set of {results[0].config.eval_size} pairs."
        + ("".join(f" {o.describe(SWEEP)}." for o in applied)) + f" ε and δ are sample estimates: ± is the bootstrap standard error "
        f"({results[0].config.n_bootstrap} resamples). The bound is D + (ε + D)² + ||E h||² (docs/theory.md §4).",
        "",
        "| mixing | steps | R²(h→z) | R²(z→h) | orth err | Procrustes MSE | ε | δ | D | bound | error ≤ bound | s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        m, se = r.metrics, r.metrics.uncertainty.stderr
        lines.append(
            f"| {r.config.mixing} | {r.config.steps} | {m.r2_hz:.4f} | {m.r2_zh:.4f} | {m.orth_err:.3f} | "
            f"{m.procrustes_mse:.4f} | {m.epsilon:.3f} ± {se.get('epsilon', float('nan')):.3f} | "
            f"{m.delta:.4f} ± {se.get('delta', float('nan')):.4f} | "
            f"{m.D:.3f} | {m.bound:.3f} | {'yes' if m.bound_holds else '**NO**'} | {r.wall_time:.0f} |"
        )
    spec_rows = [r for r in results if r.metrics.spectrum is not None]
    if spec_rows:
        lines += ["", "Hermite spectrum of the learned h = f∘g (docs/theory.md §2): the alignment it predicts, "
                  "2 Σ_d (1 − ρ^d) E_d with the truncation bracket, against the alignment measured on the held-out pairs.", "",
                  "| mixing | nonlinear energy W_nl | predicted L(h) | bracket | measured L(h) |", "|---|---|---|---|---|"]
        for r in spec_rows:
            s = r.metrics.spectrum
            lo, hi = s.alignment_predicted_interval
            lines.append(f"| {r.config.mixing} | {s.nonlinear_energy:.4f} | {s.alignment_predicted:.4f} | "
                         f"[{lo:.4f}, {hi:.4f}] | {s.alignment_measured:.4f} |")
    lines += ["", ctx.save_figure(_figure(results), "training_2d_worlds",
                                  "Latent z, observation x and learned h for each 2D mixing (colour: angle of z)")]
    return "\n".join(lines)


SECTION = Section(title="Training a world model (2D worlds)", order=40, build=build, check=check)
