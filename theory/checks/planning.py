"""Claims for planning in a rotated latent (paper Theorem 4, Lean Corollary 4.5; docs/theory.md §5).

Each is proved for every state and control dimension, every horizon and every orthogonal Q by
matrix identities with symbolic dimensions (sympy matrix expressions, QᵀQ = I), with seeded exact
LQR problems as cross-checks; the controls use a shear or a scaling instead of a rotation, a
non-isotropic cost, or a wrong transformation law.
"""

from __future__ import annotations

import functools

import sympy as sp

from lejepa_verify.theory.claims import Evidence, claim, control, proof
from lejepa_verify.theory.planning import example_problem, riccati_equivariance, trajectory_costs
from lejepa_verify.theory.polymaps import random_rational_matrix

_CASES = ((2, 1, 5, 0), (3, 2, 4, 1), (4, 2, 3, 2))  # (n, m, horizon, seed)
_N = sp.Symbol("n", integer=True, positive=True)
_M = sp.Symbol("m", integer=True, positive=True)


def _reduce(expr, Q):
    """Expand a matrix expression and replace QᵀQ and QQᵀ by I until nothing changes (QQᵀ = I follows from
    QᵀQ = I for a square Q: Qᵀ = Q⁻¹, shown in the terminal step of the Riccati argument)."""
    for _ in range(8):
        new = sp.expand(expr).doit().subs(Q.T * Q, sp.Identity(_N)).subs(Q * Q.T, sp.Identity(_N))
        if new == expr:
            break
        expr = new
    return expr


@functools.lru_cache(maxsize=None)
def _riccati_argument() -> tuple[bool, str]:
    Q, P, A, C = (sp.MatrixSymbol(s, _N, _N) for s in ("Q", "P", "A", "C"))
    B, R = sp.MatrixSymbol("B", _N, _M), sp.MatrixSymbol("R", _M, _M)
    c, f = sp.symbols("c f", positive=True)

    def gain(A, B, P):
        return (R + B.T * P * B).I * B.T * P * A

    def step(A, B, C, P):
        return C + A.T * P * A - A.T * P * B * gain(A, B, P)

    A2, B2, P2 = Q * A * Q.T, Q * B, Q * P * Q.T
    isotropic = c * sp.Identity(_N)
    value_step = sp.simplify(_reduce(step(A2, B2, isotropic, P2), Q) - _reduce(Q * step(A, B, isotropic, P) * Q.T, Q))
    gain_step = sp.simplify(_reduce(gain(A2, B2, P2), Q) - _reduce(gain(A, B, P) * Q.T, Q))
    # QᵀQ = I makes Qᵀ = Q⁻¹: QᵀQQ⁻¹ is Qᵀ (QQ⁻¹ = I) and also Q⁻¹ (QᵀQ = I); then Q (f I) Qᵀ = f Q Q⁻¹ = f I
    # (QᵀQ)Q⁻¹ and Qᵀ(QQ⁻¹) are one product (associativity): the first is I·Q⁻¹, the second Qᵀ·I
    inverse = ((Q.T * Q).subs(Q.T * Q, sp.Identity(_N)) * Q.I).doit() == Q.I and (Q.T * (Q * Q.I)).doit() == Q.T
    terminal = inverse and sp.simplify((Q * (f * sp.Identity(_N)) * Q.I).doit() - f * sp.Identity(_N)) in (
        sp.ZeroMatrix(_N, _N), 0)
    x = sp.MatrixSymbol("x", _N, 1)
    value = sp.simplify(_reduce((Q * x).T * P2 * (Q * x), Q) - x.T * P * x)
    zero = (sp.ZeroMatrix(_N, _N), sp.ZeroMatrix(_M, _N), sp.ZeroMatrix(1, 1), 0)
    steps = [("Riccati step with A' = QAQᵀ, B' = QB, C = cI and P'_(t+1) = Q P_(t+1) Qᵀ gives P'_t = Q P_t Qᵀ "
              "(matrix expressions, symbolic n and m, QᵀQ = I)", value_step in zero),
             ("the gain K'_t = (R + B'ᵀP'B')⁻¹B'ᵀP'A' equals K_t Qᵀ", gain_step in zero),
             ("terminal P'_T = Q (f I) Qᵀ = f I = P_T (Qᵀ = Q⁻¹ from QᵀQ = I), so the induction starts", terminal),
             ("values: (Qx)ᵀ Q P Qᵀ (Qx) = xᵀ P x, and actions u' = −K Qᵀ Q x = u", value in zero)]
    return all(ok for _, ok in steps), "; ".join(f"{t} [{'ok' if ok else 'FAILS'}]" for t, ok in steps)


