"""``action``: pairs ``(z, z')`` of the world with actions, and the actions ``a`` that moved them
(docs/guide.md, "Worlds with actions"; issue 25).

The world is the transition ``ou_action`` (``numerics/transitions/ou_action.py``):
``z' = ρz + B a + η`` with actions ``a ~ N(0, Σ_a)`` and the balanced noise
``η ~ N(0, (1 − ρ²)I − BΣ_aBᵀ)`` that keeps N(0, I) stationary. A training batch is
``(z, z', {"actions": a})``: the loop hands the actions to an objective that asks for them
(``wants = ("actions",)``, e.g. ``lejepa_action``) and ignores them otherwise. The triples are
:func:`numerics.transitions.sample_action_triples`, seeded from the run's torch generator, so
``(z, z')`` are the very pairs the ``transition`` source draws from the same generator state:
an action-free objective trained on ``pairs="action"`` sees the same data as on
``pairs="transition"``.

Held-out pairs are the world's one-step pairs at ρ, as for every source (averaged over the
actions, the pair is exactly the OU channel, so δ, D and the bound of docs/theory.md §4 apply);
:meth:`ActionPairs.eval_triples` returns the same draws with their actions, so that a run's
held-out actions can be drawn again from the run's evaluation generator.
"""

from __future__ import annotations

import numpy as np
import torch

from lejepa_verify.validation.pairs.base import PairSource, numpy_rng, register

#: the transition whose worlds have actions
ACTION_TRANSITION = "ou_action"


def _as_tensor(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))


@register
class ActionPairs(PairSource):
    """One-step pairs of the ``ou_action`` world with the actions in the batch's extras (module docstring)."""

    name = "action"
    description = "(z, z') one ou_action step apart at rho, with the actions a of each step as extras"
    #: the extras a training batch carries
    extras = ("actions",)

    @classmethod
    def check(cls, config) -> None:
        if config.transition != ACTION_TRANSITION:
            raise ValueError(f"pairs 'action' draws the actions of a world with actions: it needs transition "
                             f"{ACTION_TRANSITION!r} (z' = rho z + B a + eta), got {config.transition!r}")

    def world_matrices(self):
        """The world's ``B``, ``Σ_a``, ``Λ`` (:class:`numerics.transitions.ActionWorld`)."""
        from lejepa_verify.numerics.transitions import action_world

        w = self.world
        return action_world(w.n, w.rho, **w.transition_options)

    def triples(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``size`` triples ``(z, a, z')`` as float32 tensors, the numpy draw seeded from ``gen``."""
        from lejepa_verify.numerics.transitions import sample_action_triples

        w = self.world
        z, a, z_next = sample_action_triples(w.rho, size, w.n, seed=numpy_rng(gen), **w.transition_options)
        return _as_tensor(z), _as_tensor(a), _as_tensor(z_next)

    def train_pairs(self, size: int, gen: torch.Generator):
        """``(z, z', {"actions": a})``: ``size`` training pairs and their actions ``(size, action_dim)``."""
        z, a, z_next = self.triples(size, gen)
        return z, z_next, {"actions": a}

    def eval_triples(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The held-out triples ``(z, a, z')``: :meth:`eval_pairs` with their actions (same draws)."""
        return self.triples(size, gen)

    def eval_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """The held-out pairs ``(z, z')``: the world's one-step pairs at ρ."""
        z, _, z_next = self.triples(size, gen)
        return z, z_next
