"""Claims for approximate identifiability (paper's Prop 4.3), one per step of docs/theory.md §4."""

from __future__ import annotations

import random

import sympy as sp

from lejepa_verify.theory.approx_bound import (
    approximate_bound,
    eigenvalue_form_of_trace_lemma,
    example_maps,
    frobenius_le_trace,
    gap_inequality,
    monotonicity,
    nonlinear_energy_bound,
    polar_bound,
    pythagorean_rho,
    pythagorean_split,
    sigma_inequality,
)
from lejepa_verify.theory.claims import Evidence, claim, instances, proof
from lejepa_verify.theory.hermite import gaussian_expectation, latent_symbols
from lejepa_verify.theory.polymaps import random_cayley_orthogonal, random_rational_matrix

#: Degrees up to which the gap is certified (the claims' default D).
GAP_DEGREE = 12


@claim(
    "prop-4.3/gap",
    statement="ρ − ρ^d ≥ ρ − ρ² on 0 ≤ ρ ≤ 1 for 2 ≤ d ≤ 12, hence W_nl ≤ D = δ/(2ρ(1−ρ))",
    source="paper Prop 4.3; docs/theory.md §4 step 1",
    layer="theory",
    control={"reference_degree": 3},
    control_statement="ρ − ρ^d ≥ ρ − ρ³ for all d ≥ 2 (false at d = 2)",
    scope=instances("2 <= d <= 12 by certificates (the all-degree form is alignment/spectral-gap)"),
)
def check_gap(reference_degree: int = 2, max_degree: int = GAP_DEGREE) -> Evidence:
    results = [gap_inequality(d, reference_degree) for d in range(2, max_degree + 1)]
    certified = [d for d, r in zip(range(2, max_degree + 1), results) if r.holds]
    refuted = [(d, r.witness, r.witness_value) for d, r in zip(range(2, max_degree + 1), results) if r.witness is not None]
    energy_ok, _ = nonlinear_energy_bound(max_degree, reference_degree)
    passed = len(certified) == max_degree - 1 and energy_ok
    return Evidence(
        passed=passed,
        numbers={"degrees_certified": len(certified), "degrees": max_degree - 1,
                 "W_nl_le_D_certified": energy_ok,
                 "first_refutation": None if not refuted else f"d={refuted[0][0]}, rho={refuted[0][1]}, gap={refuted[0][2]}"},
        detail="certificate: rho = t/(1+t), numerator with non-negative coefficients in t >= 0",
    )


@claim(
    "prop-4.3/sigma-lemma",
    statement="|σ − 1| ≤ |σ² − 1| for σ ≥ 0 (|σ² − 1| = |σ − 1|(σ + 1))",
    source="paper Prop 4.3; docs/theory.md §4 step 3",
    layer="theory",
    control={"scale": sp.Rational(1, 2)},
    control_statement="|σ − 1| ≤ |σ² − 1|/2 for σ ≥ 0 (false near σ = 0)",
    scope=proof("every σ >= 0 (factorisation and certificates on [0, 1] and [1, ∞))"),
)
def check_sigma(scale=1) -> Evidence:
    below, above, factorised = sigma_inequality(scale)
    witness = below.witness if below.witness is not None else above.witness
    return Evidence(
        passed=below.holds and above.holds and factorised,
        numbers={"certified_on_[0,1]": below.certified, "certified_on_[1,oo)": above.certified,
                 "factorisation": factorised, "witness_sigma": witness},
    )


def _psd_examples(kind: str, seed: int = 0) -> list[sp.Matrix]:
    """Seeded rational symmetric matrices: PSD ones as B Bᵀ (sizes 1..5, some rank-deficient),
    or indefinite ones B diag(1, −1, …) Bᵀ together with diag(1, −1)."""
    out = []
    for size in range(1, 6):
        for k in range(3):
            B = random_rational_matrix(size, max(1, size - k), seed + 10 * size + k)
            if kind == "psd":
                out.append(B * B.T)
            else:
                signs = sp.diag(*[(-1) ** j for j in range(B.cols)])
                out.append(B * signs * B.T)
    if kind == "indefinite":
        out.append(sp.diag(1, -1))
    return out


