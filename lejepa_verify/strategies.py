"""Hypothesis strategies for what the theorems quantify over (docs/theory.md §1–§4).

A property test states a theorem, draws its hypotheses' objects from here and lets hypothesis
shrink a failure to the smallest counterexample::

    from hypothesis import given
    from lejepa_verify import strategies as lst

    @given(rho=lst.rho(), d=lst.degrees(min_degree=2))
    def test_per_degree_excess(rho, d):          # Theorem A: 2(ρ − ρ^d) >= 2ρ(1 − ρ)
        assert 2 * (rho - rho**d) >= 2 * rho * (1 - rho) - 1e-12

======================================  =====================================================
strategy                                draws
======================================  =====================================================
:func:`rho`                             a float ρ in ``[min_value, max_value] ⊂ (0, 1)``
:func:`rational_rho`                    an exact ``Fraction`` ρ in ``(0, 1)``
:func:`degrees`                         a degree ``d`` (an int)
:func:`multi_indices`                   ``α ∈ N^n`` with ``|α| <= max_degree`` (a tuple)
:func:`simplex_weights`                 weights ``w_i >= 0`` with ``Σ w_i = 1`` (Fractions or floats)
:func:`psd_matrices`                    a symmetric positive semidefinite matrix (numpy or sympy)
:func:`rational_orthogonal_matrices`    an exactly orthogonal rational sympy matrix (Cayley)
:func:`hermite_polynomial_maps`         a rational polynomial map with its exact Hermite spectrum
:func:`gaussian_preserving_maps`        a map of :mod:`numerics.maps` with ``h(z) ~ N(0, I)``
:func:`latent_law_params`               parameters of a registered latent law, in its declared ranges
:func:`latent_laws`                     a :class:`~lejepa_verify.numerics.latents.LatentLaw`
======================================  =====================================================

Every strategy validates its own arguments (``ValueError`` naming the parameter) when it is
built, not when it is drawn from. ``hypothesis`` is needed only by this module: it comes with
``pip install 'lejepa-verify[test]'``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ModuleNotFoundError as exc:  # pragma: no cover - exercised only without the extra
    if exc.name != "hypothesis":
        raise
    raise ModuleNotFoundError(
        "lejepa_verify.strategies needs hypothesis: pip install 'lejepa-verify[test]'", name="hypothesis"
    ) from None

import numpy as np
import sympy as sp

from lejepa_verify.theory.hermite import MAX_DIMENSION, Alpha, from_hermite, latent_symbols, multi_factorial
from lejepa_verify.theory.polymaps import MAX_MATRIX_SIZE, cayley_orthogonal
from lejepa_verify.theory.validate import check_int

__all__ = [
    "GAUSSIAN_PRESERVING_MAPS",
    "HermitePolynomialMap",
    "degrees",
    "gaussian_preserving_maps",
    "hermite_polynomial_maps",
    "latent_law_params",
    "latent_laws",
    "multi_indices",
    "psd_matrices",
    "rational_orthogonal_matrices",
    "rational_rho",
    "rho",
    "simplex_weights",
]

#: The Gaussian-preserving maps of :mod:`lejepa_verify.numerics.maps` (all need ``dim >= 2``).
GAUSSIAN_PRESERVING_MAPS = (
    "identity", "orthogonal", "radial_rotation", "circle_shift", "piecewise_reflection", "reflection_rotation",
)


def _names(names) -> tuple[str, ...]:
    """``names`` as a tuple of strings; a bare string is refused (``tuple("gennorm")`` is its letters)."""
    if isinstance(names, str):
        raise ValueError(f"names must be a list of names such as [{names!r}], got the string {names!r}")
    try:
        out = tuple(names)
    except TypeError:
        raise ValueError(f"names must be a list of names, got {names!r}") from None
    bad = [n for n in out if not isinstance(n, str)]
    if bad:
        raise ValueError(f"names must be a list of names (strings), got {bad[0]!r} in it")
    return out


def _open_unit(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        raise ValueError(f"{name} must be a real number in (0, 1), got {value!r}")
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return value


def rho(min_value: float = 0.01, max_value: float = 0.99) -> st.SearchStrategy[float]:
    """A float ``ρ ∈ [min_value, max_value]``; both ends must lie strictly inside (0, 1).

    The statements hold on the open interval; the ends are bounded away so that the floating
    point comparison of both sides stays meaningful (``ρ^d`` underflows near 0, ``1 − ρ`` cancels
    near 1).
    """
    lo, hi = _open_unit(min_value, "min_value"), _open_unit(max_value, "max_value")
    if not lo <= hi:
        raise ValueError(f"min_value must be <= max_value, got {min_value!r} > {max_value!r}")
    return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False)


def rational_rho(max_denominator: int = 50) -> st.SearchStrategy[Fraction]:
    """An exact ``Fraction`` ``ρ = p/q ∈ (0, 1)`` with ``2 <= q <= max_denominator`` (for sympy checks)."""
    max_denominator = check_int(max_denominator, "max_denominator", 2, 10**6)
    return st.integers(2, max_denominator).flatmap(
        lambda q: st.integers(1, q - 1).map(lambda p: Fraction(p, q)))


def degrees(min_degree: int = 0, max_degree: int = 12) -> st.SearchStrategy[int]:
    """A polynomial degree ``d ∈ [min_degree, max_degree]``."""
    min_degree = check_int(min_degree, "min_degree", 0)
    max_degree = check_int(max_degree, "max_degree", min_degree)
    return st.integers(min_degree, max_degree)


def multi_indices(dim: int, max_degree: int = 6, min_degree: int = 0) -> st.SearchStrategy[Alpha]:
    """A multi-index ``α ∈ N^dim`` (a tuple of ints) with ``min_degree <= |α| <= max_degree``."""
    dim = check_int(dim, "dim", 1, MAX_DIMENSION)
    max_degree = check_int(max_degree, "max_degree", 0)
    min_degree = check_int(min_degree, "min_degree", 0, max_degree)

    @st.composite
    def draw_alpha(draw):
        total = draw(st.integers(min_degree, max_degree))
        # a composition of `total` into dim parts: sorted cut points
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=dim - 1, max_size=dim - 1)))
        edges = [0, *cuts, total]
        return tuple(b - a for a, b in zip(edges, edges[1:]))

    return draw_alpha()


def simplex_weights(min_size: int = 1, max_size: int = 12, *, exact: bool = True,
                    max_integer: int = 20) -> st.SearchStrategy[list]:
    """Weights ``w_i >= 0`` with ``Σ w_i = 1``: exact ``Fraction`` s (``exact=True``) or floats.

    Drawn as non-negative integers ``k_i <= max_integer`` (not all zero) over their sum, so the
    exact weights sum to 1 exactly; the floats are those fractions rounded (their sum is 1 to
    within ``size`` ulps).
    """
    min_size = check_int(min_size, "min_size", 1)
    max_size = check_int(max_size, "max_size", min_size)
    max_integer = check_int(max_integer, "max_integer", 1)
    raw = st.lists(st.integers(0, max_integer), min_size=min_size, max_size=max_size).filter(lambda v: sum(v) > 0)
    if exact:
        return raw.map(lambda v: [Fraction(x, sum(v)) for x in v])
    return raw.map(lambda v: [x / sum(v) for x in v])


def psd_matrices(n: int, *, rank: int | None = None, exact: bool = False,
                 max_entry: int = 5) -> st.SearchStrategy:
    """A symmetric positive semidefinite ``n × n`` matrix ``B Bᵀ``, ``B`` of shape ``(n, rank)``.

    ``exact=False``: a numpy float array, ``B`` with entries in ``[−max_entry, max_entry]``;
    ``exact=True``: a sympy matrix, ``B`` with entries ``k/2``, ``|k| <= 2 max_entry``. ``rank``
    (default ``n``) bounds the rank; singular matrices are drawn too (a zero column of ``B``).
    """
    n = check_int(n, "n", 1, MAX_MATRIX_SIZE if exact else 64)
    rank = n if rank is None else check_int(rank, "rank", 1, n)
    max_entry = check_int(max_entry, "max_entry", 1)
    if exact:
        entries = st.lists(st.integers(-2 * max_entry, 2 * max_entry), min_size=n * rank, max_size=n * rank)

        def build_exact(v):
            B = sp.Matrix(n, rank, [sp.Rational(k, 2) for k in v])
            return B * B.T

        return entries.map(build_exact)
    entries = st.lists(st.floats(-max_entry, max_entry, allow_nan=False), min_size=n * rank, max_size=n * rank)

    def build(v):
        B = np.array(v, dtype=float).reshape(n, rank)
        return B @ B.T

    return entries.map(build)


def rational_orthogonal_matrices(n: int, *, reflections: bool = True,
                                 max_entry: int = 5) -> st.SearchStrategy[sp.Matrix]:
    """An exactly orthogonal rational ``n × n`` sympy matrix ``Q`` (``QᵀQ = I`` in exact arithmetic).

    ``Q = (I − S)(I + S)⁻¹`` (:func:`~lejepa_verify.theory.polymaps.cayley_orthogonal`) for a
    skew-symmetric ``S`` with entries ``p/q``, ``|p| <= max_entry``, ``1 <= q <= 4``: a rotation.
    With ``reflections`` one row's sign may be flipped, which reaches the other component of O(n).
    """
    n = check_int(n, "n", 1, MAX_MATRIX_SIZE)
    max_entry = check_int(max_entry, "max_entry", 1)
    size = n * (n - 1) // 2
    fracs = st.lists(st.tuples(st.integers(-max_entry, max_entry), st.integers(1, 4)), min_size=size, max_size=size)

    def build(v, flip):
        S = sp.zeros(n, n)
        k = 0
        for i in range(n):
            for j in range(i + 1, n):
                S[i, j] = sp.Rational(*v[k])
                S[j, i] = -S[i, j]
                k += 1
        Q = cayley_orthogonal(S)
        if flip:
            Q[0, :] = -Q[0, :]
        return Q

    return st.builds(build, fracs, st.booleans() if reflections else st.just(False))


@dataclass(frozen=True)
class HermitePolynomialMap:
    """A polynomial map ``h_i = Σ_α a_{i,α} He_α(z)`` drawn by its Hermite coefficients.

    ``components``: the sympy Polys in ``gens``; ``coefficients[i]``: ``α ↦ a_{i,α}`` (exact
    rationals, the nonzero ones); ``energies[i][d] = E_{i,d} = Σ_{|α|=d} a_{i,α}² α!``, the exact
    Hermite spectrum, known by construction (docs/theory.md §2) and therefore an independent reference
    for any code that computes a spectrum from the polynomial.
    """

    components: tuple[sp.Poly, ...]
    gens: tuple[sp.Symbol, ...]
    coefficients: tuple[Mapping[Alpha, sp.Rational], ...]
    energies: tuple[tuple[sp.Rational, ...], ...]

    @property
    def n(self) -> int:
        """Input dimension: the number of variables."""
        return len(self.gens)

    def alignment_loss(self, rho) -> sp.Rational:
        """``Σ_i Σ_d 2(1 − ρ^d) E_{i,d}``: the alignment loss under the Mehler channel (docs/theory.md §2)."""
        r = sp.nsimplify(rho)
        return sum(2 * (1 - r**d) * e for row in self.energies for d, e in enumerate(row))


def hermite_polynomial_maps(n: int = 2, *, max_degree: int = 4, m: int | None = None, max_terms: int = 5,
                            min_degree: int = 0) -> st.SearchStrategy[HermitePolynomialMap]:
    """A random rational polynomial map ``R^n → R^m`` (``m`` defaults to ``n``) with its exact Hermite spectrum.

    Each component has between 1 and ``max_terms`` Hermite terms ``a_α He_α``, ``a_α = p/q``
    (``1 <= |p| <= 6``, ``1 <= q <= 4``), with ``min_degree <= |α| <= max_degree``.
    """
    n = check_int(n, "n", 1, MAX_DIMENSION)
    m = n if m is None else check_int(m, "m", 1, 16)
    max_degree = check_int(max_degree, "max_degree", 0, 12)
    min_degree = check_int(min_degree, "min_degree", 0, max_degree)
    max_terms = check_int(max_terms, "max_terms", 1, 50)
    coefficient = st.builds(lambda p, s, q: sp.Rational(s * p, q), st.integers(1, 6), st.sampled_from((1, -1)),
                            st.integers(1, 4))
    component = st.dictionaries(multi_indices(n, max_degree, min_degree), coefficient, min_size=1, max_size=max_terms)

    def build(comps):
        gens = latent_symbols(n)
        polys = tuple(from_hermite(c, gens) for c in comps)
        energies = []
        for c in comps:
            row = [sp.Integer(0)] * (max(sum(a) for a in c) + 1)
            for alpha, a in c.items():
                row[sum(alpha)] += a**2 * multi_factorial(alpha)
            energies.append(tuple(row))
        return HermitePolynomialMap(polys, gens, tuple(dict(c) for c in comps), tuple(energies))

    return st.lists(component, min_size=m, max_size=m).map(build)


def gaussian_preserving_maps(dim: int = 2, names: Sequence[str] = GAUSSIAN_PRESERVING_MAPS):
    """A :class:`~lejepa_verify.numerics.maps.Map` with ``h(z) ~ N(0, I_dim)`` for ``z ~ N(0, I_dim)``.

    Drawn from ``names`` (default :data:`GAUSSIAN_PRESERVING_MAPS`) with a drawn seed and, where
    the map has one, a drawn parameter: ``turns ∈ ±[0.1, 3]`` (radial rotation), ``shift ∈
    [0.01, 0.99]`` per coordinate (circle shift).
    """
    from lejepa_verify.numerics.maps import make_map

    dim = check_int(dim, "dim", 2, 64)
    names = _names(names)
    bad = [x for x in names if x not in GAUSSIAN_PRESERVING_MAPS]
    if not names or bad:
        raise ValueError(f"names must be among {', '.join(GAUSSIAN_PRESERVING_MAPS)}, got {list(names)!r}")

    @st.composite
    def draw_map(draw):
        name = draw(st.sampled_from(names))
        seed = draw(st.integers(0, 2**32 - 1))
        params = {}
        if name in ("radial_rotation", "reflection_rotation"):
            params["turns"] = draw(st.floats(0.1, 3.0)) * draw(st.sampled_from((1, -1)))
        if name == "circle_shift":
            params["shift"] = draw(st.lists(st.floats(0.01, 0.99), min_size=dim, max_size=dim))
        return make_map(name, dim, seed=seed, **params)

    return draw_map()


def latent_law_params(name: str, bounds: Mapping[str, tuple[float, float]] | None = None,
                      unbounded_span: float = 10.0) -> st.SearchStrategy[dict]:
    """Parameters of the registered law ``name``, each drawn from its declared range.

    ``bounds`` narrows a parameter to ``[lo, hi]`` (which must lie inside the declared range);
    an infinite declared end is replaced by ``low + unbounded_span``. Joint constraints (the
    mixture's ``w(1 − w)d² < 1``) are met by rejecting draws that violate them.
    """
    from lejepa_verify.numerics.latents import CUSTOM_LAW, law_family

    if name == CUSTOM_LAW:
        raise ValueError("the custom law is built from a log-density, not from parameters; draw a registered family")
    fam = law_family(name)
    bounds = dict(bounds or {})
    declared = {p.name: p for p in fam.parameters}
    unknown = [k for k in bounds if k not in declared]
    if unknown:
        raise ValueError(f"law {name!r} has no parameter {unknown[0]!r}; valid parameters: {', '.join(declared) or 'none'}")
    if not (isinstance(unbounded_span, (int, float)) and math.isfinite(unbounded_span) and unbounded_span > 0):
        raise ValueError(f"unbounded_span must be a finite number > 0, got {unbounded_span!r}")
    pieces = {}
    for pname, spec in declared.items():
        if pname in bounds:
            lo, hi = (float(v) for v in bounds[pname])
            if not (lo <= hi and spec.contains(lo) and spec.contains(hi)):
                raise ValueError(f"bounds for {pname} must lie in {spec.allowed} with lo <= hi, got {bounds[pname]!r}")
            pieces[pname] = st.floats(lo, hi)
        else:
            hi = spec.high if math.isfinite(spec.high) else spec.low + unbounded_span
            pieces[pname] = st.floats(spec.low, hi, exclude_min=spec.low_open,
                                      exclude_max=spec.high_open and math.isfinite(spec.high))

    @st.composite
    def draw_params(draw):
        p = {k: draw(v) for k, v in pieces.items()}
        try:
            fam.check_joint(p)
        except ValueError:
            assume(False)
        return p

    return draw_params()


def latent_laws(names: Sequence[str] | None = None, bounds: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
                *, gaussian: bool = True):
    """A :class:`~lejepa_verify.numerics.latents.LatentLaw` from the registry with drawn parameters.

    ``names``: a list of the families to draw from (default: every registered family except
    the custom law); ``bounds``: per family, per parameter, a narrower ``(lo, hi)`` (see
    :func:`latent_law_params`); ``gaussian=False`` rejects Gaussian laws (gennorm with α = 2,
    a mixture with d = 0), for statements about non-Gaussian latents: by default it leaves out
    the families that are Gaussian at every parameter, and a ``names`` list holding one is
    refused.
    """
    from lejepa_verify.numerics.latents import CUSTOM_LAW, latent_law, registered_laws

    bounds = dict(bounds or {})
    if names is None:
        names = tuple(n for n in registered_laws() if n != CUSTOM_LAW
                      and (gaussian or not _always_gaussian(n, bounds.get(n))))
    else:
        names = _names(names)
        if not names:
            raise ValueError("names must hold at least one registered law")
        if not gaussian:
            # the filter below would reject every draw of such a family: hypothesis would fail
            # at the first example, far from the call that asked for it
            always = [n for n in names if _always_gaussian(n, bounds.get(n))]
            if always:
                raise ValueError(f"gaussian=False rejects Gaussian laws, but {', '.join(map(repr, always))} "
                                 f"{'is' if len(always) == 1 else 'are'} Gaussian at every parameter it may "
                                 "draw; drop it from names")
    per = {n: latent_law_params(n, bounds.get(n)).map(lambda p, n=n: latent_law(n, **p)) for n in names}
    out = st.one_of(*per.values())
    return out if gaussian else out.filter(lambda law: not law.is_gaussian)


def _always_gaussian(name: str, bounds: Mapping[str, tuple[float, float]] | None) -> bool:
    """Whether every law ``latent_laws`` could draw from family ``name`` is Gaussian: a family
    without free parameter (every parameter pinned by ``bounds`` to one value) whose law is."""
    from lejepa_verify.numerics.latents import CUSTOM_LAW, latent_law, law_family

    if name == CUSTOM_LAW:
        return False  # refused with its own message by latent_law_params
    fam = law_family(name)
    bounds = dict(bounds or {})
    pinned = {}
    for p in fam.parameters:
        lo_hi = bounds.get(p.name)
        if lo_hi is None or float(lo_hi[0]) != float(lo_hi[1]):
            return False
        pinned[p.name] = float(lo_hi[0])
    try:
        return latent_law(name, **pinned).is_gaussian
    except ValueError:
        return False  # an invalid pin is reported by latent_law_params with its own message
