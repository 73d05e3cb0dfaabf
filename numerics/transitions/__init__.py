"""Transitions ``z → z'`` for each latent law, and how far each is from stationary (docs/theory.md §1, §3).

Each transition is one module of this package (a registry; :mod:`.base` says what a transition
declares, :mod:`.additive` is the base of the additive-noise worlds ``z' = m(z) + η``):

================  ========================================================================
name              the pair ``(z, z')``, with ``z ~ p`` drawn exactly
================  ========================================================================
``ou``            ``z' = ρz + sqrt(1 − ρ²) η``, ``η ~ N(0, 1)``: only for the Gaussian law, where
                  it is the stationary, time-reversible Ornstein–Uhlenbeck (Mehler) channel.
``authors``       ``z' = ρz + sqrt(1 − ρ²) η`` with ``η`` from the *same* unit-variance family
                  (the authors' ablation): not stationary unless ``p`` is Gaussian (excess
                  kurtosis scales by ``ρ⁴ + (1 − ρ²)²``).
``ar1``           exact stationary AR(1) chains ``z' = ρz + ε`` declared by the law
                  (``law.ar1_chain``): Gaussian, Laplace, uniform with ``ρ = 1/k``.
``langevin``      ``m`` MALA steps calibrated to lag-one correlation ρ: exactly invariant for any law.
``abs_drift``     ``x' = ρ|x| + sqrt(1 − ρ²) ε`` standardised: nonlinear drift, skew-normal
                  stationary law in closed form (its own law, :func:`stationary_law`).
``flip_drift``    ``z' = ρ T_c(z) + sqrt(1 − ρ²) η``, ``T_c`` flips the sign on ``|z| < c``:
                  nonlinear drift, stationary law exactly N(0, 1), not the OU channel.
``ou_action``     ``z' = ρz + B a + η``, actions ``a ~ N(0, Σ_a)``, balanced noise
                  ``Λ = (1 − ρ²) I − B Σ_a Bᵀ``: N(0, I) stationary (:func:`sample_action_triples`).
``tanh_drift``    ``x' = ρκ tanh(x/κ) + sqrt(1 − ρ²) ε`` standardised: nonlinear drift, stationary
                  law solved on a grid (its own law, :func:`stationary_law`).
================  ========================================================================

Coordinates of multidimensional latents are independent, each moved by the same 1-D kernel
(except ``ou_action``, whose actions move them jointly). Which transitions a law has is
declared by each transition (``available(law)``); :func:`available_transitions` lists them and
:func:`default_transition` is the law's natural one (``ou`` for a Gaussian law, ``authors``
otherwise). The public functions below validate the law, ``ρ``, the transition's declared
options and the sizes once, then call the member's hooks. Adding a transition: one module with
a :class:`~.base.Transition` (or :class:`~.additive.AdditiveNoise`) subclass decorated with
``register``, and its tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lejepa_verify.numerics.latents import LatentLaw, as_law, as_rng
from lejepa_verify.numerics.transitions.base import REGISTRY, Transition, standard_normal_law
from lejepa_verify.numerics.transitions.defects import (StationarityDefect, normal_nodes, population_energy,
                                                         quantile_coupling, stationarity)
from lejepa_verify.theory.options import check_options
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = [
    "TRANSITIONS",
    "ActionWorld",
    "LangevinKernel",
    "StationarityDefect",
    "action_world",
    "available_transitions",
    "default_transition",
    "langevin_kernel",
    "population_energy_defect",
    "sample_action_triples",
    "sample_pairs",
    "stationarity_defect",
    "stationary_law",
    "transition_member",
]

#: every transition: the modules of this package, in the registry's listing order
TRANSITIONS = REGISTRY.names()

# the composite Gauss–Legendre rule of the population defect (numerics.transport reads it)
_normal_nodes = normal_nodes


def transition_member(name: str) -> Transition:
    """The registered transition ``name`` (its hooks and declared ``options``); ``ValueError`` listing the valid names."""
    check_choice(name, "transition", REGISTRY.names())
    return REGISTRY.get(name)


def available_transitions(law) -> tuple[str, ...]:
    """The transitions that exist for ``law``, in the listing order of ``TRANSITIONS``.

    ``ou`` only for a Gaussian law, ``ar1`` only where the law has an exact chain
    (``law.ar1_chain``); ``authors`` and ``langevin`` for every law (a custom law has
    ``authors``, innovations drawn by its inverse CDF, and ``langevin``, its logpdf and score);
    ``flip_drift`` and ``ou_action`` for a Gaussian law; ``abs_drift`` and ``tanh_drift`` for
    their own stationary laws (:func:`stationary_law`).
    """
    law = as_law(law)
    return tuple(name for name in REGISTRY.names() if REGISTRY.get(name).available(law))


def default_transition(law) -> str:
    """The law's natural transition: ``ou`` for a Gaussian law, ``authors`` for every other one."""
    return as_law(law).default_transition


