"""Encoders ``f``: the registry of learners whose composition ``h = f ∘ g`` LeJEPA trains.

Every encoder is one module here, named after it, registering a builder with
:func:`~lejepa_verify.validation.encoders.base.register`; each is built from the *observation
shape* (not the latent dimension), so an image world and a vector world use the same call. To add one, copy ``linear.py`` (the smallest) and add its tests.
"""

from __future__ import annotations

from lejepa_verify.validation.encoders.base import REGISTRY, EncoderSpec, encoder_names, encoder_spec, make_encoder, register

__all__ = ["REGISTRY", "EncoderSpec", "encoder_names", "encoder_spec", "make_encoder", "register"]
