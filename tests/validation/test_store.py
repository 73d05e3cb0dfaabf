"""The results store (``validation.sweep.store``): atomic records, run ids checked against their
configs, and a file that is not a usable record quarantined (moved aside, said) instead of
blocking every reader of the store."""

import json
import logging
import os
import time

import pytest

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.sweep import load_sweep, shipped_sweeps
from lejepa_verify.validation.sweep import store
from tests.validation.helpers import TINY


def _record(rid="0123456789abcdef", status="ok"):
    return {"run_id": rid, "status": status, "error": None, "config": {}, "metrics": {"r2_hz": 0.5}}


def test_write_record_is_atomic_when_the_write_is_interrupted(tmp_path, monkeypatch):
    store.write_record(tmp_path, _record())
    before = store.record_path(tmp_path, "0123456789abcdef").read_bytes()

    def boom(src, dst):
        raise KeyboardInterrupt  # as if the process were interrupted between write and rename

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        store.write_record(tmp_path, {**_record(), "metrics": {"r2_hz": 0.9}})
    # the old record is intact, no temporary file is left behind
    assert store.record_path(tmp_path, "0123456789abcdef").read_bytes() == before
    assert [p.name for p in store.runs_dir(tmp_path).iterdir()] == ["0123456789abcdef.json"]


def test_records_are_plain_json_and_nan_is_spelled_out(tmp_path):
    path = store.write_record(tmp_path, {**_record(), "metrics": {"delta": float("nan"), "D": float("inf")}})
    data = json.loads(path.read_text())
    assert data["metrics"] == {"delta": "nan", "D": "inf"}


@pytest.mark.parametrize("rec,needle", [
    ({"run_id": "short", "status": "ok"}, "run_id"),
    ({"run_id": "0123456789abcdef", "status": "done"}, "status"),
])
def test_write_record_refuses_malformed_records(tmp_path, rec, needle):
    with pytest.raises(ValueError, match=needle):
        store.write_record(tmp_path, rec)


def test_only_stale_temporaries_are_removed(tmp_path):
    runs = store.runs_dir(tmp_path)
    runs.mkdir()
    old = runs / ".0123456789abcdef.json.abc.tmp"
    fresh = runs / ".fedcba9876543210.json.def.tmp"
    old.write_text("{")
    fresh.write_text("{")
    # ages far from the limit on both sides: a slow machine cannot move either across it
    past, future = time.time() - 10 * store.STALE_TMP_SECONDS, time.time() + 10 * store.STALE_TMP_SECONDS
    os.utime(old, (past, past))
    os.utime(fresh, (future, future))
    store.write_record(tmp_path, _record())
    removed = store.remove_stale_temporaries(tmp_path)
    assert removed == [old]
    assert fresh.exists() and store.record_path(tmp_path, "0123456789abcdef").exists()


# ------------------------------------------------------------------------------------------
# records that are not usable: quarantined, said, and run again


def real_record(seed=0, status="ok", **extra):
    """A record as a sweep writes it: the run id is the hash of the stored config."""
    cfg = TrainConfig(**TINY, seed=seed)
    return {"run_id": store.run_id(cfg), "status": status, "error": None, "config": store.config_dict(cfg),
            "metrics": {"r2_hz": 0.5, "orth_err": 0.1}, **extra}


def quarantined(out):
    folder = store.runs_dir(out) / store.QUARANTINE_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def truncate(path):
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def edit_config(path, **changes):
    rec = json.loads(path.read_text())
    rec["config"].update(changes)
    path.write_text(json.dumps(rec))


def rename_to(path, other_rid):
    path.rename(path.with_name(f"{other_rid}.json"))


