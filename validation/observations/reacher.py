"""``reacher``: the DeepMind Control Reacher (``hard``) rendered by MuJoCo, an optional extra.

``pip install 'lejepa-verify[mujoco]'`` (``dm-control==1.0.50`` with ``mujoco==3.17.0``; with
mujoco 4.0.0 ``suite.load`` fails on a missing ``flex_vertedge``) and an OpenGL back end: EGL
(Debian's ``libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1``, the default here) or OSMesa
(``libosmesa6``, ``MUJOCO_GL=osmesa``). Without the extra the world stays listed, and asking for
it is a ``ValueError`` with the install line before any training starts.

The map is the one of :mod:`~lejepa_verify.validation.observations.arm`: ``θ = 2·atan(z/2)``
set as the joint angles ``qpos`` (shoulder, wrist) with ``qvel = 0``, the target hidden, camera
0, 64 × 64 RGB in ``[0, 1]``. Rendering is set up once for speed: shadows, reflections and the
skybox off, ``shadowsize = 0``, ``offsamples = 0``, one camera reused for every frame. The wrist
of the real Reacher has a joint range; qpos outside it still renders, as the authors set it.
"""

from __future__ import annotations

import os

import numpy as np
import torch

from lejepa_verify.validation.observations.arm import IMAGE_SIZE, angles_from_latent
from lejepa_verify.validation.observations.base import Fixed2D, register

INSTALL = "pip install 'lejepa-verify[mujoco]'"


def _dm_control():
    """The dm_control modules, or ``ValueError`` with the install line."""
    os.environ.setdefault("MUJOCO_GL", "egl")
    try:
        import mujoco
        from dm_control import suite
        from dm_control.mujoco.engine import Camera
    except Exception as exc:  # noqa: BLE001 - any import failure means the extra is not usable
        raise ValueError(f"mixing 'reacher' needs the optional extra: {INSTALL} "
                         f"(import failed: {type(exc).__name__}: {exc})") from None
    return mujoco, suite, Camera


def available() -> bool:
    """Whether dm_control and mujoco import here."""
    try:
        _dm_control()
    except ValueError:
        return False
    return True


@register
class Reacher(Fixed2D):
    name = "reacher"
    description = f"dm_control reacher 'hard' frames, 64×64 RGB, θ = 2·atan(z/2) (optional extra: {INSTALL})"
    has_inverse = False

    @classmethod
    def check_n(cls, n: int) -> int:
        n = super().check_n(n)
        _dm_control()
        return n

    @classmethod
    def shape_for(cls, n: int) -> tuple[int, ...]:
        return (3, IMAGE_SIZE, IMAGE_SIZE)

    def __init__(self, n: int = 2):
        super().__init__(n)
        mujoco, suite, Camera = _dm_control()
        env = suite.load("reacher", "hard", task_kwargs={"random": 0})
        self._physics = physics = env.physics
        model = physics.model
        model.vis.quality.shadowsize = 0
        model.vis.quality.offsamples = 0
        model.geom_rgba[model.name2id("target", "geom"), 3] = 0.0
        self._camera = Camera(physics, IMAGE_SIZE, IMAGE_SIZE, camera_id=0)
        flags = self._camera._scene.flags
        for flag in (mujoco.mjtRndFlag.mjRND_SHADOW, mujoco.mjtRndFlag.mjRND_REFLECTION,
                     mujoco.mjtRndFlag.mjRND_SKYBOX):
            flags[flag] = 0

    def render_angles(self, theta: np.ndarray) -> np.ndarray:
        """Frames ``(B, 64, 64, 3)`` uint8 at joint angles ``theta`` ``(B, 2)`` (radians)."""
        p = self._physics
        out = np.empty((len(theta), IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
        for i, (a, b) in enumerate(np.asarray(theta, dtype=float)):
            p.data.qpos[:2] = (a, b)
            p.data.qvel[:] = 0.0
            p.forward()
            self._camera.update()
            out[i] = self._camera.render()
        return out

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != 2:
            raise ValueError(f"z must have shape (B, 2), got {tuple(z.shape)}")
        if not bool(torch.isfinite(z).all()):
            raise ValueError("z must be finite, got NaN or inf")
        frames = self.render_angles(angles_from_latent(z.detach().cpu().double()).numpy())
        x = torch.from_numpy(frames).permute(0, 3, 1, 2).to(z.dtype) / 255.0
        return x.to(z.device)
