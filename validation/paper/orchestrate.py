"""One orchestration for ``lejepa-verify paper`` and the report's paper section.

:func:`plan` resolves the side-by-side sweeps of a profile (every config built, so validated,
before anything runs) with the overrides a report applies; keys that would change what is
compared with the paper (the world, the objective, ``n``, ρ ...) are refused, naming the key.
:func:`run_paper` runs the sweeps that are not stored yet (unless ``tables_only``), measures the
scorecard, builds the page, and writes ``paper_scorecard.json`` into the folder.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.runs import SWEEPS, Evidence, store_dir

#: the sweeps each profile runs: cpu-full is their full length for the published numbers that fit a
#: 2-core CPU (the grid and the channel comparison are left to the paper profile and to cpu)
PROFILE_SWEEPS = {
    "quick": SWEEPS,
    "cpu": SWEEPS,
    "cpu-full": ("paper_scaling", "paper_scaling_objectives", "paper_alpha", "paper_2d"),
    "paper": SWEEPS,
}
#: the fingerprint's largest n per profile (n = 1024 takes about a minute on one core, 256 about 20 s)
FINGERPRINT_MAX_N = {"quick": 128, "cpu": 1024, "cpu-full": 1024, "paper": 1024}
#: report overrides the paper sweeps take: how long and how big, never what is compared. ``mixing_seed``
#: picks which of their per-seed mixings a run uses (their seed i builds mixing i, so ``--set seed=0 --set
#: mixing_seed=0`` is their first seed alone); the construction stays theirs.
ALLOWED_OVERRIDES = ("steps", "batch_size", "eval_size", "eval_every", "n_bootstrap", "threads", "device",
                     "best_of", "spectrum_degree", "seed", "mixing_seed", "lr", "weight_decay", "schedule", "n_slices",
                     "n_knots", "t_max", "bound_level")


def sweeps_of(profile: str) -> tuple[str, ...]:
    """The side-by-side sweeps ``profile`` runs (``ValueError`` for an unknown profile)."""
    from lejepa_verify.theory.validate import check_choice
    from lejepa_verify.validation.sweep import PROFILES

    check_choice(profile, "profile", tuple(p for p in PROFILES if p in PROFILE_SWEEPS))
    return PROFILE_SWEEPS[profile]


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Refuse an override the paper sweeps cannot take (it would change what is compared)."""
    for key in overrides:
        if key not in ALLOWED_OVERRIDES:
            raise ValueError(f"the paper section cannot take --set {key}: it would change what is compared with the "
                             f"paper's numbers; it takes {', '.join(ALLOWED_OVERRIDES)} (or build the other sections "
                             "alone with --sections)")


def plan(profile: str, only: Sequence[str] | None = None, overrides: Mapping[str, Any] | None = None):
    """``(specs, applied)``: the sweeps of ``profile`` (or ``only`` those) resolved, with
    ``overrides`` applied to every run, and one sentence per override saying what it replaced.
    See :func:`plan_runs` for the expanded runs as well."""
    specs, applied, _ = plan_runs(profile, only, overrides)
    return specs, applied


def plan_runs(profile: str, only: Sequence[str] | None = None, overrides: Mapping[str, Any] | None = None):
    """``(specs, applied, runs)``: :func:`plan` and every sweep's expanded (validated) runs by name."""
    from lejepa_verify.theory.validate import check_choice
    from lejepa_verify.validation.sweep import load_sweep
    from lejepa_verify.validation.sweep.spec import apply_overrides

    names = sweeps_of(profile)
    chosen = list(dict.fromkeys(only)) if only else list(names)
    for name in chosen:
        check_choice(name, "sweep", names)
    overrides = dict(overrides or {})
    check_overrides(overrides)
    specs, applied, runs = {}, [], {}
    for name in chosen:
        spec = load_sweep(name, profile=profile)
        if overrides:
            spec, done = apply_overrides(spec, overrides)
            applied += [o.describe(name) for o in done]
        runs[name] = spec.runs()   # every config valid before any run starts
        specs[name] = spec
    return specs, tuple(applied), runs


@dataclass(frozen=True)
class PaperRun:
    """What one pass of :func:`run_paper` left.

    Attributes
    ----------
    markdown : str
        The page.
    scorecard : Scorecard
        Every published number's entry.
    sweeps : tuple
        The ``SweepResult`` of each sweep run now (empty with ``tables_only``).
    failed_runs : int
        Runs of these sweeps whose store records them as failed (or unreadable).
    wall_time : float
        Seconds.
    """

    markdown: str
    scorecard: sc.Scorecard
    sweeps: tuple
    failed_runs: int
    wall_time: float


def figure_saver(out: Path) -> Callable:
    """A ``save_figure(fig, name, caption)`` writing ``out/figures/<name>.png`` and ``.pdf`` atomically
    and returning the markdown that embeds it."""
    from lejepa_verify.validation.io import atomic_save_figure

    def save(fig, name: str, caption: str) -> str:
        atomic_save_figure(fig, Path(out) / "figures" / name)
        return f"![{caption}](figures/{name}.png)\n\n*{caption}* ([PDF](figures/{name}.pdf))\n"

    return save


def run_paper(out: Path, profile: str, *, only: Sequence[str] | None = None, jobs: int = 1, backend: str = "local",
              progress: bool = True, retry_failed: bool = False, tables_only: bool = False,
              overrides: Mapping[str, Any] | None = None, save_figure: Callable | None = None,
              fingerprint_max_n: int | None = None, numbers=None, command: str = "lejepa-verify paper",
              on_sweep: Callable | None = None) -> PaperRun:
    """Run the side-by-side sweeps of ``profile`` into ``out/sweeps`` (module docstring), measure
    the scorecard and build the page; write ``out/paper_scorecard.json``. ``on_sweep(result)`` is
    called after each sweep (the command prints its line)."""
    from lejepa_verify.validation.paper.catalogue import build_scorecard
    from lejepa_verify.validation.paper.page import build_markdown
    from lejepa_verify.validation.paper_numbers import load
    from lejepa_verify.validation.sweep import run_sweep

    t0 = time.perf_counter()
    numbers = numbers if numbers is not None else load()
    specs, applied, runs = plan_runs(profile, only, overrides)
    out = Path(out)
    results = []
    if not tables_only:
        for name, spec in specs.items():
            res = run_sweep(spec, store_dir(out, name, profile), backend=backend, jobs=jobs, profile=profile,
                            progress=progress, retry_failed=retry_failed)
            results.append(res)
            if on_sweep is not None:
                on_sweep(res)
    ev = Evidence(out=out, profile=profile, specs=specs, applied=applied, runs=runs,
                  fingerprint_max_n=FINGERPRINT_MAX_N[profile] if fingerprint_max_n is None else fingerprint_max_n)
    card = build_scorecard(numbers, ev, command=command)
    md, _ = build_markdown(numbers, ev, card, save_figure=save_figure)
    card.write(out)
    failed = sum(c.status == "failed" for name in specs for c in ev.cells(name))
    return PaperRun(md, card, tuple(results), failed, time.perf_counter() - t0)


def stored_profile(out: Path) -> str:
    """The profile whose side-by-side stores a report that trains nothing reads: ``cpu-full`` when
    ``out/sweeps`` holds any of its stores, else ``cpu``."""
    for profile in ("cpu-full", "cpu"):
        if any(store_dir(out, name, profile).is_dir() for name in PROFILE_SWEEPS[profile]):
            return profile
    return "cpu"
