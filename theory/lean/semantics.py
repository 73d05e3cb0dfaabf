"""The 13 Lean axioms transcribed as written, with the repaired or varied statements (docs/theory.md §6).

For each axiom :func:`reading` gives two transcriptions: ``"as_written"`` (the statement over
everything its arguments range over, with Lean and Mathlib semantics) and ``"control"``, the
negative control of its audit claim:

- for an axiom found inconsistent, the *repaired* statement (the missing hypothesis added, e.g.
  ``0 < m``, or the structure field tied to the map it describes), whose search must come back
  empty;
- for a tautology, the statement *with content* (the restated hypothesis dropped or weakened),
  which is no longer a tautology;
- for a true axiom, a deliberately false variant (a hypothesis dropped) that the search refutes.

Models are exact: Fractions, sympy Rationals and polynomials in a symbol ``z``. Existential
conclusions (``∃ a ≠ 0, b``; ``∃ M linear``; ``∃ A, b``) are decided by coefficient matching
with ``sympy.linsolve`` (an empty solution set proves that no witness exists), never by sampling.
"""

from __future__ import annotations

import functools
import itertools
from fractions import Fraction
from typing import Any, Iterable, Mapping

import sympy as sp

from lejepa_verify.theory.lean.audit import Reading

F = Fraction
Z = sp.Symbol("z", real=True)
VARIANTS = ("as_written", "control")


# ---------------------------------------------------------------------------------------------
# Lean / Mathlib arithmetic
# ---------------------------------------------------------------------------------------------

def lean_div(x, y):
    """Division in a Lean field: ``x / 0 = 0``."""
    return 0 * x if y == 0 else x / y


def rpow_le(base: Fraction, exponent: Fraction, bound: Fraction) -> bool | None:
    """Decide ``Real.rpow base exponent ≤ bound`` exactly for ``base ≥ 0``.

    Mathlib: ``x ^ 0 = 1`` for every x (also 0); ``0 ^ y = 0`` for ``y ≠ 0``; for ``x > 0`` and
    ``y = 1/m`` the value is the positive m-th root, and ``x^(1/m) ≤ b`` iff ``b ≥ 0`` and
    ``x ≤ b^m`` (t ↦ t^m is increasing on t ≥ 0). Other exponents are not needed: ``None``.
    """
    if base < 0:
        return None
    if exponent == 0:
        return F(1) <= bound
    if base == 0:
        return F(0) <= bound
    if exponent.numerator == 1 and exponent.denominator >= 1:
        m = exponent.denominator
        return bound >= 0 and base <= bound**m
    return None


# ---------------------------------------------------------------------------------------------
# SpectralWeights: w : ℕ → ℝ with w ≥ 0, w 0 = 0, Summable w, ∑' w = 1 (Hermite.lean:42-47)
# ---------------------------------------------------------------------------------------------

D = sp.Symbol("d", integer=True, positive=True)

#: finitely supported weights {degree: weight}, and two with infinite support (closed forms in d ≥ 1)
FINITE_WEIGHTS = ({1: F(1)}, {1: F(1, 2), 2: F(1, 2)}, {2: F(1)}, {0: F(1, 2), 1: F(1, 2)}, {1: F(3, 2), 2: F(-1, 2)})
CLOSED_WEIGHTS = (6 / (sp.pi**2 * D**2), sp.Rational(1, 2) ** D)


def is_spectral_weights(w) -> bool | None:
    """The four fields of ``SpectralWeights`` for a finite dict or a closed form in ``d ≥ 1`` (w 0 = 0)."""
    if isinstance(w, dict):
        return all(v >= 0 for v in w.values()) and w.get(0, 0) == 0 and sum(w.values()) == 1
    return _closed_form_is_weights(w)


@functools.lru_cache(maxsize=None)
def _closed_form_is_weights(w) -> bool | None:
    nonneg = w.is_nonnegative
    total = sp.simplify(sp.Sum(w, (D, 1, sp.oo)).doit() - 1) == 0
    summable = sp.Sum(w, (D, 1, sp.oo)).is_convergent()
    if nonneg is None or summable is None:
        return None
    return bool(nonneg and summable and total)


