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
    # reports name the shipped copy by its place in the package, never by this machine's install path
    assert p.path == "lejepa_verify/validation/data/paper_numbers.toml" and not Path(p.path).is_absolute()


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


def test_the_latex_tables_read_with_their_spreads_and_kinds():
    p = load()
    # std = the number after ± times its unit (App. H.9: SIGReg's orthogonality error at n = 1024 is 0.023 ± 4.7e-5)
    assert p.std("scaling_appendix_sigreg", "orth_err")[-1] == pytest.approx(4.7e-5)
    assert p.std("reacher_table", "ou_r2_h_to_z")[0] == pytest.approx(2e-2)
    assert p.kind("scaling_appendix_sigreg") == "table" and p.kind("scaling") == "page"
    grid = p.matrix("grid_search_heatmap_r2", "r2_h_to_z_mean", 9, 7)
    assert grid[3][5] == pytest.approx(0.985)          # lambda = 1e-3, rho = 0.95
    with pytest.raises(ValueError, match=r"\[grid_search_heatmap_r2\].r2_h_to_z_mean must be a list of 8 rows"):
        p.matrix("grid_search_heatmap_r2", "r2_h_to_z_mean", 8, 7)
    with pytest.raises(ValueError, match=r"\[reacher_table\].ou_rho has 7 entries, expected 6"):
        p.numbers("reacher_table", "ou_rho", 6)
    with pytest.raises(ValueError, match="lacks the table \\[nope\\]"):
        p.table("nope")
    with pytest.raises(ValueError, match="lacks the field 'nope_std'"):
        p.std("scaling", "nope")


def test_the_latex_cross_check_equals_the_page_table():
    p = load()
    c = "crosscheck_main_scaling_table"
    for page, latex in (("r2_xz", "mixing_r2_x_to_z"), ("sigreg", "sigreg_r2_h_to_z"), ("vicreg", "vicreg_r2_h_to_z"),
                        ("infonce", "infonce_r2_h_to_z")):
        assert p.numbers(c, latex) == getattr(p.scaling, page)
        assert p.std(c, latex) == pytest.approx(getattr(p.scaling, page + "_std"), rel=1e-9)
