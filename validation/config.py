"""One frozen config object per training run (docs/theory.md §1 and §7).

A ``TrainConfig`` holds what every run has, as flat fields (the world, the learner's names,
the λ schedule, the optimiser, the evaluation, the machine), and the options of the registered
members it names (the encoder's width, the objective's slices, the pair source's lag ...).
Every setting is *declared* once, as data (:class:`~lejepa_verify.theory.options.Option`):
the flat fields in :data:`CORE_OPTIONS` here, each member's options in its own module
(``options = (...)``). One validator reads the declarations; the command line, ``--help``,
sweep files and ``report --set`` read the same declarations. A config is validated once, when
it is built; what the trainer hands on is already valid.

Every default gives the recommended fast recipe for the 2D Gaussian world (spiral mixing,
OU channel with ρ = 0.95). The recipe differs from the authors' on purpose: their λ = 1e−3
does not hold the Gaussian constraint, so their embeddings settle near 0.8 times a rotation.
Here SIGReg is the Epps–Pulley *test statistic* (sample size times the weighted integral, so
its value under the null does not depend on the batch size) and the alignment term is the
population loss ``L(h) = E||h(z) − h(z')||²`` itself (see ``validation.objectives``).

The recipe, found by measurement on the spiral and banana worlds: a weak constraint first
(λ = 0.01) lets the alignment term unwind the mixing quickly; λ then rises geometrically to
0.08 between 30 % and 90 % of the steps, which pulls the scale of the embedding from about
0.89 to about 0.97 of a rotation while the cosine learning-rate decay removes the noise that
a strong SIGReg term injects. A constant strong λ (0.5) is worse: the SIGReg gradient noise
then drowns the alignment signal and ``R²`` falls (0.94 → 0.85 in a 2000-step test).

**Run ids.** A stored run is found again by the hash of :meth:`TrainConfig.identity_dict`,
which writes the config in the form version 0.1.0 stored: the 35 settings it always hashed
(:data:`ALWAYS_HASHED`), and every other setting only where it differs from its default (so a
setting added later leaves the ids of earlier stores alone). The retired ``views`` field is read
as the pair source (``views="anchor"`` is ``pairs="anchor"``) and hashed as 0.1.0 hashed it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.registries import ENCODERS, OBJECTIVES, OBSERVATIONS, PAIR_SOURCES

SCHEDULES = ("constant", "cosine", "constant-cosine")
DEVICES = ("cpu", "cuda")
#: largest seed: the trainer seeds torch generators with ``seed`` and ``seed + 1_000_003``, and
#: numpy with ``seed``; 2**32 − 1 fits every one of them (torch takes at most 2**64 − 1)
MAX_SEED = 2**32 - 1

def _transitions():
    from lejepa_verify.numerics.transitions.base import REGISTRY

    return REGISTRY


class _Role(dict):
    """The registries whose member a config names, by the field that names it; the numerics
    layer's transitions are read on first use (config stays importable without numpy)."""

    def __missing__(self, key):
        if key == "transition":
            self[key] = _transitions()
            return self[key]
        raise KeyError(key)

    def __iter__(self):
        return iter(ROLE_NAMES)


ROLE_NAMES = ("mixing", "encoder", "objective", "pairs", "transition")
ROLES = _Role({"mixing": OBSERVATIONS, "encoder": ENCODERS, "objective": OBJECTIVES, "pairs": PAIR_SOURCES})


def latent_names() -> tuple[str, ...]:
    """The latent laws the numerics layer offers (``numerics.latents.LATENT_LAWS``)."""
    from lejepa_verify.numerics.latents import LATENT_LAWS

    return tuple(LATENT_LAWS)


def transition_names() -> tuple[str, ...]:
    """The transitions the numerics layer offers (``numerics.transitions.TRANSITIONS``)."""
    from lejepa_verify.numerics.transitions import TRANSITIONS

    return tuple(TRANSITIONS)


