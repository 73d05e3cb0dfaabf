"""Readings of ``lean/LeJEPA/Hermite.lean`` (paper Theorem 1, Lean Theorem 4.1): 4 axioms, 9 theorems.

``HermiteEncoder`` has three independent fields, ``toFun``, ``spectrum`` and ``correlation``:
nothing ties the spectrum or the correlation to the map. Every statement about the spectrum is
therefore a statement about bare numbers, and the theorem ``hermite_identifiability`` is false
as written: ``toFun z = |z|`` (n = 1) with spectrum δ₁ and correlation ρ meets every hypothesis
(``hnorm`` holds because ``||v| − |0|| = |v|``) and is not linear. Lean proves it only through
the inconsistent axiom ``linear_of_degree_one``; its orthogonality comes from ``hnorm``, which
stands in for the Gaussian constraint the paper states and the file never mentions.
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from lejepa_verify.theory.claims import proof
from lejepa_verify.theory.lean.audit import Reading, Variant, audit_spec
from lejepa_verify.theory.lean.readers import READERS
from lejepa_verify.theory.lean.readers.common import grid_reading
from lejepa_verify.theory.lean.semantics import (
    CLOSED_WEIGHTS,
    D,
    F,
    FINITE_WEIGHTS,
    U_NONNEG,
    Z,
    at_most_one,
    below_one,
    closed_sum,
    degree_fractions,
    is_linear_1d,
    is_spectral_weights,
    is_zero,
    positive_rho,
    rat,
    rho_power_at_most_one,
    series_converges,
    spectral_sum,
    steps,
    weights_nonneg,
    weights_total_one,
    weights_zero_degree,
)

_INCONSISTENT = proof("the statement as written, refuted by one exact counter-model "
                      "(a single instance suffices to refute a universal statement)")
_TAUTOLOGY = proof("every choice of the arguments: the conclusion is structurally one of the hypotheses")


def _w_label(w) -> str:
    return str(w) if not isinstance(w, dict) else "{" + ", ".join(f"{d}: {v}" for d, v in w.items()) + "}"


# ============================================================================ axioms


@audit_spec("mehler_summability", expected="true",
            statement="true as written: 0 ≤ w_d ρ^d ≤ w_d for 0 < ρ < 1 (comparison test)",
            scope=proof("every SpectralWeights and every 0 < ρ < 1 (comparison test, symbolic d)"),
            controls=(Variant("control", "dropped hypothesis",
                              "the same axiom without ρ < 1 is true (refuted: w_d = 6/(π²d²), ρ = 2)"),
                      Variant("inverse_power", "wrong exponent",
                              "Σ_d w_d ρ^(−d) converges for 0 < ρ < 1 (refuted: w_d = 6/(π²d²), ρ = 1/2)")))
def mehler_summability(variant: str) -> Reading:
    rhos = (F(1, 2), F(9, 10), F(2))

    def candidates():
        for w in FINITE_WEIGHTS + CLOSED_WEIGHTS:
            for rho in rhos:
                yield {"w": w, "rho": rho}

    power = -D if variant == "inverse_power" else D

    def summable(m):
        if isinstance(m["w"], dict):
            return True  # a finitely supported sequence is summable
        return series_converges(m["w"] * rat(m["rho"]) ** power)

    def argument():
        return steps(("w_d ≥ 0 (field) and ρ^d ≤ 1 for 0 < ρ ≤ 1 (induction ρ^0 = 1, ρ^d − ρ^(d+1) = ρ^d(1 − ρ) ≥ 0; "
                      "sympy, ρ = 1/(1+u), symbolic d)", rho_power_at_most_one()),
                     ("so 0 ≤ w_d ρ^d ≤ w_d, and Σ w_d converges (field): the comparison test", True))

    hyps = [("SpectralWeights fields", lambda m: is_spectral_weights(m["w"])), ("0 < ρ", positive_rho)]
    if variant in ("as_written", "inverse_power"):
        hyps.append(("ρ < 1", below_one))
        label = "Summable (w_d ρ^d)" if variant == "as_written" else "Summable (w_d ρ^(−d))"
        return Reading("mehler_summability", variant.replace("_", " "), tuple(hyps), (label, summable),
                       candidates, argument=argument if variant == "as_written" else None)
    return Reading("mehler_summability", "variant without ρ < 1", tuple(hyps), ("Summable (w_d ρ^d)", summable),
                   candidates, note="dropping hρ1 lets ρ = 2 in, where 6/(π²d²)·2^d does not even tend to 0")


@audit_spec("correlation_eq_spectral_sum", expected="inconsistent",
            statement="inconsistent as written: the correlation field is any real and ρ is quantified inside",
            scope=_INCONSISTENT,
            controls=(Variant("control", "repaired statement", "the repaired axiom (correlation field defined as "
                              "Σ w_d ρ₀^d at the encoder's ρ₀) is inconsistent"),))
def correlation_eq_spectral_sum(variant: str) -> Reading:
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
            ("0 < ρ", positive_rho), ("ρ < 1", below_one)]
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


@audit_spec("linear_of_degree_one", expected="inconsistent",
            statement="inconsistent as written: toFun is not tied to the spectrum field (toFun z = z + 1, w = δ_1)",
            scope=_INCONSISTENT,
            controls=(Variant("control", "repaired statement",
                              "the repaired axiom (spectrum = Hermite spectrum of toFun) is inconsistent"),))
def linear_of_degree_one(variant: str) -> Reading:
    maps = (2 * Z, Z + 1, Z**2, Z**3 - 3 * Z, -Z)

    def candidates():
        for f in maps:
            for w in FINITE_WEIGHTS[:3]:
                yield {"n": 1, "toFun": f, "spectrum": [w]}

    hyps = [("SpectralWeights fields", lambda m: all(is_spectral_weights(w) for w in m["spectrum"])),
            ("∀ i d, 2 ≤ d → w_d = 0", lambda m: all(v == 0 for w in m["spectrum"] for d, v in w.items() if d >= 2))]
    conclusion = ("∃ M linear, ∀ z, toFun z = M z (coefficient matching)", lambda m: is_linear_1d(m["toFun"]))
    if variant == "as_written":
        return Reading("linear_of_degree_one", "as written", tuple(hyps), conclusion, candidates,
                       note="toFun and spectrum are independent fields of HermiteEncoder")

    def tied(m):
        return degree_fractions(m["toFun"]) == {d: v for d, v in m["spectrum"][0].items() if v != 0}

    return Reading("linear_of_degree_one", "repaired: the spectrum field is the Hermite spectrum of toFun",
                   tuple(hyps) + (("spectrum = degree energies of toFun / E[toFun²]", tied),), conclusion, candidates)


_MATRICES = (sp.Matrix([[1]]), sp.Matrix([[-1]]), sp.Matrix([[2]]), sp.Matrix([[0]]),
             sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]]),
             sp.Matrix([[1, 1], [0, 1]]), sp.Matrix([[sp.Rational(1, 2), 0], [0, 0]]))


def norm_form(M):
    """``‖v‖² − ‖M v‖²`` as a quadratic form in symbolic v: its matrix is I − MᵀM."""
    return sp.eye(M.shape[0]) - M.T * M


@audit_spec("orthogonal_of_gaussian_linear", expected="tautology",
            statement="a tautology as written: a linear isometry is a linear map with ‖M v‖ = ‖v‖, the hypothesis",
            scope=_TAUTOLOGY,
            controls=(Variant("control", "weakened hypothesis", "with the hypothesis weakened to ‖M v‖ ≤ ‖v‖ the "
                              "axiom is still a tautology (refuted: M = 0)"),))
def orthogonal_of_gaussian_linear(variant: str) -> Reading:
    def candidates():
        for M in _MATRICES:
            yield {"M": M.tolist()}

    def isometric(m):  # ∀ v, ‖M v‖ = ‖v‖  ⟺  MᵀM = I (polynomial identity in v)
        return norm_form(sp.Matrix(m["M"])).is_zero_matrix

    def contraction(m):  # ∀ v, ‖M v‖ ≤ ‖v‖  ⟺  I − MᵀM ⪰ 0
        return all(e >= 0 for e in norm_form(sp.Matrix(m["M"])).eigenvals())

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


# ============================================================================ theorems: ρ^d

_RHOS = (F(-1, 2), F(0), F(1, 3), F(1, 2), F(9, 10), F(1), F(2))


@functools.lru_cache(maxsize=None)
def _pow_le_argument() -> tuple[bool, str]:
    d = sp.Symbol("d", integer=True, positive=True)
    rho = 1 / (1 + U_NONNEG)
    return steps(("ρ − ρ^d = ρ(1 − ρ^(d−1)) for symbolic d ≥ 1 (ρ = 1/(1+u), u ≥ 0 covers 0 < ρ ≤ 1)",
                  is_zero(rho - rho**d - rho * (1 - rho ** (d - 1)))),
                 ("ρ > 0", bool(rho.is_positive)),
                 ("ρ^m ≤ 1 for every m ≥ 0 (induction)", rho_power_at_most_one()))


@audit_spec("pow_le_self_of_pos_lt_one", expected="true",
            statement="true as written: ρ^d ≤ ρ for 0 < ρ ≤ 1 and d ≥ 1 (ρ − ρ^d = ρ(1 − ρ^(d−1)) ≥ 0)",
            scope=proof("every 0 < ρ ≤ 1 and every d ≥ 1 (symbolic d, induction on the power)"),
            controls=(Variant("no_rho_le_one", "dropped hypothesis", "ρ^d ≤ ρ for every ρ > 0, d ≥ 1 (refuted at ρ = 2)"),
                      Variant("no_d_ge_one", "dropped hypothesis", "ρ^d ≤ ρ for 0 < ρ ≤ 1 and every d ≥ 0 (refuted at d = 0)"),
                      Variant("exponent_two", "wrong exponent", "ρ^d ≤ ρ² for 0 < ρ ≤ 1, d ≥ 1 (refuted at d = 1)"),
                      Variant("strict", "strengthened conclusion", "ρ^d < ρ for 0 < ρ ≤ 1, d ≥ 1 (refuted at d = 1)")))
def pow_le_self_of_pos_lt_one(variant: str) -> Reading:
    hyps = [("0 < ρ", positive_rho)]
    if variant != "no_rho_le_one":
        hyps.append(("ρ ≤ 1", at_most_one))
    if variant != "no_d_ge_one":
        hyps.append(("1 ≤ d", lambda m: m["d"] >= 1))
    if variant == "exponent_two":
        concl = ("ρ^d ≤ ρ²", lambda m: m["rho"] ** m["d"] <= m["rho"] ** 2)
    elif variant == "strict":
        concl = ("ρ^d < ρ", lambda m: m["rho"] ** m["d"] < m["rho"])
    else:
        concl = ("ρ^d ≤ ρ", lambda m: m["rho"] ** m["d"] <= m["rho"])
    return grid_reading("pow_le_self_of_pos_lt_one", variant, {"rho": _RHOS, "d": (0, 1, 2, 3, 7)}, hyps, concl,
                        argument=_pow_le_argument if variant == "as_written" else None)


@audit_spec("pow_lt_self_of_ge_two", expected="true",
            statement="true as written: ρ^d < ρ for 0 < ρ < 1 and d ≥ 2 (ρ − ρ^d = ρ(1 − ρ)(1 + … + ρ^(d−2)) > 0)",
            scope=proof("every 0 < ρ < 1 and every d ≥ 2 (symbolic d, factorisation)"),
            controls=(Variant("d_ge_one", "weakened hypothesis", "ρ^d < ρ for 0 < ρ < 1 and d ≥ 1 (refuted at d = 1)"),
                      Variant("rho_le_one", "weakened hypothesis", "ρ^d < ρ for 0 < ρ ≤ 1, d ≥ 2 (refuted at ρ = 1)"),
                      Variant("exponent_two", "wrong exponent", "ρ^d < ρ² for 0 < ρ < 1, d ≥ 2 (refuted at d = 2)")))
def pow_lt_self_of_ge_two(variant: str) -> Reading:
    hyps = [("0 < ρ", positive_rho), ("ρ ≤ 1", at_most_one) if variant == "rho_le_one" else ("ρ < 1", below_one),
            ("1 ≤ d", lambda m: m["d"] >= 1) if variant == "d_ge_one" else ("2 ≤ d", lambda m: m["d"] >= 2)]
    if variant == "exponent_two":
        concl = ("ρ^d < ρ²", lambda m: m["rho"] ** m["d"] < m["rho"] ** 2)
    else:
        concl = ("ρ^d < ρ", lambda m: m["rho"] ** m["d"] < m["rho"])

    def argument():
        from lejepa_verify.theory.degree_proofs import excess_proof

        p = excess_proof(2)
        return steps((p.statement + " (" + "; ".join(s.text for s in p.steps) + ")", p.holds))

    return grid_reading("pow_lt_self_of_ge_two", variant, {"rho": _RHOS, "d": (0, 1, 2, 3, 7)}, hyps, concl,
                        argument=argument if variant == "as_written" else None)


# ============================================================================ theorems: spectral weights

_FIELDS = (("∀ d, 0 ≤ w d", "nonneg", weights_nonneg), ("w 0 = 0", "zero_degree", weights_zero_degree),
           ("Summable w ∧ ∑' w = 1", "total", weights_total_one))


def _weights_hyps(dropped: str | None = None) -> list:
    return [(f"SpectralWeights.{key}: {text}", lambda m, f=fn: f(m["w"])) for text, key, fn in _FIELDS if key != dropped]


@audit_spec("spectral_term_le", expected="true",
            statement="true as written: w_d ρ^d ≤ w_d ρ for 0 < ρ ≤ 1 (d = 0: w_0 = 0; d ≥ 1: w_d ≥ 0 and ρ^d ≤ ρ)",
            scope=proof("every SpectralWeights, 0 < ρ ≤ 1 and d (symbolic d)"),
            controls=(Variant("no_zero_degree", "dropped hypothesis",
                              "the same without the field w 0 = 0 (refuted: w = {0: 1/2, 1: 1/2}, d = 0, ρ = 1/2)"),
                      Variant("no_nonneg", "dropped hypothesis",
                              "the same without the field w ≥ 0 (refuted: w = {1: 3/2, 2: −1/2}, d = 2)"),
                      Variant("exponent_two", "wrong exponent", "w_d ρ^d ≤ w_d ρ² (refuted at d = 1)")))
def spectral_term_le(variant: str) -> Reading:
    dropped = {"no_zero_degree": "zero_degree", "no_nonneg": "nonneg"}.get(variant)
    hyps = _weights_hyps(dropped) + [("0 < ρ", positive_rho), ("ρ ≤ 1", at_most_one)]
    power = 2 if variant == "exponent_two" else 1

    def concl(m):
        wd = m["w"].get(m["d"], F(0))
        return wd * m["rho"] ** m["d"] <= wd * m["rho"] ** power

    def argument():
        ok, text = _pow_le_argument()
        return steps(("d = 0: w 0 = 0 makes both sides 0", True),
                     ("d ≥ 1: w_d ≥ 0 times ρ^d ≤ ρ (" + text + ")", ok))

    return grid_reading("spectral_term_le", variant,
                        {"w": FINITE_WEIGHTS, "rho": (F(1, 2), F(1), F(2)), "d": (0, 1, 2, 3)}, hyps,
                        (f"w_d ρ^d ≤ w_d ρ^{power}", concl), argument=argument if variant == "as_written" else None)


def _closed_summable(term) -> bool | None:
    return series_converges(sp.simplify(term))


@functools.lru_cache(maxsize=None)
def _linearity_of_tsum() -> bool:
    """``Σ_d c·w(d) = c·Σ_d w(d)`` for a symbolic sequence ``w`` and constant ``c`` (sympy)."""
    c = sp.Symbol("c", real=True)
    w = sp.Function("w")
    return is_zero(sp.Sum(c * w(D), (D, 1, sp.oo)) - c * sp.Sum(w(D), (D, 1, sp.oo)))


@audit_spec("summable_spectral_upper", expected="true",
            statement="true as written: Σ_d w_d ρ converges for every SpectralWeights and every real ρ (Σ c·w_d = c·Σ w_d)",
            scope=proof("every SpectralWeights and every real ρ (linearity of a convergent series)"),
            controls=(Variant("no_total", "dropped hypothesis",
                              "Σ_d w_d ρ converges for every w ≥ 0 with w 0 = 0 (the fields Summable and ∑' w = 1 "
                              "dropped; refuted: w_d = 1, ρ = 1/2)"),
                      Variant("inverse_power", "wrong exponent",
                              "Σ_d w_d ρ^(−d) converges (refuted: w_d = 2^(−d), ρ = 1/2)"),
                      Variant("degree_weight", "added term",
                              "Σ_d d·w_d ρ converges (refuted: w_d = 6/(π²d²), ρ = 1/2)")))
def summable_spectral_upper(variant: str) -> Reading:
    hyps = _weights_hyps("total" if variant == "no_total" else None)

    def term(m):
        r = rat(m["rho"])
        if variant == "inverse_power":
            return lambda w: w * r ** (-D)
        if variant == "degree_weight":
            return lambda w: D * w * r
        return lambda w: w * r

    def concl(m):
        t = term(m)
        if isinstance(m["w"], dict):
            return True  # finitely many non-zero terms
        return _closed_summable(t(m["w"]))

    def argument():
        return steps(("Σ_d c·w(d) − c·Σ_d w(d) = 0 for a symbolic sequence w and constant c (sympy)",
                      _linearity_of_tsum()),
                     ("Σ w_d converges (field Summable), so Σ w_d ρ = ρ Σ w_d converges", True))

    return grid_reading("summable_spectral_upper", variant,
                        {"w": FINITE_WEIGHTS[:3] + CLOSED_WEIGHTS, "rho": (F(1, 2), F(2), F(-1))}, hyps,
                        ("Summable (fun d => w_d ρ)", concl), argument=argument if variant == "as_written" else None)


@audit_spec("tsum_spectral_upper", expected="true",
            statement="true as written: Σ_d w_d ρ = ρ Σ_d w_d = ρ for every SpectralWeights and every real ρ",
            scope=proof("every SpectralWeights and every real ρ (linearity of a convergent series, ∑' w = 1)"),
            controls=(Variant("rho_squared", "wrong exponent", "Σ_d w_d ρ = ρ² (refuted: ρ = 1/2)"),
                      Variant("twice_rho", "wrong constant", "Σ_d w_d ρ = 2ρ (refuted: ρ = 1/2)"),
                      Variant("no_total", "dropped hypothesis",
                              "Σ_d w_d ρ = ρ without the field ∑' w = 1 (refuted: w = {1: 1/2})")))
def tsum_spectral_upper(variant: str) -> Reading:
    hyps = _weights_hyps("total" if variant == "no_total" else None)

    def value(m):
        if isinstance(m["w"], dict):
            return sum(m["w"].values(), F(0)) * m["rho"]
        return closed_sum(m["w"] * rat(m["rho"]))

    def target(m):
        return {"rho_squared": m["rho"] ** 2, "twice_rho": 2 * m["rho"]}.get(variant, m["rho"])

    def concl(m):
        if not isinstance(m["w"], dict) and series_converges(m["w"]) is not True:
            return None  # the closed form is only evaluated where it converges
        return bool(sp.simplify(value(m) - rat(target(m))) == 0)

    def argument():
        return steps(("Σ_d c·w(d) = c·Σ_d w(d) for a symbolic sequence (sympy)", _linearity_of_tsum()),
                     ("∑' w = 1 (field), so Σ w_d ρ = ρ", True))

    label = {"rho_squared": "ρ²", "twice_rho": "2ρ"}.get(variant, "ρ")
    return grid_reading("tsum_spectral_upper", variant,
                        {"w": FINITE_WEIGHTS[:3] + (FINITE_WEIGHTS[5],) + CLOSED_WEIGHTS[:2],
                         "rho": (F(1, 2), F(2), F(-1), F(0))},
                        hyps, (f"∑' d, w_d ρ = {label}", concl), argument=argument if variant == "as_written" else None)


def _series_value(w, rho):
    if isinstance(w, dict):
        return spectral_sum(w, rho)
    return closed_sum(w * rat(rho) ** D)


def _hsum(m) -> bool | None:
    if isinstance(m["w"], dict):
        return True
    return series_converges(m["w"] * rat(m["rho"]) ** D)


def _simplex_argument() -> tuple[bool, str]:
    from lejepa_verify.theory.degree_proofs import simplex_proof

    p = simplex_proof(1)
    return steps((p.statement + " (" + "; ".join(s.text for s in p.steps) + ")", p.holds))


_CORR_WEIGHTS = FINITE_WEIGHTS + CLOSED_WEIGHTS[:2]


@audit_spec("correlation_le_rho", expected="true",
            statement="true as written: Σ_d w_d ρ^d ≤ ρ for every SpectralWeights and 0 < ρ < 1 "
                      "(ρ − Σ w_d ρ^d = Σ_{d≥2} w_d (ρ − ρ^d))",
            scope=proof("every SpectralWeights and every 0 < ρ < 1 (term-wise, symbolic d)"),
            controls=(Variant("bound_rho_squared", "wrong exponent", "Σ_d w_d ρ^d ≤ ρ² (refuted: w = δ₁)"),
                      Variant("no_rho_lt_one", "dropped hypothesis",
                              "Σ_d w_d ρ^d ≤ ρ for every ρ > 0 (refuted: w = δ₂, ρ = 2)"),
                      Variant("no_nonneg", "dropped hypothesis",
                              "the same without w ≥ 0 (refuted: w = {1: 3/2, 2: −1/2}, ρ = 1/2)")))
def correlation_le_rho(variant: str) -> Reading:
    hyps = _weights_hyps("nonneg" if variant == "no_nonneg" else None) + [("0 < ρ", positive_rho)]
    if variant != "no_rho_lt_one":
        hyps.append(("ρ < 1", below_one))
    hyps.append(("hsum: Summable (w_d ρ^d)", _hsum))
    power = 2 if variant == "bound_rho_squared" else 1

    def concl(m):
        return bool(sp.simplify(rat(m["rho"]) ** power - _series_value(m["w"], m["rho"])) >= 0)

    return grid_reading("correlation_le_rho", variant, {"w": _CORR_WEIGHTS, "rho": (F(1, 2), F(9, 10), F(2))}, hyps,
                        (f"∑' d, w_d ρ^d ≤ ρ^{power}", concl),
                        argument=_simplex_argument if variant == "as_written" else None)


@audit_spec("equality_forces_degree_one", expected="true",
            statement="true as written: Σ_d w_d ρ^d = ρ with 0 < ρ < 1 forces w_d = 0 for every d ≥ 2 "
                      "(each ρ − ρ^d, d ≥ 2, is > 0)",
            scope=proof("every SpectralWeights and every 0 < ρ < 1 (symbolic d)"),
            controls=(Variant("all_degrees", "strengthened conclusion",
                              "equality forces w_d = 0 for every d ≥ 1 (refuted: w = δ₁)"),
                      Variant("rho_le_one", "weakened hypothesis",
                              "the same for 0 < ρ ≤ 1 (refuted: ρ = 1, w = δ₂)"),
                      Variant("no_zero_degree", "dropped hypothesis",
                              "the same without w 0 = 0 (refuted: w = {0: 1/5, 1: 2/5, 2: 2/5}, ρ = 1/2)")))
def equality_forces_degree_one(variant: str) -> Reading:
    hyps = _weights_hyps("zero_degree" if variant == "no_zero_degree" else None) + [("0 < ρ", positive_rho)]
    hyps.append(("ρ ≤ 1", at_most_one) if variant == "rho_le_one" else ("ρ < 1", below_one))
    hyps += [("hsum", _hsum),
             ("heq: ∑' d, w_d ρ^d = ρ", lambda m: bool(sp.simplify(_series_value(m["w"], m["rho"]) - rat(m["rho"])) == 0))]
    lowest = 1 if variant == "all_degrees" else 2

    def concl(m):
        if isinstance(m["w"], dict):
            return all(v == 0 for d, v in m["w"].items() if d >= lowest)
        return False  # a closed form with infinite support has w_d > 0 for some d ≥ 2

    return grid_reading("equality_forces_degree_one", variant,
                        {"w": _CORR_WEIGHTS, "rho": (F(1, 2), F(1, 3), F(1))}, hyps,
                        (f"∀ d ≥ {lowest}, w_d = 0", concl),
                        argument=_simplex_argument if variant == "as_written" else None)


# ============================================================================ theorems: the loss


def _loss_models():
    for n in (0, 1, 2):
        for corr in itertools.product((F(-1), F(0), F(1, 3), F(1, 2), F(1)), repeat=n):
            for rho in (F(1, 2), F(1, 3)):
                yield {"n": n, "correlation": list(corr), "rho": rho}


@functools.lru_cache(maxsize=None)
def _loss_argument() -> tuple[bool, str]:
    n = sp.Symbol("n", integer=True, nonnegative=True)
    i = sp.Symbol("i", integer=True, nonnegative=True)
    rho = sp.Symbol("rho", positive=True)
    c = sp.IndexedBase("c")
    lhs = 2 * n - 2 * sp.Sum(c[i], (i, 0, n - 1)) - 2 * (1 - rho) * n
    rhs = 2 * sp.Sum(rho - c[i], (i, 0, n - 1))
    return steps(("2n − 2Σ_i c_i − 2(1 − ρ)n = 2Σ_i (ρ − c_i) for symbolic n (sympy)",
                  is_zero(sp.expand(lhs - rhs.doit()))),
                 ("each ρ − c_i ≥ 0 (hcorr)", True))


@audit_spec("loss_lower_bound", expected="true",
            statement="true as written: 2n − 2Σ_i corr_i ≥ 2(1 − ρ)n when every corr_i ≤ ρ (the difference is 2Σ(ρ − corr_i))",
            scope=proof("every n and every correlation field with corr_i ≤ ρ (symbolic n)"),
            controls=(Variant("rho_squared", "wrong exponent", "the loss is ≥ 2(1 − ρ²)n (refuted: corr = ρ)"),
                      Variant("twice", "wrong constant", "the loss is ≥ 4(1 − ρ)n (refuted: corr = ρ)"),
                      Variant("corr_le_one", "weakened hypothesis",
                              "the loss is ≥ 2(1 − ρ)n when every corr_i ≤ 1 (refuted: corr = 1)")))
def loss_lower_bound(variant: str) -> Reading:
    bound_of = {"rho_squared": lambda n, r: 2 * (1 - r**2) * n, "twice": lambda n, r: 4 * (1 - r) * n}
    bound = bound_of.get(variant, lambda n, r: 2 * (1 - r) * n)
    cap = (lambda m: F(1)) if variant == "corr_le_one" else (lambda m: m["rho"])
    hyps = (("0 < ρ", positive_rho), ("ρ < 1", below_one),
            ("hcorr: ∀ i, corr_i ≤ " + ("1" if variant == "corr_le_one" else "ρ"),
             lambda m: all(c <= cap(m) for c in m["correlation"])))

    def concl(m):
        return 2 * m["n"] - 2 * sum(m["correlation"], F(0)) >= bound(m["n"], m["rho"])

    return Reading("loss_lower_bound", variant, hyps, ("alignmentLoss ≥ bound", concl), _loss_models,
                   argument=_loss_argument if variant == "as_written" else None,
                   searched="n ≤ 2, correlations in {−1, 0, 1/3, 1/2, 1}, ρ ∈ {1/2, 1/3}")


# ============================================================================ the headline theorem

_V = sp.Symbol("v", real=True)
_W = sp.Symbol("w", real=True)
_ENCODER_MAPS = (Z, -Z, sp.Abs(Z), 2 * Z, Z + 1, Z**3)


def _identically_zero(expr, *variables) -> bool | None:
    """``expr ≡ 0``: True when sympy simplifies it to 0, False when a point refutes it, else None."""
    if is_zero(expr):
        return True
    points = (sp.Integer(2), sp.Integer(-1), sp.Rational(1, 3))
    for values in itertools.product(points, repeat=len(variables)):
        if sp.simplify(expr.subs(dict(zip(variables, values)))) != 0:
            return False
    return None


def _hnorm(m) -> bool | None:
    f = m["toFun"]
    return _identically_zero(sp.Abs(f.subs(Z, _V) - f.subs(Z, 0)) - sp.Abs(_V), _V)


def _isometry_fixing_zero(m) -> bool | None:
    f = m["toFun"]
    if f.subs(Z, 0) != 0:
        return False
    return _identically_zero(sp.Abs(f.subs(Z, _V) - f.subs(Z, _W)) - sp.Abs(_V - _W), _V, _W)


def _linear_isometry(m) -> bool | None:
    """``∃ U : E 1 →ₗᵢ E 1, ∀ z, toFun z = U z``: toFun = u·z with |u| = 1."""
    f = m["toFun"]
    u = f.subs(Z, 1)
    linear = _identically_zero(f - u * Z, Z)
    return None if linear is None else bool(linear and sp.Abs(u) == 1)


def _spectrum_tied(m) -> bool | None:
    """The repaired structure: ``spectrum`` is the Hermite degree spectrum of ``toFun``."""
    f, w = m["toFun"], m["spectrum"][0]
    if f.is_polynomial(Z):
        return degree_fractions(f) == {d: v for d, v in w.items() if v != 0}
    mean = sp.integrate(f * sp.exp(-Z**2 / 2), (Z, -sp.oo, sp.oo)) / sp.sqrt(2 * sp.pi)
    if sp.simplify(mean) != 0 and w.get(0, 0) == 0:
        return False  # the tied spectrum would carry E[f]²/E[f²] > 0 at degree 0
    return None


def _hermite_models():
    for f in _ENCODER_MAPS:
        for w in ({1: F(1)}, {1: F(1, 2), 2: F(1, 2)}):
            for c in ("rho", F(1, 4)):
                rho = F(1, 2)
                yield {"n": 1, "toFun": f, "spectrum": [w], "correlation": [rho if c == "rho" else c], "rho": rho}


@functools.lru_cache(maxsize=None)
def _tied_argument() -> tuple[bool, str]:
    from lejepa_verify.theory.degree_proofs import simplex_proof

    a = sp.Symbol("a", real=True)
    return steps(("hopt and hcorr_eq give corr_i = ρ, and equality in Σ w_d ρ^d ≤ ρ forces w = δ₁ "
                  "(simplex proof, symbolic d)", simplex_proof(1).holds),
                 ("a tied spectrum δ₁ makes toFun linear (degree-1 Hermite part only: toFun = E[toFun·z]·z; "
                  "claim thm-A/linear-of-degree-one)", True),
                 ("toFun = a·z and hnorm: |a v| = |a||v| = |v| for every v forces |a| = 1 (sympy)",
                  is_zero(sp.Abs(a * _V) - sp.Abs(a) * sp.Abs(_V))))


@functools.lru_cache(maxsize=None)
def _isometry_argument() -> tuple[bool, str]:
    from lejepa_verify.theory.analysis_axioms import linearity_from_inner_products, polarisation_identity

    return steps(("an isometry fixing 0 preserves norms, so inner products by polarisation (sympy, n = 1..4)",
                  all(polarisation_identity(n) for n in range(1, 5))),
                 ("a map preserving inner products is linear: ||T(ax + by) − aTx − bTy||² = 0 (sympy)",
                  linearity_from_inner_products()),
                 ("a linear map preserving norms is a linear isometry U", True))


@audit_spec("hermite_identifiability", expected="inconsistent",
            statement="false as written: toFun z = |z| (n = 1) with spectrum δ₁ and correlation ρ meets every "
                      "hypothesis (the spectral ones never constrain toFun; hnorm fixes only distances to 0) and is "
                      "not linear; Lean proves it only through the inconsistent axiom linear_of_degree_one",
            scope=_INCONSISTENT,
            controls=(Variant("tied", "repaired statement",
                              "with the spectrum tied to toFun (its Hermite spectrum) the theorem is false"),
                      Variant("isometry", "repaired statement",
                              "with hnorm strengthened to an isometry fixing 0 the theorem is false")))
def hermite_identifiability(variant: str) -> Reading:
    hyps = [("SpectralWeights fields", lambda m: all(is_spectral_weights(w) for w in m["spectrum"])),
            ("0 < ρ", positive_rho), ("ρ < 1", below_one),
            ("hMehler: ∀ i, Summable (w_d ρ^d)", lambda m: True),  # finitely supported weights
            ("hcorr_eq: ∀ i, corr_i = ∑' d, w_d ρ^d",
             lambda m: all(c == spectral_sum(w, m["rho"]) for c, w in zip(m["correlation"], m["spectrum"]))),
            ("hopt: 2n − 2Σ corr_i = 2(1 − ρ)n",
             lambda m: 2 * m["n"] - 2 * sum(m["correlation"], F(0)) == 2 * (1 - m["rho"]) * m["n"])]
    argument = None
    if variant == "isometry":
        hyps.append(("hnorm strengthened: ∀ v w, |toFun v − toFun w| = |v − w| and toFun 0 = 0", _isometry_fixing_zero))
        argument = _isometry_argument
    else:
        hyps.append(("hnorm: ∀ v, |toFun v − toFun 0| = |v − 0|", _hnorm))
    if variant == "tied":
        hyps.append(("spectrum = the Hermite spectrum of toFun", _spectrum_tied))
        argument = _tied_argument
    note = ("HermiteEncoder's fields toFun, spectrum and correlation are independent; the Gaussian constraint "
            "h(z) ~ N(0, I) of Theorem 1 is no hypothesis, and hnorm stands in for it")
    return Reading("hermite_identifiability", variant, tuple(hyps),
                   ("∃ U linear isometry, ∀ z, toFun z = U z", _linear_isometry), _hermite_models,
                   argument=argument, note=note,
                   searched="n = 1; toFun ∈ {z, −z, |z|, 2z, z + 1, z³}; spectrum δ₁ or (δ₁ + δ₂)/2; "
                            "correlation ρ or 1/4; ρ = 1/2")


SPECS = (mehler_summability, pow_le_self_of_pos_lt_one, spectral_term_le, pow_lt_self_of_ge_two,
         summable_spectral_upper, tsum_spectral_upper, correlation_le_rho, equality_forces_degree_one,
         correlation_eq_spectral_sum, linear_of_degree_one, orthogonal_of_gaussian_linear, loss_lower_bound,
         hermite_identifiability)
READERS.add("hermite", SPECS, module=__name__)
