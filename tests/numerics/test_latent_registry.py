"""The latent-law registry: declared parameters, natural transitions, and adding a law in one file (docs/theory.md §3)."""

import math

import mpmath
import numpy as np
import pytest
from scipy import integrate, special, stats

from lejepa_verify.numerics.latents import (
    CUSTOM_LAW,
    LATENT_LAWS,
    LawFamily,
    SpectralTheory,
    latent_law,
    law_family,
    register,
    registered_laws,
    unregister,
)
from lejepa_verify.numerics.latents.gennorm import ALPHA_RANGE
from lejepa_verify.numerics.sturm_liouville import first_eigenpair, spectral_class
from lejepa_verify.numerics.transitions import (
    TRANSITIONS,
    available_transitions,
    default_transition,
    population_energy_defect,
    sample_pairs,
)
from lejepa_verify.numerics.transport import transport_r2


def test_latent_laws_are_the_registry_without_the_custom_law():
    assert LATENT_LAWS == tuple(n for n in registered_laws() if n != CUSTOM_LAW)
    assert LATENT_LAWS == ("gaussian", "gennorm", "laplace", "uniform", "logistic", "student_t", "gaussian_mixture")


@pytest.mark.parametrize("name", LATENT_LAWS)
def test_every_family_declares_transitions_that_exist(name):
    law = latent_law(name)
    assert set(law.available_transitions) <= set(TRANSITIONS)
    assert law.default_transition in law.available_transitions
    assert ("ou" in law.available_transitions) == law.is_gaussian
    assert ("ar1" in law.available_transitions) == (law.ar1_chain is not None)
    for p in law_family(name).parameters:
        assert p.contains(p.default), (name, p)


@pytest.mark.parametrize("name,params,expected", [
    ("gaussian", {}, "ou"), ("gennorm", {"alpha": 2.0}, "ou"), ("gaussian_mixture", {"separation": 0.0}, "ou"),
    ("gennorm", {"alpha": 0.5}, "authors"), ("laplace", {}, "authors"), ("uniform", {}, "authors"),
    ("student_t", {}, "authors"), ("gaussian_mixture", {}, "authors"),
])
def test_the_natural_transition_is_ou_for_gaussian_laws_and_authors_otherwise(name, params, expected):
    law = latent_law(name, **params)
    assert law.default_transition == default_transition(law) == expected
    z, zn = sample_pairs(law, law.default_transition, 0.5, 4000, seed=1)
    # lag-one correlation ρ for both channels (variance one, E[z z'] = ρ): 4 standard errors
    assert np.corrcoef(z[:, 0], zn[:, 0])[0, 1] == pytest.approx(0.5, abs=4 * (1 - 0.25) / math.sqrt(4000))


def test_ar1_chains_are_exactly_where_theory_has_them():
    # gennorm's default α = 2 is the Gaussian
    with_chain = {"gaussian": "gaussian", "gennorm": "gaussian", "laplace": "laplace", "uniform": "uniform"}
    for name in LATENT_LAWS:
        chain = latent_law(name).ar1_chain
        assert (chain.name if chain else None) == with_chain.get(name), name
    assert latent_law("gennorm", alpha=1.0).ar1_chain.name == "laplace"
    assert latent_law("gennorm", alpha=2.0).ar1_chain.name == "gaussian"
    assert latent_law("gennorm", alpha=1.5).ar1_chain is None
    # the control: a law without a chain is refused by name of the transition, listing the valid ones
    with pytest.raises(ValueError, match="available: authors, langevin"):
        sample_pairs(latent_law("logistic"), "ar1", 0.5, 10, seed=0)


@pytest.mark.parametrize("name,params,word", [
    ("gennorm", {"alpha": "2"}, "alpha must be a real number"),
    ("gennorm", {"alpha": math.nan}, "alpha must lie in"),
    ("gennorm", {"alpha": True}, "alpha must be a real number"),
    ("student_t", {"nu": math.inf}, "nu must lie in"),
    ("gaussian_mixture", {"weight": 0.0}, r"weight must lie in \(0, 1\)"),
    ("gaussian_mixture", {"separation": -0.1}, r"separation must lie in \[0, inf\)"),
    ("gennorm", {"shape": 2.0}, "valid parameters: alpha"),
    ("laplace", {"alpha": 1.0}, "valid parameters: none"),
])
def test_parameters_are_checked_against_their_declared_ranges(name, params, word):
    with pytest.raises(ValueError, match=word):
        latent_law(name, **params)


def test_unknown_names_list_the_registered_laws():
    with pytest.raises(ValueError, match="valid choices: gaussian, gennorm, laplace, uniform, logistic, student_t, gaussian_mixture, custom"):
        latent_law("cauchy")
    with pytest.raises(ValueError, match="unknown latent law"):
        latent_law(3)


# ---------------------------------------------------------------------------------------------
# The representable range of the generalised normal, against 30-digit mpmath
# ---------------------------------------------------------------------------------------------

