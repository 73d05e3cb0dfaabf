"""Lazy top-level names for a package: import a submodule only when one of its names is used.

``numerics`` and ``validation`` expose their main functions at the top level without importing
numba kernels or torch at ``import`` time; this is the one implementation both use.
"""

from __future__ import annotations

import importlib
from typing import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str], namespace: Mapping) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` resolving ``name`` to ``<package>.<exports[name]>.<name>``."""

    def __getattr__(name: str):
        sub = exports.get(name)
        if sub is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{sub}"), name)

    def __dir__():
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
