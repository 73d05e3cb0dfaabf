"""Speed of the pixel world on this machine, printed as notes (never pass/fail).

    python benchmarks/bench_pixels.py render  [--out DIR]  # images/s, grey and RGB, 1 and 2 threads, batch 256
    python benchmarks/bench_pixels.py malloc  [--out DIR]  # CNN steps/s with glibc's defaults vs validation.memory
    python benchmarks/bench_pixels.py ou99    [--out DIR]  # one OU run at rho = 0.99 to R²(h→z) ≥ 0.9 in 10 min
    python benchmarks/bench_pixels.py basin   [--out DIR]  # from scratch against from a supervised start, per joint

``malloc`` runs each setting in its own process (``mallopt`` is process-wide and cannot be
undone), the same short CNN run in both. ``ou99`` trains the arm world with the CNN at
ρ = 0.99 and reports the wall time, steps/s, images/s and the R² curve, with the load average
before and after (the machine is shared). ``basin`` asks why the CNN stalls: it trains the same
CNN three ways at ρ = 0.99, side by side in one run — supervised regression onto ``z`` (is the
encoder able to represent ``z`` at all?), LeJEPA from its initialisation, and LeJEPA started
from the supervised encoder (is the identifiable solution kept by the objective?) — and reports
``R²(h→z)``, ``R²(h→z₁)`` (shoulder) and ``R²(h→z₂)`` (elbow) and the alignment for each,
against the optimum's alignment ``2n(1 − ρ)``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _machine import load_average, machine  # benchmarks run as scripts from this folder
import torch




def render(repeats: int = 5) -> dict:
    from lejepa_verify.validation.observations import make_observation

    out = {}
    z = torch.randn(256, 2, generator=torch.Generator().manual_seed(0))
    for name in ("arm", "arm_rgb"):
        g = make_observation(name, 2)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            g(z)
            best = float("inf")
            for _ in range(repeats):
                t0 = time.perf_counter()
                with torch.no_grad():
                    g(z)
                best = min(best, time.perf_counter() - t0)
            out[f"{name}_threads{threads}_images_per_s"] = 256 / best
            print(f"{name:8s} threads={threads}: {256 / best:8.0f} images/s (batch 256, best of {repeats})")
    return out


CHILD = r"""
import json, sys, torch
from lejepa_verify.validation import memory
if sys.argv[1] == "default":
    memory._applied = False   # the trainer's call then leaves glibc's defaults in place
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.trainer import train
threads = int(sys.argv[2])
c = TrainConfig(mixing="arm", encoder="cnn", rho=0.99, steps=int(sys.argv[3]), eval_every=10**6,
                eval_size=256, n_bootstrap=0, spectrum_degree=0, threads=threads)
