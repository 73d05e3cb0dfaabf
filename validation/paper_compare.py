"""Former home of the side-by-side tables, kept as an alias: the code lives in :mod:`validation.paper`.

``fingerprint``, ``authors_bound``, ``alpha_figure``, ``cells``, ``store_dir``, ``figure_saver``,
``read_pixel_summary`` are the package's; ``reacher_table(numbers, out)``, ``channel_table(out,
profile)`` and ``build_markdown(out, profile, ...)`` keep their former signatures and build what
the package builds.
"""

from __future__ import annotations

from pathlib import Path

from lejepa_verify.validation.paper.alpha import alpha_figure
from lejepa_verify.validation.paper.bound import authors_bound
from lejepa_verify.validation.paper.fingerprint import fingerprint
from lejepa_verify.validation.paper.orchestrate import figure_saver
from lejepa_verify.validation.paper.reacher import REACHER_OU_RUN, read_pixel_summary
from lejepa_verify.validation.paper.runs import SWEEP_DIR, SWEEPS, THEIR_STEPS, Cell as RunCell, cells, store_dir

__all__ = ["REACHER_OU_RUN", "RunCell", "SWEEPS", "SWEEP_DIR", "THEIR_STEPS", "alpha_figure", "authors_bound",
           "build_markdown", "cells", "channel_table", "figure_saver", "fingerprint", "reacher_table",
           "read_pixel_summary", "store_dir"]


def _evidence(out: Path, profile: str, fingerprint_max_n: int = 1024):
    from lejepa_verify.validation.paper.orchestrate import plan
    from lejepa_verify.validation.paper.runs import Evidence

    specs, applied = plan(profile)
    return Evidence(out=Path(out), profile=profile, specs=specs, applied=applied, fingerprint_max_n=fingerprint_max_n)


def reacher_table(numbers, out: Path) -> list[str]:
    """The Reacher rows of the pixel section's files under ``out`` (``validation.paper.reacher``)."""
    from lejepa_verify.validation.paper import reacher
    from lejepa_verify.validation.paper.runs import Evidence

    ev = Evidence(out=Path(out), profile="cpu", specs={})
    card = {e.published.id: e for e in reacher.entries(numbers, ev)}
    return reacher.reacher_table(numbers, ev, card)


def channel_table(out: Path, profile: str) -> list[str]:
    """The channel rows of the ``paper_channel`` store of ``profile`` under ``out``."""
    from lejepa_verify.validation.paper.channel import channel_table as table

    return table(_evidence(out, profile, 0))


def build_markdown(out: Path, profile: str, *, fingerprint_max_n: int = 1024, numbers=None,
                   save_figure=None) -> tuple[str, dict]:
    """The side-by-side page of the stores of ``profile`` under ``out`` and its numbers (tables only)."""
    from lejepa_verify.validation.paper.catalogue import build_scorecard
    from lejepa_verify.validation.paper.page import build_markdown as page
    from lejepa_verify.validation.paper_numbers import load

    numbers = numbers if numbers is not None else load()
    ev = _evidence(out, profile, fingerprint_max_n)
    card = build_scorecard(numbers, ev, command="validation.paper_compare.build_markdown")
    return page(numbers, ev, card, save_figure=save_figure)