@claim(
    "prop-4.3/frobenius-le-trace",
    statement="||N||_F ≤ tr N for N ⪰ 0: (tr N)² − tr N² = 2Σ_{i<j}(N_ii N_jj − N_ij²) ≥ 0",
    source="paper Prop 4.3; docs/theory.md §4 step 3",
    layer="theory",
    control={"kind": "indefinite"},
    control_statement="||N||_F ≤ tr N for symmetric indefinite N",
    scope=instances("seeded PSD matrices of sizes 1-5; the eigenvalue form for n <= 5"),
)
def check_frobenius_trace(kind: str = "psd") -> Evidence:
    checks = [frobenius_le_trace(N) for N in _psd_examples(kind)]
    failures = [c for c in checks if not c.holds]
    identity = all(c.identity_holds for c in checks)
    eig = all(eigenvalue_form_of_trace_lemma(n) for n in range(1, 6))
    return Evidence(
        passed=not failures and identity and eig,
        numbers={"matrices": len(checks), "violations": len(failures),
                 "minor_identity": identity, "eigenvalue_form": eig,
                 "first_violation": None if not failures else
                 f"tr={failures[0].trace}, ||N||_F^2={failures[0].frobenius_sq}"},
    )


_SIGMAS = [
    [1, 1], [0, 1], [sp.Rational(1, 3), 2], [sp.Rational(5, 4), sp.Rational(3, 5)],
    [1, 1, 1], [0, sp.Rational(1, 2), 3], [sp.Rational(7, 4), 1, sp.Rational(1, 10)],
]


@claim(
    "prop-4.3/polar-bound",
    statement="||M − Q||_F ≤ ||M Mᵀ − I||_F for the polar factor Q = UVᵀ of M = U diag(σ) Vᵀ",
    source="paper Prop 4.3; docs/theory.md §4 step 3; Lean polar_bound_axiom (stated A → A)",
    layer="theory",
    control={"factor": "left"},
    control_statement="the same bound with Q = U, an orthogonal matrix that is not the polar factor",
    scope=instances("matrices built from rational Cayley rotations and the listed singular values"),
    axioms=("polar_bound_axiom",),
)
def check_polar(factor: str = "polar") -> Evidence:
    results = []
    for i, sig in enumerate(_SIGMAS):
        n = len(sig)
        U = random_cayley_orthogonal(n, 100 + i)
        V = random_cayley_orthogonal(n, 200 + i)
        results.append(polar_bound(U, sig, V, factor))
    failures = [r for r in results if not r.holds]
    polar_ok = all(r.q_orthogonal and r.qtm_symmetric_psd for r in results) if factor == "polar" else True
    return Evidence(
        passed=not failures and polar_ok,
        numbers={"matrices": len(results), "violations": len(failures),
                 "polar_factor_verified": polar_ok,
                 "worst": None if not failures else f"||M-Q||^2={failures[0].lhs_sq} > ||MM^T-I||^2={failures[0].rhs_sq}"},
    )


def _random_polynomial_map(n: int, seed: int) -> list[sp.Expr]:
    """A mean-zero polynomial map R^n → R^n of degree ≤ 3 with seeded rational monomial coefficients."""
    zs = latent_symbols(n)
    monomials = sorted(sp.itermonomials(zs, 3), key=sp.default_sort_key)
    rng = random.Random(seed)
    h = [sp.expand(sum(sp.Rational(rng.randint(-3, 3), 3) * m for m in monomials)) for _ in range(n)]
    return [c - gaussian_expectation(c, zs) for c in h]


