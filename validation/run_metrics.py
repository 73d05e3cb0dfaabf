"""What one training run measured, as typed results (docs: theory, approximate identifiability).

:class:`RunMetrics` is the ``metrics`` of a :class:`~lejepa_verify.validation.trainer.TrainResult`
and of a run record on disk (as its ``to_dict()``, plain JSON). Sections, the sweep table and
the ``train`` command read its fields. :meth:`RunMetrics.from_dict` reads records written by
earlier versions (fields they lack are ``None``) and ignores keys it does not know, so a
store written by a newer version still loads; :meth:`RunMetrics.table_row` is the flat row
of ``lejepa-verify collect``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Mapping


def _float(v: Any) -> float | None:
    """A finite or non-finite float from a record value (``"nan"``/``"inf"`` strings included)."""
    if v is None:
        return None
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    return float(v)


@dataclass(frozen=True)
class Uncertainty:
    """Bootstrap uncertainty of the final estimates (``numerics.bounds``).

    Attributes
    ----------
    stderr : dict[str, float]
        Bootstrap standard error per quantity (``epsilon``, ``delta``, ``D``, ``bound``, ``error``).
    interval : dict[str, tuple[float, float]]
        Percentile interval per quantity at level ``confidence``.
    confidence : float
        Level of the intervals.
    n_bootstrap, n_samples : int
        Resamples drawn and held-out pairs used.
    """

    stderr: Mapping[str, float] = field(default_factory=dict)
    interval: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    confidence: float | None = None
    n_bootstrap: int | None = None
    n_samples: int | None = None

    def interval_of(self, name: str) -> tuple[float, float]:
        """The interval of ``name``; ``(nan, nan)`` when the run has none (no bootstrap)."""
        lo_hi = self.interval.get(name)
        return (math.nan, math.nan) if lo_hi is None else (float(lo_hi[0]), float(lo_hi[1]))

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"stderr": dict(self.stderr), "interval": {k: list(v) for k, v in self.interval.items()},
                "confidence": self.confidence, "n_bootstrap": self.n_bootstrap, "n_samples": self.n_samples}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "Uncertainty":
        """From a record's stored form (missing entries empty or ``None``)."""
        d = d or {}
        return cls(stderr={k: _float(v) for k, v in (d.get("stderr") or {}).items()},
                   interval={k: (_float(v[0]), _float(v[1])) for k, v in (d.get("interval") or {}).items()},
                   confidence=d.get("confidence"), n_bootstrap=d.get("n_bootstrap"), n_samples=d.get("n_samples"))


@dataclass(frozen=True)
class SpectrumMetrics:
    """Hermite spectrum of the learned ``h`` in a Gaussian world, and the alignment it predicts.

    Attributes
    ----------
    max_degree : int
        Top total degree of the projection.
    method : str
        Quadrature or Monte Carlo method used (``numerics.spectrum``).
    degree_energy : list[float]
        ``Σ_i E_{i,d}`` for ``d = 0 … max_degree``.
    residual : float
        Energy above ``max_degree``.
    nonlinear_energy : float
        ``W_nl`` (degrees ≥ 2, residual included).
    linear_block : list[list[float]]
        ``M = E[h(z) zᵀ]``, shape ``(m, n)``.
    alignment_predicted, alignment_predicted_se : float
        ``2 Σ_d (1 − ρ^d) E_d`` and its standard error.
    alignment_predicted_interval : tuple[float, float]
        Truncation bracket of the predicted alignment.
    alignment_measured : float
        The held-out alignment loss, for comparison.
    """

    max_degree: int
    method: str
    degree_energy: list
    residual: float
    nonlinear_energy: float
    linear_block: list
    alignment_predicted: float
    alignment_predicted_interval: tuple
    alignment_predicted_se: float | None
    alignment_measured: float

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["alignment_predicted_interval"] = list(self.alignment_predicted_interval)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "SpectrumMetrics | None":
        """From a record's stored form; ``None`` when the run has no spectrum (non-Gaussian worlds)."""
        if not d or "alignment_predicted" not in d:
            return None
        known = {f.name for f in fields(cls)}
        values = {k: d.get(k) for k in known}
        lo_hi = values.get("alignment_predicted_interval")
        if lo_hi is not None:
            values["alignment_predicted_interval"] = (_float(lo_hi[0]), _float(lo_hi[1]))
        return cls(**values)


