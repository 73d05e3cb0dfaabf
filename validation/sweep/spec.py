"""Sweep configs: fixed settings plus axes, read from TOML or YAML, expanded into a grid of runs.

Schema (every key optional except that a sweep needs at least one run)::

    name = "mixings_2d"                 # default: the file's stem
    description = "2D mixings x objectives x seeds (docs/theory.md §7)"

    [fixed]                             # TrainConfig fields shared by every run
    rho = 0.95
    latent_params = { alpha = 2.0 }    # a mapping field is a table

    [axes]                              # each key: a non-empty list; the grid is their product
    mixing = ["spiral", "banana"]
    seed = [0, 1, 2]
    "latent_params.alpha" = [0.5, 4.0]  # a dotted key sweeps one entry of a mapping field

    [[cases]]                           # optional: linked settings, crossed with the axes
    n = 8
    batch_size = 512

    [profiles.quick.fixed]              # profiles "quick", "paper" and "cpu" override the above
    steps = 300
    [profiles.quick.axes]
    seed = [0]

A profile's ``fixed`` and ``axes`` replace the base entries of the same key (a key a profile
fixes stops being an axis and vice versa); its ``cases``, when given, replace the base cases.
The expansion order is cases (outer), then the axes in the order written, the last varying
fastest. TOML has no null: write ``"none"`` for ``None`` in a field that allows it (``m``,
``lam_start`` ...). Every run's :class:`validation.config.TrainConfig` is built, and so validated, when
the sweep is expanded: an unknown key or value fails before any run starts, naming the key
and the valid choices. A setting's value is read by its declaration (``validation.config.declared_options``): in
YAML, ``1e-6`` (no dot, a string to YAML 1.1) is read as the float the setting needs.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from lejepa_verify.theory.validate import check_choice

#: ``quick`` fits a laptop in minutes, ``paper`` is the authors' grid (a GPU or a cluster), ``cpu`` is the
#: side-by-side size that fits a 2-core CPU in about half an hour per sweep (``lejepa-verify paper``)
PROFILES = ("quick", "paper", "cpu", "cpu-full")
TOP_KEYS = ("name", "description", "fixed", "axes", "cases", "profiles")
PROFILE_KEYS = ("fixed", "axes", "cases")
SUFFIXES = (".toml", ".yaml", ".yml")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _train_config_cls():
    from lejepa_verify.validation.config import TrainConfig

    return TrainConfig


def declarations() -> dict:
    """Every setting a sweep may set, as declared (``validation.config.declared_options``)."""
    from lejepa_verify.validation.config import declared_options

    return declared_options()


def config_fields() -> dict[str, Any]:
    """Every setting's name mapped to its default (the declared options, and the retired ``views``)."""
    out = {name: opt.default for name, opt in declarations().items()}
    out["views"] = "pair"
    return out


def _mapping_fields(fields: Mapping[str, Any] | None = None) -> set[str]:
    return {name for name, opt in declarations().items() if opt.kind == "mapping"}


# ----------------------------------------------------------------------------------------
# reading files


def read_config_file(path: str | Path) -> dict:
    """Parse a sweep config file (``.toml``, ``.yaml`` or ``.yml``) into a plain dict."""
    p = Path(path)
    suffix = p.suffix.lower()
    check_choice(suffix, "sweep config file type", SUFFIXES)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ValueError(f"sweep config {str(p)!r} cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"sweep config {str(p)!r} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"sweep config {str(p)!r} is not valid TOML: {exc}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ValueError(f"sweep config {str(p)!r} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"sweep config {str(p)!r} must be a table/mapping at the top level, got {type(data).__name__}")
    return data


def shipped_sweeps() -> dict[str, Path]:
    """The sweeps shipped in ``validation/sweeps/*.toml``, by name."""
    folder = resources.files("lejepa_verify.validation") / "sweeps"
    out = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name[: -len(".toml")]] = Path(str(entry))
    return dict(sorted(out.items()))


def resolve_config(spec: str | Path) -> Path:
    """A path to an existing config file, or the name of a shipped sweep."""
    p = Path(spec)
    if p.is_file():
        return p
    shipped = shipped_sweeps()
    if str(spec) in shipped:
        return shipped[str(spec)]
    raise ValueError(
        f"sweep config {str(spec)!r} is neither an existing file nor a shipped sweep; "
        f"shipped sweeps: {', '.join(shipped) or '(none)'}"
    )


