"""Readings of ``lean/LeJEPA/Planning.lean`` (paper Theorem 4, Lean Corollary 4.5): 2 axioms, 5 theorems.

``ExpectedCosts`` is any pair of functions, and nothing in the file ties ``E_hat`` to ``E`` or to
``Q``: the two axioms are false as written (``E_hat ≡ 1``, ``E ≡ 0``), and so is every theorem
built on them, including the three the paper states. Tied (``E_hat`` the pushforward of ``E``'s
dynamics by ``Q``), every statement is true; the repaired readings are the audit claims'
negative controls. Models are one-dimensional linear dynamics ``z' = F z + g a`` with exact
rational data, plans over the two actions {0, 1}.
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from lejepa_verify.theory.claims import proof
from lejepa_verify.theory.lean.audit import Reading, Variant, audit_spec
from lejepa_verify.theory.lean.readers import READERS
from lejepa_verify.theory.lean.semantics import F, is_zero, steps

_INCONSISTENT = proof("the statement as written, refuted by one exact counter-model "
                      "(a single instance suffices to refute a universal statement)")
_A = sp.Symbol("a", real=True)
_ZS = sp.Symbol("z", real=True)
#: stage costs c(z, a) and terminal costs c(z), as sympy expressions
_STAGE = {"z² + a": _ZS**2 + _A, "z + a": _ZS + _A}
_TERMINAL = {"z²": _ZS**2, "z": _ZS}
#: the same costs evaluated on Fractions (the sympy forms decide invariance, these the values)
_STAGE_FN = {"z² + a": lambda z, a: z * z + a, "z + a": lambda z, a: z + a}
_TERMINAL_FN = {"z²": lambda z: z * z, "z": lambda z: z}
_COSTS = (("constant", F(1)), ("constant", F(0)), ("dynamics", (F(1, 2), F(1))), ("dynamics", (F(-1, 2), F(1))))


def _rollout(dyn, plan, z0):
    """States z_0..z_T of z_{t+1} = F z_t + g a_t (deterministic dynamics, ℝ¹)."""
    Fm, g = dyn
    zs = [z0]
    for a in plan:
        zs.append(Fm * zs[-1] + g * a)
    return zs


def _expected(costs, plan, z0, kind, t=None, c=None):
    """``stage_exp a z₀ t c`` or ``term_exp a z₀ c`` of an ExpectedCosts given as data; ``c`` a callable."""
    if costs[0] == "constant":
        return costs[1]
    zs = _rollout(costs[1], plan, z0)
    return c(zs[t], plan[t]) if kind == "stage" else c(zs[-1])


def _pushforward_dynamics(costs, Q):
    if costs[0] != "dynamics":
        return None
    Fm, g = costs[1]
    return ("dynamics", (Q * Fm / Q, Q * g))  # F̂ = Q F Q⁻¹, ĝ = Q g


def _tied(m) -> bool:
    return m["E_hat"] == _pushforward_dynamics(m["E"], m["_Q"])


@functools.lru_cache(maxsize=None)
def _pushforward_induction() -> tuple[bool, str]:
    # induction ẑ_t = Q z_t: ẑ_{t+1} = F̂ ẑ_t + ĝ a_t = Q F Q⁻¹ Q z_t + Q g a_t = Q z_{t+1}
    a = sp.Symbol("a_t")
    Q = sp.Matrix(2, 2, sp.symbols("q0:4"))
    Fm, gv, zv = sp.Matrix(2, 2, sp.symbols("f0:4")), sp.Matrix(sp.symbols("g0:2")), sp.Matrix(sp.symbols("x0:2"))
    step = (Q * Fm * Q.inv()) * (Q * zv) + (Q * gv) * a - Q * (Fm * zv + gv * a)
    return steps(("induction ẑ_t = Q z_t (sympy, symbolic 2×2 F, Q invertible, g, z_t, a_t): then "
                  "c(ẑ_t, a_t) = (c ∘ (Q × id))(z_t, a_t) at every t, and at T", all(is_zero(e) for e in step)))


# ============================================================================ axioms


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
    return Reading(name, "repaired: E_hat is the pushforward of E by Q (F̂ = QFQ⁻¹, ĝ = Qg)",
                   (("E_hat = pushforward of E by Q", _tied),), (label, conclusion), candidates,
                   argument=_pushforward_induction)


_REPAIRED = Variant("control", "repaired statement", "the repaired axiom (E_hat the pushforward of E's dynamics by Q) "
                    "is inconsistent")


@audit_spec("stage_pushforward", expected="inconsistent",
            statement="inconsistent as written: E_hat and E are any two ExpectedCosts (T = 1, E_hat ≡ 1, E ≡ 0)",
            scope=_INCONSISTENT, controls=(_REPAIRED,))
def stage_pushforward(variant: str) -> Reading:
    return _pushforward(variant, "stage")


@audit_spec("terminal_pushforward", expected="inconsistent",
            statement="inconsistent as written: E_hat and E are any two ExpectedCosts (E_hat ≡ 1, E ≡ 0)",
            scope=_INCONSISTENT, controls=(_REPAIRED,))
def terminal_pushforward(variant: str) -> Reading:
    return _pushforward(variant, "terminal")


# ============================================================================ theorems


@functools.lru_cache(maxsize=None)
def _invariant(stage: str, terminal: str, Q: F) -> bool:
    """``IsOrthogonalInvariant cp Q``: c(Qz, a) = c(z, a) and c_T(Qz) = c_T(z) for every z, a (sympy identities)."""
    q = sp.Rational(Q.numerator, Q.denominator)
    s, t = _STAGE[stage], _TERMINAL[terminal]
    return bool(sp.expand(s.subs(_ZS, q * _ZS) - s) == 0 and sp.expand(t.subs(_ZS, q * _ZS) - t) == 0)


def _plans(T: int):
    return [list(p) for p in itertools.product((F(0), F(1)), repeat=T)]


def _total(m, costs, plan, z0) -> F:
    """``totalCost cp E a z₀``: the stage costs summed over Fin T plus the terminal cost."""
    stage, terminal = _STAGE_FN[m["stage"]], _TERMINAL_FN[m["terminal"]]
    total = sum((_expected(costs, plan, z0, "stage", t, stage) for t in range(m["T"])), F(0))
    return total + _expected(costs, plan, z0, "term", c=terminal)


def _models():
    for T in (1, 2):
        for Q in (F(1), F(-1)):
            for E_hat, E in itertools.product(_COSTS, repeat=2):
                for stage, terminal in itertools.product(_STAGE, _TERMINAL):
                    for plan in _plans(T):
                        yield {"T": T, "Q": f"z ↦ {Q}·z", "E_hat": E_hat, "E": E, "stage": stage,
                               "terminal": terminal, "plan": plan, "z": F(1), "_Q": Q}


def _hinv(m) -> bool:
    return _invariant(m["stage"], m["terminal"], m["_Q"])


def _stage_equal(m) -> bool:
    stage = _STAGE_FN[m["stage"]]
    Q = m["_Q"]
    return all(_expected(m["E_hat"], m["plan"], Q * m["z"], "stage", t, stage)
               == _expected(m["E"], m["plan"], m["z"], "stage", t, stage) for t in range(m["T"]))


def _terminal_equal(m) -> bool:
    c = _TERMINAL_FN[m["terminal"]]
    Q = m["_Q"]
    return _expected(m["E_hat"], m["plan"], Q * m["z"], "term", c=c) == _expected(m["E"], m["plan"], m["z"], "term", c=c)


def _totals_equal(m) -> bool:
    return _total(m, m["E_hat"], m["plan"], m["_Q"] * m["z"]) == _total(m, m["E"], m["plan"], m["z"])


def _minimizers_equal(m) -> bool:
    plans = _plans(m["T"])
    hat = [_total(m, m["E_hat"], p, m["_Q"] * m["z"]) for p in plans]
    orig = [_total(m, m["E"], p, m["z"]) for p in plans]
    a_hat = _total(m, m["E_hat"], m["plan"], m["_Q"] * m["z"])
    a_orig = _total(m, m["E"], m["plan"], m["z"])
    return all(a_hat <= v for v in hat) == all(a_orig <= v for v in orig)


def _theorem(name: str, conclusion: tuple[str, callable], variant: str) -> Reading:
    hyps = [("hinv: IsOrthogonalInvariant cp Q", _hinv)]
    argument = None
    if variant == "repaired":
        hyps.append(("E_hat = pushforward of E by Q", _tied))

        def argument():
            ok, text = _pushforward_induction()
            return steps((text, ok), ("then hinv turns c ∘ Q back into c at every t and at T, so expected stage, "
                                      "terminal and total costs agree, and with them values and minimisers", True))
    return Reading(name, variant, tuple(hyps), conclusion, _models, argument=argument,
                   note="ExpectedCosts is any pair of functions: nothing ties E_hat to E or to Q",
                   searched="T ∈ {1, 2}, Q ∈ {z ↦ z, z ↦ −z}, E_hat and E among {≡ 1, ≡ 0, z' = z/2 + a, z' = −z/2 + a}, "
                            "stage costs z² + a, z + a, terminal costs z², z, every plan over actions {0, 1}, z = 1")


def _theorem_spec(name: str, what: str, counter: str):
    return dict(expected="inconsistent",
                statement=f"false as written: {what} fails for E_hat ≡ 1, E ≡ 0 ({counter}); Lean proves it only "
                          "through the inconsistent pushforward axioms",
                scope=_INCONSISTENT,
                controls=(Variant("repaired", "repaired statement", f"with E_hat the pushforward of E's dynamics by Q, "
                                  f"{what} is false"),))


@audit_spec("stage_cost_equiv", **_theorem_spec("stage_cost_equiv", "equal expected stage costs", "T = 1"))
def stage_cost_equiv(variant: str) -> Reading:
    return _theorem("stage_cost_equiv", ("E_hat.stage_exp a (Q z) t cp.stage = E.stage_exp a z t cp.stage", _stage_equal),
                    variant)


@audit_spec("terminal_cost_equiv", **_theorem_spec("terminal_cost_equiv", "equal expected terminal costs", "any T"))
def terminal_cost_equiv(variant: str) -> Reading:
    return _theorem("terminal_cost_equiv", ("E_hat.term_exp a (Q z) cp.terminal = E.term_exp a z cp.terminal",
                                            _terminal_equal), variant)


@audit_spec("planning_equivalence", **_theorem_spec("planning_equivalence", "equal total costs", "any T"))
def planning_equivalence(variant: str) -> Reading:
    return _theorem("planning_equivalence", ("totalCost cp E_hat a (Q z) = totalCost cp E a z", _totals_equal), variant)


@audit_spec("minimizer_equivalence",
            **_theorem_spec("minimizer_equivalence", "the equivalence of minimisers",
                            "every plan minimises the constant E_hat while E prefers one"))
def minimizer_equivalence(variant: str) -> Reading:
    return _theorem("minimizer_equivalence", ("a minimises at Q z under E_hat ↔ a minimises at z under E",
                                              _minimizers_equal), variant)


@audit_spec("value_equivalence", **_theorem_spec("value_equivalence", "the equality of values", "V = 0"))
def value_equivalence(variant: str) -> Reading:
    # ∀ V, totalCost E a z = V → totalCost E_hat a (Q z) = V, with V := totalCost E a z
    return _theorem("value_equivalence", ("∀ V, totalCost cp E a z = V → totalCost cp E_hat a (Q z) = V",
                                          _totals_equal), variant)


SPECS = (stage_pushforward, terminal_pushforward, stage_cost_equiv, terminal_cost_equiv, planning_equivalence,
         minimizer_equivalence, value_equivalence)
READERS.add("planning", SPECS, module=__name__)
