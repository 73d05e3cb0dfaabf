"""`lejepa-verify report`: run every claim, build every section, write ``report.md``.

A section is a module in :mod:`validation.sections` exposing ``SECTION = Section(...)``; its
``build(ctx)`` returns markdown and saves figures through ``ctx.save_figure``. A section that
raises is listed in the report as failed, with its error, never silently dropped.
"""

from __future__ import annotations

import json
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from lejepa_verify.theory.claims import ClaimResult
from lejepa_verify.theory.validate import check_choice
from lejepa_verify.validation import claimrun
from lejepa_verify.validation.config import DEVICES
from lejepa_verify.validation.io import (OutOfSpace, atomic_save_figure, atomic_write_json, atomic_write_text,
                                        ensure_writable_dir, folder_lock)
# each list of names is written once, where it belongs; the report re-exports them for its command
from lejepa_verify.validation.sweep.backends import BACKENDS
from lejepa_verify.validation.sweep.spec import PROFILES

LOCK_NAME = ".report.lock"
#: about what a quick report writes (figures, claims, results, sweep records), refused up front
#: when the folder has less free
REPORT_BYTES = 16 * 10**6


@dataclass
class ReportContext:
    """What a section may use: where to write, which profile, and the claims already run."""

    out: Path
    profile: str = "quick"
    device: str = "cpu"
    backend: str = "local"
    jobs: int = 1
    claim_results: Sequence[ClaimResult] = ()
    progress: bool = True
    figures: list[str] = field(default_factory=list)
    #: settings applied to every training run of the report (tests use tiny ``steps``)
    train_overrides: Mapping[str, Any] = field(default_factory=dict)
    #: (quantity, value) rows a section adds to the summary table at the top of the report
    summary: list[tuple[str, str]] = field(default_factory=list)

    def add_summary(self, quantity: str, value) -> None:
        """Add a row (quantity, value) to the summary table at the top of the report."""
        self.summary.append((str(quantity), value if isinstance(value, str) else f"{value:.4g}"))

    @property
    def figures_dir(self) -> Path:
        """The folder the figures are written to, ``OUT/figures``."""
        return self.out / "figures"

    @property
    def overrides(self) -> dict:
        """The training settings every run of the report takes: ``--set`` and the device."""
        out = dict(self.train_overrides)
        if self.device != "cpu":
            out["device"] = self.device
        return out

    def config(self, **settings):
        """A ``TrainConfig`` of ``settings`` with the report's overrides applied on top (they win)."""
        from lejepa_verify.validation.config import TrainConfig

        return TrainConfig(**{**settings, **self.overrides})

    def sweep(self, name: str):
        """The shipped sweep ``name`` resolved for this profile, with the report's overrides applied
        to every run, and what each override replaced (``sweep.spec.apply_overrides``): an
        override of a key the sweep varies replaces that axis or its cases' values."""
        from lejepa_verify.validation.sweep import load_sweep
        from lejepa_verify.validation.sweep.spec import apply_overrides

        spec = load_sweep(name, profile=self.profile)
        if not self.overrides:
            return spec, ()
        return apply_overrides(spec, self.overrides)

    def save_figure(self, fig, name: str, caption: str) -> str:
        """Save ``fig`` as ``figures/<name>.png`` and ``.pdf``; return the markdown embedding it."""
        self.figures.append(name)
        return save_figure_markdown(fig, self.figures_dir, name, caption)


def save_figure_markdown(fig, figures_dir, name: str, caption: str) -> str:
    """Save ``fig`` as ``figures_dir/<name>.png`` and ``.pdf`` (atomically), close it, and return
    the markdown that embeds it from the folder above ``figures_dir``."""
    import matplotlib.pyplot as plt

    atomic_save_figure(fig, Path(figures_dir) / name)
    plt.close(fig)
    return f"![{caption}](figures/{name}.png)\n\n*{caption}* ([PDF](figures/{name}.pdf))\n"


@dataclass(frozen=True)
class Section:
    """``build(ctx)`` returns the section's markdown; ``check(ctx)``, when given, raises
    ``ValueError`` for settings the build would refuse, and runs before any claim or section."""

    title: str
    order: int
    build: Callable[[ReportContext], str]
    check: Callable[[ReportContext], None] | None = None


def section_names() -> tuple[str, ...]:
    """The module names of ``validation.sections`` (what ``report --sections`` takes), without importing them."""
    from lejepa_verify.validation.registries import SECTIONS

    return SECTIONS.names()


def load_sections(names: Sequence[str] | None = None) -> list[Section]:
    """Every ``SECTION`` of the modules in ``validation.sections`` (or of the modules ``names``), in report order."""
    from lejepa_verify.validation.registries import SECTIONS

    available = section_names()
    # a name given twice is built once
    chosen = available if names is None else tuple(dict.fromkeys(check_choice(n, "section", available) for n in names))
    return sorted((SECTIONS.get(name) for name in chosen), key=lambda s: (s.order, s.title))


def _versions() -> dict[str, str]:
    from lejepa_verify.validation.record import versions

    return versions(("numpy", "scipy", "sympy", "numba", "torch", "matplotlib"))


def validate_report_args(out, profile: str, device: str, backend: str) -> Path:
    """Every check that must pass before any work starts."""
    check_choice(profile, "profile", PROFILES)
    check_choice(device, "device", DEVICES)
    check_choice(backend, "backend", BACKENDS)
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ValueError("device 'cuda' was requested but torch sees no CUDA device on this machine")
    return ensure_writable_dir(out, "out", needed=REPORT_BYTES)


