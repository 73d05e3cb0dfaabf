"""Floating-point analysis of LeJEPA identifiability (numpy, scipy, numba). Never imports torch.

The main entry points are available here; each lives in a submodule of the same topic, which
is imported only when the name is first used (so ``import numerics`` compiles no numba kernel):

=============================  ==================================================
``hermite_spectrum``           Hermite spectrum of a map under N(0, I) (``spectrum``)
``alignment_loss``             direct E||h(z) − h(z')||² (``alignment``)
``make_map``                   the authors' mixings and Gaussian-preserving maps (``maps``)
``energy_test``                two-sample energy test with a permutation null (``twosample``)
``latent_law``                 unit-variance latent laws by name (``latents``)
``sample_pairs``               (z, z') from a law's transitions (``transitions``)
``first_eigenpair``            Sturm–Liouville first eigenpair (``sturm_liouville``)
``ar1_galerkin``               AR(1) transition operator in polynomials (``ar1_operator``)
``transport_r2``               R² of the Gaussianising transport (``transport``)
``approximate_identifiability``  ε, δ, D and the bound from samples (``bounds``)
``perturbation_family``        population values of the bound on analytic families
``plan_and_execute``           planning in a representation (``planning``)
=============================  ==================================================
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "hermite_spectrum": "spectrum", "Spectrum": "spectrum",
    "alignment_loss": "alignment", "AlignmentLoss": "alignment",
    "make_map": "maps", "Map": "maps", "MAP_NAMES": "maps",
    "energy_test": "twosample", "gaussian_energy_test": "twosample",
    "latent_law": "latents", "LatentLaw": "latents", "LATENT_LAWS": "latents",
    "sample_pairs": "transitions", "stationarity_defect": "transitions", "TRANSITIONS": "transitions",
    "first_eigenpair": "sturm_liouville",
    "ar1_galerkin": "ar1_operator",
    "transport_r2": "transport",
    "approximate_identifiability": "bounds", "BoundEstimate": "bounds",
    "perturbation_family": "bound_families",
    "plan_and_execute": "planning", "LinearWorld": "planning",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    sub = _EXPORTS.get(name)
    if sub is None:
        raise AttributeError(f"module 'numerics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"numerics.{sub}"), name)


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