@functools.lru_cache(maxsize=None)
def _series_converges(term) -> bool | None:
    verdict = sp.Sum(term, (D, 1, sp.oo)).is_convergent()
    return None if verdict is None else bool(verdict)


def spectral_sum(w: dict, rho) -> Any:
    """``∑' d, w d * ρ ^ d`` for finitely supported weights (a finite sum, exactly)."""
    return sum((v * rho**d for d, v in w.items()), 0 * rho)


def _positive_rho(m):
    return m["rho"] > 0


def _below_one(m):
    return m["rho"] < 1


# --- mehler_summability --------------------------------------------------------------------

def _mehler(variant: str) -> Reading:
    rhos = (F(1, 2), F(9, 10), F(2))

    def candidates():
        for w in FINITE_WEIGHTS + CLOSED_WEIGHTS:
            for rho in rhos:
                yield {"w": w, "rho": rho}

    def summable(m):
        if isinstance(m["w"], dict):
            return True  # a finitely supported sequence is summable
        return _series_converges(m["w"] * sp.Rational(m["rho"].numerator, m["rho"].denominator) ** D)

    def argument():
        # comparison test: 0 ≤ w_d ρ^d ≤ w_d. ρ^d ≤ 1 for all d by induction: ρ^0 = 1 and
        # ρ^d − ρ^(d+1) = ρ^d (1 − ρ) > 0; checked with ρ = 1/(1 + u), u > 0, d a symbol.
        u = sp.Symbol("u", positive=True)
        d = sp.Symbol("k", integer=True, nonnegative=True)
        rho = 1 / (1 + u)
        step = (rho**d * (1 - rho)).is_positive
        base = rho**0 == 1
        ok = bool(step and base)
        return ok, ("comparison test: w_d ≥ 0 and ρ^d ≤ 1 (induction: ρ^0 = 1, ρ^d − ρ^(d+1) = ρ^d(1 − ρ) > 0, "
                    "sympy with ρ = 1/(1+u), u > 0, symbolic d) give 0 ≤ w_d ρ^d ≤ w_d, and Σ w_d converges")

    hyps = [("SpectralWeights fields", lambda m: is_spectral_weights(m["w"])), ("0 < ρ", _positive_rho)]
    if variant == "as_written":
        hyps.append(("ρ < 1", _below_one))
        return Reading("mehler_summability", "as written", tuple(hyps), ("Summable (w_d ρ^d)", summable),
                       candidates, argument=argument)
    return Reading("mehler_summability", "variant without ρ < 1", tuple(hyps), ("Summable (w_d ρ^d)", summable),
                   candidates, argument=None,
                   note="dropping hρ1 lets ρ = 2 in, where 6/(π²d²)·2^d does not even tend to 0")


# --- correlation_eq_spectral_sum -----------------------------------------------------------

def _correlation(variant: str) -> Reading:
    def candidates():
        for n in (0, 1, 2):
            for w in FINITE_WEIGHTS[:3]:
                for corr in (F(0), F(1, 2), F(1, 3), F(1)):
                    for rho in (F(1, 2), F(1, 3)):
                        for rho0 in ((None,) if variant == "as_written" else (F(1, 2), F(1, 3))):
                            for i in range(n):  # Fin 0 has no elements: nothing to instantiate
                                model = {"n": n, "spectrum": [w] * n, "correlation": [corr] * n, "rho": rho, "i": i}
                                yield model if rho0 is None else {**model, "rho0": rho0}

    def conclusion(m):
        return m["correlation"][m["i"]] == spectral_sum(m["spectrum"][m["i"]], m["rho"])

    hyps = [("SpectralWeights fields", lambda m: all(is_spectral_weights(w) for w in m["spectrum"])),
            ("0 < ρ", _positive_rho), ("ρ < 1", _below_one)]
    if variant == "as_written":
        return Reading("correlation_eq_spectral_sum", "as written", tuple(hyps),
                       ("correlation i = ∑' d, w_d ρ^d", conclusion), candidates,
                       note="the correlation field is a bare real and ρ is quantified inside the axiom: "
                            "for a fixed encoder the right side varies with ρ, the left side cannot")

    def tied(m):
        return m["rho"] == m["rho0"] and all(c == spectral_sum(w, m["rho0"])
                                             for c, w in zip(m["correlation"], m["spectrum"]))

    def forms():
        c, s = sp.Function("correlation"), sp.Function("spectral_sum")
        i, r = sp.symbols("i rho0")
        return (sp.Eq(c(i), s(i, r)),), (sp.Eq(c(i), s(i, r)),)

    return Reading("correlation_eq_spectral_sum", "repaired: the encoder carries its ρ₀ and its correlation field "
                   "is Σ_d w_d ρ₀^d (the field tied to the map)", tuple(hyps) + (("field tied at ρ = ρ₀", tied),),
                   ("correlation i = ∑' d, w_d ρ^d", conclusion), candidates, forms=forms)


