"""The claim type itself: a verdict needs a passing check AND every negative control rejected."""

import json

import pytest

from lejepa_verify.theory.claims import (
    CONTROL_KINDS,
    Claim,
    Control,
    Evidence,
    Scope,
    claim,
    control,
    instances,
    proof,
    run_claim,
)


def _check(value=1):
    return Evidence(passed=(value == 1), numbers={"value": value})


def _make(*controls, check=_check, lean=()):
    return Claim(id="demo/x", statement="v = 1", source="test", layer="theory", check=check,
                 controls=tuple(controls), lean=lean, scope=instances("v = 1 only"))


def test_verified_when_check_passes_and_every_control_rejected():
    r = run_claim(_make(control("wrong constant", "v = 2", value=2), control("wrong constant", "v = 3", value=3)))
    assert r.passed and r.control_rejected and r.verified and r.verdict == "pass"
    assert r.evidence["numbers"] == {"value": 1}
    assert [o.rejected for o in r.controls] == [True, True]
    assert r.control_statement == "(1) v = 2; (2) v = 3"
    json.dumps(r.to_dict())


def test_one_accepted_control_among_several_is_flagged_and_shown():
    r = run_claim(_make(control("wrong constant", "v = 2", value=2), control("wrong constant", "v = 1 again", value=1)))
    assert r.passed and not r.control_rejected and not r.verified
    assert r.verdict == "CONTROL ACCEPTED"
    # the evidence a reader is shown is the control that was not rejected
    assert r.control_evidence["numbers"] == {"value": 1}
    d = r.to_dict()
    assert [c["rejected"] for c in d["controls"]] == [True, False]
    assert d["controls"][1]["kind"] == "wrong constant"


def test_exception_is_an_error_never_a_pass():
    def boom(value=1):
        raise RuntimeError("broken check")

    r = run_claim(_make(control("wrong constant", "v = 2", value=2), check=boom))
    assert not r.passed and not r.control_rejected and r.verdict == "ERROR"
    assert "broken check" in r.error


def test_an_exception_in_a_control_is_an_error():
    def check(value=1):
        if value == 3:
            raise RuntimeError("control broke")
        return Evidence(passed=value == 1)

    r = run_claim(_make(control("wrong constant", "v = 2", value=2), control("wrong constant", "v = 3", value=3),
                        check=check))
    assert r.verdict == "ERROR" and not r.control_rejected and "control broke" in r.error


def test_claim_without_control_or_with_unknown_declaration_is_refused():
    with pytest.raises(ValueError, match="negative control"):
        _make()
    with pytest.raises(ValueError, match="unknown Lean declaration"):
        _make(control("wrong constant", "v = 2", value=2), lean=("no_such_theorem",))
    with pytest.raises(ValueError, match="layer"):
        Claim(id="d", statement="s", source="s", layer="physics", check=_check,
              controls=(control("wrong constant", "c", value=2),), scope=proof("all v"))


def test_control_is_validated():
    with pytest.raises(ValueError, match="control kind"):
        control("typo", "v = 2", value=2)
    with pytest.raises(ValueError, match="at least one argument"):
        Control(statement="v = 2", kwargs={}, kind="wrong constant")
    assert "non-Gaussian called Gaussian" in CONTROL_KINDS


def test_lean_names_declarations_and_axioms_is_the_axiom_part():
    c = _make(control("wrong constant", "v = 2", value=2), lean=("loss_lower_bound", "linear_of_degree_one"))
    assert c.lean == ("loss_lower_bound", "linear_of_degree_one")
    assert c.axioms == ("linear_of_degree_one",)
    r = run_claim(c)
    assert r.to_dict()["lean"] == ["loss_lower_bound", "linear_of_degree_one"]
    assert r.to_dict()["axioms"] == ["linear_of_degree_one"]


def test_decorator_reads_the_older_single_control_and_axioms():
    @claim("demo/legacy-single-control", statement="v = 1", source="test", layer="theory", control={"value": 2},
           control_statement="v = 2", axioms=("mazur_ulam",), scope=instances("v = 1"))
    def _legacy(value=1):
        return Evidence(passed=value == 1)

    from lejepa_verify.theory import claims as registry

    try:
        c = next(c for c in registry.registered("theory") if c.id == "demo/legacy-single-control")
        assert c.controls[0].kwargs == {"value": 2} and c.controls[0].kind == "unspecified"
        assert c.lean == ("mazur_ulam",) and c.control_statement == "v = 2"
    finally:  # a demo claim must not reach the runs of every claim
        registry._REGISTRY.pop("demo/legacy-single-control", None)


def test_claim_without_scope_is_refused_and_scope_is_validated():
    with pytest.raises(ValueError, match="no scope"):
        Claim(id="d", statement="s", source="s", layer="theory", check=_check,
              controls=(control("wrong constant", "c", value=2),))
    with pytest.raises(ValueError, match="scope kind"):
        Scope("sampled", "d <= 3")
    with pytest.raises(ValueError, match="scope text"):
        proof("  ")


def test_scope_travels_into_the_result_and_json():
    r = run_claim(_make(control("wrong constant", "v = 2", value=2)))
    d = r.to_dict()
    assert d["scope"] == {"kind": "instances", "checked": "v = 1 only"}
    assert proof("all d >= 0").to_dict() == {"kind": "proof", "covers": "all d >= 0"}


def test_every_registered_claim_has_a_scope():
    from lejepa_verify.validation.claimrun import load_claims

    claims = load_claims()
    assert claims and all(isinstance(c.scope, Scope) for c in claims)
    kinds = {c.scope.kind for c in claims}
    assert kinds == {"proof", "instances"}


def test_a_check_returning_something_else_is_an_error_not_a_crash():
    r = run_claim(_make(control("wrong constant", "v = 2", value=2), check=lambda value=1: {"passed": True}))
    assert r.verdict == "ERROR" and "must return Evidence" in r.error and not r.passed
