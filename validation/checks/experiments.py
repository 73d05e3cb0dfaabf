"""The paper's experimental statements as claims, on the tiny training runs of :mod:`validation.checks._runs`.

- ``experiments/bound-holds-on-gaussian-runs``: the bound of Theorem 3 (Lean Proposition 4.3)
  holds on every Gaussian run of the set, judged as the package judges a stored run: a run
  violates it when the lower confidence limit of its error exceeds the upper confidence limit of
  the bound (``numerics.bounds``). Control: the same limits for the bound without its quadratic
  term, ``||E h||² + D``.
- ``experiments/r2-peaks-at-gaussian``: among the generalised normal shapes α ∈ {1, 2, 4} (α = 2
  is the Gaussian), R²(h→z) on the law is highest at the Gaussian, by more than the seed spread,
  when the Gaussian constraint is held (identity mixing, λ ramped to 0.3; docs/findings.md,
  finding 4 says why the spiral world does not show it). Controls: a non-Gaussian shape called
  the Gaussian one.
- ``experiments/planning-falls-with-r2``: along training in one world, the excess cost of
  planning by retrieval in the learned latent over planning in the true latent falls as R² rises
  (a Spearman rank correlation with its exact permutation p-value). Controls: the sign reversed,
  and the same statement across runs of different latent laws, where it does not hold.

All claims read the same seconds-long runs, trained once per process.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from lejepa_verify.theory.claims import Evidence, claim, control, instances
from lejepa_verify.validation.checks._runs import RUNS, run

GAUSSIAN_RUNS = tuple(name for name, (_, gaussian) in RUNS.items() if gaussian)
#: the shapes of the peak claim: run name → α (α = 2 is the Gaussian run)
SHAPES = {"identity/gennorm-1": 1.0, "identity/gaussian": 2.0, "identity/gennorm-4": 4.0}
#: R² gap the Gaussian must lead by: the spread of Gaussian runs over seeds at this budget is
#: about 3e-4 (seeds 0 and 1: 0.9997, 0.99945), so a lead of 1e-3 is more than three spreads
PEAK_MARGIN = 1e-3
ALONG_TRAINING = ("sinusoid/untrained", "sinusoid/gaussian@25", "sinusoid/gaussian@50", "sinusoid/gaussian@100",
                  "sinusoid/gaussian@200", "sinusoid/gaussian")
ACROSS_LAWS = ("sinusoid/gaussian", "sinusoid/gennorm-0.5", "identity/gaussian", "identity/gennorm-1",
               "identity/gennorm-4", "identity/gaussian-weak-lambda")
P_MAX = 0.05


@functools.lru_cache(maxsize=None)
def _limits(name: str):
    """The confidence limits of Theorem 3's quantities on the run's held-out pairs (``numerics.bounds``)."""
    from lejepa_verify.numerics.bounds import approximate_identifiability

    r = run(name)
    cfg_rho = 0.95
    return approximate_identifiability(r.z, r.h, r.h_next, cfg_rho, n_bootstrap=0, seed=0)


@claim(
    "experiments/bound-holds-on-gaussian-runs",
    statement="the bound E||h − Qz||² ≤ ||Eh||² + D + (ε + D)² holds on every Gaussian run of the tiny set (ten runs: "
              "trained, stopped early, untrained, with a weak λ): no run's error is above the bound beyond their "
              "95 % confidence limits",
    source="paper Theorem 3 (Lean Proposition 4.3) and its bound figure, panel (a) ('the approximate bound holds "
           "across runs'); docs/theory.md §4",
    layer="validation",
    controls=(control("dropped term", "the bound without its quadratic term, E||h − Qz||² ≤ ||Eh||² + D, holds on every "
                      "Gaussian run", quadratic_term=False),),
    lean=("approximate_identifiability",),
    scope=instances("the Gaussian runs of validation.checks._runs (seeded, one world each, 2048 held-out pairs)"),
)
def check_bound_on_runs(quadratic_term: bool = True, runs: tuple = GAUSSIAN_RUNS) -> Evidence:
    from lejepa_verify.numerics.bounds import bound_value

    numbers, violated, point_violations = {}, [], 0
    for name in runs:
        est = _limits(name)
        D_up, bound_up = bound_value(est.epsilon_upper, max(est.delta_upper, 0.0), est.rho)
        upper = (bound_up if quadratic_term else D_up) + est.mean_sq_upper
        if est.error_lower > upper:
            violated.append(name)
        point_violations += int(not est.holds)
        numbers[name] = {"error": est.error, "error_lower": est.error_lower, "bound_point": est.bound,
                         "upper_limit": upper, "epsilon": est.epsilon, "D": est.D}
    numbers["runs"] = len(runs)
    numbers["violations_beyond_limits"] = violated
    numbers["point_estimates_violating"] = point_violations
    return Evidence(passed=not violated, numbers=numbers, tolerance=None,
                    detail="a run violates when its error's lower 95 % limit exceeds the bound's upper limit (Bonferroni "
                           "over ε², δ, ||E h||²); point estimates can violate while the limits do not (δ̂ clipped at 0)")


@claim(
    "experiments/r2-peaks-at-gaussian",
    statement="R²(h→z) on the law is highest at the Gaussian (α = 2) among the generalised normal shapes α ∈ {1, 2, 4}, "
              "by more than 1e-3, when the Gaussian constraint is held (identity mixing, λ → 0.3, 400 steps)",
    source="paper Figure panel (b) ('linear recovery R² peaks sharply at α = 2'); docs/findings.md finding 4",
    layer="validation",
    controls=(control("non-Gaussian called Gaussian", "R² is highest at α = 4, called the Gaussian shape",
                      gaussian_run="identity/gennorm-4"),
              control("non-Gaussian called Gaussian", "R² is highest at α = 1 (Laplace), called the Gaussian shape",
                      gaussian_run="identity/gennorm-1")),
    lean=("gaussian_uniqueness",),
    scope=instances("three seeded runs, one per shape α = 1, 2, 4, identity mixing; the margin 1e-3 is above the seed "
                    "spread of the Gaussian run at this budget"),
)
def check_r2_peak(gaussian_run: str = "identity/gaussian", margin: float = PEAK_MARGIN) -> Evidence:
    r2 = {name: run(name).metrics.r2_hz for name in SHAPES}
    others = [v for k, v in r2.items() if k != gaussian_run]
    lead = r2[gaussian_run] - max(others)
    return Evidence(passed=bool(lead > margin),
                    numbers={f"alpha={SHAPES[k]:g}": v for k, v in r2.items()}
                    | {"declared_gaussian": f"alpha={SHAPES[gaussian_run]:g}", "lead_over_next": lead},
                    tolerance=margin)


@functools.lru_cache(maxsize=None)
def _planning(name: str, n_pairs: int = 100) -> tuple[float, float]:
    """``(mean excess cost in the learned latent over the true latent, mean cost in the true latent)``
    of straight-line plans decoded by retrieval from the run's held-out bank (``numerics.retrieval_planning``)."""
    from lejepa_verify.numerics.retrieval_planning import plan_by_retrieval, start_goal_pairs

    r = run(name)
    pairs = start_goal_pairs(len(r.z), n_pairs, seed=0)
    learned = plan_by_retrieval(r.h, r.z, pairs).costs
    oracle = plan_by_retrieval(r.z, r.z, pairs).costs
    return float(np.mean(learned / oracle - 1.0)), float(np.mean(oracle))


