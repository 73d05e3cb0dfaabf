"""Report section: Hermite spectra of the authors' mixings and Theorem A on Gaussian-preserving maps (docs/theory.md §2)."""

from __future__ import annotations

import sys

import numpy as np

from lejepa_verify.validation.report import ReportContext, Section


def _spectra_figure(ctx: ReportContext, degree: int):
    import matplotlib.pyplot as plt

    from lejepa_verify.numerics.alignment import alignment_loss
    from lejepa_verify.numerics.maps import Map
    from lejepa_verify.numerics.spectrum import hermite_spectrum
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.observations import make_observation

    # exactly the maps the trainer learns: the observations' numpy twins, with the default seed
    default = TrainConfig()
    maps = [Map(name, 2, make_observation(name, 2, n_layers=default.mixing_layers,
                                          seed=default.mixing_seed).numpy_map(), name == "spiral", False)
            for name in ("spiral", "banana", "sinusoid", "coupling")]
    rows, spectra = [], {}
    fig, axes = plt.subplots(2, 2, figsize=(9, 6.5), sharex=True)
    for ax, m in zip(axes.ravel(), maps):
        s = hermite_spectrum(m, 2, degree)
        spectra[m.name] = s
        total = float(s.second_moment.sum())
        frac = s.energy.sum(axis=0) / total
        d = np.arange(degree + 1)
        ax.bar(d[frac > 0], frac[frac > 0], color="C0")
        ax.set_yscale("log")
        ax.set_ylim(1e-12, 1.5)
        ax.set_title(f"{m.name}: residual above {degree} = {s.residual.sum() / total:.1e}")
        ax.set_xlabel("degree d")
        ax.set_ylabel(r"$\sum_i E_{i,d} \,/\, \sum_i E\,h_i^2$")
        direct = alignment_loss(m, 2, 0.95)
        spec = s.alignment_loss(0.95)
        rows.append((m.name, s.energy[:, 0].sum() / total, s.energy[:, 1].sum() / total,
                     s.nonlinear_energy() / total, spec.value, spec.half_width, spec.error_estimate,
                     direct.value, direct.error))
    fig.tight_layout()
    md = ctx.save_figure(fig, "spectra_mixings",
                         f"Degree spectra (share of E||h||² per total degree, log scale) of the 2D mixings, tensor Gauss–Hermite, D = {degree}")
    table = ["| map | E_0 share | E_1 share | W_nl share | L(ρ=0.95) spectral | ± truncation | ± rule | L direct (quadrature) | ± |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        table.append(f"| {r[0]} | {r[1]:.3g} | {r[2]:.3g} | {r[3]:.3g} | {r[4]:.5f} | {r[5]:.1e} | {r[6]:.1e} | {r[7]:.5f} | {r[8]:.1e} |")
    return md, "\n".join(table)


def _theorem_a_figure(ctx: ReportContext, rhos, n_pairs: int):
    import matplotlib.pyplot as plt
    from tqdm.auto import tqdm

    from lejepa_verify.numerics.alignment import alignment_loss
    from lejepa_verify.numerics.maps import gaussian_preservation_test, gaussian_preserving_library
    from lejepa_verify.theory.alignment import loss_lower_bound

    lib = gaussian_preserving_library(2, seed=0)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    table = ["| map | orthogonal | two-sample excess (null SDs) | L(0.9) | floor 2n(1−ρ) | (L − floor)/SE |", "|---|---|---|---|---|---|"]
    bar = tqdm(total=len(lib) * len(rhos), desc="Theorem A library", file=sys.stderr, leave=False,
               disable=not ctx.progress)
    for k, m in enumerate(lib):
        vals, errs = [], []
        for rho in rhos:
            a = alignment_loss(m, 2, rho, method="montecarlo", seed=k, n_samples=n_pairs)
            vals.append(a.value)
            errs.append(a.standard_error)
            bar.update(1)
        # markers only: joining the points by lines would cut below the concave floor between them
        ax.errorbar(rhos, vals, yerr=2 * np.array(errs), marker="o", ms=4, capsize=2, ls="none", label=m.name)
        test = gaussian_preservation_test(m, 2, n_samples=400, permutations=60, seed=k)
        a9 = alignment_loss(m, 2, 0.9, method="montecarlo", seed=100 + k, n_samples=n_pairs)
        floor = loss_lower_bound(2, 0.9)
        table.append(f"| {m.name} | {m.orthogonal} | {test.excess:.2f} | {a9.value:.4f} ± {a9.standard_error:.4f} | "
                     f"{floor:.4f} | {(a9.value - floor) / a9.standard_error:.1f} |")
    bar.close()
    grid = np.linspace(min(rhos), max(rhos), 200)
    ax.plot(grid, [loss_lower_bound(2, float(r)) for r in grid], "k--", lw=2, label="floor 2n(1 − ρ), n = 2")
    ax.set_xlabel("ρ")
    ax.set_ylabel("L(h) = E||h(z) − h(z')||²")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    md = ctx.save_figure(fig, "theorem_a_library",
                         f"Alignment loss of Gaussian-preserving maps in 2D against the floor 2n(1 − ρ) "
                         f"(Monte Carlo, {n_pairs} OU pairs per point, bars ±2 SE)")
    return md, "\n".join(table)


def build(ctx: ReportContext) -> str:
    paper = ctx.profile == "paper"
    degree = 60 if paper else 30
    rhos = np.linspace(0.3, 0.99, 12) if paper else np.array([0.3, 0.5, 0.7, 0.9, 0.95, 0.99])
    n_pairs = 200_000 if paper else 20_000
    spec_md, spec_table = _spectra_figure(ctx, degree)
    thm_md, thm_table = _theorem_a_figure(ctx, rhos, n_pairs)
    return "\n\n".join([
        "Hermite spectra of the authors' 2D mixings (docs/theory.md §2, §7), exactly as the trainer applies "
        "them (the observations' numpy twins; the coupling with 4 layers and the default mixing_seed), "
        "computed by tensor "
        "Gauss–Hermite quadrature with the residual above the top degree reported. The spiral and the "
        "coupling carry most of their energy at high degrees; the banana and the sinusoid keep a "
        "large linear part. The spectral loss carries two error terms: the truncation bracket "
        "(residual energy costs between 2(1 − ρ^{D+1}) and 2 per unit) and the change from a rule "
        "with half the nodes.",
        spec_md, spec_table,
        "Theorem A numerically: Gaussian-preserving maps (N(0, I) in, N(0, I) out, checked by an "
        "energy two-sample test) never go below the floor 2n(1 − ρ), and only the orthogonal ones "
        "reach it. The claim `thm-A/gaussian-preserving-library` checks this in n = 2 and 3.",
        thm_md, thm_table,
    ])


SECTION = Section(title="Hermite spectra and Theorem A on Gaussian-preserving maps", order=20, build=build)