def _checked(law: LatentLaw, name: str, rho: float, options: dict) -> tuple[Transition, dict]:
    """The member ``name`` and its validated options, for a law and ``ρ`` already checked."""
    member = transition_member(name)
    if not member.available(law):
        have = available_transitions(law)
        raise ValueError(f"transition {name!r} is not available for law {law.label}{member.unavailable_reason(law)}; "
                         f"available: {', '.join(have)}")
    opts = check_options(member.options, options, where=f"transition {name}: ")
    member.check(law, rho, **opts)
    return member, opts


def sample_pairs(law, transition: str, rho: float, n_pairs: int, dim: int = 1, seed=None, **options: Any):
    """Draw ``n_pairs`` pairs ``(z, z')`` of shape ``(n_pairs, dim)`` from ``transition``.

    ``z`` is drawn exactly from the law (coordinates independent); ``z'`` from the transition
    named in the module table, with its declared ``options`` (``transition(name).options``).
    Raises ``ValueError`` for ``rho`` outside (0, 1), a transition the law does not have
    (listing those it has), ``rho`` not ``1/k`` for the uniform chain, an unknown option or a
    value outside its range, or an ``ou_action`` world whose noise is not positive definite.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    member, opts = _checked(law, transition, rho, options)
    n_pairs = check_int(n_pairs, "n_pairs", 1)
    dim = check_int(dim, "dim", 1)
    member.check_dim(law, rho, dim, **opts)
    rng = as_rng(seed)
    return member.sample(law, rho, n_pairs, dim, rng, **opts)


def stationary_law(transition: str, rho: float, **options: Any) -> LatentLaw:
    """The latent law of a transition's world at ``rho``: the law ``z`` must be drawn from.

    For a transition with a stationary law of its own (``abs_drift``: the standardised
    skew-normal; ``tanh_drift``: the grid's solution) the custom law it builds (once per ρ and
    options); for one that keeps N(0, 1) only (``ou``, ``flip_drift``, ``ou_action``) the
    Gaussian law. Transitions that move many laws (``authors``, ``ar1``, ``langevin``) have no
    single one: ``ValueError``.
    """
    rho = float(check_rho(rho))
    member = transition_member(transition)
    opts = check_options(member.options, options, where=f"transition {transition}: ")
    own = member.world_law(rho, **opts)
    if own is None:
        raise ValueError(f"transition {transition!r} moves every law it is available for (see "
                         "available_transitions): it has no stationary law of its own")
    member.check(own, rho, **opts)
    return own


def langevin_kernel(law, rho: float, *, pilot_pairs: int = 4000, seed: int = 0):
    """Calibrate the MALA kernel for ``law`` so that its lag-one correlation is near ``rho``.

    The achieved correlation is reported (``pilot_corr``), never assumed; exact invariance of
    ``p`` does not depend on the calibration.
    """
    from lejepa_verify.numerics.transitions.langevin import calibrate

    law = as_law(law)
    rho = float(check_rho(rho))
    pilot_pairs = check_int(pilot_pairs, "pilot_pairs", 100, 10**7)
    seed = check_int(seed, "seed", 0)
    return calibrate(law, rho, pilot_pairs, seed)


def population_energy_defect(law, transition: str, rho: float, *, n_grid: int = 3001,
                             **options: Any) -> float | None:
    """The population energy distance ``2 ∫ (F(t) − F'(t))² dt`` between ``p`` and the law of ``z'``.

    ``F'(t) = E_z F(t | z)`` (the member's ``next_cdf``) is integrated by quadrature over
    ``z = F⁻¹(Φ(y))`` (composite Gauss–Legendre in ``y``) and the outer integral by the
    trapezoid rule on an asinh-spaced grid that covers the support of ``z'``. Zero (to
    quadrature accuracy, about 1e-9) for a stationary chain. Returns ``None`` for a transition
    whose one-step law has no closed form (``langevin``): its defect is only measured by sampling.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    member, opts = _checked(law, transition, rho, options)
    n_grid = check_int(n_grid, "n_grid", 101)
    member.check_dim(law, rho, 1, **opts)
    return population_energy(member, law, rho, n_grid, opts)


