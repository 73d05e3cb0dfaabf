"""Refuse, before training, a run that cannot fit in this machine's memory.

:func:`estimated_bytes` is a deliberately generous estimate of a run's peak memory: the
held-out observations and their embeddings, one step's activations, gradients and Adam state,
SIGReg's ``(2B, slices, knots)`` temporaries, and the bootstrap's copies. It is meant to catch
sizes far beyond the machine (a width of a million, a batch of a hundred million), not to
predict the peak: :func:`check_memory` refuses only when the estimate exceeds what the
machine has available (``MemAvailable`` plus free swap on Linux; nothing is refused where that
cannot be read), and says how much the run would need.
"""

from __future__ import annotations

import math

from lejepa_verify.validation.io import human_bytes

FLOAT = 4


def available_bytes() -> int | None:
    """``MemAvailable + SwapFree`` from ``/proc/meminfo``; ``None`` where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            info = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in fh if line.strip()}
    except (OSError, ValueError, IndexError):
        return None
    if "MemAvailable" not in info:
        return None
    return info["MemAvailable"] + info.get("SwapFree", 0)


def estimated_bytes(config) -> int:
    """A generous estimate of the peak memory of one run of ``config`` (module docstring).

    The encoder says its size (``EncoderSpec.size``: parameters and activations per sample) and
    the objective its workspace (``Objective.workspace``: floats for a batch), so this module
    names no member."""
    from lejepa_verify.validation.config import member

    obs = math.prod(member("mixing", config.mixing).obs_shape(config.n))
    m, B, N = config.out_dim, config.batch_size, config.eval_size
    params, per_sample = member("encoder", config.encoder).size_of((obs,), m, config.member_options("encoder"))
    objective = member("objective", config.objective)
    work = objective.workspace(2 * B, m, config.member_options("objective"))
    # parameters, gradients and two Adam moments; activations kept for the backward pass; the
    # held-out observations, embeddings (float64) and their bootstrap copies; one batch of pairs
    floats = 4 * params + 3 * 2 * B * per_sample + work + N * 2 * (obs + 4 * m + 2 * config.n) + 4 * B * obs
    return int(floats * FLOAT)


def check_memory(config) -> None:
    """``ValueError`` saying what the run would need when it cannot fit in the available memory."""
    need = estimated_bytes(config)
    have = available_bytes()
    if have is not None and need > have:
        raise ValueError(f"this run needs about {human_bytes(need)} of memory (batch_size {config.batch_size}, "
                         f"eval_size {config.eval_size}, the encoder and objective's sizes), but this machine has "
                         f"{human_bytes(have)} available; choose smaller sizes")
