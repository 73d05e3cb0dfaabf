"""``arm``: a two-link planar arm with the DeepMind Control Reacher's geometry, seen as 64×64 images.

The world of the paper's Reacher experiment (paper_numbers.toml ``[reacher]``) without MuJoCo:
two capsules of radius ``ARM_RADIUS = 0.01`` and lengths ``LINK_LENGTHS = (0.12, 0.12)``, the
first at angle ``θ₁`` from the base (the image centre), the second at ``θ₁ + θ₂``, drawn in a
square view ``[−VIEW, VIEW]²`` with ``VIEW = 0.31`` (about the Reacher arena seen by camera 0).

**Angles.** The arm is periodic in each angle, so a latent read directly as radians (the
authors' ``qpos = z``) renders ``z`` and ``z ± 2π`` alike. This map folds a squash into the
observation instead, ``θᵢ = 2·atan(zᵢ / 2)``: a bijection of ``R`` onto ``(−π, π)`` with slope 1
at 0 (so ``θ ≈ z`` where the Gaussian has its mass), which keeps ``z`` unbounded and the map
``z ↦ image`` injective on all of ``R²``: the base is fixed, so the elbow is the one other end of
the first link, and the two links have different colours (grey levels), so even a folded arm
(``θ₂`` near ±π) tells its links apart. Injective is not well conditioned: near ``|θ₂| = π`` the
second link lies on the first and only the colours and the anti-aliased edges separate nearby
angles, and far in the tails (``|z| ≳ 20``, θ within 0.1 rad of ±π) an image moves by less than
a pixel per unit of ``z``; both cost a little ``R²`` in principle, neither has measurable mass
under ``N(0, 1)``.

**Anti-aliasing.** Each pixel's coverage of a capsule is ``clamp(1/2 − d/p, 0, 1)`` with ``d``
the signed distance of the pixel centre to the capsule and ``p`` the pixel size: a linear edge
one pixel wide, the box-filter coverage of a straight edge. Link 2 is composited over link 1.

**Windows.** A pixel is inked only where its centre lies within ``r + p/2`` of a segment, so each
capsule is computed only in a window that holds all of that. Link 1 starts at the image
centre, so one fixed central crop (30 × 30 pixels at 64×64) holds it at every angle. Link 2
gets a window per image (18 × 18 at 64×64), started at the pixel at or before its bounding box
widened by ``r + p/2``, moved inside the image where it would cross the border, and composited
over link 1 through flat pixel indices (gather, blend, scatter). Outside the windows the
coverage is 0; inside them it is the same formula at the same pixel centres as over the whole
image, so the images are those of a full-image rendering up to float rounding, at every size
(the windows are a smaller share of the image the larger it is; at 8×8 they are most of it).
Images are rendered in chunks that keep link 1's crop near ``CHUNK_PIXELS = 2¹⁸`` pixels
(291 images at 64×64, one at 1024×1024): few enough calls that torch's per-call overhead does
not dominate, small enough temporaries to stay in cache. Measured with
``benchmarks/bench_pixels.py render`` (batch 256, best of three runs) on a 2-core machine
shared with another developer, whose training was idle during the runs (load average 0.8):
164k grey and 97k RGB images/s on one thread, 254k and 166k on two, against 50k and 39k,
83k and 65k for the full-image version run alternately with it (a second run on the idle
machine: 152k / 89k and 238k / 150k). Two threads need the second
core free: with both cores busy with training, a first version of this renderer (chunks of
32) fell to about 2k images/s on two threads.

``arm`` gives one grey channel (link 1 at 1.0, link 2 at 0.55 on black); ``arm_rgb`` gives
three channels (colours in :data:`RGB_COLOURS`).
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.validation.observations.base import Fixed2D, register

LINK_LENGTHS = (0.12, 0.12)
ARM_RADIUS = 0.01
VIEW = 0.31
IMAGE_SIZE = 64
#: pixels of link 1's crop per chunk of images (291 images at 64×64, one per chunk at 1024×1024)
CHUNK_PIXELS = 2 ** 18
GREY_LEVELS = ((1.0,), (0.55,))
#: link 1, link 2 (RGB in [0, 1]); the background is black
RGB_COLOURS = ((0.9, 0.55, 0.2), (0.25, 0.6, 0.95))


def angles_from_latent(z: torch.Tensor) -> torch.Tensor:
    """``θ = 2·atan(z / 2)``, a bijection ``R → (−π, π)`` (module docstring)."""
    return 2.0 * torch.atan(z / 2.0)


def latent_from_angles(theta: torch.Tensor) -> torch.Tensor:
    """The inverse squash ``z = 2·tan(θ / 2)`` for ``θ`` in ``(−π, π)``."""
    return 2.0 * torch.tan(theta / 2.0)


def joint_positions(theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Elbow and fingertip ``(B, 2)`` of joint angles ``theta = (θ₁, θ₂)``: the elbow at
    ``l₁(cos θ₁, sin θ₁)``, the tip ``l₂(cos(θ₁+θ₂), sin(θ₁+θ₂))`` further on."""
    a1 = theta[:, 0]
    a2 = a1 + theta[:, 1]
    elbow = LINK_LENGTHS[0] * torch.stack((torch.cos(a1), torch.sin(a1)), dim=1)
    tip = elbow + LINK_LENGTHS[1] * torch.stack((torch.cos(a2), torch.sin(a2)), dim=1)
    return elbow, tip


