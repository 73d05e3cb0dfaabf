"""`lejepa-verify collect` (``validation.commands.collect``): where the table may be written."""

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.sweep import store
from tests.validation.helpers import one_error_line
from tests.validation.test_store import real_record


def test_collect_into_an_existing_folder_is_refused(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    assert main(["collect", str(tmp_path), "--out", str(tmp_path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "is a folder" in line and "results.csv" in line
    assert main(["collect", str(tmp_path), "--out", str(tmp_path / "t.csv")]) == 0


@pytest.mark.parametrize("where", [store.RUNS_DIR, store.MANIFESTS_DIR])
def test_collect_never_writes_among_the_stores_own_files(tmp_path, capsys, where):
    rec = real_record()
    path = store.write_record(tmp_path, rec)
    before = path.read_bytes()
    # the table named like the record it would replace (or beside the manifests)
    target = path if where == store.RUNS_DIR else tmp_path / where / "t.csv"
    (tmp_path / store.MANIFESTS_DIR).mkdir(exist_ok=True)
    assert main(["collect", str(tmp_path), "--out", str(target)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert f"the {where}/ folder of the store" in line and str(tmp_path / "results.csv") in line
    assert path.read_bytes() == before and not (tmp_path / store.MANIFESTS_DIR / "t.csv").exists()


def test_a_folder_named_runs_that_holds_stores_takes_the_table(tmp_path, capsys):
    # the default layout: runs/<name>-<profile>/ are the stores; runs/ itself is not one
    store.write_record(tmp_path / "runs" / "smoke-quick", real_record())
    assert main(["collect", str(tmp_path / "runs"), "--out", str(tmp_path / "runs" / "all.csv")]) == 0
    assert (tmp_path / "runs" / "all.csv").exists()
