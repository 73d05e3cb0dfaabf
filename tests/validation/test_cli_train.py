"""`lejepa-verify train` (``validation.commands.train``): what it refuses before a run starts,
one error line per mistake, and standard JSON on stdout."""

import json

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.config import TrainConfig
from tests.validation.helpers import TINY, one_error_line, strict_json


def test_train_cli_prints_standard_json_when_a_metric_is_not_finite(monkeypatch, capsys, tmp_path):
    import lejepa_verify.validation.trainer as trainer

    real = trainer.train

    def with_inf_speed(config, **kwargs):
        import dataclasses

        res = real(config, **kwargs)
        return dataclasses.replace(res, metrics=dataclasses.replace(res.metrics, steps_per_s=float("inf")))

    monkeypatch.setattr(trainer, "train", with_inf_speed)
    assert main(["train", "--steps", "5", "--eval-every", "5", "--eval-size", "64", "--n-bootstrap", "0",
                 "--spectrum-degree", "0", "--width", "8", "--depth", "1", "--no-progress",
                 "--out", str(tmp_path / "r")]) == 0
    printed = strict_json(capsys.readouterr().out)
    # non-finite numbers are written as strings, as in the records
    assert printed["steps_per_s"] == "inf" and printed["status"] == "ok"


@pytest.mark.parametrize("args,needles", [
    (["--latent", "uniform", "--transition", "ar1", "--rho", "0.3"], ["rho must be 1/k", "0.3"]),
    (["--seed", "1180591620717411303424"], ["seed must be in [0, 4294967295]"]),
    (["--mixing-seed", "-1"], ["mixing_seed"]),
])
def test_train_refuses_what_the_run_would_refuse_and_leaves_no_folder(tmp_path, capsys, args, needles):
    out = tmp_path / "never"
    assert main(["train", *args, "--out", str(out), "--no-progress"]) == 2
    err = one_error_line(capsys.readouterr().err)
    for needle in needles:
        assert needle in err
    assert not out.exists()


def test_the_checks_accept_what_a_run_accepts():
    # negative controls of the checks above: rho = 1/2 is a uniform AR(1) chain, 2**32 - 1 a seed
    TrainConfig(latent="uniform", transition="ar1", rho=0.5, **TINY)
    TrainConfig(seed=2**32 - 1, **TINY)


def test_train_config_file_errors_name_the_file(tmp_path, capsys):
    missing = tmp_path / "nofile.json"
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    broken = tmp_path / "broken.json"
    broken.write_text("{\"steps\": 5,")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"{\"mixing\": \"caf\xe9\"}")
    for path, needle in ((missing, "cannot be read"), (listing, "must hold a JSON object"),
                         (broken, "is not valid JSON"), (latin, "is not UTF-8")):
        assert main(["train", "--config", str(path), "--out", str(tmp_path / "o")]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert str(path) in line and needle in line, line
    good = tmp_path / "good.json"
    good.write_text(json.dumps(TINY))
    assert main(["train", "--config", str(good), "--no-progress", "--out", str(tmp_path / "o")]) == 0


@pytest.mark.parametrize("value,needle", [
    ("alpha", "must look like alpha=0.5"),
    ("alpha=x", "must be a number"),
    ("{not json", "not a valid JSON object"),
    ("[1]", "or a JSON object"),
])
def test_latent_params_errors_keep_their_message(tmp_path, capsys, value, needle):
    # argparse's usage error comes back as exit status 2 (main does not raise SystemExit)
    assert main(["train", "--latent-params", value, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "invalid _params value" not in err