@dataclass(frozen=True)
class RunMetrics:
    """The final metrics of one run on its held-out pairs (docs: approximate identifiability).

    Attributes
    ----------
    r2_hz, r2_zh : float
        ``R²`` of the best linear map from ``h`` to ``z`` and from ``z`` to ``h``.
    mcc : float
        Mean absolute correlation of ``z`` and ``h`` after the best matching.
    orth_err : float
        ``||AᵀA − I||_F`` of the linear map ``A`` from ``z`` to ``h``.
    procrustes_mse : float
        ``E||h − Qz||²`` with ``Q`` the polar factor of ``M = E[h zᵀ]``.
    epsilon, epsilon_debiased : float
        ``||Cov h − I||_F`` (plug-in) and its split-sample estimate without the ``m/√N`` bias.
    delta, D, bound : float
        ``δ = L(h) − 2(1 − ρ) tr Cov h``, ``D = δ / (2ρ(1 − ρ))`` and Prop 4.3's ``D + (ε + D)²``.
    bound_holds : bool
        ``procrustes_mse <= bound`` on the point estimates.
    bound_upper, error_lower, error_upper : float or None
        Upper confidence bound on the true error, and confidence limits of the measured error,
        where the run computed them.
    bound_level : float or None
        The confidence level of ``bound_upper`` and of the error limits.
    r2_hz_grid : float or None
        ``R²(h→z)`` on the authors' fixed grid over ``[−3, 3]²`` (2D runs that computed it).
    mean_sq_norm, alignment, trace_cov, scale : float
        ``||E h||²``, the held-out alignment loss, ``tr Cov h`` and ``sqrt(tr Cov h / m)``.
    steps_per_s, train_seconds : float
        Training speed and time (evaluation excluded).
    gaussian_world : bool
        Whether the world is the Gaussian OU world, where the Hermite theory applies.
    uncertainty : Uncertainty
        Bootstrap errors and intervals of the estimates above.
    spectrum : SpectrumMetrics or None
        The Hermite spectrum of ``h`` (Gaussian worlds with ``spectrum_degree > 0``).
    best_of : dict or None
        Best-of-K selection (``validation.best_of``): ``K``, the ``chosen`` index and each
        candidate's seed, status, final loss, ``R²(h→z)`` and wall time.
    notes : tuple[str, ...]
        What a reader must know to read the numbers (e.g. a run too short to have trained).
    """

    r2_hz: float
    orth_err: float
    r2_zh: float | None = None
    mcc: float | None = None
    procrustes_mse: float | None = None
    epsilon: float | None = None
    epsilon_debiased: float | None = None
    delta: float | None = None
    D: float | None = None
    bound: float | None = None
    bound_holds: bool | None = None
    bound_upper: float | None = None
    error_lower: float | None = None
    error_upper: float | None = None
    bound_level: float | None = None
    r2_hz_grid: float | None = None
    mean_sq_norm: float | None = None
    alignment: float | None = None
    trace_cov: float | None = None
    scale: float | None = None
    steps_per_s: float | None = None
    train_seconds: float | None = None
    gaussian_world: bool | None = None
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    spectrum: SpectrumMetrics | None = None
    best_of: Mapping[str, Any] | None = None
    notes: tuple = ()

    #: quantities whose bootstrap error and interval ``table_row`` spells out as columns
    UNCERTAIN = ("epsilon", "delta", "D", "bound", "error")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["uncertainty"] = self.uncertainty.to_dict()
        d["spectrum"] = None if self.spectrum is None else self.spectrum.to_dict()
        d["notes"] = list(self.notes) or None
        return {k: v for k, v in d.items() if v is not None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RunMetrics":
        """From a record's ``metrics`` (missing fields ``None``, unknown keys ignored)."""
        if not isinstance(d, Mapping) or "r2_hz" not in d:
            raise ValueError(f"metrics must be a mapping with at least r2_hz, got {d!r}")
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in d:
                continue
            v = d[f.name]
            if f.name == "uncertainty":
                v = Uncertainty.from_dict(v)
            elif f.name == "spectrum":
                v = SpectrumMetrics.from_dict(v)
            elif f.name == "best_of":
                v = None if v is None else dict(v)
            elif f.name == "notes":
                v = tuple(str(x) for x in (v or ()))
            elif f.name in ("bound_holds", "gaussian_world"):
                v = None if v is None else bool(v)
            else:
                v = _float(v)
            kwargs[f.name] = v
        kwargs.setdefault("orth_err", math.nan)
        kwargs["r2_hz"] = _float(d["r2_hz"])
        return cls(**kwargs)

    def table_row(self) -> dict:
        """Flat scalars for the sweep table: every scalar field, ``<q>_se``, ``<q>_ci_low`` and
        ``<q>_ci_high`` for each of ``UNCERTAIN``, and the spectrum's scalar summaries."""
        row = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("uncertainty", "spectrum", "best_of", "notes")}
        for q in self.UNCERTAIN:
            row[f"{q}_se"] = self.uncertainty.stderr.get(q)
            lo, hi = self.uncertainty.interval_of(q)
            row[f"{q}_ci_low"], row[f"{q}_ci_high"] = lo, hi
        if self.spectrum is not None:
            row["spectrum_alignment_predicted"] = self.spectrum.alignment_predicted
            row["spectrum_nonlinear_energy"] = self.spectrum.nonlinear_energy
        return row
