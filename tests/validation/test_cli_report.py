"""`lejepa-verify report` (``validation.commands.report``): ``--set KEY=VALUE`` parsing."""

import pytest

from lejepa_verify.validation.config import TrainConfig
from tests.validation.helpers import TINY


def test_set_none_is_none_for_an_optional_field():
    from lejepa_verify.validation.commands.report import parse_overrides

    assert parse_overrides(["lam_start=none", "steps=50"]) == {"lam_start": None, "steps": 50}
    TrainConfig.from_dict(parse_overrides(["lam_start=none"]))
    # negative control: a non-optional field keeps the word, and the config refuses it
    with pytest.raises(ValueError, match="mixing"):
        TrainConfig.from_dict(parse_overrides(["mixing=none"]))


def test_lam_start_none_is_accepted_by_report_set_as_by_train(tmp_path, capsys):
    from lejepa_verify.validation.config import declared_options

    # train reads --lam-start none through the declaration, as --set does
    assert declared_options()["lam_start"].parse("none") is None
    from lejepa_verify.validation.commands.report import parse_overrides

    assert TrainConfig.from_dict({**TINY, **parse_overrides(["lam_start=none"])}).lam_start is None
