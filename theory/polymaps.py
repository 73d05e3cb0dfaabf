"""Seeded random polynomial maps, rational matrices and rational orthogonal matrices.

These are the test objects of the exact claims (docs/theory.md §2, Theorem A, the Dirichlet route,
Prop 4.3 and Cor 4.5): a statement about every polynomial map or every orthogonal matrix is
checked on objects drawn here, with an explicit seed so that the same seed gives the same
objects. Rational orthogonal matrices all come from one Cayley transform,
:func:`cayley_orthogonal`. Standard library and sympy only.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Sequence

import sympy as sp

from lejepa_verify.theory.hermite import MAX_DEGREE, MAX_DIMENSION, as_poly, hermite_he, latent_symbols
from lejepa_verify.theory.validate import check_int

#: Largest size of the exact rational matrices drawn here (rational entries grow quickly under
#: products and inverses, so the matrix lemmas of Prop 4.3 and the LQR checks stay below it).
MAX_MATRIX_SIZE = 8


def _rational(rng: random.Random, bound: int = 9) -> sp.Rational:
    """A small non-zero rational p/q with |p| <= bound, 1 <= q <= bound."""
    p = 0
    while p == 0:
        p = rng.randint(-bound, bound)
    return sp.Rational(p, rng.randint(1, bound))


def random_polynomial(gens: Sequence[sp.Symbol], degree: int, rng: random.Random,
                      n_terms: int = 6, min_degree: int = 0) -> sp.Poly:
    """A random polynomial in ``gens`` with rational coefficients and total degree in ``[min_degree, degree]``.

    The top degree is always present (one monomial of total degree ``degree`` is forced), so a
    map drawn with ``degree >= 2`` is nonlinear.
    """
    gens = tuple(gens)
    degree = check_int(degree, "degree", 0, MAX_DEGREE)
    min_degree = check_int(min_degree, "min_degree", 0, degree)
    n_terms = check_int(n_terms, "n_terms", 1, 200)
    n = len(gens)

    def monomial(total: int) -> tuple[int, ...]:
        # a random composition of `total` into n parts
        cuts = sorted(rng.randint(0, total) for _ in range(n - 1))
        parts, prev = [], 0
        for c in cuts + [total]:
            parts.append(c - prev)
            prev = c
        return tuple(parts)

    terms = {monomial(degree): _rational(rng)}
    for _ in range(n_terms - 1):
        terms[monomial(rng.randint(min_degree, degree))] = _rational(rng)
    return sp.Poly.from_dict(terms, *gens, domain=sp.QQ)


def random_polynomial_map(n: int, degree: int, seed: int, m: int | None = None,
                          n_terms: int = 6, min_degree: int = 0) -> tuple[tuple[sp.Poly, ...], tuple[sp.Symbol, ...]]:
    """``m`` (default ``n``) random rational polynomials of degree ``degree`` in ``z_1..z_n``, and the symbols.

    Same ``seed``, same map. Components have total degree exactly ``degree``.
    """
    n = check_int(n, "n", 1, MAX_DIMENSION)
    m = n if m is None else check_int(m, "m", 1, 16)
    seed = check_int(seed, "seed", 0)
    rng = random.Random(seed)
    gens = latent_symbols(n)
    comps = tuple(random_polynomial(gens, degree, rng, n_terms, min_degree) for _ in range(m))
    return comps, gens


def linear_map(matrix: sp.Matrix, gens: Sequence[sp.Symbol], offset: Sequence | None = None) -> tuple[sp.Poly, ...]:
    """The components of ``z ↦ M z (+ b)`` as Polys in ``gens``."""
    gens = tuple(gens)
    matrix = sp.Matrix(matrix)
    if matrix.cols != len(gens):
        raise ValueError(f"matrix must have {len(gens)} columns (one per latent), got {matrix.cols}")
    offset = [0] * matrix.rows if offset is None else list(offset)
    if len(offset) != matrix.rows:
        raise ValueError(f"offset must have {matrix.rows} entries, got {len(offset)}")
    return tuple(
        as_poly(sum(matrix[i, j] * gens[j] for j in range(len(gens))) + offset[i], gens) for i in range(matrix.rows)
    )


def cayley_orthogonal(S: sp.Matrix) -> sp.Matrix:
    """``Q = (I − S)(I + S)⁻¹`` for a skew-symmetric ``S``: an exactly orthogonal matrix.

    ``I + S`` is always invertible (the eigenvalues of ``S`` are imaginary), and ``Q`` is rational
    when ``S`` is. Every such ``Q`` has determinant ``+1`` and no eigenvalue ``−1``.
    """
    S = sp.Matrix(S)
    if S.rows != S.cols or S.rows < 1:
        raise ValueError(f"S must be a non-empty square matrix, got shape {S.shape}")
    if S + S.T != sp.zeros(S.rows):
        raise ValueError("S must be skew-symmetric (S + S^T = 0)")
    eye = sp.eye(S.rows)
    return (eye - S) * (eye + S).inv()


def random_rational_matrix(rows: int, cols: int, seed: int, bound: int = 3, denominator: int = 2) -> sp.Matrix:
    """A rows×cols matrix of rationals ``k / denominator`` with ``|k| ≤ bound·denominator``, seeded."""
    rows = check_int(rows, "rows", 1, MAX_MATRIX_SIZE)
    cols = check_int(cols, "cols", 1, MAX_MATRIX_SIZE)
    rng = random.Random(seed)
    top = bound * denominator
    return sp.Matrix(rows, cols, lambda i, j: sp.Rational(rng.randint(-top, top), denominator))


def random_cayley_orthogonal(n: int, seed: int) -> sp.Matrix:
    """A rational rotation (``det = +1``): the Cayley transform of ``A − Aᵀ``, ``A`` from
    :func:`random_rational_matrix` with the same ``seed``. See :func:`random_rational_orthogonal`
    for a draw that also reaches the reflections."""
    n = check_int(n, "n", 1, MAX_MATRIX_SIZE)
    A = random_rational_matrix(n, n, seed)
    return cayley_orthogonal(A - A.T)


def random_rational_orthogonal(n: int, seed: int) -> sp.Matrix:
    """A random ``Q ∈ O(n)`` with rational entries: :func:`cayley_orthogonal` of a random
    rational skew-symmetric matrix, then a random sign flip of one row, which reaches the other
    component of ``O(n)`` (the Cayley transform alone gives rotations only).
    """
    n = check_int(n, "n", 1, MAX_DIMENSION)
    rng = random.Random(check_int(seed, "seed", 0))
    a = sp.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            v = Fraction(rng.randint(-5, 5), rng.randint(1, 4))
            a[i, j] = sp.Rational(v.numerator, v.denominator)
            a[j, i] = -a[i, j]
    q = cayley_orthogonal(a)
    if rng.random() < 0.5:
        q[0, :] = -q[0, :]
    return q


def _ellipse_point(k_factorial: int, t: sp.Rational) -> tuple[sp.Rational, sp.Rational]:
    """A rational point ``(x, y)`` on ``x² + K y² = 1`` (``K = k!``): ``x = (1 − K t²)/(1 + K t²)``, ``y = 2t/(1 + K t²)``."""
    den = 1 + k_factorial * t**2
    return (1 - k_factorial * t**2) / den, 2 * t / den


def random_whitened_map(n: int, seed: int, max_degree: int = 3, linear: bool = False
                        ) -> tuple[tuple[sp.Poly, ...], tuple[sp.Symbol, ...]]:
    """A random map with ``E h = 0`` and ``Cov h = I_n`` exactly, rational coefficients.

    ``h = Q g(z)`` with ``Q`` a random rational orthogonal matrix and
    ``g_i(z) = x_i He_1(z_i) + y_i He_{k_i}(z_i)``, ``k_i ∈ [2, max_degree]``, where
    ``x_i² + k_i! y_i² = 1`` (a rational point of that ellipse, so ``E g_i² = 1``); the ``g_i``
    are independent and mean zero, hence uncorrelated. ``linear=True`` takes ``y_i = 0``
    (then ``h = Q z``); otherwise every ``y_i != 0`` and ``h`` is nonlinear.
    """
    n = check_int(n, "n", 1, MAX_DIMENSION)
    max_degree = check_int(max_degree, "max_degree", 2, 8)
    rng = random.Random(check_int(seed, "seed", 0))
    gens = latent_symbols(n)
    g = []
    for i in range(n):
        if linear:
            g.append(gens[i])
            continue
        k = rng.randint(2, max_degree)
        t = sp.Rational(rng.randint(1, 6), rng.randint(1, 6)) * rng.choice((1, -1))
        x, y = _ellipse_point(int(sp.factorial(k)), t)
        he = hermite_he(k, gens[i]).as_expr()
        g.append(x * gens[i] + y * he)
    q = random_rational_orthogonal(n, rng.randint(0, 2**31))
    comps = tuple(as_poly(sp.expand(sum(q[i, j] * g[j] for j in range(n))), gens) for i in range(n))
    return comps, gens
