"""Report section: embeddings wider than the latent (m > n; docs/guide.md, "Embeddings wider than
the latent"; issue 25).

The sweep ``validation/sweeps/width_ratio.toml`` trains the same learner at several widths m of the
embedding over a latent of dimension n, in the world x = z (no mixing: the objective alone decides
what h is). For each run the section measures, from the held-out arrays, what the theory says of
the whitened optimum at m > n (n linear coordinates, m − n coordinates of Hermite degree 2):

- R²(h→z), which stays 1 at every width (z is read back exactly from the linear part);
- the nonlinear energy ``W_nl = tr Cov h − ||E[h zᵀ]||_F²`` against its optimum ``m − n``
  (of ``tr Cov h = m``);
- the gap ``R²_lin − R²_orth`` of Sidxah/lejepa-action-identifiability (``m1_state``, computed by
  :func:`lejepa_verify.validation.action_metrics.state_recovery`) against its value at the optimum,
  ``(1 − n/m)²`` (the square of the share of h's energy that is not linear in z);

with the peer's published gaps (their RESULTS.md, Q4: n = 8, K = m = 8 … 24, 5 seeds) beside, in a
table and a figure. The quick profile is n = 4, m = 4, 6, 8, 12 with the whitening objective, 1000
steps (about 20 s on an idle core); ``--profile cpu`` is the peer's n = 8 and budget for LeJEPA and
whitening over three seeds (about 40 minutes on 2 cores).
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.validation.report import ReportContext, Section

SWEEP = "width_ratio"
#: the peer's gap R²_lin − R²_orth at n = 8 per m/n (Sidxah/lejepa-action-identifiability,
#: RESULTS.md, Q4 and its per-condition table; 5 seeds)
PEER_GAP = {1.0: 0.0009, 1.25: 0.0047, 1.5: 0.0301, 2.0: 0.0616, 3.0: 0.1057}


def optimum_gap(n: int, m: int) -> float:
    """``(1 − n/m)²``: the peer's gap at the whitened optimum of width m over n latents."""
    if not 1 <= n <= m:
        raise ValueError(f"the optimum gap needs 1 <= n <= m, got n = {n}, m = {m}")
    return (1.0 - n / m) ** 2


def measure(h, z) -> dict:
    """R²(h→z) (the record's), ``W_nl``, ``tr Cov h`` and the peer's gap of held-out arrays."""
    from lejepa_verify.validation.action_metrics import state_recovery

    h, z = np.asarray(h, float), np.asarray(z, float)
    hc, zc = h - h.mean(0), z - z.mean(0)
    trace = float(np.trace(np.cov(hc.T)))
    cross = hc.T @ zc / len(z)
    linear = float(np.sum(cross ** 2))
    return {"w_nl": trace - linear, "trace": trace, "gap": state_recovery(h, z).gap}


def check(ctx: ReportContext) -> None:
    """Every run's config is valid (the report's overrides included) and wider than its latent."""
    spec, _ = ctx.sweep(SWEEP)
    for run in spec.runs():
        if run.config.out_dim < run.config.n:
            raise ValueError(f"the width section needs m >= n, got m = {run.config.out_dim}, n = {run.config.n}")


def _figure(rows):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    grid = np.linspace(1.0, max(3.0, max(r["ratio"] for r in rows)), 100)
    ax.plot(grid, (1 - 1 / grid) ** 2, color="black", lw=1, label="whitened optimum (1 − n/m)²")
    for objective in dict.fromkeys(r["objective"] for r in rows):
        pts = [r for r in rows if r["objective"] == objective]
        ax.plot([r["ratio"] for r in pts], [r["gap"] for r in pts], "o", label=f"ours, {objective} (n = {pts[0]['n']})")
    ax.plot(list(PEER_GAP), list(PEER_GAP.values()), "s", mfc="none", color="gray", label="peer (n = 8, their table)")
    ax.set_xlabel("m / n")
    ax.set_ylabel("gap R²_lin − R²_orth")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def build(ctx: ReportContext) -> str:
    from lejepa_verify.validation.trainer import train

    spec, applied = ctx.sweep(SWEEP)
    rows = []
    for run in spec.runs():
        cfg = run.config
        result = train(cfg, progress=ctx.progress)
        got = measure(result.arrays["h"], result.arrays["z"])
        m, n = cfg.out_dim, cfg.n
        rows.append({"objective": cfg.objective, "n": n, "m": m, "ratio": m / n, "seed": cfg.seed,
                     "r2": result.metrics.r2_hz, "predicted_gap": optimum_gap(n, m), **got})
    first = spec.runs()[0].config
    widest = max(rows, key=lambda r: r["ratio"])
    ctx.add_summary(f"width m/n = {widest['ratio']:g}: gap R²_lin − R²_orth (optimum (1 − n/m)²)",
                    f"{widest['gap']:.3f} ({widest['predicted_gap']:.3f})")
    lines = [
        f"Profile `{ctx.profile}`: {len(rows)} runs in the world x = z (n = {first.n}, ρ = {first.rho:g}), "
        f"{first.steps} steps at batch {first.batch_size}, encoder `{first.encoder}`; metrics on "
        f"{first.eval_size} held-out pairs." + "".join(f" {o.describe(SWEEP)}." for o in applied),
        "At the whitened optimum of width m > n, h holds z linearly in n coordinates and puts the other "
        "m − n on Hermite degree 2: R²(h→z) = 1, W_nl = m − n and the peer's gap R²_lin − R²_orth = "
        "(1 − n/m)² (docs/guide.md derives it). The peer's gaps are theirs at n = 8 (an action world with "
        "a frozen MLP mixing), shown for their m/n.",
        "",
        "| objective | m / n | seed | R²(h→z) | W_nl | optimum m − n | tr Cov h | gap | optimum (1 − n/m)² | peer's gap |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peer = PEER_GAP.get(round(r["ratio"], 2))
        lines.append(f"| {r['objective']} | {r['ratio']:g} ({r['m']}/{r['n']}) | {r['seed']} | {r['r2']:.4f} | "
                     f"{r['w_nl']:.3f} | {r['m'] - r['n']} | {r['trace']:.3f} | {r['gap']:.4f} | "
                     f"{r['predicted_gap']:.4f} | {'—' if peer is None else f'{peer:g}'} |")
    lines += ["", ctx.save_figure(_figure(rows), "width_ratio",
                                  "The gap R²_lin − R²_orth against m/n: ours (points), the whitened optimum "
                                  "(line) and the peer's published gaps (squares)")]
    if ctx.profile == "quick":
        lines += ["", "The quick profile is n = 4 and the whitening objective; `lejepa-verify sweep width_ratio "
                  "--profile cpu --save-arrays` runs the peer's n = 8, budget and both objectives (the guide "
                  "gives its table)."]
    return "\n".join(lines)


SECTION = Section(title="Embeddings wider than the latent", order=48, build=build, check=check)
