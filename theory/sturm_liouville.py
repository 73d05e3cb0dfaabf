"""The converse in continuous time: an affine eigenfunction forces a Gaussian (docs/theory.md §3).

The Langevin diffusion with stationary density ``p`` and diffusion ``K > 0`` has generator, per
component,

    L f = K (f'' + s f'),        s = (log p)'   (the score).

*Forward.* If ``f = a z + b`` with ``a ≠ 0`` satisfies ``L f = −λ f``, then ``f'' = 0`` leaves
``K s a = −λ (a z + b)``: the score is affine, ``s = −(λ/K)(z − μ)`` with ``μ = −b/a``. Solving
``(log p)' = s`` and normalising gives ``p = N(μ, K/λ)``; there is no density for ``λ ≤ 0``
(:func:`density_from_affine_eigenfunction`).

*Converse.* For ``p = N(μ, σ²)`` the Hermite polynomials ``He_k((z − μ)/σ)`` are eigenfunctions of
``L`` with eigenvalues ``−K k / σ²``; the first non-constant one, ``k = 1``, is affine
(:func:`hermite_eigen_residuals`).

*Controls.* Laplace, logistic and generalised normal (shape 4) scores admit no affine
eigenfunction: :func:`affine_eigenfunctions` writes ``L(az + b) + λ(az + b) = 0`` as the linear
system ``u s(z) + v z + w = 0`` in ``(u, v, w) = (K a, λ a, λ b)`` and evaluates it at three
points; a nonsingular 3×3 collocation matrix leaves only ``u = 0``, i.e. ``a = 0``. For the
logistic score the matrix entries involve ``e``; they are rational functions of ``e`` and the
determinant is shown non-zero as a rational function, which suffices because ``e`` is
transcendental (Lindemann), so no exact rational function of it that is not identically zero
vanishes there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import sympy as sp

from lejepa_verify.theory.validate import check_choice, check_int, check_positive

Z = sp.Symbol("z", real=True)

#: Largest Hermite degree checked as an eigenfunction (symbolic μ, σ, K keep the expansion exact).
MAX_DEGREE = 30

#: The latent laws, each by its score ``s = (log p)'`` at unit scale (the Gaussian with
#: explicit mean and standard deviation). Scores are what the generator sees.
LAWS = ("gaussian", "laplace", "logistic", "gennorm4")


def score(law: str, mu=sp.Rational(1, 2), sigma=2) -> sp.Expr:
    """The score ``(log p)'`` of a law, as a sympy expression in ``Z``.

    - gaussian ``N(μ, σ²)``: ``−(z − μ)/σ²``;
    - laplace ``p ∝ e^{−|z|}``: ``−sign(z)``;
    - logistic ``p ∝ e^{−z}/(1 + e^{−z})²``: ``−tanh(z/2)``;
    - gennorm4 ``p ∝ e^{−z⁴}``: ``−4 z³``.
    """
    check_choice(law, "law", LAWS)
    if law == "gaussian":
        mu, sigma = sp.sympify(mu), sp.sympify(sigma)
        if sigma.is_number:
            check_positive(sigma, "sigma")
        return -(Z - mu) / sigma**2
    return {"laplace": -sp.sign(Z), "logistic": -sp.tanh(Z / 2), "gennorm4": -4 * Z**3}[law]


def generator(f: sp.Expr, s: sp.Expr, K) -> sp.Expr:
    """``L f = K (f'' + s f')`` for a function ``f`` of ``Z`` and a score ``s``."""
    return K * (sp.diff(f, Z, 2) + s * sp.diff(f, Z))


_Q = sp.Symbol("q", positive=True)  # stands for e in the transcendence argument


def _as_rational_in_e(value: sp.Expr) -> sp.Expr:
    """Rewrite ``tanh``/``exp`` of rationals as a rational function of ``q = e``."""
    v = sp.sympify(value).rewrite(sp.exp)
    v = v.replace(lambda e: isinstance(e, sp.exp), lambda e: _Q ** e.args[0])
    v = v.subs(sp.E, _Q)
    return sp.cancel(sp.together(v))


def _nonzero(value: sp.Expr) -> bool:
    """Exact: a rational number is non-zero, or a rational function of ``e`` whose numerator is
    a non-zero polynomial is non-zero (``e`` is transcendental)."""
    v = _as_rational_in_e(value)
    if v.free_symbols - {_Q}:
        raise ValueError(f"cannot decide whether {value} is zero: free symbols {v.free_symbols}")
    num, _ = sp.fraction(v)
    num = sp.expand(num)
    if num.is_number:
        return num != 0
    # integer or half-integer powers of q: square-free numerator polynomial in q**(1/2)
    r = sp.Symbol("r", positive=True)
    poly = sp.Poly(sp.expand(num.subs(_Q, r**2)), r)
    return not poly.is_zero


@dataclass(frozen=True)
class AffineEigenResult:
    """Affine eigenfunctions ``f = a z + b`` (``a ≠ 0``) of ``L`` for one score.

    ``determinant``: of the collocation matrix ``[s(z_i), z_i, 1]``; ``nonsingular``: proven
    non-zero (then no affine eigenfunction exists). ``solutions``: ``(λ, b/a)`` pairs found and
    verified identically in ``z`` (empty when none exists).
    """

    law: str
    points: tuple
    determinant: str
    nonsingular: bool
    solutions: tuple

    @property
    def exists(self) -> bool:
        """Whether some affine ``f = az + b`` (``a ≠ 0``) solves the eigen-equation."""
        return len(self.solutions) > 0

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"law": self.law, "points": [str(p) for p in self.points], "determinant": self.determinant,
                "nonsingular": self.nonsingular, "solutions": [[str(x) for x in s] for s in self.solutions],
                "exists": self.exists}


