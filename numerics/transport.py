"""Feasibility reading of the converse: the constrained optimum for a non-Gaussian latent (docs/theory.md §3).

* No linear image ``Qz`` of a non-Gaussian latent is N(0, I): :func:`rotated_gaussianity`
  measures the energy distance of ``Qz`` (``Q`` Haar-random in O(n)) to N(0, I) with its noise
  level.
* The coordinatewise monotone transport ``T = Φ⁻¹ ∘ F`` pushes ``p`` to N(0, 1), so it is
  feasible; :func:`transport_r2` is ``corr(z, T(z))²``, the population prediction for how
  linear a trained encoder can look. With ``y = T(z) ~ N(0, 1)`` and ``z = F⁻¹(Φ(y))``,
  ``R² = (E[y F⁻¹(Φ(y))])² / Var z``, integrated by composite Gauss–Legendre in ``y``.
  Uniform: ``E[y √3(2Φ(y) − 1)] = 2√3 E[φ(y)] = √(3/π)``, so ``R² = 3/π``.
* :func:`transport_alignment` is the alignment loss ``E (T(z) − T(z'))²`` of the transport
  under a transition, by Monte Carlo with its standard error.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import ndtri
from scipy.stats import ortho_group

from lejepa_verify.numerics.latents import as_law, as_rng
from lejepa_verify.numerics.transitions import _normal_nodes, quantile_coupling, sample_pairs
from lejepa_verify.numerics.twosample import TwoSampleResult, gaussian_energy_test
from lejepa_verify.theory.validate import check_int, check_rho

__all__ = [
    "RotatedGaussianity",
    "TransportAlignment",
    "gaussian_transport",
    "rotated_gaussianity",
    "transport_alignment",
    "transport_r2",
]


def gaussian_transport(law, z) -> np.ndarray:
    """``T(z) = Φ⁻¹(F(z))``, through the survival function above the median (tail accuracy).

    Outside the support of ``p`` (possible for the uniform under the authors' channel) ``T``
    is ``±inf``: the transport is only defined on the support.
    """
    law = as_law(law)
    z = np.asarray(z, dtype=float)
    med = float(law.ppf(0.5))
    with np.errstate(divide="ignore"):
        return np.where(z <= med, ndtri(law.cdf(z)), -ndtri(law.sf(z)))


def transport_r2(law) -> float:
    """``corr(z, Φ⁻¹(F(z)))²`` for the unit-variance ``law`` (3/π for the uniform, 1 for the Gaussian)."""
    law = as_law(law)
    y, w = _normal_nodes(n_panels=400, order=8, y_max=9.0)
    z = quantile_coupling(law, y)
    w = w / w.sum()
    zc = z - np.sum(w * z)
    yc = y - np.sum(w * y)
    return float(np.sum(w * yc * zc) ** 2 / (np.sum(w * zc * zc) * np.sum(w * yc * yc)))


@dataclass(frozen=True)
class TransportAlignment:
    """``E (T(z) − T(z'))²`` of the transport under ``transition`` with its standard error.

    ``gaussian_optimum = 2(1 − ρ)``: the Gaussian world's optimal loss at the same ρ
    (Theorem A), for scale. ``outside_support``: the fraction of pairs left out because ``z'``
    fell outside the support of ``p`` (where ``T`` is not defined).
    """

    law: str
    transition: str
    rho: float
    n_pairs: int
    loss: float
    stderr: float
    gaussian_optimum: float
    outside_support: float

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return asdict(self)


def transport_alignment(law, transition: str, rho: float, *, n_pairs: int = 20_000, seed: int = 0) -> TransportAlignment:
    """Monte Carlo alignment loss of ``T = Φ⁻¹∘F`` under ``transition`` (1-D pairs)."""
    law = as_law(law)
    n_pairs = check_int(n_pairs, "n_pairs", 10)
    rho = float(check_rho(rho))
    z, zn = sample_pairs(law, transition, rho, n_pairs, 1, seed=seed)
    a, b = gaussian_transport(law, z[:, 0]), gaussian_transport(law, zn[:, 0])
    ok = np.isfinite(a) & np.isfinite(b)
    d2 = (a[ok] - b[ok]) ** 2
    return TransportAlignment(
        law=law.label, transition=transition, rho=rho, n_pairs=int(ok.sum()),
        loss=float(d2.mean()), stderr=float(d2.std(ddof=1) / math.sqrt(d2.size)),
        gaussian_optimum=2 * (1 - rho), outside_support=float(1 - ok.mean()),
    )


@dataclass(frozen=True)
class RotatedGaussianity:
    """Energy distance of ``Qz`` to N(0, I_n) for a Haar-random ``Q`` (iid coordinates of ``law``).

    ``excess = (statistic − null_mean)`` with error bar ``null_std``: positive beyond the error
    bar when ``Qz`` is not Gaussian. ``p_value`` from the permutation null.
    """

    law: str
    dim: int
    n_samples: int
    test: TwoSampleResult

    @property
    def excess(self) -> float:
        """Energy statistic minus its permutation-null mean (about 0 when ``Qz`` is N(0, I))."""
        return self.test.statistic - self.test.null_mean

    @property
    def error_bar(self) -> float:
        """Standard deviation of the energy statistic under the permutation null."""
        return self.test.null_std

    @property
    def p_value(self) -> float:
        """Permutation p-value of the energy test."""
        return self.test.p_value

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"law": self.law, "dim": self.dim, "n_samples": self.n_samples, "excess": self.excess,
                "error_bar": self.error_bar, "p_value": self.p_value, "test": self.test.to_dict()}


def rotated_gaussianity(law, dim: int = 2, *, n_samples: int = 1500, permutations: int = 200,
                        seed: int = 0) -> RotatedGaussianity:
    """Is ``Qz`` N(0, I)? ``z`` has ``dim`` iid coordinates of ``law``; ``Q`` is Haar on O(dim)."""
    law = as_law(law)
    dim = check_int(dim, "dim", 1, 1024)
    n_samples = check_int(n_samples, "n_samples", 10, 6000)
    rng = as_rng(seed)
    z = law.sample((n_samples, dim), seed=rng)
    q = ortho_group.rvs(dim, random_state=rng) if dim > 1 else np.array([[1.0 if rng.random() < 0.5 else -1.0]])
    test = gaussian_energy_test(z @ q.T, permutations=permutations, seed=rng)
    return RotatedGaussianity(law=law.label, dim=dim, n_samples=n_samples, test=test)
