"""One import namespace: installed, the package is exactly ``lejepa_verify`` with three layers."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.waiting import HANG_GUARD

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("theory", "numerics", "validation")


def test_every_layer_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {"lejepa_verify"}
    for layer in LAYERS:
        for init in (ROOT / layer).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT)
            on_disk.add("lejepa_verify." + ".".join(rel.parts))
    assert on_disk == listed


def test_no_source_file_imports_a_bare_layer_name():
    bare = re.compile(r"^\s*(from|import)\s+(theory|numerics|validation)\b", re.M)
    offenders = []
    for folder in (*LAYERS, "lejepa_verify", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if bare.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        if re.search(r'"\s*(from|import)\s+(theory|numerics|validation)\b', path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_outside_the_checkout_only_the_namespace_imports(tmp_path):
    code = (
        "import importlib\n"
        "import lejepa_verify.theory, lejepa_verify.numerics, lejepa_verify.validation\n"
        "bare = []\n"
        "for name in ('theory', 'numerics', 'validation'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "        bare.append(name)\n"
        "    except ImportError:\n"
        "        pass\n"
        "print(','.join(bare) or 'none')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "none"