# ----------------------------------------------------------------------------------------
# the spec


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: its id (hash of the full config), the config, and its grid point."""

    run_id: str
    config: Any  # validation.config.TrainConfig
    point: Mapping[str, Any]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"run_id": self.run_id, "point": dict(self.point), "config": self.config.to_dict()}


@dataclass(frozen=True)
class SweepSpec:
    """A sweep resolved for one profile: fixed settings, ordered axes and linked cases."""

    name: str
    description: str
    profile: str
    fixed: Mapping[str, Any]
    axes: tuple[tuple[str, tuple], ...]
    cases: tuple[Mapping[str, Any], ...]
    source: str | None = None

    @property
    def size(self) -> int:
        """Number of runs: the product of the axes' lengths times the number of cases."""
        n = max(1, len(self.cases))
        for _, values in self.axes:
            n *= len(values)
        return n

    def runs(self) -> list[SweepRun]:
        """Expand the grid and build (so validate) every run's TrainConfig; see :func:`expand`."""
        return expand(self)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "name": self.name,
            "description": self.description,
            "profile": self.profile,
            "fixed": copy.deepcopy(dict(self.fixed)),
            "axes": {k: list(v) for k, v in self.axes},
            "cases": [copy.deepcopy(dict(c)) for c in self.cases],
            "source": self.source,
            "size": self.size,
        }


def _check_keys(table: Any, where: str, valid: tuple[str, ...] | list[str]) -> dict:
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table/mapping, got {type(table).__name__}: {table!r}")
    for key in table:
        if key not in valid:
            raise ValueError(f"unknown key {key!r} in {where}; valid keys: {', '.join(valid)}")
    return dict(table)


def _check_config_key(key: str, where: str, fields: Mapping[str, Any], mapping_fields: set[str]) -> None:
    head, _, rest = key.partition(".")
    if head not in fields:
        raise ValueError(f"unknown key {key!r} in {where}; valid keys: {', '.join(fields)}")
    if rest and head not in mapping_fields:
        raise ValueError(
            f"key {key!r} in {where}: only mapping fields take a dotted sub-key "
            f"({', '.join(sorted(mapping_fields)) or 'none'}), and {head!r} is not one"
        )


def _flatten_axes(table: Mapping[str, Any], where: str, mapping_fields: set[str]) -> dict[str, Any]:
    """TOML reads ``latent_params.alpha = [...]`` as a nested table; turn it into a dotted axis."""
    out = {}
    for key, value in table.items():
        if isinstance(value, Mapping) and key in mapping_fields:
            for sub, v in value.items():
                out[f"{key}.{sub}"] = v
        else:
            out[key] = value
    return out


def _check_axis(key: str, values: Any, where: str) -> tuple:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (list, tuple)):
        raise ValueError(f"{where}.{key} must be a non-empty list of values, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{where}.{key} must be a non-empty list of values, got []")
    from lejepa_verify.theory.options import _plain

    values = [_plain(v) for v in values]
    seen = []
    for v in values:
        # 0 and 0.0 are one value (a float field turns both into 0.0)
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        canon = json.dumps(float(v) if number else v, sort_keys=True, default=str)
        if canon in seen:
            raise ValueError(f"{where}.{key} lists the value {v!r} twice")
        seen.append(canon)
    return tuple(values)


