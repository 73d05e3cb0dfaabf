"""``lejepa_verify.strategies``: arguments are refused when the strategy is built, never at the first draw."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lejepa_verify import strategies as lst


@pytest.mark.parametrize("build", [
    lambda: lst.latent_laws(names="gennorm"),
    lambda: lst.gaussian_preserving_maps(2, names="identity"),
])
def test_a_bare_string_for_names_is_refused_not_read_letter_by_letter(build):
    # tuple("gennorm") is ('g', 'e', ...): the old message was "unknown latent law 'g'"
    with pytest.raises(ValueError, match=r"names must be a list of names such as \['"):
        build()


def test_names_given_as_a_list_are_accepted():
    # the controls of the test above: the same names as one-element lists draw
    @settings(max_examples=5, deadline=None)
    @given(law=lst.latent_laws(names=["gennorm"]), m=lst.gaussian_preserving_maps(2, names=["identity"]))
    def draws(law, m):
        assert law.name == "gennorm" and m is not None

    draws()


@pytest.mark.parametrize("names,bounds", [
    (["gaussian"], None),
    (["gennorm", "gaussian"], None),
    # gennorm is Gaussian at alpha = 2: pinned there, it can draw nothing else
    (["gennorm"], {"gennorm": {"alpha": (2.0, 2.0)}}),
])
def test_gaussian_false_refuses_a_family_that_is_gaussian_at_every_parameter_it_may_draw(names, bounds):
    with pytest.raises(ValueError, match="gaussian=False .* Gaussian at every parameter"):
        lst.latent_laws(names=names, bounds=bounds, gaussian=False)


def test_gaussian_false_on_the_default_names_leaves_out_the_gaussian_family():
    seen = set()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(law=lst.latent_laws(gaussian=False))
    def draws(law):
        assert not law.is_gaussian
        seen.add(law.name)

    draws()
    assert "gaussian" not in seen and len(seen) >= 2


def test_gaussian_false_keeps_a_family_that_is_gaussian_at_one_point_only():
    # gennorm with alpha free in [1, 3] contains alpha = 2 but is not Gaussian elsewhere
    law_strategy = lst.latent_laws(names=["gennorm"], bounds={"gennorm": {"alpha": (1.0, 3.0)}}, gaussian=False)

    @settings(max_examples=20, deadline=None)
    @given(data=st.data())
    def draws(data):
        law = data.draw(law_strategy)
        assert law.name == "gennorm" and law.params["alpha"] != 2.0

    draws()
