"""The README's property-test example runs as written, and the strategies draw what they promise."""

import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify import strategies as lst
from lejepa_verify.numerics.latents import LATENT_LAWS, law_family
from lejepa_verify.theory.hermite import hermite_spectrum

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"<!-- strategies-example:start -->\s*```python\n(.*?)```\s*<!-- strategies-example:end -->", text, re.S)
    assert m, "README.md lost its strategies example (markers strategies-example:start/end)"
    return m.group(1)


def test_the_readme_example_runs_as_written():
    code = _readme_example()
    exec(compile(code, "README.md#strategies-example", "exec"), {"__name__": "readme_example"})


def test_the_readme_example_fails_when_the_theorem_is_reversed():
    # the control: the same test with the inequality reversed must be refuted by hypothesis
    code = _readme_example()
    assert "excess >= gap" in code
    with pytest.raises(AssertionError):
        exec(compile(code.replace("excess >= gap", "excess < gap"), "README.md#reversed", "exec"),
             {"__name__": "readme_example"})


@settings(max_examples=30)
@given(st.data())
def test_strategies_respect_their_bounds(data):
    r = data.draw(lst.rho(0.2, 0.3))
    assert 0.2 <= r <= 0.3
    q = data.draw(lst.rational_rho(7))
    assert isinstance(q, Fraction) and 0 < q < 1 and q.denominator <= 7
    alpha = data.draw(lst.multi_indices(3, max_degree=4, min_degree=1))
    assert len(alpha) == 3 and 1 <= sum(alpha) <= 4 and min(alpha) >= 0
    w = data.draw(lst.simplex_weights(2, 5))
    assert sum(w) == 1 and all(x >= 0 for x in w) and 2 <= len(w) <= 5
    wf = data.draw(lst.simplex_weights(exact=False))
    assert sum(wf) == pytest.approx(1.0, abs=1e-14)


@settings(max_examples=20, deadline=None)
@given(P=lst.psd_matrices(3), Pe=lst.psd_matrices(2, exact=True, rank=1), Q=lst.rational_orthogonal_matrices(3))
def test_matrix_strategies_draw_psd_and_exactly_orthogonal_matrices(P, Pe, Q):
    assert np.allclose(P, P.T) and np.linalg.eigvalsh(P).min() >= -1e-9 * max(1.0, np.abs(P).max())
    assert Pe == Pe.T and Pe.det() == 0 and all(v >= 0 for v in Pe.eigenvals())
    assert Q.T * Q == sp.eye(3) and all(x.is_Rational for x in Q)


@settings(max_examples=15, deadline=None)
@given(h=lst.hermite_polynomial_maps(2, max_degree=3))
def test_drawn_maps_carry_their_exact_hermite_spectrum(h):
    # the spectrum by change of basis (theory.hermite) against the one known by construction
    spec = hermite_spectrum(h.components, h.gens)
    assert [list(r) for r in spec.energies] == [list(r) for r in h.energies]


@settings(max_examples=10, deadline=None)
@given(m=lst.gaussian_preserving_maps(2))
def test_gaussian_preserving_maps_keep_the_second_moment(m):
    z = np.random.default_rng(0).standard_normal((4000, 2))
    hz = m(z)
    assert m.gaussian_preserving
    # E|h(z)|² = E|z|² = 2 for a Gaussian-preserving map (sampling error of |z|² is 2/sqrt(4000))
    assert float((hz**2).sum(1).mean()) == pytest.approx(2.0, abs=5 * 2 / np.sqrt(4000))


@settings(max_examples=30, deadline=None)
@given(law=lst.latent_laws(gaussian=False))
def test_drawn_laws_lie_in_their_declared_ranges(law):
    assert law.name in LATENT_LAWS and not law.is_gaussian
    for p in law_family(law.name).parameters:
        assert p.contains(law.params[p.name])


def test_strategy_arguments_are_checked_when_built():
    with pytest.raises(ValueError, match="min_value must lie in"):
        lst.rho(0.0, 0.5)
    with pytest.raises(ValueError, match="min_value must be <= max_value"):
        lst.rho(0.6, 0.5)
    with pytest.raises(ValueError, match="valid parameters: alpha"):
        lst.latent_law_params("gennorm", {"shape": (1, 2)})
    with pytest.raises(ValueError, match=r"bounds for alpha must lie in \[0.01, 32\]"):
        lst.latent_law_params("gennorm", {"alpha": (0.001, 2)})
    with pytest.raises(ValueError, match="unknown latent law"):
        lst.latent_laws(["cauchy"])
    with pytest.raises(ValueError, match="names must be among"):
        lst.gaussian_preserving_maps(2, ["spiral_typo"])


def test_without_hypothesis_the_import_error_says_what_to_install():
    import subprocess
    import sys

    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import lejepa_verify.strategies\nexcept ModuleNotFoundError as e:\n    print(e)\n")
    from tests.waiting import HANG_GUARD

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert "pip install 'lejepa-verify[test]'" in out.stdout, out.stderr
