"""One frozen config object per training run (THEORY.md §1 and §7).

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

All checks happen in ``__post_init__``, so a bad config is a ``ValueError`` before any
training starts.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Mapping

from lejepa_verify.theory.validate import check_choice, check_int, check_positive, check_rho
from lejepa_verify.validation.registries import ENCODERS, OBJECTIVES, OBSERVATIONS

#: Fields added after run records were first stored. A run id hashes the config without the
#: ones that hold their default, so that a store written before a field existed keeps its ids
#: (and a resumed sweep finds its runs). A new field goes here, with its default.
ADDED_FIELDS: tuple[str, ...] = ("views", "best_of", "cnn_channels", "cnn_hidden", "cnn_batch_norm", "pairs",
                                  "trajectory_lag")

MATCHED_INITS = ("identity", "random")
SCHEDULES = ("constant", "cosine", "constant-cosine")
DEVICES = ("cpu", "cuda")
#: how a training pair is drawn (``validation.channels``): ``pair`` = (z, z') one step apart;
#: ``anchor`` = the authors' two views, each one step from a hidden anchor (correlation ρ²)
VIEWS = ("pair", "anchor")
#: transitions that are one step rho z + sqrt(1 - rho^2) eta, so that two views of one anchor exist
ANCHOR_TRANSITIONS = ("ou", "authors")
#: where training pairs come from: the latent law's ``transition`` (default), or recorded
#: trajectories of the simulated two-link arm (``numerics.arm_dynamics``) at ``trajectory_lag``
PAIR_SOURCES = ("transition", "arm_trajectory")
#: largest seed: the trainer seeds torch generators with ``seed`` and ``seed + 1_000_003``, and
#: numpy with ``seed``; 2**32 − 1 fits every one of them (torch takes at most 2**64 − 1)
MAX_SEED = 2**32 - 1


def latent_names() -> tuple[str, ...]:
    """The latent laws the numerics layer offers (``numerics.latents.LATENT_LAWS``)."""
    from lejepa_verify.numerics.latents import LATENT_LAWS

    return tuple(LATENT_LAWS)


def transition_names() -> tuple[str, ...]:
    """The transitions the numerics layer offers (``numerics.transitions.TRANSITIONS``)."""
    from lejepa_verify.numerics.transitions import TRANSITIONS

    return tuple(TRANSITIONS)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines one training run; ``m=None`` means ``m = n``.

    World: latent law ``latent`` (with ``latent_params``) in ``n`` dimensions, pairs from
    ``transition`` with correlation ``rho`` (``None``, the default, takes the law's natural
    transition, ``law.default_transition``: ``ou`` for the Gaussian, the authors' channel
    ``authors`` for every other law, so their ablations compare directly; the resolved name is
    what the config holds), observed through ``mixing`` (its random parts
    drawn from ``mixing_seed``; ``mixing_layers`` coupling or MLP layers).
    Learner: ``encoder`` (``width`` × ``depth`` for the MLP, ``encoder_layers`` for the matched
    inverse coupling, default ``mixing_layers``, started as the identity map unless
    ``matched_init="random"``, see ``validation.encoders``) with output dimension ``m``; objective
    ``λ·SIGReg + (1 − λ)·alignment`` (``lejepa``), ``λ·||Cov − I||_F² + (1 − λ)·alignment``
    (``whitening``) or Gaussian-kernel InfoNCE with bandwidth ``sigma`` (``infonce``).
    SIGReg uses ``n_slices`` directions and ``n_knots`` trapezoid knots on ``[0, t_max]``.
    Optimiser: AdamW with ``lr``, ``weight_decay``, ``schedule`` over ``steps`` steps of
    ``batch_size`` pairs. Metrics on ``eval_size`` held-out pairs every ``eval_every`` steps,
    with ``n_bootstrap`` resamples for the uncertainty of ε, δ; the Hermite spectrum of the
    learned map up to ``spectrum_degree`` (Gaussian worlds, 0 switches it off).

    The authors' settings: ``views="anchor"`` trains on their two views of a hidden anchor
    (each one transition step from it, so the views correlate at ρ² while the held-out pairs
    and δ stay at ρ; ``validation.channels``); ``best_of=K`` trains K encoders (seeds
    ``seed + 1000·k``, the same world) and keeps the one with the lowest final training loss;
    the objectives ``authors_lejepa`` and ``authors_whitening`` take ``lam`` in the authors'
    units (alignment divided by 4m, whitening averaged over the m² entries); our λ giving a
    proportional loss is ``λ = (λ_a/r) / (λ_a/r + (1 − λ_a)/(4m))`` with ``r = 1`` for SIGReg
    and ``r = m²`` for whitening (``validation.objectives._authors``; their 2D λ_a = 1e−3 is
    λ = 0.00794 here at m = 2).
    """

    mixing: str = "spiral"
    encoder: str = "mlp"
    objective: str = "lejepa"
    latent: str = "gaussian"
    latent_params: Mapping[str, Any] = field(default_factory=dict)
    transition: str | None = None
    n: int = 2
    m: int | None = None
    rho: float = 0.95
    lam: float = 0.08
    lam_start: float | None = 0.01
    lam_ramp_start: float = 0.3
    lam_ramp_end: float = 0.9
    steps: int = 6000
    batch_size: int = 256
    lr: float = 1e-2
    weight_decay: float = 0.0
    schedule: str = "cosine"
    seed: int = 0
    device: str = "cpu"
    width: int = 128
    depth: int = 3
    encoder_layers: int | None = None
    matched_init: str = "identity"
    mixing_layers: int = 4
    mixing_seed: int = 1337
    n_slices: int = 16
    n_knots: int = 17
    t_max: float = 3.0
    sigma: float = 1.0
    eval_size: int = 4096
    eval_every: int = 500
    n_bootstrap: int = 200
    spectrum_degree: int = 3
    threads: int | None = 1
    views: str = "pair"
    best_of: int = 1
    cnn_channels: tuple[int, ...] = (8, 16, 32, 32)
    cnn_hidden: int = 64
    cnn_batch_norm: bool = True
    pairs: str = "transition"
    trajectory_lag: int = 1

    def __post_init__(self) -> None:
        check_choice(self.mixing, "mixing", OBSERVATIONS.names())
        check_choice(self.encoder, "encoder", ENCODERS.names())
        check_choice(self.objective, "objective", OBJECTIVES.names())
        check_choice(self.latent, "latent", latent_names())
        if self.transition is not None:
            check_choice(self.transition, "transition", transition_names())
        if not isinstance(self.latent_params, Mapping):
            raise ValueError(f"latent_params must be a mapping such as {{'alpha': 0.5}}, got {self.latent_params!r}")
        object.__setattr__(self, "latent_params", {str(k): v for k, v in sorted(self.latent_params.items())})
        self._check_world()
        check_choice(self.schedule, "schedule", SCHEDULES)
        check_choice(self.device, "device", DEVICES)
        check_choice(self.matched_init, "matched_init", MATCHED_INITS)
        check_choice(self.views, "views", VIEWS)
        if self.views == "anchor" and self.transition not in ANCHOR_TRANSITIONS:
            raise ValueError(f"views 'anchor' needs transition in {ANCHOR_TRANSITIONS}, got {self.transition!r}")
        check_int(self.best_of, "best_of", 1, 100)
        n = check_int(self.n, "n", 1)
        if self.m is not None:
            m = check_int(self.m, "m", 1)
            if m < n:
                raise ValueError(f"m must be >= n = {n} (overcomplete or square embeddings), got {m}")
        # the observation and the encoder say which dimensions and shapes they take
        obs_shape = OBSERVATIONS.get(self.mixing).obs_shape(n)
        ENCODERS.get(self.encoder).check(obs_shape, n, self.out_dim)
        check_rho(self.rho, "rho")
        if isinstance(self.lam, bool) or not isinstance(self.lam, (int, float)) or not math.isfinite(self.lam) \
                or not 0.0 <= float(self.lam) <= 1.0:
            raise ValueError(f"lam must lie in [0, 1], got {self.lam!r}")
        if self.lam_start is not None:
            if isinstance(self.lam_start, bool) or not isinstance(self.lam_start, (int, float)) \
                    or not 0.0 < float(self.lam_start) <= 1.0:
                raise ValueError(f"lam_start must lie in (0, 1] (or be None for a constant lam), got {self.lam_start!r}")
            if float(self.lam) <= 0.0:
                raise ValueError(f"lam must be > 0 when lam_start is given (geometric ramp), got {self.lam!r}")
        for name in ("lam_ramp_start", "lam_ramp_end"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1] (a fraction of the steps), got {v!r}")
        if self.lam_ramp_end < self.lam_ramp_start:
            raise ValueError(f"lam_ramp_end must be >= lam_ramp_start = {self.lam_ramp_start}, got {self.lam_ramp_end}")
        check_int(self.steps, "steps", 1)
        check_int(self.batch_size, "batch_size", 2)
        check_positive(self.lr, "lr")
        check_positive(self.weight_decay, "weight_decay", strict=False)
        check_int(self.seed, "seed", 0, MAX_SEED)
        check_int(self.width, "width", 1)
        check_int(self.depth, "depth", 1)
        if self.encoder_layers is not None:
            check_int(self.encoder_layers, "encoder_layers", 1)
        check_int(self.mixing_layers, "mixing_layers", 1)
        check_int(self.mixing_seed, "mixing_seed", 0, MAX_SEED)
        check_int(self.n_slices, "n_slices", 1)
        check_int(self.n_knots, "n_knots", 2)
        check_positive(self.t_max, "t_max")
        check_positive(self.sigma, "sigma")
        check_int(self.eval_size, "eval_size", 16)
        check_int(self.eval_every, "eval_every", 1)
        check_int(self.n_bootstrap, "n_bootstrap", 0)
        check_int(self.spectrum_degree, "spectrum_degree", 0, 8)
        if self.threads is not None:
            check_int(self.threads, "threads", 1)
        self._check_pixels(obs_shape)

    def _check_pixels(self, obs_shape: tuple[int, ...]) -> None:
        """The CNN's fields and the pair source (``validation.encoders.cnn``, ``numerics.arm_dynamics``)."""
        ch = self.cnn_channels
        if isinstance(ch, (str, bytes)) or not isinstance(ch, (tuple, list)) or not 1 <= len(ch) <= 8:
            raise ValueError(f"cnn_channels must be a list of 1 to 8 positive integers, got {ch!r}")
        object.__setattr__(self, "cnn_channels", tuple(check_int(c, "cnn_channels", 1) for c in ch))
        check_int(self.cnn_hidden, "cnn_hidden", 1)
        if not isinstance(self.cnn_batch_norm, bool):
            raise ValueError(f"cnn_batch_norm must be true or false, got {self.cnn_batch_norm!r}")
        check_choice(self.pairs, "pairs", PAIR_SOURCES)
        if self.pairs != "transition" and self.views != "pair":
            raise ValueError(f"views {self.views!r} draws two views of one anchor through the transition; "
                             f"it cannot be combined with pairs {self.pairs!r}")
        if isinstance(self.trajectory_lag, bool) or not isinstance(self.trajectory_lag, int) or self.trajectory_lag < 1:
            raise ValueError(f"trajectory_lag must be a positive integer (control steps), got {self.trajectory_lag!r}")
        if self.pairs == "arm_trajectory" and self.n != 2:
            raise ValueError(f"pairs 'arm_trajectory' records a two-link arm and needs n = 2, got n = {self.n}")
        if len(obs_shape) == 3 and self.encoder == "cnn":
            # the stage count is a field of this config, so the image size is checked here too
            from lejepa_verify.validation.encoders.cnn import check_image

            check_image(obs_shape, self.cnn_channels)

    def lam_at(self, step: int) -> float:
        """λ at ``step`` (0-based): ``lam_start`` until ``lam_ramp_start·steps``, then a geometric
        ramp to ``lam`` reached at ``lam_ramp_end·steps``; constant ``lam`` when ``lam_start`` is None."""
        if self.lam_start is None:
            return float(self.lam)
        a, b = self.lam_ramp_start * self.steps, self.lam_ramp_end * self.steps
        frac = 1.0 if step >= b else 0.0 if step < a or b <= a else (step - a) / (b - a)
        return float(self.lam_start) * (float(self.lam) / float(self.lam_start)) ** frac

    def _check_world(self) -> None:
        """The latent law must accept ``latent_params`` and have the transition (numerics layer)."""
        from lejepa_verify.numerics.latents import latent_law
        from lejepa_verify.numerics.transitions import available_transitions

        law = latent_law(self.latent, **self.latent_params)
        if self.transition is None:
            object.__setattr__(self, "transition", law.default_transition)
        have = available_transitions(law)
        if self.transition not in have:
            raise ValueError(f"transition {self.transition!r} does not exist for the latent law {law.label}; "
                             f"valid transitions for it: {', '.join(have)}")
        if self.transition != "langevin":
            from lejepa_verify.numerics.transitions import sample_pairs

            # one pair runs every check the run's sampler makes (rho = 1/k for the uniform AR(1)
            # chain ...), so a config that would fail at its first step fails here; the MALA
            # kernel is left out, its calibration costs a pilot run and checks only rho
            check_rho(self.rho, "rho")
            sample_pairs(law, self.transition, self.rho, 1, dim=1, seed=0)

    @property
    def out_dim(self) -> int:
        """The embedding dimension ``m`` (``n`` when ``m`` is not given)."""
        return self.n if self.m is None else int(self.m)

    @property
    def n_encoder_layers(self) -> int:
        return self.mixing_layers if self.encoder_layers is None else int(self.encoder_layers)

    def to_dict(self) -> dict:
        """JSON-safe plain dict; ``TrainConfig.from_dict(c.to_dict()) == c``."""
        d = asdict(self)
        d["latent_params"] = dict(self.latent_params)
        # a list, as JSON reads it back, so that a stored config compares equal to this one
        d["cnn_channels"] = list(self.cnn_channels)
        return d

    def identity_dict(self) -> dict:
        """What a run id hashes: :meth:`to_dict` without the ``ADDED_FIELDS`` at their defaults."""
        d = self.to_dict()
        defaults = {f.name: (f.default if f.default is not MISSING else f.default_factory()) for f in fields(self)}
        for name in ADDED_FIELDS:
            default = list(defaults[name]) if isinstance(defaults[name], tuple) else defaults[name]
            if d.get(name) == default:
                d.pop(name)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "TrainConfig":
        """Build a config from a mapping; an unknown key is a ValueError naming it and the valid keys."""
        if not isinstance(d, Mapping):
            raise ValueError(f"config must be a mapping, got {type(d).__name__}")
        valid = [f.name for f in fields(cls)]
        for key in d:
            if key not in valid:
                raise ValueError(f"unknown config key {key!r}; valid keys: {', '.join(valid)}")
        return cls(**dict(d))

    def replace(self, **changes: Any) -> "TrainConfig":
        """A copy with some fields changed (validated again)."""
        return TrainConfig.from_dict({**self.to_dict(), **changes})
