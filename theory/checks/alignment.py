"""Claims on the alignment penalty, the spectral gap and Theorem A (docs/theory.md §2; paper Theorem 1, Lean 4.1).

Each claim is a proof for every degree, dimension or map the statement covers (a generating
function, a factorisation, an identity in symbolic matrices, an induction), with the old
instance checks kept as cross-checks. Losses on instances are computed *directly* (expand
``(h(z) − h(z'))²``, Gaussian moments in ``(z, eta)``, ``s² = 1 − rho²``) and compared with the
spectral formulas as polynomials in the symbol ``rho``. Signs on ``0 < rho < 1`` are certified with
exact Bernstein coefficients (:mod:`theory.positivity`).

Each claim carries several negative controls, run through the same check: a wrong exponent
(ρ^(2d), ρ^(d+1)), a wrong constant, a dropped term, a weakened hypothesis (energy allowed at
degree 0, weights of either sign, a map that is not whitened). The expensive exact computations
are done once and shared by a claim and its controls.
"""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from lejepa_verify.theory import degree_proofs
from lejepa_verify.theory.alignment import (
    alignment_loss,
    covariance_matrix,
    excess_factors,
    lagged_correlation,
    mean_vector,
    spectral_alignment_loss,
    spectral_correlation,
)
from lejepa_verify.theory.claims import Evidence, claim, control, proof
from lejepa_verify.theory.hermite import (
    DEFAULT_DEGREE,
    RHO,
    as_poly,
    check_degree,
    gaussian_expectation,
    hermite_he,
    hermite_multi,
    hermite_spectrum,
    latent_symbols,
    multi_indices,
)
from lejepa_verify.theory.polymaps import random_polynomial_map, random_rational_orthogonal, random_whitened_map
from lejepa_verify.theory.positivity import bernstein_certificate
from lejepa_verify.theory.validate import check_int

#: Rational sample points of (0, 1) used as a second, pointwise witness next to the certificates.
RHO_GRID = tuple(sp.Rational(k, 20) for k in range(1, 20))


def _poly(expr) -> sp.Poly:
    return sp.Poly(expr, RHO, domain=sp.QQ)


def _proof_numbers(p) -> dict:
    return {"proof_all_degrees": p.holds, "failing_proof_steps": p.failing_steps}


# ============================================================================ per-degree penalty


@functools.lru_cache(maxsize=None)
def _direct_penalties(max_degree: int) -> tuple[sp.Poly, ...]:
    """``E(He_d(z) − He_d(z'))²/d!`` computed directly for d = 0..max_degree."""
    z = latent_symbols(1)
    return tuple(alignment_loss([hermite_he(d, z[0])], z) * sp.Rational(1, math.factorial(d))
                 for d in range(max_degree + 1))


@claim(
    "alignment/per-degree-penalty",
    statement="for h = He_d/sqrt(d!): E(h(z) − h(z'))² = 2(1 − ρ^d) for every d (symbolic d; direct losses d = 0..12 as cross-check)",
    source="docs/theory.md §2 (alignment penalty per degree); paper Theorem 1",
    layer="theory",
    controls=(control("wrong constant", "E(h(z) − h(z'))² = 1 − ρ^d (missing factor 2)", factor=1),
              control("wrong exponent", "E(h(z) − h(z'))² = 2(1 − ρ^(2d))", exponent_factor=2),
              control("wrong exponent", "E(h(z) − h(z'))² = 2(1 − ρ^(d+1))", exponent_shift=1)),
    lean=("correlation_eq_spectral_sum", "mehler_summability"),
    scope=proof("every degree d >= 0 (symbolic d, from the generating-function proofs of orthogonality and Mehler); direct losses for d <= 12 as cross-check"),
)
def check_per_degree_penalty(max_degree: int = DEFAULT_DEGREE, factor: int = 2, exponent_shift: int = 0,
                             exponent_factor: int = 1) -> Evidence:
    """Direct loss of ``He_d`` divided by ``d!`` versus ``factor · (1 − rho^(f·d + exponent_shift))``."""
    max_degree = check_degree(max_degree, "max_degree")
    direct = _direct_penalties(max_degree)
    failing = [d for d in range(max_degree + 1)
               if not (direct[d] - _poly(factor * (1 - RHO ** (exponent_factor * d + exponent_shift)))).is_zero]
    proof_all = degree_proofs.penalty_proof(factor, exponent_shift, exponent_factor)
    return Evidence(
        passed=proof_all.holds and (not failing),
        fields={"proof": proof_all.to_dict()},
        numbers={**_proof_numbers(proof_all), "max_degree": max_degree, "failing_degrees": failing,
                 f"direct_penalty_d{max_degree}": str(direct[-1].as_expr())},
        tolerance=None,
        detail="polynomial identity in ρ",
    )


# ============================================================================ the excess over linear