# --- linear_of_degree_one ------------------------------------------------------------------

def _degree_fractions(f) -> dict[int, Fraction] | None:
    """Hermite degree energies of a 1D polynomial map as fractions of E[f²] (None for f = 0)."""
    from lejepa_verify.theory.hermite import hermite_spectrum

    z = sp.Symbol("z_1")
    spec = hermite_spectrum([sp.Poly(f.subs(Z, z), z, domain=sp.QQ)], (z,))
    row = [F(int(sp.Rational(e).p), int(sp.Rational(e).q)) for e in spec.energies[0]]
    total = sum(row)
    return None if total == 0 else {d: e / total for d, e in enumerate(row) if e != 0}


def _is_linear_1d(f) -> bool:
    m = sp.Symbol("m")
    return sp.linsolve(sp.Poly(sp.expand(f - m * Z), Z).all_coeffs(), [m]) != sp.EmptySet


def _linear(variant: str) -> Reading:
    maps = (2 * Z, Z + 1, Z**2, Z**3 - 3 * Z, -Z)

    def candidates():
        for f in maps:
            for w in FINITE_WEIGHTS[:3]:
                yield {"n": 1, "toFun": f, "spectrum": [w]}

    hyps = [("SpectralWeights fields", lambda m: all(is_spectral_weights(w) for w in m["spectrum"])),
            ("∀ i d, 2 ≤ d → w_d = 0", lambda m: all(v == 0 for w in m["spectrum"] for d, v in w.items() if d >= 2))]
    conclusion = ("∃ M linear, ∀ z, toFun z = M z (coefficient matching)", lambda m: _is_linear_1d(m["toFun"]))
    if variant == "as_written":
        return Reading("linear_of_degree_one", "as written", tuple(hyps), conclusion, candidates,
                       note="toFun and spectrum are independent fields of HermiteEncoder")

    def tied(m):
        return _degree_fractions(m["toFun"]) == {d: v for d, v in m["spectrum"][0].items() if v != 0}

    return Reading("linear_of_degree_one", "repaired: the spectrum field is the Hermite spectrum of toFun",
                   tuple(hyps) + (("spectrum = degree energies of toFun / E[toFun²]", tied),), conclusion, candidates)


# --- orthogonal_of_gaussian_linear ---------------------------------------------------------

_MATRICES = (sp.Matrix([[1]]), sp.Matrix([[-1]]), sp.Matrix([[2]]), sp.Matrix([[0]]),
             sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]]),
             sp.Matrix([[1, 1], [0, 1]]), sp.Matrix([[sp.Rational(1, 2), 0], [0, 0]]))


def _norm_form(M):
    """``‖v‖² − ‖M v‖²`` as a quadratic form in symbolic v: its matrix is I − MᵀM."""
    return sp.eye(M.shape[0]) - M.T * M


