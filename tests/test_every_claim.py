"""Every registered claim, of every layer: verified, and every one of its negative controls rejected.

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


def test_theory_claims_stating_a_formula_have_at_least_three_controls():
    # the audits of declarations that are not true as written state a classification, not a formula:
    # their controls are the repaired statements and the wrong classification
    from lejepa_verify.theory.checks.lean_audit import CLAIMED_CLASSIFICATION

    exempt = {f"lean/{n}" for n, cls in CLAIMED_CLASSIFICATION.items() if cls != "true"}
    short = [c.id for c in CLAIMS if c.layer == "theory" and c.id not in exempt and len(c.controls) < 3]
    assert not short, short
    assert all(len(c.controls) >= 2 for c in CLAIMS if c.id in exempt)


def test_at_least_36_claims_are_proofs():
    assert sum(c.scope.kind == "proof" for c in CLAIMS) >= 36


@pytest.mark.parametrize("claim", _params())
def test_claim_is_verified_and_its_controls_rejected(claim):
    result = run_claim(claim)
    assert result.error is None, result.error
    assert result.passed, result.evidence
    assert len(result.controls) == len(claim.controls) and result.control_rejected, \
        [(o.statement, o.evidence) for o in result.controls if not o.rejected]
