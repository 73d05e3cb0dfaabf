"""The documented top-level names of numerics and validation resolve to the right objects."""

import importlib

import pytest

from lejepa_verify import numerics
from lejepa_verify import validation


@pytest.mark.parametrize("pkg", [numerics, validation], ids=["numerics", "validation"])
def test_every_export_resolves_and_is_not_shadowed_by_a_submodule(pkg):
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        assert not isinstance(obj, type(importlib)), f"{pkg.__name__}.{name} resolved to a module"
        assert name in dir(pkg)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        numerics.nope  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        validation.nope  # noqa: B018


def test_train_is_the_function_even_after_the_trainer_module_is_imported():
    importlib.import_module("lejepa_verify.validation.trainer")
    assert callable(validation.train) and validation.train.__name__ == "train"


def test_numerics_exports_every_public_function_and_class_of_its_submodules():
    expected = {}
    for sub in set(numerics._EXPORTS.values()):
        mod = importlib.import_module(f"lejepa_verify.numerics.{sub}")
        for name in mod.__all__:
            if not name.isupper() or name in ("LATENT_LAWS", "TRANSITIONS", "MAP_NAMES", "CUSTOM_LAW"):
                expected[name] = sub
    assert numerics._EXPORTS == expected
