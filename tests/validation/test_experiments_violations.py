"""The report's violation count: error_lower above bound_upper, and runs without limits not counted as passing."""

import math

import pandas as pd

from lejepa_verify.validation.sections.experiments import _violations


def test_a_run_whose_error_lower_exceeds_bound_upper_is_a_violation():
    g = pd.DataFrame({
        "run_id": ["ok", "close", "bad", "old"], "sweep": ["s"] * 4,
        "procrustes_mse": [0.1, 0.5, 2.0, 9.0], "bound": [0.05, 0.4, 0.1, 1.0],
        # 'ok': plug-in bound below the error but the limits agree; 'close': touching; 'bad': violation;
        # 'old': a record without confidence limits
        "error_lower": [0.08, 0.45, 1.5, math.nan], "bound_upper": [0.3, 0.45, 1.0, math.nan],
    })
    viol, unassessed = _violations(g)
    assert [v["run_id"] for v in viol] == ["bad"]
    assert viol[0]["error_lower"] == 1.5 and viol[0]["bound_upper"] == 1.0
    assert unassessed == 1


def test_records_from_before_the_limits_are_all_unassessed():
    g = pd.DataFrame({"run_id": ["a"], "sweep": ["s"], "procrustes_mse": [5.0], "bound": [1.0]})
    assert _violations(g) == ([], 1)
