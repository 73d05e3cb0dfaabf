"""The mixing's fingerprint: pooled R² from second moments against least squares (a second method),
oracle maps whose R² is known, and their published columns at small n."""

import numpy as np
import pytest

from lejepa_verify.validation.metrics import r2
from lejepa_verify.validation.paper.fingerprint import fingerprint_both, pooled_r2_both
from lejepa_verify.validation.paper_numbers import load


def test_moments_agree_with_least_squares_in_both_directions():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 5))
    b = np.tanh(a @ rng.standard_normal((5, 3))) + 0.3 * rng.standard_normal((4000, 3)) + 2.0
    ab, ba = pooled_r2_both(a, b)
    assert ab == pytest.approx(r2(a, b), abs=1e-10) and ba == pytest.approx(r2(b, a), abs=1e-10)


def test_oracles_a_rotation_scores_one_and_independent_noise_its_closed_form():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((200_000, 4))
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    assert pooled_r2_both(z, z @ q + 1.0) == pytest.approx((1.0, 1.0), abs=1e-12)
    # b = a + e with e independent N(0, s²): R²(a→b) = 1 / (1 + s²) in the population, R²(b→a) the same here
    s = 0.5
    b = z + s * rng.standard_normal(z.shape)
    ab, ba = pooled_r2_both(z, b)
    assert ab == pytest.approx(1 / (1 + s ** 2), abs=3e-3) and ba == pytest.approx(1 / (1 + s ** 2), abs=3e-3)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="same number of rows"):
        pooled_r2_both(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="more samples than dimensions"):
        pooled_r2_both(np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="seeds must name at least one seed"):
        fingerprint_both(2, seeds=())


@pytest.mark.parametrize("n", [2, 16])
def test_both_directions_match_their_appendix_columns(n):
    numbers = load()
    fp = fingerprint_both(n)
    i = numbers.numbers("scaling_appendix_sigreg", "n").index(n)
    for key, ours in (("r2_x_to_z", fp.r2_xz_mean), ("r2_z_to_x", fp.r2_zx_mean)):
        mean = numbers.numbers("scaling_appendix_sigreg", key)[i]
        std = numbers.std("scaling_appendix_sigreg", key)[i]
        assert abs(ours - mean) <= 3 * std, (key, ours, mean, std)
    assert len(fp.r2_xz) == 5 and fp.to_dict()["n"] == n
