"""The affine least squares behind R² and the orthogonality error, against an SVD solve."""

import pytest


def test_the_fast_affine_fit_agrees_with_an_svd_least_squares_and_falls_back_on_a_collapsed_design():
    # an independent reference: numpy's SVD least squares on the design [a, 1]
    import numpy as np

    from lejepa_verify.validation.metrics import affine_fit, linear_map, r2

    def reference(a, b):
        X = np.hstack([a, np.ones((len(a), 1))])
        coef = np.linalg.lstsq(X, b, rcond=None)[0]
        res = b - X @ coef
        return coef[:-1], 1 - np.sum(res ** 2) / np.sum((b - b.mean(0)) ** 2)

    rng = np.random.default_rng(1)
    for N, n in ((300, 2), (2000, 16), (3000, 64)):
        z = rng.standard_normal((N, n))
        h = z @ rng.standard_normal((n, n)) + 0.2 * np.tanh(z) ** 2 + 3.0
        coef, ref = reference(h, z)
        assert r2(h, z) == pytest.approx(ref, abs=1e-12)
        assert np.allclose(linear_map(z, h), reference(z, h)[0].T, atol=1e-10)
    # two coordinates equal to 1e-9: the normal equations would square a condition number of 1e9
    z = rng.standard_normal((1000, 2))
    h = np.c_[z[:, 0], z[:, 0] * (1 + 1e-9), z[:, 1]]
    assert r2(h, z) == pytest.approx(reference(h, z)[1], abs=1e-10)
    _, res = affine_fit(h, z)
    assert np.sum(res ** 2) < 1e-12
