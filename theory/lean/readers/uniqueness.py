"""Readings of ``lean/LeJEPA/Uniqueness.lean`` (paper Theorem 2, Lean Theorem 4.2): 2 axioms, 4 theorems.

``LatentComponent`` carries ``K > 0``, a score and an eigenvalue field ``ev > 0`` that nothing ties
to the score. The algebraic direction (an affine eigenfunction forces an affine score with slope
``−ev/K``) is true as written; the headline ``gaussian_uniqueness`` is false as written, because
its first half is the statement of the inconsistent axiom ``hermite_first_eigenfunction_of_gaussian``
(``K = 1``, score ``−z``, ``ev = 2``: a Gaussian score with no affine eigenfunction at that ``ev``).
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from lejepa_verify.theory.claims import proof
from lejepa_verify.theory.lean.audit import Reading, Variant, audit_spec
from lejepa_verify.theory.lean.readers import READERS
from lejepa_verify.theory.lean.semantics import (
    F,
    Z,
    affine_coefficients,
    affine_eigenfunction_exists,
    eigen_holds,
    is_gaussian_score,
    is_zero,
    rat,
    steps,
)

_INCONSISTENT = proof("the statement as written, refuted by one exact counter-model "
                      "(a single instance suffices to refute a universal statement)")
_TAUTOLOGY = proof("every choice of the arguments: the conclusion is structurally one of the hypotheses")


# ============================================================================ axioms


@audit_spec("gaussian_of_affine_score", expected="tautology",
            statement="a tautology as written: IsGaussianScore unfolds to the hypotheses α < 0 and score = αz + β",
            scope=_TAUTOLOGY,
            controls=(Variant("control", "dropped hypothesis",
                              "without the hypothesis α < 0 the axiom is still a tautology (refuted: score z = z)"),))
def gaussian_of_affine_score(variant: str) -> Reading:
    def candidates():
        for alpha in (F(-2), F(-1, 2), F(1), F(0)):
            for beta in (F(0), F(1)):
                for score in (rat(alpha) * Z + rat(beta), -Z**3):
                    yield {"score": score, "alpha": alpha, "beta": beta}

    def hscore(m):
        return sp.expand(m["score"] - (rat(m["alpha"]) * Z + rat(m["beta"]))) == 0

    conclusion = ("IsGaussianScore score", lambda m: is_gaussian_score(m["score"]))
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


def _tied_ev(m) -> bool:
    """The repair: ev is the eigenvalue −K·(slope of the score) of z under K(f'' + s f')."""
    ab = affine_coefficients(m["score"])
    return ab is not None and rat(m["ev"]) == -rat(m["K"]) * ab[0]


@functools.lru_cache(maxsize=None)
def _repaired_first_argument() -> tuple[bool, str]:
    K, ev, beta = sp.Symbol("K", positive=True), sp.Symbol("ev", positive=True), sp.Symbol("beta", real=True)
    alpha = -ev / K  # the tie, solved for α < 0
    return steps(("with ev = −Kα, linsolve gives the witness a = 1, b = β/α for symbolic K > 0, ev > 0, β",
                  affine_eigenfunction_exists(K, alpha * Z + beta, ev)))


@audit_spec("hermite_first_eigenfunction_of_gaussian", expected="inconsistent",
            statement="inconsistent as written: the eigenvalue field ev is not tied to the score (K = 1, score = −z, ev = 2)",
            scope=_INCONSISTENT,
            controls=(Variant("control", "repaired statement",
                              "the repaired axiom (ev = −K · slope of the score) is inconsistent"),))
def hermite_first_eigenfunction_of_gaussian(variant: str) -> Reading:
    def candidates():
        for K in (F(1), F(2)):
            for alpha, beta in ((F(-1), F(0)), (F(-1, 2), F(1))):
                for ev in (F(1), F(2), F(1, 2)):
                    yield {"K": K, "score": rat(alpha) * Z + rat(beta), "ev": ev}

    hyps = [("lc.hK : 0 < K", lambda m: m["K"] > 0), ("lc.hev : 0 < ev", lambda m: m["ev"] > 0),
            ("IsGaussianScore lc.score", lambda m: is_gaussian_score(m["score"]))]
    conclusion = ("∃ a ≠ 0, b, ∀ z, K·score(z)·a = −(ev·(a z + b)) (linsolve)",
                  lambda m: affine_eigenfunction_exists(rat(m["K"]), m["score"], rat(m["ev"])))
    if variant == "as_written":
        return Reading("hermite_first_eigenfunction_of_gaussian", "as written", tuple(hyps), conclusion, candidates,
                       note="ev is a positive real field of LatentComponent, not tied to score or K")
    return Reading("hermite_first_eigenfunction_of_gaussian",
                   "repaired: the field ev is the eigenvalue −Kα of the score it describes",
                   tuple(hyps) + (("ev = −K·(slope of score)", _tied_ev),), conclusion, candidates,
                   argument=_repaired_first_argument)


# ============================================================================ theorems

_SCORES = (-Z, -2 * Z, -Z / 2, -Z / 2 - sp.Rational(1, 2), Z, Z**3, sp.Integer(0), -Z - 1)


def _component_models(with_ab: bool = True):
    for K, ev, score in itertools.product((F(1), F(2)), (F(0), F(1), F(2)), _SCORES):
        if not with_ab:
            yield {"K": K, "ev": ev, "score": score}
            continue
        for a, b in itertools.product((F(0), F(1), F(-1, 2)), (F(0), F(1))):
            yield {"K": K, "ev": ev, "score": score, "a": a, "b": b}


def _component_hyps(variant: str) -> list:
    hyps = [("lc.hK : 0 < K", lambda m: m["K"] > 0)]
    hyps.append(("ev ≥ 0 (weakened)", lambda m: m["ev"] >= 0) if variant == "ev_nonneg"
                else ("lc.hev : 0 < ev", lambda m: m["ev"] > 0))
    if variant != "a_zero_allowed":
        hyps.append(("ha : a ≠ 0", lambda m: m["a"] != 0))
    hyps.append(("heigen : ∀ z, K·score z·a = −(ev·(a z + b))",
                 lambda m: eigen_holds(rat(m["K"]), m["score"], rat(m["ev"]), rat(m["a"]), rat(m["b"]))))
    return hyps


@functools.lru_cache(maxsize=None)
def _score_argument() -> tuple[bool, str]:
    K, ev = sp.Symbol("K", positive=True), sp.Symbol("ev", positive=True)
    a = sp.Symbol("a", nonzero=True, real=True)
    b = sp.Symbol("b", real=True)
    s = sp.Function("score")
    solved = sp.solve(sp.Eq(K * s(Z) * a, -(ev * (a * Z + b))), s(Z))
    score = solved[0] if len(solved) == 1 else None
    slope = None if score is None else sp.Poly(sp.expand(score), Z).coeff_monomial(Z)
    return steps(("heigen solved for score(z): −ev(az + b)/(Ka), affine in z (sympy, symbolic K > 0, ev > 0, a ≠ 0, b)",
                  score is not None and sp.Poly(sp.expand(score), Z).degree() <= 1),
                 ("its slope −ev/K is < 0", slope is not None and is_zero(slope + ev / K) and bool((-ev / K).is_negative)))


_SLOPE_CONTROLS = (
    Variant("a_zero_allowed", "dropped hypothesis",
            "the same without a ≠ 0 (refuted: a = b = 0, score z = z³)"),
    Variant("ev_nonneg", "weakened hypothesis", "the same with ev ≥ 0 (refuted: ev = 0, score = 0)"),
)


@audit_spec("score_affine_of_eigenfunction", expected="true",
            statement="true as written: K·score·a = −ev(az + b) with a ≠ 0 gives score = −(ev/K)z − ev·b/(Ka), slope < 0",
            scope=proof("every K > 0, ev > 0, a ≠ 0, b (symbolic; solving the eigen-equation for the score)"),
            controls=_SLOPE_CONTROLS + (
                Variant("slope_minus_ev", "wrong constant",
                        "the score is −ev·z + β (the division by K dropped; refuted: K = 2, ev = 1)"),))
def score_affine_of_eigenfunction(variant: str) -> Reading:
    def concl(m):
        ab = affine_coefficients(m["score"])
        if ab is None:
            return False
        if variant == "slope_minus_ev":
            return bool(ab[0] == -rat(m["ev"]))
        return bool(ab[0] < 0)

    return Reading("score_affine_of_eigenfunction", variant, tuple(_component_hyps(variant)),
                   ("∃ α < 0, β, ∀ z, score z = α z + β", concl), _component_models,
                   argument=_score_argument if variant == "as_written" else None,
                   searched="K ∈ {1, 2}, ev ∈ {0, 1, 2}, eight polynomial scores, a ∈ {0, 1, −1/2}, b ∈ {0, 1}")


@audit_spec("gaussian_of_affine_eigenfunction", expected="true",
            statement="true as written: an affine eigenfunction (a ≠ 0) forces IsGaussianScore (slope −ev/K < 0)",
            scope=proof("every K > 0, ev > 0, a ≠ 0, b (symbolic)"),
            controls=_SLOPE_CONTROLS + (
                Variant("unit_variance", "wrong constant",
                        "the score is that of a unit-variance Gaussian, −z + β (refuted: K = 1, ev = 2)"),))
def gaussian_of_affine_eigenfunction(variant: str) -> Reading:
    def concl(m):
        if variant == "unit_variance":
            ab = affine_coefficients(m["score"])
            return ab is not None and ab[0] == -1
        return is_gaussian_score(m["score"])

    return Reading("gaussian_of_affine_eigenfunction", variant, tuple(_component_hyps(variant)),
                   ("IsGaussianScore score", concl), _component_models,
                   argument=_score_argument if variant == "as_written" else None,
                   searched="K ∈ {1, 2}, ev ∈ {0, 1, 2}, eight polynomial scores, a ∈ {0, 1, −1/2}, b ∈ {0, 1}")


def _only_if(m) -> bool:
    """∀ a b, a ≠ 0 → heigen → IsGaussianScore: some (a ≠ 0, b) solving heigen makes the score Gaussian."""
    return (not affine_eigenfunction_exists(rat(m["K"]), m["score"], rat(m["ev"]))) or is_gaussian_score(m["score"])


def _if(m) -> bool:
    """IsGaussianScore → ∃ a ≠ 0, b, heigen."""
    return (not is_gaussian_score(m["score"])) or affine_eigenfunction_exists(rat(m["K"]), m["score"], rat(m["ev"]))


@audit_spec("gaussian_uniqueness", expected="inconsistent",
            statement="false as written: its first half is the inconsistent axiom's statement (K = 1, score = −2z, "
                      "ev = 1: a Gaussian score whose affine eigenfunction z has eigenvalue 2, not ev = 1)",
            scope=_INCONSISTENT,
            controls=(Variant("repaired", "repaired statement",
                              "with ev tied to the score (ev = −K·slope) the biconditional is false"),
                      Variant("only_if", "repaired statement",
                              "its second half alone (affine eigenfunction ⇒ Gaussian, the direction proved without "
                              "the false axiom) is false")))
def gaussian_uniqueness(variant: str) -> Reading:
    hyps = [("lc.hK : 0 < K", lambda m: m["K"] > 0), ("lc.hev : 0 < ev", lambda m: m["ev"] > 0)]
    argument = None
    if variant == "repaired":
        hyps.append(("ev = −K·(slope of score) where the score is affine", lambda m: (affine_coefficients(m["score"]) is None)
                     or _tied_ev(m)))

        def argument():
            ok1, t1 = _repaired_first_argument()
            ok2, t2 = _score_argument()
            return steps(("if: " + t1, ok1), ("only if: " + t2, ok2))
        concl = ("(Gaussian → affine eigenfunction) ∧ (affine eigenfunction → Gaussian)", lambda m: _if(m) and _only_if(m))
    elif variant == "only_if":
        argument = _score_argument
        concl = ("∀ a b, a ≠ 0 → heigen → IsGaussianScore", _only_if)
    else:
        concl = ("(Gaussian → affine eigenfunction) ∧ (affine eigenfunction → Gaussian)", lambda m: _if(m) and _only_if(m))
    return Reading("gaussian_uniqueness", variant, tuple(hyps), concl, lambda: _component_models(with_ab=False),
                   argument=argument, searched="K ∈ {1, 2}, ev ∈ {0, 1, 2}, eight polynomial scores")


@functools.lru_cache(maxsize=None)
def _zero_mean_argument() -> tuple[bool, str]:
    K, ev = sp.Symbol("K", positive=True), sp.Symbol("ev", positive=True)
    s = sp.Function("score")
    solved = sp.solve(sp.Eq(K * s(Z) * 1, -(ev * (1 * Z + 0))), s(Z))
    return steps(("heigen with a = 1, b = 0 solved for score(z): −(ev/K)z (sympy, symbolic K > 0, ev > 0)",
                  len(solved) == 1 and is_zero(solved[0] + ev / K * Z)))


@audit_spec("score_pure_linear_zero_mean", expected="true",
            statement="true as written: K·score(z) = −ev·z gives score(z) = −(ev/K) z",
            scope=proof("every K > 0 and ev > 0 (symbolic)"),
            controls=(Variant("missing_K", "wrong constant", "score(z) = −ev·z (refuted: K = 2)"),
                      Variant("inverted", "wrong constant", "score(z) = −(K/ev) z (refuted: K = 1, ev = 2)"),
                      Variant("squared", "wrong exponent", "score(z) = −(ev/K) z² (refuted: any component)")))
def score_pure_linear_zero_mean(variant: str) -> Reading:
    hyps = (("lc.hK : 0 < K", lambda m: m["K"] > 0), ("lc.hev : 0 < ev", lambda m: m["ev"] > 0),
            ("heigen : ∀ z, K·score z·1 = −(ev·(1·z + 0))",
             lambda m: eigen_holds(rat(m["K"]), m["score"], rat(m["ev"]), 1, 0)))
    target = {"missing_K": lambda K, ev: -ev * Z, "inverted": lambda K, ev: -(K / ev) * Z,
              "squared": lambda K, ev: -(ev / K) * Z**2}.get(variant, lambda K, ev: -(ev / K) * Z)
    return Reading("score_pure_linear_zero_mean", variant, hyps,
                   ("∀ z, score z = −(ev/K) z", lambda m: sp.expand(m["score"] - target(rat(m["K"]), rat(m["ev"]))) == 0),
                   lambda: _component_models(with_ab=False),
                   argument=_zero_mean_argument if variant == "as_written" else None,
                   searched="K ∈ {1, 2}, ev ∈ {0, 1, 2}, eight polynomial scores")


SPECS = (gaussian_of_affine_score, hermite_first_eigenfunction_of_gaussian, score_affine_of_eigenfunction,
         gaussian_of_affine_eigenfunction, gaussian_uniqueness, score_pure_linear_zero_mean)
READERS.add("uniqueness", SPECS, module=__name__)