def parse_spec(data: Mapping[str, Any], *, profile: str = "quick", name: str | None = None,
               source: str | None = None) -> SweepSpec:
    """Check a parsed sweep config against the schema and resolve it for ``profile``."""
    check_choice(profile, "profile", PROFILES)
    data = _check_keys(data, "the sweep config", TOP_KEYS)
    fields = config_fields()
    mapping_fields = _mapping_fields(fields)

    sweep_name = data.get("name", name)
    if sweep_name is None:
        raise ValueError("the sweep config needs a 'name' (a file's stem is used when read from a file)")
    if not isinstance(sweep_name, str) or not _NAME_RE.match(sweep_name):
        raise ValueError(f"name must be letters, digits, '_', '.' or '-', got {sweep_name!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ValueError(f"description must be a string, got {description!r}")

    def section(table: Mapping[str, Any], where: str) -> tuple[dict, dict, list | None]:
        fixed = _read_values(_plain_tree(_check_keys(table.get("fixed", {}), f"{where}fixed", list(fields))))
        for key in mapping_fields & set(fixed):
            if not isinstance(fixed[key], Mapping):
                raise ValueError(f"{where}fixed.{key} must be a table/mapping such as {{ alpha = 0.5 }}, "
                                 f"got {fixed[key]!r}")
        axes = _flatten_axes(_check_keys(table.get("axes", {}), f"{where}axes", _AnyKey()), f"{where}axes",
                             mapping_fields)
        for key in axes:
            _check_config_key(key, f"{where}axes", fields, mapping_fields)
            axes[key] = _check_axis(key, _read_axis(key, axes[key]), f"{where}axes")
        cases = table.get("cases")
        if cases is not None:
            if not isinstance(cases, list) or not cases:
                raise ValueError(f"{where}cases must be a non-empty list of tables, got {cases!r}")
            for i, case in enumerate(cases):
                case = _check_keys(case, f"{where}cases[{i}]", _AnyKey())
                for key in case:
                    _check_config_key(key, f"{where}cases[{i}]", fields, mapping_fields)
            cases = [_read_values(_plain_tree(dict(c))) for c in cases]
        for key in axes:
            if _fixed_has(fixed, key):
                raise ValueError(f"key {key!r} is both in {where}fixed and in {where}axes; keep one")
        return fixed, axes, cases

    fixed, axes, cases = section(data, "")
    profiles = _check_keys(data.get("profiles", {}), "profiles", PROFILES)
    if profile in profiles:
        where = f"profiles.{profile}."
        table = _check_keys(profiles[profile], f"profiles.{profile}", PROFILE_KEYS)
        p_fixed, p_axes, p_cases = section(table, where)
        for key in p_fixed:
            for axis in [a for a in axes if a == key or a.startswith(key + ".")]:
                del axes[axis]
            fixed[key] = p_fixed[key]
        for key in p_axes:
            _drop_fixed(fixed, key)
            axes[key] = p_axes[key]
        if p_cases is not None:
            cases = p_cases
    # the other profile is checked too, so a typo in `paper` fails on a `quick` run already
    for other, table in profiles.items():
        if other != profile:
            section(_check_keys(table, f"profiles.{other}", PROFILE_KEYS), f"profiles.{other}.")

    return SweepSpec(
        name=sweep_name,
        description=description,
        profile=profile,
        fixed=fixed,
        axes=tuple(axes.items()),
        cases=tuple(cases or ()),
        source=source,
    )


def _read_values(table: dict) -> dict:
    """A table's values as their declarations read them (:func:`_coerce_numbers`)."""
    return _coerce_numbers(table)


def _read_axis(key: str, values: Any) -> Any:
    """An axis' values as the declaration of ``key`` reads them (a list is checked later)."""
    if not isinstance(values, (list, tuple)):
        return values
    return [_coerce_numbers({key: v})[key] for v in values]


def _plain_tree(value: Any) -> Any:
    """``value`` with every numpy scalar (also inside mappings and lists) as a Python number."""
    from lejepa_verify.theory.options import _plain

    if isinstance(value, Mapping):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_tree(v) for v in value)
    return _plain(value)


def _fixed_has(fixed: Mapping[str, Any], key: str) -> bool:
    head, _, rest = key.partition(".")
    if not rest:
        return head in fixed
    sub = fixed.get(head)
    return isinstance(sub, Mapping) and rest in sub


def _drop_fixed(fixed: dict, key: str) -> None:
    head, _, rest = key.partition(".")
    if not rest:
        fixed.pop(head, None)
    elif isinstance(fixed.get(head), Mapping):
        fixed[head] = {k: v for k, v in fixed[head].items() if k != rest}


class _AnyKey(tuple):
    """A 'valid keys' list that accepts every key (config keys are checked separately)."""

    def __contains__(self, item) -> bool:  # noqa: D105
        return True


def load_sweep(spec: str | Path | Mapping[str, Any] | SweepSpec, *, profile: str = "quick") -> SweepSpec:
    """A :class:`SweepSpec` from a file path, a shipped sweep's name, a parsed mapping or a spec.

    A spec already resolved for another profile is refused (``profile`` names both).
    """
    check_choice(profile, "profile", PROFILES)
    if isinstance(spec, SweepSpec):
        if spec.profile != profile:
            raise ValueError(f"profile {profile!r} asked for a sweep spec resolved for profile {spec.profile!r}")
        return spec
    if isinstance(spec, Mapping):
        return parse_spec(spec, profile=profile)
    if not isinstance(spec, (str, Path)):
        raise ValueError(f"sweep config must be a path, a shipped sweep's name or a mapping, got {spec!r}")
    path = resolve_config(spec)
    return parse_spec(read_config_file(path), profile=profile, name=path.stem, source=str(path))


# ----------------------------------------------------------------------------------------
# expansion


