"""The fused SIGReg kernel against the plain formula computed in float64 (an independent
reference: every cos/sin evaluated directly, gradients by autograd), and its dispatch rules.

The closed form of the Epps–Pulley integral (tests/validation/test_objectives.py, 2001 knots on
[0, 12]) runs through the kernel too: 32 restarted runs of the recurrence.
"""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.validation.objectives import terms
from lejepa_verify.validation.objectives.terms import quadrature, sigreg, sigreg_reference


def _sample(B, m, S, dtype, seed, gaussian=False):
    """``h`` (B, m) and unit directions ``A`` (m, S); ``h`` near-Gaussian (the trained state, where
    the residuals cancel most) or skewed and heavy-tailed (large residuals)."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(B, m, generator=g, dtype=torch.float64)
    h = z if gaussian else 0.8 * z + 0.4 * (z ** 2 - 1) + 0.1 * z ** 3
    A = torch.randn(m, S, generator=g, dtype=torch.float64)
    A = A / A.norm(dim=0)
    return h.to(dtype), A.to(dtype)


def _knots(n_knots, dtype, t_max=3.0):
    """The quadrature's knots and weights in ``dtype``. In float64 they are recomputed in float64:
    ``quadrature`` rounds them to float32, and with a spacing that is not a binary fraction
    (3/15) float32 knots are equally spaced only to 1e−7, which the kernel's exact spacing then
    shows at that size (below float32's own precision)."""
    t, w = quadrature(n_knots, t_max)
    if dtype == torch.float32:
        return t, w
    t = torch.linspace(0.0, t_max, n_knots, dtype=torch.float64)
    dt = t_max / (n_knots - 1)
    w = torch.full((n_knots,), 2 * dt, dtype=torch.float64)
    w[0] = w[-1] = dt
    return t, w * torch.exp(-t ** 2 / 2)


def _reference(h, A, t, w):
    """Value and ∂/∂h of the plain formula, in float64, from the same (rounded) inputs."""
    h64 = h.detach().double().requires_grad_(True)
    value = sigreg_reference(h64, A.detach().double(), t.double(), w.double())
    (grad,) = torch.autograd.grad(value, h64)
    return float(value.detach()), grad


def _fused(h, A, t, w):
    assert terms._fused_knots(h, A, t, w) is not None      # the kernel, not the fallback, is tested
    h = h.detach().clone().requires_grad_(True)
    value = sigreg(h, A, t, w)
    (grad,) = torch.autograd.grad(value, h)
    assert value.dtype == h.dtype and grad.dtype == h.dtype
    return float(value.detach()), grad.double()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("m", [2, 8, 64, 256, 1024])
@pytest.mark.parametrize("gaussian", [True, False])
def test_value_and_gradient_match_the_plain_formula_in_float64(dtype, m, gaussian):
    t, w = quadrature(17, 3.0)
    h, A = _sample(512, m, 256, dtype, seed=m, gaussian=gaussian)
    ref_value, ref_grad = _reference(h, A, t, w)
    value, grad = _fused(h, A, t, w)
    assert value == pytest.approx(ref_value, rel=1e-5 if dtype == torch.float32 else 1e-12)
    err = float((grad - ref_grad).norm() / ref_grad.norm())
    assert err < (1e-4 if dtype == torch.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("n_knots", [2, 3, 4, 5, 16, 17, 33, 64, 65])
def test_every_knot_count_up_to_65_matches(dtype, n_knots):
    t, w = _knots(n_knots, dtype)
    h, A = _sample(300, 5, 33, dtype, seed=n_knots)
    ref_value, ref_grad = _reference(h, A, t, w)
    value, grad = _fused(h, A, t, w)
    assert value == pytest.approx(ref_value, rel=1e-5 if dtype == torch.float32 else 1e-12)
    assert float((grad - ref_grad).norm() / ref_grad.norm()) < (1e-4 if dtype == torch.float32 else 1e-12)


@pytest.mark.parametrize("B, S", [(2, 1), (3, 1024), (513, 7), (2, 2)])
def test_small_batches_and_slice_counts_match(B, S):
    t, w = quadrature(17, 3.0)
    for dtype, rel in ((torch.float32, 1e-5), (torch.float64, 1e-12)):
        h, A = _sample(B, 3, S, dtype, seed=B + S)
        ref_value, ref_grad = _reference(h, A, t, w)
        value, grad = _fused(h, A, t, w)
        assert value == pytest.approx(ref_value, rel=rel)
        assert float((grad - ref_grad).norm() / ref_grad.norm()) < 10 * rel


def test_restarted_recurrence_and_a_knot_grid_off_zero_match_in_float64():
    # 200 knots: four runs of the recurrence, each restarted from a direct cos/sin; and a grid
    # that starts at 0.5 (every run starts from a direct cos/sin)
    grids = [torch.linspace(0.0, 5.0, 200, dtype=torch.float64), torch.linspace(0.5, 3.0, 21, dtype=torch.float64)]
    for t in grids:
        w = torch.rand(len(t), generator=torch.Generator().manual_seed(len(t)), dtype=torch.float64)
        h, A = _sample(128, 4, 16, torch.float64, seed=len(t))
        ref_value, ref_grad = _reference(h, A, t, w)
        value, grad = _fused(h, A, t, w)
        assert value == pytest.approx(ref_value, rel=1e-12)
        assert float((grad - ref_grad).norm() / ref_grad.norm()) < 1e-12


def test_gradcheck_in_float64_with_respect_to_h_and_A():
    t, w = quadrature(5, 3.0)
    t, w = t.double(), w.double()
    h, A = _sample(6, 3, 4, torch.float64, seed=0)
    h.requires_grad_(True)
    A.requires_grad_(True)
    assert terms._fused_knots(h, A, t, w) is not None
    assert torch.autograd.gradcheck(lambda h, A: sigreg(h, A, t, w), (h, A), eps=1e-6, atol=1e-8, rtol=1e-6)


def test_gradient_with_respect_to_A_matches_the_plain_formula():
    t, w = quadrature(17, 3.0)
    h, A = _sample(256, 8, 64, torch.float32, seed=5)
    A64 = A.double().requires_grad_(True)
    (ref,) = torch.autograd.grad(sigreg_reference(h.double(), A64, t.double(), w.double()), A64)
    A = A.clone().requires_grad_(True)
    (got,) = torch.autograd.grad(sigreg(h, A, t, w), A)
    assert float((got.double() - ref).norm() / ref.norm()) < 1e-4


@settings(max_examples=20)
@given(st.integers(2, 40), st.integers(1, 6), st.integers(1, 9), st.integers(2, 65), st.integers(0, 10_000))
def test_random_shapes_match_in_float64(B, m, S, n_knots, seed):
    t, w = _knots(n_knots, torch.float64)
    h, A = _sample(B, m, S, torch.float64, seed=seed)
    ref_value, ref_grad = _reference(h, A, t, w)
    value, grad = _fused(h, A, t, w)
    assert value == pytest.approx(ref_value, rel=1e-11, abs=1e-13)
    assert float((grad - ref_grad).norm()) <= 1e-10 * max(float(ref_grad.norm()), 1e-3)


def test_leading_batch_dimensions_give_one_value_each():
    t, w = quadrature(17, 3.0)
    runs = [_sample(64, 3, 8, torch.float64, seed=s) for s in range(3)]
    h = torch.stack([r[0] for r in runs]).requires_grad_(True)
    A = torch.stack([r[1] for r in runs])
    values = sigreg(h, A, t, w)
    assert values.shape == (3,)
    (grad,) = torch.autograd.grad((values * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum(), h)
    for i, (hi, Ai) in enumerate(runs):
        ref_value, ref_grad = _reference(hi, Ai, t, w)
        assert float(values[i].detach()) == pytest.approx(ref_value, rel=1e-12)
        torch.testing.assert_close(grad[i], (i + 1) * ref_grad, rtol=1e-10, atol=1e-14)
    # one set of directions shared by every run broadcasts, and its gradient sums over the runs
    A0 = runs[0][1].clone().requires_grad_(True)
    (gA,) = torch.autograd.grad(sigreg(h.detach(), A0, t, w).sum(), A0)
    A0r = A0.detach().clone().requires_grad_(True)
    (gA_ref,) = torch.autograd.grad(sigreg_reference(h.detach(), A0r, t.double(), w.double()).sum(), A0r)
    torch.testing.assert_close(gA, gA_ref, rtol=1e-10, atol=1e-13)


def test_knots_that_are_not_equally_spaced_use_the_plain_formula():
    t = torch.tensor([0.0, 0.5, 1.5, 3.0])
    w = torch.tensor([0.2, 0.5, 0.4, 0.01])
    h, A = _sample(64, 2, 4, torch.float32, seed=1)
    assert terms._fused_knots(h, A, t, w) is None
    assert float(sigreg(h, A, t, w)) == float(sigreg_reference(h, A, t, w))


def test_gradients_to_t_and_w_come_from_the_plain_formula():
    t, w = quadrature(9, 3.0)
    h, A = _sample(64, 2, 4, torch.float64, seed=2)
    t = t.double().requires_grad_(True)
    w = w.double().requires_grad_(True)
    assert terms._fused_knots(h, A, t, w) is None
    got = torch.autograd.grad(sigreg(h, A, t, w), (t, w))
    t2, w2 = t.detach().clone().requires_grad_(True), w.detach().clone().requires_grad_(True)
    ref = torch.autograd.grad(sigreg_reference(h, A, t2, w2), (t2, w2))
    for a, b in zip(got, ref):
        torch.testing.assert_close(a, b)
        assert float(b.abs().max()) > 0


def test_a_second_derivative_raises_instead_of_being_wrong():
    t, w = quadrature(17, 3.0)
    h, A = _sample(32, 2, 4, torch.float64, seed=3)
    h.requires_grad_(True)
    (g,) = torch.autograd.grad(sigreg(h, A, t, w), h, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable|does not require grad"):
        torch.autograd.grad(g.sum(), h)


def test_torch_func_transforms_use_the_plain_formula():
    t, w = quadrature(17, 3.0)
    runs = [_sample(32, 2, 4, torch.float64, seed=s) for s in range(3)]
    h = torch.stack([r[0] for r in runs])
    A = torch.stack([r[1] for r in runs])
    got = torch.func.vmap(lambda hi, Ai: sigreg(hi, Ai, t, w))(h, A)
    ref = torch.stack([sigreg_reference(hi, Ai, t, w) for hi, Ai in runs])
    torch.testing.assert_close(got, ref)
    grad = torch.func.grad(lambda hi: sigreg(hi, runs[0][1], t, w))(runs[0][0])
    torch.testing.assert_close(grad, _reference(runs[0][0], runs[0][1], t, w)[1])


def test_torch_compile_traces_the_plain_formula():
    # dynamo cannot trace numba; under torch.compile the plain formula is traced instead
    t, w = quadrature(17, 3.0)
    h, A = _sample(64, 3, 16, torch.float32, seed=10)
    torch._dynamo.reset()
    compiled = torch.compile(lambda h: sigreg(torch.tanh(h), A, t, w), backend="eager", fullgraph=True)
    hc = h.clone().requires_grad_(True)
    value = compiled(hc)
    (grad,) = torch.autograd.grad(value, hc)
    hr = h.clone().requires_grad_(True)
    ref = sigreg_reference(torch.tanh(hr), A, t, w)
    (ref_grad,) = torch.autograd.grad(ref, hr)
    torch.testing.assert_close(value, ref)
    torch.testing.assert_close(grad, ref_grad)


def test_the_result_dtype_is_that_of_h_and_t_promoted_on_both_paths():
    t, w = quadrature(17, 3.0)
    h, A = _sample(32, 2, 4, torch.float32, seed=9)
    for hh, AA, tt, ww in ((h, A, t, w), (h.double(), A.double(), t, w), (h, A, t.double(), w.double())):
        want = torch.promote_types(hh.dtype, tt.dtype)
        assert sigreg(hh, AA, tt, ww).dtype == want
        assert sigreg_reference(hh, AA, tt, ww).dtype == want


def test_without_gradients_the_value_is_the_same():
    t, w = quadrature(17, 3.0)
    h, A = _sample(128, 4, 16, torch.float32, seed=4)
    with torch.no_grad():
        a = float(sigreg(h.requires_grad_(True), A, t, w))
    ref_value, _ = _reference(h, A, t, w)
    assert a == pytest.approx(ref_value, rel=1e-5)


def test_non_finite_input_gives_nan_on_both_paths():
    t, w = quadrature(17, 3.0)
    h, A = _sample(16, 2, 4, torch.float32, seed=6)
    h[3, 0] = float("nan")
    assert math.isnan(float(sigreg(h, A, t, w)))
    assert math.isnan(float(sigreg_reference(h, A, t, w)))


@pytest.mark.parametrize("args, match", [
    (lambda h, A, t, w: (h[0], A, t, w), "h must have at least 2 dimensions"),
    (lambda h, A, t, w: (h, A[:1], t, w), "A must have m = h.shape"),
    (lambda h, A, t, w: (h, A, t, w[:-1]), "w must have the shape of t"),
    (lambda h, A, t, w: (h, A, t[None], w), "t must have 1 dimension"),
    (lambda h, A, t, w: (h[:0], A, t, w), "non-empty"),
    (lambda h, A, t, w: (h, A.double(), t, w), "A must have h's dtype"),
    (lambda h, A, t, w: (h.numpy(), A, t, w), "h must be a torch.Tensor"),
])
def test_bad_input_is_a_value_error_naming_the_argument(args, match):
    t, w = quadrature(17, 3.0)
    h, A = _sample(16, 2, 4, torch.float32, seed=7)
    with pytest.raises(ValueError, match=match):
        sigreg(*args(h, A, t, w))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_tensors_use_the_plain_formula_on_the_device():
    t, w = quadrature(17, 3.0)
    for dtype, rel in ((torch.float32, 1e-5), (torch.float64, 1e-12)):
        h, A = _sample(512, 64, 256, dtype, seed=8)
        ref_value, ref_grad = _reference(h, A, t, w)
        hc = h.cuda().requires_grad_(True)
        value = sigreg(hc, A.cuda(), t.cuda(), w.cuda())
        assert value.device.type == "cuda"
        (grad,) = torch.autograd.grad(value, hc)
        assert float(value) == pytest.approx(ref_value, rel=rel)
        assert float((grad.double().cpu() - ref_grad).norm() / ref_grad.norm()) < 10 * rel
