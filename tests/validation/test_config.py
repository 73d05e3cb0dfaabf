"""TrainConfig: defaults, JSON round trip, and ValueError before any training for bad input."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.registries import ENCODERS, OBJECTIVES, OBSERVATIONS


def test_defaults_are_the_2d_gaussian_recipe():
    c = TrainConfig()
    assert (c.n, c.out_dim, c.latent, c.transition, c.rho, c.objective) == (2, 2, "gaussian", "ou", 0.95, "lejepa")


def test_json_round_trip():
    c = TrainConfig(mixing="coupling", encoder="matched", n=4, latent_params={}, lam=0.2, seed=7)
    d = json.loads(json.dumps(c.to_dict()))
    assert TrainConfig.from_dict(d) == c


def test_unknown_key_is_named_with_the_valid_keys():
    with pytest.raises(ValueError, match=r"unknown config key 'lamda'.*valid keys: mixing, encoder"):
        TrainConfig.from_dict({"lamda": 0.1})


@pytest.mark.parametrize("kwargs, pattern", [
    ({"mixing": "swirl"}, "mixing 'swirl'; valid choices: " + ", ".join(OBSERVATIONS.names())),
    ({"encoder": "transformer"}, "encoder 'transformer'; valid choices: " + ", ".join(ENCODERS.names())),
    ({"objective": "barlow_twins"}, "objective 'barlow_twins'; valid choices: " + ", ".join(OBJECTIVES.names())),
    ({"latent": "cauchy"}, "latent 'cauchy'; valid choices: gaussian"),
    ({"mixing": "coupling", "n": 3}, "n must be even for the coupling mixing, got 3"),
    ({"lam": 1.5}, r"lam must lie in \[0, 1\], got 1.5"),
    ({"lam": -0.1}, r"lam must lie in \[0, 1\]"),
    ({"batch_size": 1}, "batch_size must be >= 2, got 1"),
    ({"rho": 1.0}, r"rho must lie in \(0, 1\), got 1.0"),
    ({"rho": 0.0}, r"rho must lie in \(0, 1\)"),
    ({"mixing": "spiral", "n": 3}, "n = 2 only"),
    ({"m": 1}, "m must be >= n"),
    ({"latent": "gennorm", "latent_params": {"alpha": 0.5}, "transition": "ou"}, "transition 'ou' does not exist"),
    ({"lam_ramp_start": 0.9, "lam_ramp_end": 0.5}, "lam_ramp_end must be >= lam_ramp_start"),
    ({"steps": 0}, "steps must be >= 1"),
    ({"matched_init": "zeros"}, "matched_init 'zeros'; valid choices: identity, random"),
])
def test_bad_input_is_a_value_error_naming_the_parameter(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        TrainConfig(**kwargs)


def test_lambda_schedule_ramps_geometrically():
    c = TrainConfig(steps=1000, lam=0.1, lam_start=0.001, lam_ramp_start=0.2, lam_ramp_end=0.6)
    assert c.lam_at(0) == pytest.approx(0.001)
    assert c.lam_at(199) == pytest.approx(0.001)
    assert c.lam_at(400) == pytest.approx(0.01)      # half way in the exponent
    assert c.lam_at(600) == pytest.approx(0.1)
    assert c.lam_at(999) == pytest.approx(0.1)
    assert TrainConfig(lam=0.3, lam_start=None).lam_at(5) == 0.3


@settings(max_examples=40)
@given(st.sampled_from(["spiral", "banana", "sinusoid", "coupling", "mlp", "identity"]),
       st.sampled_from(["lejepa", "whitening", "infonce"]), st.floats(0.01, 0.99), st.floats(0.0, 1.0),
       st.integers(2, 4096), st.integers(0, 2 ** 31))
def test_any_valid_config_round_trips(mixing, objective, rho, lam, batch, seed):
    c = TrainConfig(mixing=mixing, objective=objective, rho=rho, lam=lam, batch_size=batch, seed=seed,
                    lam_start=None)
    assert TrainConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c


def test_latent_params_that_is_not_a_mapping_is_named_before_the_law_is_built():
    with pytest.raises(ValueError, match="latent_params must be a mapping"):
        TrainConfig(latent_params=3)


def test_the_default_transition_is_the_laws_natural_one():
    # a new user's non-Gaussian config works without naming a transition
    cfg = TrainConfig(latent="gennorm", latent_params={"alpha": 0.5})
    assert cfg.transition == "authors"
    assert TrainConfig().transition == "ou"
    # the resolved name is what the config holds, so it round-trips and hashes as before
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    # an explicit impossible choice still fails, listing the valid ones
    with pytest.raises(ValueError, match="transition 'ou' does not exist.*valid transitions for it: authors"):
        TrainConfig(latent="gennorm", latent_params={"alpha": 0.5}, transition="ou")


# Run ids that version 0.1.0 (249526f) gave these configs: stores written then must resume.
IDS_0_1_0 = [
    ({}, "6a65bd5e197ac6dc"),
    ({"views": "anchor", "objective": "authors_lejepa", "lam": 1e-6, "lam_start": None, "n_slices": 256},
     "e480779f87258859"),
    ({"best_of": 3}, "10128b9a2c5dcba4"),
    ({"mixing": "arm", "encoder": "cnn", "cnn_channels": [8, 16], "pairs": "arm_trajectory", "trajectory_lag": 4},
     "78455f9fc0230768"),
]


@pytest.mark.parametrize("kwargs, rid", IDS_0_1_0)
def test_run_ids_are_those_of_version_0_1_0(kwargs, rid):
    from lejepa_verify.validation.sweep.store import run_id

    assert run_id(TrainConfig(**kwargs)) == rid


def test_views_is_read_as_the_pair_source_with_the_same_id():
    from lejepa_verify.validation.sweep.store import run_id

    old = TrainConfig(views="anchor", objective="authors_lejepa", lam=1e-6, lam_start=None, n_slices=256)
    new = TrainConfig(pairs="anchor", objective="authors_lejepa", lam=1e-6, lam_start=None, n_slices=256)
    assert old == new and old.pairs == "anchor" and old.views == "anchor"
    assert run_id(new) == "e480779f87258859"
    # a record written by 0.1.0 (views and pairs both stored) reads back as the same config
    stored = {**new.to_dict(), "views": "anchor", "pairs": "transition"}
    assert TrainConfig.from_dict(stored) == new
    with pytest.raises(ValueError, match="views 'anchor'.*cannot be combined with pairs 'arm_trajectory'"):
        TrainConfig(views="anchor", pairs="arm_trajectory")


def test_a_sweep_with_a_views_axis_still_expands_with_the_old_ids():
    from lejepa_verify.validation.sweep.spec import expand, parse_spec

    spec = parse_spec({"name": "v", "fixed": {"objective": "authors_lejepa", "lam": 1e-6, "lam_start": "none",
                                              "n_slices": 256}, "axes": {"views": ["pair", "anchor"]}})
    runs = expand(spec)
    assert [r.config.pairs for r in runs] == ["transition", "anchor"]
    assert runs[1].run_id == "e480779f87258859"


def test_member_options_are_validated_by_their_declarations():
    with pytest.raises(ValueError, match="cnn_batch_norm must be true or false"):
        TrainConfig(mixing="arm", encoder="cnn", cnn_batch_norm="false")
    with pytest.raises(ValueError, match="invariance_weight is an option of objective vicreg"):
        TrainConfig(objective="lejepa", invariance_weight=5.0)
    assert TrainConfig(objective="vicreg", invariance_weight=5.0).member_options("objective")["invariance_weight"] == 5.0
    # a 0.1.0 flat field that no member of the config reads is carried as before (old sweeps fix
    # one width for an encoder axis), and counts in the id as it did
    assert TrainConfig(encoder="linear", width=64).width == 64
    import numpy as np

    c = TrainConfig(rho=np.float32(0.9), steps=np.int64(10))
    assert type(c.rho) is float and type(c.steps) is int
