"""The analysis facts the Dirichlet route's Lean proof assumes: AM–GM, Jensen, Mazur–Ulam (docs/theory.md §6).

- *Weighted AM–GM* (``amgm_sum_ge_prod_pow``): ``Σ w_i x_i ≥ Π x_i^{w_i}`` for ``x_i > 0`` and
  weights on the simplex. Proof checked (:func:`amgm_proof_steps`): the tangent-line bound
  ``log u ≤ u − 1`` (``g(u) = u − 1 − log u`` has ``g(1) = g'(1) = 0`` and ``g'' = 1/u² > 0``)
  applied at ``u = x_i/m``, ``m = Σ w_i x_i``, and summed with the weights gives
  ``Σ w_i log x_i ≤ log m + (Σ w_i x_i)/m − Σ w_i = log m``, where the last step is exactly
  ``Σ w_i = 1``. Instances (:func:`amgm_instances`) compare exactly, raising both sides to the
  common denominator of the weights.
- *Jensen for exp* (``exp_mean_ge_mean_exp``): ``E e^X ≥ e^{E X}``. From the integral remainder
  ``f(x) = f(μ) + f'(μ)(x − μ) + (x − μ)² ∫_0^1 (1 − s) f''(μ + s(x − μ)) ds`` (checked
  symbolically) with ``f'' = e^x > 0``: ``e^X ≥ e^μ (1 + X − μ)``, whose expectation is ``e^μ``.
  The same machinery run on the concave ``log`` rejects ``E log X ≥ log E X``.
- *Mazur–Ulam* (``mazur_ulam``), finite-dimensional Euclidean case: an isometry ``T`` with
  ``T(0) = 0`` preserves norms, hence by polarisation
  ``⟨Tx, Ty⟩ = (||Tx||² + ||Ty||² − ||Tx − Ty||²)/2 = ⟨x, y⟩``, and a map preserving inner
  products is linear: ``||T(ax + by) − aTx − bTy||²`` expands into inner products of images, which
  equal those of the preimages, i.e. ``||(ax + by) − ax − by||² = 0``. (In a general normed space
  Mazur–Ulam needs surjectivity; the Euclidean case does not, by this argument.) The false variant
  "norm-preserving and fixing 0 implies linear" is refuted by ``z ↦ ||z|| e_1`` and by a radial
  rotation ``z ↦ R(||z||²) z``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from typing import Callable, Sequence

import sympy as sp

from lejepa_verify.theory.polymaps import cayley_orthogonal, random_cayley_orthogonal
from lejepa_verify.theory.validate import as_fraction, check_choice, check_int

# --------------------------------------------------------------------------- AM-GM


@dataclass(frozen=True)
class AMGMSteps:
    """The symbolic steps of the AM–GM proof for ``k`` variables and the given weights."""

    weights: tuple
    weights_sum: str
    tangent_g_at_1: str
    tangent_dg_at_1: str
    tangent_convex: bool
    weighted_sum_residual: str

    @property
    def holds(self) -> bool:
        """Whether every step of the tangent-line proof came out exactly as it must."""
        return (self.tangent_g_at_1 == "0" and self.tangent_dg_at_1 == "0" and self.tangent_convex
                and self.weighted_sum_residual == "0")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return dict(self.__dict__) | {"holds": self.holds}


def amgm_proof_steps(weights: Sequence) -> AMGMSteps:
    """Check the tangent-line proof of weighted AM–GM with exact ``weights`` (``w_i > 0``).

    ``weighted_sum_residual`` is ``Σ w_i (log m + (x_i − m)/m) − log m`` simplified with
    symbolic positive ``x_i``: zero exactly when the weights sum to 1.
    """
    w = [sp.Rational(as_fraction(v, "weights")) for v in weights]
    if not 1 <= len(w) <= 8 or any(v <= 0 for v in w):
        raise ValueError(f"weights must be 1 to 8 positive rationals, got {list(weights)}")
    u = sp.Symbol("u", positive=True)
    g = u - 1 - sp.log(u)
    x = sp.symbols(f"x1:{len(w) + 1}", positive=True)
    m = sum(wi * xi for wi, xi in zip(w, x))
    tangent_sum = sum(wi * (sp.log(m) + (xi - m) / m) for wi, xi in zip(w, x))
    residual = sp.simplify(tangent_sum - sp.log(m))
    return AMGMSteps(
        weights=tuple(str(v) for v in w), weights_sum=str(sum(w)),
        tangent_g_at_1=str(g.subs(u, 1)), tangent_dg_at_1=str(sp.diff(g, u).subs(u, 1)),
        tangent_convex=bool(sp.diff(g, u, 2).is_positive),
        weighted_sum_residual=str(residual),
    )


@dataclass(frozen=True)
class AMGMInstances:
    """Exact comparisons ``(Σ w x)^q ≥ Π x^{w q}`` on seeded rational instances."""

    weights: tuple
    checked: int
    counterexample: tuple | None
    equality_case: bool

    @property
    def holds(self) -> bool:
        """Whether no instance broke the inequality and the equality case held."""
        return self.counterexample is None and self.equality_case

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"weights": list(self.weights), "checked": self.checked,
                "counterexample": None if self.counterexample is None else [str(v) for v in self.counterexample],
                "equality_case": self.equality_case, "holds": self.holds}


def amgm_instances(weights: Sequence, count: int = 40, seed: int = 0, exponent: int = 1, factor=1) -> AMGMInstances:
    """Check ``Σ w_i x_i ≥ factor · Π x_i^{exponent·w_i}`` exactly on ``count`` seeded positive rational ``x``.

    With ``q`` the common denominator of the weights both sides are raised to the power ``q``
    (monotone on positives), leaving integer exponents and an exact rational comparison. The
    equality case ``x_1 = … = x_k`` (equality for weights summing to 1) is checked as well.
    ``exponent = factor = 1`` is AM–GM; other values are negative controls.
    """
    w = [as_fraction(v, "weights") for v in weights]
    if not 1 <= len(w) <= 8 or any(v <= 0 for v in w):
        raise ValueError(f"weights must be 1 to 8 positive rationals, got {list(weights)}")
    count = check_int(count, "count", 1, 10_000)
    exponent = check_int(exponent, "exponent", 1, 4)
    factor = as_fraction(factor, "factor")
    q = math.lcm(*[v.denominator for v in w])
    rng = random.Random(seed)

    def compare(x):
        lhs = sum(wi * xi for wi, xi in zip(w, x)) ** q
        rhs = factor**q * math.prod(xi ** int(wi * q * exponent) for wi, xi in zip(w, x))
        return lhs, rhs

    counter = None
    for _ in range(count):
        x = [Fraction(rng.randint(1, 80), rng.randint(1, 8)) for _ in w]
        lhs, rhs = compare(x)
        if lhs < rhs:
            counter = tuple(x)
            break
    lhs, rhs = compare([Fraction(7, 3)] * len(w))
    return AMGMInstances(weights=tuple(str(v) for v in w), checked=count, counterexample=counter,
                         equality_case=lhs == rhs)


def _pull_constants(expr):
    """Split sums of sums and pull factors free of the index out of every ``Sum``."""
    return sp.expand(expr.expand()).replace(lambda t: isinstance(t, sp.Sum), lambda t: sp.factor_terms(t.expand()))


@lru_cache(maxsize=None)
def tangent_mean_identity() -> bool:
    """``Σ_i w_i (c + b (x_i − m)) = c`` for every number k of points, when ``Σ w_i = 1`` and ``Σ w_i x_i = m``.

    Symbolic k with indexed w, x: the weighted mean of a tangent line is its value at the mean (the
    step shared by AM–GM, with c = log m, b = 1/m, and by Jensen, with c = f(μ), b = f'(μ)).
    """
    k = sp.Symbol("k", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
    c, b, m = sp.symbols("c b m", real=True)
    total = _pull_constants(sp.Sum(w[i] * (c + b * (x[i] - m)), (i, 1, k)))
    reduced = total.subs({sp.Sum(w[i], (i, 1, k)): 1, sp.Sum(w[i] * x[i], (i, 1, k)): m})
    return sp.simplify(reduced - c) == 0


@lru_cache(maxsize=None)
def log_tangent_bound() -> bool:
    """``log u ≤ u − 1`` for every u > 0: g = u − 1 − log u has g(1) = 0, g' < 0 on (0, 1), g' > 0 on (1, ∞)."""
    t = sp.Symbol("t", positive=True)
    u = sp.Symbol("u", positive=True)
    g = u - 1 - sp.log(u)
    dg = sp.diff(g, u)
    falling = bool(sp.simplify(dg.subs(u, 1 / (1 + t))).is_negative)  # u = 1/(1 + t) ∈ (0, 1)
    rising = bool(sp.simplify(dg.subs(u, 1 + t)).is_positive)  # u = 1 + t ∈ (1, ∞)
    return bool(g.subs(u, 1) == 0 and falling and rising)


# --------------------------------------------------------------------------- Jensen


@dataclass(frozen=True)
class JensenCheck:
    """Jensen ``E f(X) ≥ f(E X)`` for ``f`` in {exp, log} via the tangent line at the mean."""

    function: str
    remainder_identity: bool
    second_derivative_positive: bool
    tangent_expectation_identity: bool
    instances_checked: int
    instances_undecided: int
    counterexample: tuple | None

    @property
    def holds(self) -> bool:
        """Whether the proof's identities hold, ``exp'' > 0`` was certified, and no instance failed or stayed undecided."""
        return (self.remainder_identity and self.second_derivative_positive
                and self.tangent_expectation_identity and self.counterexample is None
                and self.instances_undecided == 0)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = dict(self.__dict__)
        d["counterexample"] = None if self.counterexample is None else [str(v) for v in self.counterexample]
        return d | {"holds": self.holds}


_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {"exp": sp.exp, "log": sp.log}


@lru_cache(maxsize=None)
def _jensen_symbolic(function: str) -> tuple[bool, bool, bool]:
    """Steps 1–3 of :func:`jensen` (symbolic, independent of the sampled instances)."""
    f = _FUNCTIONS[function]
    x = sp.Symbol("x", positive=True)
    mu, s, d = sp.symbols("mu s d", positive=True)
    fpp = sp.diff(f(x), x, 2)
    # the step x − μ written with d > 0 on each side of μ, so the integral has no case split:
    # exp lives on R (x = μ ± d); log on (0, ∞) (x = μ + d, or x = μ − μd/(1 + d) ∈ (0, μ))
    steps = (d, -d) if function == "exp" else (d, -mu * d / (1 + d))
    remainder_ok = True
    for step in steps:
        integral = sp.integrate((1 - s) * fpp.subs(x, mu + s * step), (s, 0, 1))
        taylor = f(mu) + sp.diff(f(x), x).subs(x, mu) * step + step**2 * integral
        remainder_ok = remainder_ok and sp.simplify(taylor - f(mu + step)) == 0
    positive = bool(fpp.is_positive)
    k = 3
    vals = sp.symbols(f"v1:{k + 1}", positive=True)
    probs = sp.symbols(f"p1:{k}", positive=True)
    probs = list(probs) + [1 - sum(probs)]
    mean = sum(p * v for p, v in zip(probs, vals))
    tangent_avg = sum(p * (f(mean) + sp.diff(f(x), x).subs(x, mean) * (v - mean)) for p, v in zip(probs, vals))
    tangent_ok = sp.simplify(tangent_avg - f(mean)) == 0
    return bool(remainder_ok), positive, bool(tangent_ok)


def jensen(function: str = "exp", count: int = 30, seed: int = 0, mean_factor=1, direction: str = ">=") -> JensenCheck:
    """Check ``E f(X) ≥ f(E X)`` (``f = exp``: the axiom; ``f = log``: a false variant).

    1. The integral-remainder Taylor identity for ``f`` at ``μ`` (symbolic ``μ > 0`` and a step
       ``d > 0`` on either side of ``μ``; ``x = μ`` is trivial).
    2. ``f'' > 0`` on the domain (sympy sign of ``f''`` with positive argument).
    3. ``E[f(μ) + f'(μ)(X − μ)] = f(μ)`` for a discrete law with symbolic values and
       probabilities summing to 1 (the tangent line averages to the value at the mean).
    4. Seeded discrete laws on positive rationals: ``E f(X) − f(E X)``, decided by sympy's exact
       sign evaluation of the transcendental numbers (certified interval arithmetic).

    ``mean_factor`` (``E f(X) ≥ f(c·E X)``) and ``direction`` (``≤``) state false variants for the
    negative controls; the instances refute them.
    """
    check_choice(function, "function", tuple(_FUNCTIONS))
    check_choice(direction, "direction", (">=", "<="))
    count = check_int(count, "count", 1, 1000)
    c = sp.Rational(as_fraction(mean_factor, "mean_factor"))
    f = _FUNCTIONS[function]
    remainder_ok, positive, tangent_ok = _jensen_symbolic(function)
    rng = random.Random(seed)
    counter, undecided = None, 0
    for _ in range(count):
        support = [sp.Rational(rng.randint(1, 40), rng.randint(1, 6)) for _ in range(3)]
        weights = [rng.randint(1, 9) for _ in range(3)]
        p = [sp.Rational(wt, sum(weights)) for wt in weights]
        gap = sum(pi * f(v) for pi, v in zip(p, support)) - f(c * sum(pi * v for pi, v in zip(p, support)))
        if direction == "<=":
            gap = -gap
        if gap.is_negative:
            counter = tuple(support) + tuple(p)
            break
        if not gap.is_nonnegative:
            undecided += 1
    tangent_ok = tangent_ok and tangent_mean_identity()  # every finite law, not only three points
    return JensenCheck(function=function, remainder_identity=bool(remainder_ok),
                       second_derivative_positive=positive, tangent_expectation_identity=bool(tangent_ok),
                       instances_checked=count, instances_undecided=undecided, counterexample=counter)


# --------------------------------------------------------------------------- Mazur-Ulam


def _dot(u: sp.Matrix, v: sp.Matrix) -> sp.Expr:
    return (u.T * v)[0, 0]


def polarisation_identity(n: int) -> bool:
    """``⟨x, y⟩ = (||x||² + ||y||² − ||x − y||²)/2`` for symbolic ``x, y ∈ R^n``."""
    n = check_int(n, "n", 1, 8)
    x = sp.Matrix(sp.symbols(f"x1:{n + 1}", real=True))
    y = sp.Matrix(sp.symbols(f"y1:{n + 1}", real=True))
    return sp.expand(_dot(x, y) - (_dot(x, x) + _dot(y, y) - _dot(x - y, x - y)) / 2) == 0


@lru_cache(maxsize=None)
def polarisation_in_gram_entries() -> bool:
    """``⟨x − y, x − y⟩ = ⟨x, x⟩ − 2⟨x, y⟩ + ⟨y, y⟩`` from bilinearity and symmetry alone (any inner-product space).

    Written in the Gram entries of an abstract symmetric bilinear form: no coordinates, no dimension.
    """
    xx, xy, yx, yy = sp.symbols("xx xy yx yy", real=True)
    expanded = xx - xy - yx + yy  # ⟨x − y, x − y⟩ by bilinearity
    return sp.expand(expanded.subs(yx, xy) - (xx - 2 * xy + yy)) == 0


def linearity_from_inner_products() -> bool:
    """``||T(ax + by) − aTx − bTy||²`` vanishes when ``T`` preserves inner products.

    With ``p = T(ax + by)``, ``q = Tx``, ``r = Ty`` the square expands into the Gram entries
    ``⟨p,p⟩, ⟨p,q⟩, …``; replacing each by the Gram entry of the preimages ``ax + by, x, y``
    (written in ``⟨x,x⟩, ⟨x,y⟩, ⟨y,y⟩``) must give the zero polynomial.
    """
    a, b = sp.symbols("a b", real=True)
    xx, xy, yy = sp.symbols("xx xy yy", real=True)
    pp, pq, pr, qq, qr, rr = sp.symbols("pp pq pr qq qr rr", real=True)
    # ||p − a q − b r||² in Gram entries of the images
    norm_sq = pp + a**2 * qq + b**2 * rr - 2 * a * pq - 2 * b * pr + 2 * a * b * qr
    preimage = {
        pp: a**2 * xx + 2 * a * b * xy + b**2 * yy,  # ⟨ax+by, ax+by⟩
        pq: a * xx + b * xy,                         # ⟨ax+by, x⟩
        pr: a * xy + b * yy,                         # ⟨ax+by, y⟩
        qq: xx, qr: xy, rr: yy,
    }
    return sp.expand(norm_sq.subs(preimage, simultaneous=True)) == 0


MAPS = ("orthogonal", "norm_times_e1", "radial_rotation", "fold", "translated_rotation")
#: what a map must meet: distances preserved and 0 fixed (Mazur–Ulam, Euclidean), or a variant
HYPOTHESES = ("distances", "norms", "distances_without_zero", "lipschitz")


def norm_preserving_map(name: str, n: int = 2, seed: int = 0) -> Callable[[sp.Matrix], sp.Matrix]:
    """Maps fixing 0 and preserving norms: an orthogonal (Cayley) map, ``z ↦ ||z|| e_1`` and the
    radial rotation ``z ↦ R(||z||²) z`` with the rational rotation ``R(r) = Cayley([[0, −r],[r, 0]])``
    (``n = 2``; exact because the angle depends on ``||z||²``, a rational)."""
    check_choice(name, "map", MAPS)
    n = check_int(n, "n", 1 if name != "radial_rotation" else 2, 8 if name != "radial_rotation" else 2)
    if name == "orthogonal":
        Q = random_cayley_orthogonal(n, seed)
        return lambda v: Q * v
    if name == "translated_rotation":
        Q = random_cayley_orthogonal(n, seed)
        return lambda v: Q * v + sp.Matrix([1] + [0] * (n - 1))
    if name == "fold":  # (|z_1|, z_2, …): 1-Lipschitz, fixes 0, not an isometry
        return lambda v: sp.Matrix([sp.Abs(v[0])] + list(v[1:]))
    if name == "norm_times_e1":
        return lambda v: sp.Matrix([sp.sqrt(_dot(v, v))] + [0] * (n - 1))

    def radial(v: sp.Matrix) -> sp.Matrix:
        r = _dot(v, v)
        return cayley_orthogonal(sp.Matrix([[0, -r], [r, 0]])) * v

    return radial


@dataclass(frozen=True)
class MazurUlamCheck:
    """The Euclidean Mazur–Ulam argument and its test maps under a hypothesis.

    ``hypothesis="distances"`` (isometry fixing 0, the axiom) or ``"norms"`` (norm-preserving
    fixing 0, a false variant). ``satisfying``: maps meeting the hypothesis on the sample;
    ``nonlinear_satisfying``: of those, maps with a non-zero linearity defect.
    """

    hypothesis: str
    polarisation: bool
    linearity_from_inner_products: bool
    satisfying: tuple
    nonlinear_satisfying: tuple

    @property
    def holds(self) -> bool:
        """Whether polarisation and linearity were shown and no nonlinear map met the hypothesis."""
        return self.polarisation and self.linearity_from_inner_products and not self.nonlinear_satisfying

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return dict(self.__dict__) | {"satisfying": list(self.satisfying),
                                      "nonlinear_satisfying": list(self.nonlinear_satisfying), "holds": self.holds}


def mazur_ulam(hypothesis: str = "distances", n: int = 2, samples: int = 5, seed: int = 0) -> MazurUlamCheck:
    """Check "a map ``T`` with ``T(0) = 0`` satisfying ``hypothesis`` is linear" on ``R^n``.

    ``hypothesis``: ``"distances"`` (Mazur–Ulam, Euclidean); the negative controls' ``"norms"``
    (norms preserved), ``"distances_without_zero"`` (``T(0) = 0`` dropped) and ``"lipschitz"``
    (distances not increased).

    The symbolic argument (polarisation, then linearity from inner products) is checked once;
    then each map of :data:`MAPS` is tested on ``samples`` seeded rational points: whether it
    meets the hypothesis (all pairwise distances, or all norms, preserved, exactly) and whether
    ``T(ax + by) = aTx + bTy`` for sampled ``a, b, x, y``.
    """
    check_choice(hypothesis, "hypothesis", HYPOTHESES)
    n = check_int(n, "n", 2, 2)
    samples = check_int(samples, "samples", 2, 50)
    rng = random.Random(seed)

    def rat() -> sp.Rational:
        return sp.Rational(rng.randint(-9, 9), rng.randint(1, 4))

    pts = [sp.Matrix([rat() for _ in range(n)]) for _ in range(samples)]
    satisfying, nonlinear = [], []
    for name in MAPS:
        T = norm_preserving_map(name, n, seed)
        images = [T(p) for p in pts]
        fixes_zero = all(sp.simplify(c) == 0 for c in T(sp.zeros(n, 1))) or hypothesis == "distances_without_zero"
        pairs = [(i, j) for i in range(samples) for j in range(i + 1, samples)]

        def moved(i, j):
            return sp.simplify(_dot(images[i] - images[j], images[i] - images[j]) - _dot(pts[i] - pts[j], pts[i] - pts[j]))

        if hypothesis in ("distances", "distances_without_zero"):
            meets = all(moved(i, j) == 0 for i, j in pairs)
        elif hypothesis == "lipschitz":
            meets = all(moved(i, j) <= 0 for i, j in pairs)
        else:
            meets = all(sp.simplify(_dot(im, im) - _dot(p, p)) == 0 for im, p in zip(images, pts))
        if not (fixes_zero and meets):
            continue
        satisfying.append(name)
        defect = sp.Integer(0)
        for i in range(samples - 1):
            a, b = rat(), rat()
            d = T(a * pts[i] + b * pts[i + 1]) - a * images[i] - b * images[i + 1]
            defect += sp.simplify(_dot(d, d))
        if sp.simplify(defect) != 0:
            nonlinear.append(name)
    return MazurUlamCheck(hypothesis=hypothesis, polarisation=polarisation_identity(n),
                          linearity_from_inner_products=linearity_from_inner_products(),
                          satisfying=tuple(satisfying), nonlinear_satisfying=tuple(nonlinear))
