"""The terms the objectives are made of: SIGReg, alignment, whitening, InfoNCE (docs/theory.md §1, §7).

SIGReg is the sliced Epps–Pulley statistic. For a direction ``a`` (unit vector) and the B
projections ``u_j = a·h_j``, with ``φ̂(t) = (1/B) Σ_j exp(i t u_j)`` and ``φ(t) = exp(−t²/2)``::

    T_a = B ∫_{−t_max}^{t_max} |φ̂(t) − φ(t)|² exp(−t²/2) dt,

integrated by the trapezoid rule on ``n_knots`` knots of ``[0, t_max]`` (the integrand is
even). SIGReg is the mean of ``T_a`` over ``n_slices`` directions drawn afresh each step
(evenly spaced angles with a random offset when ``m = 2``: less variance than random
directions). The factor B makes it the Epps–Pulley *test statistic*: under the Gaussian null
its expectation is ``∫ (1 − e^{−t²}) e^{−t²/2} dt`` whatever B (``sigreg_null_mean``), while
for a non-Gaussian law it grows like B.

The alignment term is the population alignment loss itself, ``L = E||h(z) − h(z')||²``
(summed over the m coordinates). With ``h = cQz`` the population part of the LeJEPA objective
``λ·SIGReg + (1 − λ)·L`` is minimised at ``c = λBS'' / (λBS'' + (1 − λ) 4m(1 − ρ))``, where
``S(c) ≈ S''(c − 1)²/2`` is the population statistic per sample,
``S'' = 2 Σ_k w_k t_k⁴ e^{−t_k²} ≈ 0.965`` for the default quadrature and B counts both views:
λ = 0.08, B = 512, ρ = 0.95, m = 2 give ``c ≈ 0.991``; λ = 0.01 gives ``c ≈ 0.926``; the authors'
λ = 1e−3 with their normalisation (alignment divided by 4m), λ ≈ 0.008 here, gives ``c ≈ 0.91``.
The scales measured are lower: 0.97 after the ramp, 0.89 at λ = 0.01 and near 0.8 for the
authors' λ. The statistic's finite-sample part, ``(1 − e^{−c²t²})`` per knot in expectation
(larger for the two correlated views pooled), also grows with c and pulls the optimum below
the population value. (An earlier version of this note gave ``S'' ≈ 0.48``, half the value its
own convention defines, and with it predicted 0.98, 0.86 and 0.8.)
"""

from __future__ import annotations

import math

import torch
from torch._C._functorch import is_functorch_wrapped_tensor

from lejepa_verify.theory.validate import check_int, check_positive
from lejepa_verify.validation.objectives._sigreg_kernel import arithmetic_knots, fused_sigreg



