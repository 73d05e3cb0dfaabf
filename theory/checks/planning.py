"""Claims for planning in a rotated latent (paper's Cor 4.5, docs/theory.md §5)."""

from __future__ import annotations

from lejepa_verify.theory.claims import Evidence, claim, instances
from lejepa_verify.theory.planning import example_problem, riccati_equivariance, trajectory_costs
from lejepa_verify.theory.polymaps import random_rational_matrix

_CASES = ((2, 1, 5, 0), (3, 2, 4, 1), (4, 2, 3, 2))  # (n, m, horizon, seed)


@claim(
    "cor-4.5/riccati-equivariance",
    statement="LQR with isotropic costs, state rotated by Q ∈ O(n): P'_t = Q P_t Qᵀ, K'_t = K_t Qᵀ, equal values and actions",
    source="paper Cor 4.5; docs/theory.md §5",
    layer="theory",
    control={"transform": "shear"},
    control_statement="the same for an invertible non-orthogonal change of coordinates (a shear)",
    scope=instances("seeded rational LQR problems and Cayley rotations"),
)
def check_riccati(transform: str = "orthogonal") -> Evidence:
    results = [riccati_equivariance(example_problem(n, m, T, seed), transform, seed=seed)
               for n, m, T, seed in _CASES]
    return Evidence(
        passed=all(r.equal for r in results),
        numbers={f"n={r.n},T={r.horizon}": f"value_gap={float(r.value_gap):.3g}, K_res={float(r.K_residual):.3g}"
                 for r in results} | {"exact_zero": [r.equal for r in results]},
        detail="exact rational arithmetic; Q from the Cayley transform of a rational skew matrix",
    )


@claim(
    "cor-4.5/trajectory-pushforward",
    statement="for any controls, the trajectory from Qx₀ is Q x_t and every stage and terminal cost is unchanged",
    source="paper Cor 4.5; docs/theory.md §5; Lean stage_pushforward, terminal_pushforward",
    layer="theory",
    control={"transform": "shear"},
    control_statement="the same under a shear (invertible, not orthogonal)",
    scope=instances("seeded rational linear dynamics, controls and rotations"),
    axioms=("stage_pushforward", "terminal_pushforward"),
)
def check_pushforward(transform: str = "orthogonal") -> Evidence:
    rows = []
    for n, m, T, seed in _CASES:
        p = example_problem(n, m, T, seed)
        controls = [random_rational_matrix(m, 1, 1000 + seed + t) for t in range(T)]
        x0 = random_rational_matrix(n, 1, 2000 + seed)
        rows.append(trajectory_costs(p, controls, x0, transform, seed=seed))
    stage_ok = all(r.stage_equal for r in rows)
    terminal_ok = all(r.terminal_equal for r in rows)
    first = rows[0]
    return Evidence(
        passed=stage_ok and terminal_ok,
        numbers={"stage_equal": stage_ok, "terminal_equal": terminal_ok,
                 "n=2 stage costs": [str(v) for v in first.stage],
                 "n=2 pushed": [str(v) for v in first.stage_pushed]},
    )


@claim(
    "cor-4.5/invariance-needs-isotropic-cost",
    statement="a planner reusing its cost after x ↦ Qx agrees for every Q ∈ O(n) when the costs are isotropic (C = cI)",
    source="paper Cor 4.5 (the O(n)-invariance hypothesis); docs/theory.md §5",
    layer="theory",
    control={"isotropic": False},
    control_statement="the same for a generic (non-isotropic) positive definite cost",
    scope=instances("seeded rational problems and rotations"),
)
def check_isotropic(isotropic: bool = True) -> Evidence:
    results = [riccati_equivariance(example_problem(3, 2, 3, 5, isotropic=isotropic), "orthogonal", seed=s)
               for s in (0, 1, 2)]
    conjugated = riccati_equivariance(example_problem(3, 2, 3, 5, isotropic=isotropic), "orthogonal",
                                      seed=0, cost="conjugated")
    return Evidence(
        passed=all(r.equal for r in results),
        numbers={"value_gaps": [float(r.value_gap) for r in results],
                 "with_conjugated_cost_equal": conjugated.equal},
        detail="moving the cost with the coordinates (C' = Q C Qᵀ) always agrees; reusing it needs isotropy",
    )
