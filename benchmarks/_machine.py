"""What a benchmark records about the machine it ran on (shared by the bench_* scripts)."""

from __future__ import annotations

import os
import platform
import time


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, or ``unknown`` where the OS does not say."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict:
    """Platform, core count, torch version, load average and UTC time of a benchmark run."""
    import torch

    return {"platform": platform.platform(), "cpus": os.cpu_count(), "torch": torch.__version__,
            "load_average": load_average(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
