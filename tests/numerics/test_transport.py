"""Transport Φ⁻¹∘F and the distance of Qz to N(0, I) (docs/theory.md §3, feasibility)."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from lejepa_verify.numerics.latents import latent_law
from lejepa_verify.numerics.transport import gaussian_transport, rotated_gaussianity, transport_alignment, transport_r2


def test_uniform_closed_form_three_over_pi():
    assert transport_r2("uniform") == pytest.approx(3 / math.pi, abs=1e-12)


def test_gaussian_transport_is_identity():
    assert transport_r2("gaussian") == pytest.approx(1.0, abs=1e-12)
    z = np.linspace(-8, 8, 33)
    np.testing.assert_allclose(gaussian_transport("gaussian", z), z, atol=1e-9)


@pytest.mark.parametrize("name,params", [
    ("laplace", {}), ("logistic", {}), ("student_t", {"nu": 5.0}), ("gennorm", {"alpha": 4.0}),
    ("gaussian_mixture", {"weight": 0.3, "separation": 1.5}),
])
def test_r2_against_adaptive_quadrature_in_u(name, params):
    # a second route: E[z T(z)] = ∫₀¹ F⁻¹(u) Φ⁻¹(u) du, with E z = 0, Var z = Var T = 1
    law = latent_law(name, **params)
    c = integrate.quad(lambda u: float(law.ppf(u)) * stats.norm.ppf(u), 0, 1, limit=400)[0]
    assert transport_r2(law) == pytest.approx(c * c, abs=1e-7)
    assert transport_r2(law) < 1 - 1e-4


def test_laplace_closed_form():
    # Laplace (b = 1/√2): E[z T(z)] = 2∫₀^∞ z Φ⁻¹(F(z)) p(z) dz, and scipy's own laplace/norm give the same
    law = latent_law("laplace")
    ref = stats.laplace(scale=2**-0.5)
    c = 2 * integrate.quad(lambda z: z * stats.norm.isf(ref.sf(z)) * ref.pdf(z), 0, 60, limit=400)[0]
    assert transport_r2(law) == pytest.approx(c * c, abs=1e-8)


def test_transport_pushes_to_the_standard_normal():
    law = latent_law("gennorm", alpha=0.5)
    z = law.sample(50_000, seed=2)
    y = gaussian_transport(law, z)
    assert stats.kstest(y, "norm").pvalue > 1e-3
    # accurate deep in the upper tail (computed through the survival function)
    assert gaussian_transport(law, law.isf(1e-14)) == pytest.approx(stats.norm.isf(1e-14), rel=1e-6)


def test_alignment_loss_of_transport():
    # Gaussian: T = id, so E(z − z')² = 2(1 − ρ)
    g = transport_alignment("gaussian", "ou", 0.6, n_pairs=200_000, seed=1)
    assert abs(g.loss - 0.8) < 4 * g.stderr
    lap = transport_alignment("laplace", "ar1", 0.5, n_pairs=50_000, seed=1)
    assert lap.outside_support == 0 and lap.stderr > 0
    uni = transport_alignment("uniform", "authors", 0.5, n_pairs=20_000, seed=1)
    assert 0 < uni.outside_support < 0.2  # the authors' channel leaves [−√3, √3]


def test_rotated_gaussianity_detects_non_gaussian_and_accepts_gaussian():
    lap = rotated_gaussianity("laplace", 2, n_samples=1000, permutations=49, seed=3)
    assert lap.excess > 3 * lap.error_bar and lap.p_value <= 0.02
    g = rotated_gaussianity("gaussian", 2, n_samples=1000, permutations=49, seed=3)
    assert g.excess < 3 * g.error_bar
    assert set(lap.to_dict()) >= {"excess", "error_bar", "p_value"}


def test_bad_input():
    with pytest.raises(ValueError, match="rho"):
        transport_alignment("laplace", "ar1", 1.5)
    with pytest.raises(ValueError, match="dim"):
        rotated_gaussianity("laplace", 0)
    with pytest.raises(ValueError, match="latent law"):
        transport_r2("cauchy")