def _orthogonal(variant: str) -> Reading:
    def candidates():
        for M in _MATRICES:
            yield {"M": M.tolist()}

    def isometric(m):  # ∀ v, ‖M v‖ = ‖v‖  ⟺  MᵀM = I (polynomial identity in v)
        return _norm_form(sp.Matrix(m["M"])).is_zero_matrix

    def contraction(m):  # ∀ v, ‖M v‖ ≤ ‖v‖  ⟺  I − MᵀM ⪰ 0
        return all(e >= 0 for e in _norm_form(sp.Matrix(m["M"])).eigenvals())

    # ∃ U : E n →ₗᵢ[ℝ] E n, ∀ z, M z = U z: U agrees with M everywhere, so U = M as a linear map
    # and the witness exists iff M itself preserves norms.
    conclusion = ("∃ U linear isometry, ∀ z, M z = U z", isometric)
    v, z = sp.symbols("v z")
    norm, Mf = sp.Function("norm"), sp.Function("M")
    if variant == "as_written":
        def forms():
            # LinearIsometry unfolds to (a linear map L, ∀ v, ‖L v‖ = ‖v‖); the witness is L := M
            return (sp.Eq(norm(Mf(v)), norm(v)),), (sp.Eq(norm(Mf(v)), norm(v)), sp.Eq(Mf(z), Mf(z)))
        return Reading("orthogonal_of_gaussian_linear", "as written", (("∀ v, ‖M v‖ = ‖v‖", isometric),),
                       conclusion, candidates, forms=forms)

    def forms_weak():
        return (sp.Le(norm(Mf(v)), norm(v)),), (sp.Eq(norm(Mf(v)), norm(v)), sp.Eq(Mf(z), Mf(z)))

    return Reading("orthogonal_of_gaussian_linear", "with content: hypothesis weakened to ‖M v‖ ≤ ‖v‖",
                   (("∀ v, ‖M v‖ ≤ ‖v‖", contraction),), conclusion, candidates, forms=forms_weak)


# --- gaussian_of_affine_score --------------------------------------------------------------

def _affine_coefficients(f) -> tuple | None:
    p = sp.Poly(sp.expand(f), Z)
    if p.degree() > 1:
        return None
    c = p.all_coeffs()
    return (c[0], c[1]) if len(c) == 2 else (sp.Integer(0), c[0])


def _is_gaussian_score(f) -> bool:
    """``IsGaussianScore f``: ∃ α < 0, β, ∀ z, f z = α z + β (coefficient matching)."""
    ab = _affine_coefficients(f)
    return ab is not None and ab[0] < 0


def _affine_score(variant: str) -> Reading:
    def candidates():
        for alpha in (F(-2), F(-1, 2), F(1), F(0)):
            for beta in (F(0), F(1)):
                for score in (sp.Rational(alpha.numerator, alpha.denominator) * Z + sp.Rational(beta.numerator), -Z**3):
                    yield {"score": score, "alpha": alpha, "beta": beta}

    def hscore(m):
        return sp.expand(m["score"] - (sp.Rational(m["alpha"].numerator, m["alpha"].denominator) * Z
                                       + sp.Rational(m["beta"].numerator, m["beta"].denominator))) == 0

    conclusion = ("IsGaussianScore score", lambda m: _is_gaussian_score(m["score"]))
    a, b, z = sp.symbols("alpha beta z")
    s = sp.Function("score")
    concl = (sp.Lt(a, 0), sp.Eq(s(z), a * z + b))  # IsGaussianScore unfolded, witness (α, β)
    if variant == "as_written":
        return Reading("gaussian_of_affine_score", "as written",
                       (("α < 0", lambda m: m["alpha"] < 0), ("∀ z, score z = α z + β", hscore)), conclusion,
                       candidates, forms=lambda: ((sp.Lt(a, 0), sp.Eq(s(z), a * z + b)), concl))
    return Reading("gaussian_of_affine_score", "with content: without the hypothesis α < 0",
                   (("∀ z, score z = α z + β", hscore),), conclusion, candidates,
                   forms=lambda: ((sp.Eq(s(z), a * z + b),), concl))


# --- hermite_first_eigenfunction_of_gaussian -----------------------------------------------

def _affine_eigenfunction_exists(K, score, ev) -> bool:
    """``∃ a ≠ 0, b, ∀ z, K·score(z)·a = −(ev·(a z + b))``.

    The equations are homogeneous linear in (a, b), so a solution with a ≠ 0 exists iff one
    with a = 1 does: ``linsolve`` of the coefficients in z with a = 1 decides it exactly.
    """
    b = sp.Symbol("b")
    eqs = sp.Poly(sp.expand(K * score * 1 + ev * (1 * Z + b)), Z).all_coeffs()
    return sp.linsolve(eqs, [b]) != sp.EmptySet


