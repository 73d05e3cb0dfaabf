"""The latent laws of a run, built once per process and shared (the config's check and the world)."""

from __future__ import annotations

import functools
from typing import Any, Mapping


@functools.lru_cache(maxsize=64)
def _law(name: str, params: tuple) -> Any:
    from lejepa_verify.numerics.latents import latent_law

    return latent_law(name, **dict(params))


def cached_law(name: str, params: Mapping[str, Any]):
    """The latent law ``name`` with ``params`` (``numerics.latents.latent_law``), built once per process."""
    return _law(name, tuple(sorted(params.items())))
