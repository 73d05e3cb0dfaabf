"""Claim: LeJEPA training in the Gaussian world recovers the latent up to a rotation (docs/theory.md §2, §7).

A short run (identity mixing, a small GELU MLP, so the encoder starts nonlinear and must become
linear) on the Gaussian OU world with ρ = 0.95. The negative control is the same run on a
heavy-tailed generalised-normal latent (α = 0.5, the authors' ablation channel): no linear map
of it is Gaussian, so SIGReg pushes the encoder away from linear and the check must reject it.
"""

from __future__ import annotations

from lejepa_verify.theory.claims import Evidence, claim, instances

R2_MIN = 0.99
ORTH_MAX = 0.15


@claim(
    "train/gaussian-recovers-rotation",
    statement="LeJEPA on the Gaussian OU world (n = 2, ρ = 0.95) learns h ≈ Qz: R²(h→z) ≥ 0.99, ||AᵀA − I||_F ≤ 0.15",
    source="paper Thm 4.1 (docs/theory.md §2, Theorem A) and §7 experiments; trained, 600 steps",
    layer="validation",
    control={"latent": "gennorm", "alpha": 0.5},
    control_statement="the same run on a generalised-normal latent (α = 0.5) also learns a rotation",
    scope=instances("one seeded training run, n = 2, ρ = 0.95"),
)
def check_gaussian_recovers_rotation(latent: str = "gaussian", alpha: float | None = None, steps: int = 600,
                                     seed: int = 0) -> Evidence:
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train

    world = {} if latent == "gaussian" else {"latent": latent, "latent_params": {"alpha": alpha},
                                             "transition": "authors"}
    cfg = TrainConfig(mixing="identity", width=64, depth=2, steps=steps, eval_size=2048, n_bootstrap=50,
                      spectrum_degree=0, seed=seed, **world)
    m = train(cfg, progress=False).metrics
    passed = m.r2_hz >= R2_MIN and m.orth_err <= ORTH_MAX
    return Evidence(
        passed=bool(passed),
        numbers={"r2_hz": m.r2_hz, "orth_err": m.orth_err, "procrustes_mse": m.procrustes_mse,
                 "bound": m.bound, "epsilon": m.epsilon, "epsilon_se": m.uncertainty.stderr["epsilon"],
                 "latent": latent if alpha is None else f"{latent}(alpha={alpha})", "steps": steps},
        tolerance=1.0 - R2_MIN,
        detail=f"thresholds: R² ≥ {R2_MIN}, orthogonality error ≤ {ORTH_MAX}",
    )
