"""The first non-constant eigenpair of the Langevin generator of a 1-D law (docs/theory.md §3).

The Langevin diffusion with stationary density ``p`` and diffusion ``K > 0`` has generator
``L f = K (f'' + s f')``, ``s = (log p)'``. In ``L²(p)`` it is self-adjoint and, in weighted
(Sturm–Liouville) form, ``−L f = −K (p f')' / p``: its Dirichlet form is ``K E[f'(z)²]``.
Its eigenvalues are ``0 = λ₀ ≤ λ₁ ≤ …`` with constant ``f₀``; the first non-constant
eigenfunction ``f₁`` is the slowest mode of the diffusion, the continuous-time LeJEPA optimum.
Affine ``f₁`` forces an affine score, so ``p`` Gaussian; for ``N(0, 1)`` the eigenfunctions
are Hermite polynomials with ``λ_k = K k`` (``K/σ²`` for the first one).

**Does a first eigenfunction exist?** Under ``g = sqrt(p) f`` the operator becomes the
Schrödinger operator ``−K g'' + K V g`` with ``V = s²/4 + s'/2``; its essential spectrum
starts at ``K lim inf_{|z|→∞} V``. Hence, per family:

* Gaussian, generalised normal with α > 1, Gaussian mixtures: ``V → ∞``, purely discrete
  spectrum, ``f₁`` exists.
* uniform (reflecting ends, a compact interval): discrete spectrum, ``f₁ = sin(πz/(2√3))``
  on ``[−√3, √3]``, ``λ₁ = Kπ²/12``, ``R² = 96/π⁴``.
* Laplace (α = 1): ``V = 1/(4b²) − δ(z)/b``; the delta well binds only the constant
  (even) state, so odd functions see the constant ``1/(4b²)``: a Poincaré gap exists, but the
  bottom of the non-constant spectrum ``K/(4b²) = K/2`` is the edge of the continuous spectrum,
  not an eigenvalue.
* logistic (scale c): ``V = (1 − 2 sech²(z/2c)) / (4c²)``, a Pöschl–Teller well with exactly one
  bound state (the constant): again a gap but no first non-constant eigenfunction; the bottom
  is ``K/(4c²) = Kπ²/12``.
* generalised normal with α < 1, Student-t: ``V → 0``; no gap at all (no Poincaré inequality).

``has_gap`` means "the bottom of the non-constant spectrum is an isolated eigenvalue with an
eigenfunction in L²(p)". It is **decided by this classification** (exact for these families);
the **numerical diagnostic** ``drift`` (the finite-volume ``λ₁`` on domains holding all but
``10⁻⁴ … 10⁻¹²`` of the mass, reflecting ends) is reported beside it: it settles when ``f₁``
exists and keeps falling towards the edge of the continuous spectrum when it does not. The
tests check that the two agree for Student-t with ν = 5, α ∈ {0.5, 1, 1.5, 4}, the logistic and
the mixture. The diagnostic alone would mislead near the boundary of the classes: for Student-t
with ν = 50 the continuous spectrum is reached only far beyond the domain holding all but 1e-12
of the mass, so ``drift`` settles near 0.9986; for α = 1.02 ``λ₁`` exists but ``drift`` is still
falling at 1e-14. That is why theory, not the diagnostic, decides. Without a gap, ``eigenvalue``, ``eigenfunction`` and
``nonlinearity`` are ``None``, never a number.

**Custom laws** (``latent_law("custom", logpdf=...)``) belong to no family, so ``has_gap`` is a
*numerical diagnosis*, said so in ``reason``: on a compact support, a discrete spectrum
(reflecting ends; it holds when ``p`` is bounded above and below there); otherwise ``has_gap``
is True only when the drift has settled (< 0.1 % over the last domain step), the tail potential
``V`` (numerical score) is non-decreasing outwards over the drift's tail points, and the settled
``λ₁`` lies below ``0.95 K V`` at the last of them. It inherits the diagnostic's blind spots
(a gap existing but not yet visible at 1e-12 of the mass, as for α = 1.02, reads as no gap);
``essential_bottom`` is ``inf`` when ``V`` still grows by 20 % between tail masses 1e-8 and
1e-12, else ``K V`` there (an estimate).

Two independent discretisations: a finite-volume scheme on the weighted form (method
``"finite_volume"``: cell masses from the CDF, fluxes ``p(edge)(f_{i+1} − f_i)/Δ``, a
symmetric tridiagonal eigenproblem) and a Rayleigh–Ritz/Galerkin method in the orthonormal
polynomials of ``p`` (method ``"galerkin"``: discretised Stieltjes procedure, stiffness
``E[φ_j' φ_k']``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import eigh, eigh_tridiagonal

from lejepa_verify.numerics.latents import LatentLaw, as_law
from lejepa_verify.theory.validate import check_choice, check_int, check_positive

__all__ = ["FirstEigenpair", "SpectralClass", "first_eigenpair", "spectral_class", "eigenvalue_drift"]

METHODS = ("finite_volume", "galerkin")
DRIFT_TAIL_MASSES = (1e-4, 1e-6, 1e-8, 1e-10, 1e-12)


@dataclass(frozen=True)
class SpectralClass:
    """What theory says about the bottom of the generator's spectrum for a law family.

    ``poincare``: 0 is isolated (a Poincaré inequality holds). ``has_gap``: the bottom of the
    non-constant spectrum is an eigenvalue. ``essential_bottom``: where the continuous
    spectrum starts (``inf`` when there is none), in units of ``K``.
    """

    law: str
    poincare: bool
    has_gap: bool
    essential_bottom: float
    reason: str

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"law": self.law, "poincare": self.poincare, "has_gap": self.has_gap,
                "essential_bottom": self.essential_bottom, "reason": self.reason}


def spectral_class(law, K: float = 1.0) -> SpectralClass:
    """Classify the spectrum of ``K(f'' + s f')`` for ``law`` (see the module docstring).

    The law's family declares its class (``law.spectral_theory``, bottom in units of K); a law
    without family theory (a custom law) gets the numerical diagnosis.
    """
    law = as_law(law)
    K = check_positive(K, "K")
    theory = law.spectral_theory
    if theory is None:
        return _custom_class(law, K, eigenvalue_drift(law, K))
    bottom = theory.essential_bottom
    # the bottom is declared in units of K; inf and 0 stay what they are
    return SpectralClass(law.label, theory.poincare, theory.has_gap, bottom if bottom in (0.0, math.inf) else K * bottom,
                         theory.reason)


def _tail_potential(law: LatentLaw, side: int) -> np.ndarray:
    """``V = s²/4 + s'/2`` at the points leaving ``DRIFT_TAIL_MASSES`` of the mass beyond them."""
    t = np.array(DRIFT_TAIL_MASSES)
    z = law.isf(t) if side > 0 else law.ppf(t)
    h = 1e-4 * (1.0 + np.abs(z))
    s = law.score(z)
    ds = (law.score(z + h) - law.score(z - h)) / (2 * h)
    return s * s / 4 + ds / 2


def _custom_class(law: LatentLaw, K: float, drift: tuple[float, ...]) -> SpectralClass:
    """A numerical diagnosis for a custom law (no family theory applies): see the module docstring."""
    lo, hi = law.support
    if math.isfinite(lo) and math.isfinite(hi):
        return SpectralClass(law.label, True, True, math.inf,
                             "custom law on a compact interval with reflecting ends: discrete spectrum "
                             "(assumed: holds when p is bounded above and below on the interval)")
    sides = [sd for sd, end in ((-1, lo), (1, hi)) if not math.isfinite(end)]
    pots = [_tail_potential(law, sd) for sd in sides]
    v_end = min(float(v[-1]) for v in pots)
    growing = all(bool(np.all(np.diff(v) >= 0)) for v in pots)
    settled = abs(drift[-1] - drift[-2]) <= 1e-3 * abs(drift[-1])
    has_gap = bool(settled and growing and math.isfinite(v_end) and drift[-1] < 0.95 * K * v_end)
    bottom = math.inf if has_gap and all(float(v[-1]) > 1.2 * float(v[-3]) for v in pots) else K * v_end
    verdict = "an isolated first eigenvalue" if has_gap else "no isolated first eigenvalue established"
    reason = (f"numerical diagnosis for a custom law: {verdict} (finite-volume λ₁ {'settled' if settled else 'still moving'} "
              f"at {drift[-1]:.6g} as the domain grows; tail potential K·V = {K * v_end:.6g} at tail mass "
              f"{DRIFT_TAIL_MASSES[-1]:g}, {'non-decreasing' if growing else 'decreasing'} outwards)")
    return SpectralClass(law.label, bool(has_gap or v_end > 1e-2), has_gap, bottom, reason)


def _domain(law: LatentLaw, tail_mass: float) -> tuple[float, float]:
    lo, hi = law.support
    # each end separately: a custom law may have one finite end
    lo = lo if math.isfinite(lo) else float(law.ppf(tail_mass))
    hi = hi if math.isfinite(hi) else float(law.isf(tail_mass))
    return lo, hi


def _edges(law: LatentLaw, lo: float, hi: float, n: int) -> np.ndarray:
    if law.family.equispaced_cells:
        return np.linspace(lo, hi, n + 1)
    # asinh-spaced cells: resolution A in the bulk (A from the quartiles, so very peaked laws such
    # as gennorm with small α are resolved) and wide cells far out in heavy tails
    a = float(law.isf(0.25) - law.ppf(0.25)) / 4.0
    v = np.linspace(math.asinh(lo / a), math.asinh(hi / a), n + 1)
    e = a * np.sinh(v)
    e[0], e[-1] = lo, hi
    return e


def _cell_masses(law: LatentLaw, edges: np.ndarray) -> np.ndarray:
    # lower-tail CDF differences left of 0 and upper-tail survival differences right of it,
    # so that far-tail cells keep their relative accuracy
    cdf, sf = law.cdf(edges), law.sf(edges)
    left = np.diff(cdf)
    right = -np.diff(sf)
    return np.where(edges[:-1] >= 0, right, left)


def _finite_volume(law: LatentLaw, tail_mass: float, n_cells: int):
    lo, hi = _domain(law, tail_mass)
    e = _edges(law, lo, hi, n_cells)
    c = 0.5 * (e[1:] + e[:-1])
    w = _cell_masses(law, e)
    if np.any(w <= 0):
        # Zero mass in a whole cell means p vanishes (or underflows) on an interval inside the
        # domain: the generator splits into pieces there and λ₁ = 0, whatever the number of cells.
        empty = np.nonzero(w <= 0)[0]
        raise ValueError(
            f"the density of {law.label} vanishes (or is below double precision) on part of its domain: "
            f"{empty.size} of {n_cells} cells hold no mass, the first on [{e[empty[0]]:.6g}, {e[empty[0] + 1]:.6g}]; "
            f"a law whose density is zero inside its support has no spectral gap (λ₁ = 0) and no first "
            f"eigenfunction, so the finite-volume scheme does not apply at any n_cells"
        )
    flux = law.pdf(e[1:-1]) / np.diff(c)  # p at interior edges over the centre spacing
    diag = np.zeros(n_cells)
    diag[:-1] += flux
    diag[1:] += flux
    sw = np.sqrt(w)
    off = -flux / (sw[:-1] * sw[1:])
    vals, vecs = eigh_tridiagonal(diag / w, off, select="i", select_range=(0, 1))
    f = vecs[:, 1] / sw
    return float(vals[1]), float(vals[0]), c, f, w


def _stieltjes(x: np.ndarray, w: np.ndarray, degree: int):
    """Orthonormal polynomials of the discrete measure (x, w) and their derivatives at x."""
    phi = np.zeros((degree + 1, x.size))
    dphi = np.zeros_like(phi)
    phi[0] = 1.0 / math.sqrt(w.sum())
    prev, dprev, beta = np.zeros_like(x), np.zeros_like(x), 0.0
    for k in range(degree):
        a = float(np.sum(w * x * phi[k] ** 2))
        r = (x - a) * phi[k] - beta * prev
        dr = phi[k] + (x - a) * dphi[k] - beta * dprev
        beta_next = math.sqrt(float(np.sum(w * r * r)))
        prev, dprev = phi[k], dphi[k]
        phi[k + 1], dphi[k + 1] = r / beta_next, dr / beta_next
        beta = beta_next
    return phi, dphi


def _quadrature(law: LatentLaw, tail_mass: float, panels: int = 240, order: int = 8):
    lo, hi = _domain(law, tail_mass)
    e = _edges(law, lo, hi, panels)
    gx, gw = np.polynomial.legendre.leggauss(order)
    half, mid = 0.5 * np.diff(e), 0.5 * (e[1:] + e[:-1])
    x = (mid[:, None] + half[:, None] * gx).ravel()
    w = (half[:, None] * gw).ravel() * law.pdf(x)
    return x, w / w.sum()


def _galerkin(law: LatentLaw, degree: int):
    x, w = _quadrature(law, 1e-14)
    phi, dphi = _stieltjes(x, w, degree)
    stiff = (dphi[1:] * w) @ dphi[1:].T
    mass = (phi[1:] * w) @ phi[1:].T
    vals, vecs = eigh(stiff, mass, subset_by_index=(0, 0))
    f = vecs[:, 0] @ phi[1:]
    return float(vals[0]), x, f, w


@dataclass(frozen=True)
class FirstEigenpair:
    """The first non-constant eigenpair of ``K(f'' + s f')`` in ``L²(p)``.

    ``eigenvalue`` is ``λ₁ > 0`` (``−L f₁ = λ₁ f₁``); ``eigenfunction`` holds ``f₁`` on
    ``grid``, normalised to ``E f₁² = 1`` with ``E[f₁ z] ≥ 0``; ``nonlinearity`` is
    ``1 − R²``, ``R² = corr(f₁(z), z)²`` (the best affine fit in L²(p)). All three are ``None``
    when ``has_gap`` is False. ``drift`` lists the finite-volume ``λ₁`` (units of K) on
    domains leaving out ``DRIFT_TAIL_MASSES`` of the mass.
    """

    law: str
    K: float
    method: str
    has_gap: bool
    poincare: bool
    essential_bottom: float
    eigenvalue: float | None
    nonlinearity: float | None
    grid: np.ndarray | None
    eigenfunction: np.ndarray | None
    drift: tuple[float, ...]
    reason: str

    @property
    def drift_settled(self) -> bool:
        """The numerical diagnostic: did ``λ₁`` change by less than 0.1 % over the last domain step?"""
        return abs(self.drift[-1] - self.drift[-2]) <= 1e-3 * abs(self.drift[-1])

    @property
    def r2(self) -> float | None:
        """``R²`` of the first eigenfunction against ``z`` (``1 − nonlinearity``); ``None`` without a gap."""
        return None if self.nonlinearity is None else 1.0 - self.nonlinearity

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "law": self.law, "K": self.K, "method": self.method, "has_gap": self.has_gap,
            "poincare": self.poincare, "essential_bottom": self.essential_bottom,
            "eigenvalue": self.eigenvalue, "nonlinearity": self.nonlinearity,
            "drift": list(self.drift), "drift_settled": self.drift_settled, "reason": self.reason,
        }


