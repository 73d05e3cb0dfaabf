"""``authors_coupling``: the authors' RealNVP coupling mixing, drawn their way (docs: theory,
the authors' experiments).

The same layer form as ``coupling`` (layer ``l`` maps ``(a, b) ↦ (a, b + tanh(a W_l))`` for
even ``l`` and ``(a + tanh(b W_l), b)`` for odd ``l``, ``a`` the first half of ``z``), but the
matrices are drawn as the authors draw them (``make_coupling_mixing`` in ``experiments/lejepa_id/mixing.py``
of klindtlab/lejepa-identifiability): after seeding with ``seed``, per layer a float32
``(n/2 × n/2)`` standard normal matrix, ``W_l = 2 Q_l`` with ``Q_l`` the orthogonal factor of
``torch.linalg.qr`` and *no* sign fix (so ``Q_l`` is not Haar distributed: its signs follow
LAPACK's convention for ``R``). The row vector multiplies from the left, ``a @ W_l``.

They seed the global generator (``torch.manual_seed(seed)``); here a private
``torch.Generator`` seeded with ``seed`` draws the same numbers on the CPU (its stream equals
the default CPU generator's after ``torch.manual_seed``; a test checks it) without touching the
global random state of the run. Their runs drew the matrices on CUDA, whose stream differs, so
the matrices here are the CPU ones: the construction and its statistics are theirs (the
fingerprint ``R²(x→z)`` is compared with their published column), the exact matrices are not.
In their runs the mixing is seeded with the run seed (``mix_seed = seed`` in ``run_single``, ``experiments/run.py``);
the sweeps here link ``mixing_seed`` to ``seed`` for this observation.
"""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.observations.base import Observation, register
from lejepa_verify.validation.observations.coupling import Coupling, even_n


def authors_coupling_matrices(n: int, n_layers: int = 4, seed: int = 1337) -> torch.Tensor:
    """``(n_layers, n/2, n/2)`` float32 matrices ``2·Q_l``, ``Q_l`` from ``torch.linalg.qr`` of a
    standard normal matrix drawn after seeding with ``seed``, without the sign fix."""
    n = even_n(n, "authors' coupling mixing")
    n_layers = check_int(n_layers, "n_layers", 1)
    seed = check_int(seed, "seed", 0)
    half = n // 2
    gen = torch.Generator().manual_seed(seed)
    mats = []
    for _ in range(n_layers):
        q, _ = torch.linalg.qr(torch.randn(half, half, generator=gen))
        mats.append(2.0 * q)
    return torch.stack(mats)


@register
class AuthorsCoupling(Coupling):
    """The authors' RealNVP coupling: ``W_l = 2 Q`` from a seeded QR without sign fix, any even ``n``."""
    name = "authors_coupling"
    description = "the authors' RealNVP coupling: W_l = 2 × QR factor of a seeded normal matrix, no sign fix (any even n)"

    def __init__(self, n: int, n_layers: int = 4, seed: int = 1337):
        # the layers, their order and the inverse are ``Coupling``'s; only the matrices differ
        Observation.__init__(self, n)
        self.half = n // 2
        self.register_buffer("W", authors_coupling_matrices(n, n_layers, seed))

    @classmethod
    def check_n(cls, n: int) -> int:
        return even_n(n, "authors' coupling mixing")
