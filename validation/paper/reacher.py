"""Their Reacher experiment (Sec. 5.2, App. H.10-H.11): the table per ρ and per stride, the planning claims.

Published: ``[reacher_table]`` (Gaussian OU pairs at ρ = 0.3 … 0.99 and trajectory pairs at
strides δ = 1 … 64: ``R²(z→h)``, ``R²(h→z)``, per-joint ``R²(h→z₀)``, ``R²(h→z₁)`` and the
trajectories' lag correlations ρ₀, ρ₁, mean ± std over 3 seeds), numbers of ``[reacher_setup]``
(how often OU samples wrap, the encoder's size, the trajectories' correlations and range), and
the planning claims of ``[planning]``. The box-plot readings of ``[reacher]`` (median 1.15, IQR
1.0-1.4) are raster-figure readings (``[discrepancies].planning_medians``): shown beside ours,
never scored.

Ours: the report's pixel section (``validation.sections.pixels``): a CPU-sized arm rendered to
64 × 64 frames and a CNN, OU runs per ρ and trajectory runs per lag, each in ``DIR/pixels/<run>/``
with its record, and ``DIR/pixels/summary.json`` (per-joint ``R²`` and planning costs on a bank of
N(0, 1) frames, as their 10 000 i.i.d. Gaussian evaluation images). The trajectories' lag
correlations are computed from our simulated arm (``numerics.arm_dynamics``), no training.
This module reads the pixel section's files; it imports nothing from ``validation.sections``.
"""

from __future__ import annotations

import math
from typing import Mapping

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.pixel_runs import (PIXELS_DIR, SUMMARY_NAME, SUMMARY_ROW_KEYS,  # noqa: F401
                                                       PixelRuns, ou_name, read_pixel_runs, read_pixel_summary,
                                                       traj_name)
from lejepa_verify.validation.paper.runs import Evidence

TABLE = "reacher_table"
SETUP = "reacher_setup"
OLD = "reacher"
PLANNING = "planning"
#: the pixel section's folder under a report, and its summary (written by ``validation.sections.pixels``)
#: the pixel section's run whose R² the paper's headline Reacher number is held against
REACHER_OU_RUN = "ou_rho0.99"
FILL_PIXELS = "`lejepa-verify report --profile cpu --sections pixels --out DIR` (minutes per run on one core)"
#: their Reacher training, for the untested differences of a pixel run (App. H.10)
THEIR_PIXEL_SETTINGS = ("the MuJoCo Reacher with their CNN 32-64-128-256 (hidden 256), 100 epochs of 10⁵ pairs "
                        "(about 39 000 steps at batch 256), λ swept over 4 values with the best kept, AdamW with "
                        "weight decay 1e-4, gradient clipping at 1")


def num(v) -> float:
    """A summary value as a float (``json_safe`` writes NaN as ``"nan"``); NaN when it is not a number."""
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _pixel_value(pub: sc.Published, px: PixelRuns, name: str, value) -> sc.Measurement:
    if px.summary is None:
        return sc.not_run(f"{px.why}; {FILL_PIXELS}")
    row = px.rows.get(name)
    if row is None:
        return sc.not_run(f"the pixel section's profile `{px.summary.get('profile')}` has no run {name}; "
                          f"`lejepa-verify report --profile paper --sections pixels` runs every ρ and lag")
    v = value(row, px.records.get(name))
    rec = px.records.get(name)
    cfg = getattr(rec, "config", None)
    ours = f"ours: {row.get('steps')} steps" + (f", CNN {list(cfg.cnn_channels)} hidden {cfg.cnn_hidden}, batch "
                                                 f"{cfg.batch_size}" if cfg is not None else "")
    return sc.measured(v, [px.ref(name)], reason="", untested=f"{ours}, our CPU-sized arm; theirs: {THEIR_PIXEL_SETTINGS}")


def _r2_zh(row, rec) -> float:
    return rec.metric("r2_zh") if rec is not None else math.nan


def lag_correlations(lag: int, seed: int = 0) -> tuple[float, float]:
    """Pearson correlation of each joint angle ``θ_t`` with ``θ_{t+lag}`` in our simulated arm's
    recorded trajectories (``numerics.arm_dynamics.TrajectoryBank``, seed ``seed``), pooled over
    trajectories: their ρ₀, ρ₁ of the shoulder and the wrist."""
    import numpy as np

    from lejepa_verify.numerics.arm_dynamics import TrajectoryBank

    th = _bank(seed).theta
    a, b = th[:, :-lag].reshape(-1, 2), th[:, lag:].reshape(-1, 2)
    return tuple(float(np.corrcoef(a[:, i], b[:, i])[0, 1]) for i in range(2))  # type: ignore[return-value]


