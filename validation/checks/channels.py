"""Claim: the authors' training channel correlates its two views at ρ², not ρ (docs/theory.md §1).

Both views are one OU step from a hidden anchor (``validation.channels``), so for a Gaussian
latent ``Corr(v₁, v₂) = ρ · ρ = ρ²`` per coordinate, while the pairs the bound's δ is
evaluated on (and the pairs our trainer uses) correlate at ρ. The check measures the pooled
correlation of 5·10⁴ training pairs in 4 dimensions at ρ ∈ {0.5, 0.8, 0.95} and requires it
within 5 standard errors ``(1 − c²)/sqrt(N)`` of the stated correlation. Negative controls: the
same check stating ρ² for our pair channel (which correlates at ρ), and stating ρ for the two
views, must be rejected.
Scope: stated instances (three ρ, the Gaussian latent, one seed).
"""

from __future__ import annotations

import math

from lejepa_verify.theory.claims import Evidence, claim, control, instances

RHOS = (0.5, 0.8, 0.95)
SIZE = 50_000
DIM = 4


@claim(
    "channel/anchor-views-correlate-at-rho-squared",
    statement="two OU views of one anchor correlate at ρ² per coordinate (ρ = 0.5, 0.8, 0.95)",
    source="the authors' channel, experiments/lejepa_id/data.py (ou_augment, two views); docs/theory.md §1",
    layer="validation",
    controls=(control("wrong object", "our pair channel (z, z') also correlates at ρ²", views="pair"),
              control("wrong exponent", "two OU views of one anchor correlate at ρ, as a pair one step apart does",
                      power=1)),
    scope=instances("ρ = 0.5, 0.8, 0.95; Gaussian latent, 4 coordinates, 5·10⁴ pairs, one seed"),
)
def check_anchor_views(views: str = "anchor", power: int = 2, seed: int = 0) -> Evidence:
    from lejepa_verify.validation.channels import pair_correlation
    from lejepa_verify.validation.worlds import World

    numbers, ok = {}, True
    worst = 0.0
    for rho in RHOS:
        target = rho ** power
        c = pair_correlation(World(n=DIM, rho=rho), views, SIZE, seed=seed)
        se = (1.0 - target ** 2) / math.sqrt(SIZE * DIM)
        z = abs(c - target) / se
        worst = max(worst, z)
        ok = ok and z < 5.0
        numbers[f"corr_rho_{rho:g}"] = c
        numbers[f"stated_rho_{rho:g}"] = target
    numbers["views"] = views
    numbers["max_standard_errors"] = worst
    return Evidence(passed=bool(ok), numbers=numbers, tolerance=5.0,
                    detail=f"|corr − ρ^{power}| < 5 standard errors on {SIZE} pairs × {DIM} coordinates")
