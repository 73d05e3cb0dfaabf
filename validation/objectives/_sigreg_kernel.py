"""Fused SIGReg on the CPU: one (cos, sin) pair per (slice, sample) and a recurrence over the knots.

The sliced Epps–Pulley statistic (:func:`~lejepa_verify.validation.objectives.terms.sigreg`)
needs ``cos(t_k u)`` and ``sin(t_k u)`` at every knot ``t_k`` for every projection ``u`` of a
sample on a slice. The knots are equally spaced, ``t_k = t_0 + k·dt``, so with
``z = exp(i·dt·u)`` and ``z_0 = exp(i·t_0·u)`` the values at the knots are the powers
``z_0 z^k``: one ``cos``/``sin`` pair per (slice, sample) and a complex multiplication per knot,
instead of one ``cos``/``sin`` pair per knot.

Forward: the per-knot sums ``Σ_j z_0 z_j^k`` (``_power_sums``). Backward: with
``c̄_k, s̄_k`` the sample means of ``cos``/``sin`` at knot k, ``φ_k = exp(−t_k²/2)`` and ``S``
slices, the derivative of the statistic along one slice is::

    ∂T/∂u_j = (2/S) Σ_k w_k t_k [ s̄_k cos(t_k u_j) − (c̄_k − φ_k) sin(t_k u_j) ]
            = Re( z_0 Σ_k γ_k z_j^k ),   γ_k = (2/S) w_k t_k (s̄_k + i (c̄_k − φ_k)),

a polynomial in ``z_j`` evaluated by Horner's rule (``_horner``). Then ``∂/∂h = G Aᵀ`` and
``∂/∂A = hᵀ G`` are two GEMMs.

Error: a rotation by a unit complex number is neutrally stable; each step adds at most a few
rounding errors, so after ``k`` steps the value at one sample is within about ``3k·eps`` of
``cos(t_k u)`` (plus the ``|t_k u|·eps/2`` that rounding the argument costs the plain formula
too). A run of the recurrence is restarted from a direct ``cos``/``sin`` every
``MAX_STEPS = 64`` steps, so that bound is at most ``192·eps`` (1.1e−5 in float32) at one
sample; the errors of different samples are independent and the sample means are measured
within 3e−7 of their float64 values in float32 for 17 to 65 knots on [0, 3] (2e−15 in
float64), the size of the plain float32 formula's own error (1.5e−7). The sums over samples
are vectorised partial sums in the input's precision, collected in float64.

The loops are compiled by numba on first use and cached on disk (``cache=True``): the first
call on a machine compiles for about a second per dtype, later processes load the cache.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np
import torch

MAX_STEPS = 64          # recurrence steps before a restart from a direct cos/sin (error ~3k·eps)
_FASTMATH = {"reassoc", "contract"}   # vectorised sums and FMAs; NaN and inf keep their meaning


def _power_sums(C, Sn, c0, s0, unit_start, n_knots, out_c, out_s, cc, ss, zero):
    """``out_c[r, k] += Σ_j Re(z0 z^k)``, ``out_s[r, k] += Σ_j Im(z0 z^k)`` with
    ``z = C + i Sn`` and ``z0 = c0 + i s0`` (``1`` when ``unit_start``), rows ``r`` = slices,
    columns ``j`` = samples. Four knots per pass over the samples: a quarter of the loads."""
    R, B = C.shape
    for r in range(R):
        if unit_start:
            for j in range(B):
                cc[j] = 1.0
                ss[j] = 0.0
        else:
            for j in range(B):
                cc[j] = c0[r, j]
                ss[j] = s0[r, j]
        k = 0
        while k + 4 <= n_knots:
            a0 = zero
            a1 = zero
            a2 = zero
            a3 = zero
            b0 = zero
            b1 = zero
            b2 = zero
            b3 = zero
            for j in range(B):
                x = C[r, j]
                y = Sn[r, j]
                c = cc[j]
                s = ss[j]
                a0 += c
                b0 += s
                c, s = c * x - s * y, s * x + c * y
                a1 += c
                b1 += s
                c, s = c * x - s * y, s * x + c * y
                a2 += c
                b2 += s
                c, s = c * x - s * y, s * x + c * y
                a3 += c
                b3 += s
                cc[j] = c * x - s * y
                ss[j] = s * x + c * y
            out_c[r, k] += a0
            out_c[r, k + 1] += a1
            out_c[r, k + 2] += a2
            out_c[r, k + 3] += a3
            out_s[r, k] += b0
            out_s[r, k + 1] += b1
            out_s[r, k + 2] += b2
            out_s[r, k + 3] += b3
            k += 4
        while k < n_knots:
            a0 = zero
            b0 = zero
            for j in range(B):
                x = C[r, j]
                y = Sn[r, j]
                c = cc[j]
                s = ss[j]
                a0 += c
                b0 += s
                cc[j] = c * x - s * y
                ss[j] = s * x + c * y
            out_c[r, k] += a0
            out_s[r, k] += b0
            k += 1


def _horner(C, Sn, c0, s0, unit_start, gre, gim, G, pr, pi, add):
    """``G[r, j] (+)= Re(z0 Σ_k (gre + i gim)[r, k] z^k)`` by Horner's rule, four knots per pass
    (``add``: accumulate into ``G``, else overwrite it)."""
    R, B = C.shape
    K = gre.shape[1]
    for r in range(R):
        a = gre[r, K - 1]
        b = gim[r, K - 1]
        for j in range(B):
            pr[j] = a
            pi[j] = b
        k = K - 2
        while k >= 3:
            a0 = gre[r, k]
            b0 = gim[r, k]
            a1 = gre[r, k - 1]
            b1 = gim[r, k - 1]
            a2 = gre[r, k - 2]
            b2 = gim[r, k - 2]
            a3 = gre[r, k - 3]
            b3 = gim[r, k - 3]
            for j in range(B):
                x = C[r, j]
                y = Sn[r, j]
                p = pr[j]
                q = pi[j]
                p, q = p * x - q * y + a0, p * y + q * x + b0
                p, q = p * x - q * y + a1, p * y + q * x + b1
                p, q = p * x - q * y + a2, p * y + q * x + b2
                pr[j] = p * x - q * y + a3
                pi[j] = p * y + q * x + b3
            k -= 4
        while k >= 0:
            a0 = gre[r, k]
            b0 = gim[r, k]
            for j in range(B):
                x = C[r, j]
                y = Sn[r, j]
                p = pr[j]
                q = pi[j]
                pr[j] = p * x - q * y + a0
                pi[j] = p * y + q * x + b0
            k -= 1
        if unit_start and not add:
            for j in range(B):
                G[r, j] = pr[j]
        elif unit_start:
            for j in range(B):
                G[r, j] += pr[j]
        elif not add:
            for j in range(B):
                G[r, j] = pr[j] * c0[r, j] - pi[j] * s0[r, j]
        else:
            for j in range(B):
                G[r, j] += pr[j] * c0[r, j] - pi[j] * s0[r, j]


@functools.cache
def _kernels():
    """The two loops compiled by numba (imported here: a process that never calls SIGReg on the
    CPU does not pay numba's import). Cached on disk next to this file, or in numba's user-wide
    cache where that folder is read-only; without any writable cache it compiles per process."""
    import numba

    def jit(fn):
        opts = dict(fastmath=_FASTMATH, boundscheck=False, nogil=True)
        try:
            return numba.njit(cache=True, **opts)(fn)
        except RuntimeError as exc:     # no cache locator: compile in memory, once per process
            warnings.warn(f"SIGReg kernel cannot be cached ({exc}); it compiles in every process", stacklevel=3)
            return numba.njit(**opts)(fn)

    return jit(_power_sums), jit(_horner)


def arithmetic_knots(t: torch.Tensor) -> tuple[float, float] | None:
    """``(t_0, dt)`` when the knots are ``t_0 + k·dt`` to the precision of their dtype, else ``None``."""
    if not t.is_floating_point() or t.shape[0] < 2:
        return None
    vals = t.detach().cpu().numpy().astype(np.float64)
    K = len(vals)
    t0, dt = float(vals[0]), float(vals[-1] - vals[0]) / (K - 1)
    tol = 8 * torch.finfo(t.dtype).eps * float(np.abs(vals).max())
    if not math.isfinite(dt) or not np.abs(vals - (t0 + dt * np.arange(K))).max() <= tol:
        return None
    return t0, dt


def _chunks(K: int) -> list[tuple[int, int]]:
    """Knot ranges ``[k0, k1)``, each run by at most ``MAX_STEPS`` recurrence steps."""
    return [(k0, min(k0 + MAX_STEPS + 1, K)) for k0 in range(0, K, MAX_STEPS + 1)]


class _Saved:
    """What the backward pass needs from the forward pass (numpy views, no copies)."""
    __slots__ = ("C", "Sn", "starts", "resid", "sbar", "wt", "shape")


def _forward(h, A, t, w, t0, dt, keep=False):
    """Value of the statistic (batch shape ``h.shape[:-2]`` broadcast with ``A.shape[:-2]``) and,
    with ``keep``, what the backward pass needs."""
    power_sums, _ = _kernels()
    B, S, K = h.shape[-2], A.shape[-1], t.shape[0]
    if h.dim() == 2 and A.dim() == 2:                   # (S, B) = dt·u, samples contiguous
        x = torch.addmm(torch.zeros((), dtype=h.dtype), A.mT, h.mT, beta=0, alpha=dt)
    else:
        x = torch.matmul((dt * A).mT, h.mT)
    shape = x.shape
    x = x.reshape(-1, B)
    C, Sn = torch.cos(x).numpy(), torch.sin(x).numpy()
    np_dtype = C.dtype.type
    cc, ss = np.empty(B, np_dtype), np.empty(B, np_dtype)
    chunks = _chunks(K)
    sums_c, sums_s, starts = np.zeros((x.shape[0], K)), np.zeros((x.shape[0], K)), []
    for k0, k1 in chunks:
        a = t0 + k0 * dt                                 # the run's first knot
        st = None if a == 0.0 else (torch.cos((a / dt) * x).numpy(), torch.sin((a / dt) * x).numpy())
        starts.append(st)
        c0, s0 = st if st is not None else (C, Sn)       # not read when the run starts at 1
        if len(chunks) == 1:
            oc, os_ = sums_c, sums_s
        else:
            oc, os_ = np.zeros((x.shape[0], k1 - k0)), np.zeros((x.shape[0], k1 - k0))
        power_sums(C, Sn, c0, s0, st is None, k1 - k0, oc, os_, cc, ss, np_dtype(0))
        if len(chunks) > 1:
            sums_c[:, k0:k1], sums_s[:, k0:k1] = oc, os_
    tk = t.detach().double().numpy()
    wk = w.detach().double().numpy()
    resid = sums_c / B - np.exp(-tk ** 2 / 2)            # (rows, K) in float64
    sbar = sums_s / B
    value = B * ((resid ** 2 + sbar ** 2) @ wk).reshape(shape[:-2] + (S,)).mean(-1)
    saved = None
    if keep:
        saved = _Saved()
        saved.C, saved.Sn, saved.starts, saved.resid, saved.sbar = C, Sn, starts, resid, sbar
        saved.wt, saved.shape = wk * tk, shape
    return torch.as_tensor(value, dtype=torch.promote_types(h.dtype, t.dtype)), saved


def _backward(h, A, grad_value, saved, need_h, need_A):
    _, horner = _kernels()
    C, Sn = saved.C, saved.Sn
    S, B = saved.shape[-2], saved.shape[-1]
    rows, K = saved.resid.shape
    np_dtype = C.dtype.type
    g = np.broadcast_to(grad_value.detach().double().numpy()[..., None], saved.shape[:-2] + (S,)).reshape(rows, 1)
    scale = (2.0 / S) * g * saved.wt                     # (rows, K)
    gre, gim = scale * saved.sbar, scale * saved.resid   # γ_k = (2/S) w_k t_k (s̄_k + i (c̄_k − φ_k))
    G = np.empty((rows, B), np_dtype)
    pr, pi = np.empty(B, np_dtype), np.empty(B, np_dtype)
    for i, ((k0, k1), st) in enumerate(zip(_chunks(K), saved.starts)):
        c0, s0 = st if st is not None else (C, Sn)
        horner(C, Sn, c0, s0, st is None, np.ascontiguousarray(gre[:, k0:k1], np_dtype),
               np.ascontiguousarray(gim[:, k0:k1], np_dtype), G, pr, pi, i > 0)
    GT = torch.from_numpy(G).reshape(saved.shape)       # (..., S, B) = (∂T/∂u)ᵀ
    gh = torch.matmul(GT.mT, A.mT).sum_to_size(h.shape) if need_h else None
    gA = torch.matmul(h.mT, GT.mT).sum_to_size(A.shape) if need_A else None
    return gh, gA


class _FusedSIGReg(torch.autograd.Function):
    """The statistic's value from the knot sums, its gradient by Horner's rule (module doc)."""

    @staticmethod
    def forward(ctx, h, A, t, w, t0, dt):
        value, saved = _forward(h, A, t, w, t0, dt, keep=True)
        ctx.save_for_backward(h, A)
        ctx.saved = saved
        return value

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_value):
        h, A = ctx.saved_tensors
        gh, gA = _backward(h, A, grad_value, ctx.saved, ctx.needs_input_grad[0], ctx.needs_input_grad[1])
        return gh, gA, None, None, None, None


def fused_sigreg(h: torch.Tensor, A: torch.Tensor, t: torch.Tensor, w: torch.Tensor, t0: float, dt: float):
    """The statistic on CPU float32/float64 tensors with equally spaced knots ``t_0 + k·dt``;
    gradients to ``h`` and ``A`` (a custom autograd function), none to ``t`` or ``w``."""
    if torch.is_grad_enabled() and (h.requires_grad or A.requires_grad):
        return _FusedSIGReg.apply(h, A, t, w, t0, dt)
    with torch.no_grad():
        return _forward(h, A, t, w, t0, dt)[0]
