"""What the confidence limits cost: the added evaluation against a training run's wall time.

    .venv/bin/python benchmarks/bench_bound_overhead.py [--steps 600]

For n in {2, 8, 64} (coupling world, matched encoder, default recipe otherwise) it trains one
short run of ``--steps`` steps on one thread, scales its wall time to the default 6000 steps
(the final evaluation counted once), and times, on the run's own held-out arrays
(``eval_size`` = 4096 pairs), the part of :func:`numerics.bounds.approximate_identifiability`
that ``bound_upper``, ``error_lower`` and ``error_upper`` add (``numerics.bounds._confidence``)
and the whole call with the default 200 bootstrap resamples. It prints the ratio of the added
time to the run's wall time (target < 10 %). Never pass/fail; timings on a shared machine are
pessimistic.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--n", type=int, nargs="+", default=[2, 8, 64])
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from lejepa_verify.numerics.bounds import _confidence, approximate_identifiability
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train

    default_steps = TrainConfig().steps
    print("| n | run wall s (scaled to %d steps) | confidence limits s | whole estimate s (200 bootstrap) | "
          "added / run |" % default_steps)
    print("|---|---|---|---|---|")
    for n in args.n:
        cfg = TrainConfig(mixing="coupling", encoder="matched", n=n, steps=args.steps, eval_every=args.steps,
                          spectrum_degree=0)
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            res = train(cfg, progress=False, out=d, save_arrays=True)
            wall = time.perf_counter() - t0
            arrays = np.load(f"{d}/arrays.npz")
        z, h, hn = arrays["z"], arrays["h"], arrays["h_next"]
        t0 = time.perf_counter()
        approximate_identifiability(z, h, hn, cfg.rho, n_bootstrap=cfg.n_bootstrap, seed=0)
        whole = time.perf_counter() - t0
        t0 = time.perf_counter()
        _confidence(cfg.rho, z, h, hn, 0.95, 0)
        added = time.perf_counter() - t0
        # the training loop scales with the steps; the final evaluation happens once
        scaled = (wall - whole) * default_steps / args.steps + whole
        print(f"| {n} | {scaled:.1f} | {added:.3f} | {whole:.2f} | {added / scaled:.2%} |", flush=True)
        del res


if __name__ == "__main__":
    main()
