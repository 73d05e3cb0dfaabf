"""Report section on embeddings wider than the latent: the optimum's closed forms measured on an
exact optimum, a mutant of the prediction rejected, and the section's table and figure."""

import numpy as np
import pytest

from lejepa_verify.validation.report import ReportContext, Section
from lejepa_verify.validation.sections import width_ratio

#: a few steps of a tiny MLP: the section's plumbing, not its numbers
TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "width": 8, "depth": 1}


def exact_optimum(n: int, m: int, size: int, seed: int = 0):
    """A whitened optimum of width m: z (rotated) in n coordinates, then m − n distinct degree-2
    Hermite features He₂(z_i)/√2 and z_i z_j (unit variance, uncorrelated with z and each other)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((size, n))
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    quad = [(z[:, i] ** 2 - 1) / np.sqrt(2) for i in range(n)] + \
        [z[:, i] * z[:, j] for i in range(n) for j in range(i + 1, n)]
    return np.column_stack([z @ q.T, *quad[: m - n]]), z


@pytest.mark.parametrize("n,m", [(2, 3), (4, 6), (4, 8), (3, 9)])
def test_an_exact_optimum_measures_what_the_section_predicts(n, m):
    h, z = exact_optimum(n, m, 200_000)
    got = width_ratio.measure(h, z)
    # sampling error of these moments at 2·10⁵ rows is a few 10⁻³; the mutants below differ by ≥ 0.05
    assert got["w_nl"] == pytest.approx(m - n, abs=0.05)
    assert got["trace"] == pytest.approx(m, abs=0.05)
    assert got["gap"] == pytest.approx(width_ratio.optimum_gap(n, m), abs=0.01)
    # controls: the share not squared, and the gap said to vanish, are both rejected by the measurement
    assert abs(got["gap"] - (1 - n / m)) > 0.05
    assert abs(got["gap"] - 0.0) > 0.05


def test_the_optimum_gap_refuses_a_narrower_embedding():
    with pytest.raises(ValueError, match="n <= m"):
        width_ratio.optimum_gap(4, 2)


@pytest.mark.slow
def test_section_trains_each_width_and_writes_its_figure(tmp_path):
    assert isinstance(width_ratio.SECTION, Section)
    ctx = ReportContext(out=tmp_path, claim_results=[], progress=False, train_overrides=TINY)
    md = width_ratio.SECTION.build(ctx)
    assert ctx.figures == ["width_ratio"]
    assert (tmp_path / "figures" / "width_ratio.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rows = [line.split(" | ") for line in md.splitlines() if line.startswith("| whitening")]
    assert [r[1] for r in rows] == ["1 (4/4)", "1.5 (6/4)", "2 (8/4)", "3 (12/4)"]
    assert [r[8] for r in rows] == [f"{(1 - 4 / m) ** 2:.4f}" for m in (4, 6, 8, 12)]
    assert "sweep width_ratio --profile cpu" in md
