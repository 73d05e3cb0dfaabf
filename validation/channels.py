"""How a training pair is drawn from a world: the earlier ``views`` interface, kept for its callers.

``views="pair"`` is the pair source ``transition`` and ``views="anchor"`` the pair source
``anchor`` (``validation.pairs``, where the formulas live); see there for the authors'
two-view channel and why its views correlate at ``ρ²``.
"""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_choice, check_int

VIEWS = ("pair", "anchor")


def training_pair(world, views: str, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``size`` training pairs ``(B, n)`` each, drawn as ``views`` says (module docstring)."""
    from lejepa_verify.validation.pairs import pair_source

    check_choice(views, "views", VIEWS)
    size = check_int(size, "size", 1)
    if views == "pair":
        return world.sample(size, gen)
    source = pair_source("anchor")
    source.check(world)
    return source(world).train_pairs(size, gen)


def pair_correlation(world, views: str, size: int, seed: int = 0) -> float:
    """The pooled per-coordinate correlation of the two elements of ``size`` training pairs."""
    gen = torch.Generator().manual_seed(check_int(seed, "seed", 0))
    a, b = training_pair(world, views, size, gen)
    a, b = a.double() - a.double().mean(0), b.double() - b.double().mean(0)
    return float((a * b).sum() / torch.sqrt(a.square().sum() * b.square().sum()))