@claim(
    "cor-4.5/riccati-equivariance",
    statement="LQR with isotropic costs, state rotated by Q ∈ O(n): P'_t = Q P_t Qᵀ, K'_t = K_t Qᵀ, equal values and "
              "actions, for every n, m, horizon and Q (induction on the Riccati recursion with symbolic matrices)",
    source="paper Theorem 4 (Lean Corollary 4.5); docs/theory.md §5",
    layer="theory",
    controls=(control("wrong object", "the same for an invertible non-orthogonal change of coordinates (a shear)",
                      transform="shear"),
              control("wrong object", "the gains transform as K'_t = K_t Q (not K_t Qᵀ)", gain_law="K G"),
              control("wrong object", "the Riccati matrices transform as P'_t = Qᵀ P_t Q (not Q P_t Qᵀ)",
                      value_law="G^T P G")),
    lean=("planning_equivalence", "minimizer_equivalence", "value_equivalence"),
    scope=proof("every state dimension n, control dimension m, horizon and Q ∈ O(n), isotropic costs (symbolic "
                "matrix identities, induction on t); seeded rational problems and Cayley rotations as cross-check"),
)
def check_riccati(transform: str = "orthogonal", gain_law: str = "K G^-1", value_law: str = "G^-T P G^-1") -> Evidence:
    results = [riccati_equivariance(example_problem(n, m, T, seed), transform, seed=seed, gain_law=gain_law,
                                    value_law=value_law) for n, m, T, seed in _CASES]
    ok, text = _riccati_argument()
    argument = ok and transform == "orthogonal" and gain_law == "K G^-1" and value_law == "G^-T P G^-1"
    return Evidence(
        passed=argument and all(r.equal for r in results),
        numbers={"proof_all_n": argument}
        | {f"n={r.n},T={r.horizon}": f"value_gap={float(r.value_gap):.3g}, K_res={float(r.K_residual):.3g}, "
                                     f"P_res={float(r.P_residual):.3g}" for r in results}
        | {"exact_zero": [r.equal for r in results]},
        fields={"argument": text},
        detail="exact rational arithmetic; Q from the Cayley transform of a rational skew matrix",
    )


@functools.lru_cache(maxsize=None)
def _pushforward_argument() -> tuple[bool, str]:
    Q, A = sp.MatrixSymbol("Q", _N, _N), sp.MatrixSymbol("A", _N, _N)
    B = sp.MatrixSymbol("B", _N, _M)
    x, u = sp.MatrixSymbol("x", _N, 1), sp.MatrixSymbol("u", _M, 1)
    c = sp.Symbol("c", positive=True)
    step = sp.simplify(_reduce((Q * A * Q.T) * (Q * x) + (Q * B) * u - Q * (A * x + B * u), Q))
    cost = sp.simplify(_reduce((Q * x).T * (c * sp.Identity(_N)) * (Q * x) - x.T * (c * sp.Identity(_N)) * x, Q))
    zero = (sp.ZeroMatrix(_N, 1), sp.ZeroMatrix(1, 1), 0)
    steps = [("x'_(t+1) = QAQᵀ x'_t + QB u_t = Q(A x_t + B u_t) when x'_t = Q x_t: by induction x'_t = Q x_t for every t "
              "(symbolic n, m)", step in zero),
             ("isotropic costs: (Qx)ᵀ(cI)(Qx) = xᵀ(cI)x, so every stage and terminal cost is unchanged", cost in zero)]
    return all(ok for _, ok in steps), "; ".join(f"{t} [{'ok' if ok else 'FAILS'}]" for t, ok in steps)


