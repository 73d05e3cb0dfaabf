"""Latent laws with unit variance: the worlds of the Gaussian-uniqueness converse (docs/theory.md §3).

Every law is built by name through :func:`latent_law` and is standardised to mean zero and
unit variance, so that a linear encoder ``h(z) = z`` already satisfies the LeJEPA moment
constraint and only the *shape* of the law decides whether a linear optimum is feasible.
Each family is one module of this package, registered in :mod:`.base` (read it for what a
family declares); ``LATENT_LAWS`` lists the built-in parametric families, read from the registry.

====================  ==========================================  =============================
name (module)         parameters (declared ranges)                density (before scaling by s)
====================  ==========================================  =============================
``gaussian``          none                                        ``exp(−z²/2)``
``gennorm``           ``alpha`` ∈ [0.01, 32] (shape)              ``exp(−|z|^α)``; α = 2 Gaussian,
                                                                  α = 1 Laplace, α → ∞ uniform
``laplace``           none                                        ``exp(−|z|)``
``uniform``           none                                        ``1`` on ``[−1, 1]``
``logistic``          none                                        ``sech²(z/2)``
``student_t``         ``nu`` ∈ (2, ∞) (degrees of freedom)        ``(1 + z²/ν)^{−(ν+1)/2}``
``gaussian_mixture``  ``weight`` ∈ (0, 1), ``separation`` d >= 0  ``w N(μ₁, σ²) + (1 − w) N(μ₂, σ²)``
                      with ``w(1 − w)d² < 1``
``custom``            ``logpdf`` (callable), optional             ``exp(logpdf(x))`` on ``support``,
                      ``support``, ``score``, ``label``           normalised numerically
====================  ==========================================  =============================

The unit-variance scales are ``s = sqrt(Γ(1/α)/Γ(3/α))`` (generalised normal), ``1/sqrt(2)``
(Laplace), ``sqrt(3)`` (uniform on ``[−√3, √3]``), ``sqrt(3)/π`` (logistic) and
``sqrt((ν − 2)/ν)`` (Student-t); the mixture is described in :mod:`.gaussian_mixture`, the custom
law in :mod:`.custom`.

Natural transition (``LatentLaw.default_transition``): ``ou`` for a Gaussian law, ``authors``
(the paper's ablation channel) for every other law; see :mod:`.base`.

Adding a family: copy ``logistic.py`` (a law without parameters) or ``student_t.py`` (one
parameter with a declared range) to a new module, change the hooks, import it below, and test it.
"""

from lejepa_verify.numerics.latents.base import (
    AR1Chain,
    LatentLaw,
    LawFamily,
    Parameter,
    SpectralTheory,
    as_law,
    as_rng,
    law_family,
    latent_law,
    register,
    registered_laws,
    unregister,
)

# Registration order is listing order (config choices, CLI help): import the families in it.
from lejepa_verify.numerics.latents import gaussian, gennorm, laplace, uniform, logistic  # noqa: E402,F401
from lejepa_verify.numerics.latents import student_t, gaussian_mixture  # noqa: E402,F401
from lejepa_verify.numerics.latents.custom import CUSTOM_LAW  # noqa: E402

LATENT_LAWS = tuple(name for name in registered_laws() if name != CUSTOM_LAW)

__all__ = [
    "AR1Chain",
    "CUSTOM_LAW",
    "LATENT_LAWS",
    "LatentLaw",
    "LawFamily",
    "Parameter",
    "SpectralTheory",
    "as_law",
    "as_rng",
    "law_family",
    "latent_law",
    "register",
    "registered_laws",
    "unregister",
]