@claim(
    "alignment/excess-positive",
    statement="for d >= 2 and 0 < ρ < 1: 2(ρ − ρ^d) = 2ρ(1−ρ)(1 + ρ + … + ρ^(d−2)) > 0 for every d >= 2 (symbolic d)",
    source="docs/theory.md §2 (excess over linear); paper Theorem 1",
    layer="theory",
    controls=(control("weakened hypothesis", "the excess 2(ρ − ρ^d) is > 0 for every d >= 1 (false at d = 1)", min_degree=1),
              control("wrong exponent", "ρ − ρ^d = ρ(1 − ρ)(1 + ρ + … + ρ^(d−1)) (one term too many)", terms_shift=1),
              control("wrong constant", "ρ − ρ^d = 2ρ(1 − ρ)(1 + ρ + … + ρ^(d−2))", factor=2)),
    lean=("pow_lt_self_of_ge_two",),
    scope=proof("every degree d >= 2 and every 0 < ρ < 1 (symbolic d); Bernstein certificates for d <= 12 as cross-check"),
)
def check_excess_positive(max_degree: int = DEFAULT_DEGREE, min_degree: int = 2, terms_shift: int = 0,
                          factor: int = 1) -> Evidence:
    """Factorisation identity, positivity of each factor, a Bernstein certificate, and values on a grid."""
    max_degree = check_degree(max_degree, "max_degree")
    min_degree = check_int(min_degree, "min_degree", 1, max_degree)
    bad_identity, not_positive, grid_failures = [], [], []
    for d in range(min_degree, max_degree + 1):
        excess = _poly(RHO - RHO**d)
        f_rho, f_one_minus, geometric = excess_factors(d)
        geometric = geometric + _poly(sum((RHO ** (d - 1 + j) for j in range(terms_shift)), sp.Integer(0)))
        if not (factor * f_rho * f_one_minus * geometric - excess).is_zero:
            bad_identity.append(d)
        # the geometric factor is positive on (0, 1) iff it is non-zero: all its coefficients are 1
        geometric_positive = not geometric.is_zero and all(c > 0 for c in geometric.coeffs())
        cert = bernstein_certificate(excess)
        if not (geometric_positive and cert.positive):
            not_positive.append(d)
        if any(excess.eval(r) <= 0 for r in RHO_GRID):
            grid_failures.append(d)
    proof_all = degree_proofs.excess_proof(min_degree, terms_shift, factor)
    return Evidence(
        passed=proof_all.holds and (not (bad_identity or not_positive or grid_failures)),
        fields={"proof": proof_all.to_dict()},
        numbers={**_proof_numbers(proof_all), "degrees": [min_degree, max_degree], "identity_failures": bad_identity,
                 "not_certified_positive": not_positive, "grid_failures": grid_failures,
                 "excess_d2_at_19/20": str(2 * (RHO - RHO**2).subs(RHO, sp.Rational(19, 20)))},
        tolerance=None,
        detail="exact: factorisation, Bernstein certificate on [0,1], and 19 rational points",
    )


# ============================================================================ the spectral gap


@functools.lru_cache(maxsize=None)
def _excess_polys(max_degree: int) -> tuple[sp.Poly, ...]:
    return tuple(_poly(2 * (RHO - RHO**d)) for d in range(2, max_degree + 1))


@claim(
    "alignment/spectral-gap",
    statement="min over d >= 2 of 2(ρ − ρ^d) is 2ρ(1 − ρ), attained at d = 2: 2(ρ − ρ^d) − 2ρ(1−ρ) = 2ρ²(1 − ρ^(d−2)) >= 0",
    source="docs/theory.md §2 (spectral gap); paper Theorems 1 and 3",
    layer="theory",
    controls=(control("wrong exponent", "the spectral gap is 2ρ²(1 − ρ)", claimed_rho_power=2),
              control("wrong constant", "the spectral gap is 4ρ(1 − ρ)", claimed_factor=4),
              control("mislabelled case", "the gap is attained at d = 3", claimed_degree=3)),
    lean=("spectral_gap_pos", "two_spectral_gap_pos", "nonlinear_energy_le_D", "pow_lt_self_of_ge_two"),
    scope=proof("every degree d >= 2 (symbolic d); certificates for d <= 12 as cross-check"),
)
def check_spectral_gap(max_degree: int = DEFAULT_DEGREE, claimed_rho_power: int = 1, claimed_degree: int = 2,
                       claimed_factor: int = 2) -> Evidence:
    """The claimed gap ``c ρ^p (1 − ρ)`` must be a lower bound of every excess and be attained at ``claimed_degree``.

    Lower bound: ``excess_d − gap`` certified ``>= 0`` on ``[0, 1]`` for each ``d = 2..max_degree``.
    For the true gap this difference is ``2rho²(1 − rho^(d−2))``, checked as an identity too.
    Attained: ``excess_{claimed_degree} − gap`` is the zero polynomial.
    """
    max_degree = check_int(max_degree, "max_degree", 2, 40)
    claimed_rho_power = check_int(claimed_rho_power, "claimed_rho_power", 0, 40)
    claimed_degree = check_int(claimed_degree, "claimed_degree", 2, max_degree)
    claimed_factor = check_int(claimed_factor, "claimed_factor", 1, 10)
    gap = _poly(claimed_factor * RHO**claimed_rho_power * (1 - RHO))
    not_lower_bound, form_mismatch = [], []
    for d, excess in zip(range(2, max_degree + 1), _excess_polys(max_degree)):
        diff = excess - gap
        if not bernstein_certificate(diff).nonnegative:
            not_lower_bound.append(d)
        if not (diff - _poly(2 * RHO**2 * (1 - RHO ** (d - 2)))).is_zero:
            form_mismatch.append(d)
    attained = (_poly(2 * (RHO - RHO**claimed_degree)) - gap).is_zero
    # pointwise: the minimising degree on the grid is claimed_degree and the minimum equals the gap
    grid_argmin_ok = all(
        min(range(2, max_degree + 1), key=lambda d: (2 * (r - r**d), d)) == claimed_degree
        and 2 * (r - r**claimed_degree) == gap.eval(r)
        for r in RHO_GRID
    )
    proof_all = degree_proofs.gap_proof(claimed_rho_power, claimed_degree, claimed_factor)
    return Evidence(
        passed=proof_all.holds and (attained and not not_lower_bound and not form_mismatch and grid_argmin_ok),
        fields={"proof": proof_all.to_dict()},
        numbers={**_proof_numbers(proof_all), "attained_at_claimed_degree": attained, "not_a_lower_bound_at": not_lower_bound,
                 "difference_form_mismatch_at": form_mismatch, "grid_argmin_ok": grid_argmin_ok,
                 "gap_at_19/20": str(gap.eval(sp.Rational(19, 20)))},
        tolerance=None,
        detail="exact: identities in ρ, Bernstein certificates, 19 rational points",
    )


