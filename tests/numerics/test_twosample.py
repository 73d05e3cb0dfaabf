"""The energy test against closed forms and its calibration under equal laws."""

import numpy as np
import pytest

from lejepa_verify.numerics.twosample import energy_distance, energy_test, gaussian_energy_test


def test_energy_distance_of_point_masses_is_twice_the_gap():
    # X ≡ 0, Y ≡ a: 2|a| − 0 − 0
    x = np.zeros((5, 1))
    y = np.full((7, 1), 3.0)
    assert energy_distance(x, y) == pytest.approx(6.0)


def test_gaussian_shift_is_detected_and_equal_laws_are_not():
    rng = np.random.default_rng(0)
    same = gaussian_energy_test(rng.standard_normal((400, 2)), seed=1)
    shifted = gaussian_energy_test(rng.standard_normal((400, 2)) + [0.5, 0.0], seed=1)
    assert same.p_value > 0.01
    assert shifted.p_value < 0.01 and shifted.excess > 5


def test_permutation_p_values_are_roughly_uniform_under_the_null():
    rng = np.random.default_rng(3)
    ps = [energy_test(rng.standard_normal(60), rng.standard_normal(60), permutations=50, seed=k).p_value
          for k in range(60)]
    # under H0, P(p <= 0.1) ≈ 0.1; with 60 draws, 0..16 rejections holds with prob > 0.999
    assert sum(p <= 0.1 for p in ps) <= 16


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="x holds non-finite"):
        energy_test([0.0, np.nan, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="dimension"):
        energy_test(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="permutations"):
        energy_test(np.zeros(4), np.zeros(4), permutations=1)
