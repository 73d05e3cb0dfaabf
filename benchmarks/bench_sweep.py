"""The local sweep backend's cost: scheduling overhead per run, and --jobs 2 against serial.

    .venv/bin/python benchmarks/bench_sweep.py [--runs 12] [--steps 1000] [--jobs 2]

Three ways to do the same ``--runs`` short training runs (2D spiral world, distinct seeds):

1. a plain loop calling ``validation.trainer.train`` in this process (torch already imported):
   the runs themselves, no scheduling;
2. ``run_sweep(..., jobs=1)``: one submitit worker process, records written to the store;
3. ``run_sweep(..., jobs=N)``: N worker processes.

The overhead of the backend per run is ``(wall of 2 − Σ run seconds of 2) / runs``: it includes the worker
process start (python, submitit, torch, torch._dynamo and the trainer imported once per
worker), the claim and record files, and the driver's polling. That start-up is a fixed cost per
worker, so ``jobs=N`` cannot beat ``(F + W/N) / (F + W)`` of the serial time (F: one worker's
start-up, W: the runs' total); the table prints that bound next to the measured ratio. From the records it also splits into the time before
the first run starts and the gaps between consecutive runs of one worker. Each run trains with
``TrainConfig.threads`` threads (default 1), so N workers can use N cores. Never pass/fail:
it prints a table. Timings on a shared machine are pessimistic; run it on an idle one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def spec(runs: int, steps: int) -> dict:
    return {
        "name": "bench",
        "fixed": {"steps": steps, "eval_every": steps, "eval_size": 1024, "n_bootstrap": 20, "spectrum_degree": 0},
        "axes": {"seed": list(range(runs))},
    }


def plain_loop(runs: int, steps: int) -> tuple[float, list[float]]:
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train

    s = spec(runs, steps)
    # one warm-up run, as a worker's first run pays the trainer's lazy set-up too
    warm = time.perf_counter()
    train(TrainConfig(**{**s["fixed"], "seed": 10_000}), progress=False)
    warm = time.perf_counter() - warm
    t0 = time.perf_counter()
    walls = []
    for seed in s["axes"]["seed"]:
        r = train(TrainConfig(**{**s["fixed"], "seed": seed}), progress=False)
        walls.append(r.wall_time)
    return time.perf_counter() - t0, walls, warm


def swept(runs: int, steps: int, jobs: int, root: Path) -> tuple[float, list[dict]]:
    from lejepa_verify.validation.sweep import run_sweep

    t0 = time.time()
    res = run_sweep(spec(runs, steps), root / f"jobs{jobs}", jobs=jobs, progress=True)
    wall = time.time() - t0
    assert res.counts["ok"] == runs, res.counts
    return wall, list(res.records), t0


def worker_gaps(records: list[dict], t0: float) -> tuple[float, float]:
    """Seconds from the sweep's start to the first run's start, and the mean gap between runs of one worker."""
    first = min(r["sweep"]["started"] for r in records) - t0
    gaps = []
    by_pid: dict[int, list[dict]] = {}
    for r in records:
        by_pid.setdefault(r["sweep"]["pid"], []).append(r)
    for rs in by_pid.values():
        rs.sort(key=lambda r: r["sweep"]["started"])
        gaps += [b["sweep"]["started"] - a["sweep"]["finished"] for a, b in zip(rs, rs[1:])]
    return first, (statistics.mean(gaps) if gaps else float("nan"))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=12)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)

    t = time.perf_counter()
    import torch._dynamo  # noqa: F401 - imported lazily by the first optimiser; a worker pays it once

    import lejepa_verify.validation.trainer  # noqa: F401 - the import a worker pays once

    import_s = time.perf_counter() - t
    loop_wall, loop_runs, warm = plain_loop(args.runs, args.steps)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        root = Path(tmp)
        serial_wall, serial_recs, serial_t0 = swept(args.runs, args.steps, 1, root)
        par_wall, par_recs, par_t0 = swept(args.runs, args.steps, args.jobs, root)

    run_mean = statistics.mean(loop_runs)
    first, gap = worker_gaps(serial_recs, serial_t0)
    # the runs' own time as the serial worker measured it, so thread settings and process state
    # are those of the sweep itself; the in-process loop is shown only for reference
    serial_work = sum(r["sweep"]["seconds"] for r in serial_recs)
    overhead = (serial_wall - serial_work) / args.runs
    print()
    print(f"{args.runs} runs of {args.steps} steps (2D spiral world, batch 256), this machine's CPU")
    print(f"  imports (torch, torch._dynamo, numerics), once per process: {import_s:6.2f} s")
    print(f"  first run's extra set-up in a fresh process:                {warm - run_mean:6.2f} s")
    print(f"  one run, mean of the plain loop:                            {run_mean:6.2f} s")
    print()
    print(f"  {'':<34}{'wall s':>8}{'per run s':>11}{'vs loop':>9}")
    print(f"  {'plain loop in-process':<34}{loop_wall:8.2f}{loop_wall / args.runs:11.2f}{1.0:9.2f}")
    print(f"  {'run_sweep jobs=1 (serial)':<34}{serial_wall:8.2f}{serial_wall / args.runs:11.2f}"
          f"{serial_wall / loop_wall:9.2f}")
    print(f"  {f'run_sweep jobs={args.jobs}':<34}{par_wall:8.2f}{par_wall / args.runs:11.2f}{par_wall / loop_wall:9.2f}")
    print()
    print(f"  runs' own time in the serial sweep (sum over its records):  {serial_work:6.2f} s")
    print(f"  backend overhead per run (jobs=1 wall minus that, / runs):  {overhead:6.2f} s "
          f"= {overhead / (serial_work / args.runs):.0%} of a run")
    print(f"    of which before the first run (worker start + imports):  {first:6.2f} s once")
    print(f"    mean gap between two runs of one worker:                  {gap * 1000:6.1f} ms")
    bound = (first + serial_work / args.jobs) / (first + serial_work)
    print(f"  jobs={args.jobs} / serial wall time:                               {par_wall / serial_wall:6.2f} "
          f"(ideal {1 / args.jobs:.2f}; with the fixed start-up per worker at best {bound:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
