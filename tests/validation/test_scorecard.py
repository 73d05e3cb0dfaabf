"""The scorecard's verdicts from hand-made published numbers and hand-made records whose verdict
is known, its JSON and header, and the catalogue: every number of the shipped file accounted for."""

import json
import math
import shutil
import tomllib
from pathlib import Path

import pytest

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.catalogue import build_scorecard
from lejepa_verify.validation.paper.measure import from_runs
from lejepa_verify.validation.paper.runs import Evidence, store_dir
from lejepa_verify.validation.paper_numbers import load, parse
from lejepa_verify.validation.sweep import load_sweep, store

SHIPPED = Path(__file__).resolve().parents[2] / "validation" / "data" / "paper_numbers.toml"


# --- the verdict rules on hand-made numbers ------------------------------------------------------

def test_three_std_reproduces_and_four_do_not():
    pub = sc.number("t.k[1]", "t", "k", "1", "a number", "table", 0.5, 0.01, decimals=3)
    assert pub.tolerance == pytest.approx(0.03)
    assert sc.verdict(pub, sc.measured(0.5 + 0.0299, [])).verdict == sc.REPRODUCED
    e = sc.verdict(pub, sc.measured(0.5 - 0.04, [], untested="100 steps (theirs 20000)"))
    assert e.verdict == sc.NOT_REACHED and "below theirs by 0.04 (4 std)" in e.why and "100 steps" in e.why
    assert e.gap == pytest.approx(-0.04) and e.to_dict()["gap_in_std"] == pytest.approx(-4.0)


def test_a_figure_reading_gets_0_03_and_a_std_below_the_print_gets_the_print():
    fig = sc.number("t.k[1]", "t", "k", "", "read by eye", "figure", 0.96)
    assert fig.tolerance == 0.03
    assert sc.verdict(fig, sc.measured(0.935, [])).verdict == sc.REPRODUCED
    assert sc.verdict(fig, sc.measured(0.925, [])).verdict == sc.NOT_REACHED
    # printed 0.000 ± 0.00 (InfoNCE's orth error at n = 16 prints 0.010 ± 0.00): half a unit of the last place
    tiny = sc.number("t.k[2]", "t", "k", "", "printed", "table", 0.010, 0.0, decimals=3)
    assert tiny.tolerance == pytest.approx(5e-4) and "printed resolution" in tiny.rule
    truncated = sc.number("t.k[3]", "t", "k", "", "truncated", "table", 0.99999, 3.4e-7, truncated=True)
    assert truncated.tolerance == pytest.approx(1e-5)
    # vector figure data: 3 std, never below its 1e-4 reading precision
    vec = sc.number("t.k[4]", "t", "k", "", "vector", "figure_vector_data", 1.0, 0.0)
    assert vec.tolerance == pytest.approx(1e-4)
    assert sc.decimals_of(0.0472) == 4 and sc.decimals_of(2e-2) == 2 and sc.column_decimals([0.0, 0.023]) == 3


def test_explained_needs_a_cause_and_names_its_run_failed_and_not_run_say_why():
    pub = sc.number("t.k[1]", "t", "k", "", "x", "table", 1.0, 0.001, decimals=3)
    cause = sc.Cause("the step count", {"run_id": "abc123", "store": "s"}, 0.9995)
    e = sc.verdict(pub, sc.measured(0.9, [], cause=cause))
    assert e.verdict == sc.EXPLAINED and "tested by abc123" in e.why
    assert sc.verdict(pub, sc.failed("ValueError: out of memory")).verdict == sc.FAILED
    e = sc.verdict(pub, sc.not_run("not in profile quick"))
    assert e.verdict == sc.NOT_RUN and "quick" in e.why
    assert sc.verdict(pub, sc.measured(math.nan, [])).verdict == sc.NOT_REACHED
    c = sc.claim("t.c", "t", "c", "", "R² > 0.9", "text", "every run above 0.9")
    assert sc.verdict(c, sc.judged(True, [])).verdict == sc.REPRODUCED
    assert sc.verdict(c, sc.judged(False, [])).verdict == sc.NOT_REACHED
    assert sc.verdict(c, sc.judged(False, [], cause=cause)).verdict == sc.EXPLAINED


# --- from hand-made records ---------------------------------------------------------------------

