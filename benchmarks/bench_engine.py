"""The engine against this machine's limits: GEMM roof, SIGReg, training steps, many runs (issue 21).

    python benchmarks/bench_engine.py                    # every section written so far
    python benchmarks/bench_engine.py roof sigreg       # the named sections
    python benchmarks/bench_engine.py sigreg --cuda     # and the same on the GPU, where there is one
    python benchmarks/bench_engine.py sigreg --out DIR  # also write the numbers as JSON

``roof``: fp32 and bf16 GEMM throughput on one thread (1024 × 1024 matrices, best of several),
the ceiling every step is measured against. ``sigreg``: the fused kernel of
``terms.sigreg`` against the plain formula (``terms.sigreg_reference``), forward + backward,
B = 512, 256 slices, 17 knots, float32, one thread, per m; both are timed in one run,
alternating, best of N, with the time of the two GEMMs every version needs (the floor at large
m), where the fused version's time goes, and what a fresh process pays on its first call.
``step``: steps/s under the authors' scaling settings at n = 2 … 1024, ours against their plain
loop (written here from their description) and against the GEMM roof, with a profile of our step
at n = 1024. ``many``: ``train_many`` of 1, 5 and 15 runs against one at a time. With ``--cuda`` each section also runs on the GPU when ``torch.cuda.is_available()``
(a line says so otherwise).

Nothing here is pass/fail; every number is printed and, with ``--out``, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from _machine import load_average, machine  # benchmarks run as scripts from this folder
import torch

from lejepa_verify.validation.objectives import _sigreg_kernel as kernel
from lejepa_verify.validation.objectives.terms import quadrature, sigreg, sigreg_reference

SIGREG_M = (2, 8, 32, 128, 512, 1024)
B, SLICES, KNOTS = 512, 256, 17


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _best(fns: dict, reps: int, device: str = "cpu") -> dict:
    """Best time in ms of each callable, the callables alternating within each repetition so that
    a change of load affects all of them alike. On the CPU the time is this thread's CPU time
    (everything runs on this one thread): on an idle machine it is the wall time, and on a
    shared one the time the other processes take the core away is not counted, which would
    otherwise weigh on the long runs more than on the short ones. On the GPU, wall time."""
    clock = time.thread_time if device == "cpu" else time.perf_counter
    best = {k: float("inf") for k in fns}
    for fn in fns.values():          # warm-up: compile, allocate, fill caches
        fn()
    _sync(device)
    for _ in range(reps):
        for k, fn in fns.items():
            start = clock()
            fn()
            _sync(device)
            best[k] = min(best[k], clock() - start)
    return {k: v * 1e3 for k, v in best.items()}


def roof(device: str = "cpu", reps: int = 10) -> dict:
    """fp32 and bf16 GEMM GFLOP/s, 1024 × 1024 × 1024, best of ``reps`` (one thread on the CPU)."""
    n = 1024
    gen = torch.Generator().manual_seed(0)
    res = {}
    print(f"### GEMM roof ({device}, {torch.get_num_threads()} thread(s) on the CPU), {n}×{n}×{n}, best of {reps}\n")
    print("| dtype | ms | GFLOP/s |")
    print("|---|---|---|")
    for dtype in (torch.float32, torch.bfloat16):
        a = torch.randn(n, n, generator=gen).to(device=device, dtype=dtype)
        b = torch.randn(n, n, generator=gen).to(device=device, dtype=dtype)
        ms = _best({"mm": lambda: torch.mm(a, b)}, reps, device)["mm"]
        gflops = 2 * n ** 3 / (ms * 1e-3) / 1e9
        name = str(dtype).removeprefix("torch.")
        res[name] = {"ms": ms, "gflops": gflops}
        print(f"| {name} | {ms:.2f} | {gflops:.1f} |")
    print()
    return res


def _sigreg_inputs(m: int, device: str):
    gen = torch.Generator().manual_seed(m)
    h = torch.randn(B, m, generator=gen).to(device).requires_grad_(True)
    A = torch.randn(m, SLICES, generator=gen)
    A = (A / A.norm(dim=0)).to(device)
    t, w = quadrature(KNOTS, 3.0)
    return h, A, t.to(device), w.to(device)


def _profile_fused(h, A, t, w, reps: int) -> dict:
    """Where the fused forward + backward spends its time: the pieces of ``_sigreg_kernel`` timed
    one by one on the same data (``other``: the total minus the pieces: the dispatch checks
    (about 15 µs), small float64 arithmetic on (slices, knots), allocations, autograd, and the
    cache misses of the real sequence, which the pieces, each repeated on warm data, do not pay)."""
    power_sums, horner = kernel._kernels()
    dt = float(t[1] - t[0])
    hd = h.detach()
    x = torch.matmul((dt * A).mT, hd.mT)
    C, Sn = torch.cos(x).numpy(), torch.sin(x).numpy()
    cc, ss = C[0].copy(), C[0].copy()
    oc, os_ = torch.zeros(SLICES, KNOTS, dtype=torch.float64).numpy(), torch.zeros(SLICES, KNOTS, dtype=torch.float64).numpy()
    gre = torch.rand(SLICES, KNOTS).numpy()
    G = torch.zeros(SLICES, B).numpy()
    GT = torch.from_numpy(G)

    def total():
        h.grad = None
        sigreg(h, A, t, w).backward()

    return _best({
        "total": total,
        "GEMM u = hA": lambda: torch.matmul((dt * A).mT, hd.mT),
        "GEMM G Aᵀ": lambda: torch.matmul(GT.mT, A.mT),
        "cos + sin (torch)": lambda: (torch.cos(x), torch.sin(x)),
        "forward recurrence": lambda: power_sums(C, Sn, C, Sn, True, KNOTS, oc, os_, cc, ss, C.dtype.type(0)),
        "backward Horner": lambda: horner(C, Sn, C, Sn, True, gre, gre, G, cc, ss, False),
    }, reps)


def _first_call(cold: bool) -> float:
    """Seconds from a fresh interpreter to the end of its first fused forward + backward
    (imports included), with numba's cache emptied (``cold``) or as left by earlier runs."""
    code = ("import time; s = time.perf_counter(); import torch\n"
            "from lejepa_verify.validation.objectives.terms import quadrature, sigreg\n"
            "t, w = quadrature(17, 3.0); h = torch.randn(512, 8, requires_grad=True)\n"
            "A = torch.randn(8, 256); sigreg(h, A / A.norm(dim=0), t, w).backward()\n"
            "i = time.perf_counter()\n"
            "sigreg(h, A / A.norm(dim=0), t, w).backward()\n"
            "print(i - s, time.perf_counter() - i)")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if cold:
            env["NUMBA_CACHE_DIR"] = tmp
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[0])