_BANKS: dict = {}


def _bank(seed: int):
    from lejepa_verify.numerics.arm_dynamics import TrajectoryBank

    if seed not in _BANKS:
        _BANKS[seed] = TrajectoryBank.simulate(seed=seed)
    return _BANKS[seed]


def entries(numbers, ev: Evidence) -> list[sc.Entry]:
    """Every scored number of the Reacher tables and the planning claims."""
    px = ev.pixels()
    out = []
    kind = numbers.kind(TABLE)
    rhos = numbers.numbers(TABLE, "ou_rho")
    for key, what, value in (("ou_r2_h_to_z", "R²(h→z)", lambda row, rec: num(row["r2_hz"])),
                             ("ou_r2_z_to_h", "R²(z→h)", _r2_zh)):
        vals, stds = numbers.numbers(TABLE, key, len(rhos)), numbers.std(TABLE, key, len(rhos))
        dec = sc.column_decimals(vals)
        for rho, v, s in zip(rhos, vals, stds):
            pub = sc.number(f"{TABLE}.{key}[rho={rho:g}]", TABLE, key, f"ρ = {rho:g}",
                            f"{what}, Reacher, OU pairs at ρ = {rho:g}", kind, v, s, decimals=dec)
            out.append(sc.verdict(pub, _pixel_value(pub, px, ou_name(rho), value)))
    deltas = numbers.numbers(TABLE, "traj_delta")
    for key, what, value in (("traj_r2_z_to_h", "R²(z→h)", _r2_zh),
                             ("traj_r2_h_to_z0", "R²(h→z₀), shoulder", lambda row, rec: num(row.get("r2_z1"))),
                             ("traj_r2_h_to_z1", "R²(h→z₁), wrist", lambda row, rec: num(row.get("r2_z2")))):
        vals, stds = numbers.numbers(TABLE, key, len(deltas)), numbers.std(TABLE, key, len(deltas))
        dec = sc.column_decimals(vals)
        for d, v, s in zip(deltas, vals, stds):
            pub = sc.number(f"{TABLE}.{key}[delta={d:g}]", TABLE, key, f"δ = {d:g}",
                            f"{what}, Reacher, trajectory pairs at stride δ = {d:g}", kind, v, s, decimals=dec,
                            note="ours per joint on the bank of N(0, 1) frames (theirs: 10⁴ i.i.d. Gaussian "
                                 "evaluation images)" if "z0" in key or "z1" in key else "")
            out.append(sc.verdict(pub, _pixel_value(pub, px, traj_name(d), value)))
    for i, key in enumerate(("traj_rho0", "traj_rho1")):
        vals = numbers.numbers(TABLE, key, len(deltas))
        dec = sc.column_decimals(vals)
        for d, v in zip(deltas, vals):
            pub = sc.number(f"{TABLE}.{key}[delta={d:g}]", TABLE, key, f"δ = {d:g}",
                            f"lag correlation ρ{i} of the {'shoulder' if i == 0 else 'wrist'} at δ = {d:g}", kind, v,
                            decimals=dec)
            corr = lag_correlations(int(d))[i]
            out.append(sc.verdict(pub, sc.measured(corr, [{"computed": "our simulated arm's trajectories "
                                                                       "(TrajectoryBank.simulate(seed=0), 64 × 4000 steps)"}],
                                                   untested="our arm under a random controller, not their SAC "
                                                            "policy's episodes (LeWorldModel data)")))
    out += _setup(numbers, px)
    out += _claims(numbers, px)
    return out


