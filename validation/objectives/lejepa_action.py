"""``lejepa_action``: ``λ·SIGReg(h ∪ h') + (1 − λ)·E||h' − (P h + C a)||²`` with a linear action
predictor (docs/guide.md, "Worlds with actions"; issue 25).

The learner of an action-conditioned world (transition ``ou_action``, pairs ``action``):
the embedding ``h = f(x)`` of the current observation and the action ``a`` predict the next
embedding ``h' = f(x')`` through a *linear* predictor, ``P`` (``m × m``) and ``C``
(``m × action_dim``), trained with the encoder (the loop's AdamW takes :meth:`parameters`). The
predictor is linear on purpose, as in Sidxah/lejepa-action-identifiability (``src/model.py``,
``LinearPredictor``: ``R̂ ẑ + B̂ a + c``, ``R̂`` with ``N(0, 1/K)`` entries, ``B̂`` from zero, no
stop-gradient on the target): the learned dynamics are matrices the metrics read
(``validation/action_metrics.py``). Unlike there, no bias: the regulariser holds ``E h`` near 0,
and at the optimum below the bias is 0. SIGReg is the same statistic as ``lejepa``'s, on both
views stacked (the peer averages it over the two views).

What the theory says about the optimum (docs/guide.md derives it): under ``E h = 0``,
``Cov h = I`` in the world ``z' = ρz + Ba + η`` with balanced noise, the smallest predictive loss
over ``h``, ``P``, ``C`` is ``tr Λ = n(1 − ρ²) − tr(BΣ_aBᵀ)``, reached exactly when ``h = Qz``
with ``Q`` orthogonal, and then ``P = ρI`` and ``C = QB`` on the span of the actions (Theorem A's
argument: averaged over the actions the pair is the OU channel, so ``Cov(h', h)`` has Frobenius
norm at most ``ρ√n``, and Stein's lemma bounds the action term by ``tr(BΣ_aBᵀ)``).

Options: ``action_dim`` (the world's own option, read here for the shape of ``C``),
``predictor_init`` (how ``P`` starts: ``gaussian``, entries ``N(0, 1/m)`` from ``predictor_seed``,
as the peer; ``identity``; ``zero``) and SIGReg's ``n_slices``, ``n_knots``, ``t_max``. ``C``
starts at zero, so an action direction that is never excited (``action_rank`` below
``action_dim``) gets no gradient from the prediction; AdamW's weight decay, where the config
sets one, still pulls it to zero.
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.lejepa import SIGREG_OPTIONS, LeJEPA


def _action_dim_option() -> Option:
    # the world's own declaration: one option, read by the transition and by this objective alike
    from lejepa_verify.numerics.transitions.ou_action import OUAction

    return next(o for o in OUAction.options if o.name == "action_dim")


PREDICTOR_INITS = ("gaussian", "identity", "zero")
PREDICTOR_OPTIONS = (
    _action_dim_option(),
    Option("predictor_init", "str", "gaussian", "how the action predictor's P starts: gaussian (entries N(0, 1/m) "
           "from predictor_seed), identity or zero; C starts at zero", choices=PREDICTOR_INITS),
    Option("predictor_seed", "int", 0, "seed of the action predictor's gaussian P", low=0, high=2**32 - 1),
)


def initial_predictor(m: int, action_dim: int, init: str, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The starting ``P`` (``m × m``) and ``C`` (``m × action_dim``, zero), float32 (module docstring)."""
    if init == "gaussian":
        P = torch.randn(m, m, generator=torch.Generator().manual_seed(int(seed))) / math.sqrt(m)
    elif init == "identity":
        P = torch.eye(m)
    else:
        P = torch.zeros(m, m)
    return P, torch.zeros(m, action_dim)


@register
class LeJEPAAction(LeJEPA):
    """λ·SIGReg + (1 − λ)·||h' − (P h + C a)||², the predictor (P, C) trained with the encoder."""

    name = "lejepa_action"
    description = "λ·SIGReg + (1 − λ)·||h' − (P h + C a)||² with a linear action predictor (worlds with actions)"
    regulariser = "sigreg"
    options = SIGREG_OPTIONS + PREDICTOR_OPTIONS
    wants = ("actions",)

    def __init__(self, *, lam: float = 0.5, n_slices: int = 16, n_knots: int = 17, t_max: float = 3.0,
                 action_dim: int = 2, predictor_init: str = "gaussian", predictor_seed: int = 0, m: int = 2,
                 device="cpu"):
        # the base class is the public boundary: every option is checked against its declaration
        from lejepa_verify.validation.objectives.base import Objective

        Objective.__init__(self, lam=lam, m=m, device=device, n_slices=n_slices, n_knots=n_knots, t_max=t_max,
                           action_dim=action_dim, predictor_init=predictor_init, predictor_seed=predictor_seed)

    def _setup(self, *, m, device, lam, n_slices, n_knots, t_max, action_dim, predictor_init, predictor_seed) -> None:
        super()._setup(m=m, device=device, lam=lam, n_slices=n_slices, n_knots=n_knots, t_max=t_max)
        self.action_dim = int(action_dim)
        self.predictor_init = str(predictor_init)
        self.predictor_seed = int(predictor_seed)
        P, C = initial_predictor(self.m, self.action_dim, self.predictor_init, self.predictor_seed)
        #: the predictor's state map P (m × m) and action map C (m × action_dim), trained with the encoder
        self.P = P.to(device).requires_grad_(True)
        self.C = C.to(device).requires_grad_(True)

    def parameters(self) -> list:
        """``[P, C]``: the loop's optimiser trains them with the encoder."""
        return [self.P, self.C]

    def predict(self, h: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """``P h + C a`` for the rows of ``h`` ``(B, m)`` and ``actions`` ``(B, action_dim)``."""
        return h @ self.P.T + actions @ self.C.T

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None, *,
                 actions: torch.Tensor | None = None):
        if actions is None:
            raise ValueError("objective 'lejepa_action' predicts h' from h and the action a: it needs the "
                             "actions of each pair (pairs 'action', transition 'ou_action')")
        if actions.shape != (h1.shape[0], self.action_dim):
            raise ValueError(f"actions must have shape ({h1.shape[0]}, {self.action_dim}) (batch × action_dim), "
                             f"got {tuple(actions.shape)}")
        prediction = (h2 - self.predict(h1, actions.to(h1.dtype))).square().sum(-1).mean()
        reg = self.penalty(torch.cat((h1, h2)), gen)
        loss = self.lam * reg + (1.0 - self.lam) * prediction
        return loss, {"alignment": prediction.detach(), self.regulariser: reg.detach()}

    @classmethod
    def batched(cls, objectives: list, h1: torch.Tensor, h2: torch.Tensor, gens: list):
        raise ValueError("objective 'lejepa_action' trains its own predictor and takes the actions of each batch: "
                         "it is trained one run at a time")