def stationarity_defect(law, transition: str, rho: float, *, n_pairs: int = 3000, permutations: int = 200,
                        seed: int = 0, **options: Any) -> StationarityDefect:
    """Measure the stationarity defect of ``transition`` for ``law`` (1-D pairs; see :class:`StationarityDefect`)."""
    law = as_law(law)
    rho = float(check_rho(rho))
    n_pairs = check_int(n_pairs, "n_pairs", 20, 12_000)
    member, opts = _checked(law, transition, rho, options)
    member.check_dim(law, rho, 1, **opts)
    return stationarity(member, law, rho, n_pairs, permutations, seed, opts)


def action_world(dim: int, rho: float, *, B=None, **options: Any):
    """The matrices of an ``ou_action`` world (``B``, ``Σ_a``, ``Λ``): see :mod:`.ou_action`.

    ``options`` are the transition's declared ones (``action_dim``, ``action_rank``,
    ``action_scale``, ``action_gain``, ``action_seed``); ``B`` (``dim × action_dim``) replaces the
    seeded one (``action_gain`` is then not used). ``ValueError`` where ``Λ`` is not positive
    definite, naming the budget it exceeds.
    """
    from lejepa_verify.numerics.transitions.ou_action import build_world

    dim = check_int(dim, "dim", 1)
    rho = float(check_rho(rho))
    member, opts = _checked(standard_normal_law(), "ou_action", rho, options)
    if B is None:
        return member.world(dim, rho, **opts)
    B = np.asarray(B, dtype=float)
    if B.shape != (dim, opts["action_dim"]) or not np.all(np.isfinite(B)):
        raise ValueError(f"B must be a finite ({dim}, {opts['action_dim']}) matrix (dim × action_dim), "
                         f"got shape {B.shape}")
    return build_world(dim, rho, B=B, **opts)


def sample_action_triples(rho: float, n_pairs: int, dim: int = 2, seed=None, *, B=None, **options: Any):
    """Triples ``(z, a, z')`` of the ``ou_action`` world: ``z ~ N(0, I_dim)``, actions ``a``
    ``(n_pairs, action_dim)`` and ``z' = ρz + B a + η``.

    With the same seed and options, ``(z, z')`` are the pairs :func:`sample_pairs` draws for
    ``"ou_action"`` (the same random numbers, in the same order).
    """
    world = action_world(dim, rho, B=B, **options)
    n_pairs = check_int(n_pairs, "n_pairs", 1)
    rng = as_rng(seed)
    z = standard_normal_law().sample((n_pairs, world.dim), seed=rng)
    a, z_next = world.draw(z, rng)
    return z, a, z_next


def __getattr__(name: str):
    # members' public types, imported on first use
    if name == "LangevinKernel":
        from lejepa_verify.numerics.transitions.langevin import LangevinKernel

        return LangevinKernel
    if name == "ActionWorld":
        from lejepa_verify.numerics.transitions.ou_action import ActionWorld

        return ActionWorld
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
