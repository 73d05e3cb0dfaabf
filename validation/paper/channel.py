"""What their two-view channel changes, alone (``paper_channel``): the same runs with our pair and
with their two views of a hidden anchor. The paper publishes no number for this comparison
(``[authors_recipe].training_pairs`` describes their channel); the table is ours."""

from __future__ import annotations

import math

from lejepa_verify.validation.paper.runs import Evidence
from lejepa_verify.validation.paper.text import cell_text, plus_minus


def _views(config) -> str:
    return "anchor" if config.pairs == "anchor" else "pair"


def channel_table(ev: Evidence) -> list[str]:
    """Markdown rows: per world and channel the measured correlation of the training pairs, R², the
    error and the bound, mean ± half the range over the seeds, and the difference."""
    from lejepa_verify.validation.channels import pair_correlation
    from lejepa_verify.validation.worlds import World

    runs = ev.cells("paper_channel")
    worlds = list(dict.fromkeys(c.config.mixing for c in runs))
    lines = ["The same runs, every setting theirs but the channel: our pair (z, z′) one OU step at ρ, or their two "
             "views of a hidden anchor (each one step from it). Evaluation pairs are at ρ for both, as theirs. "
             "Values: mean ± half the range over the seeds stored; a finished run only.", "",
             "| world | channel | training-pair correlation (10⁵ pairs, ± 2 s.e.) | R²(h→z) | Procrustes error | bound "
             "| bound_upper | error ≤ bound_upper | runs |", "|---|---|---|---|---|---|---|---|---|"]

    def agg(cs, key):
        vals = [c.metric(key) for c in cs if c.ok and math.isfinite(c.metric(key))]
        if not vals:
            return math.nan, "—"
        mean, half = sum(vals) / len(vals), (max(vals) - min(vals)) / 2
        return mean, plus_minus(mean, half) if len(vals) > 1 else f"{mean:.4g}"

    diffs = []
    for w in worlds:
        means = {}
        for views in ("pair", "anchor"):
            cs = [c for c in runs if c.config.mixing == w and _views(c.config) == views]
            if not cs:
                continue
            c0 = cs[0].config
            world = World(c0.latent, c0.latent_params, c0.transition, c0.n, c0.rho)
            corr = pair_correlation(world, views, 100_000, seed=0)
            ok = [c for c in cs if c.ok]
            means[views], r2_txt = agg(cs, "r2_hz")
            cells_txt = [agg(cs, k)[1] for k in ("procrustes_mse", "bound", "bound_upper")]
            measured = [c for c in ok if math.isfinite(c.metric("procrustes_mse")) and math.isfinite(c.metric("bound_upper"))]
            held = sum(c.metric("procrustes_mse") <= c.metric("bound_upper") for c in measured)
            status = f"{len(ok)} of {len(cs)}" + ("" if len(ok) == len(cs) else
                                                   " (" + "; ".join(cell_text(c) for c in cs if not c.ok) + ")")
            # two standard errors of a correlation pooled over the n coordinates of 10⁵ pairs
            se = 2 * (1 - corr ** 2) / math.sqrt(100_000 * c0.n)
            lines.append(f"| {w} | {views} | {corr:.4f} ± {se:.1g} (ρ = {c0.rho:g}, ρ² = {c0.rho ** 2:.4f}) | {r2_txt} "
                         f"| {' | '.join(cells_txt)} | {held} of {len(measured)} | {status} |")
        if math.isfinite(means.get("pair", math.nan)) and math.isfinite(means.get("anchor", math.nan)):
            diffs.append(f"{w}: R²(anchor) − R²(pair) = {means['anchor'] - means['pair']:+.4f}")
    return lines + (["", "What the channel changes: " + "; ".join(diffs) + "."] if diffs else [])
