"""Registries for what the research grows: one module per member, names read from the modules.

A :class:`Registry` belongs to one package (``lejepa_verify.validation.observations``, …).
Each member is one module of that package whose file name is the member's name; the module
registers its entry with :meth:`Registry.add` (usually through a decorator) when imported.
Names are listed from the package's modules *without importing them*, so a CLI can offer
``choices`` without importing torch; :meth:`Registry.get` imports the one module it needs.
An unknown name is a ``ValueError`` naming the parameter and listing the valid names.
Standard library only, so every layer can use it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from typing import Any

from lejepa_verify.theory.validate import check_choice


class Registry:
    """Members of ``package``; ``param`` names the config field or argument that selects one."""

    def __init__(self, package: str, param: str, *, private: tuple[str, ...] = ("base",)):
        self.package = package
        self.param = param
        self.private = private
        self._entries: dict[str, Any] = {}

    def _module_names(self) -> list[str]:
        # find_spec does not execute the package itself (which may import torch)
        spec = importlib.util.find_spec(self.package)
        if spec is None or spec.submodule_search_locations is None:
            raise ValueError(f"registry package {self.package!r} cannot be found")
        return [m.name for m in pkgutil.iter_modules(spec.submodule_search_locations)
                if m.name not in self.private and not m.name.startswith("_")]

    def names(self) -> tuple[str, ...]:
        """Every member: the package's modules (sorted), then members registered from elsewhere."""
        mods = sorted(self._module_names())
        return tuple(mods + sorted(n for n in self._entries if n not in mods))

    def add(self, name: str, entry: Any, *, module: str | None = None) -> Any:
        """Register ``entry`` as ``name``. Inside the package, the module's file name must be
        ``name`` (so that listing the modules lists the names)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"a {self.param} name must be a non-empty string, got {name!r}")
        if module is not None and module.startswith(self.package + ".") and module.rsplit(".", 1)[1] != name:
            raise ValueError(f"{self.param} {name!r} must live in a module named {name}.py, not {module}")
        old = self._entries.get(name)
        if old is not None and old is not entry:
            raise ValueError(f"{self.param} name {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def get(self, name: str) -> Any:
        """The entry ``name``, importing its module on first use."""
        check_choice(name, self.param, self.names())
        if name not in self._entries:
            importlib.import_module(f"{self.package}.{name}")
        if name not in self._entries:
            raise ValueError(f"module {self.package}.{name} does not register a {self.param} called {name!r}")
        return self._entries[name]

    def load_all(self) -> dict[str, Any]:
        """Every entry, importing every member module."""
        return {name: self.get(name) for name in self.names()}