@claim(
    "cor-4.5/trajectory-pushforward",
    statement="for any controls, the trajectory from Qx₀ under the pushed-forward dynamics is Q x_t and every stage and "
              "terminal cost is unchanged (isotropic costs), for every n, m, horizon and Q ∈ O(n)",
    source="paper Theorem 4; docs/theory.md §5; Lean stage_pushforward, terminal_pushforward (their repaired content)",
    layer="theory",
    controls=(control("wrong object", "the same under a shear (invertible, not orthogonal)", transform="shear"),
              control("dropped hypothesis", "the same with non-isotropic (generic positive definite) costs",
                      isotropic=False),
              control("wrong object", "the same with the dynamics pushed the wrong way round, A' = QᵀAQ",
                      pushforward="G^-1 A G")),
    lean=("stage_pushforward", "terminal_pushforward", "stage_cost_equiv", "terminal_cost_equiv", "planning_equivalence"),
    scope=proof("every n, m, horizon, control sequence and Q ∈ O(n) with isotropic costs (induction with symbolic "
                "matrices); seeded rational dynamics, controls and rotations as cross-check"),
)
def check_pushforward(transform: str = "orthogonal", isotropic: bool = True, pushforward: str = "G A G^-1") -> Evidence:
    rows = []
    for n, m, T, seed in _CASES:
        p = example_problem(n, m, T, seed, isotropic=isotropic)
        controls = [random_rational_matrix(m, 1, 1000 + seed + t) for t in range(T)]
        x0 = random_rational_matrix(n, 1, 2000 + seed)
        rows.append(trajectory_costs(p, controls, x0, transform, seed=seed, pushforward=pushforward))
    stage_ok = all(r.stage_equal for r in rows)
    terminal_ok = all(r.terminal_equal for r in rows)
    ok, text = _pushforward_argument()
    argument = ok and transform == "orthogonal" and isotropic and pushforward == "G A G^-1"
    first = rows[0]
    return Evidence(
        passed=argument and stage_ok and terminal_ok,
        numbers={"proof_all_n": argument, "stage_equal": stage_ok, "terminal_equal": terminal_ok,
                 "n=2 stage costs": [str(v) for v in first.stage],
                 "n=2 pushed": [str(v) for v in first.stage_pushed]},
        fields={"argument": text},
    )


@claim(
    "cor-4.5/invariance-needs-isotropic-cost",
    statement="a planner reusing its cost after x ↦ Qx agrees for every Q ∈ O(n) when the costs are isotropic (C = cI); "
              "with a generic cost it does not",
    source="paper Theorem 4 (the O(n)-invariance hypothesis); docs/theory.md §5",
    layer="theory",
    controls=(control("dropped hypothesis", "the same for a generic (non-isotropic) positive definite cost",
                      isotropic=False),
              control("wrong constant", "the same for x ↦ 2x (a scaling, not a rotation) with isotropic costs",
                      transform="scale"),
              control("wrong object", "the same for a shear with isotropic costs", transform="shear")),
    lean=("planning_equivalence", "minimizer_equivalence", "value_equivalence", "stage_cost_equiv",
          "terminal_cost_equiv"),
    scope=proof("every n, m, horizon and Q ∈ O(n) with C = cI (the Riccati induction with symbolic matrices); seeded "
                "rational problems and rotations as cross-check, and the conjugated cost C' = Q C Qᵀ always"),
)
def check_isotropic(isotropic: bool = True, transform: str = "orthogonal") -> Evidence:
    results = [riccati_equivariance(example_problem(3, 2, 3, 5, isotropic=isotropic), transform, seed=s)
               for s in (0, 1, 2)]
    conjugated = riccati_equivariance(example_problem(3, 2, 3, 5, isotropic=isotropic), "orthogonal",
                                      seed=0, cost="conjugated")
    ok, text = _riccati_argument()
    argument = ok and isotropic and transform == "orthogonal"
    return Evidence(
        passed=argument and all(r.equal for r in results) and conjugated.equal,
        numbers={"proof_all_n": argument, "value_gaps": [float(r.value_gap) for r in results],
                 "with_conjugated_cost_equal": conjugated.equal},
        fields={"argument": text},
        detail="moving the cost with the coordinates (C' = Q C Qᵀ) always agrees; reusing it needs isotropy",
    )