def _hermite_first(variant: str) -> Reading:
    def candidates():
        for K in (F(1), F(2)):
            for alpha, beta in ((F(-1), F(0)), (F(-1, 2), F(1))):
                for ev in (F(1), F(2), F(1, 2)):
                    yield {"K": K, "score": sp.Rational(alpha.numerator, alpha.denominator) * Z
                           + sp.Rational(beta.numerator, beta.denominator), "ev": ev}

    def r(x):
        return sp.Rational(x.numerator, x.denominator)

    hyps = [("lc.hK : 0 < K", lambda m: m["K"] > 0), ("lc.hev : 0 < ev", lambda m: m["ev"] > 0),
            ("IsGaussianScore lc.score", lambda m: _is_gaussian_score(m["score"]))]
    conclusion = ("∃ a ≠ 0, b, ∀ z, K·score(z)·a = −(ev·(a z + b)) (linsolve)",
                  lambda m: _affine_eigenfunction_exists(r(m["K"]), m["score"], r(m["ev"])))
    if variant == "as_written":
        return Reading("hermite_first_eigenfunction_of_gaussian", "as written", tuple(hyps), conclusion, candidates,
                       note="ev is a positive real field of LatentComponent, not tied to score or K")

    def tied(m):  # the eigenvalue of z under K(f'' + s f') for s = αz + β is −Kα
        return r(m["ev"]) == -r(m["K"]) * _affine_coefficients(m["score"])[0]

    def argument():
        K, ev, beta = sp.Symbol("K", positive=True), sp.Symbol("ev", positive=True), sp.Symbol("beta", real=True)
        alpha = -ev / K  # the tie, solved for α < 0
        ok = _affine_eigenfunction_exists(K, alpha * Z + beta, ev)
        return ok, "with ev = −Kα, linsolve gives the witness a = 1, b = β/α for symbolic K > 0, ev > 0, β"

    return Reading("hermite_first_eigenfunction_of_gaussian",
                   "repaired: the field ev is the eigenvalue −Kα of the score it describes",
                   tuple(hyps) + (("ev = −K·(slope of score)", tied),), conclusion, candidates, argument=argument)


# --- polar_bound_axiom, pythagorean_axiom --------------------------------------------------

_REALS = (F(0), F(1), F(2), F(-1))


def _polar(variant: str) -> Reading:
    def candidates():
        for M, e, W in itertools.product(_REALS, repeat=3):
            yield {"M_Q_norm": M, "epsilon": e, "W_nl": W}

    M, e, W = sp.symbols("M_Q_norm epsilon W_nl")
    base = [("0 ≤ ε", lambda m: m["epsilon"] >= 0), ("0 ≤ W_nl", lambda m: m["W_nl"] >= 0)]
    conclusion = ("M_Q_norm ≤ ε + W_nl", lambda m: m["M_Q_norm"] <= m["epsilon"] + m["W_nl"])
    if variant == "as_written":
        return Reading("polar_bound_axiom", "as written",
                       tuple(base) + (("M_Q_norm ≤ ε + W_nl", conclusion[1]),), conclusion, candidates,
                       forms=lambda: ((sp.Le(0, e), sp.Le(0, W), sp.Le(M, e + W)), (sp.Le(M, e + W),)))
    return Reading("polar_bound_axiom", "with content: the bound itself, over the same bare reals", tuple(base),
                   conclusion, candidates, forms=lambda: ((sp.Le(0, e), sp.Le(0, W)), (sp.Le(M, e + W),)),
                   note="over bare reals the bound is false: its content needs M, Q and the covariance")


def _pythagorean(variant: str) -> Reading:
    def candidates():
        for T, S, W in itertools.product(_REALS, repeat=3):
            yield {"total_error": T, "M_Q_norm_sq": S, "W_nl": W}

    T, S, W = sp.symbols("total_error M_Q_norm_sq W_nl")
    eq = ("total_error = M_Q_norm_sq + W_nl", lambda m: m["total_error"] == m["M_Q_norm_sq"] + m["W_nl"])
    if variant == "as_written":
        return Reading("pythagorean_axiom", "as written", (eq,), eq, candidates,
                       forms=lambda: ((sp.Eq(T, S + W),), (sp.Eq(T, S + W),)))
    return Reading("pythagorean_axiom", "with content: the identity itself, over the same bare reals", (), eq,
                   candidates, forms=lambda: ((), (sp.Eq(T, S + W),)))


