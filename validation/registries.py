"""The registries of the validation layer, importable without torch.

``OBSERVATIONS`` (the ``mixing`` config field), ``ENCODERS``, ``OBJECTIVES`` and ``PAIR_SOURCES``
(the ``pairs`` field), ``SECTIONS`` (the report's sections) and ``COMMANDS`` (the CLI's): each
member is one module of the named package, and its file name is its name (see
:mod:`lejepa_verify.theory.registry`). Listing names imports nothing, so ``--help`` and config
checks of a name stay fast; building a member imports its module (and torch).
"""

from __future__ import annotations

from lejepa_verify.theory.registry import Registry

OBSERVATIONS = Registry("lejepa_verify.validation.observations", "mixing")
ENCODERS = Registry("lejepa_verify.validation.encoders", "encoder")
OBJECTIVES = Registry("lejepa_verify.validation.objectives", "objective", private=("base", "terms"))
PAIR_SOURCES = Registry("lejepa_verify.validation.pairs", "pairs")
#: report sections: each module holds ``SECTION``; CLI commands: each module is the command
SECTIONS = Registry("lejepa_verify.validation.sections", "section", private=(), attribute="SECTION")
COMMANDS = Registry("lejepa_verify.validation.commands", "command", private=(), attribute="")
