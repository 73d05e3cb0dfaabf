"""Analytic perturbation families for the bound of Prop 4.3, computed without sampling (THEORY.md §4).

Each family is a one-parameter path ``a ↦ h_a`` from the exact recovery ``h_0 = Qz`` (or
close to it) in the Gaussian world. Every population quantity of the proposition is computed
by Gauss–Hermite quadrature (exact for the polynomial families):

* ``degree2``: ``h = sqrt(1 − a²) Qz + a v(z)``, ``v_i = (z_i² − 1)/√2`` (normalised ``He_2``).
  Closed forms: ``Cov h = I`` so ``ε = 0``; ``δ = 2 n a² ρ(1 − ρ)``, ``D = n a²``;
  ``E||h − Qz||² = n(1 − sqrt(1 − a²))² + n a²``; bound ``n a² + n² a⁴``.
* ``scale``: ``h = s Qz`` with ``s = 1 + a``. ``ε = sqrt(n) |s² − 1|``, ``δ = D = 0``,
  ``E||h − Qz||² = n (s − 1)²``; bound ``n (s² − 1)²``.
* ``radial``: the Gaussian-preserving radial rotation ``R(a π ||z||) z`` (``a = 1``: the
  spiral); ``ε = 0``, all the error is nonlinear energy.
* ``tanh``: ``h_i = tanh(a z_i) / sd`` coordinatewise, unit variance, ``ε = 0`` (``a → 0``:
  linear).

The error ``E||h − Qz||²`` is integrated directly (not through the Pythagorean split, which is
one of the claims under test); ``Q`` is the polar factor of ``M = E[h zᵀ]``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from lejepa_verify.numerics.alignment import alignment_loss
from lejepa_verify.numerics.bounds import bound_value, polar_factor
from lejepa_verify.numerics.maps import make_map, random_orthogonal
from lejepa_verify.numerics.quadrature import tensor_rule
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["FAMILIES", "FamilyPoint", "family_map", "perturbation_family", "closed_form"]

FAMILIES = ("degree2", "scale", "radial", "tanh")
_NODES = {1: 80, 2: 48}


@dataclass(frozen=True)
class FamilyPoint:
    """Population values of Prop 4.3 for one member ``h_a`` of a family."""

    family: str
    a: float
    n: int
    rho: float
    epsilon: float
    delta: float
    D: float
    bound: float
    error: float

    @property
    def tightness(self) -> float:
        """``error / bound`` (``nan`` when both vanish)."""
        return self.error / self.bound if self.bound > 0 else float("nan")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["tightness"] = self.tightness
        return d


def family_map(family: str, a: float, n: int = 2, *, seed: int = 0):
    """The map ``h_a`` of a family (an (N, n) → (N, n) callable) and the rotation ``Q`` it starts from."""
    check_choice(family, "family", FAMILIES)
    n = check_int(n, "n", 1, 2)
    a = float(a)
    if not np.isfinite(a):
        raise ValueError(f"a must be finite, got {a}")
    Q = random_orthogonal(n, seed)
    if family == "degree2":
        if not 0.0 <= a <= 1.0:
            raise ValueError(f"a must lie in [0, 1] for family 'degree2', got {a}")
        c = np.sqrt(1.0 - a * a)
        return (lambda z: c * z @ Q.T + a * (z ** 2 - 1.0) / np.sqrt(2.0)), Q
    if family == "scale":
        if a <= -1.0:
            raise ValueError(f"a must be > -1 for family 'scale' (s = 1 + a > 0), got {a}")
        return (lambda z: (1.0 + a) * z @ Q.T), Q
    if family == "radial":
        if n != 2:
            raise ValueError(f"family 'radial' needs n = 2, got n = {n}")
        if a == 0.0:
            return (lambda z: z @ Q.T), Q
        rot = make_map("radial_rotation", 2, turns=a)
        return (lambda z: rot(z) @ Q.T), Q
    if a <= 0.0:
        raise ValueError(f"a must be > 0 for family 'tanh', got {a}")
    x, w = tensor_rule(1, 200).points[:, 0], tensor_rule(1, 200).weights
    sd = float(np.sqrt(w @ np.tanh(a * x) ** 2))
    return (lambda z: np.tanh(a * z) @ Q.T / sd), Q


def perturbation_family(family: str, a_values: Sequence[float], n: int = 2, rho: float = 0.95, *,
                        seed: int = 0) -> list[FamilyPoint]:
    """ε, δ, D, the bound and the error ``E||h_a − Q_a z||²`` for each ``a``, by quadrature."""
    check_choice(family, "family", FAMILIES)
    n = check_int(n, "n", 1, 2)
    rho = float(check_rho(rho))
    rule = tensor_rule(n, _NODES[n])
    z, w = rule.points, rule.weights
    out = []
    for a in a_values:
        h, _ = family_map(family, a, n, seed=seed)
        hz = h(z)
        mean = w @ hz
        cov = (hz * w[:, None]).T @ hz - np.outer(mean, mean)
        M = (hz * w[:, None]).T @ z
        Q = polar_factor(M)
        error = float(w @ np.sum((hz - z @ Q.T) ** 2, axis=1))
        L = alignment_loss(h, n, rho, method="quadrature").value
        epsilon = float(np.linalg.norm(cov - np.eye(n)))
        delta = float(L - 2 * (1 - rho) * np.trace(cov))
        D, bound = bound_value(epsilon, max(delta, 0.0), rho)
        out.append(FamilyPoint(family, float(a), n, rho, epsilon, delta, D, bound + float(mean @ mean), error))
    return out


def closed_form(family: str, a: float, n: int = 2, rho: float = 0.95) -> dict:
    """The exact values for the polynomial families ``degree2`` and ``scale`` (module docstring)."""
    check_choice(family, "family", ("degree2", "scale"))
    rho = float(check_rho(rho))
    if family == "degree2":
        D = n * a * a
        return {"epsilon": 0.0, "delta": 2 * n * a * a * rho * (1 - rho), "D": D,
                "bound": D + D * D, "error": n * (1 - np.sqrt(1 - a * a)) ** 2 + n * a * a}
    s = 1.0 + a
    eps = np.sqrt(n) * abs(s * s - 1)
    return {"epsilon": eps, "delta": 0.0, "D": 0.0, "bound": eps * eps, "error": n * (s - 1) ** 2}
