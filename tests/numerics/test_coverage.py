"""Fast subset of benchmarks/bench_coverage.py: the alignment loss's error bars cover closed-form truths.

Scope: seven maps of the coverage library (smooth, kinked and discontinuous; 1D and 2D) at
ρ = 0.7, every method, the benchmark's fixed seeds. The full study (26 maps, three ρ, n up to
8) is ``python benchmarks/bench_coverage.py``.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

from lejepa_verify.numerics.alignment import _quadrature_value

_LIB = Path(__file__).resolve().parents[2] / "benchmarks" / "coverage_library.py"
_BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_coverage.py"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SUBSET = ("sign", "relu", "step(z > 0.5)", "exp(z/2)", "tanh(3z)", "relu∘Q (2D)", "piecewise reflection (2D)")


@pytest.fixture(scope="module")
def rows():
    import sys

    sys.path.insert(0, str(_LIB.parent))
    try:
        bench = _load(_BENCH, "bench_coverage")
        return bench.run(names=set(SUBSET), rhos=(0.7,))
    finally:
        sys.path.remove(str(_LIB.parent))


def test_every_error_bar_of_the_subset_covers_its_truth(rows):
    assert {r["map"] for r in rows} == set(SUBSET)
    missed = [(r["map"], r["method"], r["deviation"], r["error"]) for r in rows if not r["covered"]]
    assert not missed, missed


def test_auto_never_keeps_quadrature_on_a_kink_or_a_jump(rows):
    for r in rows:
        if r["method"] == "auto" and r["kind"] != "smooth":
            assert r["used"] == "montecarlo", (r["map"], r["reason"])


def test_error_bars_are_not_uselessly_wide_on_kinks_and_jumps(rows):
    # honest but useless would be 100× too wide: the median over the non-smooth cases stays below 20
    ratios = [r["ratio"] for r in rows if r["kind"] != "smooth" and math.isfinite(r["ratio"])]
    assert np.median(ratios) < 20, ratios


def test_the_old_two_rule_estimate_fails_this_check():
    # negative control: |Q_q − Q_{ceil(3q/4)}| at q = 96 (the estimate this replaced) does not
    # cover Sheppard's truth for sign at ρ = 0.7
    rho, q = 0.7, 96
    fine, coarse = _quadrature_value(np.sign, 1, rho, q), _quadrature_value(np.sign, 1, rho, math.ceil(3 * q / 4))
    truth = 2 - 4 * math.asin(rho) / math.pi
    assert abs(fine - truth) > abs(fine - coarse)
