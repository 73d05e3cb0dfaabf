"""The published numbers shipped with the package: the loader and its refusals."""

import tomllib
from pathlib import Path

import pytest

from lejepa_verify.validation.paper_numbers import load, parse

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "paper_numbers.toml"


def test_shipped_copy_loads_with_its_sources():
    p = load()
    assert p.scaling.n == (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
    assert p.scaling.at("sigreg", 1024) == (0.999561, 1.2e-6)
    assert p.gennorm_alpha.alpha[0] == 0.125 and len(p.gennorm_alpha.sigreg) == 9
    assert "page" in p.scaling.source and "figure" in p.gennorm_alpha.source
    assert p.authors_recipe["lambda_2d"] == 1e-3
    assert p.to_dict()["scaling"]["n"][-1] == 1024


@pytest.mark.skipif(not SHARED.is_file(), reason="the shared checkout copy exists only in the development tree")
def test_shipped_copy_equals_the_shared_file():
    shipped = tomllib.loads((Path(__file__).resolve().parents[2] / "validation" / "data" / "paper_numbers.toml").read_text())
    assert shipped == tomllib.loads(SHARED.read_text())


def _data():
    path = Path(__file__).resolve().parents[2] / "validation" / "data" / "paper_numbers.toml"
    return tomllib.loads(path.read_text())


def test_a_file_that_does_not_parse(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[scaling\nn = [2")
    with pytest.raises(ValueError, match="does not parse as TOML"):
        load(bad)
    with pytest.raises(ValueError, match="does not exist"):
        load(tmp_path / "missing.toml")


def test_missing_table_field_or_unequal_columns():
    d = _data()
    del d["gennorm_alpha"]
    with pytest.raises(ValueError, match=r"lacks the table \[gennorm_alpha\]"):
        parse(d)
    d = _data()
    del d["scaling"]["sigreg_std"]
    with pytest.raises(ValueError, match="lacks the field 'sigreg_std'"):
        parse(d)
    d = _data()
    d["scaling"]["vicreg"] = d["scaling"]["vicreg"][:-1]
    with pytest.raises(ValueError, match="has 9 entries"):
        parse(d)
    d = _data()
    d["scaling"]["r2_xz"][0] = "0.78"
    with pytest.raises(ValueError, match="list of numbers"):
        parse(d)
    d = _data()
    del d["scaling"]["source"]
    with pytest.raises(ValueError, match="lacks its 'source'"):
        parse(d)


def test_unknown_column_or_n():
    s = load().scaling
    with pytest.raises(ValueError, match="unknown column"):
        s.at("barlow", 2)
    with pytest.raises(ValueError, match="n = 3 is not in"):
        s.at("sigreg", 3)
