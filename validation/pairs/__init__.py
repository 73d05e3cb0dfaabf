"""Where training pairs come from: the registry of pair sources (docs: theory, the world and the learner).

Every pair source is one module here, named after it, defining a subclass of
:class:`~lejepa_verify.validation.pairs.base.PairSource` decorated with
:func:`~lejepa_verify.validation.pairs.base.register`; the ``pairs`` config field, the CLI's
``--pairs`` choices and sweeps read this registry. Shipped: ``transition`` (``(z, z')`` one
transition step apart, the pairs the theory is stated for), ``anchor`` (the authors' two views
of a hidden anchor) and ``arm_trajectory`` (recorded trajectories of the simulated two-link
arm). To add one, copy ``anchor.py`` and add its tests.
"""

from __future__ import annotations

from lejepa_verify.validation.pairs.base import REGISTRY, PairSource, pair_source, register

__all__ = ["REGISTRY", "PairSource", "pair_source", "register"]
