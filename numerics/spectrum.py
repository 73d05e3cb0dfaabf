"""The Hermite spectrum of a map ``h: R^n → R^m`` under ``N(0, I_n)`` (docs/theory.md §2).

``h_i = Σ_α c_{i,α} h_α`` with ``c_{i,α} = E[h_i(z) h_α(z)]``; the degree energies are
``E_{i,d} = Σ_{|α| = d} c_{i,α}²`` (``E_{i,0} = (E h_i)²``) and Parseval gives
``Σ_d E_{i,d} = E h_i²``. :func:`hermite_spectrum` computes the coefficients up to a total
degree ``D`` and reports what lies above it as the ``residual`` ``E h_i² − Σ_{d<=D} E_{i,d}``.

Methods
-------
``"quadrature"``
    Tensor Gauss–Hermite with ``q`` nodes per axis (``n <= 3``); the projections are contracted
    axis by axis (sum factorisation), ``O(m q^n D)``. ``n_samples`` is the budget of evaluations
    of ``h``; ``q = floor(n_samples^(1/n))``, by default ``max(2D + 2, Q_n)`` with
    ``Q_1 = 200, Q_2 = 64, Q_3 = 32``. For a polynomial ``h`` of degree ``<= q − 1`` in each
    coordinate every reported number is exact (up to rounding); ``exact_degree`` says so. The
    error comes from the rules with ``q``, ``q/2`` and ``q/4`` nodes (``Spectrum``), and, as in
    :mod:`numerics.alignment`, a fourth rule with an odd count near ``3q/4`` cross-checks every
    entry the three call converged: where it differs by more than the error, the entry is not
    resolved and its error becomes twice the difference (on a kink the three rules can look
    fast-converging by chance: leaky ReLU of a rotation in 2D had degree-10 errors −3.2e-5,
    +2.2e-6, +3.1e-6 at q = 16, 32, 64, and a bar of 1e-6).
``"sparse"``
    Smolyak grid of level ``k`` (``numerics.quadrature.smolyak_rule``, exact to total degree
    ``2k + 1``), by default ``k = D + 3``, with the levels ``k − 1`` and ``k − 2`` for the
    three-rule error check (with a budget, the largest level that fits, checked where
    ``k − 2 >= D``) and the level-``k`` grid rotated by a fixed rotation as the cross-check
    (energies and residuals are rotation invariant); every number is exact for polynomials of
    total degree ``<= k``. Meant for moderate ``n`` (4 to about 10), low ``D`` and *smooth*
    maps: the grid's weights are partly negative (``Σ |w|`` is 575 at n = 8, level 3 and 7183
    at level 5), so on a map with a kink or a jump the sums are not bounded by ``E h²``: an
    energy can exceed the second moment and the residual can be hugely negative (a trained
    leaky-ReLU/GELU network at n = 8 gave ``Σ E_d = 1197`` against ``E||h||² = 55``). Its error
    bars are therefore finite only where the three levels converge fast and the cross-check
    agrees (any other entry gets ``inf``: a Richardson tail assumes a steady rate that a rule
    with negative weights does not have), and only when three levels were computed (else
    every error is ``inf`` and ``error_resolved`` None).
``"montecarlo"``
    Monte Carlo projection on the total-degree basis with ``n_samples`` draws (default 20 000)
    split into ``G = 10`` independent groups, each split in two halves ``A, B``. In a group,
    ``ĉ_A · ĉ_B`` is an *unbiased* estimate of ``c²`` (the plain ``ĉ²`` would be biased up by
    ``Var(h h_α)/N`` per basis function, which adds up over the ``C(n + D, D)`` functions).
    Every reported number is the mean of its ``G`` group estimates and its standard error is
    their standard deviation over ``sqrt(G)`` (a t interval with ``G − 1`` degrees of freedom).
``"auto"``
    ``quadrature`` for ``n <= 3``, ``sparse`` for ``4 <= n <= 8`` when the default Smolyak grid
    holds at most 200 000 points, ``montecarlo`` otherwise; ``Spectrum.method_reason`` says why.
    A deterministic rule is kept only when it is trusted: the tensor rule unless its three-rule
    check failed (``error_resolved`` False), the sparse rule only when its three-level check
    passed (``error_resolved`` True). Otherwise ``auto`` falls back to Monte Carlo, whose
    standard errors do not depend on smoothness. With a budget ``n_samples`` an untrusted
    tensor result is kept (flagged, with its finite bars: positive weights keep the identities),
    and an untrusted sparse result falls back to Monte Carlo with ``n_samples`` draws (when
    they allow the 10 groups).

Identities
----------
Every deterministic result is checked against what the truth must satisfy: ``E h_i² >= 0`` and
Bessel's inequality ``Σ_{d<=D} E_{i,d} <= E h_i²``, i.e. a residual ``>= −residual_error`` (up to
rounding). The tensor rule has positive weights and satisfies both on every map; the sparse rule
need not. A result that violates one is not resolved (``error_resolved`` False), its error bars
are ``inf``, ``method_reason`` says which output broke which identity, and ``auto`` falls back to
Monte Carlo. (A Monte Carlo residual may be negative within its own standard error: its energies
are unbiased, not non-negative, estimates.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lejepa_verify.numerics.hermite import (
    MAX_DEGREE,
    _basis_from_table,
    _hermite_table,
    _sparse_indices,
    basis_size,
    degree_of_indices,
    total_degree_indices,
)
from lejepa_verify.numerics.convergence import sequence_error_array
from lejepa_verify.numerics.quadrature import MAX_NODES, MAX_POINTS, gauss_hermite, smolyak_rule, smolyak_size
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["METHODS", "Spectrum", "SpectralAlignment", "hermite_spectrum", "evaluate_map"]

METHODS = ("auto", "quadrature", "sparse", "montecarlo")
_DEFAULT_NODES = {1: 200, 2: 64, 3: 32}
_MC_DEFAULT_SAMPLES = 20_000
_MC_GROUPS = 10
_SPARSE_AUTO_MAX_POINTS = 200_000
_IDENTITY_NOTE = "violates an identity of the spectrum"
_T_GROUPS = 2.2621571627409915  # t_9(0.975): the two-sided 95 % t quantile for the 10 groups
_MAX_DIM = 4096
_CHUNK_ENTRIES = 4_000_000  # rows × basis functions per block of the basis matrix (32 MB)


def evaluate_map(h: Callable, z: np.ndarray, name: str = "h") -> np.ndarray:
    """``h(z)`` as a finite float array of shape (N, m); a wrong shape or NaN/inf is a ValueError.

    ``h`` takes an (N, n) array; an output of shape (N,) is read as ``m = 1``.
    """
    if not callable(h):
        raise ValueError(f"{name} must be a callable mapping an (N, n) array to an (N, m) array, got {type(h).__name__}")
    try:
        out = np.asarray(h(z), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must return a real array for input of shape {z.shape}: {exc}") from None
    if out.ndim == 1:
        out = out[:, None]
    if out.ndim != 2 or out.shape[0] != z.shape[0]:
        raise ValueError(
            f"{name} returned shape {out.shape} for input of shape {z.shape}; expected ({z.shape[0]}, m)"
        )
    finite = np.isfinite(out)
    if not finite.all():
        rows = np.flatnonzero(~finite.all(axis=1))
        shown = ", ".join(np.array2string(z[r], precision=4) for r in rows[:3])
        raise ValueError(
            f"{name} returned non-finite values (NaN or inf) at {len(rows)} of {len(z)} points, e.g. z = {shown}"
        )
    return out


@dataclass(frozen=True)
class SpectralAlignment:
    """The spectral alignment loss ``L(h) = 2 Σ_i Σ_{d>=1} (1 − ρ^d) E_{i,d}`` with its truncation bracket.

    Energy above ``D`` (the residual ``R``) costs between ``2(1 − ρ^{D+1})`` and ``2`` per unit,
    so ``lower = captured + 2(1 − ρ^{D+1}) R`` and ``upper = captured + 2 R``; ``value`` is the
    midpoint and ``half_width`` the truncation error bound. ``standard_error`` is set for Monte
    Carlo spectra (of ``value``), ``error_estimate`` for quadrature spectra (the coarse-rule
    heuristic of :class:`Spectrum`, ``Σ 2(1 − ρ^d) |ΔE_{i,d}| + 2 |ΔR_i|``); ``float(x)`` gives
    ``value``.
    """

    rho: float
    value: float
    lower: float
    upper: float
    captured: float
    residual: float
    standard_error: float | None
    error_estimate: float | None = None

    @property
    def half_width(self) -> float:
        """Half the width of the bracket: ``(upper − lower) / 2``."""
        return 0.5 * (self.upper - self.lower)

    @property
    def error(self) -> float:
        """A bound on ``|value − L(h)|`` meant to hold with probability >= 95 %.

        The truncation ``half_width`` plus, for Monte Carlo, the t half-width over the groups
        (``t_9(0.975) = 2.262`` for 10 groups) times ``standard_error``, for quadrature the
        rule's ``error_estimate`` (``inf`` when none is available or the rules do not converge).
        """
        if self.standard_error is not None:
            return float(self.half_width + _T_GROUPS * self.standard_error)
        if self.error_estimate is None:
            return math.inf
        return float(self.half_width + self.error_estimate)

    def __float__(self) -> float:
        return float(self.value)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "rho": self.rho, "value": self.value, "lower": self.lower, "upper": self.upper,
            "captured": self.captured, "residual": self.residual, "half_width": self.half_width,
            "standard_error": self.standard_error, "error_estimate": self.error_estimate,
            "error": self.error,
        }


def _arr(x):
    return None if x is None else np.asarray(x).tolist()


@dataclass(frozen=True)
class Spectrum:
    """Hermite spectrum of ``h: R^n → R^m`` up to total degree ``max_degree`` (docs/theory.md §2).

    Shapes: ``energy`` (m, D + 1) holds ``E_{i,d}``; ``mean``, ``second_moment`` (``E h_i²``),
    ``residual`` (``E h_i² − Σ_{d<=D} E_{i,d}``) are (m,); ``linear_block`` is
    ``M = E[h(z) zᵀ]`` (m, n); ``coefficients`` (m, K) are the ``c_{i,α}`` for the multi-indices
    ``indices`` (K, n) in graded order. The ``*_se`` fields are standard errors (Monte Carlo
    only, else ``None``); ``group_energy`` (G, m, D + 1) and ``group_residual`` (G, m) are the
    independent group estimates they come from. ``exact_degree``: every number is exact for
    polynomial ``h`` of that degree (``None`` for Monte Carlo). ``energy_error`` (m, D + 1) and
    ``residual_error`` (m,) (deterministic rules only): where two coarser rules (``q/2`` and
    ``q/4`` nodes per axis, or two Smolyak levels less) still resolve degree ``D``, the error
    for the convergence observed over the three (:func:`numerics.convergence.sequence_error`:
    the last change for fast convergence, a Richardson tail for slow, ``inf`` where the
    sequence does not converge), checked against the cross-check rule (module docstring:
    an entry it contradicts is not resolved), and ``error_resolved`` is True when every entry
    converged fast and passed the cross-check; with only one coarser rule, the change ``|X_q − X_{q'}|``, a heuristic that can
    understate slow convergence (``error_resolved`` None: not assessed); ``None`` when no
    coarser rule is exact to ``2D``. For the sparse rule (negative weights) only the
    three-level check gives finite errors: an entry that is not resolved, and every
    entry when fewer than three levels were computed, gets ``inf``. A deterministic result that
    breaks ``E h_i² >= 0`` or ``residual_i >= −residual_error_i`` (module docstring,
    "Identities") has ``error_resolved`` False and ``inf`` errors. ``method="auto"`` keeps a
    deterministic rule only when it is trusted (module docstring) and otherwise falls back to
    Monte Carlo. :attr:`energy_uncertainty` and :attr:`residual_uncertainty` give the 95 %
    bars of either kind.
    """

    dim: int
    max_degree: int
    method: str
    method_reason: str
    n_points: int
    exact_degree: int | None
    energy: np.ndarray
    mean: np.ndarray
    second_moment: np.ndarray
    residual: np.ndarray
    linear_block: np.ndarray
    indices: np.ndarray
    coefficients: np.ndarray
    seed: int | None = None
    energy_se: np.ndarray | None = None
    mean_se: np.ndarray | None = None
    second_moment_se: np.ndarray | None = None
    residual_se: np.ndarray | None = None
    linear_block_se: np.ndarray | None = None
    coefficient_se: np.ndarray | None = None
    group_energy: np.ndarray | None = field(default=None, repr=False)
    group_residual: np.ndarray | None = field(default=None, repr=False)
    energy_error: np.ndarray | None = None
    residual_error: np.ndarray | None = None
    error_resolved: bool | None = None

    @property
    def output_dim(self) -> int:
        """Number ``m`` of output coordinates of the map."""
        return int(self.energy.shape[0])

    @property
    def stochastic(self) -> bool:
        """Whether the spectrum was estimated by Monte Carlo (it then carries per-group energies)."""
        return self.group_energy is not None

    @property
    def energy_uncertainty(self) -> np.ndarray:
        """(m, D + 1) bounds on ``|energy − E_{i,d}|`` meant to hold with probability >= 95 %.

        Monte Carlo: ``t_9(0.975)`` times ``energy_se``; a deterministic rule: ``energy_error``,
        ``inf`` where there is none.
        """
        if self.stochastic:
            return _T_GROUPS * self.energy_se
        return np.full(self.energy.shape, math.inf) if self.energy_error is None else self.energy_error

    @property
    def residual_uncertainty(self) -> np.ndarray:
        """(m,) bounds on ``|residual − (E h_i² − Σ_{d<=D} E_{i,d})|``, as :attr:`energy_uncertainty`."""
        if self.stochastic:
            return _T_GROUPS * self.residual_se
        return np.full(self.residual.shape, math.inf) if self.residual_error is None else self.residual_error

    def coefficient(self, i: int, alpha) -> float:
        """``c_{i,α} = E[h_i(z) h_α(z)]`` for output ``i`` and multi-index ``alpha`` (``|α| <= D``)."""
        i = check_int(i, "i (output index)", 0, self.output_dim - 1)
        alpha = np.asarray(alpha)
        if alpha.shape != (self.dim,) or not np.issubdtype(alpha.dtype, np.integer) or alpha.min() < 0:
            raise ValueError(f"alpha must be {self.dim} non-negative integers, got {alpha.tolist()}")
        if alpha.sum() > self.max_degree:
            raise ValueError(f"alpha must have total degree <= max_degree = {self.max_degree}, got |alpha| = {int(alpha.sum())}")
        row = np.flatnonzero((self.indices == alpha).all(axis=1))
        return float(self.coefficients[i, row[0]])

    def nonlinear_energy(self, include_residual: bool = True) -> float:
        """``W_nl = Σ_i Σ_{d>=2} E_{i,d}`` (docs/theory.md §4); the residual above ``D`` is nonlinear
        energy too and is included unless ``include_residual=False``."""
        w = float(self.energy[:, 2:].sum())
        return w + float(self.residual.sum()) if include_residual else w

    def nonlinear_energy_se(self, include_residual: bool = True) -> float | None:
        """Standard error of :meth:`nonlinear_energy` (Monte Carlo only)."""
        if not self.stochastic:
            return None
        g = self.group_energy[:, :, 2:].sum(axis=(1, 2))
        if include_residual:
            g = g + self.group_residual.sum(axis=1)
        return float(g.std(ddof=1) / math.sqrt(len(g)))

    def alignment_loss(self, rho) -> SpectralAlignment:
        """Spectral alignment loss ``2 Σ_i Σ_{d=1}^{D} (1 − ρ^d) E_{i,d}`` plus the residual bracket."""
        rho = float(check_rho(rho))
        d = np.arange(self.max_degree + 1)
        cost = 2.0 * (1.0 - rho**d)
        captured = float((self.energy * cost).sum())
        r = float(self.residual.sum())
        lo_cost = 2.0 * (1.0 - rho ** (self.max_degree + 1))
        a, b = captured + lo_cost * r, captured + 2.0 * r
        lower, upper = min(a, b), max(a, b)
        se = None
        if self.stochastic:
            mid = 0.5 * (lo_cost + 2.0)
            g = (self.group_energy * cost).sum(axis=(1, 2)) + mid * self.group_residual.sum(axis=1)
            se = float(g.std(ddof=1) / math.sqrt(len(g)))
        err = None
        if self.energy_error is not None:
            # cost 0 at degree 0: an unbounded error of the mean costs nothing (avoid inf · 0)
            weighted = np.where(cost > 0, self.energy_error * np.where(cost > 0, cost, 1.0), 0.0)
            err = float(weighted.sum() + 2.0 * self.residual_error.sum())
        return SpectralAlignment(rho, 0.5 * (lower + upper), lower, upper, captured, r, se, err)

    def to_dict(self, include_coefficients: bool = False) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        out = {
            "dim": self.dim, "output_dim": self.output_dim, "max_degree": self.max_degree,
            "method": self.method, "method_reason": self.method_reason, "n_points": self.n_points,
            "exact_degree": self.exact_degree, "seed": self.seed,
            "energy": _arr(self.energy), "mean": _arr(self.mean), "second_moment": _arr(self.second_moment),
            "residual": _arr(self.residual), "linear_block": _arr(self.linear_block),
            "nonlinear_energy": self.nonlinear_energy(),
            "energy_se": _arr(self.energy_se), "mean_se": _arr(self.mean_se),
            "second_moment_se": _arr(self.second_moment_se), "residual_se": _arr(self.residual_se),
            "linear_block_se": _arr(self.linear_block_se),
            "energy_error": _arr(self.energy_error), "residual_error": _arr(self.residual_error),
            "error_resolved": self.error_resolved,
        }
        if include_coefficients:
            out["indices"] = _arr(self.indices)
            out["coefficients"] = _arr(self.coefficients)
            out["coefficient_se"] = _arr(self.coefficient_se)
        return out


# ---------------------------------------------------------------------------------------------
# choosing a method


def _default_level(max_degree: int) -> int:
    # three levels D + 1 .. D + 3 for the check: level D (the coarsest exact to 2D) is too coarse
    # to see even an entire map like exp(q·z / 2) at n = 8 converge fast
    return max_degree + 3


def _choose(dim: int, max_degree: int, method: str, n_samples) -> tuple[str, str]:
    if method != "auto":
        return method, "requested"
    if dim <= 3:
        return "quadrature", f"n = {dim} <= 3: tensor Gauss–Hermite"
    if dim <= 8:
        level = _default_level(max_degree)
        size = smolyak_size(dim, level)
        if size <= _SPARSE_AUTO_MAX_POINTS and (n_samples is None or size <= n_samples):
            return "sparse", f"4 <= n = {dim} <= 8 and the level-{level} Smolyak grid has <= {size} points"
        return "montecarlo", f"n = {dim}: the level-{level} Smolyak grid would have {size} points"
    return "montecarlo", f"n = {dim} > 8: Monte Carlo projection"


def _energies(coefficients: np.ndarray, degrees: np.ndarray, max_degree: int) -> np.ndarray:
    out = np.zeros((coefficients.shape[0], max_degree + 1))
    for d in range(max_degree + 1):
        out[:, d] = (coefficients[:, degrees == d] ** 2).sum(axis=1)
    return out


def _linear_columns(indices: np.ndarray) -> np.ndarray:
    """Column of ``h_{e_j}`` (= z_j) in the graded enumeration, for j = 0..n-1."""
    degrees = degree_of_indices(indices)
    first = np.flatnonzero(degrees == 1)
    return first[np.argmax(indices[first], axis=1).argsort()] if len(first) else first


# ---------------------------------------------------------------------------------------------
# the three methods


def _tensor_projection(h, dim, max_degree, q, indices):
    """Coefficients (m, K), second moments (m,) and point count of the q-node tensor rule."""
    x, w = gauss_hermite(q)
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    points = np.stack([g.reshape(-1) for g in grids], axis=1)
    f = evaluate_map(h, points)
    m = f.shape[1]
    wh = w[:, None] * _hermite_table(np.ascontiguousarray(x), max_degree)  # (q, D+1)
    tensor = f.reshape((q,) * dim + (m,))
    # sum factorisation: contract one axis at a time with the weighted 1D basis; each
    # tensordot consumes the leading point axis and appends a degree axis, ending at (m, a_1..a_n)
    for _ in range(dim):
        tensor = np.tensordot(tensor, wh, axes=([0], [0]))
    coefficients = tensor[(slice(None),) + tuple(indices.T)]
    wgrid = np.meshgrid(*([w] * dim), indexing="ij")
    weights = np.prod(np.stack([g.reshape(-1) for g in wgrid], axis=1), axis=1)
    return coefficients, weights @ (f * f), len(points)


def _spectrum_tensor(h, dim, max_degree, n_samples, reason):
    if n_samples is None:
        q = min(max(2 * max_degree + 2, _DEFAULT_NODES[dim]), MAX_NODES)
        while q**dim > MAX_POINTS:
            q -= 1
    else:
        q = int(math.floor(n_samples ** (1.0 / dim) + 1e-9))
        q = min(q, MAX_NODES)
    if q < max_degree + 1:
        raise ValueError(
            f"max_degree {max_degree} is beyond the exactness of the tensor rule: it needs at least "
            f"{max_degree + 1} nodes per axis (n_samples >= {(max_degree + 1) ** dim}), got {q} "
            f"(n_samples = {n_samples})"
        )
    if (max_degree + 1) ** dim > MAX_POINTS:
        raise ValueError(f"max_degree {max_degree} in dim {dim} is too large for the tensor method: "
                         f"(max_degree + 1)^dim must be <= {MAX_POINTS}")
    indices = total_degree_indices(dim, max_degree)
    coefficients, second, n_points = _tensor_projection(h, dim, max_degree, q, indices)
    out = dict(indices=indices, coefficients=coefficients, second_moment=second, n_points=n_points,
               exact_degree=q - 1, method="quadrature", method_reason=f"{reason}; {q} nodes per axis")
    q_coarse = max(max_degree + 1, -(-q // 2))
    if q_coarse < q:
        c2, s2, n2 = _tensor_projection(h, dim, max_degree, q_coarse, indices)
        out.update(coarse=(c2, s2), n_points=n_points + n2,
                   method_reason=out["method_reason"] + f"; error estimate from {q_coarse} nodes")
        q_third = -(-q_coarse // 2)
        if q_third >= max_degree + 1 and q_third < q_coarse:
            c3, s3, n3 = _tensor_projection(h, dim, max_degree, q_third, indices)
            out.update(coarser=(c3, s3), n_points=out["n_points"] + n3,
                       method_reason=out["method_reason"] + f" and {q_third} nodes (observed convergence)")
            # the cross-check of numerics.alignment: an odd count near 3q/4 puts a node where the
            # even rules have none; on a kink the three rules can look fast-converging by chance
            # (leaky ReLU of a rotation in 2D: degree-10 errors -3.2e-5, +2.2e-6, +3.1e-6 at
            # q = 16, 32, 64), and this rule then differs by about the true error
            q_alt = (3 * q // 4) | 1
            if q_alt >= max_degree + 1 and q_alt not in (q, q_coarse, q_third):
                c4, s4, n4 = _tensor_projection(h, dim, max_degree, q_alt, indices)
                out.update(alt=(c4, s4), n_points=out["n_points"] + n4,
                           method_reason=out["method_reason"] + f"; cross-check {q_alt} nodes")
    return out


def _sparse_projection(h, dim, level, indices, rotation=None):
    """Coefficients (m, K), second moments (m,), point count and ``Σ |w|`` of the level-``level`` grid.

    ``rotation``: an orthogonal (n, n) matrix; the grid's points ``p`` are used as ``R p`` (the
    Gaussian is rotation invariant, so this is an equally exact rule with other node positions).
    """
    rule = smolyak_rule(dim, level)
    # a writable copy for h (the cached rule is read-only; torch.from_numpy warns on those)
    points = rule.points.copy() if rotation is None else rule.points @ rotation.T
    f = evaluate_map(h, points)
    # Σ |w| is how much the rule can amplify a local error (and rounding)
    return (_project(points, f * rule.weights[:, None], indices), rule.weights @ (f * f), rule.n_points,
            float(np.abs(rule.weights).sum()))


def _fixed_rotation(dim: int) -> np.ndarray:
    """A fixed (not random: the same for every call) rotation of R^dim, for the sparse cross-check."""
    q, r = np.linalg.qr(np.random.default_rng(20_260_101).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def _spectrum_sparse(h, dim, max_degree, n_samples, reason):
    if n_samples is None:
        level = _default_level(max_degree)
    else:
        level = max_degree
        if smolyak_size(dim, level) > n_samples:
            raise ValueError(
                f"max_degree {max_degree} is beyond the exactness of the Smolyak grids n_samples = {n_samples} "
                f"allows: level {level} (exact to total degree {2 * level + 1} >= 2 max_degree) needs "
                f"up to {smolyak_size(dim, level)} points"
            )
        while smolyak_size(dim, level + 1) <= n_samples:
            level += 1
    indices = total_degree_indices(dim, max_degree)
    coefficients, second, n_points, abs_weight_sum = _sparse_projection(h, dim, level, indices)
    out = dict(indices=indices, coefficients=coefficients, second_moment=second, n_points=n_points,
               exact_degree=level, method="sparse", abs_weight_sum=abs_weight_sum,
               method_reason=f"{reason}; Smolyak level {level} (exact to total degree {2 * level + 1})")
    if level - 1 >= max_degree:
        c2, s2, n2, _ = _sparse_projection(h, dim, level - 1, indices)
        out.update(coarse=(c2, s2), n_points=n_points + n2,
                   method_reason=out["method_reason"] + f"; error estimate from level {level - 1}")
        if level - 2 >= max_degree:
            c3, s3, n3, _ = _sparse_projection(h, dim, level - 2, indices)
            out.update(coarser=(c3, s3), n_points=out["n_points"] + n3,
                       method_reason=out["method_reason"] + f" and {level - 2} (observed convergence)")
            if dim > 1:
                # energies and residual are rotation invariant; the rotated grid moves every node
                # off the map's kinks as placed for the first grid
                c4, s4, n4, _ = _sparse_projection(h, dim, level, indices, rotation=_fixed_rotation(dim))
                out.update(alt=(c4, s4), n_points=out["n_points"] + n4,
                           method_reason=out["method_reason"] + "; cross-check on a rotated grid")
    return out


def _project(points: np.ndarray, weighted_f: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """``Σ_p weighted_f[p, i] h_α(z_p)`` for every α, in blocks of points (m, K)."""
    max_degree = int(indices.max(initial=0))
    coords, degs, nnz = _sparse_indices(indices)
    k = len(indices)
    out = np.zeros((weighted_f.shape[1], k))
    block = max(1, _CHUNK_ENTRIES // max(k, 1))
    for start in range(0, len(points), block):
        z = np.ascontiguousarray(points[start:start + block])
        table = _hermite_table(z.reshape(-1), max_degree).reshape(z.shape + (max_degree + 1,))
        basis = _basis_from_table(table, coords, degs, nnz)
        out += weighted_f[start:start + block].T @ basis
    return out


def _spectrum_montecarlo(h, dim, max_degree, n_samples, seed, reason):
    n_samples = _MC_DEFAULT_SAMPLES if n_samples is None else n_samples
    groups = _MC_GROUPS
    half = n_samples // (2 * groups)
    if half < 2:
        raise ValueError(f"n_samples must be >= {4 * groups} for the Monte Carlo method ({groups} groups of two halves), got {n_samples}")
    indices = total_degree_indices(dim, max_degree)
    degrees = degree_of_indices(indices)
    rng = np.random.default_rng(seed)
    g_coef, g_coef2, g_energy, g_second, g_resid = None, None, [], [], []
    for g in range(groups):
        z = rng.standard_normal((2 * half, dim))
        f = evaluate_map(h, z)
        c_a = _project(z[:half], f[:half] / half, indices)
        c_b = _project(z[half:], f[half:] / half, indices)
        energy = _energies_cross(c_a, c_b, degrees, max_degree)
        second = (f * f).mean(axis=0)
        coef = 0.5 * (c_a + c_b)
        g_coef = coef.copy() if g_coef is None else g_coef + coef
        g_coef2 = coef**2 if g_coef2 is None else g_coef2 + coef**2
        g_energy.append(energy)
        g_second.append(second)
        g_resid.append(second - energy.sum(axis=1))
    g_energy = np.array(g_energy)
    g_second = np.array(g_second)
    g_resid = np.array(g_resid)
    coefficients = g_coef / groups
    coef_var = np.maximum(g_coef2 / groups - coefficients**2, 0.0) * groups / (groups - 1)
    root = math.sqrt(groups)
    se = lambda a: a.std(axis=0, ddof=1) / root  # noqa: E731 - standard error over groups
    return dict(indices=indices, coefficients=coefficients, second_moment=g_second.mean(axis=0),
                n_points=2 * half * groups, exact_degree=None, method="montecarlo",
                method_reason=f"{reason}; {2 * half * groups} samples in {groups} groups",
                energy=g_energy.mean(axis=0), residual=g_resid.mean(axis=0),
                energy_se=se(g_energy), second_moment_se=se(g_second), residual_se=se(g_resid),
                coefficient_se=np.sqrt(coef_var / groups),
                group_energy=g_energy, group_residual=g_resid)


def _energies_cross(c_a, c_b, degrees, max_degree):
    out = np.zeros((c_a.shape[0], max_degree + 1))
    for d in range(max_degree + 1):
        sel = degrees == d
        out[:, d] = (c_a[:, sel] * c_b[:, sel]).sum(axis=1)
    return out


def hermite_spectrum(h: Callable, dim: int, max_degree: int, *, method: str = "auto", seed=None,
                     n_samples: int | None = None) -> Spectrum:
    """Hermite spectrum of ``h`` under ``N(0, I_dim)`` up to total degree ``max_degree``.

    Parameters
    ----------
    h : callable mapping an (N, dim) array to an (N, m) array (or (N,) for m = 1).
    dim : latent dimension ``n >= 1``.
    max_degree : ``D``, in ``[1, 200]`` (and within the chosen method's exactness, see the
        module docstring).
    method : ``"auto"``, ``"quadrature"``, ``"sparse"`` or ``"montecarlo"``.
    seed : seed of the Monte Carlo draws (ignored by the deterministic rules).
    n_samples : budget of evaluations of ``h`` (quadrature: ``q = floor(n_samples^(1/n))`` nodes
        per axis; sparse: the largest level that fits; Monte Carlo: the number of draws).

    Returns
    -------
    Spectrum
    """
    dim = check_int(dim, "dim", 1, _MAX_DIM)
    # degree 1 is always needed: it carries the linear block M
    max_degree = check_int(max_degree, "max_degree", 1, MAX_DEGREE)
    check_choice(method, "method", METHODS)
    if not callable(h):
        raise ValueError(f"h must be a callable mapping an (N, n) array to an (N, m) array, got {type(h).__name__}")
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", 1)
    chosen, reason = _choose(dim, max_degree, method, n_samples)
    if chosen == "quadrature":
        if dim > 3:
            raise ValueError(f"method 'quadrature' (tensor Gauss–Hermite) needs dim <= 3, got dim = {dim}; use 'sparse' or 'montecarlo'")
        out = _spectrum_tensor(h, dim, max_degree, n_samples, reason)
    elif chosen == "sparse":
        out = _spectrum_sparse(h, dim, max_degree, n_samples, reason)
    else:
        if basis_size(dim, max_degree) > 200_000:
            raise ValueError(f"max_degree {max_degree} in dim {dim} gives {basis_size(dim, max_degree)} basis "
                             "functions; the Monte Carlo method allows at most 200000")
        out = _spectrum_montecarlo(h, dim, max_degree, n_samples, seed, reason)
    result = _assemble(out, dim, max_degree, seed)
    # with a budget the tensor rule is kept, flagged (its weights are positive: the identities
    # hold and its bars are finite); the sparse rule's are not, so it falls back with the budget
    if (method == "auto" and not _trusted(result) and basis_size(dim, max_degree) <= 200_000
            and (n_samples is None or (result.method == "sparse" and n_samples >= 4 * _MC_GROUPS))):
        # the rule's own checks do not vouch for it on this map (a kink or a jump): Monte
        # Carlo's standard errors do not depend on smoothness
        mc = _spectrum_montecarlo(h, dim, max_degree, n_samples, seed,
                                  f"{reason}; {out['method']} not trusted on this map "
                                  f"({_distrust(result)}): Monte Carlo projection instead")
        result = _assemble(mc, dim, max_degree, seed)
    return result


def _trusted(result: Spectrum) -> bool:
    """Whether ``auto`` may keep a deterministic result (module docstring, ``"auto"``)."""
    if result.stochastic:
        return True
    if result.method == "quadrature":
        return result.error_resolved is not False
    return result.error_resolved is True


def _distrust(result: Spectrum) -> str:
    if result.error_resolved is None:
        return "fewer than three levels to check convergence with"
    if _IDENTITY_NOTE in result.method_reason:
        return "it violates an identity of the spectrum"
    return "the three-rule check did not find fast convergence (a kink or a jump)"


def _identity_violations(second, energy, residual, residual_error, scale_factor, n_points) -> list[str]:
    """Which outputs break ``E h_i² >= 0`` or ``residual_i >= −residual_error_i`` beyond rounding."""
    scale = np.maximum(np.abs(second), energy.sum(axis=1))
    # rounding of a weighted sum of n_points terms, amplified by Σ |w| for a rule with negative weights
    floor = 64.0 * np.finfo(float).eps * scale_factor * math.sqrt(max(n_points, 1)) * np.maximum(scale, 1e-300)
    out = []
    for i in np.flatnonzero(second < -floor):
        out.append(f"E h_{i}² = {second[i]:.4g} < 0")
    allowed = floor + (0.0 if residual_error is None else np.where(np.isfinite(residual_error), residual_error, 0.0))
    for i in np.flatnonzero(residual < -allowed):
        out.append(f"output {i}: Σ_d E_d = {energy[i].sum():.4g} > E h² = {second[i]:.4g}, "
                   f"residual {residual[i]:.4g} < −{allowed[i]:.3g} (its error)")
    return out


def _cross_check(alt, degrees, max_degree, value, error, ok, residual: bool):
    """Error and resolution of ``value`` (energies, or residuals if ``residual``) after the cross-check rule ``alt``.

    Where the sequence converged but the cross-check rule differs by more than the error, the
    map only looked resolved: not resolved, and the error becomes twice the difference, as in
    :mod:`numerics.alignment` (the sparse rule then turns it into ``inf``: module docstring).
    """
    c4, s4 = alt
    e4 = _energies(c4, degrees, max_degree)
    other = s4 - e4.sum(axis=1) if residual else e4
    gap = np.abs(value - other)
    bad = np.isfinite(error) & (gap > error)
    error = np.where(bad, np.maximum(error, 2.0 * gap), error)
    return error, ok & ~bad


def _assemble(out: dict, dim: int, max_degree: int, seed) -> Spectrum:
    indices, coefficients = out["indices"], out["coefficients"]
    degrees = degree_of_indices(indices)
    energy = out.get("energy")
    if energy is None:
        energy = _energies(coefficients, degrees, max_degree)
    residual = out.get("residual")
    if residual is None:
        residual = out["second_moment"] - energy.sum(axis=1)
    energy_error = residual_error = None
    error_resolved = None
    sparse = out["method"] == "sparse"
    # Σ |w| scales the rounding of a rule with negative weights (1 for positive weights)
    amplification = out.get("abs_weight_sum", 1.0)
    npts = int(out["n_points"])
    if "coarse" in out:
        c2, s2 = out["coarse"]
        e2 = _energies(c2, degrees, max_degree)
        r2 = s2 - e2.sum(axis=1)
        energy_error = np.abs(energy - e2)
        residual_error = np.abs(residual - r2)
        if "coarser" in out:
            # three rules: an error valid for the observed convergence (numerics.convergence);
            # inf where the sequence does not converge
            c3, s3 = out["coarser"]
            e3 = _energies(c3, degrees, max_degree)
            floor_points = int(math.ceil(npts * amplification**2))
            energy_error, ok_e = sequence_error_array(e3, e2, energy, n_points=floor_points)
            residual_error, ok_r = sequence_error_array(s3 - e3.sum(axis=1), r2, residual, n_points=floor_points)
            if "alt" in out:
                energy_error, ok_e = _cross_check(out["alt"], degrees, max_degree, energy, energy_error, ok_e,
                                                  residual=False)
                residual_error, ok_r = _cross_check(out["alt"], degrees, max_degree, residual, residual_error, ok_r,
                                                    residual=True)
            error_resolved = bool(ok_e.all() and ok_r.all())
            if sparse:
                # negative weights: no steady algebraic rate to extrapolate (module docstring)
                energy_error = np.where(ok_e, energy_error, math.inf)
                residual_error = np.where(ok_r, residual_error, math.inf)
        elif sparse:
            energy_error = np.full(energy.shape, math.inf)
            residual_error = np.full(residual.shape, math.inf)
    method_reason = out["method_reason"]
    if "group_energy" not in out:
        broken = _identity_violations(np.asarray(out["second_moment"]), energy, residual, residual_error,
                                      amplification, npts)
        if broken:
            error_resolved = False
            energy_error = np.full(energy.shape, math.inf)
            residual_error = np.full(residual.shape, math.inf)
            method_reason += (f"; {_IDENTITY_NOTE} (" + "; ".join(broken[:3])
                              + (f"; {len(broken) - 3} more" if len(broken) > 3 else "")
                              + "): no error bar can be given")
    lin = _linear_columns(indices)
    linear_block = coefficients[:, lin]
    cse = out.get("coefficient_se")
    return Spectrum(
        dim=dim, max_degree=max_degree, method=out["method"], method_reason=method_reason,
        n_points=int(out["n_points"]), exact_degree=out["exact_degree"], energy=energy,
        mean=coefficients[:, 0].copy(), second_moment=np.asarray(out["second_moment"]), residual=residual,
        linear_block=linear_block, indices=indices, coefficients=coefficients,
        seed=seed if out["method"] == "montecarlo" else None,
        energy_se=out.get("energy_se"),
        mean_se=None if cse is None else cse[:, 0].copy(),
        second_moment_se=out.get("second_moment_se"), residual_se=out.get("residual_se"),
        linear_block_se=None if cse is None else cse[:, lin],
        coefficient_se=cse, group_energy=out.get("group_energy"), group_residual=out.get("group_residual"),
        energy_error=energy_error, residual_error=residual_error, error_resolved=error_resolved,
    )
