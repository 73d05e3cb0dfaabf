"""The pixel world: the arm renderer, the CNN encoder, the trajectory pairs, memory settings."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lejepa_verify.validation.observations import make_observation, observation_names, observation_spec
from lejepa_verify.validation.observations.arm import (
    ARM_RADIUS, IMAGE_SIZE, LINK_LENGTHS, VIEW, angles_from_latent, latent_from_angles, render_angles,
)


def supersampled(theta: np.ndarray, size: int = IMAGE_SIZE, sub: int = 12, per_link: bool = False):
    """Independent reference: the exact-area coverage of the union of the two capsules,
    estimated by point sampling each pixel on a ``sub × sub`` grid (hard edges, no SDF ramp)."""
    t1, t2 = theta
    e = LINK_LENGTHS[0] * np.array([math.cos(t1), math.sin(t1)])
    t = e + LINK_LENGTHS[1] * np.array([math.cos(t1 + t2), math.sin(t1 + t2)])
    p = 2 * VIEW / size
    offs = (np.arange(sub) + 0.5) / sub
    xs = -VIEW + p * (np.arange(size)[:, None] + offs[None, :]).reshape(-1)
    ys = VIEW - p * (np.arange(size)[:, None] + offs[None, :]).reshape(-1)
    X, Y = np.meshgrid(xs, ys)
    q = np.stack((X, Y), -1)

    def inside(a, b):
        ab = b - a
        s = np.clip(((q - a) @ ab) / (ab @ ab), 0, 1)
        return np.linalg.norm(q - a - s[..., None] * ab, axis=-1) <= ARM_RADIUS

    l1, l2 = inside(np.zeros(2), e), inside(e, t)
    if per_link:
        return tuple(c.reshape(size, sub, size, sub).mean(axis=(1, 3)) for c in (l1, l2))
    return (l1 | l2).reshape(size, sub, size, sub).mean(axis=(1, 3))


def union_coverage(img_rgb: np.ndarray) -> np.ndarray:
    """Per-pixel coverage of the union, unmixed from the two link colours: the image is
    ``a·col₁ + b·col₂`` with ``a = c₁(1 − c₂)``, ``b = c₂``, so the union covers ``a + b``."""
    from lejepa_verify.validation.observations.arm import RGB_COLOURS

    C = np.array(RGB_COLOURS).T  # (3, 2)
    ab = np.linalg.lstsq(C, img_rgb.reshape(3, -1), rcond=None)[0]
    return ab.sum(0).reshape(img_rgb.shape[1:])


@pytest.mark.parametrize("theta", [(0.0, 0.0), (0.7, -1.2), (-2.5, 2.9), (math.pi / 4, 0.3), (1.0, 3.0)])
def test_render_matches_supersampled_area_coverage(theta):
    img = render_angles(torch.tensor([theta], dtype=torch.float64), channels=3)[0].numpy()
    cov = union_coverage(img)
    ref = supersampled(np.array(theta))
    # the one-pixel linear edge is the exact box-filter coverage of a straight edge that crosses
    # a pixel parallel to its sides; elsewhere (diagonal edges, caps) it is off by less than a
    # quarter of a pixel, and the total ink is the area within a few per cent. Where both links
    # cover a pixel (the elbow; all along a folded arm) compositing treats the two covers as
    # independent, 1 − (1 − c₁)(1 − c₂), and overestimates their union by up to a third
    r1, r2 = supersampled(np.array(theta), per_link=True)
    both = (r1 > 0) & (r2 > 0)
    assert np.max(np.abs(cov - ref)[~both]) < 0.25
    assert np.max(np.abs(cov - ref)) < 0.35
    assert abs(cov.sum() - ref.sum()) / ref.sum() < 0.05
    # negative control: the same comparison rejects the arm drawn at other angles
    other = union_coverage(render_angles(torch.tensor([theta], dtype=torch.float64) - 0.2, channels=3)[0].numpy())
    assert np.max(np.abs(other - ref)) > 0.5


def test_render_ink_equals_capsule_area_per_link():
    # straight arm along +x: link 2 (grey 0.55) and link 1 (grey 1.0) do not overlap except at the elbow
    img = render_angles(torch.zeros(1, 2, dtype=torch.float64), channels=3)[0].numpy()
    from lejepa_verify.validation.observations.arm import RGB_COLOURS

    pix = 2 * VIEW / IMAGE_SIZE
    ref = supersampled(np.zeros(2), sub=16)
    # total coverage, read from the red channel where each link has a known red level, is the union's area
    area_union = ref.sum()
    ink = (img[0] / RGB_COLOURS[0][0]).clip(0, 1)
    ink2 = (img[2] / RGB_COLOURS[1][2]).clip(0, 1)
    assert abs(np.maximum(ink, ink2).sum() - area_union) / area_union < 0.06
    assert area_union * pix ** 2 == pytest.approx(2 * ARM_RADIUS * 0.24 + math.pi * ARM_RADIUS ** 2, rel=0.03)


def test_tip_and_elbow_where_the_geometry_puts_them():
    pix = 2 * VIEW / IMAGE_SIZE
    img = render_angles(torch.tensor([[math.pi / 2, 0.0]]), channels=1)[0, 0].numpy()
    rows, cols = np.nonzero(img > 0.5)
    # arm straight up: the ink's column is the centre, its top row the tip at y = 0.24
    assert abs((cols.mean() + 0.5) * pix - VIEW) < pix
    assert abs((VIEW - rows.min() * pix) - (0.24 + ARM_RADIUS)) < 1.5 * pix


def test_squash_is_a_bijection_with_slope_one():
    z = torch.linspace(-50, 50, 1001, dtype=torch.float64)
    th = angles_from_latent(z)
    assert float(th.abs().max()) < math.pi
    assert torch.all(th[1:] > th[:-1])
    torch.testing.assert_close(latent_from_angles(th), z, rtol=1e-9, atol=1e-9)
    d = (angles_from_latent(torch.tensor(1e-6, dtype=torch.float64)) / 1e-6).item()
    assert d == pytest.approx(1.0, abs=1e-9)


def test_observation_is_injective_where_raw_angles_are_not():
    g = make_observation("arm", 2)
    z = torch.tensor([[0.5, -0.3], [0.5 + 2 * math.pi, -0.3]])
    x = g(z)
    # the squashed map separates z and z + 2π; reading z as radians would render both alike
    assert float((x[0] - x[1]).abs().max()) > 0.5
    raw = render_angles(torch.remainder(z + math.pi, 2 * math.pi) - math.pi, channels=1)
    assert float((raw[0] - raw[1]).abs().max()) < 1e-4


def test_chunked_render_equals_one_by_one_and_shapes():
    z = torch.randn(70, 2, generator=torch.Generator().manual_seed(0))
    g = make_observation("arm_rgb", 2)
    x = g(z)
    assert x.shape == (70, 3, 64, 64)
    single = torch.cat([g(z[i:i + 1]) for i in range(0, 70, 23)] + [])
    torch.testing.assert_close(x[::23], single)
    assert observation_spec("arm").obs_shape(2) == (1, 64, 64)
    assert observation_spec("arm_rgb").obs_shape(2) == (3, 64, 64)
    assert {"arm", "arm_rgb"} <= set(observation_names())
    f = g.numpy_map()
    assert f(z.numpy()[:3].astype(float)).shape == (3, 3 * 64 * 64)


def full_image_reference(theta: np.ndarray, size: int, channels: int) -> np.ndarray:
    """Independent reference ``(B, channels, size, size)`` in float64: the module's coverage
    ``clamp(1/2 − (d − r)/p, 0, 1)`` and compositing ``c₁(1 − c₂)col₁ + c₂col₂``, with ``d`` the
    distance of every pixel centre of the whole image to each segment (projection clamped to
    the segment), no windows, no chunks."""
    from lejepa_verify.validation.observations.arm import GREY_LEVELS, RGB_COLOURS

    p = 2 * VIEW / size
    c = -VIEW + p * (np.arange(size) + 0.5)
    X, Y = np.meshgrid(c, c[::-1])  # columns left to right, rows top (y = +VIEW) first
    q = np.stack((X, Y), -1)[None]  # (1, H, W, 2)
    t1, t2 = theta[:, 0], theta[:, 1]
    e = LINK_LENGTHS[0] * np.stack((np.cos(t1), np.sin(t1)), 1)
    t = e + LINK_LENGTHS[1] * np.stack((np.cos(t1 + t2), np.sin(t1 + t2)), 1)

    def cover(a, b):
        a, b = a[:, None, None, :], b[:, None, None, :]
        ab = b - a
        s = np.clip(((q - a) * ab).sum(-1) / (ab * ab).sum(-1), 0.0, 1.0)
        d = np.linalg.norm(q - a - s[..., None] * ab, axis=-1)
        return np.clip(0.5 - (d - ARM_RADIUS) / p, 0.0, 1.0)

    c1, c2 = cover(np.zeros_like(e), e), cover(e, t)
    col = np.array(GREY_LEVELS if channels == 1 else RGB_COLOURS)  # (2, channels)
    return (c1 * (1 - c2))[:, None] * col[0][None, :, None, None] + c2[:, None] * col[1][None, :, None, None]


def angles_for_reference(count: int) -> torch.Tensor:
    """Random angles plus the edge cases: the straight arm (tip farthest out, nearest the
    border) in 33 directions from −π to π, folded arms (θ₂ at and near ±π) and θ₁ = ±π."""
    g = torch.Generator().manual_seed(7)
    rnd = (2 * torch.rand(count, 2, generator=g, dtype=torch.float64) - 1) * math.pi
    straight = [(k * math.pi / 16, 0.0) for k in range(-16, 17)]
    folded = [(0.3, math.pi), (-1.1, -math.pi), (2.0, math.pi - 1e-3), (-2.9, -math.pi + 1e-4),
              (math.pi, math.pi), (-math.pi, 0.5)]
    return torch.cat((torch.tensor(straight + folded, dtype=torch.float64), rnd))


@pytest.mark.parametrize("size, every", [(64, 1), (9, 1), (8, 1), (1024, 12)])
@pytest.mark.parametrize("channels", [1, 3])
def test_render_equals_full_image_reference(size, every, channels):
    theta = angles_for_reference(60)[::every]  # at 1024: 4 images, straight, corner, folded
    ref = full_image_reference(theta.numpy(), size, channels)
    if size <= 9:
        # at these sizes the tip's ink reaches the border pixels: the windows meet the border
        ink = np.abs(ref).sum(axis=1) > 0
        assert ink[:, [0, -1], :].any() and ink[:, :, [0, -1]].any()
    got64 = render_angles(theta, channels=channels, size=size).numpy()
    assert np.max(np.abs(got64 - ref)) < 1e-12
    # float32 rounds d to ~1e-8 of the view, ~1e-8/p of a pixel: the error grows with the size
    # (2e-6 at 64, 6e-5 at 1024, the same as the full-image rendering at float32)
    got32 = render_angles(theta.float(), channels=channels, size=size).numpy()
    assert np.max(np.abs(got32 - ref)) < max(1e-5, 1e-7 * size)
    # negative control: the same comparison rejects the arm drawn at other angles
    other = render_angles(theta + 0.05 * torch.sign(-theta), channels=channels, size=size).numpy()
    assert np.max(np.abs(other - ref)) > 0.1


@pytest.mark.parametrize("bad, match", [
    (dict(theta=torch.tensor([[4.0, 0.0]])), "theta must lie in"),
    (dict(theta=torch.tensor([[float("nan"), 0.0]])), "theta must be finite"),
    (dict(theta=torch.zeros(3)), "theta must be a tensor of shape"),
    (dict(theta=torch.zeros(1, 2), channels=2), "channels must be 1 or 3"),
    (dict(theta=torch.zeros(1, 2), size=4), "size must be"),
])
def test_render_refuses_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        render_angles(**bad)


def test_observation_refuses_bad_latents():
    with pytest.raises(ValueError, match="defined for n = 2 only"):
        make_observation("arm", 3)
    g = make_observation("arm", 2)
    with pytest.raises(ValueError, match="z must be finite"):
        g(torch.tensor([[float("inf"), 0.0]]))
    with pytest.raises(ValueError, match="z must have shape"):
        g(torch.zeros(4, 3))


# --- the CNN encoder -------------------------------------------------------------------------

from lejepa_verify.validation.config import TrainConfig  # noqa: E402
from lejepa_verify.validation.encoders import make_encoder  # noqa: E402


def test_cnn_shapes_and_authors_architecture():
    f = make_encoder("cnn", (3, 64, 64), 2, cnn_channels=(32, 64, 128, 256), cnn_hidden=256)
    convs = [m for m in f.modules() if isinstance(m, torch.nn.Conv2d)]
    bns = [m for m in f.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert [c.out_channels for c in convs] == [32, 64, 128, 256]
    assert len(bns) == 4 and all(c.stride == (2, 2) for c in convs)
    lin = [m for m in f.modules() if isinstance(m, torch.nn.Linear)]
    assert [(l.in_features, l.out_features) for l in lin] == [(256, 256), (256, 2)]
    f.eval()
    assert f(torch.zeros(5, 3, 64, 64)).shape == (5, 2)
    g = make_encoder("cnn", (1, 64, 64), 2, cnn_batch_norm=False, cnn_channels=(8, 8))
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in g.modules())
    assert g(torch.zeros(2, 1, 64, 64)).shape == (2, 2)


def test_cnn_refuses_images_it_cannot_take():
    with pytest.raises(ValueError, match=r"at least 16 x 16 pixels, got observation shape \(1, 8, 8\)"):
        make_encoder("cnn", (1, 8, 8), 2, cnn_channels=(4, 4, 4, 4))
    with pytest.raises(ValueError, match="takes image observations"):
        make_encoder("cnn", (2,), 2)
    with pytest.raises(ValueError, match="takes image observations"):
        TrainConfig(mixing="spiral", encoder="cnn")
    with pytest.raises(ValueError, match="at least 128 x 128 pixels, got observation shape \\(1, 64, 64\\)"):
        TrainConfig(mixing="arm", encoder="cnn", cnn_channels=(4,) * 7)
    with pytest.raises(ValueError, match="takes vector observations"):
        TrainConfig(mixing="arm", encoder="mlp")


@pytest.mark.parametrize("bad, match", [
    (dict(cnn_channels=()), "cnn_channels"),
    (dict(cnn_channels="16,32"), "cnn_channels"),
    (dict(cnn_channels=(16, 0)), "cnn_channels"),
    (dict(cnn_hidden=0), "cnn_hidden"),
    (dict(cnn_batch_norm="yes"), "cnn_batch_norm"),
    (dict(pairs="recorded"), "pairs"),
    (dict(trajectory_lag=0), "trajectory_lag"),
    (dict(trajectory_lag=2.0), "trajectory_lag"),
    (dict(trajectory_lag="4"), "trajectory_lag"),
])
def test_config_refuses_bad_pixel_fields(bad, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(mixing="arm", encoder="cnn", **bad)


def test_config_pixel_fields_roundtrip_and_keep_old_run_ids():
    c = TrainConfig(mixing="arm", encoder="cnn", cnn_channels=[8, 16], pairs="arm_trajectory", trajectory_lag=4)
    assert c.cnn_channels == (8, 16)
    import json

    assert TrainConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    d = TrainConfig().identity_dict()
    for name in ("cnn_channels", "cnn_hidden", "cnn_batch_norm", "pairs", "trajectory_lag"):
        assert name not in d
    with pytest.raises(ValueError, match="needs n = 2"):
        TrainConfig(n=4, mixing="coupling", pairs="arm_trajectory")


# --- the real Reacher (optional extra) -------------------------------------------------------


def test_reacher_without_the_extra_names_the_install_line(monkeypatch):
    from lejepa_verify.validation.observations import reacher

    assert "reacher" in observation_names()

    def missing():
        raise ValueError(f"mixing 'reacher' needs the optional extra: {reacher.INSTALL}")

    monkeypatch.setattr(reacher, "_dm_control", missing)
    with pytest.raises(ValueError, match=r"pip install 'lejepa-verify\[mujoco\]'"):
        TrainConfig(mixing="reacher", encoder="cnn")


@pytest.mark.slow
def test_reacher_frames_match_the_arm_geometry_and_train(tmp_path):
    pytest.importorskip("dm_control", reason="the mujoco extra is not installed: pip install 'lejepa-verify[mujoco]'")
    from lejepa_verify.validation.trainer import train

    g = make_observation("reacher", 2)
    th = np.array([[0.3, 0.0], [0.3 - math.pi, 0.0]])
    frames = g.render_angles(th).astype(float).mean(-1)
    moved = np.abs(frames[0] - frames[1]).ravel()
    ours = render_angles(torch.tensor(th), channels=1)[:, 0].numpy()
    mirrored = render_angles(torch.tensor(-th), channels=1)[:, 0].numpy()
    # what changes when the straight arm turns by π lies where our renderer draws it, not mirrored
    assert np.corrcoef(moved, np.abs(ours[0] - ours[1]).ravel())[0, 1] > 0.7
    assert abs(np.corrcoef(moved, np.abs(mirrored[0] - mirrored[1]).ravel())[0, 1]) < 0.3
    c = TrainConfig(mixing="reacher", encoder="cnn", steps=3, batch_size=16, eval_size=32, n_bootstrap=0,
                    spectrum_degree=0)
    r = train(c, progress=False)
    assert np.isfinite(r.metrics["r2_hz"])


def test_pixel_section_reports_each_joint_and_writes_the_summary_the_paper_page_reads(tmp_path):
    import json

    from lejepa_verify.validation.paper_compare import reacher_table
    from lejepa_verify.validation.paper_numbers import load
    from lejepa_verify.validation.report import ReportContext, load_sections

    (section,) = load_sections(["pixels"])
    ctx = ReportContext(out=tmp_path, progress=False,
                        train_overrides={"steps": 3, "eval_size": 256, "n_bootstrap": 0, "threads": 1})
    md = section.build(ctx)
    assert "R²(h→z₁), shoulder | R²(h→z₂), elbow" in md and "tell which joint an encoder holds" in md
    summary = json.loads((tmp_path / "pixels" / "summary.json").read_text())
    # the quick profile of validation/sweeps/pixels.toml: one OU run at rho = 0.9
    assert [r["name"] for r in summary["runs"]] == ["ou_rho0.9"] and summary["profile"] == "quick"
    from lejepa_verify.validation.trained import load_trained_map

    bank_z = np.random.default_rng(0).standard_normal((1500, 2))   # the section's bank
    for r in summary["runs"]:
        # recomputed apart: the saved encoder on the bank, R² of an affine fit per joint by lstsq
        h, _ = load_trained_map(tmp_path / "pixels" / r["name"])
        hb = np.c_[h(bank_z), np.ones(len(bank_z))]
        for k in (0, 1):
            coef, *_ = np.linalg.lstsq(hb, bank_z[:, k], rcond=None)
            expected = 1 - np.sum((bank_z[:, k] - hb @ coef) ** 2) / np.sum((bank_z[:, k] - bank_z[:, k].mean()) ** 2)
            assert r[f"r2_z{k + 1}"] == pytest.approx(expected, abs=1e-6)
        assert r["steps"] == 3 and f"{r['r2_z1']:.3f} | {r['r2_z2']:.3f}" in md
    rows = "\n".join(reacher_table(load(), tmp_path))
    assert f"{summary['runs'][0]['r2_hz']:.3f} (3 steps, profile quick)" in rows


def test_joint_sentence_is_computed_from_the_numbers():
    from lejepa_verify.validation.sections.pixels import _joint_sentence

    assert _joint_sentence([]) == ""
    both = [{"r2_z1": 0.99, "r2_z2": 0.98}, {"r2_z1": 0.9, "r2_z2": 0.2}]
    assert _joint_sentence(both) == "1 of 2 OU runs hold the shoulder but not the elbow (R²(h→z₁) − R²(h→z₂) > 0.3)."
    one = [{"r2_z1": 0.74, "r2_z2": 0.0}, {"r2_z1": 0.8, "r2_z2": 0.05}]
    assert "In every OU run here the encoder holds the shoulder (R²(h→z₁) 0.74–0.80)" in _joint_sentence(one)
    assert "(R²(h→z₂) 0.00–0.05)" in _joint_sentence(one)