# --- amgm_sum_ge_prod_pow, exp_mean_ge_mean_exp --------------------------------------------

def _tuples(values, m_max=3):
    for m in range(0, m_max + 1):
        yield from itertools.product(values, repeat=m)


def _amgm(variant: str) -> Reading:
    def candidates():
        for a in _tuples((F(0), F(1), F(2), F(1, 2))):
            yield {"m": len(a), "a": list(a)}

    def conclusion(m):
        mean = lean_div(sum(m["a"], F(0)), F(m["m"]))
        prod = F(1)
        for x in m["a"]:
            prod *= x  # an empty product is 1
        return rpow_le(prod, lean_div(F(1), F(m["m"])), mean)

    hyps = [("∀ i, 0 ≤ a i", lambda m: all(x >= 0 for x in m["a"]))]
    c = ("(∑ a) / m ≥ (∏ a) ^ (1 / m)  [x/0 = 0, rpow]", conclusion)
    if variant == "as_written":
        return Reading("amgm_sum_ge_prod_pow", "as written", tuple(hyps), c, candidates,
                       note="at m = 0: (empty sum)/0 = 0 and (empty product)^(1/0) = 1^0 = 1, so 0 ≥ 1")
    return Reading("amgm_sum_ge_prod_pow", "repaired: 0 < m added", tuple(hyps) + (("0 < m", lambda m: m["m"] > 0),),
                   c, candidates)


def _exp_mean(variant: str) -> Reading:
    def candidates():
        for f in _tuples((F(-1), F(0), F(1), F(2), F(1, 2))):
            yield {"m": len(f), "f": list(f)}

    def conclusion(m):
        n = m["m"]
        if n == 0:
            return lean_div(F(0), F(0)) >= 1  # empty sum over Fin 0, then 0 / 0 = 0
        total = sum(sp.exp(sp.Rational(2, n) * sp.Rational(x.numerator, x.denominator)) for x in m["f"])
        return (total / n - 1).is_nonnegative  # None where sympy cannot decide the sign

    hyps = [("∑ f = 0", lambda m: sum(m["f"], F(0)) == 0)]
    c = ("(∑ exp(2/m · f i)) / m ≥ 1  [x/0 = 0]", conclusion)
    if variant == "as_written":
        return Reading("exp_mean_ge_mean_exp", "as written", tuple(hyps), c, candidates,
                       note="at m = 0 the hypothesis (empty sum = 0) holds and the left side is 0/0 = 0")
    return Reading("exp_mean_ge_mean_exp", "repaired: 0 < m added", tuple(hyps) + (("0 < m", lambda m: m["m"] > 0),),
                   c, candidates)


# --- mazur_ulam ----------------------------------------------------------------------------

_ROT = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])


def _fold_map():
    """f(x) = x on [−1, 1], −x elsewhere (ℝ¹): preserves norms and is onto, but is not affine."""
    return ((sp.Interval(-1, 1), 1), (sp.Interval.open(1, sp.oo), -1), (sp.Interval.open(-sp.oo, -1), -1))