def _setup(numbers, px: PixelRuns) -> list[sc.Entry]:
    from scipy.stats import norm

    kind = numbers.kind(SETUP)
    out = []
    frac = numbers.scalar(SETUP, "ou_wrap_fraction_max")
    pub = sc.claim(f"{SETUP}.ou_wrap_fraction_max", SETUP, "ou_wrap_fraction_max", "",
                   f"wrapping beyond ±π occurs for < {frac:g} of OU samples (z ~ N(0, 1) radians)", kind,
                   "P(|z| > π) for z ~ N(0, 1), exact")
    p = float(2 * norm.sf(math.pi))
    out.append(sc.verdict(pub, sc.judged(p < frac, [{"computed": "2 Φ(−π), the normal law"}], value=p,
                                         reason=f"P(|z| > π) = {p:.5f}")))
    v = numbers.scalar(SETUP, "traj_shoulder_frac_beyond_pi")
    pub = sc.number(f"{SETUP}.traj_shoulder_frac_beyond_pi", SETUP, "traj_shoulder_frac_beyond_pi", "",
                    "fraction of the trajectories' shoulder angles beyond ±π", kind, v)
    th = _bank(0).theta
    out.append(sc.verdict(pub, sc.measured(float((abs(th[..., 0]) > math.pi).mean()),
                                           [{"computed": "our simulated arm's trajectories"}],
                                           untested="our arm's joints are limited to ±1.5 rad by design "
                                                    "(numerics.arm_dynamics); theirs is their SAC policy's data")))
    v = numbers.scalar(SETUP, "cnn_params_approx")
    pub = sc.number(f"{SETUP}.cnn_params_approx", SETUP, "cnn_params_approx", "",
                    "parameters of their CNN encoder ('~1.1M')", kind, v, resolution=0.05e6)
    out.append(sc.verdict(pub, sc.measured(_cnn_params(), [{"computed": "our cnn encoder at their widths "
                                                                        "(32-64-128-256, hidden 256, batch norm)"}],
                                           untested="their later convolutions' kernel sizes are not stated "
                                                    "(ours are all 4 × 4, stride 2)")))
    for key, (i_lo, what) in {"rho_at_delta64_range": ((64,), "δ = 64"), "rho_range_delta8_16": ((8, 16), "δ = 8, 16")}.items():
        lo, hi = numbers.numbers(SETUP, key, 2)
        pub = sc.claim(f"{SETUP}.{key}", SETUP, key, what, f"the trajectories' lag correlation lies in {lo:g}–{hi:g} at {what}",
                       kind, f"both joints' lag correlation of our arm within [{lo - 0.005:.3f}, {hi + 0.005:.3f}]")
        corrs = [c for d in i_lo for c in lag_correlations(d)]
        out.append(sc.verdict(pub, sc.judged(all(lo - 0.005 <= c <= hi + 0.005 for c in corrs),
                                             [{"computed": "our simulated arm's trajectories"}], value=min(corrs),
                                             reason="ours " + ", ".join(f"{c:.3f}" for c in corrs),
                                             untested="our arm under a random controller, not their SAC policy")))
    v = numbers.scalar(SETUP, "collapse_rate_without_batchnorm")
    pub = sc.number(f"{SETUP}.collapse_rate_without_batchnorm", SETUP, "collapse_rate_without_batchnorm", "",
                    "fraction of Reacher runs that collapse without batch norm", kind, v)
    out.append(sc.verdict(pub, sc.not_run("no sweep trains the CNN without batch norm over many seeds "
                                          "(`--set cnn_batch_norm=false` on the pixel sweep would)")))
    v = numbers.scalar(SETUP, "sigreg_gaussian_floor_approx")
    pub = sc.number(f"{SETUP}.sigreg_gaussian_floor_approx", SETUP, "sigreg_gaussian_floor_approx", "",
                    "their z-scored SIGReg statistic of a Gaussian sample ('approximately 1.2')", kind, v)
    out.append(sc.verdict(pub, sc.not_run("their z-scoring of the SIGReg statistic is not stated; we do not compute it")))
    return out


def _cnn_params() -> float:
    from lejepa_verify.validation.encoders import make_encoder

    enc = make_encoder("cnn", (3, 64, 64), 2, seed=0, cnn_channels=(32, 64, 128, 256), cnn_hidden=256,
                       cnn_batch_norm=True)
    return float(sum(p.numel() for p in enc.parameters()))


