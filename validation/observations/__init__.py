"""Worlds seen through observations: the registry of observation maps ``x = g(z)``.

Every observation is one module in this package, named after it, defining a subclass of
:class:`~lejepa_verify.validation.observations.base.Observation` decorated with
:func:`~lejepa_verify.validation.observations.base.register`. Config validation, the CLI's
``--mixing`` choices, sweeps and the report read :func:`observation_names`; nothing else lists
the names. To add one, copy ``banana.py`` (a fixed 2D map) or ``coupling.py`` (a seeded map for
any even ``n``), change the formula, and add its tests.
"""

from __future__ import annotations

from lejepa_verify.validation.observations.base import (
    REGISTRY,
    Observation,
    build_observation,
    ObservationSpec,
    make_observation,
    observation_names,
    observation_spec,
    register,
)

__all__ = ["REGISTRY", "Observation", "build_observation", "ObservationSpec", "make_observation", "observation_names", "observation_spec", "register"]
