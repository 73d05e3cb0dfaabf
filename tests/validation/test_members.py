"""A new member is one file: a throw-away encoder with one option and a pair source, registered as a
user's module would register them, are read by the config, the CLI, sweeps and the trainer."""

import pytest
import torch
from torch import nn

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.config import TrainConfig, declared_options
from lejepa_verify.validation.encoders.base import EncoderSpec, vector_dim
from lejepa_verify.validation.pairs.base import PairSource
from lejepa_verify.validation.registries import ENCODERS, PAIR_SOURCES
from lejepa_verify.validation.sweep.spec import expand, parse_spec
from lejepa_verify.validation.sweep.store import run_id
from lejepa_verify.validation.trainer import build_models, train

TINY = dict(steps=20, eval_size=128, eval_every=10, n_bootstrap=0, spectrum_degree=0)

GAIN = Option("gain", "float", 1.0, "output gain of the scaled linear encoder", low=0.0, low_open=True)


def _scaled_linear(obs_shape, m, options):
    lin = nn.Linear(vector_dim(obs_shape, "scaled_linear"), m)
    with torch.no_grad():
        lin.weight.mul_(options.gain)
    return lin


class SwappedPairs(PairSource):
    """The world's pairs with their two elements swapped: for a reversible chain the same law."""

    name = "swapped"
    description = "(z', z): the world's pairs, reversed"

    def train_pairs(self, size, gen):
        z, z_next = self.world.sample(size, gen)
        return z_next, z


@pytest.fixture
def registered(monkeypatch):
    spec = EncoderSpec("scaled_linear", "h = gain · (A x + b)", _scaled_linear,
                       lambda obs_shape, n, m, options=None: vector_dim(obs_shape, "scaled_linear"), (GAIN,))
    monkeypatch.setitem(ENCODERS._entries, "scaled_linear", spec)
    monkeypatch.setitem(PAIR_SOURCES._entries, "swapped", SwappedPairs)


def test_an_encoder_with_one_option_is_declared_validated_built_and_trained(registered):
    assert declared_options()["gain"] == GAIN
    cfg = TrainConfig(encoder="scaled_linear", gain=3.0, **TINY)
    assert cfg.gain == 3.0 and dict(cfg.member_options("encoder")) == {"gain": 3.0}
    # the option reaches the builder: the same seed with gain 3 gives three times the weights
    _, f3 = build_models(cfg)
    _, f1 = build_models(TrainConfig(encoder="scaled_linear", **TINY))
    torch.testing.assert_close(f3.weight, 3.0 * f1.weight)
    assert train(cfg, progress=False).status == "ok"
    with pytest.raises(ValueError, match=r"gain must be > 0, got -1"):
        TrainConfig(encoder="scaled_linear", gain=-1)
    # an option another encoder declares is refused where no member reads it ...
    with pytest.raises(ValueError, match="gain is an option of encoder scaled_linear"):
        TrainConfig(encoder="linear", gain=2.0)
    # ... and a new option changes the run id only away from its default (old stores keep theirs)
    assert run_id(TrainConfig(encoder="scaled_linear", gain=1.0)) != run_id(TrainConfig(encoder="scaled_linear", gain=2.0))
    assert "gain" not in TrainConfig(encoder="scaled_linear").identity_dict()


def test_the_command_line_and_sweeps_read_the_new_option(registered):
    from lejepa_verify.validation.cli import build_parser

    args = build_parser().parse_args(["train", "--encoder", "scaled_linear", "--gain", "2.5"])
    assert args.gain == 2.5 and args.encoder == "scaled_linear"
    spec = parse_spec({"name": "g", "fixed": {"encoder": "scaled_linear", **TINY}, "axes": {"gain": [0.5, "2"]}})
    assert [r.config.gain for r in expand(spec)] == [0.5, 2.0]


def test_a_pair_source_is_one_class_and_trains(registered):
    cfg = TrainConfig(pairs="swapped", **TINY)
    gen = torch.Generator().manual_seed(0)
    from lejepa_verify.validation.worlds import World

    world = World.from_config(cfg)
    a, b = world.train_pairs(64, gen)
    z, z_next = world.sample(64, torch.Generator().manual_seed(0))
    torch.testing.assert_close((a, b), (z_next, z))
    assert train(cfg, progress=False).status == "ok"
