"""Readings of ``lean/LeJEPA/Approx.lean`` (paper Theorem 3, Lean Proposition 4.3): 2 axioms, 8 theorems.

Every theorem of this file is a statement about bare reals (the matrices, the polar factor and
the covariance never appear), so each is read over a grid of exact rationals and proved by an
identity whose right side is visibly non-negative: a product of non-negative factors, or a
polynomial with non-negative coefficients in non-negative variables. The two axioms are
``P → P``; the analytic content they name is checked by the claims of docs/theory.md §4.
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
    F,
    U_POS,
    at_most_one,
    below_one,
    is_zero,
    lean_div,
    positive_rho,
    steps,
    two_gap_positive,
)

_TAUTOLOGY = proof("every choice of the arguments: the conclusion is structurally one of the hypotheses")
_REALS = (F(0), F(1), F(2), F(-1))


def _nonneg_poly(expr, variables) -> bool:
    """``expr`` is a polynomial with non-negative coefficients in the (non-negative) ``variables``."""
    p = sp.Poly(sp.expand(expr), *variables)
    return all(c >= 0 for c in p.coeffs())


# ============================================================================ axioms


@audit_spec("polar_bound_axiom", expected="tautology", statement="a tautology as written: P → P", scope=_TAUTOLOGY,
            controls=(Variant("control", "repaired statement", "the bound M_Q_norm ≤ ε + W_nl over bare reals is a "
                              "tautology (refuted: M_Q_norm = 2, ε = W_nl = 0)"),))
def polar_bound_axiom(variant: str) -> Reading:
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


@audit_spec("pythagorean_axiom", expected="tautology", statement="a tautology as written: P → P", scope=_TAUTOLOGY,
            controls=(Variant("control", "repaired statement", "the identity total = M_Q_norm_sq + W_nl over bare "
                              "reals is a tautology (refuted: 1 ≠ 0 + 0)"),))
def pythagorean_axiom(variant: str) -> Reading:
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


# ============================================================================ the spectral gap

_RHO_GRID = (F(-1), F(0), F(1, 4), F(1, 2), F(3, 4), F(1), F(2))


@functools.lru_cache(maxsize=None)
def _gap_argument(factor: int) -> tuple[bool, str]:
    rho = 1 / (1 + U_POS)
    value = sp.simplify(factor * rho * (1 - rho))
    return steps((f"{factor if factor != 1 else ''}ρ(1 − ρ) = {factor if factor != 1 else ''}u/(1 + u)² with "
                  "ρ = 1/(1 + u), u > 0 covering 0 < ρ < 1 (sympy)",
                  is_zero(value - factor * U_POS / (1 + U_POS) ** 2)),
                 ("u/(1 + u)² > 0 for u > 0", bool(value.is_positive)))


def _gap_reading(name: str, factor: int, variant: str) -> Reading:
    hyps = []
    if variant != "no_rho_pos":
        hyps.append(("0 < ρ", positive_rho))
    hyps.append(("ρ ≤ 1", at_most_one) if variant == "rho_le_one" else ("ρ < 1", below_one))
    floor = F(factor, 4) if variant == "max_floor" else F(0)
    label = f"{floor} < {factor if factor != 1 else ''}ρ(1 − ρ)"
    return grid_reading(name, variant, {"rho": _RHO_GRID}, hyps,
                        (label, lambda m: floor < factor * m["rho"] * (1 - m["rho"])),
                        argument=(lambda: _gap_argument(factor)) if variant == "as_written" else None)


def _gap_controls(factor: int) -> tuple[Variant, ...]:
    c = "" if factor == 1 else str(factor)
    return (Variant("rho_le_one", "weakened hypothesis", f"0 < {c}ρ(1 − ρ) for 0 < ρ ≤ 1 (refuted at ρ = 1)"),
            Variant("no_rho_pos", "dropped hypothesis", f"0 < {c}ρ(1 − ρ) for every ρ < 1 (refuted at ρ = 0)"),
            Variant("max_floor", "wrong constant",
                    f"{F(factor, 4)} < {c}ρ(1 − ρ) on 0 < ρ < 1 (refuted at ρ = 1/2, where the maximum is attained)"))


@audit_spec("spectral_gap_pos", expected="true", statement="true as written: ρ(1 − ρ) = u/(1 + u)² > 0 for ρ = 1/(1 + u)",
            scope=proof("every 0 < ρ < 1 (the substitution ρ = 1/(1 + u), u > 0)"), controls=_gap_controls(1))
def spectral_gap_pos(variant: str) -> Reading:
    return _gap_reading("spectral_gap_pos", 1, variant)


@audit_spec("two_spectral_gap_pos", expected="true", statement="true as written: 2ρ(1 − ρ) = 2u/(1 + u)² > 0",
            scope=proof("every 0 < ρ < 1 (the substitution ρ = 1/(1 + u), u > 0)"), controls=_gap_controls(2))
def two_spectral_gap_pos(variant: str) -> Reading:
    return _gap_reading("two_spectral_gap_pos", 2, variant)


# ============================================================================ W_nl ≤ D


@functools.lru_cache(maxsize=None)
def _energy_argument() -> tuple[bool, str]:
    g, W, delta = sp.Symbol("g", positive=True), sp.Symbol("W", nonnegative=True), sp.Symbol("delta", nonnegative=True)
    return steps(("g = 2ρ(1 − ρ) > 0 on 0 < ρ < 1", two_gap_positive()),
                 ("δ/g − W = (δ − gW)/g (sympy): a non-negative numerator (hgap) over a positive g",
                  is_zero(delta / g - W - (delta - g * W) / g)))


@audit_spec("nonlinear_energy_le_D", expected="true",
            statement="true as written: δ ≥ 2ρ(1 − ρ)W with 0 < ρ < 1 gives W ≤ δ/(2ρ(1 − ρ)) (divide by a positive number)",
            scope=proof("every 0 < ρ < 1, δ ≥ 0, W ≥ 0 (symbolic)"),
            controls=(Variant("D_over_2rho", "dropped term",
                              "W ≤ δ/(2ρ), the factor 1 − ρ dropped (refuted: ρ = 1/2, W = 1, δ = 1/2)"),
                      Variant("D_over_4", "wrong constant", "W ≤ δ/(4ρ(1 − ρ)) (refuted: ρ = 1/2, W = 1, δ = 1/2)"),
                      Variant("no_rho_lt_one", "dropped hypothesis",
                              "the same for every ρ > 0 (refuted: ρ = 2, where 2ρ(1 − ρ) < 0)")))
def nonlinear_energy_le_D(variant: str) -> Reading:
    hyps = [("0 < ρ", positive_rho)]
    if variant != "no_rho_lt_one":
        hyps.append(("ρ < 1", below_one))
    hyps += [("0 ≤ δ", lambda m: m["delta"] >= 0), ("0 ≤ W_nl", lambda m: m["W"] >= 0),
             ("hgap: δ ≥ 2ρ(1 − ρ) W_nl", lambda m: m["delta"] >= 2 * m["rho"] * (1 - m["rho"]) * m["W"])]
    denominator = {"D_over_2rho": lambda r: 2 * r, "D_over_4": lambda r: 4 * r * (1 - r)}.get(
        variant, lambda r: 2 * r * (1 - r))
    return grid_reading("nonlinear_energy_le_D", variant,
                        {"rho": (F(1, 2), F(1, 3), F(1), F(2)), "delta": (F(0), F(1, 4), F(1, 2), F(1)),
                         "W": (F(0), F(1, 2), F(1), F(2))}, hyps,
                        ("W_nl ≤ δ / denominator  [x/0 = 0]",
                         lambda m: m["W"] <= lean_div(m["delta"], denominator(m["rho"]))),
                        argument=_energy_argument if variant == "as_written" else None)


# ============================================================================ the polar and monotone steps


@functools.lru_cache(maxsize=None)
def _square_argument() -> tuple[bool, str]:
    M, e, W = sp.symbols("M epsilon W", nonnegative=True)
    return steps(("(ε + W)² − M² = (ε + W − M)(ε + W + M) (sympy)",
                  is_zero((e + W) ** 2 - M**2 - (e + W - M) * (e + W + M))),
                 ("ε + W − M ≥ 0 (hbound) and ε + W + M ≥ 0 (each term ≥ 0)", True))


@audit_spec("linear_deviation_sq_bound", expected="true",
            statement="true as written: 0 ≤ M ≤ ε + W gives M² ≤ (ε + W)² ((ε + W)² − M² = (ε + W − M)(ε + W + M))",
            scope=proof("every real M, ε, W meeting the hypotheses (factorisation)"),
            controls=(Variant("no_M_nonneg", "dropped hypothesis",
                              "the same without 0 ≤ M (refuted: M = −3, ε = W = 0)"),
                      Variant("no_cross_term", "dropped term", "M² ≤ ε² + W² (refuted: M = 2, ε = W = 1)"),
                      Variant("cube", "wrong exponent", "M³ ≤ (ε + W)² (refuted: M = 2, ε + W = 2)")))
def linear_deviation_sq_bound(variant: str) -> Reading:
    hyps = [] if variant == "no_M_nonneg" else [("0 ≤ M_Q_norm", lambda m: m["M"] >= 0)]
    hyps += [("0 ≤ ε", lambda m: m["e"] >= 0), ("0 ≤ W_nl", lambda m: m["W"] >= 0),
             ("M_Q_norm ≤ ε + W_nl", lambda m: m["M"] <= m["e"] + m["W"])]
    concl = {"no_cross_term": ("M² ≤ ε² + W²", lambda m: m["M"] ** 2 <= m["e"] ** 2 + m["W"] ** 2),
             "cube": ("M³ ≤ (ε + W)²", lambda m: m["M"] ** 3 <= (m["e"] + m["W"]) ** 2)}.get(
        variant, ("M² ≤ (ε + W)²", lambda m: m["M"] ** 2 <= (m["e"] + m["W"]) ** 2))
    values = (F(-3), F(0), F(1, 2), F(1), F(2))
    return grid_reading("linear_deviation_sq_bound", variant, {"M": values, "e": values, "W": values}, hyps, concl,
                        argument=_square_argument if variant == "as_written" else None)


@functools.lru_cache(maxsize=None)
def _monotone_argument() -> tuple[bool, str]:
    e, W, D = sp.symbols("epsilon W D", nonnegative=True)
    phi = lambda t: (e + t) ** 2 + t  # noqa: E731 - the bound as a function of t, read as written
    return steps(("φ(D) − φ(W) = (D − W)(1 + 2ε + D + W) for φ(t) = (ε + t)² + t (sympy)",
                  is_zero(phi(D) - phi(W) - (D - W) * (1 + 2 * e + D + W))),
                 ("D − W ≥ 0 (hle) and 1 + 2ε + D + W > 0 (ε, D, W ≥ 0)", True))


@audit_spec("bound_monotone", expected="true",
            statement="true as written: W ≤ D gives (ε + W)² + W ≤ (ε + D)² + D (the difference is (D − W)(1 + 2ε + D + W))",
            scope=proof("every ε, W, D ≥ 0 with W ≤ D (factorisation)"),
            controls=(Variant("no_epsilon_nonneg", "dropped hypothesis",
                              "the same for every real ε (refuted: ε = −2, W = 0, D = 1)"),
                      Variant("no_linear_term", "dropped term",
                              "(ε + W)² + W ≤ (ε + D)² (refuted: ε = 0, W = D = 1)"),
                      Variant("no_hle", "dropped hypothesis", "the same without W ≤ D (refuted: W = 2, D = 0)")))
def bound_monotone(variant: str) -> Reading:
    hyps = [] if variant == "no_epsilon_nonneg" else [("0 ≤ ε", lambda m: m["e"] >= 0)]
    hyps += [("0 ≤ W_nl", lambda m: m["W"] >= 0), ("0 ≤ D", lambda m: m["D"] >= 0)]
    if variant != "no_hle":
        hyps.append(("W_nl ≤ D", lambda m: m["W"] <= m["D"]))
    extra = 0 if variant == "no_linear_term" else 1

    def concl(m):
        return (m["e"] + m["W"]) ** 2 + m["W"] <= (m["e"] + m["D"]) ** 2 + extra * m["D"]

    values = (F(-2), F(0), F(1, 2), F(1), F(2))
    return grid_reading("bound_monotone", variant, {"e": values, "W": values, "D": values}, hyps,
                        ("(ε + W)² + W ≤ (ε + D)²" + (" + D" if extra else ""), concl),
                        argument=_monotone_argument if variant == "as_written" else None)


# ============================================================================ the assembled bound


@functools.lru_cache(maxsize=None)
def _assembly_argument() -> tuple[bool, str]:
    # W = D − s (s ≥ 0: W ≤ D) and M = ε + W − r (r ≥ 0: the polar bound), so ε + D = M + r + s
    s, r, M, D = sp.symbols("s r M D", nonnegative=True)
    W = D - s
    e = M + r - W
    total = M**2 + W
    bound = D + (e + D) ** 2
    slack = s + (r + s) * (2 * M + r + s)
    ok_energy, _ = _energy_argument()
    return steps(("W_nl ≤ D (nonlinear_energy_le_D)", ok_energy),
                 ("with W = D − s and M = ε + W − r: D + (ε + D)² − (M² + W) = s + (r + s)(2M + r + s) (sympy)",
                  is_zero(bound - total - slack)),
                 ("s + (r + s)(2M + r + s) has non-negative coefficients in s, r, M ≥ 0", _nonneg_poly(slack, (s, r, M))))


def _assembly_models(variant: str):
    # total_error is pinned down by hpythag; the grid spans the other five reals
    for rho, delta, e, W, M in itertools.product((F(1, 2), F(1, 3)), (F(0), F(1, 4), F(1, 2), F(1)),
                                                  (F(0), F(1), F(2)), (F(0), F(1)), (F(0), F(1), F(2))):
        yield {"rho": rho, "delta": delta, "epsilon": e, "W": W, "M": M, "total": M**2 + W}


@audit_spec("approximate_identifiability", expected="true",
            statement="true as written: total = M² + W ≤ (ε + W)² + W ≤ (ε + D)² + D with D = δ/(2ρ(1 − ρ)) "
                      "(slack s + (r + s)(2M + r + s), s = D − W, r = ε + W − M)",
            scope=proof("every real ρ, δ, ε, W_nl, M_Q_norm, total_error meeting the hypotheses "
                        "(an identity with non-negative coefficients in non-negative variables)"),
            controls=(Variant("D_over_2rho", "wrong constant",
                              "the bound with D = δ/(2ρ) (refuted: ρ = 1/2, δ = 1/2, W = M = 1, ε = 0)"),
                      Variant("no_quadratic", "dropped term", "total_error ≤ D (refuted: ε = M = 1, W = δ = 0)"),
                      Variant("linear_term", "wrong exponent",
                              "total_error ≤ D + (ε + D) (refuted: ε = M = 2, W = δ = 0)"),
                      Variant("weak_gap", "weakened hypothesis",
                              "the same with hgap weakened to δ ≥ ρ(1 − ρ)W (refuted: ρ = 1/2, δ = 1/4, W = 1)")))
def approximate_identifiability(variant: str) -> Reading:
    gap_factor = 1 if variant == "weak_gap" else 2
    hyps = (("0 < ρ", positive_rho), ("ρ < 1", below_one), ("0 ≤ δ", lambda m: m["delta"] >= 0),
            ("0 ≤ ε", lambda m: m["epsilon"] >= 0), ("0 ≤ W_nl", lambda m: m["W"] >= 0),
            ("0 ≤ M_Q_norm", lambda m: m["M"] >= 0),
            (f"hgap: δ ≥ {gap_factor}ρ(1 − ρ) W_nl", lambda m: m["delta"] >= gap_factor * m["rho"] * (1 - m["rho"]) * m["W"]),
            ("hpolar: M_Q_norm ≤ ε + W_nl", lambda m: m["M"] <= m["epsilon"] + m["W"]),
            ("hpythag: total = M_Q_norm² + W_nl", lambda m: m["total"] == m["M"] ** 2 + m["W"]))

    def concl(m):
        r = m["rho"]
        D = lean_div(m["delta"], (2 * r) if variant == "D_over_2rho" else (2 * r * (1 - r)))
        if variant == "no_quadratic":
            return m["total"] <= D
        if variant == "linear_term":
            return m["total"] <= D + (m["epsilon"] + D)
        return m["total"] <= D + (m["epsilon"] + D) ** 2

    return Reading("approximate_identifiability", variant, hyps, ("total_error ≤ D + (ε + D)²", concl),
                   lambda: _assembly_models(variant),
                   argument=_assembly_argument if variant == "as_written" else None,
                   searched="ρ ∈ {1/2, 1/3}, δ ∈ {0, 1/4, 1/2, 1}, ε ∈ {0, 1, 2}, W ∈ {0, 1}, M ∈ {0, 1, 2}, "
                            "total = M² + W")


@functools.lru_cache(maxsize=None)
def _exact_argument() -> tuple[bool, str]:
    g = sp.Symbol("g", positive=True)
    W, M = sp.symbols("W M", nonnegative=True)
    return steps(("g = 2ρ(1 − ρ) > 0 on 0 < ρ < 1", two_gap_positive()),
                 ("g·W ≥ 0 for g > 0, W ≥ 0, so 0 ≥ g·W means g·W = 0, whose only root is W = 0 (sympy)",
                  bool((g * W).is_nonnegative) and sp.solve(sp.Eq(g * W, 0), W) == [0]),
                 ("then 0 ≤ M ≤ 0 + W = 0 gives M = 0, and total = M² + W = 0",
                  is_zero((M**2 + W).subs({M: 0, W: 0}))))


@audit_spec("exact_recovery_special_case", expected="true",
            statement="true as written: δ = ε = 0 forces W_nl = 0 (2ρ(1 − ρ) > 0), then M_Q_norm = 0 and total_error = 0",
            scope=proof("every real ρ, W_nl, M_Q_norm, total_error meeting the hypotheses"),
            controls=(Variant("no_M_nonneg", "dropped hypothesis",
                              "the same without 0 ≤ M_Q_norm (refuted: M = −1, W = 0, total = 1)"),
                      Variant("rho_le_one", "weakened hypothesis",
                              "the same for 0 < ρ ≤ 1 (refuted: ρ = 1, W = 1, total = 1)"),
                      Variant("epsilon_one", "weakened hypothesis",
                              "the same with ε = 1 in the polar bound, M ≤ 1 + W (refuted: M = 1, total = 1)")))
def exact_recovery_special_case(variant: str) -> Reading:
    eps = 1 if variant == "epsilon_one" else 0
    hyps = [("0 < ρ", positive_rho), ("ρ ≤ 1", at_most_one) if variant == "rho_le_one" else ("ρ < 1", below_one),
            ("0 ≤ W_nl", lambda m: m["W"] >= 0)]
    if variant != "no_M_nonneg":
        hyps.append(("0 ≤ M_Q_norm", lambda m: m["M"] >= 0))
    hyps += [("hgap: 0 ≥ 2ρ(1 − ρ) W_nl", lambda m: 0 >= 2 * m["rho"] * (1 - m["rho"]) * m["W"]),
             (f"hpolar: M_Q_norm ≤ {eps} + W_nl", lambda m: m["M"] <= eps + m["W"]),
             ("hpythag: total = M² + W_nl", lambda m: m["total"] == m["M"] ** 2 + m["W"]),
             ("0 ≤ total", lambda m: m["total"] >= 0)]
    values = (F(-1), F(0), F(1))
    return grid_reading("exact_recovery_special_case", variant,
                        {"rho": (F(1, 2), F(1)), "W": values, "M": values, "total": (F(0), F(1), F(2))}, hyps,
                        ("total_error = 0", lambda m: m["total"] == 0),
                        argument=_exact_argument if variant == "as_written" else None)


@functools.lru_cache(maxsize=None)
def _small_argument() -> tuple[bool, str]:
    e, D = sp.symbols("epsilon D", nonnegative=True)
    a = e + D
    return steps(("(D + ε + D) − (D + (ε + D)²) = a(1 − a) with a = ε + D (sympy)",
                  is_zero((D + e + D) - (D + a**2) - a * (1 - a))),
                 ("a ≥ 0 (ε, D ≥ 0) and 1 − a ≥ 0 (hsmall)", True))


@audit_spec("bound_small_perturbation", expected="true",
            statement="true as written: ε, D ≥ 0 and ε + D ≤ 1 give D + (ε + D)² ≤ 2D + ε (the gap is a(1 − a), a = ε + D)",
            scope=proof("every ε, D ≥ 0 with ε + D ≤ 1 (factorisation)"),
            controls=(Variant("no_small", "dropped hypothesis",
                              "the same without ε + D ≤ 1 (refuted: ε = 2, D = 0)"),
                      Variant("no_epsilon", "dropped term", "D + (ε + D)² ≤ 2D (refuted: ε = 1/2, D = 0)"),
                      Variant("half", "wrong constant",
                              "D + (ε + D)² ≤ D + (ε + D)/2 (refuted: ε + D = 1)"),
                      Variant("cube", "wrong exponent", "D + (ε + D)² ≤ D + (ε + D)³ (refuted: ε = 1/2, D = 0)")))
def bound_small_perturbation(variant: str) -> Reading:
    hyps = [("0 ≤ ε", lambda m: m["e"] >= 0), ("0 ≤ D", lambda m: m["D"] >= 0)]
    if variant != "no_small":
        hyps.append(("ε + D ≤ 1", lambda m: m["e"] + m["D"] <= 1))
    right = {"no_epsilon": lambda e, D: 2 * D, "half": lambda e, D: D + (e + D) / 2,
             "cube": lambda e, D: D + (e + D) ** 3}.get(variant, lambda e, D: D + e + D)
    values = (F(-1), F(0), F(1, 4), F(1, 2), F(1), F(2))
    return grid_reading("bound_small_perturbation", variant, {"e": values, "D": values}, hyps,
                        ("D + (ε + D)² ≤ right side", lambda m: m["D"] + (m["e"] + m["D"]) ** 2 <= right(m["e"], m["D"])),
                        argument=_small_argument if variant == "as_written" else None)


SPECS = (spectral_gap_pos, two_spectral_gap_pos, nonlinear_energy_le_D, polar_bound_axiom, linear_deviation_sq_bound,
         pythagorean_axiom, bound_monotone, approximate_identifiability, exact_recovery_special_case,
         bound_small_perturbation)
READERS.add("approx", SPECS, module=__name__)