#: What every run has, in the order ``--help`` and error messages list it.
CORE_OPTIONS: tuple[Option, ...] = (
    Option("mixing", "str", "spiral", "the observation map g of the world", choices=OBSERVATIONS.names),
    Option("encoder", "str", "mlp", "the learner f", choices=ENCODERS.names),
    Option("objective", "str", "lejepa", "the training objective", choices=OBJECTIVES.names),
    Option("latent", "str", "gaussian", "the latent law of each coordinate", choices=latent_names),
    Option("latent_params", "mapping", {}, "the latent law's parameters, e.g. alpha=0.5"),
    Option("transition", "str", None, "the transition z -> z' (default: the latent law's natural one)",
           choices=transition_names, nullable=True),
    Option("n", "int", 2, "latent dimension", low=1),
    Option("m", "int", None, "embedding dimension (default: n)", low=1, nullable=True),
    Option("rho", "float", 0.95, "correlation of a pair", low=0.0, high=1.0, low_open=True, high_open=True),
    Option("lam", "float", 0.08, "the weight λ of the regulariser (its final value under a ramp)", low=0.0, high=1.0),
    Option("lam_start", "float", 0.01, "λ before the ramp (none: a constant lam)", low=0.0, high=1.0,
           low_open=True, nullable=True),
    Option("lam_ramp_start", "float", 0.3, "start of the geometric λ ramp, as a fraction of the steps",
           low=0.0, high=1.0),
    Option("lam_ramp_end", "float", 0.9, "end of the λ ramp, as a fraction of the steps", low=0.0, high=1.0),
    Option("steps", "int", 6000, "optimiser steps", low=1),
    Option("batch_size", "int", 256, "pairs per step", low=2),
    Option("lr", "float", 1e-2, "AdamW learning rate", low=0.0, low_open=True),
    Option("weight_decay", "float", 0.0, "AdamW weight decay", low=0.0, high=1e6),
    Option("schedule", "str", "cosine", "learning-rate schedule", choices=SCHEDULES),
    Option("seed", "int", 0, "the run's seed (data, initialisation, slices)", low=0, high=MAX_SEED),
    Option("device", "str", "cpu", "torch device", choices=DEVICES),
    Option("mixing_seed", "int", 1337, "seed of the mixing's random parts", low=0, high=MAX_SEED),
    Option("eval_size", "int", 4096, "held-out pairs", low=16),
    Option("eval_every", "int", 500, "steps between evaluations", low=1),
    Option("n_bootstrap", "int", 200, "bootstrap resamples for the uncertainty of ε, δ", low=0),
    Option("spectrum_degree", "int", 3, "top degree of the learned map's Hermite spectrum (0: off)", low=0, high=8),
    Option("threads", "int", 1, "torch threads (none: torch's default)", low=1, nullable=True),
    Option("best_of", "int", 1, "train K encoders and keep the one with the lowest final loss", low=1, high=100),
    Option("pairs", "str", "transition", "where training pairs come from", choices=PAIR_SOURCES.names),
)
CORE = {o.name: o for o in CORE_OPTIONS}

#: The settings version 0.1.0 always hashed into a run id (its fields less those it added later).
ALWAYS_HASHED: tuple[str, ...] = (
    "mixing", "encoder", "objective", "latent", "latent_params", "transition", "n", "m", "rho", "lam",
    "lam_start", "lam_ramp_start", "lam_ramp_end", "steps", "batch_size", "lr", "weight_decay", "schedule",
    "seed", "device", "width", "depth", "encoder_layers", "matched_init", "mixing_layers", "mixing_seed",
    "n_slices", "n_knots", "t_max", "sigma", "eval_size", "eval_every", "n_bootstrap", "spectrum_degree",
    "threads",
)
#: member options that were flat fields of 0.1.0: every config carries them (with their declared
#: default where no member of the config reads them), so stored configs and ids stay as they were
LEGACY_OPTIONS: tuple[str, ...] = ("width", "depth", "encoder_layers", "matched_init", "mixing_layers", "n_slices",
                                   "n_knots", "t_max", "sigma", "cnn_channels", "cnn_hidden", "cnn_batch_norm",
                                   "trajectory_lag")
#: kept for code that imported it: the fields hashed only away from their defaults in 0.1.0
ADDED_FIELDS: tuple[str, ...] = ("views", "best_of", "cnn_channels", "cnn_hidden", "cnn_batch_norm", "pairs",
                                 "trajectory_lag")


# ----------------------------------------------------------------------------------------
# the members' declarations


def member(role: str, name: str) -> Any:
    """The registry entry ``name`` of ``role`` (``"encoder"``, ``"objective"``, ``"mixing"``, ``"pairs"``)."""
    return ROLES[role].get(name)


def member_declarations(role: str, name: str) -> tuple[Option, ...]:
    """The options the member ``name`` of ``role`` declares."""
    return tuple(getattr(member(role, name), "options", ()))


_DECLARED: dict = {}


def _members_key() -> tuple:
    """What the declarations depend on: every role's member names and the entries registered."""
    return tuple((role, ROLES[role].names(), tuple(map(id, ROLES[role]._entries.values()))) for role in ROLES)