def _write(where: Path, run, status="ok", r2=0.9, steps=None, error=None):
    config = run.config if steps is None else run.config.replace(steps=steps)
    rec = {"run_id": store.run_id(config), "status": status, "error": error, "config": config.to_dict(),
           "metrics": {"r2_hz": r2, "orth_err": 0.1} if status == "ok" else {}, "wall_time": 2.0}
    store.write_record(where, rec)
    return rec["run_id"]


def _evidence(tmp_path, profile="quick"):
    return Evidence(out=tmp_path, profile=profile, specs={"paper_scaling": load_sweep("paper_scaling", profile=profile)},
                    fingerprint_max_n=0)


def test_a_short_run_is_explained_by_the_same_run_at_their_length_in_another_store(tmp_path):
    ev = _evidence(tmp_path)
    (run,) = [r for r in load_sweep("paper_scaling", profile="quick").runs()
              if r.config.objective == "authors_lejepa" and r.config.n == 2]
    _write(store_dir(tmp_path, "paper_scaling", "quick"), run, r2=0.84)
    pub = sc.number("scaling.sigreg[n=2]", "scaling", "sigreg", "n = 2", "x", "page", 0.999998, 3.4e-7)
    cells = ev.find("paper_scaling", objective="authors_lejepa", n=2)
    e = sc.verdict(pub, from_runs(pub, cells, lambda c: c.metric("r2_hz"), ev))
    assert e.verdict == sc.NOT_REACHED and "300 steps (theirs 20000)" in e.why and "best of 1 (theirs 3)" in e.why
    # the same run at their settings, stored by another profile, reproduces: the cause is tested
    long_cfg = run.config.replace(steps=20000, batch_size=256, best_of=3)
    rid = store.run_id(long_cfg)
    store.write_record(store_dir(tmp_path, "paper_scaling", "cpu-full"),
                       {"run_id": rid, "status": "ok", "config": long_cfg.to_dict(), "error": None,
                        "metrics": {"r2_hz": 0.9999979, "orth_err": 0.0}})
    e = sc.verdict(pub, from_runs(pub, ev.find("paper_scaling", objective="authors_lejepa", n=2),
                                  lambda c: c.metric("r2_hz"), ev))
    assert e.verdict == sc.EXPLAINED and rid in e.why and e.ours.cause.tested_by["run_id"] == rid
    sc.Scorecard((e,), (), sc.make_header("quick", out=tmp_path, numbers_path="n.toml", command="t")).write(tmp_path)
    written = sc.read_scorecard(tmp_path)["entries"][0]["ours"]["cause"]["tested_by"]
    assert written["run_id"] == rid and written["store"] == "sweeps/paper_scaling-cpu-full"  # relative to the folder
    # at their settings still far: the cause is tested and rejected, the verdict stays not_reached
    store.write_record(store_dir(tmp_path, "paper_scaling", "cpu-full"),
                       {"run_id": rid, "status": "ok", "config": long_cfg.to_dict(), "error": None,
                        "metrics": {"r2_hz": 0.99, "orth_err": 0.0}})
    e = sc.verdict(pub, from_runs(pub, _evidence(tmp_path).find("paper_scaling", objective="authors_lejepa", n=2),
                                  lambda c: c.metric("r2_hz"), ev))
    assert e.verdict == sc.NOT_REACHED and "still outside the tolerance" in e.why


