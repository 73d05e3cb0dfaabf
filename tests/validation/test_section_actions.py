"""Report section on worlds with actions: one row per run with the optimum's predictions beside the
measurements (their closed forms are tested in test_action_metrics.py), the peer's table, the figure."""

import math

import pytest

from lejepa_verify.validation.report import ReportContext, Section

#: four short trainings of a tiny MLP (20 s on the shared machine): the plumbing, not the numbers
pytestmark = pytest.mark.slow
TINY = {"steps": 5, "eval_every": 5, "eval_size": 128, "width": 8, "depth": 1, "n_slices": 4}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from lejepa_verify.validation.sections import actions

    ctx = ReportContext(out=tmp_path_factory.mktemp("report"), claim_results=[], progress=False,
                        train_overrides=TINY)
    return ctx, actions.SECTION.build(ctx)


def _tables(md):
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in md.splitlines() if line.startswith("| lejepa")]
    return [r for r in rows if len(r) == 11], [r for r in rows if len(r) == 12]


def test_section_trains_each_case_and_writes_its_figure(built):
    from lejepa_verify.validation.sections import actions

    assert isinstance(actions.SECTION, Section)
    ctx, md = built
    assert ctx.figures == ["actions"]
    assert (ctx.out / "figures" / "actions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    state, axis = _tables(md)
    cases = [("lejepa_action", "full", "1"), ("lejepa_action", "full", "0.1"), ("lejepa_action", "1", "1"),
             ("lejepa", "full", "1")]
    assert [tuple(r[:3]) for r in state] == cases and [tuple(r[:3]) for r in axis] == cases
    assert "1.018 ± 0.007" in md          # the peer's base condition number, cited
    assert any("action world" in q for q, _ in ctx.summary)


def test_each_measurement_has_the_optimums_value_beside_it(built):
    _, md = built
    state, axis = _tables(md)
    # ρ̂ beside ρ = 0.9; the normalised loss beside tr Λ and above the bound n·λ_min(Λ) in its column
    assert all(r[7].endswith("(0.9)") for r in state)
    for r in state:
        predicted, bound = r[9].split("(")[1].rstrip(")").split("; ≥ ")
        assert float(bound) < float(predicted)
    # full-rank actions: condition number predicted 1; rank one: ∞; the action-free learner has no predictor
    assert axis[0][4].endswith("(1.000)") and axis[2][4].endswith("(∞)")
    assert axis[3][4] == "—"
    assert all(math.isfinite(float(r[6])) for r in state)
