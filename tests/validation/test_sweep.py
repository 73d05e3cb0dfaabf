"""Sweep configs and run ids, without starting any run.

The store is tested in ``test_store.py``, the backends for real in ``test_sweep_backend.py``.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.registries import OBJECTIVES, OBSERVATIONS
from lejepa_verify.validation.sweep import (PROFILES, SlurmOptions, canonical_json, check_slurm_available, expand, load_sweep,
                              run_id, run_sweep, shipped_sweeps)
from lejepa_verify.validation.sweep.spec import parse_spec, read_config_file

TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "spectrum_degree": 0, "width": 8, "depth": 1}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ------------------------------------------------------------------------------------------
# config errors: named, and raised before any run starts


@pytest.mark.parametrize("text,needles", [
    ("colour = 1\n", ["'colour'", "valid keys", "axes"]),
    ("[fixed]\nmixin = 'spiral'\n", ["'mixin'", "fixed", "mixing"]),
    ("[axes]\nsteeps = [1, 2]\n", ["'steeps'", "axes", "steps"]),
    ("[[cases]]\nenn = 4\n", ["'enn'", "cases[0]", "n"]),
    ("[profiles.paper.fixed]\nbatch = 3\n", ["'batch'", "profiles.paper.fixed", "batch_size"]),
    ("[profiles.huge]\n", ["'huge'", "quick", "paper"]),
    ("[profiles.quick]\nsteps = 3\n", ["'steps'", "profiles.quick", "fixed"]),
    ("[axes]\n'seed.x' = [1]\n", ["'seed.x'", "latent_params"]),
])
def test_unknown_key_is_named_with_the_valid_choices(tmp_path, text, needles):
    cfg = write(tmp_path / "s.toml", text)
    with pytest.raises(ValueError) as err:
        load_sweep(cfg)
    for needle in needles:
        assert needle in str(err.value)


@pytest.mark.parametrize("axes,needles", [
    ("mixing = ['spiral', 'swirl']", ["'swirl'", "mixing", *OBSERVATIONS.names()]),
    ("objective = ['lejepa', 'simclr']", ["'simclr'", "objective", *OBJECTIVES.names()]),
    ("rho = [0.5, 1.5]", ["rho", "1.5", "(0, 1)"]),
    ("'latent_params.beta' = [1.0]", ["'beta'", "alpha"]),
    ("'latent_params.alpha' = [-1.0]", ["alpha", "-1"]),
    ("transition = ['ou']", ["'ou'", "authors", "langevin"]),
])
def test_unknown_value_fails_before_any_run_and_names_it(tmp_path, axes, needles):
    text = f"[fixed]\nlatent = 'gennorm'\ntransition = 'authors'\nsteps = 5\n[axes]\nseed = [0, 1]\n{axes}\n"
    if "transition" in axes:
        # alpha = 4 is not Gaussian (alpha = 2 would be, and has the OU channel)
        text = text.replace("transition = 'authors'\n", "latent_params = { alpha = 4.0 }\n")
    cfg = write(tmp_path / "s.toml", text)
    out = tmp_path / "out"
    with pytest.raises(ValueError) as err:
        run_sweep(cfg, out, progress=False)
    for needle in needles:
        assert needle in str(err.value)
    # nothing was started: not even the output folder exists
    assert not out.exists()


@pytest.mark.parametrize("text,needle", [
    ("[axes]\nseed = 3\n", "non-empty list"),
    ("[axes]\nseed = []\n", "non-empty list"),
    ("[axes]\nseed = [1, 1]\n", "twice"),
    ("[fixed]\nseed = 1\n[axes]\nseed = [1, 2]\n", "both"),
    ("[axes]\nweight_decay = [0, 0.0]\n", "twice"),
    ("name = 'a b'\n", "name"),
    ("[fixed]\nlatent_params = 3\n", "latent_params"),
])
def test_malformed_axes_are_refused(tmp_path, text, needle):
    with pytest.raises(ValueError, match=needle):
        expand(load_sweep(write(tmp_path / "s.toml", text)))


def test_bad_file_and_unknown_sweep_name(tmp_path):
    with pytest.raises(ValueError, match="not valid TOML"):
        load_sweep(write(tmp_path / "s.toml", "[fixed\n"))
    with pytest.raises(ValueError, match="not valid YAML"):
        load_sweep(write(tmp_path / "s.yaml", "fixed: [1,\n"))
    with pytest.raises(ValueError, match="sweep config file type.*toml"):
        load_sweep(write(tmp_path / "s.json", "{}"))
    with pytest.raises(ValueError) as err:
        load_sweep("no_such_sweep")
    assert "no_such_sweep" in str(err.value) and "mixings_2d" in str(err.value)
    with pytest.raises(ValueError, match="profile"):
        load_sweep("mixings_2d", profile="huge")


# ------------------------------------------------------------------------------------------
# expansion


def test_grid_is_the_product_in_the_written_order_with_profile_overrides(tmp_path):
    cfg = write(tmp_path / "g.toml", """