def test_stores_inside_the_folder_are_written_relative_so_a_moved_folder_still_names_its_runs(tmp_path):
    out = tmp_path / "results"
    ev = _evidence(out)
    (run,) = [r for r in load_sweep("paper_scaling", profile="quick").runs()
              if r.config.objective == "authors_lejepa" and r.config.n == 2]
    where = store_dir(out, "paper_scaling", "quick")
    rid = _write(where, run, r2=0.84)
    pub = sc.number("scaling.sigreg[n=2]", "scaling", "sigreg", "n = 2", "x", "page", 0.999998, 3.4e-7)
    inside = sc.verdict(pub, from_runs(pub, ev.find("paper_scaling", objective="authors_lejepa", n=2),
                                       lambda c: c.metric("r2_hz"), ev))
    elsewhere = tmp_path / "elsewhere" / "store"
    pub2 = sc.number("scaling.sigreg[n=4]", "scaling", "sigreg", "n = 4", "x", "page", 0.999996, 1.2e-6)
    outside = sc.verdict(pub2, sc.measured(0.5, [{"run_id": "abc", "store": str(elsewhere)}]))
    card = sc.Scorecard((inside, outside), (), sc.make_header("quick", out=out, numbers_path="n.toml", command="t"))
    card.write(out)
    shutil.move(out, tmp_path / "moved")
    data = sc.read_scorecard(tmp_path / "moved")
    ref = data["entries"][0]["ours"]["runs"][0]
    assert ref["run_id"] == rid and ref["store"] == where.relative_to(out).as_posix() and data["header"]["out"] == "."
    assert store.load_record(tmp_path / "moved" / ref["store"], rid)["metrics"]["r2_hz"] == 0.84
    assert data["entries"][1]["ours"]["runs"][0]["store"] == str(elsewhere)  # outside the folder: as given
    assert inside.ours.runs[0]["store"] == str(where)  # the card itself keeps where it read the run
    (other,) = [c for c in ev.find("paper_scaling", objective="authors_lejepa") if c.run_id != rid][:1]
    not_yet = from_runs(pub2, [other], lambda c: c.metric("r2_hz"), ev)
    assert not_yet.status == "not_run" and f"(store {where.relative_to(out).as_posix()})" in not_yet.reason


def test_a_failed_run_is_a_failed_row_with_its_reason_and_an_unreadable_record_names_its_file(tmp_path):
    ev = _evidence(tmp_path)
    runs = [r for r in load_sweep("paper_scaling", profile="quick").runs() if r.config.objective == "authors_lejepa"]
    where = store_dir(tmp_path, "paper_scaling", "quick")
    _write(where, runs[0], status="failed", error="RuntimeError: boom at step 3")
    pub = sc.number("x", "t", "k", "", "x", "table", 1.0, 0.1, decimals=2)
    n0, n1 = runs[0].config.n, runs[1].config.n
    e = sc.verdict(pub, from_runs(pub, ev.find("paper_scaling", objective="authors_lejepa", n=n0),
                                  lambda c: c.metric("r2_hz"), ev))
    assert e.verdict == sc.FAILED and "boom at step 3" in e.why
    store.runs_dir(where).mkdir(parents=True, exist_ok=True)
    store.record_path(where, runs[1].run_id).write_text("{not json")
    # a corrupt record never crashes the scorecard: the store sets it aside (or it is a failed cell naming it)
    (cell,) = _evidence(tmp_path).find("paper_scaling", objective="authors_lejepa", n=n1)
    assert not cell.ok and (cell.status == "not run" or runs[1].run_id in cell.reason)
    e = sc.verdict(pub, from_runs(pub, [], lambda c: 0.0, ev, what="the run at n = 3"))
    assert e.verdict == sc.NOT_RUN and "cpu-full" in e.why


# --- the scorecard of the shipped file ----------------------------------------------------------

def _numeric_leaves(data):
    """(table, key) of every number or list of numbers in the file, walked independently of the code."""
    def numeric(v):
        if isinstance(v, bool):
            return False
        if isinstance(v, (int, float)):
            return True
        return isinstance(v, list) and bool(v) and all(numeric(x) or (isinstance(x, str) and x.startswith("~"))
                                                       for x in v)
    return {(t, k) for t, tab in data.items() if isinstance(tab, dict) for k, v in tab.items() if numeric(v)}


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    ev = Evidence(out=tmp_path_factory.mktemp("empty"), profile="quick",
                  specs={n: load_sweep(n, profile="quick") for n in ("paper_scaling", "paper_scaling_objectives",
                                                                     "paper_alpha", "paper_2d", "paper_grid")},
                  fingerprint_max_n=4)
    return build_scorecard(load(), ev, command="test")


