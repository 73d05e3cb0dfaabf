"""``ar1``: the exact stationary AR(1) chain ``z' = ρz + ε``, ``ε`` independent of ``z`` (docs/theory.md §3).

The chain is declared by the law itself (``law.ar1_chain``, a
:class:`~lejepa_verify.numerics.latents.AR1Chain`): Gaussian (= ``ou``); Laplace, ``ε = 0``
with probability ρ², else Laplace of the same scale (the characteristic functions satisfy
``φ(t)/φ(ρt) = ρ² + (1 − ρ²)/(1 + b²t²)``); uniform on ``[−a, a]`` with ``ρ = 1/k``, ``ε``
uniform on the ``k`` points ``a(−1 + (2j + 1)/k)`` (a uniform is the sum of the uniform on
``[−a/k, a/k]`` and those centres). The other families have no AR(1) innovation law in closed
form here (the mixture, being bimodal, is not self-decomposable at all), so ``ar1`` refuses them.
"""

from __future__ import annotations

from lejepa_verify.numerics.transitions.base import Transition, register


@register
class AR1(Transition):
    """The law's exact stationary AR(1) chain."""

    name = "ar1"
    summary = "ρz + ε, ε independent of z, exactly stationary (laws with a known innovation law)"

    def available(self, law):
        return law.ar1_chain is not None

    def unavailable_reason(self, law):
        return f" (a {law.name} law{' with these parameters' if law.family.parameters else ''} has no exact ar1 chain)"

    def check(self, law, rho):
        law.ar1_chain.check_rho(rho)

    def step(self, law, rho, z, rng):
        return law.ar1_chain.step(law, rho, z, rng)

    def next_cdf(self, law, rho, t, zq, wq):
        return law.ar1_chain.next_cdf(law, rho, t, zq, wq)

    def is_ou_channel(self, law):
        return law.is_gaussian
