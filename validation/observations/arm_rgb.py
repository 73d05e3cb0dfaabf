"""``arm_rgb``: the two-link arm of :mod:`~lejepa_verify.validation.observations.arm` in colour,
64×64×3 (link 1 orange, link 2 blue on black), the Reacher's 64 × 64 RGB frames without MuJoCo."""

from __future__ import annotations

from lejepa_verify.validation.observations.arm import _Arm
from lejepa_verify.validation.observations.base import register


@register
class ArmRGB(_Arm):
    name = "arm_rgb"
    description = "two-link planar arm (Reacher geometry) as 64×64 RGB images, θ = 2·atan(z/2)"
    channels = 3
