"""The claim type itself: a verdict needs a passing check AND a rejected negative control."""

import json

import pytest

from lejepa_verify.theory.claims import Claim, Evidence, Scope, instances, proof, run_claim


def _check(value=1):
    return Evidence(passed=(value == 1), numbers={"value": value})


def _make(control, check=_check):
    return Claim(id="demo/x", statement="v = 1", source="test", layer="theory",
                 check=check, control=control, control_statement="v = 2", scope=instances("v = 1 only"))


def test_verified_when_check_passes_and_control_rejected():
    r = run_claim(_make({"value": 2}))
    assert r.passed and r.control_rejected and r.verified and r.verdict == "pass"
    assert r.evidence["numbers"] == {"value": 1}
    assert r.control_evidence["numbers"] == {"value": 2}
    json.dumps(r.to_dict())


def test_control_that_passes_is_flagged():
    r = run_claim(_make({"value": 1}))
    assert r.passed and not r.control_rejected and not r.verified
    assert r.verdict == "CONTROL ACCEPTED"


def test_exception_is_an_error_never_a_pass():
    def boom(value=1):
        raise RuntimeError("broken check")

    r = run_claim(_make({"value": 2}, check=boom))
    assert not r.passed and not r.control_rejected and r.verdict == "ERROR"
    assert "broken check" in r.error


def test_claim_without_control_or_with_unknown_axiom_is_refused():
    with pytest.raises(ValueError, match="negative control"):
        _make({})
    with pytest.raises(ValueError, match="unknown axiom"):
        Claim(id="d", statement="s", source="s", layer="theory", check=_check,
              control={"value": 2}, control_statement="c", axioms=("no_such_axiom",), scope=proof("all v"))
    with pytest.raises(ValueError, match="layer"):
        Claim(id="d", statement="s", source="s", layer="physics", check=_check,
              control={"value": 2}, control_statement="c", scope=proof("all v"))


def test_claim_without_scope_is_refused_and_scope_is_validated():
    with pytest.raises(ValueError, match="no scope"):
        Claim(id="d", statement="s", source="s", layer="theory", check=_check,
              control={"value": 2}, control_statement="c")
    with pytest.raises(ValueError, match="scope kind"):
        Scope("sampled", "d <= 3")
    with pytest.raises(ValueError, match="scope text"):
        proof("  ")


def test_scope_travels_into_the_result_and_json():
    r = run_claim(_make({"value": 2}))
    d = r.to_dict()
    assert d["scope"] == {"kind": "instances", "checked": "v = 1 only"}
    assert proof("all d >= 0").to_dict() == {"kind": "proof", "covers": "all d >= 0"}


def test_every_registered_claim_has_a_scope():
    from lejepa_verify.validation.claimrun import load_claims

    claims = load_claims()
    assert claims and all(isinstance(c.scope, Scope) for c in claims)
    kinds = {c.scope.kind for c in claims}
    assert kinds == {"proof", "instances"}