def _set_dotted(target: dict, key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if not rest:
        target[head] = copy.deepcopy(value)
        return
    sub = target.get(head)
    sub = dict(sub) if isinstance(sub, Mapping) else {}
    sub[rest] = copy.deepcopy(value)
    target[head] = sub


def _optional_fields() -> set[str]:
    return {name for name, opt in declarations().items() if opt.nullable}


def _coerce_numbers(d: dict, fields: Mapping[str, Any] | None = None) -> dict:
    """Values as their declarations read them: a string for a number, a boolean or a list is
    parsed (TOML has no null, so ``"none"`` is ``None`` where allowed; YAML 1.1 reads ``1e-6``
    as a string), and numpy scalars become Python numbers. ``3`` for a float setting becomes
    ``3.0`` when the config is built, so both give one run id."""
    decl = declarations()
    out = dict(d)
    for key, value in d.items():
        opt = decl.get(key)
        if opt is not None and isinstance(value, str) and opt.kind not in ("str", "mapping"):
            out[key] = opt.parse(value)
        elif opt is not None and opt.kind == "str" and opt.nullable and isinstance(value, str) \
                and value.lower() == "none":
            out[key] = None
    return out


def expand(spec: SweepSpec) -> list[SweepRun]:
    """Every run of ``spec`` as a :class:`SweepRun`, each TrainConfig built (validated) up front.

    Raises ``ValueError`` naming the run's grid point and the offending key before any run
    starts; also when two grid points give the same full config (the same run twice).
    """
    from lejepa_verify.validation.sweep.store import run_id as make_run_id

    cls = _train_config_cls()
    fields = config_fields()
    keys = [k for k, _ in spec.axes]
    value_lists = [v for _, v in spec.axes]
    cases = list(spec.cases) or [{}]
    runs: list[SweepRun] = []
    seen: dict[str, dict] = {}
    for case_index, case in enumerate(cases):
        for values in itertools.product(*value_lists):
            d = copy.deepcopy(dict(spec.fixed))
            point: dict[str, Any] = {}
            if spec.cases:
                point["case"] = case_index
            for k, v in case.items():
                _set_dotted(d, k, v)
            for k, v in zip(keys, values):
                _set_dotted(d, k, v)
                point[k] = v
            d = _coerce_numbers(d, fields)
            try:
                config = cls.from_dict(d)
            except (ValueError, TypeError) as exc:
                where = ", ".join(f"{k}={v!r}" for k, v in point.items()) or "its fixed settings"
                raise ValueError(f"sweep {spec.name!r} (profile {spec.profile}), run at {where}: {exc}") from None
            rid = make_run_id(config)
            if rid in seen:
                raise ValueError(
                    f"sweep {spec.name!r} (profile {spec.profile}) lists one run twice: grid points "
                    f"{seen[rid]} and {point} give the same full config"
                )
            seen[rid] = point
            runs.append(SweepRun(run_id=rid, config=config, point=point))
    if not runs:
        raise ValueError(f"sweep {spec.name!r} has no runs")
    return runs


@dataclass(frozen=True)
class Override:
    """What :func:`apply_overrides` did to one key: the axis or case values it replaced."""

    key: str
    value: Any
    replaced_axis: tuple | None
    replaced_in_cases: bool

    def describe(self, sweep: str) -> str:
        """One markdown sentence saying what this override replaced in the sweep ``sweep``."""
        if self.replaced_axis is not None:
            return (f"`{self.key}={json.dumps(self.value)}` replaces the axis `{self.key}` of `{sweep}` "
                    f"({', '.join(json.dumps(v) for v in self.replaced_axis)})")
        if self.replaced_in_cases:
            return f"`{self.key}={json.dumps(self.value)}` replaces the values its cases give `{self.key}` in `{sweep}`"
        return f"`{self.key}={json.dumps(self.value)}` is fixed in every run of `{sweep}`"


def apply_overrides(spec: SweepSpec, overrides: Mapping[str, Any]) -> tuple[SweepSpec, tuple[Override, ...]]:
    """``spec`` with every run's ``key`` set to ``value``, whatever the sweep said for it.

    A key the sweep varies stops being an axis (``seed=0`` runs seed 0 only), a key its cases
    set is taken out of them (cases that become equal are merged), and the key is fixed.
    Dotted keys (``latent_params.alpha``) override one entry of a mapping field. Returns the
    new spec and, per key, what it replaced, so a report can say it.
    """
    fields = config_fields()
    mapping_fields = _mapping_fields(fields)
    fixed = copy.deepcopy(dict(spec.fixed))
    axes = dict(spec.axes)
    cases = [dict(c) for c in spec.cases]
    done = []
    for key, value in overrides.items():
        _check_config_key(key, "the overrides", fields, mapping_fields)

        def hit(k: str) -> bool:  # k is overridden by key: the same key, or an entry below it
            return k == key or k.startswith(key + ".") or key.startswith(k + ".")

        replaced = [values for k, values in axes.items() if k == key]
        axes = {k: v for k, v in axes.items() if not hit(k)}
        in_cases = any(hit(k) for c in cases for k in c)
        cases = [{k: v for k, v in c.items() if not hit(k)} for c in cases]
        _drop_fixed(fixed, key)
        _set_dotted(fixed, key, value)
        done.append(Override(key, value, tuple(replaced[0]) if replaced else None, in_cases))
    merged: list[dict] = []
    for c in cases:
        if c not in merged:
            merged.append(c)
    if merged == [{}]:
        merged = []
    return dataclasses.replace(spec, fixed=fixed, axes=tuple(axes.items()), cases=tuple(merged)), tuple(done)
