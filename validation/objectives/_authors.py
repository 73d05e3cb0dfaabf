"""The authors' loss normalisations and the exact conversion of their λ into ours.

The authors (``alignment_loss`` and ``whitening_loss`` in ``experiments/lejepa_id/losses.py`` and the loss in ``train_and_evaluate``, ``engine.py``, of
klindtlab/lejepa-identifiability) weigh, on the two views stacked as ``(2, B, m)``::

    alignment_a = mean over (2, B, m) of (h − mean_views h)² = E||h1 − h2||² / (4m)
    whitening_a = mean over the m² entries of (Cov − I)²       = ||Cov − I||_F² / m²
    loss_a      = λ_a · R_a + (1 − λ_a) · alignment_a

while here ``alignment = E||h1 − h2||²`` and ``whitening = ||Cov − I||_F²`` (SIGReg is the same
statistic in both: sample size times the weighted integral, on both views pooled). Writing
``R_a = R / r`` and ``alignment_a = alignment / 4m`` (``r = 1`` for SIGReg, ``r = m²`` for
whitening), ``loss_a = c · [λ·R + (1 − λ)·alignment]`` exactly, with

    λ = (λ_a / r) / (λ_a / r + (1 − λ_a) / 4m),      c = λ_a / (r λ)

(:func:`ours_from_authors_lam`, inverse :func:`authors_from_ours_lam`). The constant ``c``
rescales every gradient alike; Adam's steps do not depend on it (up to its ε), so the two
objectives train the same way. Their λ = 1e−3 (2D) is λ = 0.00794 here for m = 2; their
scaling λ = 1e−6 is 8.0e−6 at m = 2 and 4.1e−3 at m = 1024; their whitening λ = 0.5 is
λ = 2/3 at m = 2 and 3.9e−3 at m = 1024.
"""

from __future__ import annotations

import math

from lejepa_verify.theory.validate import check_choice, check_int

#: the regulariser's divisor r in the authors' normalisation, as a function of m
REGULARISER_DIVISOR = {"lejepa": lambda m: 1.0, "whitening": lambda m: float(m) ** 2}


def _check_lam(lam, name: str) -> float:
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not math.isfinite(lam) or not 0.0 <= lam <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {lam!r}")
    return float(lam)


def ours_from_authors_lam(lam_authors: float, m: int, objective: str = "lejepa") -> float:
    """Our λ whose loss is proportional to the authors' loss at ``lam_authors`` (module docstring)."""
    lam_a = _check_lam(lam_authors, "lam_authors")
    m = check_int(m, "m", 1)
    r = REGULARISER_DIVISOR[check_choice(objective, "objective", tuple(REGULARISER_DIVISOR))](m)
    if lam_a == 0.0:
        return 0.0
    reg, align = lam_a / r, (1.0 - lam_a) / (4.0 * m)
    return reg / (reg + align)


def authors_from_ours_lam(lam: float, m: int, objective: str = "lejepa") -> float:
    """The inverse of :func:`ours_from_authors_lam`."""
    lam = _check_lam(lam, "lam")
    m = check_int(m, "m", 1)
    r = REGULARISER_DIVISOR[check_choice(objective, "objective", tuple(REGULARISER_DIVISOR))](m)
    if lam == 0.0:
        return 0.0
    # λ/(1 − λ) = (λ_a / r) · 4m / (1 − λ_a)  ⇒  λ_a/(1 − λ_a) = λ r / ((1 − λ) 4m)
    k = lam * r / ((1.0 - lam) * 4.0 * m) if lam < 1.0 else math.inf
    return 1.0 if math.isinf(k) else k / (1.0 + k)
