"""Custom latent laws from a user's unnormalised log-density (numerics.latents, name "custom").

References are closed forms and scipy.stats, never the custom law's own earlier output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.latents import latent_law
from lejepa_verify.numerics.sturm_liouville import first_eigenpair, spectral_class
from lejepa_verify.numerics.transitions import available_transitions, sample_pairs, stationarity_defect
from lejepa_verify.numerics.transport import transport_r2

SQ3 = math.sqrt(3.0)


def gauss_custom():
    # N(3, 2²), unnormalised and offset by a constant: standardising must undo all of it
    return latent_law("custom", logpdf=lambda x: -0.5 * ((x - 3.0) / 2.0) ** 2 + 40.0, label="gauss")


def uniform_custom():
    return latent_law("custom", logpdf=lambda x: np.zeros_like(x), support=(2.0, 5.0), label="uniform")


Z = np.linspace(-8.0, 8.0, 801)
U = np.concatenate([np.logspace(-250, -2, 120), np.linspace(0.01, 0.99, 99), 1 - np.logspace(-2, -14, 60)])


def test_custom_gaussian_reproduces_the_builtin_gaussian():
    g, ref = gauss_custom(), stats.norm()
    assert g.params["mean"] == pytest.approx(3.0, abs=1e-12)
    assert g.params["sd"] == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(g.pdf(Z), ref.pdf(Z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(g.logpdf(Z), ref.logpdf(Z), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(g.cdf(Z), ref.cdf(Z), rtol=1e-12, atol=0)  # relative, deep in the lower tail
    np.testing.assert_allclose(g.sf(Z), ref.sf(Z), rtol=1e-12, atol=0)
    np.testing.assert_allclose(g.ppf(U), ref.ppf(U), rtol=1e-12, atol=1e-13)
    q = np.logspace(-250, -1, 100)
    np.testing.assert_allclose(g.isf(q), ref.isf(q), rtol=1e-12)
    np.testing.assert_allclose(g.score(Z), -Z, atol=1e-9)
    assert [g.moment(k) for k in range(7)] == pytest.approx([1, 0, 1, 0, 3, 0, 15], abs=1e-12)
    assert not g.is_gaussian  # never decided for a custom law, by design
    assert g.is_symmetric
    assert g.label == "custom(gauss)"


def test_given_score_is_used_and_scaled_to_z():
    g = latent_law("custom", logpdf=lambda x: -0.5 * ((x - 3.0) / 2.0) ** 2,
                   score=lambda x: -(x - 3.0) / 4.0)
    np.testing.assert_allclose(g.score(Z), -Z, rtol=1e-13)
    assert g.to_dict()["custom"]["score"] == "given"


@pytest.mark.parametrize("case", ["laplace", "logistic", "student_t"])
def test_custom_laws_against_scipy(case):
    if case == "laplace":
        lp, ref = (lambda x: -np.abs(x - 1.0) / 3.0), stats.laplace(scale=1 / math.sqrt(2))
    elif case == "logistic":
        # written stably (|x|) so that it is finite everywhere
        lp = lambda x: -np.abs(x) - 2 * np.log1p(np.exp(-np.abs(x)))  # noqa: E731
        ref = stats.logistic(scale=SQ3 / math.pi)
    else:
        lp, ref = (lambda x: -3.0 * np.log1p(x * x / 5.0)), stats.t(5, scale=math.sqrt(3 / 5))
    law = latent_law("custom", logpdf=lp)
    np.testing.assert_allclose(law.pdf(Z), ref.pdf(Z), rtol=1e-11, atol=1e-300)
    np.testing.assert_allclose(law.cdf(Z), ref.cdf(Z), rtol=1e-11)
    np.testing.assert_allclose(law.sf(Z), ref.sf(Z), rtol=1e-11)
    u = U[U > 1e-14]
    np.testing.assert_allclose(law.ppf(u), ref.ppf(u), rtol=1e-10, atol=1e-12)
    zs = Z[np.abs(Z) > 0.05]  # the Laplace score has a kink at 0
    h = 1e-6
    num = (ref.logpdf(zs + h) - ref.logpdf(zs - h)) / (2 * h)
    np.testing.assert_allclose(law.score(zs), num, atol=1e-6)
    assert law.moment(4) == pytest.approx(ref.moment(4), rel=1e-10)
    assert law.is_symmetric


def test_custom_uniform_on_a_bounded_support():
    law, ref = uniform_custom(), stats.uniform(-SQ3, 2 * SQ3)
    assert law.support == pytest.approx((-SQ3, SQ3), abs=1e-12)
    z = np.linspace(-2.5, 2.5, 501)
    np.testing.assert_allclose(law.pdf(z), ref.pdf(z), atol=1e-13)
    np.testing.assert_allclose(law.cdf(z), ref.cdf(z), atol=1e-13)
    np.testing.assert_allclose(law.ppf(U), ref.ppf(U), atol=1e-12)
    assert law.moment(4) == pytest.approx(9 / 5, rel=1e-12)
    assert np.all(law.score(np.array([-1.0, 0.3, 1.5])) == 0.0)
    assert np.isnan(law.score(np.array([2.0]))).all()  # outside the support


def test_sampling_is_seeded_and_has_the_law():
    law = latent_law("custom", logpdf=lambda x: -np.abs(x))
    a, b = law.sample((3000, 2), seed=7), law.sample((3000, 2), seed=7)
    assert np.array_equal(a, b)
    res = stats.kstest(a.ravel(), stats.laplace(scale=1 / math.sqrt(2)).cdf)
    assert res.pvalue > 1e-3


def test_custom_arcsine_endpoint_singularity():
    # p ∝ (x(1 − x))^{-1/2}: integrable singularities at both ends; the end at 1 is resolved only
    # to ~1000 ulp, which costs about 1e-7 of mass (stated in the docstring)
    law = latent_law("custom", logpdf=lambda x: -0.5 * np.log(x * (1 - x)), support=(0.0, 1.0))
    ref = stats.arcsine(loc=-math.sqrt(2), scale=2 * math.sqrt(2))
    z = np.linspace(-1.41, 1.41, 141)
    np.testing.assert_allclose(law.cdf(z), ref.cdf(z), atol=3e-7)
    assert law.cdf(law.support[1]) == pytest.approx(1.0) and law.cdf(law.support[0]) == 0.0


def test_transport_r2_of_a_custom_uniform_is_3_over_pi():
    assert transport_r2(uniform_custom()) == pytest.approx(3 / math.pi, abs=1e-10)
    assert transport_r2(gauss_custom()) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("method", ["finite_volume", "galerkin"])
def test_first_eigenpair_of_a_custom_gaussian_is_affine_with_eigenvalue_K(method):
    e = first_eigenpair(gauss_custom(), K=2.0, method=method)
    assert e.has_gap and "numerical diagnosis" in e.reason
    assert e.eigenvalue == pytest.approx(2.0, rel=2e-6)
    assert e.nonlinearity < 1e-9


def test_first_eigenpair_of_a_custom_uniform_matches_the_closed_form():
    e = first_eigenpair(uniform_custom(), K=2.0)
    assert e.has_gap and "compact interval" in e.reason
    assert e.eigenvalue == pytest.approx(2.0 * math.pi**2 / 12, rel=1e-6)
    assert e.r2 == pytest.approx(96 / math.pi**4, abs=1e-7)


@pytest.mark.parametrize("case", ["laplace", "logistic", "student_t", "exponential"])
def test_custom_laws_without_a_first_eigenfunction_report_no_gap(case):
    # theory (docs/theory.md §3): exponential tails put the edge of the continuous spectrum at the bottom,
    # heavier tails remove the gap; the numerical diagnosis must not invent an eigenvalue
    lp, support = {
        "laplace": (lambda x: -np.abs(x), None),
        "logistic": (lambda x: -np.abs(x) - 2 * np.log1p(np.exp(-np.abs(x))), None),
        "student_t": (lambda x: -3.0 * np.log1p(x * x / 5.0), None),
        "exponential": (lambda x: -x, (0.0, math.inf)),
    }[case]
    law = latent_law("custom", logpdf=lp, **({} if support is None else {"support": support}))
    e = first_eigenpair(law)
    assert not e.has_gap
    assert e.eigenvalue is None and e.nonlinearity is None
    assert "numerical diagnosis" in e.reason
    if case == "laplace":  # K/(4b²) = K/2 for unit variance
        assert spectral_class(law).essential_bottom == pytest.approx(0.5, rel=1e-3)


def test_custom_gennorm4_has_a_gap_and_is_nonlinear():
    law = latent_law("custom", logpdf=lambda x: -x**4)
    e, ref = first_eigenpair(law), first_eigenpair(latent_law("gennorm", alpha=4.0))
    assert e.has_gap
    assert e.eigenvalue == pytest.approx(ref.eigenvalue, rel=1e-6)
    assert e.nonlinearity == pytest.approx(ref.nonlinearity, rel=1e-5)


def test_transitions_available_to_a_custom_law():
    law = uniform_custom()
    assert available_transitions(law) == ("authors", "langevin")
    with pytest.raises(ValueError, match="custom law"):
        sample_pairs(law, "ar1", 0.5, 10, seed=0)
    with pytest.raises(ValueError, match="custom law"):
        sample_pairs(law, "ou", 0.5, 10, seed=0)
    d = stationarity_defect(law, "authors", 0.5, n_pairs=1000, permutations=50, seed=0)
    assert d.population_energy > 1e-4  # the authors' channel is not stationary off the Gaussian
    assert d.excess_kurtosis == pytest.approx(-1.2, abs=1e-10)
    z, zn = sample_pairs(latent_law("custom", logpdf=lambda x: -np.abs(x)), "langevin", 0.8, 2000, seed=1)
    assert np.all(np.isfinite(zn))
    assert abs(np.corrcoef(z[:, 0], zn[:, 0])[0, 1] - 0.8) < 0.08


def test_two_custom_laws_are_never_confused():
    a = latent_law("custom", logpdf=lambda x: -np.abs(x))
    b = latent_law("custom", logpdf=lambda x: -0.5 * x * x)
    assert a != b
    assert a == a


@pytest.mark.parametrize("params, word", [
    ({}, "logpdf"),
    ({"logpdf": 3.0}, "logpdf must be callable"),
    ({"logpdf": lambda x: -x * x, "score": "s"}, "score"),
    ({"logpdf": lambda x: -x * x, "support": (1.0, 1.0)}, "support"),
    ({"logpdf": lambda x: -x * x, "support": (2.0, -1.0)}, "support"),
    ({"logpdf": lambda x: -x * x, "support": (0.0, float("nan"))}, "support"),
    ({"logpdf": lambda x: -x * x, "support": 3}, "support"),
    ({"logpdf": lambda x: -x * x, "label": 3}, "label"),
    ({"logpdf": lambda x: -x * x, "alpha": 2.0}, "alpha"),
    ({"logpdf": lambda x: np.full_like(x, np.nan)}, "logpdf must return finite"),
    ({"logpdf": lambda x: np.where(x > 0.3, np.inf, -x * x)}, "logpdf must return finite"),
    ({"logpdf": lambda x: np.full_like(x, -np.inf)}, "does not normalise"),
    ({"logpdf": lambda x: np.zeros_like(x)}, "does not normalise"),  # Lebesgue measure on the line
    ({"logpdf": lambda x: -np.log(x), "support": (0.0, 1.0)}, "does not normalise"),  # 1/x at 0
    ({"logpdf": lambda x: -np.log1p(np.abs(x))}, "does not normalise"),  # 1/(1 + |x|)
    ({"logpdf": lambda x: -np.log1p(x * x)}, "infinite variance"),  # Cauchy
    ({"logpdf": lambda x: -1.4 * np.log1p(x * x)}, "infinite variance"),  # Student-t, nu = 1.8
])
def test_bad_input_names_the_parameter(params, word):
    with pytest.raises(ValueError, match=word):
        latent_law("custom", **params)


def test_moments_beyond_the_tail_index_are_infinite():
    t3 = latent_law("custom", logpdf=lambda x: -2.0 * np.log1p(x * x / 3.0))  # Student-t, nu = 3
    assert t3.moment(2) == pytest.approx(1.0, abs=1e-12)
    assert t3.moment(4) == math.inf
    assert math.isnan(t3.moment(5))