def declared_options() -> dict[str, Option]:
    """Every setting a config may hold: the core fields, then every member's options (by name).

    Imports every member module (torch with them). Two members may declare the same option
    only alike (``n_slices`` of both SIGReg objectives); a clash is an error naming it. Computed
    once per set of registered members (a member registered later is seen).
    """
    key = _members_key()
    if key not in _DECLARED:
        _DECLARED.clear()
        _DECLARED[key] = _declared_options()
    return dict(_DECLARED[key])


def _declared_options() -> dict[str, Option]:
    out = dict(CORE)
    for role in ROLES:
        for name in ROLES[role].names():
            for opt in member_declarations(role, name):
                old = out.get(opt.name)
                if old is not None and old != opt:
                    raise ValueError(f"option {opt.name!r} of {role} {name!r} is declared differently elsewhere; "
                                     "give it another name")
                out[opt.name] = opt
    return out


def option_owners() -> dict[str, list[str]]:
    """Option name -> the members that read it, as ``"encoder mlp"`` (for help and messages)."""
    owners: dict[str, list[str]] = {}
    for role in ROLES:
        for name in ROLES[role].names():
            for opt in member_declarations(role, name):
                owners.setdefault(opt.name, []).append(f"{role} {name}")
    return owners


class Options(Mapping):
    """A member's options: read-only, by key or attribute (``opts.width``)."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Options({self._values!r})"


# ----------------------------------------------------------------------------------------
# the config


@dataclass(frozen=True, init=False)
class TrainConfig:
    """Everything that defines one training run; ``m=None`` means ``m = n``.

    World: latent law ``latent`` (with ``latent_params``) in ``n`` dimensions, pairs from
    ``transition`` with correlation ``rho`` (``None``, the default, takes the law's natural
    transition, ``law.default_transition``: ``ou`` for the Gaussian, the authors' channel
    ``authors`` for every other law, so their ablations compare directly; the resolved name is
    what the config holds), observed through ``mixing`` (its random parts drawn from
    ``mixing_seed``), training pairs from the pair source ``pairs`` (``transition``: one step
    apart; ``anchor``: the authors' two views of a hidden anchor, correlated at ρ² while the
    held-out pairs and δ stay at ρ; ``arm_trajectory``: recorded arm trajectories).
    Learner: ``encoder`` with output dimension ``m``; objective ``λ·SIGReg + (1 − λ)·alignment``
    (``lejepa``), whitening, InfoNCE, VICReg or the authors' normalisations (``authors_lejepa``,
    ``authors_whitening``: ``lam`` in their units). Optimiser: AdamW with ``lr``,
    ``weight_decay``, ``schedule`` over ``steps`` steps of ``batch_size`` pairs; ``best_of=K``
    trains K encoders (seeds ``seed + 1000·k``, the same world) and keeps the one with the lowest
    final training loss. Metrics on ``eval_size`` held-out pairs every ``eval_every`` steps, with
    ``n_bootstrap`` resamples for the uncertainty of ε, δ; the Hermite spectrum of the learned
    map up to ``spectrum_degree`` (Gaussian worlds, 0 switches it off).

    Members' options (``width``, ``n_slices``, ``cnn_channels``, ``trajectory_lag`` ...) are given
    as keywords like the fields and read as attributes (``config.width``) or per member
    (:meth:`member_options`); :func:`declared_options` lists them all with their limits. The
    retired ``views`` is accepted as an alias: ``views="anchor"`` is ``pairs="anchor"``.
    """

    mixing: str
    encoder: str
    objective: str
    latent: str
    latent_params: Mapping[str, Any]
    transition: str | None
    n: int
    m: int | None
    rho: float
    lam: float
    lam_start: float | None
    lam_ramp_start: float
    lam_ramp_end: float
    steps: int
    batch_size: int
    lr: float
    weight_decay: float
    schedule: str
    seed: int
    device: str
    mixing_seed: int
    eval_size: int
    eval_every: int
    n_bootstrap: int
    spectrum_degree: int
    threads: int | None
    best_of: int
    pairs: str
    #: the members' options (and the 0.1.0 options every config carries), validated
    options: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, **given: Any):
        values, options = _resolve(given)
        for name, value in values.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "options", options)
        self._check_members()

    def __getattr__(self, name: str) -> Any:
        # only reached when ``name`` is not a field: a member's option
        options = self.__dict__.get("options")
        if options is not None and name in options:
            return options[name]
        raise AttributeError(f"TrainConfig has no setting {name!r}")

    # ------------------------------------------------------------------------------------

    def _check_members(self) -> None:
        """The joint constraints the members put on the config, checked once."""
        obs = member("mixing", self.mixing)
        obs.check_n(self.n)
        obs_shape = obs.obs_shape(self.n)
        enc = member("encoder", self.encoder)
        enc.check(obs_shape, self.n, self.out_dim, self.member_options("encoder"))
        source = member("pairs", self.pairs)
        source.check(self)
        missing = [k for k in member("objective", self.objective).wants if k not in source.extras]
        if missing:
            givers = [name for name in PAIR_SOURCES.names() if set(missing) <= set(member("pairs", name).extras)]
            raise ValueError(f"objective {self.objective!r} needs the batch extras {', '.join(missing)}, which pairs "
                             f"{self.pairs!r} does not draw; pairs that do: {', '.join(givers) or 'none'}")

    def member_options(self, role: str) -> Options:
        """The options of the member this config names for ``role`` (``"encoder"``, ``"objective"``,
        ``"mixing"``, ``"pairs"`` or ``"transition"``), e.g. ``config.member_options("encoder").width``."""
        if role not in ROLE_NAMES:
            raise ValueError(f"unknown role {role!r}; valid roles: {', '.join(ROLES)}")
        decl = member_declarations(role, getattr(self, role))
        return Options({o.name: self.options[o.name] for o in decl})

    def lam_at(self, step: int) -> float:
        """λ at ``step`` (0-based): ``lam_start`` until ``lam_ramp_start·steps``, then a geometric
        ramp to ``lam`` reached at ``lam_ramp_end·steps``; constant ``lam`` when ``lam_start`` is None."""
        if self.lam_start is None:
            return float(self.lam)
        a, b = self.lam_ramp_start * self.steps, self.lam_ramp_end * self.steps
        frac = 1.0 if step >= b else 0.0 if step < a or b <= a else (step - a) / (b - a)
        return float(self.lam_start) * (float(self.lam) / float(self.lam_start)) ** frac

    @property
    def out_dim(self) -> int:
        """The embedding dimension ``m`` (``n`` when ``m`` is not given)."""
        return self.n if self.m is None else int(self.m)

    @property
    def n_encoder_layers(self) -> int:
        """Layers of the matched encoder: ``encoder_layers``, or the mixing's own number of layers."""
        layers = self.options.get("encoder_layers")
        return int(self.options.get("mixing_layers", 4)) if layers is None else int(layers)

    @property
    def views(self) -> str:
        """The retired ``views`` field, read from the pair source: ``"anchor"`` or ``"pair"``."""
        return "anchor" if self.pairs == "anchor" else "pair"

    # ------------------------------------------------------------------------------------
    # plain data

    def to_dict(self) -> dict:
        """JSON-safe plain dict: the fields and the options; ``TrainConfig.from_dict(c.to_dict()) == c``."""
        d = {name: getattr(self, name) for name in CORE}
        d["latent_params"] = dict(self.latent_params)
        for name, value in self.options.items():
            d[name] = list(value) if isinstance(value, tuple) else value
        return d

    def identity_dict(self) -> dict:
        """What a run id hashes: the config as version 0.1.0 stored it (module docstring)."""
        d = self.to_dict()
        pairs = d.pop("pairs")
        d["views"] = "anchor" if pairs == "anchor" else "pair"
        d["pairs"] = "transition" if pairs == "anchor" else pairs
        decl = declared_options()
        defaults = {"views": "pair", **{name: opt.json_default() for name, opt in decl.items()}}
        for name in list(d):
            if name not in ALWAYS_HASHED and d[name] == defaults.get(name, object()):
                d.pop(name)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TrainConfig":
        """Build a config from a mapping; an unknown key is a ValueError naming it and the valid keys."""
        if not isinstance(d, Mapping):
            raise ValueError(f"config must be a mapping, got {type(d).__name__}")
        return cls(**{str(k): v for k, v in d.items()})

    def replace(self, **changes: Any) -> "TrainConfig":
        """A copy with some settings changed (the changes validated); options that no member of
        the new config reads are dropped unless they were flat fields of 0.1.0."""
        base = self.to_dict()
        if "views" in changes and "pairs" not in changes:
            base.pop("pairs")
        return TrainConfig(**{**base, **changes}, _drop_unread=True)


