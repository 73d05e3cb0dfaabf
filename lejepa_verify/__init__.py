"""lejepa-verify: checks, by computation, the theory of *When Does LeJEPA Learn a World Model?*

One import namespace with three layers, data flowing one way:

- :mod:`lejepa_verify.theory`: exact mathematics with sympy, and the claims registry;
- :mod:`lejepa_verify.numerics`: floating-point analysis with numpy, scipy and numba;
- :mod:`lejepa_verify.validation`: the torch trainer, sweeps, report and CLI.

:mod:`lejepa_verify.strategies` holds hypothesis strategies for what the theorems quantify over.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lejepa-verify")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