def _gennorm_errors(alpha: float, dist) -> dict:
    """Worst relative errors of a unit-variance generalised normal ``dist`` against mpmath."""
    with mpmath.workdps(30):
        a = mpmath.mpf(alpha)
        s = mpmath.sqrt(mpmath.gamma(1 / a) / mpmath.gamma(3 / a))

        def cdf(z):
            g = mpmath.gammainc(1 / a, 0, abs(mpmath.mpf(z) / s) ** a, regularized=True) / 2
            return 0.5 + g if z > 0 else 0.5 - g

        def pdf(z):
            return a / (2 * s * mpmath.gamma(1 / a)) * mpmath.exp(-abs(mpmath.mpf(z) / s) ** a)

        z = np.array([-1.5, -0.5, -0.01, 0.2, 1.0, 1.6])
        u = np.array([1e-12, 1e-6, 0.05, 0.3, 0.5, 0.5 + 1e-9, 0.5 + 1e-6, 0.7, 0.95])
        rel = lambda x, r: abs(float(x) / float(r) - 1)  # noqa: E731
        return {
            "pdf": max(rel(v, pdf(t)) for v, t in zip(dist.pdf(z), z)),
            "cdf": max(rel(v, cdf(t)) for v, t in zip(dist.cdf(z), z)),
            "sf": max(rel(v, 1 - cdf(t)) for v, t in zip(dist.sf(z), z)),
            "ppf": max(rel(cdf(q), uu) for q, uu in zip(dist.ppf(u), u)),
            "isf": max(rel(1 - cdf(q), uu) for q, uu in zip(dist.isf(u), u)),
        }


@pytest.mark.parametrize("alpha", ALPHA_RANGE)
def test_gennorm_is_accurate_at_both_ends_of_its_declared_range(alpha):
    law = latent_law("gennorm", alpha=alpha)
    errs = _gennorm_errors(alpha, law)
    assert max(errs.values()) < 1e-10, errs
    with mpmath.workdps(30):
        a = mpmath.mpf(alpha)
        for k in (2, 4, 6, 8):
            exact = mpmath.gamma((k + 1) / a) * mpmath.gamma(1 / a) ** (k / 2 - 1) / mpmath.gamma(3 / a) ** (k / 2)
            assert law.moment(k) == pytest.approx(float(exact), rel=1e-10)
    assert 0 < transport_r2(law) < 1


def test_gennorm_beyond_its_range_is_refused_and_would_be_inaccurate():
    for alpha in (0.001, 0.009, 33.0, 200.0):
        with pytest.raises(ValueError, match=r"alpha must lie in \[0.01, 32\]"):
            latent_law("gennorm", alpha=alpha)
    # the control: the same accuracy check rejects scipy's gennorm just outside the range
    a = 100.0
    s = math.exp(0.5 * (special.gammaln(1 / a) - special.gammaln(3 / a)))
    assert _gennorm_errors(a, stats.gennorm(a, scale=s))["ppf"] > 1e-6
    s = math.exp(0.5 * (special.gammaln(1 / 0.001) - special.gammaln(3 / 0.001)))
    assert s == 0.0  # the scale underflows: the law cannot even be written down in doubles


def test_seed_errors_name_the_seed():
    law = latent_law("laplace")
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        law.sample(3, seed=-1)
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        sample_pairs(law, "authors", 0.5, 3, seed=-2)


# ---------------------------------------------------------------------------------------------
# Adding a law is one new class: a throw-away family registered here, used end to end
# ---------------------------------------------------------------------------------------------

# Hyperbolic secant law p(z) = sech(πz/2)/2: unit variance, score −(π/2) tanh(πz/2), even
# moments the Euler numbers |E_k|. Its potential V = π²/16 − (3π²/16) sech²(πz/2) is a
# Pöschl–Teller well with ℓ = 1/2: one bound state (the constant), continuous spectrum from Kπ²/16.
class _HyperbolicSecant(LawFamily):
    name = "hyperbolic_secant_test"
    summary = "sech(πz/2)/2"
    scipy_name = "hypsecant"

    def build(self, p):
        return stats.hypsecant(scale=2 / math.pi), 2 / math.pi

    def score(self, law, z):
        return -(math.pi / 2) * np.tanh(math.pi * z / 2)

    def moment(self, law, k):
        return 0.0 if k % 2 else float(abs(mpmath.eulernum(k)))

    def spectral_theory(self, law):
        return SpectralTheory(True, False, math.pi**2 / 16, "Pöschl–Teller ℓ = 1/2: one bound state")


@pytest.fixture
def sech_law():
    register(_HyperbolicSecant)
    try:
        yield latent_law(_HyperbolicSecant.name)
    finally:
        unregister(_HyperbolicSecant.name)
    assert _HyperbolicSecant.name not in registered_laws()


