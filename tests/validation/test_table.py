"""``collect`` (``validation.sweep.table``): one row per run from whatever the store holds; a file
that is not a usable record is quarantined or skipped and said, never a reason to stop."""

import json
import logging

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.sweep import collect, store
from tests.validation.test_store import quarantined, real_record, truncate


def two_runs(out):
    a = store.write_record(out, real_record(seed=0))
    b = store.write_record(out, real_record(seed=1))
    return a, b


def test_collect_quarantines_a_truncated_record_and_reads_the_rest(tmp_path, caplog):
    a, b = two_runs(tmp_path)
    truncate(b)
    with caplog.at_level(logging.WARNING, logger=store.log.name):
        df = collect(tmp_path)
    assert df["run_id"].tolist() == [a.stem] and quarantined(tmp_path) == [b.name]
    assert str(b) in caplog.text and "not valid JSON" in caplog.text


def test_collect_skips_a_stray_json_file_and_leaves_it_alone(tmp_path, caplog):
    a, b = two_runs(tmp_path)
    stray = store.runs_dir(tmp_path) / "my_notes.json"
    stray.write_text('{"note": "lr 3e-3 looked better"}')
    with caplog.at_level(logging.WARNING, logger=store.log.name):
        df = collect(tmp_path)
    assert sorted(df["run_id"]) == sorted([a.stem, b.stem])
    assert stray.exists() and quarantined(tmp_path) == []
    assert str(stray) in caplog.text and "skipped" in caplog.text


def test_the_cli_collects_past_a_broken_record_and_says_so(tmp_path, capsys):
    a, b = two_runs(tmp_path)
    truncate(b)
    assert main(["collect", str(tmp_path), "--out", str(tmp_path / "t.csv")]) == 0
    assert "1 runs (1 ok)" in capsys.readouterr().out
    assert quarantined(tmp_path) == [b.name]


def test_a_metric_that_is_not_a_number_is_shown_as_stored_and_named(tmp_path, caplog):
    # a custom run function's record: the sweep calls it ok (it only reads the status)
    rec = real_record(metrics={"r2_hz": "high", "orth_err": 0.1})
    store.write_record(tmp_path, rec)
    with caplog.at_level(logging.WARNING, logger=store.log.name):
        df = collect(tmp_path)
    row = df.iloc[0]
    assert row["status"] == "ok" and row["r2_hz"] == "high" and row["orth_err"] == 0.1
    assert "r2_hz='high'" in row["error"] and "not numbers" in row["error"]
    assert rec["run_id"] in caplog.text and "r2_hz='high'" in caplog.text


def test_a_metric_written_by_a_newer_version_is_kept_as_a_column(tmp_path):
    rec = real_record(metrics={"r2_hz": 0.5, "orth_err": 0.1, "r2_future": 0.25, "future": {"a": 1.5}})
    store.write_record(tmp_path, rec)
    row = collect(tmp_path).iloc[0]
    assert row["r2_future"] == 0.25 and row["future.a"] == 1.5
    # the control: the known metrics still come through RunMetrics (its derived columns are there)
    assert row["r2_hz"] == 0.5 and "bound_se" in row.index


def test_an_edited_config_is_not_reused_under_the_old_id(tmp_path):
    a, b = two_runs(tmp_path)
    rec = json.loads(b.read_text())
    rec["config"]["seed"] = 7  # as if the record were edited by hand after its run
    b.write_text(json.dumps(rec))
    df = collect(tmp_path)
    assert df["run_id"].tolist() == [a.stem] and quarantined(tmp_path) == [b.name]


@pytest.mark.parametrize("status", ["failed", "diverged"])
def test_the_metrics_of_a_failed_or_diverged_run_stay_as_recorded(tmp_path, status):
    store.write_record(tmp_path, real_record(status=status, metrics={"diverged_at_step": 3, "loss": "inf"}))
    row = collect(tmp_path).iloc[0]
    assert row["diverged_at_step"] == 3 and row["loss"] == float("inf") and row["error"] == ""
