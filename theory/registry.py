"""Registries for what the research grows: one module per member, names read from the modules.

A :class:`Registry` belongs to one package (``lejepa_verify.validation.observations``, …).
Each member is one module of that package whose file name is the member's name; the module
registers its entry with :meth:`Registry.add` (usually through a decorator) when imported.
Names are listed from the package's modules *without importing them*, so a CLI can offer
``choices`` without importing torch; :meth:`Registry.get` imports the one module it needs.
An unknown name is a ``ValueError`` naming the parameter and listing the valid names.
Standard library only, so every layer can use it.

Two kinds of member module: one that registers its entry with :meth:`Registry.add` (encoders,
objectives, latent laws ...), and one that simply holds it under a known attribute (report
sections hold ``SECTION``, CLI commands are the module itself): give ``attribute`` (a name, or
``""`` for the module itself) and :meth:`Registry.get` reads it. This is the one way members are
discovered in the package: latent laws, transitions, mixings, observations, encoders,
objectives, pair sources, claims, report sections and CLI commands.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from typing import Any

from lejepa_verify.theory.validate import check_choice


def require_hooks(cls: type, what: str) -> None:
    """``ValueError`` naming the required hooks (abstract methods) a member class ``cls`` leaves
    undefined, so that a half-written member is refused when it registers, not when first used."""
    missing = sorted(getattr(cls, "__abstractmethods__", ()))
    if missing:
        raise ValueError(f"{what} {getattr(cls, 'name', cls.__name__)!r} must define {', '.join(missing)}")


class Registry:
    """Members of ``package``; ``param`` names the config field or argument that selects one."""

    def __init__(self, package: str, param: str, *, private: tuple[str, ...] = ("base",),
                 attribute: str | None = None, order: tuple[str, ...] = ()):
        self.package = package
        self.param = param
        self.private = private
        #: members hold their entry under this module attribute ("" for the module itself)
        self.attribute = attribute
        #: the listing order of these names (the rest follow, sorted)
        self.order = tuple(order)
        self._entries: dict[str, Any] = {}

    def _module_names(self) -> list[str]:
        # the package's files do not change while a process runs: list them once
        if getattr(self, "_modules", None) is None:
            self._modules = self._list_modules()
        return list(self._modules)

    def _list_modules(self) -> list[str]:
        # find_spec does not execute the package itself (which may import torch)
        spec = importlib.util.find_spec(self.package)
        if spec is None or spec.submodule_search_locations is None:
            raise ValueError(f"registry package {self.package!r} cannot be found")
        return [m.name for m in pkgutil.iter_modules(spec.submodule_search_locations)
                if m.name not in self.private and not m.name.startswith("_")]

    def names(self) -> tuple[str, ...]:
        """Every member: the package's modules (in ``order``, then sorted), then members registered
        from elsewhere (in the order they were added)."""
        found = set(self._module_names())
        mods = [n for n in self.order if n in found] + sorted(found - set(self.order))
        return tuple(mods + [n for n in self._entries if n not in found])

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
            module = importlib.import_module(f"{self.package}.{name}")
            if self.attribute is not None and name not in self._entries:
                entry = module if self.attribute == "" else getattr(module, self.attribute, None)
                if entry is None:
                    raise ValueError(f"module {self.package}.{name} has no {self.attribute} (a {self.param} "
                                     "module must define it)")
                self._entries[name] = entry
        if name not in self._entries:
            raise ValueError(f"module {self.package}.{name} does not register a {self.param} called {name!r}")
        return self._entries[name]

    def remove(self, name: str) -> None:
        """Forget a member registered from outside the package (tests register throw-away members)."""
        if name not in self._entries:
            raise ValueError(f"unknown {self.param} {name!r}; registered: {', '.join(self._entries)}")
        del self._entries[name]

    def load_all(self) -> dict[str, Any]:
        """Every entry, importing every member module."""
        return {name: self.get(name) for name in self.names()}