def test_a_registered_law_is_a_unit_variance_law(sech_law):
    assert sech_law.label == "hyperbolic_secant_test" and sech_law.scipy is not None
    for k, euler in ((0, 1), (2, 1), (4, 5), (6, 61)):
        quad = integrate.quad(lambda x: x**k * sech_law.pdf(x), -np.inf, np.inf)[0]
        assert quad == pytest.approx(euler, rel=1e-8)
        assert sech_law.moment(k) == euler
    x = np.linspace(-2, 2, 9)
    h = 1e-6
    fd = (sech_law.logpdf(x + h) - sech_law.logpdf(x - h)) / (2 * h)
    np.testing.assert_allclose(sech_law.score(x), fd, rtol=1e-6, atol=1e-8)


def test_a_registered_law_works_with_transitions_transport_and_sturm_liouville(sech_law):
    assert available_transitions(sech_law) == ("authors", "langevin")
    assert sech_law.default_transition == "authors"
    z, zn = sample_pairs(sech_law, "authors", 0.8, 20_000, seed=3)
    assert np.corrcoef(z[:, 0], zn[:, 0])[0, 1] == pytest.approx(0.8, abs=4 * 0.36 / math.sqrt(20_000))
    # the authors' channel is not stationary for a non-Gaussian law: its population defect is not 0
    assert population_energy_defect(sech_law, "authors", 0.5) > 1e-6
    with pytest.raises(ValueError, match="available: authors, langevin"):
        sample_pairs(sech_law, "ou", 0.5, 10, seed=0)

    # transport R² against scipy's own quantile function, integrated by scipy.quad
    ref_law = stats.hypsecant(scale=2 / math.pi)
    # (through the upper tail above 0 so that F⁻¹(Φ(y)) stays accurate; symmetric, so twice one side)
    num = 2 * integrate.quad(lambda y: y * ref_law.isf(special.ndtr(-y)) * stats.norm.pdf(y), 0, 12, limit=200)[0]
    assert transport_r2(sech_law) == pytest.approx(num**2, rel=1e-7)

    cls = spectral_class(sech_law, K=2.0)
    assert (cls.poincare, cls.has_gap, cls.essential_bottom) == (True, False, pytest.approx(2.0 * math.pi**2 / 16))
    pair = first_eigenpair(sech_law)
    assert pair.eigenvalue is None and not pair.has_gap
    # the numerical diagnostic falls towards the edge of the continuous spectrum, staying above it
    drift = np.array(pair.drift)
    assert np.all(np.diff(drift) < 0) and np.all(drift > math.pi**2 / 16)
    assert drift[-1] < 1.1 * math.pi**2 / 16


def test_register_refuses_incomplete_or_duplicate_families():
    class NoScore(LawFamily):
        name = "no_score_test"

        def build(self, p):
            return stats.norm(), 1.0

        def moment(self, law, k):
            return 0.0

    with pytest.raises(ValueError, match="must define score"):
        register(NoScore)
    assert "no_score_test" not in registered_laws()

    class Duplicate(_HyperbolicSecant):
        name = "gaussian"

    with pytest.raises(ValueError, match="already registered"):
        register(Duplicate)
    with pytest.raises(ValueError, match="unknown latent law"):
        unregister("no_score_test")


@pytest.mark.parametrize("nu", [5, 7, 50, 10**6, 10**12, 10**300])
def test_student_t_moments_are_exact_ratios_for_every_nu(nu):
    # E z^4 = 3(ν − 2)/(ν − 4), E z^6 = 15(ν − 2)²/((ν − 4)(ν − 6)) in exact rationals
    from fractions import Fraction

    law = latent_law("student_t", nu=float(nu))
    m4 = Fraction(3 * (nu - 2), nu - 4)
    assert law.moment(4) == pytest.approx(float(m4), rel=1e-14)
    if nu > 6:
        m6 = Fraction(15 * (nu - 2) ** 2, (nu - 4) * (nu - 6))
        assert law.moment(6) == pytest.approx(float(m6), rel=1e-14)
    else:
        assert math.isinf(law.moment(6))


def test_modules_that_use_laws_never_test_a_law_name():
    # the registry's promise: transitions, operators and transport ask the law, not its name
    from pathlib import Path
    import re

    root = Path(__file__).resolve().parents[2] / "numerics"
    pattern = re.compile(r"law\.name\s*(==|!=|in)\s|\"(gaussian|gennorm|laplace|uniform|logistic|student_t|gaussian_mixture)\"")
    # the transitions are a package now; its base names the standard normal law once, on purpose
    modules = [p for p in sorted((root / "transitions").glob("*.py")) if p.name != "base.py"]
    for path in modules + [root / m for m in ("sturm_liouville.py", "ar1_operator.py", "transport.py")]:
        hits = [line for line in path.read_text(encoding="utf-8").splitlines()
                if pattern.search(line) and not line.lstrip().startswith("#")]
        assert hits == [], (path.name, hits)
    # the control: the same scan finds the name tests in a line written the old way
    assert pattern.search('    if law.name == "uniform":')