# ----------------------------------------------------------------------------------------
# the one validator


def _resolve(given: Mapping[str, Any]) -> tuple[dict, dict]:
    """Validate ``given`` against the declarations: the core fields and the options (module docstring)."""
    given = dict(given)
    drop_unread = bool(given.pop("_drop_unread", False))
    if "options" in given:
        # dataclasses.replace passes the options back as one mapping
        opts = given.pop("options")
        if not isinstance(opts, Mapping):
            raise ValueError(f"options must be a mapping of option names to values, got {opts!r}")
        given = {**dict(opts), **given}
    _read_views(given)
    decl = declared_options()
    unknown = [k for k in given if k not in decl]
    if unknown:
        valid = list(decl) + ["views"]
        raise ValueError(f"unknown config key {unknown[0]!r}; valid keys: {', '.join(valid)}")

    values = {}
    for name, opt in CORE.items():
        if name == "latent_params" and name in given and not isinstance(given[name], Mapping):
            raise ValueError(f"latent_params must be a mapping such as {{'alpha': 0.5}}, got {given[name]!r}")
        values[name] = opt.check(given[name]) if name in given else _copy(opt.default)
    _check_joint(values)

    # the members' options: those of the named members, and the 0.1.0 ones every config carries
    read_by = {}
    for role in ROLES:
        for opt in member_declarations(role, values[role]):
            read_by[opt.name] = f"{role} {values[role]}"
    options = {}
    for name, opt in decl.items():
        if name in CORE:
            continue
        if name in read_by or name in LEGACY_OPTIONS:
            options[name] = opt.check(given[name]) if name in given else _copy(opt.default)
        elif name in given and opt.check(given[name]) != opt.default and not drop_unread:
            owners = ", ".join(option_owners().get(name, [])) or "no member"
            raise ValueError(f"{name} is an option of {owners}; this config's members "
                             f"({', '.join(f'{r} {values[r]}' for r in ROLES)}) do not read it")
    _check_unread_latent(values, given)
    _check_transition(values, options)
    return values, options


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _read_views(given: dict) -> None:
    """The retired ``views`` field: ``"anchor"`` is the pair source ``anchor``, ``"pair"`` the default."""
    if "views" not in given:
        return
    views = given.pop("views")
    if views not in ("pair", "anchor"):
        raise ValueError(f"unknown views {views!r}; valid choices: pair, anchor (views is read as pairs: "
                         "'anchor' is pairs='anchor')")
    if views == "anchor":
        if given.get("pairs", "transition") not in ("transition", "anchor"):
            raise ValueError(f"views 'anchor' draws two views of one anchor through the transition; "
                             f"it cannot be combined with pairs {given['pairs']!r}")
        given["pairs"] = "anchor"


