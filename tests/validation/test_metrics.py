"""Oracle tests of ``validation.metrics`` and of the Procrustes terms of ``numerics.bounds`` for
embeddings of another width than the latent (m ≠ n), in the manner of disentanglement_lib's
``dci_test.py``: maps whose scores are known in closed form.

The latents are whitened exactly (sample mean 0, sample covariance I with the 1/N divisor), so a
linear map's moment-based scores equal their population formulas to float precision:
for ``h = A z + b`` with ``A = U diag(s) Vᵀ`` (m × n, m ≥ n), ``||AᵀA − I_n||_F =
sqrt(Σ (s_i² − 1)²)``, the polar factor is ``Q = U Vᵀ`` and ``E||h − Qz||² = Σ (s_i − 1)² + ||b||²``,
and ``ε = ||AAᵀ − I_m||_F = sqrt(Σ (s_i² − 1)² + (m − n))``.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.numerics.bounds import approximate_identifiability, polar_factor
from lejepa_verify.validation.metrics import linear_map, mcc, orthogonality_error, r2


def whitened(N: int, n: int, seed: int) -> np.ndarray:
    """``N`` samples in ``R^n`` with sample mean exactly 0 and sample covariance exactly I (1/N)."""
    z = np.random.default_rng(seed).standard_normal((N, n))
    z -= z.mean(0)
    L = np.linalg.cholesky(z.T @ z / N)
    return z @ np.linalg.inv(L).T


def map_with_singular_values(s, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``A = U diag(s) Vᵀ`` (m × n) with Haar-random ``U`` (orthonormal columns) and ``V``; returns A, U, V."""
    n = len(s)
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((m, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return U @ np.diag(s) @ V.T, U, V


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 4), extra=st.integers(0, 4), seed=st.integers(0, 10_000),
       s=st.lists(st.floats(0.3, 2.0), min_size=4, max_size=4))
def test_a_non_square_linear_map_scores_its_singular_value_formulas(n, extra, seed, s):
    m = n + extra
    s = np.asarray(s[:n])
    z = whitened(600, n, seed)
    A, U, V = map_with_singular_values(s, m, seed + 1)
    b = np.linspace(-0.5, 0.5, m)
    h = z @ A.T + b
    assert r2(h, z) == pytest.approx(1.0, abs=1e-10) and r2(z, h) == pytest.approx(1.0, abs=1e-10)
    assert np.allclose(linear_map(z, h), A, atol=1e-10)
    assert orthogonality_error(z, h) == pytest.approx(math.sqrt(np.sum((s ** 2 - 1) ** 2)), abs=1e-9)
    h_next = h[::-1]  # any second half of the pairs: the Procrustes terms do not read it
    est = approximate_identifiability(z, h, h_next, 0.9, n_bootstrap=0)
    assert np.allclose(np.asarray(est.Q), U @ V.T, atol=1e-8)
    assert est.error == pytest.approx(np.sum((s - 1) ** 2) + b @ b, abs=1e-9)
    assert est.mean_sq_norm == pytest.approx(b @ b, abs=1e-12)
    assert est.epsilon == pytest.approx(math.sqrt(np.sum((s ** 2 - 1) ** 2) + (m - n)), abs=1e-9)


@pytest.mark.parametrize("n, m", [(1, 3), (2, 5), (3, 3), (4, 8)])
def test_an_isometric_embedding_scores_one_and_orthogonality_error_zero(n, m):
    # h = Qz with Q m × n, QᵀQ = I: R² 1, orthogonality error 0, Procrustes error 0, and
    # Cov h = QQᵀ, a projection of rank n: ε = sqrt(m − n) (a linear map cannot whiten R^m)
    z = whitened(500, n, seed=n + m)
    Q = np.linalg.qr(np.random.default_rng(m).standard_normal((m, n)))[0]
    h = z @ Q.T
    assert r2(h, z) == pytest.approx(1.0, abs=1e-12)
    assert orthogonality_error(z, h) < 1e-12
    est = approximate_identifiability(z, h, h, 0.9, n_bootstrap=0)
    assert est.error < 1e-12 and np.allclose(np.asarray(est.Q), Q, atol=1e-10)
    assert est.epsilon == pytest.approx(math.sqrt(m - n), abs=1e-10)


def test_mcc_of_wider_embeddings_matches_each_latent_to_its_copy():
    z = np.random.default_rng(0).standard_normal((2000, 3))
    noise = np.random.default_rng(1).standard_normal((2000, 2))
    # [z, 0, 0]: constant coordinates correlate with nothing; before they zeroed the score
    assert mcc(z, np.hstack([z, np.zeros((2000, 2))])) == pytest.approx(1.0, abs=1e-12)
    # permuted, rescaled copies beside independent coordinates: each z_i finds its copy (|corr| 1)
    h = np.hstack([noise[:, :1], -2.0 * z[:, [2]], z[:, [0]] + 1.0, noise[:, 1:], 0.5 * z[:, [1]]])
    assert mcc(z, h) == pytest.approx(1.0, abs=1e-12)
    # a collapsed coordinate among m = n: the others still count, the collapsed one scores 0
    h = np.hstack([z[:, :2], np.full((2000, 1), 3.0)])
    assert mcc(z, h) == pytest.approx(2 / 3, abs=1e-12)


def test_the_polar_factor_of_a_tall_map_has_orthonormal_columns_nearest_it():
    s = np.array([3.0, 0.5])
    A, U, V = map_with_singular_values(s, 5, seed=4)
    Q = polar_factor(A)
    assert np.allclose(Q.T @ Q, np.eye(2), atol=1e-12) and np.allclose(Q, U @ V.T, atol=1e-12)
    # the nearest matrix with orthonormal columns: ||A − Q||_F² = Σ (s_i − 1)²
    assert np.linalg.norm(A - Q) ** 2 == pytest.approx(np.sum((s - 1) ** 2), abs=1e-12)