def affine_eigenfunctions(law: str, K=1, points: Sequence = (-1, 1, 2), **law_params) -> AffineEigenResult:
    """Solve ``L(az + b) + λ(az + b) ≡ 0`` with ``a ≠ 0`` for the score of ``law``.

    Since ``(az + b)'' = 0`` the identity is ``u s(z) + v z + w = 0`` for all ``z`` with
    ``(u, v, w) = (K a, λ a, λ b)``, linear in ``(u, v, w)``. Three collocation points give a 3×3
    system: if it is nonsingular, ``u = 0``, so ``a = 0`` (``K > 0``), and no affine
    eigenfunction exists. Otherwise its null vectors with ``u ≠ 0`` give candidates
    ``λ = v K / u``, ``b/a = w / v``, each then verified identically in ``z``.
    """
    check_positive(K, "K")
    K = sp.nsimplify(K)
    pts = tuple(sp.Rational(p) for p in points)
    if len(pts) != 3 or len(set(pts)) != 3:
        raise ValueError(f"points must be 3 distinct rationals, got {points!r}")
    s = score(law, **law_params)
    C = sp.Matrix([[s.subs(Z, p), p, 1] for p in pts])
    det = sp.simplify(C.det())
    nonsingular = _nonzero(det) if det != 0 else False
    solutions = []
    if not nonsingular:
        for vec in C.nullspace(simplify=True):
            u, v, w = vec
            if u == 0 or v == 0:
                continue  # u = 0 means a = 0; v = 0 means λ = 0, a constant score: not a density
            lam = sp.simplify(v * K / u)
            ratio = sp.simplify(w / v)  # b / a
            a = sp.Integer(1)
            f = a * Z + ratio
            resid = sp.simplify(generator(f, s, K) + lam * f)
            if resid == 0:
                solutions.append((lam, ratio))
    return AffineEigenResult(law=law, points=pts, determinant=str(det), nonsingular=bool(nonsingular),
                             solutions=tuple(solutions))


@dataclass(frozen=True)
class AffineScoreDerivation:
    """The symbolic chain affine eigenfunction ⇒ affine score ⇒ Gaussian density."""

    forced_score: str
    log_density: str
    normaliser: str
    density_ratio: str
    density_matches: bool
    claimed_mean: str
    claimed_variance: str
    normalisable_only_for_positive_lambda: bool

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return dict(self.__dict__)


_A = sp.Symbol("a", real=True, nonzero=True)
_B = sp.Symbol("b", real=True)
_LAMBDA = sp.Symbol("lambda", positive=True)
_K = sp.Symbol("K", positive=True)


@lru_cache(maxsize=1)
def _derivation() -> tuple:
    """The part of the derivation that does not depend on the claimed law (solved once)."""
    s_sym = sp.Symbol("s_of_z")
    # L(az + b) = K s a; the eigen-equation K s a = −λ(az + b) solved for the score
    forced = sp.solve(sp.Eq(generator(_A * Z + _B, s_sym, _K), -_LAMBDA * (_A * Z + _B)), s_sym)[0]
    logp = sp.Function("logp")
    sol = sp.dsolve(sp.Eq(logp(Z).diff(Z), forced), logp(Z)).rhs
    unnormalised = sp.exp(sol)
    normaliser = sp.simplify(sp.integrate(unnormalised, (Z, -sp.oo, sp.oo), conds="none"))
    # non-positive λ: log p does not tend to −∞ as z → +∞, so the positive integrand does not
    # vanish there and its integral over R diverges: no density
    lam_neg = sp.Symbol("lambda_neg", negative=True)
    diverges = []
    for lam in (lam_neg, sp.Integer(0)):
        log_density = sp.integrate(forced.subs(_LAMBDA, lam), Z)
        diverges.append(sp.limit(log_density, Z, sp.oo) != -sp.oo)
    return forced, sol, unnormalised / normaliser, normaliser, all(diverges)