def _check_joint(v: dict) -> None:
    """Constraints between core fields, and the world: the law takes its parameters and has the transition."""
    if v["m"] is not None and v["m"] < v["n"]:
        raise ValueError(f"m must be >= n = {v['n']} (overcomplete or square embeddings), got {v['m']}")
    if v["lam_start"] is not None and v["lam"] <= 0.0:
        raise ValueError(f"lam must be > 0 when lam_start is given (geometric ramp), got {v['lam']!r}")
    if v["lam_ramp_end"] < v["lam_ramp_start"]:
        raise ValueError(f"lam_ramp_end must be >= lam_ramp_start = {v['lam_ramp_start']}, got {v['lam_ramp_end']}")
    from lejepa_verify.numerics.transitions import available_transitions
    from lejepa_verify.validation.laws import cached_law

    law = cached_law(v["latent"], v["latent_params"])
    if v["transition"] is None:
        v["transition"] = law.default_transition
    have = available_transitions(law)
    if v["transition"] not in have:
        raise ValueError(f"transition {v['transition']!r} does not exist for the latent law {law.label}; "
                         f"valid transitions for it: {', '.join(have)}")


def _check_transition(values: dict, options: dict) -> None:
    """The transition exists at this ``ρ`` with its options (the uniform chain needs ``ρ = 1/k``, an
    action world balanced noise ...), in ``n`` dimensions."""
    from lejepa_verify.validation.laws import cached_law

    law = cached_law(values["latent"], values["latent_params"])
    transition = member("transition", values["transition"])
    opts = {o.name: options[o.name] for o in transition.options}
    transition.check(law, values["rho"], **opts)
    transition.check_dim(law, values["rho"], values["n"], **opts)


def _check_unread_latent(values: dict, given: Mapping[str, Any]) -> None:
    """A pair source that does not read the world's latent law refuses settings of it."""
    source = member("pairs", values["pairs"])
    if source.uses_latent:
        return
    unread = [k for k in ("latent", "latent_params", "transition")
              if k in given and given[k] not in (None, {}, "gaussian", "ou")]
    if unread:
        raise ValueError(f"pairs {values['pairs']!r} does not read the world's latent law; "
                         f"{unread[0]} = {given[unread[0]]!r} would change nothing but the run id")


def is_finite_number(value: Any) -> bool:
    """A real, finite number (``bool`` excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
