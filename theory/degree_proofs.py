"""Proofs for every degree of the degree-universal lemmas of docs/theory.md §2–3, checked with sympy.

The instance checks (``d <= 12``) stay as cross-checks in the claims; here each statement is
proved for all degrees at once:

- **Hermite generating function** ``G(t, z) = exp(t z − t²/2) = Σ_k He_k(z) t^k / k!``:
  ``∂_t G = (z − t) G`` compared coefficientwise is the recurrence ``He_{k+1} = z He_k − k He_{k−1}``
  for every k (with the same ``He_0 = 1``, ``He_1 = z``).
- **Orthogonality** for all j, k: ``E[G(s, z) G(t, z)] = e^{st}`` (Gaussian integral). A series
  in s, t is a series in st alone iff ``(s∂_s − t∂_t) f = 0``, so the coefficient of
  ``s^j t^k`` vanishes for j ≠ k; the diagonal gives ``E[He_k²]/k!² = 1/k!``.
- **Mehler** for all k: ``E[G(t, ρz + sqrt(1−ρ²)η) | z] = G(ρt, z)``, whose t^k coefficient is
  ``ρ^k He_k(z)/k!``; in n variables the generating function is the product over coordinates
  and the noise is independent, so every multi-index in every dimension follows by induction
  on n with the same one-variable step.
- **Penalty, excess, gap, simplex, small-t limit** with a symbolic degree ``d``.
- **Hermite eigenfunctions** of ``L f = K(f'' + s f')`` for the Gaussian score:
  ``L G = −(K/σ²) t ∂_t G``, and ``t∂_t`` multiplies the t^k coefficient by k.

Each function returns a :class:`DegreeProof` whose steps can fail: the negative controls of the
claims (a wrong norm, a wrong exponent, a wrong gap) feed the same functions and must fail.
Exchanging a series with an expectation is justified by ``|G(s,z)G(t,z)| ≤ e^{(|s|+|t|)|z|}``,
which is integrable under N(0, 1) (dominated convergence); sympy is not asked to check that.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from lejepa_verify.theory.validate import check_int

S, T, Z, ETA = sp.symbols("s t z eta", real=True)
RHO_P = sp.Symbol("rho", positive=True)
U = sp.Symbol("u", positive=True)  # ρ = 1/(1 + u) ranges over (0, 1) as u ranges over (0, ∞)
D = sp.Symbol("d", integer=True, positive=True)
K_IDX = sp.Symbol("k", integer=True, nonnegative=True)


@dataclass(frozen=True)
class ProofStep:
    """One step of a proof for every degree: what it states and whether it was shown."""
    text: str
    holds: bool

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"step": self.text, "holds": bool(self.holds)}


@dataclass(frozen=True)
class DegreeProof:
    """A proof for all degrees: what it covers and its steps, each checked by sympy."""

    statement: str
    covers: str
    steps: tuple[ProofStep, ...]

    @property
    def holds(self) -> bool:
        """Whether every step holds."""
        return all(s.holds for s in self.steps)

    @property
    def failing_steps(self) -> list[str]:
        """The statements of the steps that do not hold."""
        return [s.text for s in self.steps if not s.holds]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"statement": self.statement, "covers": self.covers, "holds": self.holds,
                "steps": [s.to_dict() for s in self.steps]}


def _zero(expr) -> bool:
    return sp.simplify(expr) == 0


def generating_function(t, z):
    """``G(t, z) = exp(t z − t²/2)``, the generating function ``Σ_k He_k(z) t^k / k!``."""
    return sp.exp(t * z - t**2 / 2)


@functools.lru_cache(maxsize=None)
def gaussian_mgf() -> bool:
    """``E[e^{aZ}] = e^{a²/2}`` for Z ~ N(0, 1) and a real symbol a.

    Completing the square, ``az − z²/2 = a²/2 − (z − a)²/2`` (an identity of polynomials), and
    ``∫ e^{−(z−a)²/2} dz = ∫ e^{−u²/2} du = sqrt(2π)`` (translation invariance; sympy's integral).
    """
    a = sp.Symbol("a", real=True)
    square = sp.expand(a * Z - Z**2 / 2 - (a**2 / 2 - (Z - a) ** 2 / 2)) == 0
    u = sp.Symbol("u", real=True)
    normal = _zero(sp.integrate(sp.exp(-(u**2) / 2), (u, -sp.oo, sp.oo)) - sp.sqrt(2 * sp.pi))
    return bool(square and normal)


def _expect_exp_linear(expr, var):
    """``E[expr]`` over ``var ~ N(0, 1)`` for ``expr = exp(c + a·var)`` (a, c free of var), by the mgf."""
    e = sp.powsimp(expr, combine="exp")
    if not isinstance(e, sp.exp):
        raise ValueError(f"expr must be a single exponential, got {expr}")
    poly = sp.Poly(sp.expand(e.args[0]), var)
    if poly.degree() > 1:
        raise ValueError(f"exponent must be affine in {var}, got {e.args[0]}")
    return sp.exp(poly.coeff_monomial(1) + poly.coeff_monomial(var) ** 2 / 2)


@functools.lru_cache(maxsize=None)
def generating_function_recurrence() -> DegreeProof:
    """``∂_t G = (z − t) G``, coefficientwise ``c_{k+1} = z c_k − k c_{k−1}`` for symbolic k ≥ 1."""
    from lejepa_verify.theory.hermite import hermite_he

    G = generating_function(T, Z)
    ode = _zero(sp.diff(G, T) - (Z - T) * G)
    start = G.subs(T, 0) == 1 and _zero(sp.diff(G, T).subs(T, 0) - Z)
    # coefficient of t^k: c_{k+1}/k! = z c_k/k! − c_{k−1}/(k−1)!; times k!: the ratio k!/(k−1)! is k
    k = sp.Symbol("k", integer=True, positive=True)
    step = sp.simplify(sp.combsimp(sp.factorial(k) / sp.factorial(k - 1)) - k) == 0
    # an independent cross-check: the series of G to order 9 against the recurrence's He_k
    series = sp.series(G, T, 0, 9).removeO()
    cross = all(_zero(series.coeff(T, j) * sp.factorial(j) - hermite_he(j, Z).as_expr()) for j in range(9))
    return DegreeProof(
        "exp(tz − t²/2) = Σ_k He_k(z) t^k/k! for every k",
        "all k >= 0",
        (ProofStep("∂_t G = (z − t) G", ode), ProofStep("G(0) = 1, ∂_t G(0) = z (He_0, He_1)", start),
         ProofStep("coefficients: k!/(k−1)! = k, so c_{k+1} = z c_k − k c_{k−1} (the He recurrence)", step),
         ProofStep("cross-check: series coefficients = He_k for k <= 8", cross)),
    )


@functools.lru_cache(maxsize=None)
def orthogonality_proof(norm_shift: int = 0, norm_power: int = 1, diagonal: bool = True) -> DegreeProof:
    """``E[He_j He_k] = N(k) δ_jk`` with ``N(k) = ((k + norm_shift)!)^norm_power``: true for shift 0, power 1.

    ``diagonal=False`` claims ``E[He_j He_k] = N(k)`` for every j, k (the Kronecker δ dropped).
    """
    norm_shift = check_int(norm_shift, "norm_shift", 0, 10)
    norm_power = check_int(norm_power, "norm_power", 1, 3)
    rec = generating_function_recurrence()
    joint = generating_function(S, Z) * generating_function(T, Z)
    expectation = _expect_exp_linear(joint, Z)
    closed = _zero(expectation - sp.exp(S * T))
    diagonal_only = _zero(S * sp.diff(sp.exp(S * T), S) - T * sp.diff(sp.exp(S * T), T))
    norm = sp.factorial(K_IDX + norm_shift) ** norm_power
    if diagonal:
        claimed = sp.summation(norm * (S * T) ** K_IDX / sp.factorial(K_IDX) ** 2, (K_IDX, 0, sp.oo))
    else:  # Σ_j Σ_k N(k) s^j t^k/(j! k!) = e^s Σ_k N(k) t^k/k!²·k!
        claimed = sp.exp(S) * sp.summation(norm * T**K_IDX / sp.factorial(K_IDX) ** 2, (K_IDX, 0, sp.oo))
    matches = _zero(claimed - sp.exp(S * T))
    label = "k!" if (norm_shift, norm_power) == (0, 1) else f"((k + {norm_shift})!)^{norm_power}"
    return DegreeProof(
        f"E[He_j He_k] = {label}{' δ_jk' if diagonal else ''} for all j, k",
        "all j, k >= 0",
        rec.steps + (
            ProofStep("E[e^{aZ}] = e^{a²/2} (sympy integral)", gaussian_mgf()),
            ProofStep("E[G(s,z) G(t,z)] = e^{st}", closed),
            ProofStep("(s∂_s − t∂_t) e^{st} = 0: only s^k t^k terms, so E[He_j He_k] = 0 for j ≠ k", diagonal_only),
            ProofStep("Σ_k N(k) (st)^k / k!² equals e^{st} (the claimed norms' generating function)", matches),
        ),
    )


@functools.lru_cache(maxsize=None)
def mehler_proof(exponent_shift: int = 0, exponent_factor: int = 1, added: int = 0) -> DegreeProof:
    """``E[He_k(ρz + sqrt(1−ρ²)η) | z] = ρ^(f·k + shift) He_k(z) + added·(1 − ρ^k)`` for every k.

    True for ``shift = 0``, ``f = 1``, ``added = 0`` only (the other values are negative controls:
    a wrong exponent ρ^(k+1) or ρ^(2k), or an added constant term).
    """
    exponent_shift = check_int(exponent_shift, "exponent_shift", 0, 10)
    exponent_factor = check_int(exponent_factor, "exponent_factor", 1, 4)
    added = check_int(added, "added", 0, 10)
    sigma = sp.sqrt(1 - RHO_P**2)
    shifted = generating_function(T, RHO_P * Z + sigma * ETA)
    conditional = _expect_exp_linear(shifted, ETA)
    contracted = _zero(conditional - generating_function(RHO_P * T, Z))
    # Σ_k ρ^(f k + shift) He_k t^k/k! = ρ^shift G(ρ^f t, z); the added term Σ_k (1 − ρ^k) t^k/k! = e^t − e^(ρt)
    claimed = RHO_P**exponent_shift * generating_function(RHO_P**exponent_factor * T, Z) \
        + added * (sp.exp(T) - sp.exp(RHO_P * T))
    matches = _zero(conditional - claimed)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    scaling = _zero(sp.diff((RHO_P * T) ** k, T, 0) - RHO_P**k * T**k)
    power = ("k" if exponent_factor == 1 else f"{exponent_factor}k") + (f"+{exponent_shift}" if exponent_shift else "")
    return DegreeProof(
        f"E[He_k(z') | z] = ρ^({power}) He_k(z){' + ' + str(added) + '(1 − ρ^k)' if added else ''} for all k",
        "all k >= 0",
        generating_function_recurrence().steps + (
            ProofStep("E[e^{aZ}] = e^{a²/2} (sympy integral)", gaussian_mgf()),
            ProofStep("E_η[G(t, ρz + sqrt(1−ρ²)η)] = G(ρt, z)", contracted),
            ProofStep("[t^k] G(ρt, z) = ρ^k He_k(z)/k! ((ρt)^k = ρ^k t^k, symbolic k)", scaling),
            ProofStep("the claimed generating function Σ_k ρ^(k+shift) He_k t^k/k! equals the computed one", matches),
        ),
    )


@functools.lru_cache(maxsize=None)
def mehler_multivariate_proof(exponent_shift: int = 0, exponent_factor: int = 1) -> DegreeProof:
    """``E[He_α(z') | z] = ρ^(|α| + shift) He_α(z)`` for every α in every dimension: shift 0 only.

    Induction on n: ``Π_{i<=n+1} G(t_i, z'_i) = (Π_{i<=n} G(t_i, z'_i)) · G(t_{n+1}, z'_{n+1})``
    with ``η_{n+1}`` independent of the rest, so the conditional expectation factorises and the
    step is the one-variable identity. sympy checks the one-variable identity and the
    factorisation of the exponent for two coordinates (the form of every step).
    """
    exponent_shift = check_int(exponent_shift, "exponent_shift", 0, 10)
    exponent_factor = check_int(exponent_factor, "exponent_factor", 1, 4)
    one = mehler_proof(0)
    t1, t2, z1, z2, e1, e2 = sp.symbols("t1 t2 z1 z2 eta1 eta2", real=True)
    sigma = sp.sqrt(1 - RHO_P**2)
    joint = generating_function(t1, RHO_P * z1 + sigma * e1) * generating_function(t2, RHO_P * z2 + sigma * e2)
    split = _zero(sp.powsimp(joint) - sp.powsimp(generating_function(t1, RHO_P * z1 + sigma * e1))
                  * sp.powsimp(generating_function(t2, RHO_P * z2 + sigma * e2)))
    inner = _expect_exp_linear(sp.powsimp(joint), e1)
    both = _expect_exp_linear(sp.powsimp(inner), e2)
    product = generating_function(RHO_P * t1, z1) * generating_function(RHO_P * t2, z2)
    computed = _zero(both - product)
    claimed = RHO_P**exponent_shift * (generating_function(RHO_P**exponent_factor * t1, z1)
                                       * generating_function(RHO_P**exponent_factor * t2, z2))
    matches = _zero(both - claimed)
    return DegreeProof(
        "E[He_α(z') | z] = ρ^|α| He_α(z) for every multi-index α in every dimension n"
        + (f" (claimed with exponent {exponent_factor}|α| + {exponent_shift})"
           if (exponent_shift, exponent_factor) != (0, 1) else ""),
        "all n >= 1, all α ∈ N^n",
        one.steps + (
            ProofStep("the two-coordinate exponent splits into a sum over coordinates (independent η_i)", split),
            ProofStep("E[G(t1,z1')G(t2,z2') | z] = G(ρt1, z1) G(ρt2, z2): the coefficient of t^α is ρ^|α| He_α/α!",
                      computed),
            ProofStep("the claimed generating function ρ^shift Π G(ρt_i, z_i) equals the computed one", matches),
        ),
    )


def _rho_power_at_most_one() -> bool:
    """``ρ^m ≤ 1`` for all m ≥ 0 on (0, 1), by induction: ρ^0 = 1 and ρ^m − ρ^(m+1) = ρ^m(1 − ρ) > 0."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    rho = 1 / (1 + U)
    return bool((rho**m * (1 - rho)).is_positive) and rho**0 == 1


@functools.lru_cache(maxsize=None)
def penalty_proof(factor: int = 2, exponent_shift: int = 0, exponent_factor: int = 1) -> DegreeProof:
    """``E(h(z) − h(z'))² = factor·(1 − ρ^(f·d + shift))`` for ``h = He_d/sqrt(d!)``, symbolic d."""
    orth, mehler = orthogonality_proof(0), mehler_proof(0)
    second_moment = sp.factorial(D) / sp.factorial(D)  # E[He_d²]/d! with the norm d! proved above
    lagged = RHO_P**D * second_moment  # E[h(z) E[h(z') | z]] by Mehler
    loss = 2 * second_moment - 2 * lagged  # E h(z)² + E h(z')² − 2E[h h'], z' ~ N(0, 1) too
    claimed = factor * (1 - RHO_P ** (exponent_factor * D + exponent_shift))
    power = ("d" if exponent_factor == 1 else f"{exponent_factor}d") + (f"+{exponent_shift}" if exponent_shift else "")
    return DegreeProof(
        f"E(h(z) − h(z'))² = {factor}(1 − ρ^({power})) for every d",
        "all d >= 0",
        (ProofStep("orthogonality for all degrees (E[He_d²] = d!)", orth.holds),
         ProofStep("Mehler for all degrees (E[He_d(z') | z] = ρ^d He_d(z))", mehler.holds),
         ProofStep("E h² = 1, E[h(z)h(z')] = ρ^d, so the loss is 2(1 − ρ^d) (symbolic d)",
                   _zero(loss - 2 * (1 - RHO_P**D))),
         ProofStep("the claimed penalty equals 2(1 − ρ^d) as an expression in symbolic d and ρ",
                   _zero(loss - claimed))),
    )


@functools.lru_cache(maxsize=None)
def excess_proof(min_degree: int = 2, terms_shift: int = 0, factor: int = 1) -> DegreeProof:
    """``ρ − ρ^d = factor·ρ(1 − ρ) Σ_{j=0}^{d−2+shift} ρ^j > 0`` on (0, 1) for every ``d >= min_degree``.

    True for ``min_degree >= 2``, ``terms_shift = 0``, ``factor = 1``; the other values are negative
    controls (a wrong number of terms, a wrong constant, the degree d = 1 where the excess is 0).
    """
    min_degree = check_int(min_degree, "min_degree", 1, 100)
    terms_shift = check_int(terms_shift, "terms_shift", 0, 10)
    factor = check_int(factor, "factor", 1, 10)
    rho = 1 / (1 + U)
    j = sp.Symbol("j", integer=True, nonnegative=True)
    geometric = sp.Sum(rho**j, (j, 0, D - 2 + terms_shift)).doit()
    if isinstance(geometric, sp.Piecewise):  # the branch for ρ ≠ 1, the only one on (0, 1)
        geometric = next(e for e, c in geometric.args if c is sp.true or c == sp.true)
    identity = _zero(factor * rho * (1 - rho) * geometric - (rho - rho**D))
    factors_positive = bool(rho.is_positive and (1 - rho).is_positive)
    # the geometric factor has d − 1 terms, each ρ^j > 0: positive iff it has at least one term
    terms_at_min = min_degree - 1
    geometric_positive = terms_at_min >= 1 and bool((rho**j).is_positive)
    return DegreeProof(
        f"2(ρ − ρ^d) > 0 for every d >= {min_degree} and 0 < ρ < 1",
        f"all d >= {min_degree}",
        (ProofStep(f"ρ − ρ^d = {factor if factor != 1 else ''}ρ(1 − ρ)(1 + ρ + … + ρ^(d−2{'+' + str(terms_shift) if terms_shift else ''})) "
                   "for symbolic d (ρ = 1/(1+u))", identity),
         ProofStep("ρ > 0 and 1 − ρ > 0", factors_positive),
         ProofStep(f"the geometric factor has d − 1 >= {terms_at_min} positive terms at the smallest d", geometric_positive)),
    )


@functools.lru_cache(maxsize=None)
def gap_proof(claimed_rho_power: int = 1, claimed_degree: int = 2, claimed_factor: int = 2) -> DegreeProof:
    """``min_{d>=2} 2(ρ − ρ^d) = c·ρ^p(1 − ρ)`` at ``d = claimed_degree``: true for c = 2, p = 1, degree 2."""
    p = check_int(claimed_rho_power, "claimed_rho_power", 0, 40)
    dmin = check_int(claimed_degree, "claimed_degree", 2, 100)
    c = check_int(claimed_factor, "claimed_factor", 1, 10)
    gap = c * RHO_P**p * (1 - RHO_P)
    diff = 2 * (RHO_P - RHO_P**D) - gap
    form = _zero(sp.expand(diff - 2 * RHO_P**2 * (1 - RHO_P ** (D - 2))))
    attained = _zero(diff.subs(D, dmin))
    return DegreeProof(
        f"min over d >= 2 of 2(ρ − ρ^d) is {c}ρ^{p}(1 − ρ), attained at d = {dmin}",
        "all d >= 2",
        (ProofStep("2(ρ − ρ^d) − gap = 2ρ²(1 − ρ^(d−2)) for symbolic d", form),
         ProofStep("ρ^m <= 1 for every m >= 0 on (0, 1) (induction), so 2ρ²(1 − ρ^(d−2)) >= 0", _rho_power_at_most_one()),
         ProofStep(f"the difference vanishes at d = {dmin}", attained)),
    )


@functools.lru_cache(maxsize=None)
def simplex_proof(bound_exponent: int = 1, bound_factor=1, signed: bool = False) -> DegreeProof:
    """``Σ_{d>=1} w_d ρ^d <= c·ρ^b`` on the simplex, equality iff w_1 = 1: true for b = 1, c = 1 only.

    ``c ρ^b − Σ w_d ρ^d = Σ_d w_d (c ρ^b − ρ^d)`` (Σ w_d = 1, absolutely convergent); the equality
    case ``w_1 = 1`` needs the d = 1 coefficient to vanish, and the bound needs every other
    coefficient ``c ρ^b − ρ^d``, d >= 2, to be positive (then equality forces w_d = 0 for d >= 2),
    and the weights to be non-negative (``signed=True`` drops that hypothesis).
    """
    b = check_int(bound_exponent, "bound_exponent", 0, 40)
    c = sp.Rational(bound_factor)
    rho = 1 / (1 + U)
    first = sp.simplify(c * rho**b - rho)
    first_zero = first == 0
    later = excess_proof(2) if (b, c) == (1, 1) else None
    later_positive = bool(later is not None and later.holds)
    return DegreeProof(
        f"Σ w_d ρ^d <= {'' if c == 1 else str(c) + '·'}ρ^{b} on the simplex over all d >= 1, equality iff w_1 = 1",
        "every weight sequence w on the simplex over d >= 1",
        (ProofStep(f"the d = 1 coefficient {c if c != 1 else ''}ρ^{b} − ρ vanishes (equality at w_1 = 1)", bool(first_zero)),
         ProofStep("every coefficient ρ^b − ρ^d with d >= 2 is > 0 (the excess, all d)", later_positive),
         ProofStep("the weights are non-negative (the simplex)", not signed)),
    )


@functools.lru_cache(maxsize=None)
def small_t_proof(limit_shift: int = 0, limit_power: int = 1) -> DegreeProof:
    """``(1 − e^{−dt})/(1 − e^{−t}) → d^p + limit_shift`` as t → 0, symbolic d: true for shift 0, p = 1."""
    limit_shift = check_int(limit_shift, "limit_shift", 0, 10)
    limit_power = check_int(limit_power, "limit_power", 1, 3)
    t = sp.Symbol("t", positive=True)
    d = sp.Symbol("d", positive=True)
    value = _small_t_value()
    claimed = d**limit_power + limit_shift
    return DegreeProof(
        f"(1 − ρ^d)/(1 − ρ) → {sp.sstr(claimed)} as ρ = e^(−t) → 1",
        "all d >= 1 (symbolic d > 0)",
        (ProofStep(f"sympy: lim_(t→0) (1 − e^(−dt))/(1 − e^(−t)) = {value}", _zero(value - claimed)),),
    )


@functools.lru_cache(maxsize=None)
def _small_t_value():
    t = sp.Symbol("t", positive=True)
    d = sp.Symbol("d", positive=True)
    return sp.limit((1 - sp.exp(-d * t)) / (1 - sp.exp(-t)), t, 0)


@functools.lru_cache(maxsize=None)
def hermite_eigen_proof(law: str = "gaussian", sigma_power: int = 2, degree_shift: int = 0) -> DegreeProof:
    """``L He_k((z−μ)/σ) = −(K (k + shift)/σ^power) He_k((z−μ)/σ)`` for every k, via ``L G = −(K/σ²) t ∂_t G``.

    True for the Gaussian score with power 2 and shift 0; the other values are negative controls.
    """
    from lejepa_verify.theory.sturm_liouville import LAWS, Z as ZS, generator, score
    from lejepa_verify.theory.validate import check_choice

    check_choice(law, "law", LAWS)
    K = sp.Symbol("K", positive=True)
    if law == "gaussian":
        mu, sigma = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
        s = score(law, mu=mu, sigma=sigma)
    else:
        mu, sigma = sp.Integer(0), sp.Integer(1)
        s = score(law)
    G = generating_function(T, (ZS - mu) / sigma)
    raw = (generator(G, s, K) + K / sigma**sigma_power * (T * sp.diff(G, T) + degree_shift * G)) / G
    # refuted at one exact point first (a wrong eigenvalue leaves a non-zero value there)
    at_point = sp.simplify(raw.subs({ZS: sp.Rational(1, 3), T: sp.Rational(1, 2), K: 2}
                                    | ({mu: sp.Rational(1, 5), sigma: 3} if law == "gaussian" else {})))
    residual = at_point if at_point != 0 else sp.simplify(raw)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    euler = _zero(T * sp.diff(T**k, T) - k * T**k)
    return DegreeProof(
        f"L He_k((z−μ)/σ) = −(K k/σ²) He_k((z−μ)/σ) for every k, score of {law}",
        "all k >= 0, symbolic μ, σ > 0, K > 0" if law == "gaussian" else "all k >= 0",
        generating_function_recurrence().steps + (
            ProofStep(f"L G + (K/σ^{sigma_power}) (t ∂_t + {degree_shift}) G = 0 for G = exp(t(z−μ)/σ − t²/2)",
                      residual == 0),
            ProofStep("t ∂_t t^k = k t^k: the t^k coefficient of −(K/σ²) t∂_t G is −(Kk/σ²) He_k/k!", euler),
        ),
    )


# --------------------------------------------------------------------------------------------
# The lagged bilinear form, the spectral form of the loss, and the Hermite basis as a basis
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def cross_moment_proof(exponent_factor: int = 1, exponent_shift: int = 0) -> DegreeProof:
    """``E[He_j(z) He_k(z')] = δ_jk k! ρ^(f k + shift)`` for z' = ρz + sqrt(1−ρ²)η, every j, k.

    ``E_{z,η}[G(s, z) G(t, z')] = e^{ρst}`` (two Gaussian integrals), whose s^j t^k coefficient is
    ``δ_jk ρ^k / k!``; true for ``f = 1``, ``shift = 0`` only. In n variables the generating function
    is a product over coordinates with independent noise, so ``E[He_α(z) He_β(z')] = δ_αβ α! ρ^|α|``.
    """
    exponent_factor = check_int(exponent_factor, "exponent_factor", 1, 4)
    exponent_shift = check_int(exponent_shift, "exponent_shift", 0, 10)
    sigma = sp.sqrt(1 - RHO_P**2)
    joint = sp.powsimp(generating_function(S, Z) * generating_function(T, RHO_P * Z + sigma * ETA))
    over_eta = _expect_exp_linear(joint, ETA)
    both = _expect_exp_linear(sp.powsimp(over_eta), Z)
    computed = _zero(both - sp.exp(RHO_P * S * T))
    claimed = RHO_P**exponent_shift * sp.exp(RHO_P**exponent_factor * S * T)  # Σ_k ρ^(fk+shift) (st)^k/k!
    power = ("k" if exponent_factor == 1 else f"{exponent_factor}k") + (f"+{exponent_shift}" if exponent_shift else "")
    return DegreeProof(
        f"E[He_j(z) He_k(z')] = δ_jk k! ρ^({power}) for all j, k",
        "all j, k >= 0; every multi-index in every dimension by the product over coordinates",
        (ProofStep("E[e^{aZ}] = e^{a²/2} (sympy integral)", gaussian_mgf()),
         ProofStep("E_{z,η}[G(s, z) G(t, ρz + sqrt(1−ρ²)η)] = e^{ρst} (two Gaussian integrals)", computed),
         ProofStep("e^{ρst} has only (st)^k terms: E[He_j(z) He_k(z')] = 0 for j ≠ k",
                   _zero(S * sp.diff(sp.exp(RHO_P * S * T), S) - T * sp.diff(sp.exp(RHO_P * S * T), T))),
         ProofStep(f"the claimed Σ_k ρ^({power}) (st)^k/k! equals e^(ρst)", _zero(both - claimed))),
    )


@functools.lru_cache(maxsize=None)
def spectral_form_proof(factor: int = 2, exponent_factor: int = 1, exponent_shift: int = 0,
                        lowest_degree: int = 1) -> DegreeProof:
    """``L(h) = factor · Σ_{|α| >= lowest} (1 − ρ^(f|α| + shift)) c_α²`` for ``h = Σ_α c_α He_α/sqrt(α!)``.

    From the bilinear form: ``E h(z)² = E h(z')² = Σ c_α²`` (orthogonality; z' ~ N(0, I) too) and
    ``E[h(z) h(z')] = Σ ρ^|α| c_α²`` (cross moments), so ``L = 2 Σ (1 − ρ^|α|) c_α²``, where the
    ``|α| = 0`` term vanishes. True for factor 2, f = 1, shift 0 and lowest degree 0 or 1 only;
    checked term by term with a symbolic degree d and coefficient c.
    """
    orth, cross = orthogonality_proof(0), cross_moment_proof(1, 0)
    c = sp.Symbol("c", real=True)
    term_loss = 2 * c**2 - 2 * RHO_P**D * c**2  # one basis term's contribution, degree d
    claimed = factor * (1 - RHO_P ** (exponent_factor * D + exponent_shift)) * c**2
    # degree 0 contributes nothing (1 − ρ^0 = 0); the claim may start at 0 or 1, never above
    first_ok = lowest_degree in (0, 1)
    return DegreeProof(
        f"L(h) = {factor} Σ_(|α|>={lowest_degree}) (1 − ρ^({exponent_factor}|α|+{exponent_shift})) c_α²",
        "every polynomial map (every degree and dimension); L² maps by continuity of both sides",
        (ProofStep("orthogonality for all degrees", orth.holds),
         ProofStep("cross moments E[He_α(z) He_β(z')] = δ_αβ α! ρ^|α| for all α, β", cross.holds),
         ProofStep("one term: E(h − h')² = 2c² − 2ρ^d c², and the claimed term agrees (symbolic d, c)",
                   _zero(term_loss - claimed)),
         ProofStep(f"the degree-1 term is part of the sum (claimed lowest degree {lowest_degree})", first_ok)),
    )


@functools.lru_cache(maxsize=None)
def leading_term_proof() -> DegreeProof:
    """``He_k = z^k + R_k`` with ``deg R_k <= k − 2`` for every k (induction on the recurrence).

    Hence ``He_α = z^α + (terms of total degree <= |α| − 2)``: the Hermite coefficient of a
    polynomial at a top-degree multi-index equals its monomial coefficient there.
    """
    k = sp.Symbol("k", integer=True)
    base = hermite_he_poly(0) == 1 and hermite_he_poly(1) == Z
    # R_{k+1} = z R_k − k z^(k−1) − k R_(k−1): degrees <= 1 + (k − 2), k − 1, k − 3
    bound = sp.Max(1 + (k - 2), k - 1, k - 3)
    step = _zero(sp.Max(1 + (k - 2), k - 1) - (k - 1)) and bool(sp.simplify(bound - (k - 1)) == 0)
    cross = all(sp.Poly(hermite_he_poly(j), Z).LC() == 1 and
                sp.degree(sp.expand(hermite_he_poly(j) - Z**j), Z) <= j - 2 for j in range(2, 13))
    return DegreeProof(
        "He_k = z^k + (degree <= k − 2) for every k",
        "all k >= 0 (induction); every multi-index by the product",
        (ProofStep("He_0 = 1, He_1 = z", base),
         ProofStep("step: R_(k+1) = z R_k − k z^(k−1) − k R_(k−1) has degree <= max(k − 1, k − 1, k − 3) = k − 1", step),
         ProofStep("cross-check: monic with R_k of degree <= k − 2 for k = 2..12", cross)),
    )


def hermite_he_poly(k: int):
    """``He_k(z)`` as an expression in the symbol ``z`` of this module (the package's recurrence)."""
    from lejepa_verify.theory.hermite import hermite_he

    return hermite_he(k, Z).as_expr()


@functools.lru_cache(maxsize=None)
def derivative_proof(weight_power: int = 1) -> DegreeProof:
    """``He_k' = k He_(k−1)`` for every k (``∂_z G = t G``), hence ``E[(∂h)²] = Σ_α |α|^p c_α²`` with p = 1.

    ``E[(He_k')²] / k! = k² (k−1)!/k! = k``: the energy of degree k is weighted by k; true for
    ``weight_power = 1`` only (k^p with p ≠ 1 is a negative control).
    """
    weight_power = check_int(weight_power, "weight_power", 0, 3)
    G = generating_function(T, Z)
    ode = _zero(sp.diff(G, Z) - T * G)
    k = sp.Symbol("k", integer=True, positive=True)
    weight = sp.simplify(k**2 * sp.factorial(k - 1) / sp.factorial(k))
    return DegreeProof(
        f"E||∇h||² = Σ_α |α|^{weight_power} c_α² for every polynomial map",
        "every degree and dimension (∂_i He_α = α_i He_(α − e_i), orthogonality)",
        (ProofStep("∂_z G = t G: the t^k coefficients give He_k' = k He_(k−1) for every k", ode),
         ProofStep("orthogonality for all degrees", orthogonality_proof(0).holds),
         ProofStep(f"E[(He_k')²]/k! = k²(k−1)!/k! = k, the claimed weight k^{weight_power} (symbolic k)",
                   _zero(weight - k**weight_power))),
    )


@functools.lru_cache(maxsize=None)
def inverse_expansion_proof(variance: int = 1) -> DegreeProof:
    """``e^{tz} = e^{v t²/2} G(t, z)``: every monomial z^k is a finite Hermite combination (true for v = 1).

    The t^k coefficient gives ``z^k = Σ_j k!/(2^j j! (k − 2j)!) He_(k−2j)``: the Hermite polynomials of
    degree <= D span the polynomials of degree <= D, in every dimension by the product.
    """
    variance = check_int(variance, "variance", 0, 4)
    identity = _zero(sp.exp(T * Z) - sp.exp(variance * T**2 / 2) * generating_function(T, Z))
    return DegreeProof(
        f"e^(tz) = e^({variance}t²/2) G(t, z)",
        "every monomial of every degree; every dimension by the product",
        (ProofStep("e^(tz) − e^(vt²/2) e^(tz − t²/2) = 0 (sympy)", identity),),
    )
