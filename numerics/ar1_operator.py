"""The Markov operator of an exact AR(1) chain in the orthonormal polynomials of its law (docs/theory.md §3).

For ``z' = ρz + ε`` (``ε`` independent of ``z``, ``p`` stationary), ``(Tf)(z) = E f(ρz + ε)``.
On monomials ``T zᵏ = Σ_j C(k, j) ρʲ E[ε^{k−j}] zʲ``, so ``T`` maps polynomials of degree ``≤ d``
into themselves with ``T zᵈ = ρᵈ zᵈ + lower``. In the orthonormal polynomials ``φ₀, φ₁, …`` of
``L²(p)`` (from the Cholesky factor ``H = LLᵀ`` of the Hankel moment matrix
``H_ij = E z^{i+j}``) the Galerkin matrix ``G_ab = ⟨φ_a, Tφ_b⟩ = E[φ_a(z) φ_b(z')]`` equals
``Lᵀ U L^{−T}`` with ``U`` the monomial matrix above: upper triangular with diagonal ``ρᵈ``.
The adjoint in ``L²(p)`` has matrix ``Gᵀ``; the chain is time-reversible iff ``G = Gᵀ``.

Alignment of a unit-variance, mean-zero ``f`` sees ``E f(z)f(z') = ⟨f, Tf⟩ = ⟨f, Sf⟩`` with the
symmetrised ``S = (T + T*)/2``. Its top mean-zero eigenfunction maximises that correlation.
HYPOTHESIS (docs/theory.md §3): that eigenfunction is nonlinear exactly when ``p`` is non-Gaussian.
This module computes it (Rayleigh–Ritz on polynomials of degree ``≤ D``, reported for every
``D`` so that convergence is visible) and reports what it finds.

FINDINGS (see the tests). Gaussian: ``G`` is diagonal, ``S = T``, top eigenfunction ``z``.
Laplace: the Rayleigh–Ritz value exceeds ρ from degree 3 on (so the linear ``f = z`` is *not*
optimal), but it is still rising at degree 30 (ρ = 0.5: 0.5150 at D = 3, 0.5286 at D = 13,
0.5324 at D = 28): whether ``S`` has a top eigenfunction is not settled numerically.
Uniform with ρ = 1/k: the backward step is deterministic, ``z = σ(z') = k(z' − c(z'))`` with
``c(z')`` the centre of the cell holding ``z'``, so ``T*f = f∘σ`` is an isometry (a
unilateral shift on mean-zero functions) and the top of the spectrum of ``S`` is **1, not an
eigenvalue**: there is no top eigenfunction, the Galerkin values creep up towards 1 and the
truncated eigenvector changes parity with ``D``. :func:`uniform_backward_witness` gives the
explicit functions ``f_N = Σ_{n<N} σⁿ(z)`` whose Rayleigh quotient tends to 1.

Chains: Gaussian (OU), Laplace (``ε = 0`` w.p. ρ², else Laplace), uniform with ``ρ = 1/k``
(``ε`` on ``k`` points); see :mod:`numerics.transitions`. The moment algebra runs in 80-digit
``mpmath`` arithmetic (``40 + 6D`` digits) on the unscaled shapes (N(0,1), Laplace with b = 1, uniform on [−1, 1]):
``G`` does not depend on the scale, and the Hankel matrices are too ill-conditioned for
doubles at the degrees used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from lejepa_verify.numerics.latents import CUSTOM_LAW, AR1Chain, LatentLaw, as_law, latent_law, registered_laws
from lejepa_verify.numerics.latents.uniform import uniform_k
from lejepa_verify.theory.validate import check_int, check_rho

__all__ = ["AR1Operator", "ar1_galerkin", "AR1_LAWS", "uniform_backward_witness"]


def _own_chain(name: str) -> bool:
    """Does the family ``name`` (default parameters) have an exact chain named after itself?"""
    chain = latent_law(name).ar1_chain
    return chain is not None and chain.name == name


# the families whose own law has an exact chain (gennorm reaches them at alpha = 1 and 2)
AR1_LAWS = tuple(name for name in registered_laws() if name != CUSTOM_LAW and _own_chain(name))


def _chain(law: LatentLaw) -> AR1Chain:
    chain = law.ar1_chain
    if chain is None:
        raise ValueError(
            f"law {law.label} has no exact AR(1) chain here; laws with one: gaussian (and gennorm alpha=2, "
            f"gaussian_mixture separation=0), laplace (and gennorm alpha=1), uniform"
        )
    return chain


@dataclass(frozen=True)
class AR1Operator:
    """Galerkin matrix of an AR(1) transition and the spectrum of its symmetrised part.

    ``galerkin``: ``G`` of shape ``(D+1, D+1)``. ``lower_defect = max_{a>b} |G_ab|`` and
    ``diagonal_defect = max_d |G_dd − ρᵈ|`` (both 0 up to rounding: degree ≤ d is invariant).
    ``reversibility_defect = ||G − Gᵀ||_F``. ``top_eigenvalue`` is the largest eigenvalue of
    ``S = (G + Gᵀ)/2`` on mean-zero polynomials (≥ ρ, the value of the linear ``f = z``);
    ``top_eigenvector`` its coefficients on ``φ₁ … φ_D``; ``nonlinearity = 1 − (coefficient on
    φ₁)² = 1 − corr(f, z)²``. ``convergence`` holds ``(d, top_eigenvalue, nonlinearity)`` for
    ``d = 1 … D``.
    """

    law: str
    rho: float
    degree: int
    galerkin: np.ndarray
    lower_defect: float
    diagonal_defect: float
    reversibility_defect: float
    top_eigenvalue: float
    nonlinearity: float
    top_eigenvector: np.ndarray
    convergence: tuple[tuple[int, float, float], ...]
    coefficients: np.ndarray  # rows: φ_a in monomials of the unit-variance z
    is_gaussian: bool

    @property
    def excess_over_linear(self) -> float:
        """``top_eigenvalue − ρ``: a Rayleigh–Ritz lower bound on how much a nonlinear ``f`` beats ``z``."""
        return self.top_eigenvalue - self.rho

    @property
    def last_increment(self) -> float:
        """Rise of the top eigenvalue over the last two degrees: how far from converged it is."""
        if len(self.convergence) < 3:
            return math.nan
        return self.convergence[-1][1] - self.convergence[-3][1]

    def top_eigenfunction(self, z) -> np.ndarray:
        """The top mean-zero eigenfunction of ``S`` at ``z`` (unit-variance scale, ``E f² = 1``)."""
        z = np.asarray(z, dtype=float)
        phi = np.polynomial.polynomial.polyval(z, self.coefficients[1:].T)
        return np.tensordot(self.top_eigenvector, phi, axes=1)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "law": self.law, "rho": self.rho, "degree": self.degree,
            "lower_defect": self.lower_defect, "diagonal_defect": self.diagonal_defect,
            "reversibility_defect": self.reversibility_defect, "top_eigenvalue": self.top_eigenvalue,
            "nonlinearity": self.nonlinearity, "excess_over_linear": self.excess_over_linear,
            "last_increment": self.last_increment, "convergence": [list(c) for c in self.convergence],
            "is_gaussian": self.is_gaussian,
        }


def _top(sym: np.ndarray, d: int) -> tuple[float, np.ndarray]:
    vals, vecs = np.linalg.eigh(sym[1 : d + 1, 1 : d + 1])
    v = vecs[:, -1]
    return float(vals[-1]), v if v[0] >= 0 else -v


def ar1_galerkin(law, rho: float, degree: int = 12) -> AR1Operator:
    """The Galerkin matrix of the exact AR(1) chain of ``law`` on polynomials of degree ≤ ``degree``.

    Raises ``ValueError`` for a law without an exact chain (listing those with one), ``rho``
    outside (0, 1) or, for the uniform law, ``rho`` not of the form ``1/k``.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    degree = check_int(degree, "degree", 1, 30)
    chain = _chain(law)
    chain.check_rho(rho)
    with mpmath.workdps(40 + 6 * degree):
        r = chain.exact_rho(rho)
        n = degree
        m, e = chain.shape_moments(r, 2 * n)
        H = mpmath.matrix(n + 1, n + 1)
        U = mpmath.matrix(n + 1, n + 1)
        for i in range(n + 1):
            for j in range(n + 1):
                H[i, j] = m[i + j]
                if j <= i:
                    U[j, i] = mpmath.binomial(i, j) * r**j * e[i - j]
        L = mpmath.cholesky(H)
        Linv = mpmath.inverse(L)
        G = L.T * U * Linv.T
        sigma = mpmath.sqrt(m[2])  # the shape's standard deviation: z_shape = sigma * z_unit
        coef = np.array([[float(Linv[a, i] * sigma**i) for i in range(n + 1)] for a in range(n + 1)])
        g = np.array(G.tolist(), dtype=float)
    lower = float(np.max(np.abs(np.tril(g, -1)))) if n > 0 else 0.0
    diag = float(np.max(np.abs(np.diag(g) - rho ** np.arange(n + 1))))
    sym = 0.5 * (g + g.T)
    conv = []
    for d in range(1, n + 1):
        lam, v = _top(sym, d)
        conv.append((d, lam, float(max(0.0, 1.0 - v[0] ** 2))))
    lam, v = _top(sym, n)
    return AR1Operator(
        law=law.label, rho=rho, degree=n, galerkin=g, lower_defect=lower, diagonal_defect=diag,
        reversibility_defect=float(np.linalg.norm(g - g.T)), top_eigenvalue=lam,
        nonlinearity=conv[-1][2], top_eigenvector=v, convergence=tuple(conv), coefficients=coef,
        is_gaussian=law.is_gaussian,
    )


def uniform_backward_witness(rho: float, n_terms: int) -> float:
    """``E[f(z) f(z')] / E[f(z)²]`` for ``f = Σ_{n<N} σⁿ`` in the uniform chain with ``ρ = 1/k``.

    Along the backward orbit ``x_n = σⁿ(z')`` the digits are independent, so
    ``E[x_i x_j] = ρ^{|i−j|} E z²``; with ``f(z') = Σ_{n<N} x_n`` and ``f(z) = Σ_{1≤n≤N} x_n``
    the quotient is ``Σ_{i<N, 1≤j≤N} ρ^{|i−j|} / Σ_{i,j<N} ρ^{|i−j|}``, which tends to 1 as
    ``N → ∞``: the symmetrised operator's spectrum reaches 1 (module docstring).
    """
    rho = float(check_rho(rho))
    uniform_k(rho)
    n_terms = check_int(n_terms, "n_terms", 1, 10**5)
    i = np.arange(n_terms)
    num = rho ** np.abs(i[:, None] - (i[None, :] + 1))
    den = rho ** np.abs(i[:, None] - i[None, :])
    return float(num.sum() / den.sum())
