"""The authors' published numbers, shipped with the package (``validation/data/paper_numbers.toml``).

Numbers are facts and carry their sources: every table of the file has a ``source`` (the
authors' project page, their configs, their code or a figure read by eye, ±0.03). A user's
installed copy has no checkout around it, so the file travels as package data; ``load`` reads
it (or another path) into frozen dataclasses and refuses, with a ``ValueError`` naming the
table and the field, a file that does not parse, lacks a field, or has columns of unequal
length or non-numbers where numbers belong.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

DATA_FILE = "paper_numbers.toml"


@dataclass(frozen=True)
class ScalingTable:
    """Their scaling table: per ``n``, mean and std over 5 seeds of ``R²(x→z)`` (the mixing's
    fingerprint) and of ``R²(h→z)`` for SIGReg, "VICReg" (their whitening) and InfoNCE."""

    source: str
    setting: str
    n: tuple[int, ...]
    r2_xz: tuple[float, ...]
    r2_xz_std: tuple[float, ...]
    sigreg: tuple[float, ...]
    sigreg_std: tuple[float, ...]
    vicreg: tuple[float, ...]
    vicreg_std: tuple[float, ...]
    infonce: tuple[float, ...]
    infonce_std: tuple[float, ...]

    def at(self, column: str, n: int) -> tuple[float, float]:
        """``(mean, std)`` of ``column`` at ``n``."""
        if column not in ("r2_xz", "sigreg", "vicreg", "infonce"):
            raise ValueError(f"unknown column {column!r}; valid: r2_xz, sigreg, vicreg, infonce")
        if n not in self.n:
            raise ValueError(f"n = {n} is not in the published scaling table (n = {list(self.n)})")
        i = self.n.index(n)
        return getattr(self, column)[i], getattr(self, column + "_std")[i]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return asdict(self)


@dataclass(frozen=True)
class AlphaTable:
    """Their α-ablation panel: ``R²(h→z)`` on their grid against the shape α (read off a figure)."""

    source: str
    setting: str
    metric: str
    alpha: tuple[float, ...]
    sigreg: tuple[float, ...]
    infonce: tuple[float, ...]
    vicreg: tuple[float, ...]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return asdict(self)


@dataclass(frozen=True)
class PaperNumbers:
    """The whole file: the tables above, the bound figure's notes, the λ × ρ grid, the Reacher
    numbers and the authors' recipe, with ``path`` the file they were read from."""

    scaling: ScalingTable
    gennorm_alpha: AlphaTable
    bound_figure: Mapping[str, str]
    lambda_rho_grid: Mapping[str, Any]
    reacher: Mapping[str, Any]
    authors_recipe: Mapping[str, Any]
    path: str
    #: every table of the file as parsed (the appendix tables, the Reacher table, the planning setup ...)
    tables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def table(self, name: str) -> Mapping[str, Any]:
        """The table ``[name]`` of the file; ``ValueError`` naming it when the file lacks it."""
        t = self.tables.get(name)
        if not isinstance(t, Mapping):
            raise ValueError(f"published-number file {self.path} lacks the table [{name}]")
        return t

    def kind(self, name: str) -> str:
        """How the numbers of ``[name]`` were obtained (its ``kind``: table, text, figure_vector_data ...);
        ``"page"`` for the tables read from the authors' project page, which carry no ``kind``."""
        k = self.table(name).get("kind", "page")
        if not isinstance(k, str):
            raise ValueError(f"published-number file {self.path}: [{name}].kind must be text, got {k!r}")
        return k

    def numbers(self, name: str, key: str, length: int | None = None) -> tuple[float, ...]:
        """The list of numbers ``[name].key`` (``ValueError`` naming the table and key when it is
        missing, not a list of finite numbers, or not ``length`` long)."""
        v = _numbers(self.table(name), name, key, self.path)
        if length is not None and len(v) != length:
            raise ValueError(f"published-number file {self.path}: [{name}].{key} has {len(v)} entries, "
                             f"expected {length}")
        return v

    def scalar(self, name: str, key: str) -> float:
        """The number ``[name].key`` (``ValueError`` naming them when missing or not a finite number)."""
        return _scalar(self.table(name), name, key, self.path)

    def std(self, name: str, key: str, length: int | None = None) -> tuple[float, ...]:
        """The standard deviations of the column ``[name].key``: ``key_std`` where the file holds it,
        else ``key_std_printed × key_std_unit`` (the number after ± in the paper and its unit)."""
        t = self.table(name)
        if f"{key}_std" in t:
            return self.numbers(name, f"{key}_std", length)
        if f"{key}_std_printed" not in t:
            raise ValueError(f"published-number file {self.path}: table [{name}] lacks the field "
                             f"{key + '_std'!r} (or {key + '_std_printed'!r} with {key + '_std_unit'!r})")
        unit = self.scalar(name, f"{key}_std_unit")
        return tuple(x * unit for x in self.numbers(name, f"{key}_std_printed", length))

    def matrix(self, name: str, key: str, rows: int, cols: int) -> tuple[tuple[float, ...], ...]:
        """The ``rows × cols`` table of numbers ``[name].key`` (a list of lists)."""
        v = self.table(name).get(key)
        if not isinstance(v, list) or len(v) != rows:
            raise ValueError(f"published-number file {self.path}: [{name}].{key} must be a list of {rows} rows, "
                             f"got {type(v).__name__}")
        return tuple(_numbers({key: row}, name, key, self.path) if len(row) == cols else
                     _bad_row(self.path, name, key, cols, row) for row in v)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"scaling": self.scaling.to_dict(), "gennorm_alpha": self.gennorm_alpha.to_dict(),
                "bound_figure": dict(self.bound_figure), "lambda_rho_grid": dict(self.lambda_rho_grid),
                "reacher": dict(self.reacher), "authors_recipe": dict(self.authors_recipe), "path": self.path}


