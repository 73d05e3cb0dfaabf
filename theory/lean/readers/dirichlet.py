"""Readings of ``lean/LeJEPA/Dirichlet.lean`` (the paper's appendix theorem): 3 axioms, 4 theorems.

The Dirichlet route's Lean file proves the last step only: a map whose Jacobian is orthogonal
everywhere (``horth``), with an orthogonal inverse Jacobian (``horth_inv``) and ``h 0 = 0``, is a
linear isometry. ``GaussianDiffeo`` carries no Gaussian at all (the name is the only trace of the
measure); the energy minimisation that would give ``horth`` is not formalised (the pull request's
docstring says so), and ``horth_inv`` follows from ``horth`` (a square matrix with ``MᵀM = I`` has
``M⁻¹ = Mᵀ``). The readings check the chain on maps of ℝ² given in closed form, and argue it for
C² maps in every dimension by rigidity: differentiating ``JᵀJ = I`` makes
``T_ijl = Σ_k ∂_i∂_l h_k ∂_j h_k`` antisymmetric in (i, j) while it is symmetric in (i, l), so
``T = 0``, the Hessian vanishes and ``h`` is affine.
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from lejepa_verify.theory.claims import instances, proof
from lejepa_verify.theory.lean.audit import Reading, Variant, audit_spec
from lejepa_verify.theory.lean.readers import READERS
from lejepa_verify.theory.lean.semantics import F, Z, is_zero, lean_div, rpow_le, steps

_INCONSISTENT = proof("the statement as written, refuted by one exact counter-model "
                      "(a single instance suffices to refute a universal statement)")


def _tuples(values, m_max=3):
    for m in range(0, m_max + 1):
        yield from itertools.product(values, repeat=m)


# ============================================================================ AM-GM and Jensen


@audit_spec("amgm_sum_ge_prod_pow", expected="inconsistent",
            statement="inconsistent as written: at m = 0, (empty sum)/0 = 0 ≥ 1^(1/0) = 1 fails", scope=_INCONSISTENT,
            controls=(Variant("control", "repaired statement", "the repaired axiom (0 < m added) is inconsistent"),))
def amgm_sum_ge_prod_pow(variant: str) -> Reading:
    def candidates():
        for a in _tuples((F(0), F(1), F(2), F(1, 2))):
            yield {"m": len(a), "a": list(a)}

    def conclusion(m):
        mean = lean_div(sum(m["a"], F(0)), F(m["m"]))
        prod = F(1)
        for x in m["a"]:
            prod *= x  # an empty product is 1
        return rpow_le(prod, lean_div(F(1), F(m["m"])), mean)

    hyps = [("∀ i, 0 ≤ a i", lambda m: all(x >= 0 for x in m["a"]))]
    c = ("(∑ a) / m ≥ (∏ a) ^ (1 / m)  [x/0 = 0, rpow]", conclusion)
    if variant == "as_written":
        return Reading("amgm_sum_ge_prod_pow", "as written", tuple(hyps), c, candidates,
                       note="at m = 0: (empty sum)/0 = 0 and (empty product)^(1/0) = 1^0 = 1, so 0 ≥ 1")
    return Reading("amgm_sum_ge_prod_pow", "repaired: 0 < m added", tuple(hyps) + (("0 < m", lambda m: m["m"] > 0),),
                   c, candidates)


@audit_spec("exp_mean_ge_mean_exp", expected="inconsistent",
            statement="inconsistent as written: at m = 0 the hypothesis holds and the left side is 0/0 = 0 < 1",
            scope=_INCONSISTENT,
            controls=(Variant("control", "repaired statement", "the repaired axiom (0 < m added) is inconsistent"),))
def exp_mean_ge_mean_exp(variant: str) -> Reading:
    def candidates():
        for f in _tuples((F(-1), F(0), F(1), F(2), F(1, 2))):
            yield {"m": len(f), "f": list(f)}

    def conclusion(m):
        n = m["m"]
        if n == 0:
            return lean_div(F(0), F(0)) >= 1  # empty sum over Fin 0, then 0 / 0 = 0
        total = sum(sp.exp(sp.Rational(2, n) * sp.Rational(x.numerator, x.denominator)) for x in m["f"])
        return (total / n - 1).is_nonnegative  # None where sympy cannot decide the sign

    hyps = [("∑ f = 0", lambda m: sum(m["f"], F(0)) == 0)]
    c = ("(∑ exp(2/m · f i)) / m ≥ 1  [x/0 = 0]", conclusion)
    if variant == "as_written":
        return Reading("exp_mean_ge_mean_exp", "as written", tuple(hyps), c, candidates,
                       note="at m = 0 the hypothesis (empty sum = 0) holds and the left side is 0/0 = 0")
    return Reading("exp_mean_ge_mean_exp", "repaired: 0 < m added", tuple(hyps) + (("0 < m", lambda m: m["m"] > 0),),
                   c, candidates)


# ============================================================================ Mazur-Ulam

_ROT = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])


def _fold_map():
    """f(x) = x on [−1, 1], −x elsewhere (ℝ¹): preserves norms and is onto, but is not affine."""
    return ((sp.Interval(-1, 1), 1), (sp.Interval.open(1, sp.oo), -1), (sp.Interval.open(-sp.oo, -1), -1))


@functools.lru_cache(maxsize=None)
def euclidean_mazur_ulam() -> tuple[bool, str]:
    """The Euclidean Mazur–Ulam argument, computed: polarisation, then linearity from inner products."""
    from lejepa_verify.theory.analysis_axioms import linearity_from_inner_products, polarisation_identity

    return steps(("an isometry T has ‖T x − T 0‖ = ‖x‖, so S = T − T(0) preserves norms and distances, hence inner "
                  "products by polarisation ⟨x, y⟩ = (‖x‖² + ‖y‖² − ‖x − y‖²)/2 (sympy, n = 1..4)",
                  all(polarisation_identity(n) for n in range(1, 5))),
                 ("a map preserving inner products is linear: ‖S(ax + by) − aSx − bSy‖² expands into inner products "
                  "equal to those of (ax + by) − ax − by = 0 (sympy, Gram entries)", linearity_from_inner_products()))


@audit_spec("mazur_ulam", expected="true", statement="true as written: the Mazur–Ulam theorem for real normed spaces",
            scope=instances("four affine maps of R² and one piecewise map of R¹ searched; the Euclidean case computed "
                            "for every map (polarisation, linearity from inner products); for other real normed spaces "
                            "the statement is Mathlib's theorem (the pull request proves it from "
                            "IsometryEquiv.toRealLinearIsometryEquiv), not re-derived here"),
            controls=(Variant("control", "weakened hypothesis", "with norms preserved instead of distances the axiom "
                              "is true (refuted: x on [−1, 1], −x elsewhere)"),
                      Variant("linear", "strengthened conclusion",
                              "a surjective isometry is linear, b = 0 (refuted: a translation)")))
def mazur_ulam(variant: str) -> Reading:
    affine = (("rotation + (1, 2)", _ROT, sp.Matrix([1, 2])), ("reflection", sp.diag(1, -1), sp.Matrix([0, 0])),
              ("identity", sp.eye(2), sp.Matrix([0, 3])), ("scaling 2x", 2 * sp.eye(2), sp.Matrix([0, 0])))

    def candidates():
        for name, A, b in affine:
            yield {"f": name, "_kind": "affine", "_A": A, "_b": b}
        yield {"f": "x on [−1, 1], −x elsewhere (ℝ¹)", "_kind": "fold", "_pieces": _fold_map()}

    def value(m, x):
        for interval, sign in m["_pieces"]:
            if interval.contains(x):
                return sign * x
        raise ValueError(f"x = {x} lies in no piece")

    def isometry(m):
        if m["_kind"] == "affine":  # |f x − f y|² = |x − y|² for symbolic x, y ⟺ AᵀA = I
            return (m["_A"].T * m["_A"] - sp.eye(2)).is_zero_matrix
        pairs = ((sp.Integer(1), sp.Integer(2)), (sp.Integer(0), sp.Integer(3)))
        return False if any(abs(value(m, x) - value(m, y)) != abs(x - y) for x, y in pairs) else None

    def norm_preserving(m):
        if m["_kind"] == "affine":
            return (m["_A"].T * m["_A"] - sp.eye(2)).is_zero_matrix and m["_b"].is_zero_matrix
        return all(abs(sign) == 1 for _, sign in m["_pieces"])  # |±x| = |x| on every piece

    def surjective(m):
        if m["_kind"] == "affine":
            return m["_A"].det() != 0
        images = [sp.imageset(sp.Lambda(Z, sign * Z), interval) for interval, sign in m["_pieces"]]
        return sp.Union(*images) == sp.Reals

    def affine_exists(m):
        if m["_kind"] == "affine":
            return True if variant != "linear" else bool(m["_b"].is_zero_matrix)
        a, b = sp.symbols("a b")
        eqs = [a * x + b - value(m, x) for x in (sp.Integer(0), sp.Integer(1), sp.Integer(2))]
        return sp.linsolve(eqs, [a, b]) != sp.EmptySet

    searched = "four affine maps of ℝ² (a rotation plus a shift, a reflection, a translation, a scaling) and the fold x ↦ ±x of ℝ¹"
    conclusion = ("∃ A linear, b, ∀ x, f x = A x + b (linsolve)", affine_exists)
    if variant == "as_written":
        return Reading("mazur_ulam", "as written", (("Isometry f", isometry), ("Surjective f", surjective)),
                       conclusion, candidates, argument=euclidean_mazur_ulam, searched=searched,
                       note="the argument covers inner-product spaces; general normed spaces are Mathlib's theorem")
    if variant == "linear":
        return Reading("mazur_ulam", "variant: the conclusion strengthened to b = 0",
                       (("Isometry f", isometry), ("Surjective f", surjective)),
                       ("∃ A linear, ∀ x, f x = A x", affine_exists), candidates, searched=searched)
    return Reading("mazur_ulam", "variant: norms preserved instead of distances",
                   (("∀ x, ‖f x‖ = ‖x‖", norm_preserving), ("Surjective f", surjective)), conclusion, candidates,
                   searched=searched)


# ============================================================================ maps of ℝ² in closed form

X1, X2 = sp.symbols("z_1 z_2", real=True)
_XS = (X1, X2)
_P = sp.symbols("p_1 p_2", real=True)
_Q = sp.symbols("q_1 q_2", real=True)


def _rot(r):
    """The rational rotation ``Cayley([[0, −r], [r, 0]]) = [[1 − r², −2r], [2r, 1 − r²]]/(1 + r²)``."""
    return sp.Matrix([[1 - r**2, -2 * r], [2 * r, 1 - r**2]]) / (1 + r**2)


def _affine(A, b=(0, 0)):
    A, b = sp.Matrix(A), sp.Matrix(b)
    z = sp.Matrix(_XS)
    return {"map": A * z + b, "inverse": A.inv() * (z - b), "affine": (A, b)}


def _maps() -> dict:
    z = sp.Matrix(_XS)
    r2 = X1**2 + X2**2
    return {
        "rotation": _affine(_ROT),
        "rotation + (1, 2)": _affine(_ROT, (1, 2)),
        "reflection": _affine(sp.diag(1, -1)),
        "z/2": _affine(sp.eye(2) / 2),
        "2z": _affine(2 * sp.eye(2)),
        "diag(2, 1/2)": _affine(sp.diag(2, sp.Rational(1, 2))),
        "shear (z₁ + z₂², z₂)": {"map": sp.Matrix([X1 + X2**2, X2]), "inverse": sp.Matrix([X1 - X2**2, X2]),
                                  "affine": None},
        "radial rotation R(|z|²) z": {"map": _rot(r2) * z, "inverse": _rot(-r2) * z, "affine": None},
    }


@functools.lru_cache(maxsize=None)
def _map(name: str) -> dict:
    m = _maps()[name]
    J = m["map"].jacobian(_XS)
    return {**m, "J": J}


MAP_NAMES = tuple(_maps())
_POINTS = tuple(sp.Matrix(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1), (2, -1), (sp.Rational(1, 2), 3)))


def _at(expr, point):
    return expr.subs(dict(zip(_XS, point)))


def _matrix_identically(M, target) -> bool | None:
    """``M(z) ≡ target``: False when a rational sample point refutes it (exact), True when every entry of
    the difference cancels to 0 as a rational function, else None."""
    diff = sp.Matrix(M) - sp.Matrix(target)
    for p in _POINTS:
        if any(sp.cancel(e) != 0 for e in _at(diff, p)):
            return False
    return True if all(sp.cancel(sp.together(e)) == 0 for e in diff) else None


@functools.lru_cache(maxsize=None)
def _orthogonal_jacobian(name) -> bool | None:
    J = _map(name)["J"]
    return _matrix_identically(J.T * J, sp.eye(2))


@functools.lru_cache(maxsize=None)
def _orthogonal_inverse_jacobian(name) -> bool | None:
    m = _map(name)
    for p in _POINTS:  # refuted at a point, exactly
        Jinv = _at(m["J"], p).inv()
        if not (Jinv.T * Jinv - sp.eye(2)).is_zero_matrix:
            return False
    if m["affine"] is not None:  # a constant Jacobian: the points decide it
        return True
    return None


@functools.lru_cache(maxsize=None)
def _det_one(name) -> bool | None:
    J = _map(name)["J"]
    return _matrix_identically(sp.Matrix([J.det() ** 2]), sp.Matrix([1]))


@functools.lru_cache(maxsize=None)
def _orthogonal_at_zero(name) -> bool:
    J0 = _at(_map(name)["J"], (0, 0))
    return (J0.T * J0 - sp.eye(2)).is_zero_matrix


@functools.lru_cache(maxsize=None)
def _jacobian_bound(name, c) -> bool | None:
    """``∀ z v, ‖J(z) v‖ ≤ c‖v‖``: c²I − JᵀJ ⪰ 0 everywhere (exact for constant J, refuted at points)."""
    m = _map(name)
    for p in ([(0, 0)] if m["affine"] is not None else _POINTS):
        J = _at(m["J"], p)
        if any(e > c**2 for e in (J.T * J).eigenvals()):
            return False
    return True if m["affine"] is not None else None


@functools.lru_cache(maxsize=None)
def _preserves_gaussian(name) -> bool | None:
    """Whether h pushes N(0, I₂) to itself: sufficient |det J| ≡ 1 and |h(z)| ≡ |z|; refuted by its mean or covariance."""
    from lejepa_verify.theory.alignment import covariance_matrix, mean_vector

    m = _map(name)
    norm_kept = _matrix_identically(sp.Matrix([(m["map"].T * m["map"])[0, 0]]), sp.Matrix([X1**2 + X2**2]))
    if _det_one(name) is True and norm_kept is True:
        return True
    if all(c.is_polynomial(*_XS) for c in m["map"]):
        comps = [sp.expand(c) for c in m["map"]]
        if any(v != 0 for v in mean_vector(comps, _XS)) or covariance_matrix(comps, _XS) != sp.eye(2):
            return False
    return None


def _distance_ratio_refuted(fn, bound_ok) -> bool | None:
    """Search pairs of sample points for a violation of ``bound_ok(|f p − f q|², |p − q|²)``."""
    for p, q in itertools.combinations(_POINTS, 2):
        fp, fq = fn(p), fn(q)
        image = sp.cancel(((fp - fq).T * (fp - fq))[0, 0])
        base = ((p - q).T * (p - q))[0, 0]
        if not bound_ok(image, base):
            return False
    return None


@functools.lru_cache(maxsize=None)
def _lipschitz_one(name, which: str = "map") -> bool | None:
    """``LipschitzWith 1`` of the map (or of its inverse): exact for affine maps, refuted at sample pairs otherwise."""
    m = _map(name)
    if m["affine"] is not None:
        A = m["affine"][0] if which == "map" else m["affine"][0].inv()
        return all(e <= 1 for e in (A.T * A).eigenvals())
    expr = m[which]
    return _distance_ratio_refuted(lambda p: _at(expr, p), lambda image, base: image <= base)


@functools.lru_cache(maxsize=None)
def _isometry(name) -> bool | None:
    m = _map(name)
    if m["affine"] is not None:
        A = m["affine"][0]
        return (A.T * A - sp.eye(2)).is_zero_matrix
    return _distance_ratio_refuted(lambda p: _at(m["map"], p), lambda image, base: image == base)


@functools.lru_cache(maxsize=None)
def _linear_isometry(name) -> bool | None:
    """``∃ U : E 2 →ₗᵢ E 2, ∀ z, h z = U z``: h(z) ≡ J(0) z with J(0)ᵀJ(0) = I."""
    m = _map(name)
    J0 = _at(m["J"], (0, 0))
    linear = _matrix_identically(m["map"], J0 * sp.Matrix(_XS))
    if linear is None:
        return None
    return bool(linear and (J0.T * J0 - sp.eye(2)).is_zero_matrix)


@functools.lru_cache(maxsize=None)
def _fixes_zero(name) -> bool:
    return _at(_map(name)["map"], (0, 0)).is_zero_matrix


# ============================================================================ the arguments


@functools.lru_cache(maxsize=None)
def rigidity() -> tuple[bool, str]:
    """A C² map with orthogonal Jacobian everywhere is affine, in every dimension (the steps, computed)."""
    # (1) the derivative identity: ∂_l Σ_k ∂_i h_k ∂_j h_k = T_ijl + T_jil, T_ijl = Σ_k ∂_i∂_l h_k ∂_j h_k
    h = [sp.Function(f"h{k}")(*_XS) for k in range(2)]
    i, j, l = 0, 1, 0
    gram = sum(sp.diff(h[k], _XS[i]) * sp.diff(h[k], _XS[j]) for k in range(2))

    def T(a, b, c):
        return sum(sp.diff(h[k], _XS[a], _XS[c]) * sp.diff(h[k], _XS[b]) for k in range(2))

    product_rule = is_zero(sp.diff(gram, _XS[l]) - T(i, j, l) - T(j, i, l))
    mixed = is_zero(T(0, 1, 1) - T(1, 1, 0))  # ∂_i∂_l = ∂_l∂_i: T symmetric in its first and third index
    # (2) a tensor symmetric in positions (1, 3) and antisymmetric in (1, 2) vanishes: six swaps
    # (1 3), (1 2), … return the index triple to itself with the sign −1, so T = −T
    triple, sign = ("i", "j", "l"), 1
    for k in range(6):
        if k % 2 == 0:
            triple = (triple[2], triple[1], triple[0])
        else:
            triple, sign = (triple[1], triple[0], triple[2]), -sign
    chain = triple == ("i", "j", "l") and sign == -1
    # cross-check: for n = 2, 3 the linear system of both symmetries has only the zero solution
    cross = True
    for n in (2, 3):
        t = {(a, b, c): sp.Symbol(f"t_{a}{b}{c}") for a in range(n) for b in range(n) for c in range(n)}
        eqs = [t[a, b, c] - t[c, b, a] for a, b, c in t] + [t[a, b, c] + t[b, a, c] for a, b, c in t]
        sol = sp.linsolve(eqs, list(t.values()))
        cross = cross and sol == sp.FiniteSet(tuple([0] * len(t)))
    # (3) affine with an orthogonal linear part is an isometry: ‖A(x − y)‖² = (x − y)ᵀAᵀA(x − y), symbolic n
    n = sp.Symbol("n", integer=True, positive=True)
    A, x, y = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("y", n, 1)
    moved = sp.expand((A * x - A * y).T * (A * x - A * y)).subs(A.T * A, sp.Identity(n))
    isometric = sp.simplify(moved - sp.expand((x - y).T * (x - y))) == sp.ZeroMatrix(1, 1) or \
        sp.simplify(moved - sp.expand((x - y).T * (x - y))) == 0
    return steps(("differentiating Σ_k ∂_i h_k ∂_j h_k = δ_ij: ∂_l of it is T_ijl + T_jil = 0 (sympy, generic h)",
                  product_rule),
                 ("T_ijl is symmetric in i, l (mixed partials commute; sympy)", mixed),
                 ("symmetric in (1, 3) and antisymmetric in (1, 2): six swaps return (i, j, l) with sign −1, so "
                  "T = −T = 0 in every dimension", chain),
                 ("cross-check: both symmetries leave only T = 0 for n = 2, 3 (linsolve)", cross),
                 ("T_ijl = Σ_k (∂_i∂_l h_k) J_kj = 0 with J invertible gives ∂_i∂_l h = 0: h(z) = Az + b, AᵀA = I", True),
                 ("‖Ax − Ay‖² = (x − y)ᵀAᵀA(x − y) = ‖x − y‖² for AᵀA = I (MatrixSymbol, symbolic n)", isometric))


@functools.lru_cache(maxsize=None)
def clm_argument() -> tuple[bool, str]:
    """``‖Lx − Ly‖ = ‖x − y‖`` from ``∀ v, ‖L v‖ = ‖v‖`` in every dimension."""
    n = sp.Symbol("n", integer=True, positive=True)
    L, x, y = sp.MatrixSymbol("L", n, n), sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("y", n, 1)
    lhs = sp.expand((L * x - L * y).T * (L * x - L * y)).subs(L.T * L, sp.Identity(n))
    diff = sp.simplify(lhs - sp.expand((x - y).T * (x - y)))
    from lejepa_verify.theory.analysis_axioms import polarisation_identity

    return steps(("‖L v‖ = ‖v‖ for all v gives LᵀL = I (polarisation, sympy n = 1..4)",
                  all(polarisation_identity(k) for k in range(1, 5))),
                 ("Lx − Ly = L(x − y) (linearity) and ‖L(x − y)‖² = (x − y)ᵀLᵀL(x − y) = ‖x − y‖² "
                  "(MatrixSymbol, symbolic n)", diff == 0 or diff == sp.ZeroMatrix(1, 1)))


def _clm_candidates():
    mats = {"rotation": _ROT, "reflection": sp.diag(1, -1), "identity": sp.eye(2), "zero": sp.zeros(2),
            "diag(1/2, 0)": sp.diag(sp.Rational(1, 2), 0),
            "unit columns [[1, 3/5], [0, 4/5]]": sp.Matrix([[1, sp.Rational(3, 5)], [0, sp.Rational(4, 5)]]),
            "2·I": 2 * sp.eye(2)}
    for name, M in mats.items():
        yield {"L": name, "_M": M}


# ============================================================================ theorems


@audit_spec("clm_isometry_of_norm_preserving", expected="true",
            statement="true as written: ‖L v‖ = ‖v‖ for a linear L gives ‖Lx − Ly‖ = ‖L(x − y)‖ = ‖x − y‖",
            scope=proof("every n and every linear L on Euclidean ℝⁿ (MatrixSymbol with symbolic n)"),
            controls=(Variant("contraction", "weakened hypothesis",
                              "a linear map with ‖L v‖ ≤ ‖v‖ is an isometry (refuted: L = 0)"),
                      Variant("unit_columns", "weakened hypothesis",
                              "a linear map with unit columns ‖L e_i‖ = 1 is an isometry (refuted: [[1, 3/5], [0, 4/5]])"),
                      Variant("identity", "strengthened conclusion",
                              "a norm-preserving linear map is the identity (refuted: a rotation)")))
def clm_isometry_of_norm_preserving(variant: str) -> Reading:
    def norm_preserving(m):
        M = m["_M"]
        return (M.T * M - sp.eye(2)).is_zero_matrix

    hyp = {"contraction": ("∀ v, ‖L v‖ ≤ ‖v‖", lambda m: all(e <= 1 for e in (m["_M"].T * m["_M"]).eigenvals())),
           "unit_columns": ("∀ i, ‖L e_i‖ = 1", lambda m: all((m["_M"][:, k].T * m["_M"][:, k])[0, 0] == 1 for k in range(2)))
           }.get(variant, ("∀ v, ‖L v‖ = ‖v‖", norm_preserving))

    def isometry(m):  # ∀ x y, ‖Lx − Ly‖² = ‖x − y‖² as a polynomial identity in x, y
        M = m["_M"]
        p, q = sp.Matrix(_P), sp.Matrix(_Q)
        return sp.expand(((M * p - M * q).T * (M * p - M * q))[0, 0] - ((p - q).T * (p - q))[0, 0]) == 0

    concl = ("L = id", lambda m: m["_M"] == sp.eye(2)) if variant == "identity" else ("Isometry L", isometry)
    return Reading("clm_isometry_of_norm_preserving", variant, (hyp,), concl, _clm_candidates,
                   argument=clm_argument if variant == "as_written" else None,
                   searched="seven 2×2 matrices: a rotation, a reflection, I, 0, diag(1/2, 0), unit columns, 2I")


def _map_models():
    for name in MAP_NAMES:
        yield {"h": name}


_DIFFEO = ("h : GaussianDiffeo (a C∞ diffeomorphism with its inverse in closed form)", lambda m: True)
_C2_SCOPE = instances("eight maps of ℝ² in closed form (affine maps, a shear, a radial rotation); for C² maps in every "
                      "dimension the rigidity argument (computed: a tensor symmetric in one index pair and "
                      "antisymmetric in another vanishes) proves it; maps that are only differentiable rest on "
                      "Mathlib's mean value inequality, not re-derived here")


@audit_spec("lipschitz_of_orthogonal_jacobian", expected="true",
            statement="true as written: an orthogonal Jacobian everywhere makes h an affine isometry (rigidity), "
                      "hence 1-Lipschitz",
            scope=_C2_SCOPE,
            controls=(Variant("jacobian_le_two", "wrong constant",
                              "‖J v‖ ≤ 2‖v‖ everywhere makes h 1-Lipschitz (refuted: h = 2z)"),
                      Variant("orthogonal_at_zero", "weakened hypothesis",
                              "an orthogonal Jacobian at 0 only makes h 1-Lipschitz (refuted: the radial rotation)"),
                      Variant("det_one", "weakened hypothesis",
                              "|det J| = 1 everywhere (volume preserved) makes h 1-Lipschitz (refuted: the shear)")))
def lipschitz_of_orthogonal_jacobian(variant: str) -> Reading:
    hyp = {"jacobian_le_two": ("∀ z v, ‖J v‖ ≤ 2‖v‖", lambda m: _jacobian_bound(m["h"], 2)),
           "orthogonal_at_zero": ("J(0)ᵀJ(0) = I", lambda m: _orthogonal_at_zero(m["h"])),
           "det_one": ("|det J| ≡ 1", lambda m: _det_one(m["h"]))}.get(
        variant, ("horth: ∀ z v, ‖J(z) v‖ = ‖v‖", lambda m: _orthogonal_jacobian(m["h"])))
    return Reading("lipschitz_of_orthogonal_jacobian", variant, (_DIFFEO, hyp),
                   ("LipschitzWith 1 h", lambda m: _lipschitz_one(m["h"])), _map_models,
                   argument=rigidity if variant == "as_written" else None, searched=", ".join(MAP_NAMES))


@functools.lru_cache(maxsize=None)
def _antisymmetry() -> tuple[bool, str]:
    a, b = sp.symbols("a b", real=True)
    return steps(("with a = dist(h x, h y) and b = dist(x, y) = dist(h⁻¹(h x), h⁻¹(h y)): a ≤ b (hlip) and b ≤ a "
                  "(hinvlip) simplify to a = b (sympy), in every metric space",
                  sp.simplify(sp.And(sp.Le(a, b), sp.Le(b, a))) == sp.Eq(a, b)))


@audit_spec("isometry_of_bilipschitz", expected="true",
            statement="true as written: dist(hx, hy) ≤ dist(x, y) = dist(h⁻¹hx, h⁻¹hy) ≤ dist(hx, hy)",
            scope=proof("every metric space and every homeomorphism h (antisymmetry of ≤)"),
            controls=(Variant("no_inverse", "dropped hypothesis",
                              "h 1-Lipschitz alone is an isometry (refuted: h = z/2)"),
                      Variant("constant_two", "wrong constant",
                              "h and h⁻¹ both 2-Lipschitz make h an isometry (refuted: h = 2z)")))
def isometry_of_bilipschitz(variant: str) -> Reading:
    c = 2 if variant == "constant_two" else 1

    def lip(name, which):
        m = _map(name)
        if m["affine"] is None:
            return _lipschitz_one(name, which) if c == 1 else None
        A = m["affine"][0] if which == "map" else m["affine"][0].inv()
        return all(e <= c**2 for e in (A.T * A).eigenvals())

    hyps = [_DIFFEO, (f"hlip: LipschitzWith {c} h", lambda m: lip(m["h"], "map"))]
    if variant != "no_inverse":
        hyps.append((f"hinvlip: LipschitzWith {c} h⁻¹", lambda m: lip(m["h"], "inverse")))
    return Reading("isometry_of_bilipschitz", variant, tuple(hyps), ("Isometry h", lambda m: _isometry(m["h"])),
                   _map_models, argument=_antisymmetry if variant == "as_written" else None,
                   searched=", ".join(MAP_NAMES))


@functools.lru_cache(maxsize=None)
def _identifiability_argument() -> tuple[bool, str]:
    ok_r, text_r = rigidity()
    M = sp.Matrix(3, 3, sp.symbols("m_0:9"))
    # MᵀM = I ⇒ M⁻¹ = Mᵀ ⇒ (M⁻¹)ᵀ M⁻¹ = M Mᵀ, and adj(Mᵀ)(MᵀM − I)Mᵀ = det M (MMᵀ − I)
    adj = sp.expand(M.T.adjugate() * (M.T * M - sp.eye(3)) * M.T - M.det() * (M * M.T - sp.eye(3)))
    return steps(("rigidity: " + text_r, ok_r),
                 ("h 0 = 0 gives b = 0, so h(z) = Az with AᵀA = I: a linear isometry", True),
                 ("horth implies horth_inv: adj(Mᵀ)(MᵀM − I)Mᵀ = det M·(MMᵀ − I) (sympy, generic 3×3), so MᵀM = I "
                  "gives MMᵀ = I and (M⁻¹)ᵀM⁻¹ = MMᵀ = I: the hypothesis horth_inv adds nothing", adj.is_zero_matrix))


@audit_spec("dirichlet_identifiability", expected="true",
            statement="true as written: horth, horth_inv and h 0 = 0 make h a linear isometry (rigidity, then b = 0); "
                      "but no Gaussian enters (GaussianDiffeo carries none), horth is what the unformalised energy "
                      "argument should give, and horth_inv follows from horth",
            scope=_C2_SCOPE,
            controls=(Variant("no_mean", "dropped hypothesis",
                              "the same without h 0 = 0 (refuted: a rotation plus a shift)"),
                      Variant("det_one", "weakened hypothesis",
                              "|det J| = 1 everywhere and h 0 = 0 make h a linear isometry (refuted: the shear)"),
                      Variant("gaussian_preserving", "weakened hypothesis",
                              "a diffeomorphism that preserves N(0, I) and fixes 0 is a linear isometry (refuted: the "
                              "radial rotation; Gaussian preservation is not enough without the energy minimum)")))
def dirichlet_identifiability(variant: str) -> Reading:
    hyps = [_DIFFEO]
    if variant == "det_one":
        hyps.append(("|det J| ≡ 1", lambda m: _det_one(m["h"])))
    elif variant == "gaussian_preserving":
        hyps.append(("h pushes N(0, I) to N(0, I)", lambda m: _preserves_gaussian(m["h"])))
    else:
        hyps += [("horth: ∀ z v, ‖J(z) v‖ = ‖v‖", lambda m: _orthogonal_jacobian(m["h"])),
                 ("horth_inv: ∀ z v, ‖J(z)⁻¹ v‖ = ‖v‖", lambda m: _orthogonal_inverse_jacobian(m["h"]))]
    if variant != "no_mean":
        hyps.append(("hmean: h 0 = 0", lambda m: _fixes_zero(m["h"])))
    return Reading("dirichlet_identifiability", variant, tuple(hyps),
                   ("∃ U linear isometry, ∀ z, h z = U z", lambda m: _linear_isometry(m["h"])), _map_models,
                   argument=_identifiability_argument if variant == "as_written" else None,
                   searched=", ".join(MAP_NAMES))


SPECS = (amgm_sum_ge_prod_pow, exp_mean_ge_mean_exp, mazur_ulam, clm_isometry_of_norm_preserving,
         lipschitz_of_orthogonal_jacobian, isometry_of_bilipschitz, dirichlet_identifiability)
READERS.add("dirichlet", SPECS, module=__name__)
