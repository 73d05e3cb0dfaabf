"""train_many: runs of one shape trained as one batched model record what train records."""

import math

import pytest

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.many import shape_key
from lejepa_verify.validation.trainer import train_many
from lejepa_verify.validation.trainer import TrainingDiverged, train

BASE = dict(steps=150, eval_every=50, eval_size=256, n_bootstrap=0, spectrum_degree=0, width=32, depth=2)


def _alone(config):
    try:
        return train(config, progress=False)
    except TrainingDiverged as exc:
        return exc


CONFIGS = [
    TrainConfig(seed=0, **BASE),
    TrainConfig(seed=1, lr=5e-3, rho=0.9, lam=0.05, **BASE),
    TrainConfig(seed=2, lam_start=None, lam=0.3, schedule="constant", weight_decay=1e-3, **BASE),
    TrainConfig(seed=3, latent="gennorm", latent_params={"alpha": 1.0}, **BASE),
    TrainConfig(seed=4, lr=10.0, **BASE),                                   # diverges at step 2
]


def test_a_batch_records_what_each_run_records_alone():
    many = train_many(CONFIGS, progress=False)
    assert len({shape_key(c) for c in CONFIGS}) == 1
    for config, res in zip(CONFIGS, many):
        alone = _alone(config)
        if isinstance(alone, TrainingDiverged):
            # it diverges alone, at the same step and for the same reason; the others went on
            assert res.status == "diverged" and res.metrics is None
            d, a = res.divergence, alone.run_record.divergence
            assert (d.step, d.reason) == (a.step, a.reason)
            assert d.values["loss"] == pytest.approx(a.values["loss"], rel=1e-5)
            assert set(res.record.to_dict()["metrics"]) == set(alone.record["metrics"])
            continue
        assert res.status == "ok" and res.config == config
        # float reassociation in batched kernels is the only difference
        assert abs(res.metrics.r2_hz - alone.metrics.r2_hz) < 1e-3
        assert res.curves["step"] == alone.curves["step"] and res.curves["lam"] == alone.curves["lam"]
        assert res.curves["lr"] == pytest.approx(alone.curves["lr"])
        assert res.curves["loss"] == pytest.approx(alone.curves["loss"], rel=1e-3)
        assert set(res.to_dict()) == set(alone.to_dict())


def test_other_objectives_and_mixings_batch_too():
    configs = [TrainConfig(mixing="coupling", n=4, seed=s, mixing_seed=10 + s, objective=obj, lam=0.5, lam_start=None,
                           **BASE) for s, obj in ((0, "whitening"), (1, "whitening"))]
    configs += [TrainConfig(objective="authors_lejepa", lam=1e-3, lam_start=None, pairs="anchor", seed=s,
                            n_slices=32, **BASE) for s in (0, 1)]
    configs += [TrainConfig(objective="infonce", seed=s, **BASE) for s in (0, 1)]
    for config, res in zip(configs, train_many(configs, progress=False)):
        assert abs(res.metrics.r2_hz - train(config, progress=False).metrics.r2_hz) < 1e-3


def test_shapes_are_grouped_and_a_lone_run_says_so(capsys):
    configs = [TrainConfig(seed=0, **BASE), TrainConfig(mixing="coupling", n=4, **BASE), TrainConfig(seed=1, **BASE)]
    res = train_many(configs, progress=False)
    assert [r.config for r in res] == configs
    assert "run 1 shares its shape with no other run" in capsys.readouterr().err


def test_best_of_through_train_many_chooses_as_train_does():
    config = TrainConfig(best_of=2, **BASE)
    (res,) = train_many([config], progress=False)
    alone = train(config, progress=False)
    assert res.metrics.best_of["chosen"] == alone.metrics.best_of["chosen"]
    assert abs(res.metrics.r2_hz - alone.metrics.r2_hz) < 1e-3


def test_bad_input():
    assert train_many([]) == []
    with pytest.raises(ValueError, match=r"configs\[1\] must be a TrainConfig"):
        train_many([TrainConfig(**BASE), {"steps": 10}])
    with pytest.raises(ValueError, match="max_batch"):
        train_many([TrainConfig(**BASE)], max_batch=0)
    assert math.isfinite(train_many([TrainConfig(**BASE)], progress=False)[0].metrics.r2_hz)
