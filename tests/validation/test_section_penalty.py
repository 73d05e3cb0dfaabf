"""Report section on the alignment penalty: figure files, exact values and honest claim verdicts."""

from fractions import Fraction

import pytest

from lejepa_verify.theory.claims import registered, run_claim
from lejepa_verify.validation.report import ReportContext, Section

FIGURE = "alignment_penalty"


def _section():
    from lejepa_verify.validation.sections import alignment_penalty

    return alignment_penalty


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The section built once with no claim results: (context, markdown)."""
    ctx = ReportContext(out=tmp_path_factory.mktemp("report"), claim_results=[])
    return ctx, _section().SECTION.build(ctx)


def test_section_writes_its_figure_and_embeds_it(built):
    module = _section()
    assert isinstance(module.SECTION, Section) and module.SECTION.order == 10
    ctx, md = built
    assert ctx.figures == [FIGURE]
    assert f"(figures/{FIGURE}.png)" in md and f"(figures/{FIGURE}.pdf)" in md
    png, pdf = ctx.out / "figures" / f"{FIGURE}.png", ctx.out / "figures" / f"{FIGURE}.pdf"
    assert png.stat().st_size > 0 and pdf.stat().st_size > 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.read_bytes()[:5] == b"%PDF-"
    # no claims were run, so none may be reported as passing
    for cid in module.CLAIM_IDS:
        assert f"`{cid}`: **not run**" in md


def test_section_quotes_exact_values_at_rho_19_20(built):
    module = _section()
    _, md = built
    rho = Fraction(19, 20)
    assert str(module.RHO_EXACT) == str(rho)
    # hand arithmetic in Fractions: gap 2ρ(1 − ρ), linear cost 2(1 − ρ), Theorem A bound for n = 2
    assert f"the gap is {2 * rho * (1 - rho)} ≈" in md and "attained at d = 2" in md
    assert f"a linear feature costs {2 * (1 - rho)} and the Theorem A bound for n = 2 is {4 * (1 - rho)}" in md
    for d in range(1, module.MAX_DEGREE + 1):
        penalty, excess = 2 * (1 - rho**d), 2 * (rho - rho**d)
        assert f"| {d} | {penalty} ≈ {float(penalty):.4f} | {excess} ≈ {float(excess):.4f} |" in md


def test_section_reports_the_verdict_of_a_claim_that_ran(tmp_path):
    import lejepa_verify.theory.checks.alignment  # noqa: F401 - registers the claims

    (c,) = [c for c in registered("theory") if c.id == "alignment/spectral-gap"]
    result = run_claim(c)
    md = _section().SECTION.build(ReportContext(out=tmp_path, claim_results=[result]))
    assert f"`alignment/spectral-gap`: **{result.verdict}**" in md and result.verdict == "pass"
    assert "`alignment/excess-positive`: **not run**" in md
