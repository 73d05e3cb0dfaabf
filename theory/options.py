"""Declared options: what a setting may hold, written once as data and read by every consumer.

A registered member (an encoder, an objective, an observation, a pair source, a transition)
and the training config itself declare their settings as :class:`Option` values: a name, a
kind, a default, an allowed range or list of choices, and one line of help. One validator,
:meth:`Option.check` (and :func:`check_options` for a whole table), reads the declarations;
the command line (:meth:`Option.parse`, :meth:`Option.help`), sweep files and ``--set`` read
the same declarations, so a limit is written in one place (scikit-learn's
``_parameter_constraints`` is the model).

The kinds:

- ``int``: an integer (``bool`` refused; ``2.0`` refused: a count is an integer);
- ``float``: a finite real number (an ``int`` is turned into a float, so ``3`` and ``3.0`` are
  one value, and one run id);
- ``bool``: ``True``/``False``; on the command line ``true/false/1/0/yes/no``;
- ``str``: one of ``choices`` (a tuple, or a function returning the current names);
- ``ints``: a tuple of integers (length within ``length``); on the command line ``8,16,32``;
- ``mapping``: a mapping of names to numbers (``alpha=0.5``); its entries are checked by
  whoever owns them (a latent law's declared parameters).

``nullable`` admits ``None`` (written ``none`` on the command line and in TOML files).
numpy scalars are accepted and turned into Python numbers, so a config built from arrays
hashes like one typed by hand. Standard library only, so every layer can use it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

KINDS = ("int", "float", "bool", "str", "ints", "mapping")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


@dataclass(frozen=True)
class Option:
    """One declared setting (module docstring).

    ``low``/``high`` bound an ``int``, a ``float`` or every entry of ``ints``;
    ``low_open``/``high_open`` exclude the end itself. ``choices`` lists the values of a ``str``
    option (or is a function returning them, for names read from a registry). ``length`` bounds
    the length of an ``ints`` option. ``why`` says where a limit comes from (shown in errors).
    """

    name: str
    kind: str
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple | Callable[[], Iterable[str]] | None = None
    nullable: bool = False
    length: tuple[int, int] | None = None
    why: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"option {self.name!r}: kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.default is None and not self.nullable:
            raise ValueError(f"option {self.name!r}: default None needs nullable=True")

    # ------------------------------------------------------------------------------------
    # what is allowed

    def valid_choices(self) -> tuple:
        """The allowed values of a ``str`` option (read now, for registry-backed choices)."""
        if self.choices is None:
            return ()
        return tuple(self.choices() if callable(self.choices) else self.choices)

    @property
    def allowed(self) -> str:
        """The allowed values in words, e.g. ``an integer >= 1`` or ``one of: cpu, cuda``."""
        if self.kind == "bool":
            text = "true or false"
        elif self.kind == "mapping":
            text = "a mapping of names to numbers"
        elif self.kind == "str":
            ch = self.valid_choices()
            text = f"one of {', '.join(map(str, ch))}" if ch else "a string"
        else:
            what = {"int": "an integer", "float": "a real number", "ints": "a list of integers"}[self.kind]
            text = what + self._range_text()
            if self.kind == "ints" and self.length is not None:
                text = f"a list of {self.length[0]} to {self.length[1]} integers" + self._range_text(each=True)
        return text + (" (or none)" if self.nullable else "")

    def _range_text(self, each: bool = False) -> str:
        lo, hi = self.low, self.high
        if lo is None and hi is None:
            return ""
        prefix = ", each" if each else ""
        if lo is not None and hi is not None:
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            return f"{prefix} in {left}{_num(lo)}, {_num(hi)}{right}"
        if lo is not None:
            return f"{prefix} {'>' if self.low_open else '>='} {_num(lo)}"
        return f"{prefix} {'<' if self.high_open else '<='} {_num(hi)}"

    def _fail(self, value: Any, where: str, *, out_of_range: bool = False) -> ValueError:
        """The error for ``value``: its type is wrong (what is allowed, in full), or it lies out of range."""
        why = f" ({self.why})" if self.why else ""
        if out_of_range and self.kind in ("int", "float") and (self.low is not None or self.high is not None):
            rng = self._range_text().strip()
            if self.kind == "float" and rng.startswith("in "):
                rng = "lie " + rng
            else:
                rng = ("be " + rng) if not rng.startswith("in ") else "be " + rng
            return ValueError(f"{where}{self.name} must {rng}{why}, got {value!r}")
        return ValueError(f"{where}{self.name} must be {self.allowed}{why}, got {value!r}")

    def _in_range(self, v: float) -> bool:
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            return False
        if self.high is not None and (v >= self.high if self.high_open else v > self.high):
            return False
        return True

    # ------------------------------------------------------------------------------------
    # the one validator

    def check(self, value: Any, where: str = "") -> Any:
        """``value`` in its canonical type if it is allowed, else ``ValueError`` naming the option,
        the value and what is allowed (``where`` prefixes the message, e.g. ``"encoder mlp: "``)."""
        if value is None:
            if self.nullable:
                return None
            raise self._fail(value, where)
        kind = self.kind
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if _is_numpy_bool(value):
                return bool(value)
            raise self._fail(value, where)
        if kind == "int":
            return self._check_int(value, where)
        if kind == "float":
            if isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real):
                raise self._fail(value, where)
            v = float(value)
            if not math.isfinite(v) or not self._in_range(v):
                raise self._fail(value, where, out_of_range=True)
            return v
        if kind == "str":
            if not isinstance(value, str):
                raise self._fail(value, where)
            ch = self.valid_choices()
            if ch and value not in ch:
                raise ValueError(f"{where}unknown {self.name} {value!r}; valid choices: {', '.join(map(str, ch))}")
            return value
        if kind == "ints":
            if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
                raise self._fail(value, where)
            if self.length is not None and not self.length[0] <= len(value) <= self.length[1]:
                raise self._fail(value, where)
            return tuple(self._check_int(v, where, whole=value) for v in value)
        # mapping
        if not isinstance(value, Mapping):
            raise self._fail(value, where)
        return {str(k): _plain(v) for k, v in sorted(value.items())}

    def _check_int(self, value: Any, where: str, whole: Any = None) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self._fail(value if whole is None else whole, where)
        v = int(value)
        if not self._in_range(v):
            raise self._fail(value if whole is None else whole, where, out_of_range=whole is None)
        return v

    # ------------------------------------------------------------------------------------
    # the command line

    def parse(self, text: str) -> Any:
        """A value typed on a command line (or in ``--set``) in this option's kind, checked.

        ``none`` is ``None`` where allowed; booleans take ``true/false/1/0/yes/no``; ``ints``
        take ``8,16,32`` (or ``[8, 16, 32]``); a mapping takes ``alpha=0.5,beta=2`` or JSON.
        """
        import json

        raw = str(text).strip()
        if self.nullable and raw.lower() in ("none", "null"):
            return None
        kind = self.kind
        if kind == "bool":
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(f"{self.name} must be true or false (also 1/0, yes/no), got {text!r}")
        if kind in ("int", "float"):
            try:
                number = int(raw) if kind == "int" else float(raw)
            except ValueError:
                raise self._fail(text, "") from None
            return self.check(number)
        if kind == "str":
            return self.check(raw)
        if kind == "ints":
            body = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
            try:
                parts = [int(p) for p in body.replace(" ", "").split(",") if p != ""]
            except ValueError:
                raise self._fail(text, "") from None
            return self.check(parts)
        # mapping
        if raw.startswith("{"):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{self.name} is not a valid JSON object ({exc}): {text!r}") from None
            return self.check(value)
        out: dict[str, float] = {}
        for part in filter(None, raw.split(",")):
            key, sep, val = part.partition("=")
            if not sep or not key.strip():
                raise ValueError(f"{self.name} must look like alpha=0.5 (comma separated) or a JSON object, "
                                 f"got {part!r}")
            try:
                out[key.strip()] = float(val)
            except ValueError:
                raise ValueError(f"{self.name}: the value of {key.strip()!r} must be a number, got {val!r}") from None
        return self.check(out)

    @property
    def flag(self) -> str:
        """The command-line flag, ``--cnn-channels`` for ``cnn_channels``."""
        return "--" + self.name.replace("_", "-")

    def help_text(self, owner: str = "") -> str:
        """One line for ``--help``: the help, what is allowed, the default and who reads it."""
        default = "none" if self.default is None else _show(self.default)
        who = f" [{owner}]" if owner else ""
        return f"{self.help} ({self.allowed}; default {default}){who}".strip()

    def json_default(self) -> Any:
        """The default as JSON data (a tuple as a list)."""
        return list(self.default) if isinstance(self.default, tuple) else self.default


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _show(v: Any) -> str:
    if isinstance(v, tuple):
        return ",".join(map(str, v))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _is_numpy_bool(value: Any) -> bool:
    return type(value).__name__ in ("bool_", "bool") and type(value).__module__ == "numpy"


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python number it holds (so it serialises and hashes alike)."""
    if isinstance(v, bool):
        return v
    if _is_numpy_bool(v):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    return v


def check_options(declared: Iterable[Option], values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """Every declared option's value: the given one checked, the default where none is given.

    A key that no declaration names is a ``ValueError`` listing the valid names.
    """
    table = {o.name: o for o in declared}
    unknown = [k for k in values if k not in table]
    if unknown:
        valid = ", ".join(table) or "(none)"
        raise ValueError(f"{where}unknown option {unknown[0]!r}; valid options: {valid}")
    return {name: (o.check(values[name], where) if name in values else o.default) for name, o in table.items()}


def option_table(declared: Iterable[Option]) -> dict[str, Option]:
    """Declarations by name; a name declared twice is an error (the declarations disagree)."""
    out: dict[str, Option] = {}
    for o in declared:
        if o.name in out and out[o.name] != o:
            raise ValueError(f"option {o.name!r} is declared twice, differently")
        out[o.name] = o
    return out
