"""The Dirichlet route of the paper's appendix, exactly on polynomial maps (docs/theory.md §2).

- Dirichlet energy in spectral form: ``Σ_α |α| c_α² = E ||∇h||²`` under ``γ_n`` (per component;
  summed over components it is ``E ||J_h||_F²``), because ``∂_j He_α = α_j He_{α − e_j}``.
- Small-``t`` limit with ``rho = e^(−t)``: ``(1 − rho^d) / (1 − rho) = 1 + rho + … + rho^(d−1) → d``,
  so ``L(h) / (2(1 − rho)) → E ||J_h||_F²`` as ``rho → 1``.
- Gaussian Poincaré: ``E ||J_h||_F² − tr Cov h = Σ_{|α|>=2} (|α| − 1) c_α² >= 0``, with equality
  iff no energy sits at degree ``>= 2``, i.e. iff ``h`` is affine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from lejepa_verify.theory.alignment import alignment_loss, covariance_matrix
from lejepa_verify.theory.hermite import RHO, HermiteSpectrum, as_poly, check_degree, gaussian_expectation, hermite_spectrum


def dirichlet_energy(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Rational:
    """``E ||J_h(z)||_F² = Σ_i Σ_j E[(∂_j h_i)²]`` under ``N(0, I_n)``, computed directly."""
    gens = tuple(gens)
    total = sp.Integer(0)
    for comp in components:
        p = as_poly(comp, gens)
        for g in gens:
            dp = p.diff(g)
            total += gaussian_expectation(dp * dp)
    return sp.Rational(total)


def spectral_dirichlet_energy(spectrum: HermiteSpectrum, weight_shift: int = 0, weight_power: int = 1) -> sp.Rational:
    """``Σ_i Σ_α (|α|^p + weight_shift) c_{i,α}² = Σ_i Σ_d (d^p + weight_shift) E_{i,d}``.

    The true identity has ``weight_shift = 0`` and ``p = 1``; other values exist for the negative controls.
    """
    total = sp.Integer(0)
    for row in spectrum.energies:
        for d, e in enumerate(row):
            total += (d**weight_power + weight_shift) * e
    return sp.Rational(total)


def covariance_trace(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Rational:
    """``tr Cov h(z)`` under ``N(0, I_n)``."""
    return sp.Rational(covariance_matrix(components, gens).trace())


def penalty_ratio(d: int) -> sp.Poly:
    """``(1 − rho^d) / (1 − rho)`` as the polynomial it is, ``1 + rho + … + rho^(d−1)``, by exact division.

    Raises if the division leaves a remainder (it never does; the claim compares the quotient
    with the geometric sum and evaluates it at ``rho = 1``).
    """
    d = check_degree(d, "d")
    num = sp.Poly(1 - RHO**d, RHO, domain=sp.QQ)
    den = sp.Poly(1 - RHO, RHO, domain=sp.QQ)
    q, r = num.div(den)
    if not r.is_zero:
        raise ArithmeticError(f"1 − rho^{d} is not divisible by 1 − rho (remainder {r.as_expr()})")
    return q


def small_t_limit(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Rational:
    """``lim_{rho → 1} L(h) / (2(1 − rho))`` for a polynomial map, from the *direct* loss.

    ``L(h)`` is a polynomial in ``rho`` vanishing at ``rho = 1`` (then ``z' = z``), so it is
    divisible by ``1 − rho``; the limit is the quotient at ``rho = 1``.
    """
    loss = alignment_loss(components, gens)
    den = sp.Poly(2 * (1 - RHO), RHO, domain=sp.QQ)
    q, r = loss.div(den)
    if not r.is_zero:
        raise ArithmeticError(f"L(h) is not divisible by 2(1 − rho) (remainder {r.as_expr()})")
    return sp.Rational(q.eval(1))


@dataclass(frozen=True)
class PoincareComparison:
    """Both sides of the Gaussian Poincaré inequality for one polynomial map, exactly.

    ``deficit = dirichlet_energy − constant · covariance_trace`` (computed directly) and
    ``spectral_deficit = Σ_{d>=1} (d − constant) E_d`` (from the Hermite energies); the true
    inequality has ``constant = 1``.
    """

    dirichlet_energy: sp.Rational
    covariance_trace: sp.Rational
    constant: sp.Rational
    deficit: sp.Rational
    spectral_deficit: sp.Rational
    energy_above_degree_one: sp.Rational

    @property
    def affine(self) -> bool:
        """Whether the map has no energy above degree 1 (the equality case of Poincaré)."""
        return self.energy_above_degree_one == 0

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {k: str(getattr(self, k)) for k in (
            "dirichlet_energy", "covariance_trace", "constant", "deficit", "spectral_deficit",
            "energy_above_degree_one")} | {"affine": self.affine}


def poincare_comparison(components: Sequence, gens: Sequence[sp.Symbol], constant=1) -> PoincareComparison:
    """Compare ``E ||J_h||_F²`` with ``constant · tr Cov h`` (docs/theory.md §2, Gaussian Poincaré)."""
    gens = tuple(gens)
    constant = sp.Rational(constant)
    spec = hermite_spectrum(components, gens)
    energy = dirichlet_energy(components, gens)
    trace = covariance_trace(components, gens)
    spectral = sum(((d - constant) * e for row in spec.energies for d, e in enumerate(row) if d >= 1), sp.Integer(0))
    above = sum((e for row in spec.energies for d, e in enumerate(row) if d >= 2), sp.Integer(0))
    return PoincareComparison(
        dirichlet_energy=energy,
        covariance_trace=trace,
        constant=constant,
        deficit=energy - constant * trace,
        spectral_deficit=sp.Rational(spectral),
        energy_above_degree_one=sp.Rational(above),
    )