name = "g"
[fixed]
steps = 7
[axes]
mixing = ["spiral", "banana"]
seed = [0, 1, 2]
[profiles.quick.fixed]
seed = 5
[profiles.paper.axes]
steps = [10, 20]
""")
    quick = expand(load_sweep(cfg, profile="quick"))
    assert [(r.config.mixing, r.config.seed, r.config.steps) for r in quick] == [("spiral", 5, 7), ("banana", 5, 7)]
    paper = expand(load_sweep(cfg, profile="paper"))
    expected = [(m, s, n) for m in ("spiral", "banana") for s in (0, 1, 2) for n in (10, 20)]
    assert [(r.config.mixing, r.config.seed, r.config.steps) for r in paper] == expected
    assert paper[0].point == {"mixing": "spiral", "seed": 0, "steps": 10}


def test_cases_cross_the_axes_and_dotted_axes_set_mapping_entries(tmp_path):
    cfg = write(tmp_path / "c.toml", """
[fixed]
latent = "gennorm"
transition = "authors"
[axes]
latent_params.alpha = [0.5, 4.0]
[[cases]]
n = 2
mixing = "spiral"
[[cases]]
n = 4
mixing = "coupling"
""")
    runs = expand(load_sweep(cfg))
    assert [(r.config.n, r.config.mixing, r.config.latent_params["alpha"]) for r in runs] == [
        (2, "spiral", 0.5), (2, "spiral", 4.0), (4, "coupling", 0.5), (4, "coupling", 4.0)]
    assert runs[2].point == {"case": 1, "latent_params.alpha": 0.5}


def test_two_grid_points_with_one_config_are_refused(tmp_path):
    cfg = write(tmp_path / "d.toml", "[axes]\nrho = [0.5]\n[[cases]]\nseed = 1\n[[cases]]\nseed = 1\n")
    with pytest.raises(ValueError, match="same full config"):
        expand(load_sweep(cfg))


def test_yaml_reads_exponents_as_floats_and_matches_toml(tmp_path):
    toml = write(tmp_path / "s.toml", "[fixed]\nlr = 1e-3\n[axes]\nlam = [1e-6, 0.5]\nseed = [0, 1]\n")
    yaml = write(tmp_path / "s.yaml", "fixed:\n  lr: 1e-3\naxes:\n  lam: [1e-6, 5e-1]\n  seed: [0, 1]\n")
    # YAML 1.1 reads 1e-3 (no dot) as a string: the declaration of lr and lam reads it as a float
    spec = load_sweep(yaml)
    assert spec.fixed["lr"] == 1e-3 and dict(spec.axes)["lam"] == (1e-6, 0.5)
    assert [r.run_id for r in expand(load_sweep(toml))] == [r.run_id for r in expand(spec)]


def test_every_shipped_sweep_expands_in_both_profiles():
    shipped = shipped_sweeps()
    assert set(shipped) >= {"mixings_2d", "lambda_rho", "gennorm_alpha", "dimension_scaling", "smoke"}
    # the backend check: four tiny runs whatever the profile
    smoke = {p: expand(load_sweep("smoke", profile=p)) for p in PROFILES}
    assert all(len(rs) == 4 and all(r.config.steps <= 100 for r in rs) for rs in smoke.values())
    shipped = {k: v for k, v in shipped.items() if k != "smoke"}
    for name, path in shipped.items():
        runs = {p: expand(load_sweep(path, profile=p)) for p in PROFILES}
        # the paper profile is bigger: more runs, or (a report section's grid) the same runs trained longer
        assert 0 < len(runs["quick"]) <= len(runs["paper"]), name
        assert len(runs["quick"]) < len(runs["paper"]) or \
            max(r.config.steps for r in runs["quick"]) < max(r.config.steps for r in runs["paper"]), name
    paper = {name: expand(load_sweep(name, profile="paper")) for name in shipped}
    # the authors' grids (docs/theory.md §7)
    alphas = {r.config.latent_params["alpha"] for r in paper["gennorm_alpha"]}
    assert min(alphas) == 0.125 and max(alphas) == 32.0
    lams = {r.config.lam for r in paper["lambda_rho"]}
    rhos = {r.config.rho for r in paper["lambda_rho"]}
    assert (min(lams), max(lams), min(rhos), max(rhos)) == (1e-6, 0.5, 0.3, 0.99)
    ns = {r.config.n for r in paper["dimension_scaling"]}
    assert min(ns) == 2 and max(ns) == 1024
    assert {r.config.encoder for r in paper["dimension_scaling"]} == {"matched"}
    # the experiment sweeps take the authors' budget (report sections' own grids have theirs)
    authors = ("mixings_2d", "lambda_rho", "gennorm_alpha", "dimension_scaling")
    assert all(r.config.steps == 20000 for name in authors for r in paper[name])
    assert {r.config.mixing for r in paper["mixings_2d"]} == {"spiral", "banana", "sinusoid", "coupling"}


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_expansion_size_is_the_product_and_ids_are_distinct(sizes):
    names = ["seed", "steps", "mixing_seed"][: len(sizes)]
    axes = {name: list(range(1, k + 1)) for name, k in zip(names, sizes)}
    runs = expand(parse_spec({"name": "h", "axes": axes}))
    product = 1
    for k in sizes:
        product *= k
    assert len(runs) == product
    assert len({r.run_id for r in runs}) == product
    points = {tuple(r.point[n] for n in names) for r in runs}
    assert len(points) == product


def test_an_override_of_a_case_key_merges_the_cases_it_makes_equal(tmp_path):
    from lejepa_verify.validation.sweep import load_sweep
    from lejepa_verify.validation.sweep.spec import apply_overrides

    spec, applied = apply_overrides(load_sweep("gennorm_alpha"), {"mixing": "identity", "lam": 0.3})
    runs = spec.runs()
    assert {r.config.mixing for r in runs} == {"identity"} and {r.config.lam for r in runs} == {0.3}
    # the two cases differed only in mixing and lam: one remains, one run per alpha
    assert len(runs) == 5 and all(o.replaced_in_cases for o in applied)


# ------------------------------------------------------------------------------------------
# run ids


def test_run_id_is_sha256_of_the_sorted_compact_json():
    cfg = TrainConfig(seed=3)
    # an independent rendering: json with sorted keys and no spaces, hashed by hashlib
    # (fields added after stores were first written are left out at their defaults)
    d = cfg.identity_dict()
    text = json.dumps(d, sort_keys=True, separators=(",", ":"))
    assert run_id(cfg) == hashlib.sha256(text.encode()).hexdigest()[:16]
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


def test_run_id_is_stable_across_processes_and_key_order():
    cfg = TrainConfig(mixing="banana", lam=0.1, seed=7, latent_params={})
    code = ("from lejepa_verify.validation.config import TrainConfig; from validation.sweep import run_id; "
            "print(run_id(TrainConfig(seed=7, lam=0.1, mixing='banana')))")
    # another process, another string-hash seed, the config's fields given in another order
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == run_id(cfg)
    reversed_dict = dict(reversed(list(cfg.to_dict().items())))
    assert run_id(reversed_dict) == run_id(cfg)


@settings(max_examples=25, deadline=None)
@given(field=st.sampled_from(["seed", "steps", "batch_size", "width", "mixing_seed", "eval_every"]),
       bump=st.integers(1, 50))
def test_changing_any_field_changes_the_run_id(field, bump):
    base = TrainConfig()
    changed = base.replace(**{field: getattr(base, field) + bump})
    assert run_id(changed) != run_id(base)


def test_an_int_for_a_float_field_is_the_same_run(tmp_path):
    a = expand(load_sweep(write(tmp_path / "a.toml", "[fixed]\nt_max = 3\nweight_decay = 1\n")))
    b = expand(load_sweep(write(tmp_path / "b.toml", "[fixed]\nt_max = 3.0\nweight_decay = 1.0\n")))
    assert a[0].run_id == b[0].run_id


# ------------------------------------------------------------------------------------------
# backends: argument checks and SLURM


@pytest.mark.parametrize("kwargs,needle", [
    ({"backend": "pbs"}, "backend"),
    ({"jobs": 0}, "jobs must be >= 1"),
    ({"profile": "huge"}, "profile"),
    ({"slurm": SlurmOptions()}, "slurm"),
])
def test_run_sweep_argument_errors_come_first(tmp_path, kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        run_sweep("mixings_2d", tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


def test_unwritable_out_fails_before_any_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="out directory"):
        run_sweep({"name": "t", "fixed": TINY}, blocker / "sub", progress=False)


def _path_without(*commands):
    """A PATH keeping the Python interpreter reachable but none of ``commands``."""
    import shutil

    keep = []
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not any(Path(d, c).exists() for c in commands):
            keep.append(d)
    assert all(shutil.which(c, path=os.pathsep.join(keep)) is None for c in commands)
    return os.pathsep.join(keep)


def test_slurm_unreachable_is_said_plainly_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", _path_without("sbatch", "srun", "sacct"))
    with pytest.raises(ValueError) as err:
        check_slurm_available()
    assert "sbatch" in str(err.value) and "Nothing was run" in str(err.value)
    out = tmp_path / "out"
    rc = main(["sweep", "mixings_2d", "--backend", "slurm", "--out", str(out), "--no-progress"])
    assert rc == 2
    assert "cannot reach" in capsys.readouterr().err
    assert not out.exists()


def test_slurm_options_reach_the_sbatch_script(tmp_path, monkeypatch):
    # stand-ins for the SLURM commands, enough for submitit to build (not submit) a job
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for c in ("sbatch", "srun", "sacct", "squeue"):
        (bindir / c).write_text("#!/bin/sh\nexit 1\n")
        (bindir / c).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    check_slurm_available()
    from submitit.slurm.slurm import _make_sbatch_string

    from lejepa_verify.validation.sweep.backends import slurm_executor

    opts = SlurmOptions(partition="gpu", time_min=90, cpus_per_task=4, gpus_per_node=1, array_parallelism=8,
                        mem_gb=16)
    ex = slurm_executor(tmp_path / "logs", opts, "lejepa-test")
    text = _make_sbatch_string(command="true", folder=str(tmp_path / "logs"), map_count=20, **ex.parameters)
    for line in ("#SBATCH --partition=gpu", "#SBATCH --time=90", "#SBATCH --cpus-per-task=4",
                 "#SBATCH --gpus-per-node=1", "#SBATCH --array=0-19%8", "#SBATCH --mem=16384MB",
                 "#SBATCH --job-name=lejepa-test"):
        assert line in text


@pytest.mark.parametrize("kwargs,needle", [
    ({"time_min": 0}, "time_min"), ({"cpus_per_task": 0}, "cpus_per_task"), ({"gpus_per_node": -1}, "gpus_per_node"),
    ({"array_parallelism": 0}, "array_parallelism"), ({"mem_gb": -2.0}, "mem_gb"), ({"partition": ""}, "partition"),
])
def test_slurm_options_are_validated(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        SlurmOptions(**kwargs)


def test_cli_errors(tmp_path, capsys):
    assert main(["sweep", "mixings_2d", "--jobs", "0", "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "jobs" in capsys.readouterr().err
    assert main(["sweep", "mixings_2d", "--partition", "x", "--out", str(tmp_path / "o")]) == 2
    assert "--backend slurm" in capsys.readouterr().err
    assert main(["sweep"]) == 2
    assert "mixings_2d" in capsys.readouterr().err
    assert main(["collect", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_cli_list_and_dry_run(tmp_path, capsys):
    assert main(["sweep", "--list"]) == 0
    listing = capsys.readouterr().out
    for name in ("mixings_2d", "lambda_rho", "gennorm_alpha", "dimension_scaling"):
        assert name in listing
    assert main(["sweep", "lambda_rho", "--dry-run", "--out", str(tmp_path / "o")]) == 0
    text = capsys.readouterr().out
    assert "16 runs, all configs valid" in text and text.count("pending") == 16
    assert not (tmp_path / "o").exists()


def test_local_workers_see_the_gpus_a_cuda_run_needs(tmp_path, monkeypatch):
    # submitit's local executor sets CUDA_VISIBLE_DEVICES="" for a job without gpus_per_node
    import submitit

    from lejepa_verify.validation.sweep.backends import _local_gpu_parameters

    assert _local_gpu_parameters([("a", {"device": "cpu"})]) == {}
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    params = _local_gpu_parameters([("a", {"device": "cpu"}), ("b", {"device": "cuda"})])
    assert params == {"gpus_per_node": 2, "visible_gpus": [2, 3]}
    ex = submitit.LocalExecutor(folder=str(tmp_path))
    ex.update_parameters(timeout_min=1, **params)
    assert ex.parameters["gpus_per_node"] == 2 and list(ex.parameters["visible_gpus"]) == [2, 3]


def _fake_squeue(tmp_path, monkeypatch, lines=(), rc=0):
    """A ``squeue`` on PATH that prints ``lines`` (``task|state|name``) and exits with ``rc``."""
    bindir = tmp_path / "fakebin"
    bindir.mkdir(exist_ok=True)
    (bindir / "squeue").write_text("#!/bin/sh\n" + "".join(f"echo '{ln}'\n" for ln in lines)
                                   + ("echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2\n" if rc else "")
                                   + f"exit {rc}\n")
    (bindir / "squeue").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")


def _note(out, rid, **entry):
    from lejepa_verify.validation.sweep.backends import queue_entry_path

    path = queue_entry_path(out, rid)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"job_name": "lejepa-x-abc123", "folder": "/f", **entry}))
    return path


def test_adopt_queued_keeps_the_runs_whose_tasks_are_in_the_queue_and_forgets_the_others(tmp_path, monkeypatch):
    from lejepa_verify.validation.sweep.backends import adopt_queued

    out = tmp_path
    running = _note(out, "a" * 16, index=0, job_id="77_0")
    pending = _note(out, "b" * 16, index=1, job_id="77_1")
    gone = _note(out, "c" * 16, index=2, job_id="77_2")
    ended = _note(out, "d" * 16, index=3, job_id="77_3")
    # written just before sbatch, its submitter killed before the job id: found by its name and index
    unnamed = _note(out, "e" * 16, index=4, job_id=None)
    _fake_squeue(tmp_path, monkeypatch, ["77_0|RUNNING|lejepa-x-abc123", "77_1|PENDING|lejepa-x-abc123",
                                         "77_3|CANCELLED|lejepa-x-abc123", "77_4|PENDING|lejepa-x-abc123",
                                         "90_2|RUNNING|someone-else", "88|PENDING|lejepa-y-def456"])
    # a batch of one is a plain job, without an array index
    single = _note(out, "9" * 16, index=0, job_id=None, job_name="lejepa-y-def456")
    adopted = adopt_queued(out, ["a" * 16, "b" * 16, "c" * 16, "d" * 16, "e" * 16, "f" * 16, "9" * 16])
    assert adopted == {"a" * 16: ("77_0", "/f"), "b" * 16: ("77_1", "/f"), "e" * 16: ("77_4", "/f"),
                       "9" * 16: ("88", "/f")}
    assert single.exists()
    assert running.exists() and pending.exists() and unnamed.exists()
    # the runs whose tasks left the queue are submitted again: their notes are gone
    assert not gone.exists() and not ended.exists()


def test_adopt_queued_refuses_to_guess_when_squeue_does_not_answer(tmp_path, monkeypatch):
    from lejepa_verify.validation.sweep.backends import adopt_queued

    note = _note(tmp_path, "a" * 16, index=0, job_id="77_0")
    _fake_squeue(tmp_path, monkeypatch, rc=1)
    with pytest.raises(ValueError, match="squeue failed .*Unable to contact.*nothing was submitted"):
        adopt_queued(tmp_path, ["a" * 16])
    assert note.exists()
    # the control: without a note nothing is asked, and nothing is adopted
    assert adopt_queued(tmp_path, ["b" * 16]) == {}


def test_pending_runs_of_one_shape_are_trained_as_one_unit(tmp_path):
    # issue 21: a sweep groups its pending runs by shape; each record is what train records
    from lejepa_verify.validation.sweep.run import group_units
    from lejepa_verify.validation.trainer import train

    fixed = {"steps": 60, "eval_every": 30, "eval_size": 256, "n_bootstrap": 0, "spectrum_degree": 0, "width": 16,
             "depth": 1}
    spec = parse_spec({"name": "g", "fixed": fixed, "axes": {"n": [2, 4], "seed": [0, 1, 2]},
                       "cases": [{"mixing": "identity"}]})
    runs = expand(spec)
    units = group_units(runs, jobs=1)
    assert sorted(len(u) for u in units) == [3, 3]
    assert all(len({r.config.n for r in u}) == 1 for u in units)
    assert sorted(len(u) for u in group_units(runs, jobs=2)) == [1, 1, 2, 2]   # every worker gets work
    res = run_sweep(spec, tmp_path, jobs=1, progress=False)
    assert res.counts["ok"] == 6
    for run, rec in zip(runs, res.records):
        alone = train(run.config, progress=False)
        assert abs(rec["metrics"]["r2_hz"] - alone.metrics.r2_hz) < 1e-3
        assert rec["run_id"] == run.run_id and rec["sweep"]["seconds"] > 0