r = train(c, progress=False)
print(json.dumps({"steps_per_s": r.metrics.steps_per_s, "applied": memory._applied}))
"""


def malloc(steps: int = 40) -> dict:
    out = {}
    for threads in (1, 2):
        for setting in ("default", "kept"):
            env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
            res = subprocess.run([sys.executable, "-c", CHILD, setting, str(threads), str(steps)],
                                 capture_output=True, text=True, env=env, check=True)
            d = json.loads(res.stdout.strip().splitlines()[-1])
            out[f"{setting}_threads{threads}_steps_per_s"] = d["steps_per_s"]
            print(f"threads={threads} {setting:8s}: {d['steps_per_s']:.2f} steps/s (mallopt applied: {d['applied']})")
        out[f"speedup_threads{threads}"] = out[f"kept_threads{threads}_steps_per_s"] / out[f"default_threads{threads}_steps_per_s"]
        print(f"threads={threads}: speed-up {out[f'speedup_threads{threads}']:.2f}x")
    return out


def ou99(steps: int = 4000, threads: int = 2) -> dict:
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train

    before = load_average()
    # the pixel section's recipe (lr 5e-3, batch 128 pairs, λ ramped 0.01 -> 0.08 over 30-90 % of the steps)
    c = TrainConfig(mixing="arm", encoder="cnn", rho=0.99, steps=steps, eval_every=250, eval_size=2048,
                    n_bootstrap=50, spectrum_degree=0, threads=threads, lr=5e-3, batch_size=128)
    r = train(c, progress=True)
    m = r.to_dict()["metrics"]
    curve = list(zip(r.curves["step"], r.curves["r2_hz"]))
    first = next((s for s, v in curve if v >= 0.9), None)
    out = {"steps": steps, "threads": threads, "wall_time_s": r.wall_time, "steps_per_s": m["steps_per_s"],
           "images_per_s_trained": m["steps_per_s"] * 2 * c.batch_size, "r2_hz": m["r2_hz"],
           "orth_err": m["orth_err"], "first_step_r2_ge_0_9": first,
           # steps run at an even pace in one process, so the time to that step is about step / (steps/s)
           "seconds_to_first_r2_ge_0_9_estimated": None if first is None else first / m["steps_per_s"],
           "r2_curve": curve,
           "load_before": before, "load_after": load_average()}
    print(json.dumps(out, indent=1))
    return out


def basin(steps: int = 400, threads: int = 1) -> dict:
    import numpy as np

    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.metrics import r2
    from lejepa_verify.validation.trainer import build_models, train

    before = load_average()
    torch.set_num_threads(threads)
    c = TrainConfig(mixing="arm", encoder="cnn", rho=0.99, steps=steps, eval_every=max(steps // 4, 1), eval_size=2048,
                    n_bootstrap=0, spectrum_degree=0, threads=threads, lr=5e-3, batch_size=128)
    mixing, encoder = build_models(c)
    # the supervised start: mean squared error onto z, lr 3e-3 (LeJEPA's runs use the config's 5e-3)
    opt = torch.optim.AdamW(encoder.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(12345)
    t0 = time.perf_counter()
    for _ in range(steps):
        z = torch.randn(c.batch_size, 2, generator=gen)
        with torch.no_grad():
            x = mixing(z)
        loss = (encoder(x) - z).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    supervised_s = time.perf_counter() - t0
    encoder.eval()
    ze = torch.randn(2048, 2, generator=gen)
    with torch.no_grad():
        he = encoder(mixing(ze)).numpy()
    ze = ze.numpy()
    out = {"steps": steps, "rho": c.rho, "optimum_alignment": 2 * c.n * (1 - c.rho), "load_before": before,
           "supervised": {"r2_hz": r2(he, ze), "r2_z1": r2(he, ze[:, :1]), "r2_z2": r2(he, ze[:, 1:]),
                          "seconds": supervised_s}}
    state = {k: v.detach().clone() for k, v in encoder.state_dict().items()}
    for name, init in (("lejepa_from_scratch", None), ("lejepa_from_supervised", state)):
        res = train(c, progress=False, init_weights=init)
        h, z = np.asarray(res.arrays["h"]), np.asarray(res.arrays["z"])
        out[name] = {"r2_hz": res.metrics.r2_hz, "r2_z1": r2(h, z[:, :1]), "r2_z2": r2(h, z[:, 1:]),
                     "alignment": res.metrics.alignment, "orth_err": res.metrics.orth_err,
                     "r2_curve": list(zip(res.curves["step"], res.curves["r2_hz"])), "seconds": res.wall_time}
    out["load_after"] = load_average()
    for k in ("supervised", "lejepa_from_scratch", "lejepa_from_supervised"):
        v = out[k]
        print(f"{k:24s} R²(h→z) {v['r2_hz']:.3f}  shoulder {v['r2_z1']:.3f}  elbow {v['r2_z2']:.3f}"
              + (f"  alignment {v['alignment']:.4f} (optimum {out['optimum_alignment']:.4f})" if "alignment" in v else ""))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=("render", "malloc", "ou99", "basin"))
    p.add_argument("--out", default=None)
    p.add_argument("--steps", type=int, default=None)
    a = p.parse_args()
    if a.what == "render":
        res = render()
    elif a.what == "malloc":
        res = malloc(a.steps or 40)
    elif a.what == "ou99":
        res = ou99(a.steps or 4000)
    else:
        res = basin(a.steps or 400)
    res["machine"] = machine()
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, f"bench_pixels_{a.what}.json"), "w") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