# ============================================================================ the correlation on the simplex


def _random_simplex(rng: random.Random, size: int, signed: bool) -> list[sp.Rational]:
    raw = [rng.randint(0, 9) for _ in range(size)]
    if signed:  # weights of either sign that still sum to 1: some w_d < 0
        raw = [x - 4 for x in raw]
    if sum(raw) <= 0:
        raw[0] += 1 - sum(raw)
    return [sp.Rational(x, sum(raw)) for x in raw]


@claim(
    "thm-A/simplex-correlation",
    statement="weights w_d >= 0 with Σ_{d>=1} w_d = 1 give Σ w_d ρ^d <= ρ, equality iff w_1 = 1 "
              "(ρ − Σ w_d ρ^d = Σ_{d>=2} w_d (ρ − ρ^d)), over all degrees",
    source="docs/theory.md §2, Theorem A chain (paper Theorem 1, the paper's Lemma 3.3)",
    layer="theory",
    controls=(control("wrong exponent", "Σ w_d ρ^d <= ρ² on the simplex", bound_exponent=2),
              control("wrong constant", "Σ w_d ρ^d <= ρ/2 on the simplex", bound_factor=sp.Rational(1, 2)),
              control("dropped hypothesis", "Σ w_d ρ^d <= ρ for weights of either sign summing to 1", signed=True)),
    lean=("correlation_le_rho", "equality_forces_degree_one", "spectral_term_le", "pow_le_self_of_pos_lt_one",
          "summable_spectral_upper", "tsum_spectral_upper", "mehler_summability"),
    scope=proof("every weight sequence on the simplex over all degrees d >= 1 (term-wise, symbolic d); exact samples with d <= 12 as cross-check"),
)
def check_simplex_correlation(max_degree: int = DEFAULT_DEGREE, n_samples: int = 40, seed: int = 0,
                              bound_exponent: int = 1, bound_factor=1, signed: bool = False) -> Evidence:
    """Symbolic identity in ``(rho, w_2..w_D)`` with ``w_1 = 1 − Σ w_d``, plus exact random samples."""
    max_degree = check_int(max_degree, "max_degree", 2, 40)
    n_samples = check_int(n_samples, "n_samples", 1, 10_000)
    rng = random.Random(check_int(seed, "seed", 0))
    c = sp.Rational(bound_factor)
    ws = sp.symbols(f"w_2:{max_degree + 1}", nonnegative=not signed)
    w1 = 1 - sum(ws)
    lhs = c * RHO**bound_exponent - (w1 * RHO + sum(w * RHO**d for d, w in zip(range(2, max_degree + 1), ws)))
    rhs = sum(w * (RHO - RHO**d) for d, w in zip(range(2, max_degree + 1), ws))
    identity = sp.expand(lhs - rhs) == 0
    # each coefficient ρ − ρ^d of the (non-negative) weights is certified positive on (0, 1)
    coefficients_positive = all(bernstein_certificate(_poly(RHO - RHO**d)).positive for d in range(2, max_degree + 1))

    violations, equality_wrong = 0, 0
    vertex = [sp.Integer(1)] + [sp.Integer(0)] * (max_degree - 1)
    samples = [vertex] + [_random_simplex(rng, max_degree, signed) for _ in range(n_samples)]
    for w in samples:
        r = rng.choice(RHO_GRID)
        g = c * r**bound_exponent - sum(wd * r ** (d + 1) for d, wd in enumerate(w))
        if g < 0:
            violations += 1
        if (g == 0) != (w[0] == 1):
            equality_wrong += 1
    proof_all = degree_proofs.simplex_proof(bound_exponent, c, signed)
    return Evidence(
        passed=proof_all.holds and (identity and coefficients_positive and violations == 0 and equality_wrong == 0),
        fields={"proof": proof_all.to_dict()},
        numbers={**_proof_numbers(proof_all), "identity_holds": identity, "coefficients_certified_positive": coefficients_positive,
                 "samples": len(samples), "violations": violations, "equality_case_wrong": equality_wrong},
        tolerance=None,
        detail="symbolic identity + exact rational samples (first sample: w_1 = 1)",
    )


