"""A researcher's own encoder, measured as a trained run is (docs/theory.md §1, §2, §4).

:func:`evaluate` takes an encoder trained anywhere (a torch module, a TorchScript module or
function, or any callable from observations to embeddings) and the world of a
:class:`~lejepa_verify.validation.config.TrainConfig` (latent law, transition, mixing ``g``,
``ρ``, ``n``, pair source), draws fresh held-out pairs ``(z, z')`` from that world, observes them
through the config's frozen mixing and measures ``h = f ∘ g`` with the run's own final
measurement (:func:`~lejepa_verify.validation.evaluation.final_metrics`): ``R²`` both ways, MCC,
``||AᵀA − I_n||_F``, ε, δ, D, the bound of Prop 4.3 and its confidence limit ``bound_upper``,
the Procrustes error ``E||h − Qz||²``, and in Gaussian worlds the Hermite spectrum of ``h``.
Nothing is written to disk.

How the encoder is called: a ``torch.nn.Module`` (TorchScript modules included) and a
``torch.jit.ScriptFunction`` receive torch tensors of shape ``(N, *obs_shape)`` on the module's
device, in its floating dtype, under ``torch.no_grad()`` and in eval mode (each submodule's
mode is restored afterwards). A numpy ufunc (``np.tanh``) receives float64 numpy arrays. Any
other callable receives float32 CPU tensors, unless its first call raises ``TypeError`` (numpy
code handed a tensor): then it receives float64 numpy arrays.
Either kind may return a torch tensor or a numpy array of shape ``(N, m)`` with ``m >= n``.

Why ``m >= n``: the theory's identifiability statement (Theorem A, Prop 4.3) reads the latent
back from the embedding, which an embedding narrower than the latent cannot do (docs/guide.md,
"Embeddings wider than the latent", says what ``m < n`` would mean); ``TrainConfig`` and
``numerics.bounds`` refuse it for the same reason.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any, Callable

import numpy as np
import torch

from lejepa_verify.numerics.bounds import MIN_SAMPLES
from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.evaluation import HeldOut, final_metrics
from lejepa_verify.validation.run_metrics import RunMetrics

__all__ = ["MAX_PAIRS", "evaluate"]

#: most held-out pairs one call draws (their observations are held in memory at once)
MAX_PAIRS = 2**20


class _CheckedEncoder:
    """The user's encoder as ``final_metrics`` calls it: torch in, float64 torch ``(N, m)`` out,
    every output checked (two dimensions, one row per input, ``m`` columns, finite)."""

    def __init__(self, fn: Callable, n: int, m: int | None):
        self.fn = fn
        self.n = n
        self.config_m = m
        self.m: int | None = None                       # the width of the first output, kept after
        # torch modules take tensors; a plain callable too, unless its first call raises TypeError
        # (numpy code given a tensor), when it gets numpy arrays from then on
        self.takes_torch = (True if isinstance(fn, (torch.nn.Module, torch.jit.ScriptFunction))
                            else False if isinstance(fn, np.ufunc) else None)
        self.device, self.dtype = _placement(fn) if isinstance(fn, torch.nn.Module) else (None, None)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        rows = int(x.shape[0])
        if self.takes_torch is None:
            try:
                out = self.fn(x.detach().cpu())
                self.takes_torch = True
            except TypeError:
                self.takes_torch = False
                out = self._call(x.detach().cpu().numpy().astype(np.float64), x)
            except (RuntimeError, ValueError, IndexError, AttributeError) as exc:
                raise _failed(exc, x) from exc
        elif self.takes_torch:
            inp = x.detach()
            if self.device is not None:
                inp = inp.to(self.device)
            if self.dtype is not None:
                inp = inp.to(self.dtype)
            out = self._call(inp, x)
        else:
            out = self._call(x.detach().cpu().numpy().astype(np.float64), x)
        return torch.from_numpy(self._check(out, rows, tuple(x.shape)))

    def _call(self, inp, x: torch.Tensor):
        try:
            return self.fn(inp)
        except (RuntimeError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise _failed(exc, x) from exc

    def _check(self, out: Any, rows: int, in_shape: tuple) -> np.ndarray:
        if isinstance(out, torch.Tensor):
            out = out.detach().cpu()
            if out.is_complex():
                raise ValueError(f"encoder must return real embeddings, got a {out.dtype} tensor")
            out = out.double().numpy()
        arr = np.asarray(out)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
                                       or arr.dtype == bool):
            raise ValueError(f"encoder must return a real tensor or array of shape ({rows}, m), "
                             f"got {type(out).__name__} of dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if arr.ndim != 2 or arr.shape[0] != rows:
            raise ValueError(f"encoder must return shape ({rows}, m) for observations of shape {in_shape} "
                             f"(one row per observation), got shape {arr.shape}")
        m = arr.shape[1]
        if self.config_m is not None and m != self.config_m:
            raise ValueError(f"encoder returned m = {m} columns, but config.m = {self.config_m}; set m to {m} "
                             "(or to none) in the config")
        if self.m is not None and m != self.m:
            raise ValueError(f"encoder returned m = {m} columns here and m = {self.m} before: its width "
                             "must not depend on the input")
        if m < self.n:
            raise ValueError(f"encoder returned m = {m} columns for a latent of n = {self.n}: embeddings "
                             f"narrower than the latent (m < n) cannot read the latent back, and the bound "
                             f"of Prop 4.3 is stated for m >= n (docs/guide.md, 'Embeddings wider than "
                             f"the latent'); need m >= {self.n}")
        bad = ~np.isfinite(arr)
        if bad.any():
            rows_bad = int(bad.any(axis=1).sum())
            raise ValueError(f"encoder returned non-finite values (nan or inf) in {rows_bad} of {rows} rows")
        if rows > 1 and np.all(arr == arr[0]):
            raise ValueError(f"encoder returned the same embedding for all {rows} observations (a collapsed "
                             "encoder): R²(z→h) and the correlations are undefined")
        self.m = m
        return arr


def _failed(exc: BaseException, x: torch.Tensor) -> ValueError:
    """The error of an encoder that raised on the world's observations, naming it and the shape."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ValueError(f"encoder failed on observations of shape {tuple(x.shape)} ({type(exc).__name__}: {first})")


