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


def _relu_truth(rho):
    # E[relu(z) relu(z')] = (sqrt(1 − ρ²) + ρ(π − arccos ρ)) / (2π), E relu² = 1/2
    return 2 * (0.5 - (math.sqrt(1 - rho**2) + rho * (math.pi - math.acos(rho))) / (2 * math.pi))


@pytest.mark.parametrize("rho", [0.5, 0.7])
def test_quadrature_error_covers_the_kinked_and_discontinuous_maps(rho):
    # the q versus ceil(3q/4) difference understated these errors 3–6×: the sequence error must not
    for h, truth in ((np.sign, 2 - 4 * math.asin(rho) / math.pi), (lambda z: np.maximum(z, 0), _relu_truth(rho))):
        a = alignment_loss(h, 1, rho, method="quadrature")
        assert a.method == "quadrature" and not a.resolved
        assert abs(a.value - truth) <= a.error, (a.value, truth, a.error)


def test_auto_does_not_keep_an_unresolved_quadrature():
    rho = 0.7
    a = alignment_loss(np.sign, 1, rho, seed=0)
    assert a.method == "montecarlo" and "falling back to Monte Carlo" in a.reason
    assert abs(a.value - (2 - 4 * math.asin(rho) / math.pi)) <= a.error


def test_auto_keeps_quadrature_on_a_smooth_map_with_a_tight_error():
    # h = exp(z/2): L = 2(E e^z − E e^{(z+z')/2}) = 2(e^{1/2} − e^{(1+ρ)/4})
    rho = 0.8
    a = alignment_loss(lambda z: np.exp(z / 2), 1, rho)
    truth = 2 * (math.exp(0.5) - math.exp((1 + rho) / 4))
    assert a.method == "quadrature" and a.resolved
    assert abs(a.value - truth) <= a.error < 1e-10


def test_error_is_the_95_percent_half_width_for_monte_carlo():
    a = alignment_loss(np.tanh, 3, 0.5, seed=1, n_samples=2000)
    assert a.error == pytest.approx(1.959964 * a.standard_error, rel=1e-6)


def test_sequence_error_rejects_a_sequence_that_does_not_converge():
    from lejepa_verify.numerics.convergence import sequence_error

    # negative control of the classifier: an oscillating sequence has no error it can stand behind
    s = sequence_error([1.0, 1.2, 0.9])
    assert not s.converging and s.error == math.inf
    fast = sequence_error([1.0, 1.01, 1.0101])
    assert fast.resolved and fast.error == pytest.approx(1e-4, rel=1e-6)
    slow = sequence_error([1.0, 0.9, 0.85])     # ratio 1/2: order 1, tail 2 · 0.05 · (1/2)/(1 − 1/2)
    assert slow.converging and not slow.resolved and slow.error == pytest.approx(0.1, rel=1e-6)


@pytest.mark.parametrize("method", ["quadrature", "montecarlo"])
def test_a_map_that_overflows_is_one_value_error_without_a_runtime_warning(method):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning printed before the error fails the test
        with pytest.raises(ValueError, match="too large for a finite alignment loss"):
            alignment_loss(lambda z: 1e200 * z, 2, 0.5, method=method, seed=0)
        # the control: a large map whose loss (and its variance) is finite, E||c(z − z')||² = 2(1 − ρ) n c²
        a = alignment_loss(lambda z: 1e70 * z, 2, 0.5, method=method, seed=0)
    expected = 2 * 0.5 * 2 * 1e140
    if method == "quadrature":
        assert a.value == pytest.approx(expected, rel=1e-12)
    else:
        assert abs(a.value - expected) <= 5 * a.standard_error