def _mazur(variant: str) -> Reading:
    affine = (("rotation + (1, 2)", _ROT, sp.Matrix([1, 2])), ("reflection", sp.diag(1, -1), sp.Matrix([0, 0])),
              ("identity", sp.eye(2), sp.Matrix([0, 3])), ("scaling 2x", 2 * sp.eye(2), sp.Matrix([0, 0])))

    def candidates():
        for name, A, b in affine:
            yield {"f": name, "_kind": "affine", "_A": A, "_b": b}
        yield {"f": "x on [−1, 1], −x elsewhere (ℝ¹)", "_kind": "fold", "_pieces": _fold_map()}

    def value(m, x):
        for interval, sign in m["_pieces"]:
            if interval.contains(x):
                return sign * x
        raise ValueError(f"x = {x} lies in no piece")

    def isometry(m):
        if m["_kind"] == "affine":  # |f x − f y|² = |x − y|² for symbolic x, y ⟺ AᵀA = I
            return (m["_A"].T * m["_A"] - sp.eye(2)).is_zero_matrix
        pairs = ((sp.Integer(1), sp.Integer(2)), (sp.Integer(0), sp.Integer(3)))
        return False if any(abs(value(m, x) - value(m, y)) != abs(x - y) for x, y in pairs) else None

    def norm_preserving(m):
        if m["_kind"] == "affine":
            return (m["_A"].T * m["_A"] - sp.eye(2)).is_zero_matrix and m["_b"].is_zero_matrix
        return all(abs(sign) == 1 for _, sign in m["_pieces"])  # |±x| = |x| on every piece

    def surjective(m):
        if m["_kind"] == "affine":
            return m["_A"].det() != 0
        images = [sp.imageset(sp.Lambda(Z, sign * Z), interval) for interval, sign in m["_pieces"]]
        return sp.Union(*images) == sp.Reals

    def affine_exists(m):
        if m["_kind"] == "affine":
            return True  # the witness is (A, b) itself
        a, b = sp.symbols("a b")
        eqs = [a * x + b - value(m, x) for x in (sp.Integer(0), sp.Integer(1), sp.Integer(2))]
        return sp.linsolve(eqs, [a, b]) != sp.EmptySet

    conclusion = ("∃ A linear, b, ∀ x, f x = A x + b (linsolve)", affine_exists)
    if variant == "as_written":
        def argument():
            return True, ("the statement as written is the Mazur–Ulam theorem for real normed spaces (Mathlib: "
                          "IsometryEquiv.toRealLinearIsometryEquiv, from which the pull request proves it); the "
                          "Euclidean case is re-derived by claim axiom/mazur-ulam")
        return Reading("mazur_ulam", "as written", (("Isometry f", isometry), ("Surjective f", surjective)),
                       conclusion, candidates, argument=argument)
    return Reading("mazur_ulam", "variant: norms preserved instead of distances",
                   (("∀ x, ‖f x‖ = ‖x‖", norm_preserving), ("Surjective f", surjective)), conclusion, candidates)


# --- stage_pushforward, terminal_pushforward -----------------------------------------------

def _rollout(dyn, plan, z0):
    """States z_0..z_T of z_{t+1} = F z_t + g a_t (deterministic dynamics, ℝ¹)."""
    Fm, g = dyn
    zs = [z0]
    for a in plan:
        zs.append(Fm * zs[-1] + g * a)
    return zs


def _expected(costs, plan, z0, kind, t=None, c=None):
    """``stage_exp a z₀ t c`` or ``term_exp a z₀ c`` of an ExpectedCosts given as data."""
    if costs[0] == "constant":
        return costs[1]
    zs = _rollout(costs[1], plan, z0)
    return c(zs[t], plan[t]) if kind == "stage" else c(zs[-1])


_COSTS = (("constant", F(1)), ("constant", F(0)), ("dynamics", (F(1, 2), F(1))), ("dynamics", (F(-1, 2), F(1))))


def _pushforward_dynamics(costs, Q):
    if costs[0] != "dynamics":
        return None
    Fm, g = costs[1]
    return ("dynamics", (Q * Fm / Q, Q * g))  # F̂ = Q F Q⁻¹, ĝ = Q g


