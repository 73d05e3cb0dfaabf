"""A member class that leaves a required hook undefined is refused when it registers, naming the
hook, and nothing is registered (the registries of transitions, drifts, bound families, map
families, pair sources and latent laws share ``theory.registry.require_hooks``)."""

import pytest

from lejepa_verify.numerics.bound_families import base as bound_families
from lejepa_verify.numerics.latents import base as latents
from lejepa_verify.numerics.maps import base as maps
from lejepa_verify.numerics.transitions import additive
from lejepa_verify.numerics.transitions import base as transitions
from lejepa_verify.validation.pairs import base as pairs

CASES = [
    (transitions.register, transitions.Transition, "step", transitions.REGISTRY),
    (transitions.register, additive.AdditiveNoise, "drift", transitions.REGISTRY),
    (bound_families.register, bound_families.BoundFamily, "map", bound_families.REGISTRY),
    (maps.register, maps.MapFamily, "build", maps.REGISTRY),
    (pairs.register, pairs.PairSource, "train_pairs", pairs.REGISTRY),
]


@pytest.mark.parametrize("register, base, hook, registry", CASES, ids=[c[2] for c in CASES])
def test_a_member_without_its_required_hook_is_refused_naming_it(register, base, hook, registry):
    half = type("HalfWritten", (base,), {"name": "half_written_member"})
    with pytest.raises(ValueError, match=rf"'half_written_member' must define .*\b{hook}\b"):
        register(half)
    assert "half_written_member" not in registry.names()
    # the same class with the hook defined registers (the check refuses only what is missing)
    whole = type("Whole", (half,), {hook: lambda self, *a, **k: None})
    try:
        register(whole)
        assert "half_written_member" in registry.names()
    finally:
        registry.remove("half_written_member")


def test_a_law_family_without_its_hooks_is_refused_naming_them():
    half = type("HalfLaw", (latents.LawFamily,), {"name": "half_written_law"})
    with pytest.raises(ValueError, match="'half_written_law' must define"):
        latents.register(half)
