"""Report section on the Gaussianity statistics: one row per regulariser, the predicted scale from
each statistic's curvature, null means in closed form, and the figure."""

import math

import pytest

from lejepa_verify.validation.report import ReportContext, Section

#: four short trainings: about a minute on the shared 2-core machine, so outside the default suite
pytestmark = pytest.mark.slow

FIGURE = "gaussianity_statistics"
#: a few steps of a tiny MLP: the section's plumbing, not its numbers
TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "width": 8, "depth": 1, "n_slices": 4}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from lejepa_verify.validation.sections import gaussianity_statistics

    ctx = ReportContext(out=tmp_path_factory.mktemp("report"), claim_results=[], progress=False,
                        train_overrides=TINY)
    return ctx, gaussianity_statistics.SECTION.build(ctx)


def _rows(md):
    return [line.split(" | ") for line in md.splitlines() if line.startswith("| spiral")]


def test_section_trains_each_regulariser_and_writes_its_figure(built):
    from lejepa_verify.validation.sections import gaussianity_statistics

    assert isinstance(gaussianity_statistics.SECTION, Section)
    ctx, md = built
    assert ctx.figures == [FIGURE]
    png = ctx.out / "figures" / f"{FIGURE}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [row[1] for row in _rows(md)] == ["lejepa", "anderson_darling", "cramer_von_mises", "bhep"]
    assert "report --profile cpu" in md


def test_predicted_scale_and_null_means_are_the_closed_forms(built):
    _, md = built
    rows = {row[1]: row for row in _rows(md)}
    # Cramér–von Mises: S'' = 1/(3√3π); c = λBS''/(λBS'' + (1 − λ)4m(1 − ρ)) at λ = 0.08, B = 512, m = 2, ρ = 0.95
    s2 = 1 / (3 * math.sqrt(3) * math.pi)
    c = 0.08 * 512 * s2 / (0.08 * 512 * s2 + 0.92 * 8 * 0.05)
    assert rows["cramer_von_mises"][7] == f"{c:.3f}" and rows["cramer_von_mises"][8] == f"{s2:.3g}"
    # held-out null means: E A² = 1, E W² = 1/6, E T_β = 1 − (1 + 2β²)^{−1} at Henze–Zirkler's β for the
    # 64 held-out rows scored here (eval_size = 64)
    beta = (5 * 64 / 4) ** (1 / 6) / math.sqrt(2)
    assert rows["anderson_darling"][10].strip(" |") == "1"
    assert rows["cramer_von_mises"][10].strip(" |") == f"{1 / 6:.3g}"
    assert rows["bhep"][10].strip(" |") == f"{1 - 1 / (1 + 2 * beta ** 2):.3g}"
    # SIGReg's curvature on its default quadrature: 2 Σ w t⁴ e^{−t²} ≈ 2 ∫ t⁴ e^{−3t²/2} dt = (3/2)√π (3/2)^{−5/2}
    assert float(rows["lejepa"][8]) == pytest.approx(1.5 * math.sqrt(math.pi) * 1.5 ** -2.5, rel=0.01)
