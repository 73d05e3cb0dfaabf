"""Floating-point analysis of LeJEPA identifiability (numpy, scipy, numba). Never imports torch.

Public names (``numerics.hermite_spectrum``, ``numerics.latent_law``, ...) are looked up
lazily in the submodules below, so that importing ``numerics`` does not compile numba kernels
or import scipy.stats until a function is used.
"""

from __future__ import annotations

import importlib

_SUBMODULES = (
    "spectrum", "alignment", "hermite", "quadrature", "maps", "twosample",
    "latents", "transitions", "sturm_liouville", "ar1_operator", "transport", "bounds", "planning", "bound_families",
)


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    for sub in _SUBMODULES:
        try:
            mod = importlib.import_module(f"numerics.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name == f"numerics.{sub}":
                continue
            raise
        if sub == name:
            return mod
        public = getattr(mod, "__all__", None)
        if (public is None or name in public) and hasattr(mod, name):
            return getattr(mod, name)
    raise AttributeError(f"module 'numerics' has no attribute {name!r}")
