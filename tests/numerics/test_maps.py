"""The map library: Gaussian preservation by a two-sample test, geometric identities, bad names."""

import numpy as np
import pytest

from lejepa_verify.numerics.maps import (
    MAP_NAMES,
    gaussian_preservation_test,
    gaussian_preserving_library,
    make_map,
    mixing_library,
)


@pytest.mark.parametrize("dim", [2, 4])
def test_library_maps_preserve_the_standard_gaussian(dim):
    for m in gaussian_preserving_library(dim, seed=1):
        assert m.gaussian_preserving
        r = gaussian_preservation_test(m, dim, n_samples=400, permutations=60, seed=11)
        assert r.excess < 4, (m.name, r.to_dict())
        y = m(np.random.default_rng(0).standard_normal((20_000, dim)))
        # moments of N(0, I) within ~5 standard errors of 20 000 draws
        np.testing.assert_allclose(y.mean(0), 0, atol=0.04)
        np.testing.assert_allclose(np.cov(y.T), np.eye(dim), atol=0.06)


def test_non_gaussian_mixings_are_rejected():
    for m in mixing_library():
        if m.name == "spiral":
            continue
        # the sinusoid is the mildest departure: 1000 draws make it clear
        r = gaussian_preservation_test(m, 2, n_samples=1000, permutations=30, seed=11)
        assert r.excess > 5 and r.p_value < 0.05, m.name


def test_geometry_of_the_gaussian_preserving_maps():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((1000, 3))
    rot = make_map("radial_rotation", 3, turns=0.7)
    np.testing.assert_allclose(np.linalg.norm(rot(z), axis=1), np.linalg.norm(z, axis=1), rtol=1e-13)
    refl = make_map("piecewise_reflection", 3, seed=5)
    b = refl.params["b"]
    np.testing.assert_allclose(refl(z) @ b, z @ b, atol=1e-12)   # the half-space b·z > 0 maps to itself
    np.testing.assert_allclose(refl(refl(z)), z, atol=1e-12)     # an involution
    c = 0.3
    fwd, back = make_map("circle_shift", 3, shift=c), make_map("circle_shift", 3, shift=1 - c)
    np.testing.assert_allclose(back(fwd(z)), z, atol=1e-8)
    extreme = fwd(np.array([[-38.0, 0.0, 38.0]]))
    assert np.all(np.isfinite(extreme))
    spiral = make_map("spiral")
    r = np.linalg.norm(z[:, :2], axis=1)
    want = np.stack([np.cos(np.pi * r) * z[:, 0] - np.sin(np.pi * r) * z[:, 1],
                     np.sin(np.pi * r) * z[:, 0] + np.cos(np.pi * r) * z[:, 1]], axis=1)
    np.testing.assert_allclose(spiral(z[:, :2]), want, atol=1e-13)


def test_mixings_match_their_formulas_and_seeds():
    z = np.random.default_rng(0).standard_normal((50, 2))
    np.testing.assert_allclose(make_map("banana")(z), np.c_[z[:, 0], z[:, 1] + z[:, 0] ** 2])
    np.testing.assert_allclose(make_map("sinusoid")(z), np.c_[z[:, 0] + np.sin(1.5 * z[:, 1]), z[:, 1]])
    a, b = make_map("affine_coupling", 4, seed=1), make_map("affine_coupling", 4, seed=1)
    z4 = np.random.default_rng(1).standard_normal((50, 4))
    np.testing.assert_array_equal(a(z4), b(z4))
    assert not np.allclose(a(z4), make_map("affine_coupling", 4, seed=2)(z4))


def test_bad_names_and_parameters():
    with pytest.raises(ValueError, match="valid choices: " + ", ".join(MAP_NAMES[:2])):
        make_map("swirl")
    with pytest.raises(ValueError, match="dim = 2"):
        make_map("banana", 3)
    with pytest.raises(ValueError, match="even dim"):
        make_map("affine_coupling", 3)
    with pytest.raises(ValueError, match="b must be orthogonal to a"):
        make_map("piecewise_reflection", 2, a=[1.0, 0.0], b=[1.0, 1.0])
    with pytest.raises(ValueError, match="shift must lie in"):
        make_map("circle_shift", 2, shift=1.5)
    with pytest.raises(ValueError, match="takes parameters"):
        make_map("spiral", turns=2)
    with pytest.raises(ValueError, match=r"takes an \(N, 2\) array"):
        make_map("spiral")(np.zeros((3, 3)))


def test_the_families_are_the_registry_modules_and_the_libraries_read_them():
    from lejepa_verify.numerics.maps.base import REGISTRY

    assert sorted(MAP_NAMES) == sorted(REGISTRY.names())
    assert [m.name for m in mixing_library()] == ["spiral", "banana", "sinusoid"]
    lib = gaussian_preserving_library(3, seed=2)
    assert [m.name for m in lib] == ["identity", "orthogonal", "radial_rotation", "circle_shift",
                                     "piecewise_reflection", "reflection_rotation"]
    # every family a library lists as Gaussian-preserving says so, and no other one does
    assert all(REGISTRY.get(m.name).gaussian_preserving for m in lib)


def test_fixed_mixing_formulas_and_their_inverses():
    # the one written formula of each fixed 2D mixing, on any leading shape, and its inverse
    from lejepa_verify.numerics.maps.banana import banana, banana_inverse
    from lejepa_verify.numerics.maps.sinusoid import sinusoid, sinusoid_inverse
    from lejepa_verify.numerics.maps.spiral import spiral, spiral_inverse

    z = np.random.default_rng(4).standard_normal((3, 7, 2))
    for fwd, inv in ((banana, banana_inverse), (sinusoid, sinusoid_inverse), (spiral, spiral_inverse)):
        x = fwd(z)
        assert x.shape == z.shape
        np.testing.assert_allclose(inv(x), z, atol=1e-12)
    # the spiral keeps the radius (so its inverse is the same rotation backwards)
    np.testing.assert_allclose(np.linalg.norm(spiral(z), axis=-1), np.linalg.norm(z, axis=-1), rtol=1e-13)
    flat = z.reshape(-1, 2)
    for name, fwd in (("banana", banana), ("sinusoid", sinusoid), ("spiral", spiral)):
        np.testing.assert_array_equal(make_map(name)(flat), fwd(flat))