def _claims(numbers, px: PixelRuns) -> list[sc.Entry]:
    out = []
    trend = numbers.table(OLD).get("r2_trend")
    pub = sc.claim(f"{OLD}.r2_trend", OLD, "r2_trend", "", str(trend), numbers.kind(OLD),
                   "ours does not fall by more than 0.005 (their 2-decimal rounding) from one ρ to the next")
    ou = sorted((row for row in px.rows.values() if row.get("kind") == "ou"), key=lambda r: num(r["param"]))
    if px.summary is None or len(ou) < 2:
        m = sc.not_run((px.why or f"the pixel section's profile `{(px.summary or {}).get('profile')}` has fewer than "
                        "two OU runs") + f"; {FILL_PIXELS}")
    else:
        r2 = [num(r["r2_hz"]) for r in ou]
        m = sc.judged(all(b >= a - 0.005 for a, b in zip(r2, r2[1:])), [px.ref(r["name"]) for r in ou],
                      reason=", ".join(f"ρ = {num(r['param']):g}: {v:.3f}" for r, v in zip(ou, r2)))
    out.append(sc.verdict(pub, m))
    caption = numbers.table(PLANNING).get("caption_claim_c")
    if not isinstance(caption, str):
        raise ValueError(f"published-number file {numbers.path}: table [{PLANNING}] lacks the text field 'caption_claim_c'")
    kind = numbers.kind(PLANNING)
    true = (px.summary or {}).get("true_latent") or {}
    traj = [row for row in px.rows.values() if row.get("kind") == "trajectory"]
    best_ou = ou[-1] if ou else None
    pub = sc.claim(f"{PLANNING}.caption_claim_c[gaussian]", PLANNING, "caption_claim_c", "Gaussian encoder",
                   "the Gaussian (OU) encoder plans as well as the oracle (statistically indistinguishable)", kind,
                   "the largest-ρ OU encoder's median planning cost lies inside the true latent's IQR and the true "
                   "latent's median inside the encoder's IQR (30 start-goal pairs)", note=caption)
    if best_ou is None or not true:
        m = sc.not_run((px.why or "no OU run in the pixel section") + f"; {FILL_PIXELS}")
    else:
        q, tq = best_ou["plan_quartiles"], true.get("plan_quartiles") or [math.nan, math.nan]
        med, tmed = num(best_ou["plan_median"]), num(true.get("plan_median"))
        holds = num(tq[0]) <= med <= num(tq[1]) and num(q[0]) <= tmed <= num(q[1])
        m = sc.judged(holds, [px.ref(best_ou["name"])], value=med,
                      reason=f"{best_ou['name']} median {med:.3g} (IQR {num(q[0]):.3g}–{num(q[1]):.3g}); true latent "
                             f"median {tmed:.3g} (IQR {num(tq[0]):.3g}–{num(tq[1]):.3g})")
    out.append(sc.verdict(pub, m))
    pub = sc.claim(f"{PLANNING}.caption_claim_c[trajectory]", PLANNING, "caption_claim_c", "trajectory encoder",
                   "the trajectory encoder's plans are biased upward", kind,
                   "every trajectory encoder's median planning cost lies above the largest-ρ OU encoder's", note=caption)
    if best_ou is None or not traj:
        m = sc.not_run((px.why or "no trajectory run beside an OU run in the pixel section") + f"; {FILL_PIXELS}")
    else:
        meds = {row["name"]: num(row["plan_median"]) for row in traj}
        ou_med = num(best_ou["plan_median"])
        m = sc.judged(all(v > ou_med for v in meds.values()), [px.ref(n) for n in meds], value=min(meds.values()),
                      reason="trajectory medians " + ", ".join(f"{k} {v:.3g}" for k, v in meds.items())
                             + f" against {best_ou['name']} {ou_med:.3g}")
    out.append(sc.verdict(pub, m))
    headline = numbers.table(SETUP).get("main_text_headline")
    pub = sc.claim(f"{SETUP}.main_text_headline", SETUP, "main_text_headline", "trajectories",
                   "trajectory total R² never exceeds 0.5", numbers.kind(SETUP),
                   "every trajectory run's R²(z→h) ≤ 0.505 (their 'never exceeds 0.5', to 2 decimals)", note=str(headline))
    r2s = {row["name"]: _r2_zh(row, px.records.get(row["name"])) for row in traj}
    r2s = {k: v for k, v in r2s.items() if math.isfinite(v)}
    if not r2s:
        m = sc.not_run((px.why or "no trajectory run with a record in the pixel section") + f"; {FILL_PIXELS}")
    else:
        m = sc.judged(max(r2s.values()) <= 0.505, [px.ref(n) for n in r2s], value=max(r2s.values()),
                      reason=", ".join(f"{k} {v:.3f}" for k, v in r2s.items()))
    out.append(sc.verdict(pub, m))
    return out


