import pytest
from fractions import Fraction

from lejepa_verify.theory.validate import as_fraction, check_choice, check_int, check_positive, check_rho


@pytest.mark.parametrize("rho", [0, 1, 1.3, -0.2, float("nan"), float("inf"), "x", None, True])
def test_rho_outside_open_interval_is_named(rho):
    with pytest.raises(ValueError, match="rho"):
        check_rho(rho)


def test_rho_inside_passes_through_unchanged():
    assert check_rho(0.5) == 0.5
    assert check_rho(Fraction(1, 3)) == Fraction(1, 3)


@pytest.mark.parametrize("bad", [2.0, -1, 13, "3", True])
def test_degree_must_be_integer_in_range(bad):
    with pytest.raises(ValueError, match="degree"):
        check_int(bad, "degree", 0, 12)


def test_messages_give_range_and_value():
    with pytest.raises(ValueError, match=r"degree must be in \[0, 12\], got 13"):
        check_int(13, "degree", 0, 12)
    with pytest.raises(ValueError, match=r"n must be >= 1, got 0"):
        check_int(0, "n", 1)
    with pytest.raises(ValueError, match="valid choices: a, b"):
        check_choice("c", "mixing", ["a", "b"])
    with pytest.raises(ValueError, match="K"):
        check_positive(-1.0, "K")
    with pytest.raises(ValueError, match="q"):
        as_fraction(0.3, "q")


def test_strings_are_not_numbers():
    import pytest

    from lejepa_verify.theory.validate import check_positive, check_rho

    with pytest.raises(ValueError, match="rho must be a real number"):
        check_rho("0.5")
    with pytest.raises(ValueError, match="lr must be a positive real number"):
        check_positive("0.1", "lr")
