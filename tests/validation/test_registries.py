"""Observations, encoders and objectives are registries: a new member is one module plus tests."""

import subprocess
import sys

import pytest
import torch

from tests.waiting import HANG_GUARD

from lejepa_verify.theory.registry import Registry
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives.base import Objective
from lejepa_verify.validation.objectives.terms import alignment
from lejepa_verify.validation.observations.base import Fixed2D, ObservationSpec
from lejepa_verify.validation.registries import ENCODERS, OBJECTIVES, OBSERVATIONS
from lejepa_verify.validation.trainer import build_models, train

TINY = dict(steps=20, eval_size=128, eval_every=10, n_bootstrap=0, width=8, depth=1, spectrum_degree=0)


class Cubic(Fixed2D):
    """A throw-away observation, as a user would write it in observations/cubic_shear.py."""

    name = "cubic_shear"
    description = "(z0, z1 + z0³/3)"

    def forward(self, z):
        return torch.stack((z[..., 0], z[..., 1] + z[..., 0] ** 3 / 3), dim=-1)

    def inverse(self, x):
        return torch.stack((x[..., 0], x[..., 1] - x[..., 0] ** 3 / 3), dim=-1)


class PlainAlignment(Objective):
    """A throw-away objective (alignment alone: collapses, which is the point of a regulariser)."""

    name = "plain_alignment"
    description = "alignment only"
    regulariser = "none"
    uses_lam = False

    @classmethod
    def from_config(cls, config, m, device):
        return cls()

    def __call__(self, h1, h2, gen=None):
        a = alignment(h1, h2)
        return a, {"alignment": a.detach(), "none": torch.zeros(())}


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(OBSERVATIONS._entries, Cubic.name, ObservationSpec(Cubic.name, Cubic, Cubic.description))
    monkeypatch.setitem(OBJECTIVES._entries, PlainAlignment.name, PlainAlignment)


def test_a_registered_observation_and_objective_train_without_touching_any_other_module(registered):
    cfg = TrainConfig(mixing="cubic_shear", objective="plain_alignment", **TINY)
    g, f = build_models(cfg)
    z = torch.randn(50, 2, dtype=torch.float64)
    torch.testing.assert_close(g.double().inverse(g.double()(z)), z)
    res = train(cfg, progress=False)
    assert res.status == "ok" and res.metrics.r2_hz >= 0.0
    assert "cubic_shear" in OBSERVATIONS.names() and "plain_alignment" in OBJECTIVES.names()
    with pytest.raises(ValueError, match="n = 2 only"):
        TrainConfig(mixing="cubic_shear", n=4)


def test_unknown_names_list_the_valid_ones():
    for reg, field, bad in ((OBSERVATIONS, "mixing", "swirl"), (ENCODERS, "encoder", "transformer"),
                            (OBJECTIVES, "objective", "barlow_twins")):
        with pytest.raises(ValueError, match=f"unknown {field} '{bad}'; valid choices: " + ", ".join(reg.names())):
            reg.get(bad)


def test_a_member_must_live_in_a_module_named_after_it():
    reg = Registry("lejepa_verify.validation.observations", "mixing")
    with pytest.raises(ValueError, match="module named twirl.py"):
        reg.add("twirl", object(), module="lejepa_verify.validation.observations.spiral")
    with pytest.raises(ValueError, match="registered twice"):
        reg.add("x", object())
        reg.add("x", object())


def test_every_shipped_member_loads_and_matches_its_module_name():
    for reg in (OBSERVATIONS, ENCODERS, OBJECTIVES):
        assert set(reg.load_all()) == set(reg.names())


def test_encoders_are_built_from_the_observation_shape():
    from lejepa_verify.validation.encoders import make_encoder

    f = make_encoder("mlp", (6,), 3, width=4, depth=1)
    assert f(torch.zeros(5, 6)).shape == (5, 3)
    with pytest.raises(ValueError, match="vector observations"):
        make_encoder("mlp", (1, 8, 8), 2)
    with pytest.raises(ValueError, match="m must equal n"):
        make_encoder("matched", (4,), 2)


def test_names_are_listed_without_importing_torch():
    code = ("import sys\nfrom lejepa_verify.validation.registries import OBSERVATIONS, ENCODERS, OBJECTIVES\n"
            "print(OBSERVATIONS.names(), ENCODERS.names(), OBJECTIVES.names(), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("False")
