"""The tiny training runs the validation claims share (each trained once per process, in seconds).

Eleven runs of a 2-layer MLP of width 64 (seed 0, 2048 held-out pairs, no bootstrap),
all on the authors' channel ``z' = ρz + sqrt(1 − ρ²)η`` at ρ = 0.95 (for the Gaussian latent this
is the Ornstein–Uhlenbeck channel), so that two runs differ only in what their names say:

- ``sinusoid/*``: the nonlinear mixing x = (z₁ + sin(1.5 z₂), z₂), our recipe (λ ramped to 0.08),
  400 steps: the Gaussian latent, the generalised normal α = 0.5, and the untrained encoder (1 step);
  and the Gaussian latent stopped after 25, 50, 100 and 200 steps (one world along training);
- ``identity/*``: the identity mixing with λ ramped to 0.3, which holds the Gaussian constraint
  (docs/findings.md, finding 4), 400 steps: the Gaussian latent and the generalised normal
  α = 1 and 4, and the Gaussian with the authors' weak constant λ = 1e−3, whose embedding settles
  at about 0.6 times a rotation (ε large, δ ≈ 0).

The runs are a fixed, stated set, trained by :func:`validation.trainer.train`; no store is read.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

BASE: Mapping[str, Any] = {"width": 64, "depth": 2, "eval_size": 2048, "n_bootstrap": 0, "spectrum_degree": 0,
                           "seed": 0, "transition": "authors", "rho": 0.95}

#: name → (what differs from BASE, whether the latent law is Gaussian)
RUNS: Mapping[str, tuple[Mapping[str, Any], bool]] = {
    "sinusoid/gaussian": ({"mixing": "sinusoid", "steps": 400}, True),
    "sinusoid/gennorm-0.5": ({"mixing": "sinusoid", "steps": 400, "latent": "gennorm",
                              "latent_params": {"alpha": 0.5}}, False),
    "sinusoid/untrained": ({"mixing": "sinusoid", "steps": 1}, True),
    "sinusoid/gaussian@25": ({"mixing": "sinusoid", "steps": 25}, True),
    "sinusoid/gaussian@50": ({"mixing": "sinusoid", "steps": 50}, True),
    "sinusoid/gaussian@100": ({"mixing": "sinusoid", "steps": 100}, True),
    "sinusoid/gaussian@200": ({"mixing": "sinusoid", "steps": 200}, True),
    "identity/gaussian": ({"mixing": "identity", "steps": 400, "lam": 0.3}, True),
    "identity/gennorm-1": ({"mixing": "identity", "steps": 400, "lam": 0.3, "latent": "gennorm",
                            "latent_params": {"alpha": 1.0}}, False),
    "identity/gennorm-4": ({"mixing": "identity", "steps": 400, "lam": 0.3, "latent": "gennorm",
                            "latent_params": {"alpha": 4.0}}, False),
    "identity/gaussian-weak-lambda": ({"mixing": "identity", "steps": 400, "lam": 1e-3, "lam_start": None}, True),
}


@dataclass(frozen=True)
class TinyRun:
    """One trained run: its name, whether its latent is Gaussian, its metrics and its held-out bank.

    ``z`` and ``h`` are the held-out latents and embeddings (``(2048, 2)``), the bank the planning
    claim retrieves from; ``h_next`` the embeddings of the held-out next states.
    """

    name: str
    gaussian: bool
    metrics: Any
    z: np.ndarray
    h: np.ndarray
    h_next: np.ndarray


def config(name: str):
    """The :class:`TrainConfig` of the run ``name``."""
    from lejepa_verify.theory.validate import check_choice
    from lejepa_verify.validation.config import TrainConfig

    check_choice(name, "run", tuple(RUNS))
    differs, _ = RUNS[name]
    kw = {**BASE, **differs}
    kw["eval_every"] = kw["steps"]  # one evaluation, at the end
    return TrainConfig(**kw)


@functools.lru_cache(maxsize=None)
def run(name: str) -> TinyRun:
    """Train the run ``name`` (once per process) and keep what the claims read."""
    from lejepa_verify.validation.trainer import train

    result = train(config(name), progress=False)
    arrays = {k: np.asarray(result.arrays[k], dtype=float) for k in ("z", "h", "h_next")}
    return TinyRun(name=name, gaussian=RUNS[name][1], metrics=result.metrics, **arrays)
