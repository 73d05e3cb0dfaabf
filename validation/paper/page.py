"""The side-by-side page: the scorecard's summary, then one table per published result."""

from __future__ import annotations

from typing import Callable

from lejepa_verify.validation.paper import alpha, bound, channel, grid, mixings, reacher, scaling
from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.runs import SWEEP_DIR, Evidence

#: entries listed one per row in the page (the rest are in the JSON)
LIST_LIMIT = 150


def scorecard_section(card: sc.Scorecard, *, limit: int = LIST_LIMIT) -> list[str]:
    """The scorecard in markdown: counts, counts per published table, and the measured entries."""
    c = card.counts
    lines = [f"**{card.counts_text()}** ({c['measured']} measured). Every number of `paper_numbers.toml` that is a "
             f"published result is an entry of [`{sc.SCORECARD_NAME}`]({sc.SCORECARD_NAME}); the "
             f"{len(card.unscored)} other numbers of the file (settings, duplicates, raster-figure readings) are "
             "listed there with the reason they are not scored.", "",
             "Verdicts: *reproduced* within 3 of their standard deviations (never less than the printed resolution), "
             "±0.03 for values read off a figure, or the claim holds; *explained* differs, with a cause a stored run "
             "tested (named); *not_reached* differs, cause untested (the gap is given); *not_run* not measured in "
             "this profile; *failed* the run failed (its reason is given).", "",
             "| published table | kind | " + " | ".join(sc.VERDICTS) + " |", "|---|---|" + "---|" * len(sc.VERDICTS)]
    tables: dict[str, list] = {}
    for e in card.entries:
        tables.setdefault(e.published.table, []).append(e)
    for t, es in tables.items():
        lines.append(f"| `{t}` | {es[0].published.kind} | " + " | ".join(str(sum(e.verdict == v for e in es))
                                                                           for v in sc.VERDICTS) + " |")
    shown = (sc.REPRODUCED, sc.EXPLAINED, sc.NOT_REACHED, sc.FAILED)
    lines += ["", f"Measured entries (and failed ones){' , the first ' + str(limit) if c['measured'] + c['failed'] > limit else ''}:",
              "", *sc.markdown_table(card, verdicts=shown, limit=limit)]
    return lines


def build_markdown(numbers, ev: Evidence, card: sc.Scorecard, *,
                   save_figure: Callable | None = None) -> tuple[str, dict]:
    """The whole side-by-side page (markdown) and its numbers, from ``ev`` and the scorecard ``card``.

    ``save_figure(fig, name, caption)``, when given, saves a figure and returns the markdown that
    embeds it; the α figure then follows its table."""
    by_id = {e.published.id: e for e in card.entries}
    alpha_lines, alpha_data = alpha.alpha_table(numbers, ev, by_id)
    if save_figure is not None:
        alpha_lines += ["", save_figure(alpha.alpha_figure(alpha_data), "paper_alpha",
                                        "α ablation: their published grid R², ours on their grid and on the law, "
                                        "and the transport prediction")]
    applied = "".join(f" {a}." for a in ev.applied)
    parts = [f"Profile `{ev.profile}`; stores in `{SWEEP_DIR}/` of this folder; sweeps: "
             f"{', '.join(f'`{s}`' for s in ev.specs) or 'none'}.{applied} Published numbers from `{numbers.path}`.", "",
             "### The scorecard", "", *scorecard_section(card), "",
             "### Scaling (their table), SIGReg", *scaling.scaling_table(numbers, ev, by_id), "",
             "### Scaling, the other objectives", *scaling.objectives_table(numbers, ev, by_id), "",
             "### Scaling, the appendix columns", *scaling.appendix_table(numbers, by_id), "",
             "### α ablation (their panel b)", *alpha_lines, "",
             "### α ablation, every mixing and objective (App. H.7)", *alpha.gennorm_table(numbers, by_id), "",
             "### The λ × ρ grid (App. H.6)", *grid_summary(by_id), "",
             "### The bound figure (their panel a)", *bound.bound_table(ev), "",
             "### 2D mixings × objectives at their settings", *mixings.mixings_table(ev), "",
             "### What their two-view channel changes", *channel.channel_table(ev), "",
             "### Reacher (their table per ρ and per stride, panels c, d)", *reacher.reacher_table(numbers, ev, by_id)]
    return "\n".join(parts) + "\n", {"alpha": alpha_data}


def grid_summary(by_id: dict) -> list[str]:
    """The grid's verdict counts and its sentences' verdicts."""
    lines = ["Their heat maps (9 λ × 7 ρ, spiral, SIGReg in their normalisation; means printed in a vector figure, "
             "±0.03) and the seven sentences that read them.", "",
             "| published | " + " | ".join(sc.VERDICTS) + " |", "|---|" + "---|" * len(sc.VERDICTS)]
    for table in (grid.R2, grid.ORTH):
        es = [e for e in by_id.values() if e.published.table == table]
        lines.append(f"| `{table}` | " + " | ".join(str(sum(e.verdict == v for e in es)) for v in sc.VERDICTS) + " |")
    lines.append("")
    for e in by_id.values():
        if e.published.table == grid.TEXT:
            lines.append(f"- {e.published.label}, *{e.verdict}*: {e.published.quantity} (tested: {e.published.rule}; "
                         f"{e.why})")
    return lines
