"""Tensor Gauss–Hermite quadrature under ``N(0, I_dim)``: the numerical reference the theory tests share.

numpy only, so it stays independent of the exact code under test. With ``points`` nodes per
coordinate the rule is exact, up to rounding, for polynomials of degree ``<= 2·points − 1`` in
each coordinate.
"""

import math

import numpy as np
import numpy.polynomial.hermite_e as He


def gauss_hermite_grid(dim: int, points: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Nodes (one array per coordinate, each of shape ``(points,) * dim``) and weights summing to 1.

    ``E f(Z) ≈ Σ weights · f(*nodes)`` for ``Z ~ N(0, I_dim)``: the probabilists' rule
    ``hermegauss`` (weight ``e^{−x²/2}``) divided by ``sqrt(2π)`` per coordinate, as a product rule.
    """
    x, w = He.hermegauss(points)
    w = w / math.sqrt(2 * math.pi)
    nodes = np.meshgrid(*([x] * dim), indexing="ij")
    weights = np.ones_like(nodes[0])
    for axis_weights in np.meshgrid(*([w] * dim), indexing="ij"):
        weights = weights * axis_weights
    return nodes, weights
