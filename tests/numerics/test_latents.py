"""Latent laws against scipy.stats, numerical integration and closed forms (docs/theory.md §3)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from lejepa_verify import strategies as lst
from lejepa_verify.numerics.latents import LATENT_LAWS, latent_law

ALL = [
    ("gaussian", {}), ("gennorm", {"alpha": 0.5}), ("gennorm", {"alpha": 4.0}), ("laplace", {}),
    ("uniform", {}), ("logistic", {}), ("student_t", {"nu": 5.0}), ("gaussian_mixture", {}),
    ("gaussian_mixture", {"weight": 0.3, "separation": 1.5}),
]

# the same laws as scipy.stats objects with their own unit-variance scale, written independently
SCIPY = {
    "gaussian": stats.norm(),
    "laplace": stats.laplace(scale=2**-0.5),
    "uniform": stats.uniform(-math.sqrt(3), 2 * math.sqrt(3)),
    "logistic": stats.logistic(scale=math.sqrt(3) / math.pi),
}


@pytest.mark.parametrize("name,params", ALL, ids=[f"{n}{p}" for n, p in ALL])
def test_unit_variance_and_normalisation_by_quadrature(name, params):
    law = latent_law(name, **params)
    lo, hi = law.support
    mass = integrate.quad(law.pdf, lo, hi, limit=400)[0]
    mean = integrate.quad(lambda x: x * law.pdf(x), lo, hi, limit=400)[0]
    var = integrate.quad(lambda x: x * x * law.pdf(x), lo, hi, limit=400)[0]
    assert mass == pytest.approx(1, abs=1e-7)
    assert mean == pytest.approx(0, abs=1e-7)
    assert var == pytest.approx(1, abs=1e-6)


@pytest.mark.parametrize("name,params", ALL, ids=[f"{n}{p}" for n, p in ALL])
def test_moments_match_quadrature(name, params):
    law = latent_law(name, **params)
    lo, hi = law.support
    for k in range(7):
        if name == "student_t" and k >= 5:
            continue
        q = integrate.quad(lambda x: x**k * law.pdf(x), lo, hi, limit=400)[0]
        assert law.moment(k) == pytest.approx(q, rel=1e-6, abs=1e-9)


def test_student_t_moments_beyond_nu_are_infinite():
    assert math.isinf(latent_law("student_t", nu=5.0).moment(6))


@pytest.mark.parametrize("name", sorted(SCIPY))
def test_against_scipy(name):
    law, ref = latent_law(name), SCIPY[name]
    x = np.linspace(-1.6, 1.6, 41)
    u = np.linspace(0.01, 0.99, 33)
    np.testing.assert_allclose(law.pdf(x), ref.pdf(x), rtol=1e-12)
    np.testing.assert_allclose(law.cdf(x), ref.cdf(x), rtol=1e-12)
    np.testing.assert_allclose(law.ppf(u), ref.ppf(u), rtol=1e-10, atol=1e-12)


def test_gennorm_special_cases_are_gaussian_and_laplace():
    x = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(latent_law("gennorm", alpha=2.0).pdf(x), stats.norm.pdf(x), rtol=1e-12)
    np.testing.assert_allclose(latent_law("gennorm", alpha=1.0).pdf(x), latent_law("laplace").pdf(x), rtol=1e-12)
    assert latent_law("gennorm", alpha=2.0).is_gaussian and not latent_law("gennorm", alpha=1.0).is_gaussian


def test_student_t_against_scipy_standardised():
    nu = 7.0
    law = latent_law("student_t", nu=nu)
    ref = stats.t(nu, scale=math.sqrt((nu - 2) / nu))
    x = np.linspace(-4, 4, 17)
    np.testing.assert_allclose(law.cdf(x), ref.cdf(x), rtol=1e-12)
    assert ref.var() == pytest.approx(1.0)


def test_mixture_against_explicit_components():
    w, d = 0.3, 1.5
    law = latent_law("gaussian_mixture", weight=w, separation=d)
    sig = math.sqrt(1 - w * (1 - w) * d * d)
    x = np.linspace(-3, 3, 31)
    ref = w * stats.norm.pdf(x, -(1 - w) * d, sig) + (1 - w) * stats.norm.pdf(x, w * d, sig)
    np.testing.assert_allclose(law.pdf(x), ref, rtol=1e-12)
    u = np.array([1e-12, 1e-3, 0.2, 0.5, 0.9, 1 - 1e-9])
    np.testing.assert_allclose(law.cdf(law.ppf(u)), u, rtol=1e-9)
    np.testing.assert_allclose(law.sf(law.isf(u)), u, rtol=1e-9)
    assert latent_law("gaussian_mixture", separation=0.0).is_gaussian


@pytest.mark.parametrize("name,params", ALL, ids=[f"{n}{p}" for n, p in ALL])
def test_score_is_derivative_of_logpdf(name, params):
    law = latent_law(name, **params)
    x = np.array([-1.3, -0.7, -0.2, 0.3, 0.9, 1.4])
    h = 1e-6
    fd = (law.logpdf(x + h) - law.logpdf(x - h)) / (2 * h)
    np.testing.assert_allclose(law.score(x), fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,params", ALL, ids=[f"{n}{p}" for n, p in ALL])
def test_sampling_is_seeded_and_follows_the_cdf(name, params):
    law = latent_law(name, **params)
    a, b = law.sample((3000, 2), seed=4), law.sample((3000, 2), seed=4)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (3000, 2)
    # Kolmogorov–Smirnov against the law's own CDF (checked against scipy and quadrature above)
    assert stats.kstest(a.ravel(), law.cdf).pvalue > 1e-3


@settings(max_examples=25)
@given(law=lst.latent_laws(["gennorm"], {"gennorm": {"alpha": (0.3, 20.0)}}), u=st.floats(1e-9, 1 - 1e-9))
def test_gennorm_ppf_inverts_cdf(law, u):
    assert float(law.cdf(law.ppf(u))) == pytest.approx(u, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("bad", [
    ("gennorm", {"alpha": 0.0}, "alpha"), ("gennorm", {"alpha": -1.0}, "alpha"),
    ("student_t", {"nu": 2.0}, "nu"), ("student_t", {"nu": 1.5}, "nu"),
    ("gaussian_mixture", {"weight": 1.0}, "weight"), ("gaussian_mixture", {"separation": 2.0}, "separation"),
    ("gaussian", {"alpha": 2.0}, "alpha"), ("cauchy", {}, "cauchy"),
])
def test_bad_input_names_the_parameter(bad):
    name, params, word = bad
    with pytest.raises(ValueError, match=word):
        latent_law(name, **params)


def test_unknown_law_lists_valid_names():
    with pytest.raises(ValueError) as exc:
        latent_law("cauchy")
    for n in LATENT_LAWS:
        assert n in str(exc.value)


def test_bad_sample_arguments():
    law = latent_law("laplace")
    with pytest.raises(ValueError, match="size"):
        law.sample(-1, seed=0)
    with pytest.raises(ValueError, match="seed"):
        law.sample(3, seed=1.5)
    with pytest.raises(ValueError, match="u must"):
        law.ppf(1.5)
    with pytest.raises(ValueError, match="finite"):
        law.pdf(np.nan)


def test_to_dict_is_plain():
    d = latent_law("gennorm", alpha=4.0).to_dict()
    assert d == {"name": "gennorm", "params": {"alpha": 4.0}, "label": "gennorm(alpha=4)", "is_gaussian": False}