def density_from_affine_eigenfunction(variance_scale=1, mean_sign: int = 1, lambda_power: int = 1) -> AffineScoreDerivation:
    """Derive ``p`` from ``L(az + b) = −λ(az + b)``, symbols ``a ≠ 0``, ``b``, ``λ``, ``K > 0``.

    The forced score ``s = −λ(az + b)/(K a)`` is integrated with ``dsolve`` (``(log p)' = s``),
    exponentiated and normalised over ``R``; the result is compared with the density of
    ``N(mean_sign · (−b/a), variance_scale · K/λ^lambda_power)``. ``variance_scale = mean_sign =
    lambda_power = 1`` is the true statement (the others are negative controls). For ``λ < 0`` and
    ``λ = 0`` the normaliser diverges (checked), so no density exists.
    """
    variance_scale = sp.nsimplify(check_positive(variance_scale, "variance_scale"))
    check_choice(mean_sign, "mean_sign", (1, -1))
    lambda_power = check_int(lambda_power, "lambda_power", 1, 3)
    forced, sol, density, normaliser, diverges = _derivation()
    mean = -mean_sign * _B / _A
    var = variance_scale * _K / _LAMBDA**lambda_power
    gauss = sp.exp(-(Z - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)
    # the integration constant C1 cancels between numerator and normaliser. A wrong claim is refuted at one
    # exact point first (a ratio other than 1 there), before the full simplification a true claim needs
    raw = density / gauss
    point = {Z: sp.Rational(1, 3), _A: 2, _B: -1, _LAMBDA: sp.Rational(3, 2), _K: 5}
    value = sp.nsimplify(sp.simplify(raw.subs(point)))
    if value != 1:
        ratio = value
    else:
        ratio = sp.simplify(sp.powsimp(sp.powdenest(raw, force=True), force=True))
    return AffineScoreDerivation(
        forced_score=str(sp.simplify(forced)), log_density=str(sol), normaliser=str(normaliser),
        density_ratio=str(ratio), density_matches=bool(ratio == 1), claimed_mean=str(mean),
        claimed_variance=str(var), normalisable_only_for_positive_lambda=bool(diverges),
    )


@dataclass(frozen=True)
class HermiteEigenResult:
    """Residuals ``L f_k + (K k/σ²) f_k`` for ``f_k = He_k((z − μ)/σ)``, ``k = 0..max_degree``."""

    law: str
    max_degree: int
    zero_residual_degrees: tuple
    first_nonzero_degree: int | None
    witness: str | None

    @property
    def all_eigenfunctions(self) -> bool:
        """Whether every degree up to ``max_degree`` had zero residual."""
        return self.first_nonzero_degree is None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"law": self.law, "max_degree": self.max_degree,
                "zero_residual_degrees": list(self.zero_residual_degrees),
                "first_nonzero_degree": self.first_nonzero_degree, "witness": self.witness,
                "all_eigenfunctions": self.all_eigenfunctions}


def hermite_eigen_residuals(max_degree: int, law: str = "gaussian", sigma_power: int = 2,
                            degree_shift: int = 0) -> HermiteEigenResult:
    """Check ``L He_k((z − μ)/σ) = −(K k/σ²) He_k((z − μ)/σ)`` for ``k ≤ max_degree``.

    For ``law="gaussian"`` ``μ``, ``σ > 0``, ``K > 0`` are symbols and each residual is expanded
    to the zero polynomial in ``z``. For another law the Hermite polynomials in ``z`` (``μ = 0``,
    ``σ = 1``) are tested against that law's score; a residual that is not identically zero is
    shown by a rational point where it is non-zero (``witness``). ``sigma_power`` and
    ``degree_shift`` state the eigenvalue as ``−K(k + shift)/σ^power`` (true: power 2, shift 0).
    """
    max_degree = check_int(max_degree, "max_degree", 0, MAX_DEGREE)
    sigma_power = check_int(sigma_power, "sigma_power", 0, 4)
    degree_shift = check_int(degree_shift, "degree_shift", 0, 4)
    check_choice(law, "law", LAWS)
    K = sp.Symbol("K", positive=True)
    if law == "gaussian":
        mu, sigma = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    else:
        mu, sigma = sp.Integer(0), sp.Integer(1)
    s = score(law, mu=mu, sigma=sigma) if law == "gaussian" else score(law)
    u = sp.Symbol("u", real=True)
    zeros, first, witness = [], None, None
    for k in range(max_degree + 1):
        f = sp.hermite_prob(k, u).subs(u, (Z - mu) / sigma)
        resid = generator(f, s, K) + K * (k + degree_shift) / sigma**sigma_power * f
        if law == "gaussian" or law == "gennorm4":
            is_zero = sp.expand(resid) == 0
        else:
            is_zero = sp.simplify(resid) == 0
        if is_zero:
            zeros.append(k)
            continue
        for p in (sp.Rational(3, 2), 2, 3, -2):
            val = resid.subs({Z: p, K: 1} | ({mu: sp.Rational(1, 3), sigma: 2} if law == "gaussian" else {}))
            if _nonzero(val):
                witness = (f"k={k}: residual at z={p}, K=1{', μ=1/3, σ=2' if law == 'gaussian' else ''} "
                           f"is {sp.nsimplify(val)}")
                break
        first = k
        break
    return HermiteEigenResult(law=law, max_degree=max_degree, zero_residual_degrees=tuple(zeros),
                              first_nonzero_degree=first, witness=witness)