def _placement(module: torch.nn.Module) -> tuple[torch.device | None, torch.dtype | None]:
    """The device and floating dtype of a module's first parameter or buffer (``None`` when it has none)."""
    for t in (*module.parameters(), *module.buffers()):
        return t.device, (t.dtype if t.is_floating_point() else None)
    return None, None


@contextlib.contextmanager
def _eval_mode(fn):
    """A module in eval mode for the measurement, each submodule's own mode restored afterwards."""
    if not isinstance(fn, torch.nn.Module):
        yield
        return
    modes = [(mod, mod.training) for mod in fn.modules()]
    try:
        fn.eval()
    except NotImplementedError:
        pass  # a torch.export graph module: its mode was fixed when it was exported
    try:
        yield
    finally:
        for mod, training in modes:
            mod.training = training


def evaluate(encoder, config, *, n_pairs: int | None = None, seed: int = 0) -> RunMetrics:
    """The final metrics of ``encoder`` in the world of ``config`` on fresh held-out pairs.

    Parameters
    ----------
    encoder : torch.nn.Module or callable
        ``f``: observations ``(N, *obs_shape)`` to embeddings ``(N, m)``, ``m >= n`` (and
        ``m = config.m`` when the config sets it). How it is called: module docstring.
    config : TrainConfig
        Names the world: ``latent``, ``latent_params``, ``transition``, ``mixing`` (with its
        options and ``mixing_seed``), ``rho``, ``n``, ``pairs``; and the measurement:
        ``n_bootstrap``, ``spectrum_degree``, ``seed`` (the bootstrap's and the spectrum's seed,
        as in a trained run). Its training settings are not read.
    n_pairs : int, optional
        Held-out pairs to draw, in ``[MIN_SAMPLES, MAX_PAIRS]`` = ``[40, 2**20]`` (default:
        ``config.eval_size``).
    seed : int
        Seed of the held-out pairs' generator, in ``[0, 2**32 − 1]``. With ``seed = config.seed +
        validation.fit.EVAL_SEED_OFFSET`` and ``n_pairs = config.eval_size`` the pairs are those a
        trained run of ``config`` is measured on.

    Returns
    -------
    RunMetrics
        The fields a trained run records (``steps_per_s`` and ``train_seconds`` are ``None``),
        with a note saying where the numbers come from.

    Raises
    ------
    ValueError
        ``config`` not a ``TrainConfig``; ``encoder`` not callable, failing on the world's
        observations, returning the wrong shape, ``m < n``, non-finite values, or an embedding
        whose metrics are not finite (a constant one); ``n_pairs`` or ``seed`` out of range.
    """
    from lejepa_verify.validation.config import MAX_SEED, TrainConfig
    from lejepa_verify.validation.fit import build_models
    from lejepa_verify.validation.worlds import World

    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a lejepa_verify.validation.TrainConfig naming the world "
                         f"(TrainConfig.from_dict builds one from a mapping), got {type(config).__name__}")
    if not callable(encoder):
        raise ValueError(f"encoder must be a torch module or a callable from observations to embeddings, "
                         f"got {type(encoder).__name__}")
    if isinstance(encoder, type):
        raise ValueError(f"encoder must be an encoder (an instance or a function), got the class "
                         f"{encoder.__name__}: instantiate it and load its weights first")
    if n_pairs is None:
        n_pairs = config.eval_size
        if n_pairs < MIN_SAMPLES:
            raise ValueError(f"n_pairs (default: config.eval_size = {n_pairs}) must be in "
                             f"[{MIN_SAMPLES}, {MAX_PAIRS}]; pass n_pairs")
    n_pairs = check_int(n_pairs, "n_pairs", MIN_SAMPLES, MAX_PAIRS)
    seed = check_int(seed, "seed", 0, MAX_SEED)

    world = World.from_config(config)
    # build_models seeds torch's global generator for the config's own (unused) encoder: keep
    # the caller's random state as it was
    with torch.random.fork_rng(devices=[]):
        mixing, _ = build_models(config, "cpu")
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        z, z_next = world.eval_pairs(n_pairs, gen)
        held = HeldOut(z, z_next, mixing(z), mixing(z_next))

    checked = _CheckedEncoder(encoder, config.n, config.m)
    with _eval_mode(encoder), torch.no_grad():
        ev = final_metrics(checked, mixing, held, config, gaussian_world=world.gaussian_world, device="cpu")
    if ev.metrics is None:
        values = ev.values or {}
        listed = ", ".join(f"{k} = {values.get(k)}" for k in ev.not_finite)
        raise ValueError(f"encoder gives metrics that are not finite ({listed}): is its embedding constant "
                         "in some direction the metrics divide by?")
    note = (f"measured by validation.evaluate on {n_pairs} fresh held-out pairs (seed {seed}) of "
            f"{world.label}, mixing {config.mixing}; m = {checked.m}")
    return replace(ev.metrics, notes=(*ev.metrics.notes, note))
