"""Typed run metrics: records round-trip, old records load, table rows read fields."""

import math

import pytest

from lejepa_verify.validation.run_metrics import RunMetrics, Uncertainty

OLD_RECORD = {  # the metrics of a record written before bound_upper or r2_hz_grid existed
    "r2_hz": 0.99, "orth_err": 0.1, "r2_zh": 0.98, "mcc": 0.97, "procrustes_mse": 0.02, "epsilon": 0.09,
    "epsilon_debiased": 0.05, "delta": "nan", "D": 0.01, "bound": 0.03, "bound_holds": True,
    "uncertainty": {"stderr": {"epsilon": 0.01}, "interval": {"bound": [0.02, 0.05]}, "confidence": 0.95,
                    "n_bootstrap": 20, "n_samples": 256},
}


def test_an_old_record_loads_with_missing_fields_none_and_nan_strings_read_back():
    m = RunMetrics.from_dict(OLD_RECORD)
    assert m.bound_upper is None and m.spectrum is None
    assert math.isnan(m.delta)
    assert m.uncertainty.interval_of("bound") == (0.02, 0.05)
    assert all(math.isnan(v) for v in m.uncertainty.interval_of("error"))


def test_to_dict_round_trips_and_leaves_out_what_was_not_measured():
    m = RunMetrics.from_dict(OLD_RECORD)
    d = m.to_dict()
    assert "bound_upper" not in d and RunMetrics.from_dict(d) == m


def test_table_row_spells_out_the_uncertainty_as_columns():
    row = RunMetrics.from_dict(OLD_RECORD).table_row()
    assert row["bound_ci_low"] == 0.02 and row["bound_ci_high"] == 0.05 and row["epsilon_se"] == 0.01
    assert "uncertainty" not in row and not any("." in k for k in row)


def test_metrics_without_r2_are_not_a_record_of_metrics():
    with pytest.raises(ValueError, match="r2_hz"):
        RunMetrics.from_dict({"orth_err": 0.0})


def test_uncertainty_defaults_are_empty():
    assert Uncertainty().interval_of("bound")[0] != Uncertainty().interval_of("bound")[0]  # nan
