"""Claims: Prop 4.3 on analytic perturbation families, and Cor 4.5 for a planner in a latent."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from lejepa_verify.numerics.bound_families import perturbation_family
from lejepa_verify.numerics.maps import make_map, random_orthogonal
from lejepa_verify.numerics.planning import LinearWorld, plan_and_execute
from lejepa_verify.theory.claims import Evidence, claim, control, instances

_FAMILIES = {"degree2": (0.1, 0.3, 0.6), "scale": (-0.3, 0.2), "radial": (0.1, 0.5, 1.0), "tanh": (0.3, 1.5)}


@lru_cache(maxsize=4)
def _family_points(rho: float):
    # the check and its control read the same population values: compute them once
    return tuple(p for fam, avals in _FAMILIES.items() for n in (2, 1024)
                 for p in perturbation_family(fam, avals, n=n, rho=rho))


@claim(
    "prop-4.3/analytic-families",
    statement="E||h − Qz||² ≤ D + (ε + D)² for h = √(1−a²)Qz + a·He₂/√2, h = sQz, the radial rotation and tanh (population "
              "values, n = 2 and 1024); where ε + D ≤ 1, also ≤ 2D + ε",
    source="paper Theorem 3 (Lean Proposition 4.3); docs/theory.md §4",
    layer="numerics",
    controls=(control("dropped term", "the bound without its quadratic term, E||h − Qz||² ≤ D", quadratic_term=False),
              control("wrong constant", "the bound with D replaced by δ/(2ρ) = (1 − ρ)D", D_form="delta/(2rho)"),
              control("wrong exponent", "E||h − Qz||² ≤ D + (ε + D) (the quadratic term to the first power)",
                      quadratic_power=1)),
    lean=("approximate_identifiability", "bound_small_perturbation"),
    scope=instances("four analytic families at the stated parameters; population values by quadrature"),
)
def check_bound_on_families(quadratic_term: bool = True, rho: float = 0.95, D_form: str = "delta/(2rho(1-rho))",
                            quadratic_power: int = 2) -> Evidence:
    # scope: the listed members at n = 2 and n = 1024, ρ = 0.95. Each population value carries
    # its numerical error bar (0 for the closed forms, about 1e−11 for the radial and tanh
    # integrals); a member passes when error − bound is at most the sum of the bars of the
    # quantities the bound is made of (the bound is increasing in ε and D)
    D_factor = {"delta/(2rho(1-rho))": 1.0, "delta/(2rho)": 1.0 - float(rho)}[D_form]
    worst, rows, worst_tol, first_order, first_order_worst = -np.inf, 0, 0.0, 0, -np.inf
    for p in _family_points(float(rho)):
        D, e = D_factor * p.D, p.epsilon
        u_D, u_e = D_factor * p.uncertainty["D"], p.uncertainty["epsilon"]
        if not quadratic_term:
            bound, slack = D, u_D
        else:
            bound = D + (e + D) ** quadratic_power
            slack = u_D + ((e + u_e + D + u_D) ** quadratic_power - (e + D) ** quadratic_power)
        tol_p = p.uncertainty["error"] + slack
        worst = max(worst, p.error - bound - tol_p)
        worst_tol = max(worst_tol, tol_p)
        rows += 1
        if e + D + u_e + u_D <= 1.0:  # bound_small_perturbation: D + (ε + D)² ≤ 2D + ε
            first_order += 1
            first_order_worst = max(first_order_worst, p.error - (2 * D + e) - p.uncertainty["error"] - 2 * u_D - u_e)
    return Evidence(passed=bool(worst <= 0.0 and first_order_worst <= 0.0),
                    numbers={"max(error − bound − error bars)": worst, "members": rows,
                             "largest error bar": worst_tol, "first_order_members": first_order,
                             "max(error − (2D + ε) − error bars)": first_order_worst},
                    tolerance=worst_tol)


def _spiral_in_plane(z):
    return make_map("spiral")(z)


_SHEAR = np.array([[1.0, 0.5], [0.0, 1.0]])


def _representation(name: str, Q: np.ndarray):
    """The map from the true latent to the planner's representation."""
    maps = {"rotation": lambda z: z @ Q.T, "spiral": _spiral_in_plane, "shear": lambda z: z @ (_SHEAR @ Q).T,
            "scaled rotation": lambda z: 2.0 * z @ Q.T}
    if name not in maps:
        raise ValueError(f"representation must be one of {tuple(maps)}, got {name!r}")
    return maps[name]


@claim(
    "cor-4.5/planning-in-rotated-latent",
    statement="an LQR planner with isotropic costs working in ẑ = Qz (Q ∈ O(n)) incurs the same true cost and actions as in z",
    source="paper Theorem 4 (Lean Corollary 4.5); docs/theory.md §5",
    layer="numerics",
    controls=(control("wrong object", "the same equality for the Gaussian-preserving but nonlinear spiral representation",
                      representation="spiral"),
              control("wrong object", "the same equality for a linear but non-orthogonal representation ẑ = SQz (a shear)",
                      representation="shear"),
              control("wrong constant", "the same equality for ẑ = 2Qz (a rotation scaled by 2)",
                      representation="scaled rotation")),
    lean=("planning_equivalence", "minimizer_equivalence", "value_equivalence", "stage_pushforward",
          "terminal_pushforward"),
    scope=instances("seeded LQR problems and rotations, floating point"),
)
def check_planning(representation: str = "rotation", n_starts: int = 5, seed: int = 0) -> Evidence:
    world = LinearWorld.example(2, seed=seed)
    Q = random_orthogonal(2, seed + 1)
    phi = _representation(representation, Q)
    rng = np.random.default_rng(seed)
    rel_gap, action_gap = 0.0, 0.0
    for _ in range(n_starts):
        x0 = rng.standard_normal(2)
        base = plan_and_execute(world, x0)
        rep = plan_and_execute(world, x0, phi, seed=seed)
        rel_gap = max(rel_gap, abs(rep.true_cost - base.true_cost) / base.true_cost)
        action_gap = max(action_gap, float(np.abs(rep.actions - base.actions).max()))
    tol = 1e-8
    return Evidence(passed=bool(rel_gap <= tol and action_gap <= tol),
                    numbers={"max relative cost gap": rel_gap, "max action gap": action_gap, "starts": n_starts},
                    tolerance=tol)
