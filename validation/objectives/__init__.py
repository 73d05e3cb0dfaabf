"""Training objectives on a batch of pairs ``(h(z), h(z'))``: the registry.

Every objective is one module here, named after it, defining a subclass of
:class:`~lejepa_verify.validation.objectives.base.Objective` decorated with
:func:`~lejepa_verify.validation.objectives.base.register`; config validation, the CLI's
``--objective`` choices and sweeps read :func:`objective_names`. The terms they are made of
(SIGReg, alignment, whitening, InfoNCE) live in :mod:`.terms`. To add one, copy
``whitening.py`` (a penalty weighted against alignment) or ``infonce.py`` (a loss of its own).
"""

from __future__ import annotations

from lejepa_verify.validation.objectives.base import (
    REGISTRY,
    Objective,
    make_objective,
    objective_class,
    objective_names,
    register,
)
# the InfoNCE term is ``terms.infonce``: the package's name ``infonce`` is the member module, and
# re-exporting the function under it would be overwritten as soon as the member is imported
from lejepa_verify.validation.objectives.terms import (
    alignment,
    directions,
    quadrature,
    sigreg,
    sigreg_null_mean,
    whitening_penalty,
)

__all__ = ["REGISTRY", "Objective", "alignment", "directions", "make_objective", "objective_class",
           "objective_names", "quadrature", "register", "sigreg", "sigreg_null_mean", "whitening_penalty"]