def test_every_number_of_the_shipped_file_is_an_entry_or_an_unscored_line(card):
    data = tomllib.loads(SHIPPED.read_text())
    entries = {(e.published.table, e.published.key) for e in card.entries}
    unscored = {(u.table, u.key) for u in card.unscored}

    def base(k):
        for s in ("_std_printed", "_std_unit", "_std", "_mean"):
            if k.endswith(s):
                return k[: -len(s)]
        return k

    covered = entries | unscored | {(t, base(k)) for t, k in entries | unscored}
    missing = [(t, k) for t, k in _numeric_leaves(data) if (t, k) not in covered and (t, base(k)) not in covered]
    assert not missing
    assert not [u for u in card.unscored if "catalogue" in u.reason]
    # never scored against a raster figure reading
    assert not [e for e in card.entries if e.published.kind == "figure_raster_approx"]
    assert card.counts["total"] >= 70 and len({e.published.id for e in card.entries}) == len(card.entries)
    c = card.counts
    assert sum(c[v] for v in sc.VERDICTS) == c["total"]
    # the published numbers whose columns we know: 40 of the main table, 210 of the appendix, 49 of the Reacher table
    ids = {e.published.id for e in card.entries}
    assert {f"scaling.{k}[n={n}]" for k in ("r2_xz", "sigreg", "vicreg", "infonce")
            for n in (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)} <= ids
    assert sum(e.published.table.startswith("scaling_appendix_") for e in card.entries) == 210
    assert sum(e.published.table == "reacher_table" for e in card.entries) == 49


def test_the_fingerprint_is_measured_where_it_was_computed_and_not_run_above(card):
    by = {e.published.id: e for e in card.entries}
    for n in (2, 4):
        assert by[f"scaling.r2_xz[n={n}]"].ours.status == "measured"
        assert by[f"scaling_appendix_sigreg.r2_z_to_x[n={n}]"].ours.status == "measured"
    e = by["scaling.r2_xz[n=8]"]
    assert e.verdict == sc.NOT_RUN and "up to n = 4" in e.why
    # the appendix prints R² truncated to 5 decimals: 0.9999995 is within a full unit of the printed 0.99999
    for key in ("r2_h_to_z", "r2_z_to_h"):
        pub = by[f"scaling_appendix_sigreg.{key}[n=2]"].published
        assert pub.tolerance == pytest.approx(1e-5) and "truncat" in pub.note
        assert sc.verdict(pub, sc.measured(0.9999995, [])).verdict == sc.REPRODUCED
    # their own three columns of this mixing-only number are said beside it
    assert "0.86 / 0.869 / 0.87" in by["scaling_appendix_infonce.r2_z_to_x[n=8]"].published.note


def test_an_unknown_number_in_the_file_is_listed_not_dropped_and_a_missing_one_is_an_error_naming_it(tmp_path):
    data = tomllib.loads(SHIPPED.read_text())
    data["new_table"] = {"source": "x", "kind": "table", "r2": [0.5, 0.6]}
    ev = Evidence(out=tmp_path, profile="quick", specs={}, fingerprint_max_n=0)
    card = build_scorecard(parse(data, "p.toml"), ev, command="test")
    assert [(u.table, u.key) for u in card.unscored if "catalogue" in u.reason] == [("new_table", "r2")]
    data = tomllib.loads(SHIPPED.read_text())
    del data["scaling_appendix_sigreg"]["orth_err"]
    with pytest.raises(ValueError, match=r"\[scaling_appendix_sigreg\] lacks the field 'orth_err'"):
        build_scorecard(parse(data, "p.toml"), ev, command="test")
    data = tomllib.loads(SHIPPED.read_text())
    del data["reacher_table"]
    with pytest.raises(ValueError, match=r"lacks the table \[reacher_table\]"):
        build_scorecard(parse(data, "p.toml"), ev, command="test")


def test_json_holds_counts_and_a_header_and_another_version_or_profile_says_so(tmp_path, card):
    path = card.write(tmp_path)
    data = sc.read_scorecard(tmp_path)
    assert path.name == sc.SCORECARD_NAME and data["counts"] == json.loads(json.dumps(card.counts))
    assert data["header"]["profile"] == "quick" and data["header"]["package_version"] == sc.package_version()
    assert len(data["entries"]) == card.counts["total"]
    assert "another version" not in sc.provenance(data, profile="quick")
    text = sc.provenance(data, version="9.9.9", profile="cpu-full")
    assert "another version" in text and "another profile" in text
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / sc.SCORECARD_NAME).write_text("[]")
    with pytest.raises(ValueError, match="is not a scorecard"):
        sc.read_scorecard(tmp_path / "bad")