@pytest.mark.parametrize("spoil,needle", [
    (truncate, "not valid JSON"),
    (lambda p: p.write_text('{"x": 1}'), "lacks run_id/status/config"),
    (lambda p: p.write_bytes(b"\xff\xfe{"), "not UTF-8"),
    # the config was edited after the run: the id no longer names what the record holds
    (lambda p: edit_config(p, steps=7), "its config gives run id"),
])
def test_an_unusable_record_is_quarantined_said_and_counts_as_not_run(tmp_path, caplog, spoil, needle):
    good, bad = real_record(seed=0), real_record(seed=1)
    store.write_record(tmp_path, good)
    path = store.write_record(tmp_path, bad)
    original = path.read_bytes()
    spoil(path)
    # the primitive reader says what is wrong ...
    with pytest.raises(store.NotARecord, match=needle):
        store.read_record(path)
    # ... and the store's reader moves the file aside, names it, and goes on
    with caplog.at_level(logging.WARNING, logger=store.log.name):
        assert store.load_record(tmp_path, bad["run_id"]) is None
    assert not path.exists() and quarantined(tmp_path) == [path.name]
    said = caplog.text
    for part in (str(path), needle, store.QUARANTINE_DIR, "runs it again"):
        assert part in said, part
    # the control: the healthy record beside it loads, unchanged
    assert store.load_record(tmp_path, good["run_id"]) == json.loads(json.dumps(good))
    # and a new record of the quarantined run is written and read as any other
    store.write_record(tmp_path, bad)
    assert store.load_record(tmp_path, bad["run_id"])["status"] == "ok" and original


def test_a_record_under_another_runs_name_is_quarantined(tmp_path):
    a, b = real_record(seed=0), real_record(seed=1)
    path = store.write_record(tmp_path, a)
    rename_to(path, b["run_id"])
    with pytest.raises(store.NotARecord, match=f"holds run {a['run_id']}"):
        store.read_record(store.record_path(tmp_path, b["run_id"]))
    assert store.load_record(tmp_path, b["run_id"]) is None
    assert quarantined(tmp_path) == [f"{b['run_id']}.json"]


def test_a_second_quarantine_of_one_name_keeps_the_first(tmp_path):
    rec = real_record()
    for k in range(2):
        path = store.write_record(tmp_path, rec)
        truncate(path)
        assert store.load_record(tmp_path, rec["run_id"]) is None
    assert quarantined(tmp_path) == [path.name, f"{path.name}.1"]


def test_a_file_not_named_like_a_record_is_skipped_and_left_alone(tmp_path, caplog):
    store.runs_dir(tmp_path).mkdir()
    stray = store.runs_dir(tmp_path) / "notes.json"
    stray.write_text('{"mine": true}')
    with caplog.at_level(logging.WARNING, logger=store.log.name):
        assert store.read_or_quarantine(stray) is None
    assert stray.read_text() == '{"mine": true}' and quarantined(tmp_path) == []
    assert str(stray) in caplog.text and "skipped" in caplog.text


def test_the_id_check_accepts_every_run_of_every_shipped_sweep():
    # the stored config is TrainConfig.to_dict(); its id must be the run's id, or every record a
    # sweep writes would be quarantined on the next read
    for name in shipped_sweeps():
        for r in load_sweep(name, profile="quick").runs():
            assert store.run_id(store.config_dict(r.config)) == r.run_id, (name, r.point)


def test_the_paper_tables_read_a_store_with_a_truncated_record(tmp_path):
    from lejepa_verify.validation.paper_compare import cells, store_dir

    runs = load_sweep("paper_scaling", profile="quick").runs()
    where = store_dir(tmp_path, "paper_scaling", "quick")
    ok = store.write_record(where, {"run_id": runs[0].run_id, "status": "ok", "config": runs[0].config.to_dict(),
                                    "metrics": {"r2_hz": 0.9}})
    broken = store.write_record(where, {"run_id": runs[1].run_id, "status": "ok",
                                        "config": runs[1].config.to_dict(), "metrics": {"r2_hz": 0.8}})
    truncate(broken)
    statuses = [c.status for c in cells("paper_scaling", "quick", tmp_path)]
    assert statuses[:2] == ["ok", "not run"] and ok.exists() and quarantined(where) == [broken.name]