def write_report(
    out="report",
    *,
    profile: str = "quick",
    device: str = "cpu",
    backend: str = "local",
    jobs: int = 1,
    progress: bool = True,
    sections: Sequence[Section] | None = None,
    claim_layers: Sequence[str] | None = None,
    claim_ids: Sequence[str] | None = None,
    train_overrides: Mapping[str, Any] | None = None,
) -> dict:
    """Run the claims and sections; write ``report.md`` and ``claims.json`` into ``out``.

    Returns a summary: the path of the report, the claims verified, the sections that failed.
    """
    train_overrides = dict(train_overrides or {})
    if train_overrides:
        from lejepa_verify.validation.config import TrainConfig

        TrainConfig.from_dict(train_overrides)  # an unknown key or bad value fails before any work
    out = validate_report_args(out, profile, device, backend)
    with folder_lock(out / LOCK_NAME, "report", out):
        return _write_report(out, profile=profile, device=device, backend=backend, jobs=jobs, progress=progress,
                             sections=sections, claim_layers=claim_layers, claim_ids=claim_ids,
                             train_overrides=train_overrides)


def _write_report(out: Path, *, profile, device, backend, jobs, progress, sections, claim_layers, claim_ids,
                  train_overrides) -> dict:
    sections = load_sections() if sections is None else list(sections)
    ctx = ReportContext(out=out, profile=profile, device=device, backend=backend, jobs=jobs,
                        progress=progress, train_overrides=train_overrides)
    for sec in sections:
        if sec.check is not None:
            sec.check(ctx)  # a setting a section would refuse fails before the claims' 30 s
    if backend == "slurm":
        from lejepa_verify.validation.sweep.backends import check_slurm_available

        check_slurm_available()
    start = time.perf_counter()
    results = claimrun.run_claims(claim_layers, ids=claim_ids, progress=progress)
    atomic_write_json(out / "claims.json", [r.to_dict() for r in results])
    ctx.claim_results = results

    body, failed = [], []
    for sec in sections:
        t0 = time.perf_counter()
        try:
            md = sec.build(ctx)
            body.append(f"## {sec.title}\n\n{md.strip()}\n\n<sub>section built in {time.perf_counter() - t0:.1f} s</sub>\n")
        except OutOfSpace:
            raise  # a full disk is not the section's failure, and the report could not be written anyway
        except Exception as exc:  # noqa: BLE001 - a failed section is reported, not dropped
            tb = traceback.format_exc(limit=4)
            failed.append({"section": sec.title, "error": f"{type(exc).__name__}: {exc}"})
            body.append(f"## {sec.title}\n\n**This section FAILED** and its results are missing:\n\n```\n{tb}\n```\n")

    n_ok = sum(r.verified for r in results)
    scopes = claimrun.scope_counts(results)
    lean_audits = [r for r in results if r.id.startswith("lean/") and isinstance(r.evidence, dict)]
    lean = claimrun.lean_classification_counts([r for r in lean_audits if r.evidence.get("kind") == "axiom"])
    theorems = claimrun.lean_classification_counts([r for r in lean_audits if r.evidence.get("kind") == "theorem"])
    not_ok = [r for r in results if not r.verified]
    wall = time.perf_counter() - start
    head = [
        "# lejepa-verify report",
        "",
        "Checks, by computation, the theory of *When Does LeJEPA Learn a World Model?* "
        "(Klindt, LeCun, Balestriero, 2026).",
        "",
        f"- generated: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- profile: `{profile}`, device: `{device}`, backend: `{backend}`"
        + (f", training overrides: `{json.dumps(train_overrides)}`" if train_overrides else ""),
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in _versions().items())}",
        f"- wall time: {wall:.1f} s",
        "",
        "## Summary",
        "",
        f"- **{n_ok} of {len(results)} claims verified** (check passed and its negative control rejected).",
        f"- scope: **{scopes['proof']} proofs** for every case they state, **{scopes['instances']} checks of "
        "stated instances**.",
        f"- the authors' {sum(lean.values())} Lean axioms as written: **{lean['inconsistent']} inconsistent, "
        f"{lean['tautology']} tautologies, {lean['true']} true**" + (f", {lean['undecided']} undecided" if lean["undecided"] else "")
        + f"; their {sum(theorems.values())} theorems: **{theorems['inconsistent']} false as written**"
        + (f", {theorems['undecided']} undecided" if theorems["undecided"] else "")
        + " (section \"The authors' Lean axioms as written\").",
    ]
    if not_ok:
        head.append("- Claims not verified: " + ", ".join(f"`{r.id}` ({r.verdict})" for r in not_ok))
    if failed:
        head.append("- Sections that FAILED: " + ", ".join(f["section"] for f in failed))
    if ctx.summary:
        head += ["", "| quantity | value |", "|---|---|"]
        head += [f"| {q} | {v} |" for q, v in ctx.summary]
    head += [
        "",
        "## Claims",
        "",
        claimrun.markdown_table(results),
        "",
        "### The authors' Lean axioms and what checks them",
        "",
        claimrun.axiom_markdown(results),
        "",
    ]
    report = "\n".join(head) + "\n" + "\n".join(body)
    path = atomic_write_text(out / "report.md", report)
    summary = {
        "report": str(path),
        "claims_verified": n_ok,
        "claims_total": len(results),
        "failed_sections": failed,
        "figures": ctx.figures,
        "seconds": wall,
    }
    print(json.dumps(summary, indent=2), file=sys.stderr)
    return summary
