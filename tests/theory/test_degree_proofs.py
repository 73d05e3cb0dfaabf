"""Proofs for every degree: each holds for the true statement and fails for its false variant."""

import math

import pytest
import sympy as sp

from lejepa_verify.theory import degree_proofs as P
from lejepa_verify.theory.hermite import gaussian_expectation, hermite_he, latent_symbols


@pytest.mark.parametrize("make, true_args, false_args", [
    (P.orthogonality_proof, (0,), (1,)),
    (P.mehler_proof, (0,), (1,)),
    (P.mehler_multivariate_proof, (0,), (1,)),
    (P.penalty_proof, (2, 0), (1, 0)),
    (P.penalty_proof, (2, 0), (2, 1)),
    (P.excess_proof, (2,), (1,)),
    (P.gap_proof, (1, 2), (2, 2)),
    (P.gap_proof, (1, 2), (1, 3)),
    (P.simplex_proof, (1,), (2,)),
    (P.small_t_proof, (0,), (1,)),
    (P.hermite_eigen_proof, ("gaussian",), ("gennorm4",)),
])
def test_proof_holds_and_its_false_variant_fails(make, true_args, false_args):
    good, bad = make(*true_args), make(*false_args)
    assert good.holds and not good.failing_steps
    assert not bad.holds and bad.failing_steps
    assert good.to_dict()["holds"] is True and bad.to_dict()["holds"] is False


def test_generating_function_coefficients_against_the_moments():
    # an independent route: the series coefficients of exp(tz − t²/2) have the Gaussian norms k!
    z = latent_symbols(1)[0]
    t = sp.Symbol("t")
    series = sp.series(sp.exp(t * z - t**2 / 2), t, 0, 7).removeO()
    for k in range(7):
        he = sp.Poly(sp.expand(series.coeff(t, k) * math.factorial(k)), z, domain=sp.QQ)
        assert he == hermite_he(k, z)
        assert gaussian_expectation(he * he) == math.factorial(k)


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="norm_shift"):
        P.orthogonality_proof(-1)
    with pytest.raises(ValueError, match="claimed_degree"):
        P.gap_proof(1, 1)
    with pytest.raises(ValueError, match="law"):
        P.hermite_eigen_proof("cauchy")
