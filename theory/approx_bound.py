"""Approximate identifiability (paper's Prop 4.3), each step of docs/theory.md §4 checked exactly.

For ``h`` with ``E h = 0`` write ``ε = ||Cov h − I||_F``, ``δ = L(h) − 2(1 − ρ) tr Cov h``,
``D = δ / (2ρ(1 − ρ))``, ``M = E[h(z) zᵀ]`` and ``Q`` the polar factor of ``M``. The bound is

    E||h(z) − Qz||² ≤ D + (ε + D)²          (plus ||E h||² when the mean is not zero),

reached through five steps, each a function here:

1. gap:          ``ρ − ρ^d ≥ ρ − ρ²`` for ``d ≥ 2`` on ``0 < ρ < 1``, hence ``W_nl ≤ D``
                 (:func:`gap_inequality`);
2. split:        ``Cov h = M Mᵀ + N`` with ``N`` the Gram matrix of the nonlinear Hermite
                 coefficients, so ``N ⪰ 0`` and ``tr N = W_nl`` (:func:`polynomial_map_summary`);
3. polar:        ``||M − Q||_F ≤ ||M Mᵀ − I||_F`` (:func:`polar_bound`), via
                 ``|σ − 1| ≤ |σ² − 1|`` for ``σ ≥ 0`` (:func:`sigma_inequality`), and
                 ``||N||_F ≤ tr N`` for ``N ⪰ 0`` (:func:`frobenius_le_trace`);
4. Pythagoras:   ``E||h − Qz||² = ||M − Q||_F² + W_nl`` (:func:`pythagorean_split`);
5. monotone:     ``t ↦ t + (ε + t)²`` increases on ``t ≥ 0`` when ``ε ≥ 0``
                 (:func:`monotonicity`); the assembled bound is :func:`approximate_bound`.

Everything is exact: rational matrices, rational orthogonal matrices from the Cayley transform
(:mod:`theory.polymaps`), polynomial maps whose Gaussian expectations come from the moments
``E z^(2m) = (2m − 1)!!`` and whose Hermite projections come from :mod:`theory.hermite`; the
alignment loss is the direct one of :mod:`theory.alignment`, evaluated at a rational ``ρ``.
An inequality between polynomials on an interval is *certified* by the package's one certifier,
:func:`theory.positivity.check_nonnegative` (the interval moved onto [0, 1], Bernstein
coefficients); when the certificate fails, a rational witness where the inequality is violated is
searched for, so a false variant is refuted by a counterexample, not merely left unproved.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

import sympy as sp

from lejepa_verify.theory import alignment
from lejepa_verify.theory.hermite import (
    RHO,
    as_poly,
    gaussian_expectation,
    hermite_he,
    hermite_multi,
    latent_symbols,
    multi_factorial,
    multi_indices,
)
from lejepa_verify.theory.polymaps import MAX_MATRIX_SIZE, random_cayley_orthogonal
# the package's one certifier lives in theory.positivity; these names stay importable from here
from lejepa_verify.theory.positivity import InequalityCheck, check_nonnegative  # noqa: F401
from lejepa_verify.theory.validate import as_fraction, check_int, check_rho

#: Largest degree for which the gap inequality is certified (a polynomial of that degree in ρ).
MAX_GAP_DEGREE = 200

#: Largest polynomial degree for the exact polynomial-map computations.
MAX_MAP_DEGREE = 6


# --------------------------------------------------------------------------- step 1: the gap


def gap_inequality(d: int, reference_degree: int = 2, constant=1) -> InequalityCheck:
    """``ρ − ρ^d ≥ c(ρ − ρ^r)`` on ``0 ≤ ρ ≤ 1`` with ``r = reference_degree`` (docs/theory.md §4 step 1).

    With ``c = 1`` the difference is ``ρ^r − ρ^d``; with ``r = 2`` it is ``ρ²(1 − ρ^(d−2)) ≥ 0`` for
    every ``d ≥ 2``: the excess alignment cost of degree ``d`` is at least the spectral gap
    ``ρ(1 − ρ)``. A larger ``r``, a constant ``c > 1`` or the degree ``d = 1`` make it false.
    """
    d = check_int(d, "d", 1, MAX_GAP_DEGREE)
    r = check_int(reference_degree, "reference_degree", 2, MAX_GAP_DEGREE)
    c = sp.Rational(as_fraction(constant, "constant"))
    return check_nonnegative(
        RHO - RHO**d - c * (RHO - RHO**r), RHO, 0, 1,
        statement=f"rho - rho^{d} >= {'' if c == 1 else str(c) + '·'}(rho - rho^{r}) on [0, 1]"
    )


def nonlinear_energy_bound(max_degree: int, reference_degree: int = 2) -> tuple[bool, sp.Expr]:
    """``δ − 2ρ(1 − ρ) W_nl = 2 Σ_{d≥2} (ρ² − ρ^d) E_d`` with symbolic energies ``E_d ≥ 0``.

    With ``δ = 2 Σ_{d≥2} (ρ − ρ^d) E_d`` (the degree-1 part cancels against
    ``2(1 − ρ) tr Cov``) and ``W_nl = Σ_{d≥2} E_d``. Returns whether the difference, written with
    the reference gap ``ρ − ρ^r``, is a sum of (certified non-negative coefficient) × (energy),
    i.e. ``W_nl ≤ δ / (2(ρ − ρ^r))``, and the difference itself.
    """
    max_degree = check_int(max_degree, "max_degree", 2, MAX_GAP_DEGREE)
    r = check_int(reference_degree, "reference_degree", 2, MAX_GAP_DEGREE)
    energies = sp.symbols(f"E_2:{max_degree + 1}", nonnegative=True)
    delta = 2 * sum((RHO - RHO**d) * e for d, e in zip(range(2, max_degree + 1), energies))
    w_nl = sum(energies)
    difference = sp.expand(delta - 2 * (RHO - RHO**r) * w_nl)
    ok = all(
        gap_inequality(d, r).holds and sp.expand(difference.coeff(e) - 2 * (RHO**r - RHO**d)) == 0
        for d, e in zip(range(2, max_degree + 1), energies)
    )
    return ok, difference


# --------------------------------------------------------------------------- step 3: scalar lemma

SIGMA = sp.Symbol("sigma", real=True)


def sigma_inequality(scale=1, lower=0, power: int = 1) -> tuple[InequalityCheck, InequalityCheck, bool]:
    """``|σ − 1| ≤ scale·|σ² − 1|^power`` for ``σ ≥ lower``, split at ``σ = 1`` where the signs change.

    On ``[lower, 1]`` (``lower ≥ −1``, where ``σ² ≤ 1``): ``scale(1 − σ²)^power − (1 − σ)``; on
    ``[1, ∞)``: ``scale(σ² − 1)^power − (σ − 1)``. With ``scale = 1``, ``power = 1`` and ``lower = 0``
    both equal ``σ|σ − 1| ≥ 0``, from the factorisation ``|σ² − 1| = |σ − 1|(σ + 1)``, which is also
    returned as checked (third item).
    """
    scale = sp.Rational(as_fraction(scale, "scale"))
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    lower = as_fraction(lower, "lower")
    if not -1 <= lower < 1:
        raise ValueError(f"lower must lie in [-1, 1), got {lower}")
    power = check_int(power, "power", 1, 4)
    below = check_nonnegative(scale * (1 - SIGMA**2) ** power - (1 - SIGMA), SIGMA, lower, 1,
                              statement=f"|s-1| <= {scale}|s^2-1|^{power} on [{lower}, 1]")
    above = check_nonnegative(scale * (SIGMA**2 - 1) ** power - (SIGMA - 1), SIGMA, 1, None,
                              statement=f"|s-1| <= {scale}|s^2-1|^{power} on [1, oo)")
    s_real = sp.Symbol("s_real", real=True)
    factorised = sp.factor(s_real**2 - 1) == (s_real - 1) * (s_real + 1)
    return below, above, bool(factorised)


# --------------------------------------------------------------------------- matrix lemmas


def _fro2(A: sp.Matrix) -> sp.Expr:
    """Squared Frobenius norm ``Σ_ij A_ij²``."""
    return sum((a**2 for a in A), sp.Integer(0))


@dataclass(frozen=True)
class FrobeniusTraceCheck:
    """``||N||_F ≤ tr N`` decided exactly as ``tr N ≥ 0`` and ``(tr N)² ≥ tr(N²)``."""

    size: int
    trace: sp.Rational
    frobenius_sq: sp.Rational
    principal_minors_nonnegative: bool
    identity_holds: bool

    @property
    def holds(self) -> bool:
        """Whether ``tr N >= 0`` and ``(tr N)² >= ||N||_F²`` (so ``||N||_F <= tr N``)."""
        return self.trace >= 0 and self.trace**2 >= self.frobenius_sq

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"size": self.size, "trace": str(self.trace), "frobenius_sq": str(self.frobenius_sq),
                "principal_minors_nonnegative": self.principal_minors_nonnegative,
                "identity_holds": self.identity_holds, "holds": self.holds}


def frobenius_le_trace(N: sp.Matrix) -> FrobeniusTraceCheck:
    """Check ``||N||_F ≤ tr N`` for a symmetric rational ``N`` (docs/theory.md §4 step 3).

    Proof checked alongside: ``(tr N)² − tr(N²) = 2 Σ_{i<j} (N_ii N_jj − N_ij²)``, twice the sum of
    the 2×2 principal minors, each ``≥ 0`` when ``N ⪰ 0`` (in eigenvalues: ``(Σλ)² − Σλ² =
    2 Σ_{i<j} λ_i λ_j ≥ 0`` for ``λ ≥ 0``). ``principal_minors_nonnegative`` reports the
    minors; ``identity_holds`` the identity, on this ``N``.
    """
    N = sp.Matrix(N)
    n = check_int(N.rows, "N.rows", 1, MAX_MATRIX_SIZE)
    if N.cols != n or N != N.T:
        raise ValueError(f"N must be a symmetric square matrix, got shape {N.shape}")
    tr = N.trace()
    fro2 = _fro2(N)
    minors = [N[i, i] * N[j, j] - N[i, j] ** 2 for i in range(n) for j in range(i + 1, n)]
    identity = sp.expand(tr**2 - (N * N).trace() - 2 * sum(minors, sp.Integer(0))) == 0
    return FrobeniusTraceCheck(size=n, trace=tr, frobenius_sq=fro2,
                               principal_minors_nonnegative=all(m >= 0 for m in minors),
                               identity_holds=bool(identity))


def eigenvalue_form_of_trace_lemma(n: int) -> bool:
    """``(Σ λ_i)² − Σ λ_i² = 2 Σ_{i<j} λ_i λ_j`` symbolically: a polynomial with non-negative
    coefficients, hence ``≥ 0`` for ``λ ≥ 0``."""
    n = check_int(n, "n", 1, MAX_MATRIX_SIZE)
    lam = sp.symbols(f"lambda_1:{n + 1}", nonnegative=True)
    poly = sp.Poly(sp.expand(sum(lam) ** 2 - sum(l**2 for l in lam)), *lam) if n > 1 else None
    return poly is None or all(c >= 0 for c in poly.coeffs())


# --------------------------------------------------------------------------- step 3: polar factor


@dataclass(frozen=True)
class PolarBoundCheck:
    """``||M − Q||_F² ≤ ||M Mᵀ − I||_F²`` for ``M = U diag(σ) Vᵀ`` and a candidate ``Q``."""

    singular_values: tuple
    lhs_sq: sp.Rational
    rhs_sq: sp.Rational
    q_orthogonal: bool
    qtm_symmetric_psd: bool

    @property
    def holds(self) -> bool:
        """Whether ``||M − Q||_F² <= ||M Mᵀ − I||_F²`` held exactly."""
        return self.lhs_sq <= self.rhs_sq

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"singular_values": [str(s) for s in self.singular_values], "lhs_sq": str(self.lhs_sq),
                "rhs_sq": str(self.rhs_sq), "q_orthogonal": self.q_orthogonal,
                "qtm_symmetric_psd": self.qtm_symmetric_psd, "holds": self.holds}


def _is_psd_symmetric(A: sp.Matrix) -> bool:
    """Exact test of ``A = Aᵀ ⪰ 0``: all principal minors ``≥ 0`` (Sylvester for semidefinite)."""
    if A != A.T:
        return False
    n = A.rows
    return all(A.extract(list(idx), list(idx)).det() >= 0
               for k in range(1, n + 1) for idx in combinations(range(n), k))


def polar_bound(U: sp.Matrix, sigma: Sequence, V: sp.Matrix, factor: str = "polar") -> PolarBoundCheck:
    """``||M − Q||_F ≤ ||M Mᵀ − I||_F`` for ``M = U diag(σ) Vᵀ`` (docs/theory.md §4 step 3).

    ``factor="polar"`` uses ``Q = U Vᵀ``, the polar factor (verified independently: ``Q`` is
    orthogonal and ``Qᵀ M`` is symmetric positive semidefinite, which characterises it);
    ``factor="left"`` uses ``Q = U``, an orthogonal matrix that is *not* the polar factor. Both
    sides are computed entrywise from ``M``, not from ``σ``.
    """
    U, V = sp.Matrix(U), sp.Matrix(V)
    n = check_int(U.rows, "U.rows", 1, MAX_MATRIX_SIZE)
    sig = [sp.Rational(as_fraction(s, "sigma")) for s in sigma]
    if len(sig) != n or any(s < 0 for s in sig):
        raise ValueError(f"sigma must hold {n} non-negative rationals, got {list(sigma)}")
    for name, W in (("U", U), ("V", V)):
        if W.shape != (n, n) or W.T * W != sp.eye(n):
            raise ValueError(f"{name} must be an orthogonal {n}x{n} matrix")
    if factor not in ("polar", "left"):
        raise ValueError(f"unknown factor {factor!r}; valid choices: polar, left")
    M = U * sp.diag(*sig) * V.T
    Q = U * V.T if factor == "polar" else U
    return PolarBoundCheck(
        singular_values=tuple(sig),
        lhs_sq=_fro2(M - Q),
        rhs_sq=_fro2(M * M.T - sp.eye(n)),
        q_orthogonal=bool(Q.T * Q == sp.eye(n)),
        qtm_symmetric_psd=_is_psd_symmetric(Q.T * M),
    )


# --------------------------------------------------------------------------- Gaussian polynomials


def nonlinear_coefficients(h: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> dict:
    """Normalised Hermite coefficients ``c_{i,α} = E[h_i He_α] / sqrt(α!)`` for ``|α| ≥ 2``.

    Returned as the squared-norm-preserving pair ``{α: (E[h_i He_α])_i, α!}`` so that
    ``c_α c_αᵀ = v vᵀ / α!`` stays rational. Each entry is a Gaussian projection (a raw moment
    of ``h_i He_α``), not read off a change of basis.
    """
    variables = tuple(variables)
    polys = [as_poly(c, variables) for c in h]
    deg = check_int(max(p.total_degree() for p in polys), "degree of h", 0, MAX_MAP_DEGREE)
    out = {}
    for alpha in multi_indices(len(variables), deg):
        if sum(alpha) >= 2:
            he = hermite_multi(alpha, variables)
            vec = sp.Matrix([gaussian_expectation(p * he) for p in polys])
            if any(v != 0 for v in vec):
                out[alpha] = (vec, multi_factorial(alpha))
    return out


@dataclass(frozen=True)
class MapSummary:
    """Exact second-order summary of a polynomial map ``h`` under ``z ~ N(0, I)``.

    ``mean``, ``cov`` (covariance), ``M = E[h zᵀ]``, ``N`` (Gram of the nonlinear Hermite
    coefficients) and ``W_nl = Σ_{|α|≥2} ||c_α||²``.
    """

    mean: sp.Matrix
    cov: sp.Matrix
    M: sp.Matrix
    N: sp.Matrix
    w_nl: sp.Expr

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {k: str(getattr(self, k).tolist()) if isinstance(getattr(self, k), sp.MatrixBase)
                else str(getattr(self, k)) for k in ("mean", "cov", "M", "N", "w_nl")}


def polynomial_map_summary(h: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> MapSummary:
    """Mean, covariance, degree-1 block and nonlinear Gram matrix of a polynomial map (step 2).

    ``Cov`` comes from raw moments (:func:`theory.alignment.covariance_matrix`);
    ``N = Σ_{|α|≥2} c_α c_αᵀ`` from Hermite projections, so ``Cov = M Mᵀ + N`` is a checkable
    identity (cross-degree orthogonality), not a definition.
    """
    h = [sp.expand(c) for c in h]
    n = len(variables)
    mean = alignment.mean_vector(h, variables)
    cov = alignment.covariance_matrix(h, variables)
    M = sp.Matrix(len(h), n, lambda i, j: gaussian_expectation(h[i] * variables[j], variables))
    N = sp.zeros(len(h), len(h))
    w_nl = sp.Integer(0)
    for vec, fact in nonlinear_coefficients(h, variables).values():
        N += vec * vec.T / fact
        w_nl += _fro2(vec) / fact
    return MapSummary(mean=mean, cov=cov, M=M, N=N, w_nl=w_nl)


# --------------------------------------------------------------------------- step 4: Pythagoras


@dataclass(frozen=True)
class PythagoreanCheck:
    """``E||h − Qz||²`` computed directly, against ``||M − Q||_F² + W_nl`` (step 4)."""

    direct: sp.Expr
    linear_part: sp.Expr
    w_nl: sp.Expr
    include_nonlinear: bool

    @property
    def split(self) -> sp.Expr:
        """The right-hand side ``||M − Q||_F² + W_nl`` (``W_nl`` left out when ``include_nonlinear`` is False)."""
        return self.linear_part + (self.w_nl if self.include_nonlinear else 0)

    @property
    def holds(self) -> bool:
        """Whether ``E||h − Qz||²`` equals the split exactly."""
        return sp.simplify(self.direct - self.split) == 0

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"direct": str(self.direct), "linear_part": str(self.linear_part), "w_nl": str(self.w_nl),
                "include_nonlinear": self.include_nonlinear, "holds": self.holds}


def pythagorean_split(h: Sequence[sp.Expr], variables: Sequence[sp.Symbol], Q: sp.Matrix,
                      include_nonlinear: bool = True) -> PythagoreanCheck:
    """``E||h(z) − Qz||² = ||M − Q||_F² + W_nl`` for mean-zero polynomial ``h``, ``Q ∈ O(n)``.

    ``include_nonlinear=False`` drops ``W_nl``: the false "Pythagoras" that a nonlinear ``h``
    refutes. The left side is a raw Gaussian moment computation; ``W_nl`` comes from Hermite
    projections, so agreement also exercises completeness up to the degree of ``h``.
    """
    Q = sp.Matrix(Q)
    n = len(variables)
    if Q.shape != (len(h), n) or Q.T * Q != sp.eye(n):
        raise ValueError(f"Q must be an orthogonal {n}x{n} matrix matching h")
    s = polynomial_map_summary(h, variables)
    if any(v != 0 for v in s.mean):
        raise ValueError(f"h must have mean zero, got mean {list(s.mean)}")
    z = sp.Matrix(variables)
    resid = sp.Matrix(h) - Q * z
    direct = gaussian_expectation(sum(r**2 for r in resid), variables)
    return PythagoreanCheck(direct=direct, linear_part=_fro2(s.M - Q), w_nl=s.w_nl,
                            include_nonlinear=include_nonlinear)


# --------------------------------------------------------------------------- step 5: monotone

EPS = sp.Symbol("epsilon", real=True)


def monotonicity(epsilon_lower=0, t_lower=0, linear_coefficient=1) -> tuple[bool, InequalityCheck, bool]:
    """``t ↦ a·t + (ε + t)²`` is non-decreasing on ``t ≥ t_lower`` for all ``ε ≥ epsilon_lower``.

    Exact: ``φ(t₂) − φ(t₁) = (t₂ − t₁)(a + 2ε + t₁ + t₂)``, so on ``t_lower ≤ t₁ ≤ t₂`` it suffices
    that ``a + 2ε + 2 t_lower ≥ 0``; the factor at its smallest (``t₁ = t₂ = t_lower``) is checked as a
    polynomial in ``ε`` on ``[epsilon_lower, ∞)``. Returns (factorisation verified, the inequality
    check, verdict). True for ``a = 1``, ``t_lower = 0``, ``epsilon_lower = 0`` (even down to −1/2).
    """
    lower = as_fraction(epsilon_lower, "epsilon_lower")
    t_low = sp.Rational(as_fraction(t_lower, "t_lower"))
    a = sp.Rational(as_fraction(linear_coefficient, "linear_coefficient"))
    t1, t2 = sp.symbols("t1 t2", real=True)
    phi = lambda t: a * t + (EPS + t) ** 2  # noqa: E731 - the function of step 5, read as written
    factorised = sp.expand(phi(t2) - phi(t1) - (t2 - t1) * (a + 2 * EPS + t1 + t2)) == 0
    factor_min = check_nonnegative(a + 2 * EPS + 2 * t_low, EPS, lower, None,
                                   statement=f"{a} + 2 eps + 2·({t_low}) >= 0 for eps >= {lower}")
    return bool(factorised), factor_min, bool(factorised and factor_min.holds)


# --------------------------------------------------------------------------- assembled bound


def pythagorean_rho(k: int) -> sp.Rational:
    """A rational ``ρ`` with rational ``sqrt(1 − ρ²)``: ``ρ = (k² − 1)/(k² + 1)`` for ``k ≥ 2``."""
    k = check_int(k, "k", 2, 1000)
    return sp.Rational(k * k - 1, k * k + 1)


def _nonneg_rational_plus_sqrt(p: sp.Rational, c: sp.Rational, r: sp.Rational) -> bool:
    """Exact test of ``p + c·sqrt(r) ≥ 0`` with rationals ``c ≥ 0``, ``r ≥ 0``."""
    if p >= 0:
        return True
    return c * c * r >= p * p


@dataclass(frozen=True)
class ApproximateBound:
    """Every quantity of Prop 4.3 for one map, exact (``epsilon = sqrt(epsilon_sq)``)."""

    rho: sp.Rational
    mean_sq: sp.Rational
    epsilon_sq: sp.Rational
    delta: sp.Rational
    D: sp.Rational
    D_used: sp.Rational
    w_nl: sp.Rational
    polar_lhs_sq: sp.Rational
    polar_rhs_sq: sp.Rational
    error: sp.Rational
    step_checks: dict

    @property
    def bound(self) -> sp.Expr:
        """``||E h||² + D_used + (ε + D_used)²``."""
        return self.mean_sq + self.D_used + (sp.sqrt(self.epsilon_sq) + self.D_used) ** 2

    @property
    def holds(self) -> bool:
        """``error ≤ bound`` decided exactly (the bound is rational + rational·sqrt(ε²))."""
        p = self.mean_sq + self.D_used + self.D_used**2 + self.epsilon_sq - self.error
        return _nonneg_rational_plus_sqrt(p, 2 * self.D_used, self.epsilon_sq)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"rho": str(self.rho), "mean_sq": str(self.mean_sq), "epsilon_sq": str(self.epsilon_sq),
                "delta": str(self.delta), "D": str(self.D), "D_used": str(self.D_used),
                "w_nl": str(self.w_nl), "error": str(self.error), "bound": float(self.bound),
                "holds": self.holds, "step_checks": dict(self.step_checks)}


def alignment_loss(h: Sequence[sp.Expr], variables: Sequence[sp.Symbol], rho) -> sp.Rational:
    """``L(h) = E||h(z) − h(z')||²`` with ``z' = ρz + sqrt(1 − ρ²) η`` at one rational ``ρ``
    (docs/theory.md §1): :func:`theory.alignment.alignment_loss`, a polynomial in the symbol ``ρ``
    computed by Gaussian moments in ``(z, η)``, evaluated at ``ρ``. Restricted, as the rest of
    this module, to ``ρ`` with rational ``sqrt(1 − ρ²)`` (:func:`pythagorean_rho`); the symbolic
    route itself would accept any rational ``ρ``.
    """
    rho = sp.Rational(as_fraction(check_rho(rho), "rho"))
    if not sp.sqrt(1 - rho**2).is_Rational:
        raise ValueError(f"rho must have rational sqrt(1 - rho^2) for exact arithmetic, got {rho}")
    return sp.Rational(alignment.alignment_loss(h, variables).eval(rho))


def approximate_bound(h: Sequence[sp.Expr], variables: Sequence[sp.Symbol], rho, Q: sp.Matrix,
                      d_scale=1) -> ApproximateBound:
    """Assemble Prop 4.3 for a polynomial map with known rational polar factor ``Q`` of ``M``.

    ``d_scale`` multiplies ``D`` in the bound (``d_scale = 1 − ρ`` gives the false variant with
    ``δ/(2ρ)`` in place of ``D``). ``step_checks`` records each intermediate step on this map:
    ``Q`` is the polar factor, ``Cov = M Mᵀ + N``, ``N ⪰ 0``, ``tr N = W_nl``, ``W_nl ≤ D``,
    ``||N||_F ≤ tr N``, ``||M − Q||_F ≤ ||MMᵀ − I||_F``, Pythagoras on the centred map.
    """
    rho = sp.Rational(as_fraction(check_rho(rho), "rho"))
    d_scale = sp.Rational(as_fraction(d_scale, "d_scale"))
    Q = sp.Matrix(Q)
    n = len(variables)
    h = [sp.expand(c) for c in h]
    s = polynomial_map_summary(h, variables)
    centred = [c - m for c, m in zip(h, s.mean)]
    eye = sp.eye(n)
    epsilon_sq = _fro2(s.cov - eye)
    delta = alignment_loss(h, variables, rho) - 2 * (1 - rho) * s.cov.trace()
    D = delta / (2 * rho * (1 - rho))
    z = sp.Matrix(variables)
    error = gaussian_expectation(sum(r**2 for r in (sp.Matrix(h) - Q * z)), variables)
    fro_trace = frobenius_le_trace(s.N)
    steps = {
        "Q_is_polar_factor": bool(Q.T * Q == eye and _is_psd_symmetric(Q.T * s.M)),
        "cov_eq_MMt_plus_N": bool(sp.simplify(s.cov - s.M * s.M.T - s.N) == sp.zeros(n)),
        "N_psd": _is_psd_symmetric(s.N),
        "trace_N_eq_W_nl": bool(sp.simplify(s.N.trace() - s.w_nl) == 0),
        "W_nl_le_D": bool(s.w_nl <= D),
        "delta_nonneg": bool(delta >= 0),
        "frobenius_N_le_trace": fro_trace.holds,
        "polar_bound": bool(_fro2(s.M - Q) <= _fro2(s.M * s.M.T - eye)),
        "pythagoras": pythagorean_split(centred, variables, Q).holds,
    }
    return ApproximateBound(rho=rho, mean_sq=_fro2(s.mean), epsilon_sq=epsilon_sq, delta=delta, D=D,
                            D_used=D * d_scale, w_nl=s.w_nl, polar_lhs_sq=_fro2(s.M - Q),
                            polar_rhs_sq=_fro2(s.M * s.M.T - eye), error=error, step_checks=steps)


def example_maps() -> list[tuple[str, list[sp.Expr], tuple[sp.Symbol, ...], sp.Matrix]]:
    """Exact polynomial maps ``R² → R²`` with a rational polar factor, for the assembled bound.

    Each is ``U diag(σ) Vᵀ z + (Hermite terms of degree ≥ 2) (+ a constant)``, so ``M`` and its
    polar factor ``U Vᵀ`` are rational; ``M`` is nevertheless recomputed from moments.
    """
    z1, z2 = latent_symbols(2)
    U = random_cayley_orthogonal(2, seed=1)
    V = random_cayley_orthogonal(2, seed=4)
    Qr = random_cayley_orthogonal(2, seed=3)
    r = sp.Rational
    zv = sp.Matrix([z1, z2])

    def linear(Um, sig, Vm):
        return list(Um * sp.diag(*sig) * Vm.T * zv)

    def he(k, var):
        return hermite_he(k, var).as_expr()

    maps = [
        ("unit-variance mix", [r(3, 5) * z1 + r(4, 5) * z1 * z2, z2], sp.eye(2)),
        ("rotated, cubic", [a + b for a, b in zip(linear(U, [r(9, 10), r(6, 5)], V),
                                                  [r(1, 5) * he(3, z1), r(1, 4) * he(2, z2) - r(1, 10) * z1 * z2])],
         U * V.T),
        ("shrunk, mixed", [a + b for a, b in zip(linear(U, [r(1, 2), r(3, 4)], sp.eye(2)),
                                                 [r(1, 3) * z1 * z2, r(1, 2) * he(2, z1) * z2])], U),
        ("with mean", [a + b for a, b in zip(linear(Qr, [1, 1], sp.eye(2)), [r(1, 2) + r(1, 5) * he(2, z2), 0])],
         Qr),
        ("exact rotation", linear(Qr, [1, 1], sp.eye(2)), Qr),
    ]
    return [(name, [sp.expand(c) for c in h], (z1, z2), Q) for name, h, Q in maps]