def unscored(numbers) -> list[sc.Unscored]:
    """The Reacher tables' settings, duplicates, figure readings."""
    out = [sc.Unscored(TABLE, k, "a setting (the ρ, the strides, 3 seeds)") for k in ("ou_rho", "traj_delta", "seeds")]
    out += [sc.Unscored(TABLE, k, "the std of a scored column") for k in numbers.table(TABLE) if k.endswith("_std")]
    out += [sc.Unscored(OLD, "r2_at_rho_0_99", "the page's R² at ρ = 0.99: the same as [reacher_table] "
                                              "ou_r2_h_to_z at ρ = 0.99, scored there"),
            sc.Unscored(OLD, "planning_pairs", "a setting (30 start-goal pairs)"),
            sc.Unscored(OLD, "planning_cost_trajectory_encoder_median", "read off a raster box plot "
                        "(discrepancies.planning_medians; figure_raster_approx): shown beside ours, never scored"),
            sc.Unscored(OLD, "planning_cost_trajectory_encoder_iqr", "read off a raster box plot: shown, never scored")]
    settings = ("latent_dim", "wrist_limit_rad", "image_size_px", "target_position", "image_pairs_per_condition",
                "eval_images", "ou_rho", "traj_episodes", "traj_steps_per_episode", "traj_delta",
                "traj_pairs_per_episode", "traj_pairs_total", "cnn_channels", "cnn_first_kernel", "cnn_first_stride",
                "cnn_avgpool", "cnn_fc_hidden", "cnn_output_dim", "grad_clip_max_norm", "lr", "weight_decay", "epochs",
                "batch_size", "sigreg_slices", "lambda_sweep", "seeds_per_setting", "linreg_train_images",
                "linreg_eval_images", "sincos_targets")
    setup = numbers.table(SETUP)
    out += [sc.Unscored(SETUP, k, "a setting of their Reacher experiment") for k in settings if k in setup]
    out += [sc.Unscored(SETUP, "traj_example_rho_at_delta8", "the table's ρ₀, ρ₁ at δ = 8 again: scored there"),
            sc.Unscored(SETUP, "best_ou_rho_appendix", "which ρ they call best, stated two ways "
                        "(discrepancies.reacher_best_rho); the table's R² per ρ is scored")]
    ann = numbers.table("reacher_figure_annotations")
    out += [sc.Unscored("reacher_figure_annotations", k, "per-joint R² printed in a figure that conflicts with "
                        "tab:reacher (discrepancies.reacher_fig_vs_table): the table is scored")
            for k in ("annot_r2_dim0", "annot_r2_dim1") if k in ann]
    out += [sc.Unscored("reacher_figure_annotations", k, "the table's ρ rounded to 2 decimals: scored there")
            for k in ("annot_rho_dim0", "annot_rho_dim1") if k in ann]
    out += [sc.Unscored("reacher_figure_annotations", "delta", "a setting (the strides)")]
    approx = numbers.table("reacher_figure_readings_approx")
    out += [sc.Unscored("reacher_figure_readings_approx", k, "figure_raster_approx: pixel-measured readings of raster "
                        "figures, not published numbers; never scored") for k in approx if k not in ("kind", "warning")]
    plan = numbers.table(PLANNING)
    out += [sc.Unscored(PLANNING, k, "a setting of their planning experiment")
            for k in ("library_frames", "horizon_T", "knn_k", "num_start_goal_pairs_K") if k in plan]
    return out