def _pixel_centres(size: int, dtype: torch.dtype, device) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Pixel-centre coordinates ``x`` (columns, left to right) and ``y`` (rows, top ``y = +VIEW``
    first) in world units, and the pixel size."""
    p = 2.0 * VIEW / size
    c = -VIEW + p * (torch.arange(size, dtype=dtype, device=device) + 0.5)
    return c, c.flip(0), p


def _capsule_coverage(x: torch.Tensor, y: torch.Tensor, a: torch.Tensor, b: torch.Tensor,
                      length: float, pix: float) -> torch.Tensor:
    """Coverage ``(B, H, W)`` of the capsules of radius ``ARM_RADIUS`` around segments ``[a, b]``
    (``(B, 2)`` each, of length ``length``) at the pixel centres with column coordinates ``x``
    and row coordinates ``y`` (``(W,)`` and ``(H,)`` shared by all images, or ``(B, W)`` and
    ``(B, H)``, one window per image): ``clamp(1/2 − (d − r)/p, 0, 1)``.

    The distance to a segment in its own frame: with ``u`` the coordinate along it (from ``a``)
    and ``v`` across, ``d = sqrt(v² + (u − clamp(u, 0, L))²)``. Both ``u`` and ``v`` are affine in
    the pixel coordinates, so each is an outer sum of a row and a column vector, which keeps
    the full-size work to a handful of element-wise passes."""
    d = (b - a) / length  # unit directions (B, 2)
    dx, dy = d[:, 0:1], d[:, 1:2]
    ax, ay = a[:, 0:1], a[:, 1:2]
    x = x if x.ndim == 2 else x[None, :]
    y = y if y.ndim == 2 else y[None, :]
    # u = (x − ax) dx + (y − ay) dy,  v = −(x − ax) dy + (y − ay) dx
    u = ((y - ay) * dy)[:, :, None] + ((x - ax) * dx)[:, None, :]
    v = ((y - ay) * dx)[:, :, None] - ((x - ax) * dy)[:, None, :]
    w = u.sub_(u.clamp(0.0, length))
    dist = torch.sqrt_(v.square_().addcmul_(w, w))
    # 1/2 − (d − r)/p = (1/2 + r/p) − d/p
    return dist.mul_(-1.0 / pix).add_(0.5 + ARM_RADIUS / pix).clamp_(0.0, 1.0)


def _window_width(extent: float, pix: float, size: int) -> int:
    """Width of a window of whole pixels, started at the pixel centre at or before the low end
    of an interval of length ``extent``, that holds every pixel centre of the interval wherever
    it lies: at most ``⌊extent/p⌋ + 1`` centres fall in it and the start is up to one pixel
    early, plus one pixel against rounding; never wider than the image."""
    return min(size, math.floor(extent / pix) + 3)


def _first_pixel(pos: torch.Tensor, width: int, size: int) -> torch.Tensor:
    """First pixel index of windows of ``width`` pixels whose low end lies at the continuous
    pixel index ``pos`` (pixel ``i``'s centre is at ``i``), moved inside the image where the
    window would cross its border. Moving it keeps every pixel the window must hold: those
    are pixels of the image, and the moved window covers all of the unmoved one that lies in
    the image."""
    return pos.floor().clamp_(0, size - width).long()


def render_angles(theta: torch.Tensor, *, channels: int = 3, size: int = IMAGE_SIZE) -> torch.Tensor:
    """Images ``(B, channels, size, size)`` of the arm at joint angles ``theta`` ``(B, 2)``.

    ``theta`` must be finite and lie in ``[−π, π]`` (the arm's period; the squash of the
    observation maps every latent into ``(−π, π)``). ``channels`` is 1 (grey) or 3 (RGB).
    """
    if not isinstance(theta, torch.Tensor) or theta.ndim != 2 or theta.shape[1] != 2:
        shape = tuple(theta.shape) if isinstance(theta, torch.Tensor) else type(theta).__name__
        raise ValueError(f"theta must be a tensor of shape (B, 2), got {shape}")
    if not bool(torch.isfinite(theta).all()):
        raise ValueError("theta must be finite, got NaN or inf")
    worst = float(theta.abs().max()) if theta.numel() else 0.0
    if worst > math.pi + 1e-6:
        raise ValueError(f"theta must lie in [-pi, pi] (radians), got |theta| = {worst:.6g}")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 8 <= size <= 1024:
        raise ValueError(f"size must be an integer in [8, 1024], got {size!r}")
    dtype = theta.dtype if theta.dtype in (torch.float32, torch.float64) else torch.float32
    dev = theta.device
    theta = theta.to(dtype)
    x, y, pix = _pixel_centres(size, dtype, dev)
    colours = torch.tensor(GREY_LEVELS if channels == 1 else RGB_COLOURS, dtype=dtype, device=dev)
    col2 = colours[1].view(1, channels, 1)
    # a pixel is inked only if its centre lies within `reach` of a segment (coverage > 0)
    reach = ARM_RADIUS + 0.5 * pix
    # link 1 runs from the centre, so a fixed central crop holds it at every angle
    w1 = _window_width(2.0 * (LINK_LENGTHS[0] + reach), pix, size)
    k1 = int(_first_pixel(torch.tensor((VIEW - LINK_LENGTHS[0] - reach) / pix - 0.5), w1, size))
    crop = (slice(k1, k1 + w1), slice(k1, k1 + w1))
    x1, y1 = x[crop[1]], y[crop[0]]
    # link 2 moves: a window of w2 × w2 pixels per image, placed through flat pixel indices
    w2 = _window_width(LINK_LENGTHS[1] + 2.0 * reach, pix, size)
    steps = torch.arange(w2, device=dev)
    chunk = max(1, CHUNK_PIXELS // (w1 * w1))
    out = torch.empty(len(theta), channels, size, size, dtype=dtype, device=dev)
    for start in range(0, len(theta), chunk):
        th = theta[start:start + chunk]
        n = len(th)
        o = out[start:start + n].zero_()
        elbow, tip = joint_positions(th)
        c1 = _capsule_coverage(x1, y1, torch.zeros_like(elbow), elbow, LINK_LENGTHS[0], pix)
        for k in range(channels):
            torch.mul(c1, colours[0, k], out=o[:, k, crop[0], crop[1]])
        # window corners from the segment's bounding box widened by `reach`, in float64
        e64, t64 = elbow.double(), tip.double()
        left = torch.minimum(e64[:, 0], t64[:, 0]) - reach
        top = torch.maximum(e64[:, 1], t64[:, 1]) + reach
        rows = _first_pixel((VIEW - top) / pix - 0.5, w2, size)[:, None] + steps  # (n, w2)
        cols = _first_pixel((left + VIEW) / pix - 0.5, w2, size)[:, None] + steps
        c2 = _capsule_coverage(x[cols], y[rows], elbow, tip, LINK_LENGTHS[1], pix).view(n, 1, w2 * w2)
        # link 2 composited over link 1 (all that is drawn so far): c₁col₁(1 − c₂) + c₂col₂
        flat = ((rows * size)[:, :, None] + cols[:, None, :]).view(n, 1, w2 * w2).expand(n, channels, -1)
        img = o.view(n, channels, size * size)
        win = img.gather(2, flat)
        win.mul_(1.0 - c2).add_(c2 * col2)
        img.scatter_(2, flat, win)
    return out


class _Arm(Fixed2D):
    """Shared map: latent ``(B, 2)`` → squash → render (module docstring)."""

    channels = 3
    has_inverse = False

    @classmethod
    def shape_for(cls, n: int) -> tuple[int, ...]:
        return (cls.channels, IMAGE_SIZE, IMAGE_SIZE)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != 2:
            raise ValueError(f"z must have shape (B, 2), got {tuple(z.shape)}")
        if not bool(torch.isfinite(z).all()):
            raise ValueError("z must be finite, got NaN or inf")
        return render_angles(angles_from_latent(z), channels=self.channels)


@register
class Arm(_Arm):
    """A two-link planar arm (Reacher geometry) rendered as 64×64 grey images, angles ``θ = 2·atan(z/2)``."""
    name = "arm"
    description = "two-link planar arm (Reacher geometry) as 64×64 grey images, θ = 2·atan(z/2)"
    channels = 1
