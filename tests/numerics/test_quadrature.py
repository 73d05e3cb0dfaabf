"""Gauss–Hermite and Smolyak rules against exact Gaussian moments and numpy's hermegauss."""

import itertools
import math

import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss

from lejepa_verify.numerics.hermite import hermite_functions
from lejepa_verify.numerics.quadrature import MAX_NODES, gauss_hermite, smolyak_rule, smolyak_size, tensor_rule


def _moment(beta) -> int:
    # E z^b = (b − 1)!! for even b, 0 for odd b; products over independent coordinates
    return math.prod(0 if b % 2 else math.prod(range(b - 1, 0, -2)) for b in beta)


@pytest.mark.parametrize("q", [1, 2, 7, 40, 150, 300, MAX_NODES])
def test_rule_integrates_hermite_products_exactly(q):
    x, w = gauss_hermite(q)
    assert w.sum() == pytest.approx(1.0, abs=1e-14) and np.all(w >= 0)
    # E[h_j h_k] = δ_jk for j + k <= 2q − 1: take j, k < q (the Gram matrix), plus j = q, k < q − 1
    top = min(q - 1, 200)
    h = hermite_functions(x, top)
    gram = (h * w[:, None]).T @ h
    np.testing.assert_allclose(gram, np.eye(top + 1), atol=1e-13)


@pytest.mark.parametrize("q", [3, 20, 90])
def test_agrees_with_numpy_hermegauss(q):
    x, w = gauss_hermite(q)
    x2, w2 = hermegauss(q)
    np.testing.assert_allclose(x, x2, atol=1e-12)
    np.testing.assert_allclose(w, w2 / w2.sum(), atol=1e-15, rtol=1e-11)


def test_exactness_stops_at_2q_minus_1():
    x, w = gauss_hermite(4)
    assert w @ x**6 == pytest.approx(15.0, rel=1e-13)  # degree 6 <= 7
    assert abs(w @ x**8 - 105.0) > 1.0                   # degree 8 > 7: not exact


def test_tensor_rule_is_exact_per_coordinate():
    r = tensor_rule(2, 4)
    assert r.n_points == 16 and r.exact_degree == 7
    for beta in itertools.product(range(8), repeat=2):
        val = r.integrate(np.prod(r.points ** np.array(beta), axis=1))
        assert val == pytest.approx(_moment(beta), abs=1e-10 * max(1, _moment(beta)))


@pytest.mark.parametrize("dim,level", [(2, 3), (3, 2), (4, 3), (6, 2), (7, 3)])
def test_smolyak_is_exact_to_total_degree_2k_plus_1(dim, level):
    r = smolyak_rule(dim, level)
    assert r.exact_degree == 2 * level + 1 and r.n_points <= smolyak_size(dim, level)
    top = 2 * level + 1
    worst = 0.0
    for beta in itertools.product(range(top + 1), repeat=min(dim, 3)):
        beta = tuple(beta) + (0,) * (dim - len(beta))
        if sum(beta) > top:
            continue
        val = r.integrate(np.prod(r.points ** np.array(beta), axis=1))
        worst = max(worst, abs(val - _moment(beta)) / max(1, _moment(beta)))
    assert worst < 1e-11
    # and it is not exact one even degree higher
    beta = (2 * level + 2,) + (0,) * (dim - 1)
    assert abs(r.integrate(r.points[:, 0] ** (2 * level + 2)) - _moment(beta)) > 1e-3


def test_smolyak_level_zero_is_the_origin():
    r = smolyak_rule(5, 0)
    assert r.n_points == 1 and np.all(r.points == 0) and r.weights[0] == pytest.approx(1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="number of Gauss–Hermite nodes"):
        gauss_hermite(0)
    with pytest.raises(ValueError, match="at most"):
        tensor_rule(4, 60)
    with pytest.raises(ValueError, match="values must have"):
        tensor_rule(1, 3).integrate(np.zeros(4))