def _spearman_permutation(x: list[float], y: list[float]) -> tuple[float, float, float]:
    """Spearman's ρ of ``x, y`` and its exact one-sided permutation p-values ``(P(ρ* <= ρ), P(ρ* >= ρ))``.

    All n! orderings of ``y`` are enumerated (n <= 8); a constant ``y`` has no ranks: ``(nan, 1, 1)``.
    """
    from scipy.stats import rankdata

    if len(set(y)) == 1 or len(set(x)) == 1:
        return math.nan, 1.0, 1.0
    rx, ry = rankdata(x), rankdata(y)

    def rho(a, b):
        a, b = a - a.mean(), b - b.mean()
        return float((a * b).sum() / math.sqrt((a * a).sum() * (b * b).sum()))

    observed = rho(rx, ry)
    perms = [rho(rx, np.asarray(p)) for p in itertools.permutations(ry)]
    below = sum(v <= observed + 1e-12 for v in perms) / len(perms)
    above = sum(v >= observed - 1e-12 for v in perms) / len(perms)
    return observed, below, above


@claim(
    "experiments/planning-falls-with-r2",
    statement="along training in one world (the sinusoid world, steps 1, 25, 50, 100, 200, 400), the excess cost of "
              "planning by retrieval in the learned latent over the true latent falls as R²(h→z) rises: Spearman ρ < 0 "
              "with exact permutation p <= 0.05",
    source="paper Figure panel (d) ('planning cost falls as R² rises', their Reacher runs); docs/theory.md §5",
    layer="validation",
    controls=(control("wrong constant", "the excess planning cost rises with R² along training", direction=1),
              control("weakened hypothesis", "the excess planning cost falls with R² across runs of different latent "
                      "laws and recipes (the on-law R² of a heavy-tailed law is low while its plans are not worse)",
                      runs=ACROSS_LAWS)),
    lean=("planning_equivalence",),
    scope=instances("six seeded runs of one world along training, 100 start-goal pairs each; exact permutation test"),
)
def check_planning_falls(runs: tuple = ALONG_TRAINING, direction: int = -1, p_max: float = P_MAX) -> Evidence:
    r2 = [run(name).metrics.r2_hz for name in runs]
    excess = [_planning(name)[0] for name in runs]
    rho, p_below, p_above = _spearman_permutation(r2, excess)
    p = p_below if direction < 0 else p_above
    passed = not math.isnan(rho) and p <= p_max and (rho < 0 if direction < 0 else rho > 0)
    return Evidence(passed=bool(passed),
                    numbers={"spearman_rho": rho, "permutation_p": p, "runs": len(runs),
                             "r2": dict(zip(runs, r2)), "excess_cost": dict(zip(runs, excess))},
                    tolerance=p_max,
                    detail="excess cost: mean over 100 pairs of (path length in the learned latent / in the true latent) − 1")