def quadrature(n_knots: int = 17, t_max: float = 3.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Knots ``t_k`` on ``[0, t_max]`` and weights ``w_k`` with
    ``Σ_k w_k f(t_k) ≈ ∫_{−t_max}^{t_max} f(t) e^{−t²/2} dt`` for even ``f`` (trapezoid rule)."""
    check_int(n_knots, "n_knots", 2)
    check_positive(t_max, "t_max")
    t = torch.linspace(0.0, float(t_max), n_knots, dtype=torch.float64)
    dt = float(t_max) / (n_knots - 1)
    w = torch.full((n_knots,), 2.0 * dt, dtype=torch.float64)
    w[0] = w[-1] = dt
    return t.float(), (w * torch.exp(-t ** 2 / 2)).float()


def sigreg_null_mean(n_knots: int = 17, t_max: float = 3.0) -> float:
    """``E[T_a]`` for Gaussian samples under the quadrature: ``Σ_k w_k (1 − e^{−t_k²})``.

    Exact for any B: ``B E|φ̂(t) − φ(t)|² = 1 − |φ(t)|²`` for i.i.d. N(0, 1) samples.
    """
    t, w = quadrature(n_knots, t_max)
    return float((w.double() * (1 - torch.exp(-t.double() ** 2))).sum())


def directions(m: int, n_slices: int, gen: torch.Generator | None = None, device=None) -> torch.Tensor:
    """``(m, n_slices)`` unit directions; evenly spaced half-circle angles with a random offset in 2D."""
    if m == 2:
        offset = torch.rand((), generator=gen)
        angles = (torch.arange(n_slices, dtype=torch.float32) + offset) * (math.pi / n_slices)
        A = torch.stack((torch.cos(angles), torch.sin(angles)))
    else:
        A = torch.randn(m, n_slices, generator=gen)
        A = A / A.norm(dim=0, keepdim=True)
    return A.to(device) if device is not None else A


def sigreg_reference(h: torch.Tensor, A: torch.Tensor, t: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """The plain formula of :func:`sigreg`: every ``cos(t_k u)``, ``sin(t_k u)`` as a
    ``(…, B, slices, knots)`` tensor, differentiated by autograd. The reference that tests and
    ``benchmarks/bench_engine.py`` compare the fused kernel with; any device, dtype and knots.
    The result has the dtype of ``h`` and ``t`` promoted together, as in the fused kernel."""
    B = h.shape[-2]
    xt = (h @ A).unsqueeze(-1) * t                       # (…, B, slices, knots)
    err = (torch.cos(xt).mean(-3) - torch.exp(-t ** 2 / 2)) ** 2 + torch.sin(xt).mean(-3) ** 2
    return B * (err @ w.to(err.dtype)).mean(-1)


def _check_sigreg_args(h, A, t, w) -> None:
    for name, x, ndim in (("h", h, 2), ("A", A, 2), ("t", t, 1), ("w", w, 1)):
        if not isinstance(x, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
        if (x.dim() < ndim) if ndim == 2 else (x.dim() != 1):
            want = "at least 2 dimensions (…, rows, columns)" if ndim == 2 else "1 dimension"
            raise ValueError(f"{name} must have {want}, got shape {tuple(x.shape)}")
    if h.shape[-2] < 1 or h.shape[-1] < 1 or A.shape[-1] < 1 or t.shape[0] < 1:
        raise ValueError(f"h (B, m), A (m, slices) and t (knots) must be non-empty, got shapes "
                         f"{tuple(h.shape)}, {tuple(A.shape)}, {tuple(t.shape)}")
    if A.shape[-2] != h.shape[-1]:
        raise ValueError(f"A must have m = h.shape[-1] = {h.shape[-1]} rows, got shape {tuple(A.shape)}")
    if w.shape != t.shape:
        raise ValueError(f"w must have the shape of t {tuple(t.shape)}, got {tuple(w.shape)}")
    if A.dtype != h.dtype:
        raise ValueError(f"A must have h's dtype {h.dtype}, got {A.dtype}")


def _fused_knots(h, A, t, w) -> tuple[float, float] | None:
    """``(t_0, dt)`` where the fused CPU kernel applies (see :func:`sigreg`), else ``None``."""
    if torch.compiler.is_compiling():          # torch.compile traces (and fuses) the plain formula
        return None
    if h.dtype not in (torch.float32, torch.float64):
        return None
    if any(x.device.type != "cpu" for x in (h, A, t, w)):
        return None
    if torch.is_grad_enabled() and (t.requires_grad or w.requires_grad):
        return None
    if is_functorch_wrapped_tensor(h) or is_functorch_wrapped_tensor(A):
        return None
    return arithmetic_knots(t)


def sigreg(h: torch.Tensor, A: torch.Tensor, t: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """Sliced Epps–Pulley statistic of the rows of ``h`` (B, m) along the columns of ``A`` (m, S)::

        B · mean_s Σ_k w_k [ (mean_j cos(t_k u_js) − e^{−t_k²/2})² + (mean_j sin(t_k u_js))² ],
        u = h A,

    with the knots ``t`` and weights ``w`` of :func:`quadrature` (module docstring). Leading
    batch dimensions of ``h`` (…, B, m) and ``A`` (…, m, S) broadcast and give one value each.

    On the CPU, for float32/float64 and equally spaced knots, a fused kernel computes it
    (``_sigreg_kernel``): one ``cos``/``sin`` pair per (sample, slice), the other knots by the
    angle-addition recurrence (restarted every 64 steps), and an analytic gradient with respect
    to ``h`` and ``A`` (Horner's rule over the knots, then two GEMMs); it is compiled by numba
    on first use and cached on disk. Against the plain formula computed in float64, measured
    at B = 512, 256 slices, 17 and 65 knots, m = 2 … 1024: value within 5e−7 relative in
    float32 (the plain float32 formula: 1.4e−7) and 5e−16 in float64, gradient within 2e−6 of
    the gradient's norm in float32 (plain: 8e−7) and 3e−15 in float64; the tests hold it to
    1e−5 and 1e−4 (tests/validation/test_sigreg.py). Per element the recurrence's error is at
    most about 3k·eps after k steps. Knots are taken as exactly ``t_0 + k·dt``: float32 knots
    with a spacing that is not a binary fraction are equally spaced only to 1e−7, which moves
    a float64 value by about that much. It is differentiable once: a second derivative raises.

    Everywhere else the plain formula (:func:`sigreg_reference`, autograd) computes it: CUDA
    and other devices (no fused GPU kernel; a GPU is never required), other dtypes, knots that
    are not equally spaced, ``t`` or ``w`` that require a gradient (the plain formula
    differentiates them correctly), tensors inside ``torch.func`` transforms (``vmap``,
    ``grad``), and code traced by ``torch.compile`` (which compiles the plain formula). Non-finite values propagate to the result (NaN in, NaN out), as they always did.
    """
    _check_sigreg_args(h, A, t, w)
    knots = _fused_knots(h, A, t, w)
    if knots is None:
        return sigreg_reference(h, A, t, w)
    return fused_sigreg(h, A, t, w, *knots)


def alignment(h1: torch.Tensor, h2: torch.Tensor) -> torch.Tensor:
    """``mean_j ||h1_j − h2_j||²``, the sample alignment loss ``L(h)``."""
    return (h1 - h2).square().sum(-1).mean()


def whitening_penalty(h: torch.Tensor) -> torch.Tensor:
    """``||Cov h − I||_F²`` with the sample covariance of the rows of ``h`` (…, N, m): one value per
    leading index (several runs' embeddings at once)."""
    c = h - h.mean(-2, keepdim=True)
    cov = c.mT @ c / (h.shape[-2] - 1)
    return (cov - torch.eye(h.shape[-1], device=h.device, dtype=h.dtype)).square().sum((-2, -1))


def infonce(h1: torch.Tensor, h2: torch.Tensor, sigma: float = 1.0) -> torch.Tensor:
    """Symmetric InfoNCE with the Gaussian kernel ``sim(u, v) = −||u − v||² / (2σ²)``;
    the other pairs of the batch are the negatives."""
    sim = -torch.cdist(h1, h2).square() / (2.0 * sigma ** 2)
    idx = torch.arange(h1.shape[0], device=h1.device)
    return 0.5 * (torch.nn.functional.cross_entropy(sim, idx) + torch.nn.functional.cross_entropy(sim.T, idx))
