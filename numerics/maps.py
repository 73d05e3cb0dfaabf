"""Vectorised test maps ``R^n → R^n`` (numpy, (N, n) → (N, n)) for spectra (docs/theory.md §2, §7).

Two families:

* the authors' fixed 2D mixings (§7): ``spiral`` ``R(π ||z||) z``, ``banana`` ``(z0, z1 + z0²)``
  and ``sinusoid`` (shear) ``(z0 + sin(1.5 z1), z1)``; and ``affine_coupling``, a family of
  our own: RealNVP-style *affine* coupling layers (scale and shift from tanh networks with
  seeded random weights, any even ``n``). It is not the authors' additive tanh coupling, which
  is the trainer's ``coupling`` observation (``lejepa_verify.validation.observations.coupling``,
  torch, with a numpy twin for spectra);
* a library of **Gaussian-preserving** maps, ``h(z) ~ N(0, I_n)`` when ``z ~ N(0, I_n)``, for
  Theorem A: ``orthogonal`` ``Qz``; ``radial_rotation`` ``R_{01}(θ(||z||)) z`` (rotation in
  the plane of the first two coordinates by an angle depending on the radius only, so each
  sphere is mapped onto itself measure-preservingly; the spiral is ``θ = π r``);
  ``circle_shift`` ``Φ⁻¹(frac(Φ(z_i) + c_i))`` coordinatewise (a rotation of the circle
  ``[0, 1)`` preserves the uniform law); ``piecewise_reflection``: reflect across ``a·z = 0``
  only where ``b·z > 0`` with ``b ⟂ a`` (the reflection fixes ``b·z``, so it maps that
  half-space onto itself and is an isometry there); and compositions of these.

Every map is a :class:`Map` built by name through :func:`make_map`;
:func:`gaussian_preservation_test` gives the two-sample evidence that a map preserves N(0, I).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.special import ndtr, ndtri

from lejepa_verify.numerics.twosample import TwoSampleResult, gaussian_energy_test
from lejepa_verify.theory.validate import check_choice, check_int

__all__ = [
    "MAP_NAMES",
    "Map",
    "make_map",
    "gaussian_preserving_library",
    "mixing_library",
    "gaussian_preservation_test",
    "random_orthogonal",
]


@dataclass(frozen=True)
class Map:
    """A named vectorised map ``(N, dim) → (N, dim)``.

    ``gaussian_preserving``: ``h(z) ~ N(0, I)`` for ``z ~ N(0, I)`` by construction;
    ``orthogonal``: ``h(z) = Qz`` with ``Q ∈ O(n)`` (the equality case of Theorem A).
    """

    name: str
    dim: int
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    gaussian_preserving: bool
    orthogonal: bool
    params: dict = field(default_factory=dict, repr=False)

    def __call__(self, z) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        if z.ndim != 2 or z.shape[1] != self.dim:
            raise ValueError(f"map {self.name!r} takes an (N, {self.dim}) array, got shape {z.shape}")
        return self.fn(z)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"name": self.name, "dim": self.dim, "gaussian_preserving": self.gaussian_preserving,
                "orthogonal": self.orthogonal,
                "params": {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in self.params.items()}}


def random_orthogonal(dim: int, seed) -> np.ndarray:
    """A Haar-random ``Q ∈ O(dim)`` (QR of a Gaussian matrix with the sign of R's diagonal fixed)."""
    dim = check_int(dim, "dim", 1)
    g = np.random.default_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(g)
    return q * np.sign(np.diag(r))


def _rotate01(z: np.ndarray, theta: np.ndarray) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    out = z.copy()
    out[:, 0] = c * z[:, 0] - s * z[:, 1]
    out[:, 1] = s * z[:, 0] + c * z[:, 1]
    return out


def _radial_rotation(turns: float):
    def fn(z):
        return _rotate01(z, turns * math.pi * np.linalg.norm(z, axis=1))
    return fn


def _circle_shift(shift: np.ndarray):
    # u = frac(Φ(z) + c) and 1 − u are both formed from Φ(z) and Φ(−z) = 1 − Φ(z) so that
    # neither tail is rounded to 0 or 1; the output takes Φ⁻¹ of the smaller of the two
    tiny = np.finfo(float).tiny

    def fn(z):
        lo, hi = ndtr(z), ndtr(-z)
        wrap = hi <= shift  # Φ(z) + c >= 1
        u = np.where(wrap, shift - hi, lo + shift)
        v = np.where(wrap, (1.0 - shift) + hi, hi - shift)
        # u or v may be exactly 0 at the single wrap point (measure zero): keep it finite
        return np.where(u < 0.5, ndtri(np.maximum(u, tiny)), -ndtri(np.maximum(v, tiny)))
    return fn


def _piecewise_reflection(a: np.ndarray, b: np.ndarray):
    a = a / np.linalg.norm(a)

    def fn(z):
        side = (z @ b) > 0
        proj = z @ a
        return z - 2.0 * (side * proj)[:, None] * a[None, :]
    return fn


def _coupling(dim: int, layers: int, hidden: int, seed):
    rng = np.random.default_rng(seed)
    half = dim // 2
    params = []
    for _ in range(layers):
        params.append((
            rng.standard_normal((half, hidden)) / math.sqrt(half), rng.standard_normal(hidden) * 0.5,
            rng.standard_normal((hidden, half)) / math.sqrt(hidden),  # log-scale head
            rng.standard_normal((hidden, half)) / math.sqrt(hidden),  # shift head
        ))

    def fn(z):
        x = z.copy()
        for k, (w1, b1, ws, wt) in enumerate(params):
            # alternate which half conditions the other, as in RealNVP
            cond, move = (slice(0, half), slice(half, dim)) if k % 2 == 0 else (slice(half, dim), slice(0, half))
            hid = np.tanh(x[:, cond] @ w1 + b1)
            x[:, move] = x[:, move] * np.exp(0.5 * np.tanh(hid @ ws)) + hid @ wt
        return x
    return fn


def _compose(maps):
    def fn(z):
        for m in maps:
            z = m(z)
        return z
    return fn


MAP_NAMES = (
    "identity", "orthogonal", "spiral", "radial_rotation", "circle_shift", "piecewise_reflection",
    "reflection_rotation", "banana", "sinusoid", "affine_coupling",
)


def make_map(name: str, dim: int = 2, *, seed=0, **params) -> Map:
    """Build a map by name. Valid names: see ``MAP_NAMES``.

    Parameters by map: ``radial_rotation(turns=1.0)`` (``θ = turns · π · r``; ``spiral`` is
    ``turns = 1`` in 2D); ``circle_shift(shift=0.3)`` (scalar or per coordinate, in [0, 1));
    ``piecewise_reflection`` (``a``, ``b`` drawn from ``seed`` with ``b ⟂ a`` unless given);
    ``orthogonal`` (Haar ``Q`` from ``seed`` unless ``Q`` given); ``coupling(layers=4,
    hidden=16)`` (even ``dim``); ``reflection_rotation``: piecewise reflection ∘ radial rotation
    ∘ orthogonal. ``banana``, ``sinusoid`` and ``spiral`` need ``dim = 2``.
    """
    check_choice(name, "map name", MAP_NAMES)
    dim = check_int(dim, "dim", 1)
    if name in ("spiral", "banana", "sinusoid") and dim != 2:
        raise ValueError(f"map {name!r} is defined for dim = 2, got dim = {dim}")
    if name in ("radial_rotation", "piecewise_reflection", "reflection_rotation") and dim < 2:
        raise ValueError(f"map {name!r} needs dim >= 2, got dim = {dim}")
    if name == "affine_coupling" and dim % 2:
        raise ValueError(f"map 'affine_coupling' needs an even dim, got dim = {dim}")
    allowed = {
        "identity": set(), "orthogonal": {"Q"}, "spiral": set(), "radial_rotation": {"turns"},
        "circle_shift": {"shift"}, "piecewise_reflection": {"a", "b"}, "reflection_rotation": {"turns"},
        "banana": set(), "sinusoid": set(), "affine_coupling": {"layers", "hidden"},
    }[name]
    extra = set(params) - allowed
    if extra:
        raise ValueError(f"map {name!r} takes parameters {sorted(allowed) or 'none'}, got {sorted(extra)}")

    if name == "identity":
        return Map(name, dim, lambda z: z.copy(), True, True)
    if name == "orthogonal":
        q = np.asarray(params.get("Q", random_orthogonal(dim, seed)), dtype=float)
        if q.shape != (dim, dim) or not np.allclose(q.T @ q, np.eye(dim), atol=1e-10):
            raise ValueError(f"Q must be a ({dim}, {dim}) orthogonal matrix (QᵀQ = I to 1e-10)")
        return Map(name, dim, lambda z: z @ q.T, True, True, {"Q": q})
    if name in ("spiral", "radial_rotation"):
        turns = float(params.get("turns", 1.0))
        if not math.isfinite(turns) or turns == 0:
            raise ValueError(f"turns must be finite and nonzero, got {turns}")
        return Map(name, dim, _radial_rotation(turns), True, False, {"turns": turns})
    if name == "circle_shift":
        shift = np.broadcast_to(np.asarray(params.get("shift", 0.3), dtype=float), (dim,)).copy()
        if not np.all((shift > 0) & (shift < 1)):
            raise ValueError(f"shift must lie in (0, 1) in every coordinate, got {shift.tolist()}")
        return Map(name, dim, _circle_shift(shift), True, False, {"shift": shift})
    if name == "piecewise_reflection":
        rng = np.random.default_rng(seed)
        a = np.asarray(params.get("a", rng.standard_normal(dim)), dtype=float)
        b = np.asarray(params.get("b", rng.standard_normal(dim)), dtype=float)
        if "b" not in params:
            b = b - (b @ a) / (a @ a) * a  # Gram–Schmidt: make b ⟂ a
        if a.shape != (dim,) or b.shape != (dim,) or np.linalg.norm(a) == 0 or np.linalg.norm(b) == 0:
            raise ValueError(f"a and b must be nonzero vectors of length {dim}")
        if abs(a @ b) > 1e-10 * np.linalg.norm(a) * np.linalg.norm(b):
            raise ValueError(f"b must be orthogonal to a (so the half-space b·z > 0 maps onto itself), got a·b = {a @ b:.3g}")
        return Map(name, dim, _piecewise_reflection(a, b), True, False, {"a": a, "b": b})
    if name == "reflection_rotation":
        parts = [make_map("orthogonal", dim, seed=seed),
                 make_map("radial_rotation", dim, turns=float(params.get("turns", 0.5))),
                 make_map("piecewise_reflection", dim, seed=seed)]
        return Map(name, dim, _compose(parts), True, False, {"parts": [p.name for p in parts]})
    if name == "banana":
        return Map(name, dim, lambda z: np.stack([z[:, 0], z[:, 1] + z[:, 0] ** 2], axis=1), False, False)
    if name == "sinusoid":
        return Map(name, dim, lambda z: np.stack([z[:, 0] + np.sin(1.5 * z[:, 1]), z[:, 1]], axis=1), False, False)
    layers = check_int(params.get("layers", 4), "layers", 1, 64)
    hidden = check_int(params.get("hidden", 16), "hidden", 1, 4096)
    return Map(name, dim, _coupling(dim, layers, hidden, seed), False, False,
               {"layers": layers, "hidden": hidden, "seed": seed})


def gaussian_preserving_library(dim: int = 2, seed=0) -> list[Map]:
    """The Gaussian-preserving maps of Theorem A's numeric check, in ``dim >= 2``.

    identity, a Haar orthogonal map, the radial rotation (spiral speed ``θ = π r``), a circle
    shift, a piecewise reflection and their composition.
    """
    dim = check_int(dim, "dim", 2)
    return [
        make_map("identity", dim),
        make_map("orthogonal", dim, seed=seed),
        make_map("radial_rotation", dim, turns=1.0),
        make_map("circle_shift", dim, shift=0.3),
        make_map("piecewise_reflection", dim, seed=seed),
        make_map("reflection_rotation", dim, seed=seed),
    ]


def mixing_library(seed=0) -> list[Map]:
    """The authors' fixed 2D mixings (docs/theory.md §7): spiral, banana, sinusoid.

    ``seed`` is unused (none of them has random parts); it is kept so that existing calls work.
    Their seeded coupling mixing is the trainer's ``coupling`` observation (torch); its numpy
    twin is ``make_observation("coupling", n).numpy_map()`` in the validation layer.
    """
    return [make_map("spiral"), make_map("banana"), make_map("sinusoid")]


def gaussian_preservation_test(h: Callable, dim: int, *, n_samples: int = 1000, permutations: int = 200,
                               seed=0) -> TwoSampleResult:
    """Energy two-sample test of ``h(z)``, ``z ~ N(0, I_dim)``, against a fresh N(0, I) sample.

    A large p-value is consistent with ``h`` preserving N(0, I); a small one rejects it.
    """
    dim = check_int(dim, "dim", 1)
    n_samples = check_int(n_samples, "n_samples", 10, 6000)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, dim))
    from lejepa_verify.numerics.spectrum import evaluate_map

    return gaussian_energy_test(evaluate_map(h, z), permutations=permutations, seed=rng)
