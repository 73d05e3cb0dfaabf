"""Every registered claim, of every layer: verified, and its negative control rejected.

The list of claims comes from the registry (``claimrun.load_claims``), never from a list of
ids written here, so a new claim is covered the moment it is registered. Claims marked
``slow`` run under ``-m slow``.
"""

import pytest

from lejepa_verify.theory.claims import run_claim
from lejepa_verify.validation.claimrun import load_claims

CLAIMS = load_claims()


def _params():
    for c in CLAIMS:
        marks = [pytest.mark.slow] if c.slow else []
        yield pytest.param(c, id=c.id, marks=marks)


def test_the_registry_is_not_empty_and_ids_are_unique():
    ids = [c.id for c in CLAIMS]
    assert len(ids) >= 40 and len(ids) == len(set(ids))


@pytest.mark.parametrize("claim", _params())
def test_claim_is_verified_and_its_control_rejected(claim):
    result = run_claim(claim)
    assert result.error is None, result.error
    assert result.passed, result.evidence
    assert result.control_rejected, result.control_evidence
