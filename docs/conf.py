"""Sphinx configuration of the lejepa-verify documentation.

Build (from the repository root): ``python -m sphinx -j 1 -W -b html docs docs/_build/html``.
Everything that depends on the code is generated while building (``_ext/lejepa_docs.py``):
the API reference from the docstrings, the claims tables from the registry, the Results page
from a report directory, the notebooks executed at their fast setting.
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import lejepa_verify  # noqa: E402 - the docs document the installed package

# the notebooks run at the fast setting the test suite uses; their kernels inherit this
os.environ.setdefault("LEJEPA_FAST", "1")
# the kernels must draw inline, or plt.show() shows nothing on the page (an inherited
# MPLBACKEND=Agg, as the test suite sets, would silently drop every figure)
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
os.environ.setdefault("OMP_NUM_THREADS", "1")

project = "lejepa-verify"
author = "the lejepa-verify developers"
copyright = "2026, the lejepa-verify developers"
release = version = lejepa_verify.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",
    "sphinxcontrib.katex",
    "lejepa_docs",
]

exclude_patterns = ["_build", "_vendor", "_templates", "_generated/results", "_generated/notebooks_toc.md", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
# .rst first: autosummary writes its stub pages with the first suffix, and they are reST
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# --- math: rendered to HTML at build time (node + KaTeX), so pages show it without a network
katex_prerender = True
katex_css_path = "katex/katex.min.css"  # copied from the KaTeX npm package into _vendor/katex
html_static_path = ["_static", "_vendor"]
html_css_files = ["lejepa.css"]

# --- MyST: $...$ and $$...$$ math, heading anchors for links such as theory.md#hermite
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# --- notebooks: executed during the build, cached between builds by content
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_in_temp = True  # a notebook that writes files leaves the checkout clean
nb_merge_streams = True

# --- API reference: autosummary pages, numpydoc rendering, a missing docstring fails the build
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc sections carry the types; signatures stay readable
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
# a public name without a docstring fails the build: _ext/lejepa_docs.py warns on it (numpydoc's
# GL08 would also flag methods that inherit the docstring of our own base class's hook)

# --- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"lejepa-verify {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_show_sourcelink = False

# the Results page reads this report folder: LEJEPA_DOCS_REPORT, else the real run kept in the
# repository (results/, see results/README.md), else (empty) the build makes a fast report itself
_KEPT_REPORT = Path(__file__).resolve().parent.parent / "results"
lejepa_report_dir = os.environ.get("LEJEPA_DOCS_REPORT") or (str(_KEPT_REPORT) if (_KEPT_REPORT / "report.md").exists() else "")

suppress_warnings = []
nitpicky = False
