"""Direct alignment losses against closed forms (linear maps, Sheppard, Hermite polynomials) and the spectral formula."""

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.alignment import alignment_loss
from lejepa_verify.numerics.maps import make_map, random_orthogonal
from lejepa_verify.numerics.spectrum import hermite_spectrum


@pytest.mark.parametrize("dim", [1, 2])
def test_orthogonal_map_attains_the_floor_exactly(dim):
    q = random_orthogonal(dim, 1)
    a = alignment_loss(lambda z: z @ q.T, dim, 0.8)
    assert a.method == "quadrature" and a.standard_error is None
    assert a.value == pytest.approx(2 * dim * 0.2, abs=1e-12)


def test_hermite_polynomial_has_cost_2_one_minus_rho_to_the_k():
    # E|h_k(z) − h_k(z')|² = 2(1 − ρ^k) by Mehler
    for k in (2, 3, 5):
        c = np.zeros(k + 1)
        c[k] = 1.0 / math.sqrt(math.factorial(k))
        a = alignment_loss(lambda z: np.polynomial.hermite_e.hermeval(z, c), 1, 0.6)
        assert a.value == pytest.approx(2 * (1 - 0.6**k), abs=1e-11)


def test_sheppard_by_monte_carlo_within_its_standard_error():
    rho = 0.5
    a = alignment_loss(np.sign, 1, rho, method="montecarlo", seed=0, n_samples=100_000)
    assert abs(a.value - (2 - 4 * math.asin(rho) / math.pi)) < 4 * a.standard_error


def test_monte_carlo_standard_errors_are_honest():
    # h = z²: L = 2 · 2 · (1 − ρ²) (energy 2 at degree 2); nominal 95% intervals
    rho = 0.7
    truth = 4 * (1 - rho**2)
    zq = stats.norm.ppf(0.975)
    hits = sum(
        abs((a := alignment_loss(lambda z: z**2, 1, rho, method="montecarlo", seed=s, n_samples=3000)).value - truth)
        <= zq * a.standard_error
        for s in range(80)
    )
    assert hits >= 68, hits  # Binomial(80, 0.95) falls below 68 with probability < 0.2%


def test_spectral_and_direct_agree_on_the_banana_and_spiral():
    for name in ("banana", "spiral"):
        m = make_map(name)
        spec = hermite_spectrum(m, 2, 40).alignment_loss(0.9)
        direct = alignment_loss(m, 2, 0.9, method="montecarlo", seed=2, n_samples=100_000)
        assert abs(spec.value - direct.value) <= spec.half_width + 4 * direct.standard_error + spec.error_estimate


def test_same_seed_same_numbers():
    a = alignment_loss(np.tanh, 3, 0.5, seed=4, n_samples=1000)
    b = alignment_loss(np.tanh, 3, 0.5, seed=4, n_samples=1000)
    assert a.method == "montecarlo" and a == b


def test_bad_input():
    with pytest.raises(ValueError, match="rho must lie in"):
        alignment_loss(np.tanh, 1, 1.0)
    with pytest.raises(ValueError, match="needs dim <= 2"):
        alignment_loss(np.tanh, 3, 0.5, method="quadrature")
    with pytest.raises(ValueError, match="h must be a callable"):
        alignment_loss(None, 1, 0.5)
    with pytest.raises(ValueError, match="non-finite"):
        alignment_loss(lambda z: np.where(z > 0, np.inf, z), 1, 0.5, method="montecarlo", seed=0, n_samples=100)