@claim(
    "prop-4.3/pythagoras",
    statement="E||h − Qz||² = ||M − Q||_F² + W_nl for mean-zero polynomial h and Q ∈ O(n)",
    source="paper Prop 4.3; docs/theory.md §4 step 4; Lean pythagorean_axiom (stated A → A)",
    layer="theory",
    control={"include_nonlinear": False},
    control_statement="E||h − Qz||² = ||M − Q||_F² (no nonlinear term)",
    scope=instances("seeded exact mean-zero polynomial maps"),
    axioms=("pythagorean_axiom",),
)
def check_pythagoras(include_nonlinear: bool = True) -> Evidence:
    cases = []
    for name, h, zs, Q in example_maps():
        centred = [c - gaussian_expectation(c, zs) for c in h]
        cases.append((name, centred, zs, Q))
    for n, seed in ((2, 0), (2, 1), (3, 2)):
        cases.append((f"random n={n} seed={seed}", _random_polynomial_map(n, seed), latent_symbols(n),
                      random_cayley_orthogonal(n, seed + 50)))
    results = [(name, pythagorean_split(h, zs, Q, include_nonlinear)) for name, h, zs, Q in cases]
    failures = [(name, r) for name, r in results if not r.holds]
    return Evidence(
        passed=not failures,
        numbers={"maps": len(results), "violations": len(failures),
                 "max_W_nl": max(r.w_nl for _, r in results),
                 "first_violation": None if not failures else
                 f"{failures[0][0]}: direct={failures[0][1].direct}, split={failures[0][1].split}"},
    )


@claim(
    "prop-4.3/monotone",
    statement="t ↦ t + (ε + t)² is non-decreasing on t ≥ 0 for every ε ≥ 0",
    source="paper Prop 4.3; docs/theory.md §4 step 5",
    layer="theory",
    control={"epsilon_lower": -2},
    control_statement="t ↦ t + (ε + t)² is non-decreasing on t ≥ 0 for every ε ≥ −2",
    scope=proof("every ε >= 0 and t >= 0 (factorised derivative, certified)"),
)
def check_monotone(epsilon_lower=0) -> Evidence:
    factorised, factor_min, verdict = monotonicity(epsilon_lower)
    return Evidence(passed=verdict, numbers={"factorisation": factorised, "certified": factor_min.certified,
                                             "witness_epsilon": factor_min.witness})


@claim(
    "prop-4.3/bound",
    statement="E||h − Qz||² ≤ ||Eh||² + D + (ε + D)² on exact polynomial maps, every step verified; δ = ε = 0 ⇒ h = Qz",
    source="paper Prop 4.3; docs/theory.md §4",
    layer="theory",
    control={"D_form": "delta/(2rho)"},
    control_statement="the bound with D replaced by δ/(2ρ)",
    scope=instances("five exact polynomial maps"),
    axioms=("polar_bound_axiom", "pythagorean_axiom"),
)
def check_bound(D_form: str = "delta/(2rho(1-rho))", k: int = 2) -> Evidence:
    rho = pythagorean_rho(k)
    scale = {"delta/(2rho(1-rho))": 1, "delta/(2rho)": 1 - rho}[D_form]
    rows = []
    for name, h, zs, Q in example_maps():
        rows.append((name, approximate_bound(h, zs, rho, Q, d_scale=scale)))
    violations = [name for name, r in rows if not r.holds]
    steps_failed = [f"{name}:{step}" for name, r in rows for step, ok in r.step_checks.items() if not ok]
    exact = dict(rows)["exact rotation"]
    exact_recovery = exact.delta == 0 and exact.epsilon_sq == 0 and exact.error == 0
    # conversely every map that is not a rotation shows ε > 0, δ > 0 or a non-zero mean
    detected = all(r.delta > 0 or r.epsilon_sq > 0 or r.mean_sq > 0 for name, r in rows if name != "exact rotation")
    return Evidence(
        passed=not violations and not steps_failed and exact_recovery and detected,
        numbers={"rho": rho, "maps": len(rows), "violations": violations, "steps_failed": steps_failed,
                 "exact_recovery": exact_recovery, "nonrotations_detected": detected,
                 "slack_min": min(float(r.bound - r.error) for _, r in rows)},
        detail="; ".join(f"{name}: error={r.error}, bound={float(r.bound):.4g}" for name, r in rows),
    )