def _table(data: Mapping[str, Any], name: str, path: str) -> Mapping[str, Any]:
    t = data.get(name)
    if not isinstance(t, Mapping):
        raise ValueError(f"published-number file {path} lacks the table [{name}]")
    if not isinstance(t.get("source"), str):
        raise ValueError(f"published-number file {path}: table [{name}] lacks its 'source'")
    return t


def _numbers(t: Mapping[str, Any], table: str, key: str, path: str, kind=float) -> tuple:
    if key not in t:
        raise ValueError(f"published-number file {path}: table [{table}] lacks the field {key!r}")
    v = t[key]
    if not isinstance(v, list) or not v or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in v):
        raise ValueError(f"published-number file {path}: [{table}].{key} must be a non-empty list of numbers, got {v!r}")
    if any(not math.isfinite(x) for x in v):
        raise ValueError(f"published-number file {path}: [{table}].{key} holds a non-finite number")
    if kind is int and any(not isinstance(x, int) for x in v):
        raise ValueError(f"published-number file {path}: [{table}].{key} must hold integers, got {v!r}")
    return tuple(kind(x) for x in v)


def _bad_row(path: str, table: str, key: str, cols: int, row: Any):
    n = len(row) if isinstance(row, list) else type(row).__name__
    raise ValueError(f"published-number file {path}: every row of [{table}].{key} must hold {cols} numbers, got {n}")


def _scalar(t: Mapping[str, Any], table: str, key: str, path: str) -> float:
    return _numbers({key: [t[key]]} if key in t else {}, table, key, path)[0]


def _text(t: Mapping[str, Any], table: str, key: str, path: str) -> str:
    if not isinstance(t.get(key), str):
        raise ValueError(f"published-number file {path}: table [{table}] lacks the text field {key!r}")
    return t[key]


def _columns(table: str, path: str, base: str, cols: Mapping[str, tuple]) -> None:
    n = len(cols[base])
    for key, v in cols.items():
        if len(v) != n:
            raise ValueError(f"published-number file {path}: [{table}].{key} has {len(v)} entries, "
                             f"[{table}].{base} has {n}")


def parse(data: Mapping[str, Any], path: str = "<mapping>") -> PaperNumbers:
    """Check a parsed file and build :class:`PaperNumbers`."""
    sc = _table(data, "scaling", path)
    cols = {"n": _numbers(sc, "scaling", "n", path, int)}
    for key in ("r2_xz", "r2_xz_std", "sigreg", "sigreg_std", "vicreg", "vicreg_std", "infonce", "infonce_std"):
        cols[key] = _numbers(sc, "scaling", key, path)
    _columns("scaling", path, "n", cols)
    scaling = ScalingTable(source=sc["source"], setting=_text(sc, "scaling", "setting", path), **cols)
    ga = _table(data, "gennorm_alpha", path)
    acols = {k: _numbers(ga, "gennorm_alpha", k, path) for k in ("alpha", "sigreg", "infonce", "vicreg")}
    _columns("gennorm_alpha", path, "alpha", acols)
    alpha = AlphaTable(source=ga["source"], setting=_text(ga, "gennorm_alpha", "setting", path),
                       metric=_text(ga, "gennorm_alpha", "metric", path), **acols)
    bf = _table(data, "bound_figure", path)
    _text(bf, "bound_figure", "notes", path)
    grid = _table(data, "lambda_rho_grid", path)
    _numbers(grid, "lambda_rho_grid", "lam", path)
    _numbers(grid, "lambda_rho_grid", "rho", path)
    reacher = _table(data, "reacher", path)
    _scalar(reacher, "reacher", "r2_at_rho_0_99", path)
    recipe = _table(data, "authors_recipe", path)
    for key in ("steps", "batch_size", "lr", "sigreg_slices", "lambda_2d", "lambda_scaling"):
        _scalar(recipe, "authors_recipe", key, path)
    return PaperNumbers(scaling=scaling, gennorm_alpha=alpha, bound_figure=dict(bf), lambda_rho_grid=dict(grid),
                        reacher=dict(reacher), authors_recipe=dict(recipe), path=path,
                        tables={k: v for k, v in data.items() if isinstance(v, Mapping)})


def load(path: str | Path | None = None) -> PaperNumbers:
    """The published numbers from ``path``, or from the copy shipped inside the package."""
    if path is None:
        ref = resources.files("lejepa_verify.validation") / "data" / DATA_FILE
        # named by its place in the package, not by this machine's install path (it ends up in reports)
        text, where = ref.read_text(encoding="utf-8"), f"lejepa_verify/validation/data/{DATA_FILE}"
    else:
        p = Path(path)
        if not p.is_file():
            raise ValueError(f"published-number file {str(p)!r} does not exist")
        text, where = p.read_text(encoding="utf-8"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"published-number file {where} does not parse as TOML: {exc}") from None
    return parse(data, where)