# ============================================================================ Theorem A: the loss bound


def _crossed_whitened_map() -> tuple[tuple[sp.Poly, ...], tuple]:
    """A whitened map that is not coordinate-separable: (3/5 z1 + 4/5 z1 z2, z2/3 + 2/3 He_2(z1)).

    Each component has mean 0 and variance 1 (9/25 + 16/25; 1/9 + 8/9 · 2/2) and the two are
    uncorrelated; the cross terms mix the coordinates.
    """
    z1, z2 = latent_symbols(2)
    he2 = hermite_he(2, z1).as_expr()
    h = (sp.Rational(3, 5) * z1 + sp.Rational(4, 5) * z1 * z2, z2 / 3 + sp.Rational(2, 3) * he2)
    g = (z1, z2)
    return tuple(as_poly(sp.expand(c), g) for c in h), g


@functools.lru_cache(maxsize=None)
def _loss_bound_maps(dimensions: tuple, maps_per_dimension: int, seed: int) -> tuple:
    """``(n, kind, L(h), is_whitened, is_linear, chain)`` for seeded maps: whitened linear, whitened nonlinear
    (coordinate-separable rotated), one crossed whitened map, and unwhitened ones (z/2 and a map with a mean)."""
    rng = random.Random(seed)
    out = []
    for n in dimensions:
        n = check_int(n, "n", 1, 3)
        g = latent_symbols(n)
        cases = [("whitened linear", random_whitened_map(n, rng.randint(0, 2**31), linear=True)[0])
                 for _ in range(maps_per_dimension)]
        cases += [("whitened nonlinear", random_whitened_map(n, rng.randint(0, 2**31), linear=False)[0])
                  for _ in range(maps_per_dimension)]
        cases.append(("not whitened (z/2)", tuple(as_poly(gi / 2, g) for gi in g)))
        for kind, h in cases:
            cov_ok = not any(mean_vector(h, g)) and covariance_matrix(h, g) == sp.eye(n)
            linear = all(p.total_degree() <= 1 for p in h)
            spec = hermite_spectrum(h, g)
            chain = sum((e * 2 * (RHO - RHO**d) for row in spec.energies for d, e in enumerate(row) if d >= 2),
                        sp.Integer(0))
            out.append((n, kind, alignment_loss(h, g), cov_ok, linear, _poly(chain)))
    h, g = _crossed_whitened_map()
    spec = hermite_spectrum(h, g)
    chain = sum((e * 2 * (RHO - RHO**d) for row in spec.energies for d, e in enumerate(row) if d >= 2), sp.Integer(0))
    cov_ok = not any(mean_vector(h, g)) and covariance_matrix(h, g) == sp.eye(2)
    out.append((2, "whitened crossed", alignment_loss(h, g), cov_ok, False, _poly(chain)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _loss_bound_argument() -> tuple[bool, str, list]:
    E = sp.Symbol("E", nonnegative=True)
    d = sp.Symbol("d", integer=True, positive=True)
    termwise = degree_proofs._zero(2 * (1 - RHO**d) * E - 2 * (1 - RHO) * E - 2 * (RHO - RHO**d) * E)
    n = sp.Symbol("n", integer=True, positive=True)
    M = sp.MatrixSymbol("M", n, n)
    transpose_is_inverse = sp.simplify((M.I * (M * M.T)).doit() - M.T) == sp.ZeroMatrix(n, n)
    steps = [("L(h) = 2 Σ_i Σ_(d>=1) (1 − ρ^d) E_(i,d) for every map (spectral form)", degree_proofs.spectral_form_proof().holds),
             ("E h = 0 and Cov h = I give E_(i,0) = 0 and Σ_d E_(i,d) = 1, so L − 2n(1 − ρ) = 2 Σ_i Σ_(d>=2) (ρ − ρ^d) E_(i,d) "
              "(term-wise identity, symbolic d)", termwise),
             ("ρ − ρ^d > 0 for every d >= 2: L >= 2n(1 − ρ), equality iff E_(i,d) = 0 for every d >= 2",
              degree_proofs.excess_proof(2).holds),
             ("energy at degree 1 only makes h linear (He_α = z^α + lower-degree terms, every degree)",
              degree_proofs.leading_term_proof().holds),
             ("h = Mz with Cov h = MMᵀ = I: det(M)² = 1, and Mᵀ = M⁻¹(MMᵀ) = M⁻¹, so M ∈ O(n) (MatrixSymbol, symbolic n)",
              transpose_is_inverse)]
    return all(ok for _, ok in steps), "; ".join(t for t, _ in steps), [t for t, ok in steps if not ok]


@claim(
    "thm-A/loss-bound",
    statement="E h = 0, Cov h = I_n ⇒ L(h) >= 2n(1 − ρ), equality iff h = Qz, Q ∈ O(n), for every map "
              "(the chain spectral form → term-wise excess → degree 1 → orthogonal); direct losses of exact "
              "whitened maps, crossed ones included, n = 1, 2, 3 as cross-check",
    source="docs/theory.md §2, Theorem A (paper Theorem 1, Lean 4.1)",
    layer="theory",
    controls=(control("wrong exponent", "L(h) >= 2n(1 − ρ²) for whitened h", bound_rho_power=2),
              control("wrong constant", "L(h) >= 4n(1 − ρ) for whitened h", bound_factor=4),
              control("dropped hypothesis", "L(h) >= 2n(1 − ρ) without Cov h = I (maps such as z/2 included)",
                      whitened=False),
              control("strengthened conclusion", "L(h) = 2n(1 − ρ) for every whitened h", equality_for_all=True)),
    lean=("loss_lower_bound", "hermite_identifiability"),
    scope=proof("every n and every whitened map with finite Hermite energy (the chain of the spectral form, the "
                "term-wise excess, degree-1 linearity and the orthogonality of whitened linear maps); seeded exact "
                "maps for n = 1, 2, 3 as cross-check"),
)
def check_loss_bound(dimensions: tuple = (1, 2, 3), maps_per_dimension: int = 2, seed: int = 0,
                     bound_rho_power: int = 1, bound_factor: int = 2, whitened: bool = True,
                     equality_for_all: bool = False) -> Evidence:
    """The inequality ``L − bound >= 0`` certified on every map meeting the hypothesis, and its equality case.

    Every map's direct ``L(h)`` must satisfy the claimed bound ``c·n(1 − ρ^p)`` (a Bernstein certificate
    of ``L − bound >= 0`` on [0, 1]); equality holds exactly for the linear maps (``L − bound`` the
    zero polynomial), and the nonlinear excess equals ``2 Σ E_(i,d)(ρ − ρ^d)`` from the spectrum.
    ``whitened=False`` drops the hypothesis (unwhitened maps enter); ``equality_for_all`` claims
    equality for every map.
    """
    maps_per_dimension = check_int(maps_per_dimension, "maps_per_dimension", 1, 20)
    bound_rho_power = check_int(bound_rho_power, "bound_rho_power", 1, 40)
    bound_factor = check_int(bound_factor, "bound_factor", 1, 10)
    rows = _loss_bound_maps(tuple(dimensions), maps_per_dimension, check_int(seed, "seed", 0))
    checked, inequality_failures, equality_failures, chain_failures = 0, [], [], []
    for n, kind, loss, cov_ok, linear, chain in rows:
        if whitened and not cov_ok:
            continue
        checked += 1
        excess = loss - _poly(bound_factor * n * (1 - RHO**bound_rho_power))
        if not bernstein_certificate(excess).nonnegative:
            inequality_failures.append(f"n={n} {kind}")
        claimed_equal = True if equality_for_all else linear
        if cov_ok and excess.is_zero != claimed_equal:
            equality_failures.append(f"n={n} {kind}")
        if cov_ok and bound_factor == 2 and bound_rho_power == 1 and not (excess - chain).is_zero:
            chain_failures.append(f"n={n} {kind}")
    ok_arg, text, failing = _loss_bound_argument()
    argument_applies = whitened and bound_factor == 2 and bound_rho_power == 1 and not equality_for_all
    return Evidence(
        passed=ok_arg and argument_applies and checked > 0 and not (inequality_failures or equality_failures or chain_failures),
        numbers={"proof_all_maps": ok_arg and argument_applies, "maps_checked": checked,
                 "inequality_failures": inequality_failures, "equality_case_failures": equality_failures,
                 "chain_mismatches": chain_failures, "dimensions": list(dimensions)},
        tolerance=None,
        fields={"argument": text, "failing_argument_steps": failing},
        detail="exact: Bernstein certificates of L − bound on [0, 1]; equality iff L − bound is the zero polynomial",
    )


# ============================================================================ whitened linear maps are orthogonal


@functools.lru_cache(maxsize=None)
def _orthogonality_argument(covariance_scale: int) -> tuple[bool, str]:
    n = sp.Symbol("n", integer=True, positive=True)
    M = sp.MatrixSymbol("M", n, n)
    c = sp.Integer(covariance_scale)
    cov = (M * sp.Identity(n) * M.T).doit()  # E[(Mz)(Mz)ᵀ] = M E[zzᵀ] Mᵀ with E[zzᵀ] = I
    det_square = sp.simplify(sp.Determinant(M * M.T).doit() - sp.Determinant(M) ** 2) == 0
    left = (M.I * (c * sp.Identity(n))).doit()  # Mᵀ = M⁻¹ (M Mᵀ) = c M⁻¹
    gram = sp.simplify((left * M).doit())  # Mᵀ M = c M⁻¹ M = c I
    steps = [("Cov(Mz) = M E[zzᵀ] Mᵀ = MMᵀ (MatrixSymbol, symbolic n)", cov == M * M.T),
             ("det(MMᵀ) = det(M)², so MMᵀ = cI with c > 0 makes M invertible", det_square),
             (f"MᵀM = M⁻¹(MMᵀ)M = {c}·I, which is I exactly when the covariance is I",
              sp.simplify(gram - sp.Identity(n)) == sp.ZeroMatrix(n, n))]
    return all(ok for _, ok in steps), "; ".join(f"{t} [{'ok' if ok else 'FAILS'}]" for t, ok in steps)


@claim(
    "thm-A/orthogonal-of-whitened-linear",
    statement="h(z) = Mz has Cov h = M Mᵀ under γ_n, and M Mᵀ = I ⇒ MᵀM = I for every square M in every dimension "
              "(det(M)² = 1, Mᵀ = M⁻¹); the adjugate identity adj(M)(MMᵀ − I)M = det M (MᵀM − I) for n <= 3 as cross-check",
    source="docs/theory.md §2, Theorem A (last step; paper Theorem 1)",
    layer="theory",
    controls=(control("wrong constant", "a linear map with Cov h = 4·I is orthogonal", covariance_scale=4),
              control("dropped hypothesis", "a linear map R^n → R^m with Cov h = I_m is orthogonal also for m < n "
                      "(a projection)", shape="wide"),
              control("strengthened conclusion", "a linear map with Cov h = I is the identity", conclusion="identity")),
    lean=("orthogonal_of_gaussian_linear", "hermite_identifiability"),
    scope=proof("every n and every square M (matrix identities with a symbolic dimension); symbolic 3×3 entries and "
                "rational examples as cross-check"),
)
def check_orthogonal_of_whitened_linear(dimensions: tuple = (1, 2, 3), n_examples: int = 3, seed: int = 0,
                                        covariance_scale: int = 1, shape: str = "square",
                                        conclusion: str = "orthogonal") -> Evidence:
    """The symbolic-dimension argument, the adjugate identity for n <= 3, and rational examples ``M = sqrt(c)·Q``.

    ``covariance_scale = c`` must be a perfect square so that the examples stay rational; the
    statement checked is "``Cov h = c I`` ⇒ ``MᵀM = I``", true only for ``c = 1``. ``shape="wide"``
    lets the map drop coordinates (``m < n``); ``conclusion="identity"`` claims ``M = I``.
    """
    n_examples = check_int(n_examples, "n_examples", 1, 50)
    c = check_int(covariance_scale, "covariance_scale", 1, 10_000)
    root = math.isqrt(c)
    if root * root != c:
        raise ValueError(f"covariance_scale must be a perfect square (examples are rational), got {c}")
    if shape not in ("square", "wide"):
        raise ValueError(f"shape must be 'square' or 'wide', got {shape!r}")
    if conclusion not in ("orthogonal", "identity"):
        raise ValueError(f"conclusion must be 'orthogonal' or 'identity', got {conclusion!r}")
    rng = random.Random(check_int(seed, "seed", 0))
    symbolic_ok, counterexamples, examples = True, 0, 0
    for n in dimensions:
        n = check_int(n, "n", 1, 3)
        g = latent_symbols(n)
        m = sp.Matrix(n, n, sp.symbols(f"m_0:{n * n}"))
        cov = covariance_matrix([sum(m[i, k] * g[k] for k in range(n)) for i in range(n)], g)
        symbolic_ok &= (cov - m * m.T).expand() == sp.zeros(n, n)
        lhs = m.adjugate() * (m * m.T - c * sp.eye(n)) * m
        rhs = m.det() * (m.T * m - c * sp.eye(n))
        symbolic_ok &= (lhs - rhs).expand() == sp.zeros(n, n)
        for _ in range(n_examples):
            Q = random_rational_orthogonal(n, rng.randint(0, 2**31))
            mat = root * (Q[: max(1, n - 1), :] if shape == "wide" and n > 1 else Q)
            h = [sum(mat[i, k] * g[k] for k in range(n)) for i in range(mat.rows)]
            if covariance_matrix(h, g) == c * sp.eye(mat.rows):
                examples += 1
                holds = mat == sp.eye(n) if conclusion == "identity" else (mat.T * mat == sp.eye(n))
                counterexamples += int(not holds)
    ok_arg, text = _orthogonality_argument(c)
    argument_applies = ok_arg and shape == "square" and conclusion == "orthogonal"
    return Evidence(
        passed=bool(argument_applies and symbolic_ok and counterexamples == 0 and examples > 0),
        numbers={"proof_all_n": argument_applies, "symbolic_identities_hold": bool(symbolic_ok),
                 "examples_with_hypothesis": examples, "counterexamples": counterexamples, "covariance_scale": c,
                 "shape": shape},
        fields={"argument": text},
        tolerance=None,
        detail="MatrixSymbol argument for every n; generic symbolic M for n <= 3; examples from the Cayley transform",
    )


# ============================================================================ energy at degree 1 means linear


def _generic_polynomial(gens: tuple, degree: int, tag: str) -> tuple[sp.Expr, tuple]:
    coeffs, expr = [], sp.Integer(0)
    for k, mono in enumerate(sorted(sp.itermonomials(gens, degree), key=sp.default_sort_key)):
        a = sp.Symbol(f"{tag}{k}")
        coeffs.append(a)
        expr += a * mono
    return expr, tuple(coeffs)


@functools.lru_cache(maxsize=None)
def _general_solution(n: int, degree: int, allowed: tuple) -> tuple:
    """The general polynomial of degree <= ``degree`` in n variables whose Hermite coefficients vanish
    outside the degrees ``allowed`` (linsolve), and its free parameters."""
    g = latent_symbols(n)
    p, coeffs = _generic_polynomial(g, degree, "a")
    poly = sp.Poly(p, *(g + coeffs))
    equations = []
    for alpha in multi_indices(n, degree):
        if sum(alpha) in allowed:
            continue
        he = hermite_multi(alpha, g).as_expr()
        projection = gaussian_expectation(sp.Poly(sp.expand(p * he), *(g + coeffs)), over=g)
        equations.append(projection.as_expr() if isinstance(projection, sp.Poly) else projection)
    (solution,) = sp.linsolve(equations, list(coeffs))
    general = sp.expand(p.subs(dict(zip(coeffs, solution))))
    free = tuple(sorted(general.free_symbols - set(g), key=lambda s: s.name))
    return general, free, g, poly


@claim(
    "thm-A/linear-of-degree-one",
    statement="a polynomial map whose Hermite energy lies only at degree 1 is linear, h(z) = M z with M = E[h(z) zᵀ], "
              "in every degree and dimension (the top-degree Hermite coefficient is the top monomial coefficient); "
              "cross-check: the general solution of the hypothesis among all polynomials of degree <= 4 (n = 1), 3 (n = 2), "
              "2 (n = 3), and seeded random members of it",
    source="docs/theory.md §2, Theorem A chain (degree-1 concentration ⇒ linear; paper Theorem 1)",
    layer="theory",
    controls=(control("weakened hypothesis", "energy only at degrees 0 and 1 ⇒ h(z) = E[h zᵀ] z (affine maps break it)",
                      allowed_degrees=(0, 1)),
              control("weakened hypothesis", "energy only at odd degrees 1 and 3 ⇒ h is linear", allowed_degrees=(1, 3)),
              control("wrong constant", "energy only at degree 1 ⇒ h(z) = E[h zᵀ] z / 2", conclusion_factor=sp.Rational(1, 2))),
    lean=("linear_of_degree_one",),
    scope=proof("every polynomial map in every degree and dimension (He_α = z^α + lower-degree terms, by induction on "
                "the recurrence); the general solution for degree <= 4 as cross-check"),
)
def check_linear_of_degree_one(cases: tuple = ((1, 4), (2, 3), (3, 2)), n_random: int = 2, seed: int = 0,
                               allowed_degrees: tuple = (1,), conclusion_factor=1) -> Evidence:
    """Solve the hypothesis over all polynomials of the stated degree, then test ``h = f·E[h zᵀ] z`` on the general solution.

    The general solution is computed, not constructed as ``Mz``: ``linsolve`` of the Hermite
    projections outside ``allowed_degrees``. The implication must hold identically in its free
    parameters, and on seeded rational members of the family.
    """
    allowed = tuple(sorted({check_int(d, "allowed_degrees entry", 0, 40) for d in allowed_degrees}))
    f = sp.Rational(conclusion_factor)
    rng = random.Random(check_int(seed, "seed", 0))
    families, failures, members = 0, [], 0
    for n, degree in cases:
        general, free, g, _ = _general_solution(check_int(n, "n", 1, 3), check_int(degree, "degree", 1, 6), allowed)
        families += 1
        components = [general] + [general.subs({s: sp.Symbol(s.name + "_b") for s in free})] * (n - 1)

        def rebuilt(p):  # f · E[p zᵀ] z, from moments, independently of the Hermite coefficients
            return sum(gaussian_expectation(sp.Poly(sp.expand(p * gk), *(g + tuple(sorted(p.free_symbols - set(g),
                                                                                            key=lambda s: s.name)))),
                                            over=g).as_expr() * gk for gk in g) * f

        for p in components[:1]:
            if sp.expand(p - rebuilt(p)) != 0:
                failures.append(f"n={n}, degree<={degree}: general solution {sp.sstr(p)[:60]}")
        for _ in range(n_random):
            values = {s: sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for s in free}
            member = sp.expand(general.subs(values))
            if member == 0:
                continue
            members += 1
            moment = sum(gaussian_expectation(sp.Poly(member * gk, *g)) * gk for gk in g) * f
            if sp.expand(member - moment) != 0:
                failures.append(f"n={n}: member {sp.sstr(member)[:60]}")
    lead = degree_proofs.leading_term_proof()
    argument = lead.holds and allowed == (1,) and f == 1
    return Evidence(
        passed=argument and families > 0 and members > 0 and not failures,
        numbers={"proof_all_degrees": argument, "families_solved": families, "random_members": members,
                 "implication_failures": failures[:3], "allowed_degrees": list(allowed)},
        fields={"proof": lead.to_dict()},
        tolerance=None,
        detail="exact; the hypothesis solved by linsolve over all polynomials of the stated degree",
    )


# ============================================================================ the spectral form


@functools.lru_cache(maxsize=None)
def _spectral_form_maps(dimensions: tuple, maps_per_dimension: int, max_degree: int, seed: int) -> tuple:
    rng = random.Random(seed)
    out = []
    for n in dimensions:
        n = check_int(n, "n", 1, 3)
        for _ in range(maps_per_dimension):
            h, g = random_polynomial_map(n, rng.randint(1, max_degree), rng.randint(0, 2**31))
            out.append((hermite_spectrum(h, g), alignment_loss(h, g), lagged_correlation(h, g)))
    return tuple(out)


@claim(
    "thm-A/spectral-form",
    statement="L(h) = 2 Σ_i Σ_{d>=1} (1 − ρ^d) E_{i,d} and E[h(z)·h(z')] = Σ_i Σ_d ρ^d E_{i,d} for every polynomial map "
              "(E[He_α(z) He_β(z')] = δ_αβ α! ρ^|α| from E[G(s, z) G(t, z')] = e^{ρst}); direct vs spectral on seeded "
              "random rational maps in n = 1, 2, 3 as cross-check",
    source="docs/theory.md §2 (alignment in spectral form); paper Theorem 1 (Mehler)",
    layer="theory",
    controls=(control("wrong constant", "L(h) = Σ_i Σ_{d>=1} (1 − ρ^d) E_{i,d} (missing factor 2)", factor=1),
              control("wrong exponent", "L(h) = 2 Σ_i Σ_{d>=1} (1 − ρ^(2d)) E_{i,d} and E[h h'] = Σ ρ^(2d) E_{i,d}",
                      exponent_factor=2),
              control("wrong exponent", "L(h) = 2 Σ_i Σ_{d>=1} (1 − ρ^(d+1)) E_{i,d} and E[h h'] = Σ ρ^(d+1) E_{i,d}",
                      exponent_shift=1),
              control("dropped term", "L(h) = 2 Σ_i Σ_{d>=2} (1 − ρ^d) E_{i,d} (the linear part costs nothing)",
                      lowest_degree=2)),
    lean=("correlation_eq_spectral_sum", "mehler_summability", "loss_lower_bound"),
    scope=proof("every polynomial map in every degree and dimension (cross moments by generating functions); "
                "L² maps by continuity; seeded random maps n = 1, 2, 3 as cross-check"),
)
def check_spectral_form(dimensions: tuple = (1, 2, 3), maps_per_dimension: int = 2, max_degree: int = 4,
                        seed: int = 0, factor: int = 2, exponent_factor: int = 1, exponent_shift: int = 0,
                        lowest_degree: int = 1) -> Evidence:
    """Direct ``E||h(z) − h(z')||²`` and ``E[h(z)·h(z')]`` against the Hermite-energy formulas, and the proof."""
    maps_per_dimension = check_int(maps_per_dimension, "maps_per_dimension", 1, 20)
    max_degree = check_int(max_degree, "max_degree", 1, 8)
    rows = _spectral_form_maps(tuple(dimensions), maps_per_dimension, max_degree, check_int(seed, "seed", 0))
    loss_fail = corr_fail = 0
    for spec, direct, corr in rows:
        if not (direct - spectral_alignment_loss(spec, factor=factor, exponent_shift=exponent_shift,
                                                 exponent_factor=exponent_factor, lowest_degree=lowest_degree)).is_zero:
            loss_fail += 1
        if not (corr - spectral_correlation(spec, exponent_shift, exponent_factor)).is_zero:
            corr_fail += 1
    proof_all = degree_proofs.spectral_form_proof(factor, exponent_factor, exponent_shift, lowest_degree)
    cross = degree_proofs.cross_moment_proof(exponent_factor, exponent_shift)
    return Evidence(
        passed=proof_all.holds and cross.holds and rows != () and loss_fail == 0 and corr_fail == 0,
        fields={"proof": proof_all.to_dict(), "cross_moments": cross.to_dict()},
        numbers={"proof_all_maps": proof_all.holds and cross.holds, "maps_checked": len(rows),
                 "loss_mismatches": loss_fail, "correlation_mismatches": corr_fail,
                 "example_direct_loss": str(rows[0][1].as_expr()) if rows else None},
        tolerance=None,
        detail="exact polynomial identities in ρ",
    )
