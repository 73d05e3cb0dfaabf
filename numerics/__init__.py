"""Floating-point analysis of LeJEPA identifiability (numpy, scipy, numba). Never imports torch.

Every public function and class of the submodules (their ``__all__``; constants stay in their
submodule, except the name lists ``LATENT_LAWS``, ``TRANSITIONS``, ``MAP_NAMES`` and
``CUSTOM_LAW``) is available here. A submodule is imported only when one of its names is first
used, so ``import numerics`` compiles no numba kernel. The main entry points:

=================================  ==================================================
``hermite_spectrum``               Hermite spectrum of a map under N(0, I) (``spectrum``)
``alignment_loss``                 direct E||h(z) − h(z')||² (``alignment``)
``make_map``                       the authors' mixings and Gaussian-preserving maps (``maps``)
``energy_test``                    two-sample energy test with a permutation null (``twosample``)
``latent_law``                     unit-variance latent laws by name, a registry (``latents``)
``sample_pairs``                   (z, z') from a law's transitions, a registry (``transitions``)
``first_eigenpair``                Sturm–Liouville first eigenpair (``sturm_liouville``)
``ar1_galerkin``                   AR(1) transition operator in polynomials (``ar1_operator``)
``transport_r2``                   R² of the Gaussianising transport (``transport``)
``approximate_identifiability``    ε, δ, D and the bound from samples (``bounds``)
``perturbation_family``            population values of the bound on analytic families
``plan_and_execute``               planning in a representation (``planning``)
=================================  ==================================================
"""

from __future__ import annotations

from lejepa_verify.theory.lazy import lazy_exports

_EXPORTS = {
    # spectrum
    "Spectrum": "spectrum",
    "SpectralAlignment": "spectrum",
    "hermite_spectrum": "spectrum",
    "evaluate_map": "spectrum",
    # alignment
    "AlignmentLoss": "alignment",
    "alignment_loss": "alignment",
    # hermite
    "hermite_functions": "hermite",
    "max_abs_z": "hermite",
    "total_degree_indices": "hermite",
    "basis_size": "hermite",
    "basis_matrix": "hermite",
    "degree_of_indices": "hermite",
    # quadrature
    "QuadratureRule": "quadrature",
    "gauss_hermite": "quadrature",
    "tensor_rule": "quadrature",
    "smolyak_rule": "quadrature",
    "smolyak_size": "quadrature",
    # maps
    "MAP_NAMES": "maps",
    "Map": "maps",
    "make_map": "maps",
    "gaussian_preserving_library": "maps",
    "mixing_library": "maps",
    "gaussian_preservation_test": "maps",
    "random_orthogonal": "maps",
    # twosample
    "TwoSampleResult": "twosample",
    "as_samples": "twosample",
    "energy_distance": "twosample",
    "energy_test": "twosample",
    "gaussian_energy_test": "twosample",
    # latents
    "CUSTOM_LAW": "latents",
    "LATENT_LAWS": "latents",
    "LatentLaw": "latents",
    "as_law": "latents",
    "latent_law": "latents",
    "AR1Chain": "latents",
    "LawFamily": "latents",
    "Parameter": "latents",
    "SpectralTheory": "latents",
    "as_rng": "latents",
    "law_family": "latents",
    "register": "latents",
    "registered_laws": "latents",
    "unregister": "latents",
    # transitions
    "TRANSITIONS": "transitions",
    "LangevinKernel": "transitions",
    "StationarityDefect": "transitions",
    "available_transitions": "transitions",
    "default_transition": "transitions",
    "langevin_kernel": "transitions",
    "population_energy_defect": "transitions",
    "sample_pairs": "transitions",
    "stationarity_defect": "transitions",
    "ActionWorld": "transitions",
    "action_world": "transitions",
    "sample_action_triples": "transitions",
    "stationary_law": "transitions",
    "transition_member": "transitions",
    # sturm_liouville
    "FirstEigenpair": "sturm_liouville",
    "SpectralClass": "sturm_liouville",
    "first_eigenpair": "sturm_liouville",
    "spectral_class": "sturm_liouville",
    "eigenvalue_drift": "sturm_liouville",
    # ar1_operator
    "AR1Operator": "ar1_operator",
    "ar1_galerkin": "ar1_operator",
    "uniform_backward_witness": "ar1_operator",
    # transport
    "RotatedGaussianity": "transport",
    "TransportAlignment": "transport",
    "gaussian_transport": "transport",
    "rotated_gaussianity": "transport",
    "transport_alignment": "transport",
    "transport_r2": "transport",
    # bounds
    "BoundEstimate": "bounds",
    "approximate_identifiability": "bounds",
    "bound_value": "bounds",
    "epsilon_sq_unbiased": "bounds",
    "polar_factor": "bounds",
    "spectral_gap": "bounds",
    # planning
    "LinearWorld": "planning",
    "PlanOutcome": "planning",
    "lqr_gains": "planning",
    "plan_and_execute": "planning",
    "identify_linear_dynamics": "planning",
    # bound_families
    "FamilyPoint": "bound_families",
    "family_map": "bound_families",
    "perturbation_family": "bound_families",
    "closed_form": "bound_families",
    "family_by_quadrature": "bound_families",
    # convergence
    "SequenceError": "convergence",
    "sequence_error": "convergence",
    "sequence_error_array": "convergence",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
