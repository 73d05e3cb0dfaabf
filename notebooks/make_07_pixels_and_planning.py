"""Writes notebooks/07_pixels_and_planning.ipynb (without outputs): run it after editing the cells."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# 07 · Pixels and planning\n\n"
        "The two-link arm with the Reacher's geometry rendered into 64×64 frames "
        "(`lejepa_verify.validation.observations.arm`, angles θ = 2·atan(z/2)), a CNN encoder trained on "
        "OU pairs of its latent, the learned latent against the true angles, and a plan from images: a "
        "straight line in the learned latent between a start and a goal frame, each step decoded by "
        "nearest-neighbour retrieval in a bank of frames. With `LEJEPA_FAST=1` (the test suite) the "
        "encoder trains for a few steps only, so its latent is not yet a rotation of z; the full setting "
        "(1500 steps) reached R²(h→z) 0.85 at ρ = 0.99 on a 2-core CPU, and `benchmarks/bench_pixels.py ou99` "
        "trains 4000 steps to 0.98 (the paper: 0.95). Short runs first hold only the shoulder angle θ₁: colour "
        "the learned latent by θ₂ below to see whether the elbow is in it yet."),
    nbf.v4.new_code_cell(
        "import os\n"
        "import numpy as np, torch, matplotlib.pyplot as plt\n"
        "from lejepa_verify.validation.observations import make_observation\n"
        "from lejepa_verify.validation.config import TrainConfig\n"
        "from lejepa_verify.validation.trainer import train, numpy_map\n"
        "from lejepa_verify.numerics.retrieval_planning import plan_by_retrieval, start_goal_pairs\n"
        "FAST = os.environ.get('LEJEPA_FAST') == '1'\n"
        "torch.set_num_threads(1)"),
    nbf.v4.new_markdown_cell("## Frames of the arm"),
    nbf.v4.new_code_cell(
        "g = make_observation('arm_rgb', 2)\n"
        "z = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.5], [-1.5, -2.0], [3.0, 6.0]])\n"
        "x = g(z)\n"
        "fig, axes = plt.subplots(1, len(z), figsize=(2.2 * len(z), 2.4))\n"
        "for ax, img, zz in zip(axes, x, z):\n"
        "    ax.imshow(img.permute(1, 2, 0).numpy()); ax.set_title(f'z = ({zz[0]:.1f}, {zz[1]:.1f})', fontsize=8); ax.axis('off')"),
    nbf.v4.new_markdown_cell("## A CNN encoder trained on OU pairs (ρ = 0.99)"),
    nbf.v4.new_code_cell(
        "from lejepa_verify.validation.trained import train_or_load\n"
        "config = TrainConfig(mixing='arm', encoder='cnn', rho=0.99, steps=10 if FAST else 1500, batch_size=64 if FAST else 128,\n"
        "                     lr=5e-3, eval_size=256 if FAST else 2048, n_bootstrap=5 if FAST else 100, spectrum_degree=0)\n"
        "h_of_z, record = train_or_load(config, 'nb07_arm_run', progress=False)  # h = f(g(z)), saved in ./nb07_arm_run\n"
        "print({k: round(record['metrics'][k], 4) for k in ('r2_hz', 'orth_err', 'bound', 'steps_per_s')})\n"
        "zt = np.random.default_rng(1).standard_normal((1000, 2))\n"
        "h, theta = h_of_z(zt), 2 * np.arctan(zt / 2)\n"
        "fig, axes = plt.subplots(1, 2, figsize=(8, 3.5))\n"
        "for i, ax in enumerate(axes):\n"
        "    sc = ax.scatter(h[:, 0], h[:, 1], c=theta[:, i], s=3, cmap='twilight')\n"
        "    ax.set(title=f'learned latent h, coloured by θ{i + 1}', xlabel='h₁', ylabel='h₂'); fig.colorbar(sc, ax=ax)"),
    nbf.v4.new_markdown_cell("## A plan drawn as frames: the learned latent against the true one"),
    nbf.v4.new_code_cell(
        "bank_z = np.random.default_rng(0).standard_normal((600 if FAST else 1500, 2))\n"
        "pairs = start_goal_pairs(len(bank_z), 30, seed=0)\n"
        "true = plan_by_retrieval(bank_z, bank_z, pairs, steps=8)\n"
        "learned = plan_by_retrieval(h_of_z(bank_z), bank_z, pairs, steps=8)\n"
        "for name, p in (('true latent', true), ('learned latent', learned)):\n"
        "    print(f'{name}: median cost {p.median:.3f}, quartiles {p.quartiles[0]:.3f}-{p.quartiles[1]:.3f}')\n"
        "mixing = make_observation('arm', 2)\n"
        "fig, axes = plt.subplots(2, 9, figsize=(13, 3.2))\n"
        "for row, p in zip(axes, (true, learned)):\n"
        "    for ax, f in zip(row, mixing(torch.tensor(bank_z[p.paths[0]], dtype=torch.float32))):\n"
        "        ax.imshow(f[0].numpy(), cmap='gray'); ax.axis('off')\n"
        "fig.suptitle('one plan, decoded by retrieval: true latent (top), learned latent (bottom)', fontsize=9)"),
]
nb = nbf.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
nbf.write(nb, Path(__file__).with_name("07_pixels_and_planning.ipynb"))