def reacher_table(numbers, ev: Evidence, card: Mapping) -> list[str]:
    """Markdown rows of their Reacher table per ρ and per stride beside ours (the pixel section's
    runs), the low-ρ gap, and the planning numbers."""
    px = ev.pixels()
    rhos = numbers.numbers(TABLE, "ou_rho")
    deltas = numbers.numbers(TABLE, "traj_delta")
    missing = px.why + (f" ({FILL_PIXELS})" if px.why.startswith("not run") else "")
    prof = (px.summary or {}).get("profile")
    lines = ["Ours: the CPU-sized arm (`validation.observations.arm`) and CNN of the report's pixel section, not the "
             f"MuJoCo Reacher, and far fewer steps than their 100 epochs of 10⁵ pairs. {missing}".strip(), "",
             "**OU pairs per ρ** (their best λ per ρ, mean ± std over 3 seeds)", "",
             "| ρ | their R²(h→z) | ours R²(h→z) | their R²(z→h) | ours R²(z→h) | verdict (h→z) |", "|---|---|---|---|---|---|"]
    their = numbers.numbers(TABLE, "ou_r2_h_to_z")
    their_std = numbers.std(TABLE, "ou_r2_h_to_z")
    their_zh = numbers.numbers(TABLE, "ou_r2_z_to_h")
    for i, rho in enumerate(rhos):
        e = card.get(f"{TABLE}.ou_r2_h_to_z[rho={rho:g}]")
        ez = card.get(f"{TABLE}.ou_r2_z_to_h[rho={rho:g}]")
        row = px.rows.get(ou_name(rho))
        ours = "—" if e is None or e.ours.value is None else f"{e.ours.value:.3f} ({row['steps']} steps, profile {prof})"
        ours_zh = "—" if ez is None or ez.ours.value is None or not math.isfinite(ez.ours.value) else f"{ez.ours.value:.3f}"
        lines.append(f"| {rho:g} | {their[i]:.2f} ± {their_std[i]:.0e} | {ours} | {their_zh[i]:.2f} | {ours_zh} "
                     f"| {e.verdict if e else '—'} |")
    low = [(rho, their[i], card.get(f"{TABLE}.ou_r2_h_to_z[rho={rho:g}]")) for i, rho in enumerate(rhos) if rho <= 0.5]
    gaps = [f"ρ = {rho:g}: theirs {t:.2f}, ours {e.ours.value:.3f} (gap {e.ours.value - t:+.3f})"
            for rho, t, e in low if e is not None and e.ours.value is not None and math.isfinite(e.ours.value)]
    lines += ["", "The low-ρ gap: " + ("; ".join(gaps) + ". Its cause is not tested by a stored run: our arm, CNN "
              "width and training length all differ from theirs (the scorecard lists them per entry)."
              if gaps else "not measured here: the pixel section ran no OU run at ρ ≤ 0.5 in this folder "
              "(`lejepa-verify report --profile paper --sections pixels` runs ρ = 0.3 and 0.5).")]
    lines += ["", "**Trajectory pairs per stride δ**", "",
              "| δ | their ρ₀ / ρ₁ | our arm's ρ₀ / ρ₁ | their R²(z→h) | ours | their R²(h→z₀) / R²(h→z₁) | ours (shoulder / wrist) |",
              "|---|---|---|---|---|---|---|"]
    cols = {k: numbers.numbers(TABLE, k) for k in ("traj_rho0", "traj_rho1", "traj_r2_z_to_h", "traj_r2_h_to_z0", "traj_r2_h_to_z1")}
    for i, d in enumerate(deltas):
        def ours(key):
            e = card.get(f"{TABLE}.{key}[delta={d:g}]")
            return "—" if e is None or e.ours.value is None or not math.isfinite(e.ours.value) else f"{e.ours.value:.3f}"
        lines.append(f"| {d:g} | {cols['traj_rho0'][i]:.3f} / {cols['traj_rho1'][i]:.3f} | {ours('traj_rho0')} / "
                     f"{ours('traj_rho1')} | {cols['traj_r2_z_to_h'][i]:.2f} | {ours('traj_r2_z_to_h')} "
                     f"| {cols['traj_r2_h_to_z0'][i]:.2f} / {cols['traj_r2_h_to_z1'][i]:.2f} | {ours('traj_r2_h_to_z0')} / "
                     f"{ours('traj_r2_h_to_z1')} |")
    old = numbers.table(OLD)
    iqr = old.get("planning_cost_trajectory_encoder_iqr", [math.nan, math.nan])
    plans = []
    true = (px.summary or {}).get("true_latent") or {}
    if true:
        plans.append(f"true latent {num(true.get('plan_median')):.3g}")
    plans += [f"{name} {num(row.get('plan_median')):.3g}" for name, row in px.rows.items()]
    lines += ["", "**Planning** (path length over the oracle's chord, 30 start-goal pairs): their box plot reads "
              f"median {old.get('planning_cost_trajectory_encoder_median')} (IQR {iqr[0]}–{iqr[1]}) for the trajectory "
              "encoder and about 1 for the OU encoder; those are readings of a raster figure, never scored "
              "(discrepancies.planning_medians). Ours, medians: " + ("; ".join(plans) if plans else missing) + ". "
              "The scored planning claims are in the scorecard (`planning.caption_claim_c`)."]
    return lines