def _import_only() -> float:
    code = ("import time; s = time.perf_counter(); import torch\n"
            "from lejepa_verify.validation.objectives.terms import sigreg\n"
            "print(time.perf_counter() - s)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[0])


def sigreg_section(device: str = "cpu", reps: int = 30) -> dict:
    """Fused against plain SIGReg, forward + backward, per m (see the module docstring)."""
    print(f"### SIGReg forward + backward ({device}), B = {B}, {SLICES} slices, {KNOTS} knots, float32, "
          f"{torch.get_num_threads()} thread(s) on the CPU, best of {reps}\n")
    if device == "cuda":
        print("On CUDA `sigreg` runs the plain formula (no fused GPU kernel): the ratio measures the dispatch only.\n")
    print("| m | plain ms | fused ms | ratio | fused ms, in a block | ratio, in a block | the two GEMMs ms "
          "| plain / GEMMs |")
    print("|---|---|---|---|---|---|---|---|")
    rows = {}
    for m in SIGREG_M:
        h, A, t, w = _sigreg_inputs(m, device)
        G = torch.randn(SLICES, B, generator=torch.Generator().manual_seed(1)).to(device)

        def fused():
            h.grad = None
            sigreg(h, A, t, w).backward()

        def plain():
            h.grad = None
            sigreg_reference(h, A, t, w).backward()

        def gemms():
            torch.matmul(A.mT, h.detach().mT)
            torch.matmul(G.mT, A.mT)

        r = _best({"plain": plain, "fused": fused, "gemms": gemms}, reps, device)
        # each alone, many calls in a row: the plain formula's large temporaries no longer evict
        # the fused kernel's working set between its calls (in a training step, other work does)
        block = {k: _best({k: fn}, reps, device)[k] for k, fn in (("plain", plain), ("fused", fused))}
        rows[m] = {**r, "ratio": r["plain"] / r["fused"], "ratio_limit": r["plain"] / r["gemms"],
                   "block": block, "ratio_block": block["plain"] / block["fused"]}
        print(f"| {m} | {r['plain']:.2f} | {r['fused']:.3f} | {rows[m]['ratio']:.1f}× | {block['fused']:.3f} "
              f"| {rows[m]['ratio_block']:.1f}× | {r['gemms']:.3f} | {rows[m]['ratio_limit']:.1f}× |", flush=True)
    print("\n`ratio`: the three alternating within each repetition (a change of load hits all alike, and "
          "the plain formula's temporaries evict the fused kernel's data between its calls, as other work in "
          "a training step does); `in a block`: each timed over consecutive calls. `plain / GEMMs`: the "
          "ratio no version can pass, since every version projects h on the slices and multiplies the "
          "gradient back (fp32 GEMMs).\n")
    res = {"rows": rows}
    if device == "cpu":
        print("Where the fused version's time goes (ms, each piece timed alone on the same data):\n")
        print("| m | " + " | ".join(["total", "GEMM u = hA", "GEMM G Aᵀ", "cos + sin (torch)", "forward recurrence",
                                       "backward Horner", "other"]) + " |")
        print("|---|---|---|---|---|---|---|---|")
        res["profile"] = {}
        for m in (2, 128, 1024):
            p = _profile_fused(*_sigreg_inputs(m, device), reps)
            p["other"] = p["total"] - sum(v for k, v in p.items() if k != "total")
            res["profile"][m] = p
            print(f"| {m} | " + " | ".join(f"{v:.3f}" for v in p.values()) + " |", flush=True)
        cold, warm, imp = _first_call(cold=True), _first_call(cold=False), _import_only()
        res["first_call_s"] = {"cold_cache": cold, "warm_cache": warm, "import_only": imp}
        print(f"\nA fresh process, from `import torch` to the end of its first forward + backward: {cold:.2f} s "
              f"with numba's cache empty (it compiles), {warm:.2f} s with the cache on disk "
              f"(importing torch and the package alone: {imp:.2f} s).\n")
    return res


STEP_N = (2, 8, 32, 128, 512, 1024)


def authors_config(n: int, steps: int, device: str = "cpu"):
    """Their scaling settings at ``n`` (paper_numbers.toml [authors_recipe], sweep ``paper_scaling``)."""
    from lejepa_verify.validation.config import TrainConfig

    return TrainConfig(n=n, mixing="authors_coupling", encoder="matched", objective="authors_lejepa", lam=1e-6,
                       lam_start=None, lr=3e-3, schedule="constant-cosine", n_slices=256, pairs="anchor",
                       matched_init="random", steps=steps, eval_every=10 ** 6, eval_size=256, spectrum_degree=0,
                       n_bootstrap=0, mixing_seed=0, device=device, threads=1)


class PlainAuthorsStep:
    """Their scaling step as a plain loop, written here from their description (docs/theory.md §7,
    paper_numbers.toml [authors_recipe]): the additive coupling mixing (4 layers, W = 2Q), the
    matched inverse coupling encoder from random matrices, two views of a hidden anchor, SIGReg on
    256 random unit slices and 17 knots on [0, 3] times the 2B samples, alignment as the mean over
    (2, B, m) of the deviation from the views' mean, λ = 1e−6, AdamW at 3e−3."""

    def __init__(self, n: int, device: str = "cpu", batch: int = 256, layers: int = 4, seed: int = 0):
        g = torch.Generator().manual_seed(seed)
        half = n // 2
        self.n, self.batch, self.device = n, batch, device
        self.Wmix = torch.stack([2 * torch.linalg.qr(torch.randn(half, half, generator=g))[0]
                                 for _ in range(layers)]).to(device)
        self.W = torch.nn.Parameter((torch.randn(layers, half, half, generator=g) / half ** 0.5).to(device))
        self.opt = torch.optim.AdamW([self.W], lr=3e-3)
        self.t = torch.linspace(0, 3, 17, device=device)
        w = torch.full((17,), 2 * 3 / 16, device=device)
        w[0] = w[-1] = 3 / 16
        self.w = w * torch.exp(-self.t ** 2 / 2)
        self.phi = torch.exp(-self.t ** 2 / 2)

    def _mix(self, z):
        h = self.n // 2
        a, b = z[:, :h], z[:, h:]
        for i, W in enumerate(self.Wmix):
            if i % 2 == 0:
                b = b + torch.tanh(a @ W)
            else:
                a = a + torch.tanh(b @ W)
        return torch.cat((a, b), 1)

    def _encode(self, x):
        h = self.n // 2
        a, b = x[:, :h], x[:, h:]
        for i in reversed(range(self.W.shape[0])):
            if i % 2 == 0:
                b = b - torch.tanh(a @ self.W[i])
            else:
                a = a - torch.tanh(b @ self.W[i])
        return torch.cat((a, b), 1)

    def __call__(self) -> None:
        n, B, rho = self.n, self.batch, 0.95
        z = torch.randn(B, n, device=self.device)
        views = rho * z + (1 - rho ** 2) ** 0.5 * torch.randn(2, B, n, device=self.device)
        with torch.no_grad():
            x = self._mix(views.reshape(-1, n))
        h = self._encode(x).reshape(2, B, n)
        align = (h.mean(0) - h).square().mean()
        flat = h.reshape(-1, n)
        A = torch.nn.functional.normalize(torch.randn(n, 256, device=self.device), dim=0)
        xt = (flat @ A).unsqueeze(-1) * self.t
        err = (torch.cos(xt).mean(0) - self.phi) ** 2 + torch.sin(xt).mean(0) ** 2
        loss = 1e-6 * (err @ self.w).mean() * flat.shape[0] + (1 - 1e-6) * align
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()


def step_flops(n: int, batch: int = 256, layers: int = 4, slices: int = 256) -> float:
    """The GEMM arithmetic of one step of their scaling setting: the mixing's and the encoder's
    coupling layers forward (``layers`` products of ``2B × n/2`` by ``n/2 × n/2``), the encoder's
    backward (twice its forward), and SIGReg's projection forward and its two backward GEMMs."""
    rows, half = 2 * batch, n // 2
    coupling = layers * 2 * rows * half * half
    return coupling + 3 * coupling + 3 * 2 * rows * n * slices


def _our_steps(n: int, device: str, k: int):
    """``k`` steps of our trainer under their settings: the loop of ``validation.loop`` itself, with
    its evaluation of the held-out set (at the last step) left out, as the plain loop has none."""
    from lejepa_verify.validation import loop
    from lejepa_verify.validation.fit import prepare

    config = authors_config(n, k, device)
    run = prepare(config, device=torch.device(device))

    def steps():
        quick, loop.quick_metrics = loop.quick_metrics, lambda encoder, held: (0.0, 0.0)
        try:
            loop.fit(config, run.world, run.mixing, run.encoder, run.objective, run.held, device=device,
                     progress=False)
        finally:
            loop.quick_metrics = quick

    return steps


def _profile_step(n: int, device: str) -> list:
    """The self time of the heaviest operations of three of our steps at ``n``."""
    from torch.profiler import ProfilerActivity, profile

    step = _our_steps(n, device, 3)
    step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        step()
    rows = sorted(prof.key_averages(), key=lambda e: -e.self_cpu_time_total)
    total = sum(e.self_cpu_time_total for e in rows) or 1.0
    return [(e.key, e.self_cpu_time_total / 1e3 / 3, 100 * e.self_cpu_time_total / total) for e in rows[:12]]


def step_section(device: str = "cpu") -> dict:
    """Steps/s under the authors' scaling settings at n = 2 … 1024: our trainer's loop against
    their plain loop (:class:`PlainAuthorsStep`, written here from their description) and against
    the fp32 GEMM roof measured in the same run (:func:`step_flops` at the roof's GFLOP/s); a
    profile table of our step at the largest n says where the time goes."""
    roof_gf = roof(device, reps=5)["float32"]["gflops"]
    print("### Steps under the authors' settings\n")
    print("| n | ours steps/s | their plain loop steps/s | ours / theirs | GFLOP per step | roof steps/s | "
          "ours / roof |\n|---|---|---|---|---|---|---|")
    res = {"roof_gflops": roof_gf, "rows": []}
    for n in STEP_N:
        k = 8
        ours, plain = _our_steps(n, device, k), PlainAuthorsStep(n, device)
        t = _best({"ours": ours, "theirs": lambda: [plain() for _ in range(k)]}, reps=3, device=device)
        ours_s, theirs_s = 1e3 * k / t["ours"], 1e3 * k / t["theirs"]
        gf = step_flops(n) / 1e9
        roof_s = roof_gf / gf if roof_gf else float("nan")
        res["rows"].append({"n": n, "ours_steps_per_s": ours_s, "theirs_steps_per_s": theirs_s, "gflop": gf,
                            "roof_steps_per_s": roof_s})
        print(f"| {n} | {ours_s:.1f} | {theirs_s:.1f} | {ours_s / theirs_s:.2f}× | {gf:.3g} | {roof_s:.1f} | "
              f"{100 * ours_s / roof_s:.0f} % |")
    prof = _profile_step(max(STEP_N), device)
    res["profile"] = prof
    print(f"\nWhere our step's time goes at n = {max(STEP_N)} (self time per step):\n")
    print("| operation | ms | share |\n|---|---|---|")
    for name, ms, share in prof:
        print(f"| {name} | {ms:.2f} | {share:.1f} % |")
    print()
    return res


def many_section(device: str = "cpu") -> dict:
    """``train_many`` of 1, 5 and 15 runs (seeds) against the same runs one at a time, at n = 8 in
    our recipe and under the authors' settings: runs per second of training (setup included on
    both sides), and the peak resident memory of each way (``ru_maxrss`` of a fresh process)."""
    import resource

    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train_many
    from lejepa_verify.validation.trainer import train

    print("### Many runs as one\n")
    settings = {
        "ours, n = 8": lambda s: TrainConfig(n=8, mixing="coupling", encoder="mlp", steps=200, eval_every=100,
                                             eval_size=512, n_bootstrap=0, spectrum_degree=0, seed=s),
        "theirs, n = 8": lambda s: authors_config(8, 200, device).replace(seed=s, eval_every=100),
    }
    print("| setting | runs | one at a time s | train_many s | ratio |\n|---|---|---|---|---|")
    res = []
    clock = time.perf_counter
    for label, make in settings.items():
        for R in (1, 5, 15):
            configs = [make(s) for s in range(R)]
            t0 = clock()
            for c in configs:
                train(c, progress=False)
            alone = clock() - t0
            t0 = clock()
            train_many(configs, progress=False)
            many = clock() - t0
            res.append({"setting": label, "runs": R, "alone_s": alone, "many_s": many})
            print(f"| {label} | {R} | {alone:.1f} | {many:.1f} | {alone / many:.2f}× |")
    res_mem = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process: {res_mem:.0f} MB (train_many holds at most "
          "max_batch = 16 runs at once)\n")
    return {"rows": res, "peak_rss_mb": res_mem}


SECTIONS = {"roof": roof, "sigreg": sigreg_section, "step": step_section, "many": many_section}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sections", nargs="*", help=f"sections to run, of {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--cuda", action="store_true", help="also run each section on the GPU, where there is one")
    p.add_argument("--out", help="write the numbers as JSON into this folder")
    args = p.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        p.error(f"unknown section(s) {', '.join(unknown)}; valid: {', '.join(SECTIONS)}")
    names = list(dict.fromkeys(args.sections or SECTIONS))
    torch.set_num_threads(1)
    print(f"## Engine\n\nmachine: {machine()}\n")
    print("CPU times are this thread's CPU time, best of N (see `_best`); GPU times are wall times.\n")
    res = {"machine": machine()}
    for name in names:
        res[name] = {"cpu": SECTIONS[name]("cpu")}
        if args.cuda:
            if torch.cuda.is_available():
                res[name]["cuda"] = SECTIONS[name]("cuda")
            else:
                print(f"({name} on CUDA skipped: torch.cuda.is_available() is False)\n")
    res["load_after"] = load_average()
    print(f"load average after: {res['load_after']}")
    if args.out:
        from lejepa_verify.validation.io import atomic_write_json, ensure_writable_dir

        folder = ensure_writable_dir(args.out, "out")
        atomic_write_json(folder / "bench_engine.json", json.loads(json.dumps(res, default=float)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
