"""Claim: LeJEPA training in a nonlinear Gaussian world recovers the latent up to a rotation (docs/theory.md §2, §7).

A short run (the sinusoid mixing x = (z₁ + sin(1.5 z₂), z₂), a small GELU MLP, so the encoder
must invert a nonlinear map) on the Gaussian world with ρ = 0.95, through the authors' channel
(the Ornstein–Uhlenbeck channel for a Gaussian latent). Each negative control changes one thing:
the latent law (a heavy-tailed generalised normal, α = 0.5, on the same channel and mixing: no
linear map of it is Gaussian, so SIGReg pushes the encoder away from linear), or the training
(one step: the untrained encoder). The runs are shared with the other validation claims
(:mod:`validation.checks._runs`).
"""

from __future__ import annotations

from lejepa_verify.theory.claims import Evidence, claim, control, instances

R2_MIN = 0.98
ORTH_MAX = 0.2


@claim(
    "train/gaussian-recovers-rotation",
    statement="LeJEPA on a nonlinear Gaussian world (sinusoid mixing, n = 2, ρ = 0.95, 400 steps) learns h ≈ Qz: "
              "R²(h→z) ≥ 0.98 and ||AᵀA − I||_F ≤ 0.2",
    source="paper Theorem 1 (docs/theory.md §2, Theorem A) and §7 experiments; trained, 400 steps",
    layer="validation",
    controls=(control("non-Gaussian called Gaussian", "the same run with a generalised-normal latent (α = 0.5), the one "
                      "change, also learns a rotation", run_name="sinusoid/gennorm-0.5"),
              control("wrong object", "the untrained encoder (the same run stopped after one step) already is a rotation",
                      run_name="sinusoid/untrained")),
    lean=("hermite_identifiability", "loss_lower_bound"),
    scope=instances("one seeded training run, n = 2, ρ = 0.95, sinusoid mixing"),
)
def check_gaussian_recovers_rotation(run_name: str = "sinusoid/gaussian") -> Evidence:
    from lejepa_verify.validation.checks._runs import RUNS, config, run

    m = run(run_name).metrics
    passed = m.r2_hz >= R2_MIN and m.orth_err <= ORTH_MAX
    cfg = config(run_name)
    return Evidence(
        passed=bool(passed),
        numbers={"r2_hz": m.r2_hz, "orth_err": m.orth_err, "procrustes_mse": m.procrustes_mse,
                 "bound": m.bound, "epsilon": m.epsilon, "run": run_name,
                 "latent": cfg.latent + (f"{dict(cfg.latent_params)}" if cfg.latent_params else ""),
                 "mixing": cfg.mixing, "steps": cfg.steps, "gaussian_latent": RUNS[run_name][1]},
        tolerance=1.0 - R2_MIN,
        detail=f"thresholds: R² ≥ {R2_MIN}, orthogonality error ≤ {ORTH_MAX}",
    )