def eigenvalue_drift(law, K: float = 1.0, *, n_cells: int = 2000,
                     tail_masses=DRIFT_TAIL_MASSES) -> tuple[float, ...]:
    """Finite-volume ``λ₁`` on domains leaving out ``tail_masses`` of the mass (reflecting ends).

    It settles as the domain grows when ``λ₁`` is an isolated eigenvalue, and keeps falling
    (towards the edge of the continuous spectrum) when it is not. A compactly supported law
    has one domain, so its entries repeat.
    """
    law = as_law(law)
    K = check_positive(K, "K")
    n_cells = check_int(n_cells, "n_cells", 50, 10**6)
    return tuple(K * _finite_volume(law, float(t), n_cells)[0] for t in tail_masses)


def _nonlinearity(x: np.ndarray, f: np.ndarray, w: np.ndarray) -> float:
    w = w / w.sum()
    xc = x - np.sum(w * x)
    fc = f - np.sum(w * f)
    r2 = np.sum(w * fc * xc) ** 2 / (np.sum(w * fc * fc) * np.sum(w * xc * xc))
    return float(max(0.0, 1.0 - r2))


def first_eigenpair(law, K: float = 1.0, *, method: str = "finite_volume", n_cells: int = 4000,
                    degree: int = 30) -> FirstEigenpair:
    """The first non-constant eigenpair of the Langevin generator of ``law`` (docs/theory.md §3).

    ``method``: ``"finite_volume"`` (``n_cells`` cells on the domain holding all but 1e-12 of
    the mass, reflecting ends) or ``"galerkin"`` (orthonormal polynomials of ``p`` up to
    ``degree``). See the module docstring for how ``has_gap`` is decided.
    """
    law = as_law(law)
    K = check_positive(K, "K")
    check_choice(method, "method", METHODS)
    n_cells = check_int(n_cells, "n_cells", 50, 10**6)
    degree = check_int(degree, "degree", 1, 80)
    drift = eigenvalue_drift(law, K, n_cells=min(n_cells, 2000))
    cls = _custom_class(law, K, drift) if law.spectral_theory is None else spectral_class(law, K)
    common = dict(law=law.label, K=K, method=method, has_gap=cls.has_gap, poincare=cls.poincare,
                  essential_bottom=cls.essential_bottom, drift=drift, reason=cls.reason)
    if not cls.has_gap:
        return FirstEigenpair(eigenvalue=None, nonlinearity=None, grid=None, eigenfunction=None, **common)
    if method == "finite_volume":
        lam, _, x, f, w = _finite_volume(law, 1e-12, n_cells)
    else:
        lam, x, f, w = _galerkin(law, degree)
    f = f / math.sqrt(np.sum(w * f * f) / w.sum())
    if np.sum(w * f * x) < 0:
        f = -f
    return FirstEigenpair(eigenvalue=K * lam, nonlinearity=_nonlinearity(x, f, w), grid=x, eigenfunction=f,
                          **common)