def _pushforward(variant: str, kind: str) -> Reading:
    name = "stage_pushforward" if kind == "stage" else "terminal_pushforward"
    stage_costs = (("z² + a", lambda z, a: z * z + a), ("z + a", lambda z, a: z + a))
    term_costs = (("z²", lambda z: z * z), ("z", lambda z: z))

    def candidates():
        for T in (0, 1, 2):
            plan = [F(1)] * T
            for Q in (F(1), F(-1)):
                for E_hat, E in itertools.product(_COSTS, repeat=2):
                    for cname, c in (stage_costs if kind == "stage" else term_costs):
                        for t in (range(T) if kind == "stage" else (None,)):  # Fin 0 is empty
                            yield {"n": 1, "T": T, "Q": f"z ↦ {Q}·z", "E_hat": E_hat, "E": E, "plan": plan,
                                   "z": F(1), "t": t, "c": cname, "_Q": Q, "_c": c}

    def conclusion(m):
        Q, c = m["_Q"], m["_c"]
        if kind == "stage":
            lhs = _expected(m["E_hat"], m["plan"], Q * m["z"], "stage", m["t"], c)
            rhs = _expected(m["E"], m["plan"], m["z"], "stage", m["t"], lambda z, a: c(Q * z, a))
        else:
            lhs = _expected(m["E_hat"], m["plan"], Q * m["z"], "term", c=c)
            rhs = _expected(m["E"], m["plan"], m["z"], "term", c=lambda z: c(Q * z))
        return lhs == rhs

    label = ("E_hat.stage_exp a (Q z) t c = E.stage_exp a z t (c ∘ (Q × id))" if kind == "stage"
             else "E_hat.term_exp a (Q z) c = E.term_exp a z (c ∘ Q)")
    if variant == "as_written":
        return Reading(name, "as written", (), (label, conclusion), candidates,
                       note="ExpectedCosts is any pair of functions: nothing ties E_hat to E or to Q")

    def tied(m):
        return m["E_hat"] == _pushforward_dynamics(m["E"], m["_Q"])

    def argument():
        # induction ẑ_t = Q z_t: ẑ_{t+1} = F̂ ẑ_t + ĝ a_t = Q F Q⁻¹ Q z_t + Q g a_t = Q z_{t+1}
        a = sp.Symbol("a_t")
        Q = sp.Matrix(2, 2, sp.symbols("q0:4"))
        Fm, gv, zv = sp.Matrix(2, 2, sp.symbols("f0:4")), sp.Matrix(sp.symbols("g0:2")), sp.Matrix(sp.symbols("x0:2"))
        step = (Q * Fm * Q.inv()) * (Q * zv) + (Q * gv) * a - Q * (Fm * zv + gv * a)
        ok = all(sp.simplify(e) == 0 for e in step)
        return ok, ("induction ẑ_t = Q z_t (sympy, symbolic 2×2 F, Q invertible, g, z_t, a_t): then "
                    "c(ẑ_t, a_t) = (c ∘ (Q × id))(z_t, a_t) at every t, and at T")

    return Reading(name, "repaired: E_hat is the pushforward of E by Q (F̂ = QFQ⁻¹, ĝ = Qg)",
                   (("E_hat = pushforward of E by Q", tied),), (label, conclusion), candidates, argument=argument)


_BUILDERS = {
    "mehler_summability": _mehler,
    "correlation_eq_spectral_sum": _correlation,
    "linear_of_degree_one": _linear,
    "orthogonal_of_gaussian_linear": _orthogonal,
    "gaussian_of_affine_score": _affine_score,
    "hermite_first_eigenfunction_of_gaussian": _hermite_first,
    "polar_bound_axiom": _polar,
    "pythagorean_axiom": _pythagorean,
    "amgm_sum_ge_prod_pow": _amgm,
    "exp_mean_ge_mean_exp": _exp_mean,
    "mazur_ulam": _mazur,
    "stage_pushforward": lambda v: _pushforward(v, "stage"),
    "terminal_pushforward": lambda v: _pushforward(v, "terminal"),
}


def reading(axiom: str, variant: str = "as_written") -> Reading:
    """The transcription of ``axiom`` (``"as_written"``) or its negative control (``"control"``)."""
    if axiom not in _BUILDERS:
        raise ValueError(f"axiom must be one of the 13 Lean axioms ({', '.join(_BUILDERS)}), got {axiom!r}")
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return _BUILDERS[axiom](variant)


def readings(variant: str = "as_written") -> Iterable[Reading]:
    """The reading of every audited axiom in ``variant`` (``as_written`` by default)."""
    return (reading(a, variant) for a in _BUILDERS)


def model_repr(model: Mapping[str, Any]) -> str:
    """A counter-model as text: ``name = value, ...``."""
    return ", ".join(f"{k} = {v}" for k, v in model.items())
