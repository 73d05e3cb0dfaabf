"""The documentation site: it builds with warnings as errors, and a browser shows its math and figures.

The build executes the notebooks and (unless ``LEJEPA_DOCS_REPORT`` names a report folder)
makes a fast report, which takes a few minutes; these tests are marked ``docs`` and are part of
the README's test command (``-m 'not docs'`` leaves them out). They need the ``docs`` extra,
Node.js (the math is rendered at build time; KaTeX's stylesheet is fetched once from the npm
registry) and, for the browser test, Debian's ``chromium``. Where one is missing they are
skipped, saying what to install; with ``CI`` set they fail instead, so CI never passes without
having built the site.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# a guard against a hung browser or build only: a loaded machine is slower, never wrong
HANG_GUARD = 3600


def missing(reason: str) -> None:
    """Skip for want of ``reason``'s tool; with ``CI`` set, fail: CI must build and see the site."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the docs tests must run, not be skipped)")
    pytest.skip(reason)


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        missing("the browser test needs Debian's chromium (apt-get install chromium)")
    return CHROMIUM

# Runs inside the browser, in a page of the same origin as the page under test: waits for the
# page in the iframe to load, then reports what a reader would see.
HARNESS = """<!doctype html><html><body><iframe id="f" src="PAGE" style="width:1200px;height:900px"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById('f').addEventListener('load', function () {
  var doc = this.contentDocument;
  var imgs = Array.from(doc.querySelectorAll('img'));
  var body = doc.body.cloneNode(true);
  // what is not prose: code, scripts, and KaTeX's MathML copy of the source (hidden from view)
  body.querySelectorAll('script, style, pre, code, .katex-mathml, annotation').forEach(function (e) { e.remove(); });
  var external = Array.from(doc.querySelectorAll('script[src], link[rel=stylesheet], img'))
    .map(function (e) { return e.getAttribute('src') || e.getAttribute('href') || ''; })
    .filter(function (u) { return /^(https?:)?\\/\\//.test(u); });
  document.getElementById('result').textContent = JSON.stringify({
    katex: doc.querySelectorAll('.katex').length,
    katex_errors: doc.querySelectorAll('.katex-error').length,
    images: imgs.map(function (i) { return [i.getAttribute('src'), i.naturalWidth, i.naturalHeight]; }),
    text: body.textContent,
    external: external
  });
});
</script></body></html>"""


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is the verdict, not an access log
        pass


def inspect_page(site: Path, page: str, tmp_path: Path, chromium: str) -> dict:
    """Open ``site/page`` in headless Chromium (served on localhost) and report what it shows."""
    (site / "_harness.html").write_text(HARNESS.replace("PAGE", page))
    server = _serve(site)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/_harness.html"
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=15000",
               "--dump-dom", url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=HANG_GUARD)
    finally:
        server.shutdown()
        (site / "_harness.html").unlink()
    m = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
    assert m and m.group(1) != "pending", f"the page did not load in chromium:\n{done.stderr[-2000:]}"
    import html

    return json.loads(html.unescape(m.group(1)))


def rendering_problems(report: dict, *, expect_math: bool) -> list[str]:
    """What is wrong with a page as a reader sees it (empty when nothing is)."""
    problems = []
    if expect_math and report["katex"] == 0:
        problems.append("no rendered math (.katex) on the page")
    if report["katex_errors"]:
        problems.append(f"{report['katex_errors']} KaTeX errors")
    raw = re.findall(r"\$[^$\s][^$]*\$|\\\(|\\\[|\\begin\{", report["text"])
    if raw:
        problems.append(f"raw TeX in the visible text: {raw[:3]}")
    broken = [src for src, w, h in report["images"] if not (w > 0 and h > 0)]
    if broken:
        problems.append(f"images that did not load: {broken}")
    if report["external"]:
        problems.append(f"resources fetched from the network: {report['external']}")
    return problems


# ------------------------------------------------------------------ the negative control


@pytest.mark.docs
def test_the_browser_check_rejects_raw_tex_and_a_broken_figure(tmp_path, chromium):
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad.html").write_text(
        "<html><body><p>The loss is $L(h) = 2(1-\\rho)$ and \\(x\\).</p>"
        "<img src='missing.png'></body></html>")
    report = inspect_page(site, "bad.html", tmp_path, chromium)
    problems = rendering_problems(report, expect_math=True)
    assert any("no rendered math" in p for p in problems)
    assert any("raw TeX" in p for p in problems)
    assert any("did not load" in p for p in problems)


# ------------------------------------------------------------------ the real site


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    try:
        import sphinx  # noqa: F401
    except ImportError:
        missing("the docs build needs the docs extra: pip install -e '.[docs]'")
    if shutil.which("node") is None:
        missing("the docs build renders its math with Node.js (apt-get install nodejs npm)")
    out = tmp_path_factory.mktemp("docs-html")
    cmd = [sys.executable, "-m", "sphinx", "-j", "1", "-W", "--keep-going", "-b", "html",
           "-d", str(out / ".doctrees"), str(DOCS), str(out)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD)
    assert done.returncode == 0, f"the docs build failed (warnings are errors):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return out


@pytest.mark.docs
def test_docs_build_with_warnings_as_errors_and_have_every_page(built_site):
    for page in ("index", "theory", "api", "findings", "results", "notebooks", "where_to_add", "cluster",
                 "benchmarks"):
        assert (built_site / f"{page}.html").stat().st_size > 0, page
    # the generated parts exist: API pages from docstrings, executed notebooks, the report's figures
    api = list((built_site / "_generated" / "api").glob("lejepa_verify.*.html"))
    assert any(p.name == "lejepa_verify.numerics.spectrum.html" for p in api)
    nb = (built_site / "_generated" / "notebooks" / "01_hermite_and_alignment.html").read_text()
    assert "cell_output" in nb and "<img" in nb
    results = (built_site / "results.html").read_text()
    assert "Made by" in results and "claims verified" in results
    theory = (built_site / "theory.html").read_text()
    assert 'id="claim-lemma-mehler"' in theory  # the claims tables were read from the registry


@pytest.mark.docs
@pytest.mark.parametrize("page,expect_math", [
    ("theory.html", True), ("results.html", False), ("findings.html", True),
    ("_generated/notebooks/01_hermite_and_alignment.html", False),
])
def test_a_browser_shows_the_math_rendered_and_the_figures_loaded(built_site, tmp_path, chromium, page, expect_math):
    report = inspect_page(built_site, page, tmp_path, chromium)
    assert rendering_problems(report, expect_math=expect_math) == []
    if page == "theory.html":
        assert report["katex"] > 50
    if page == "results.html":
        assert len(report["images"]) >= 5  # the report's figures
    if "notebooks" in page:
        assert len(report["images"]) >= 1  # the executed notebook's figures


# ------------------------------------------------------------------ the build's own helpers (fast)


def _ext():
    try:
        import sphinx  # noqa: F401
    except ImportError:
        missing("the docs extension needs the docs extra: pip install -e '.[docs]'")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import lejepa_docs
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return lejepa_docs


def test_report_links_to_its_own_files_become_downloads_and_others_stay(tmp_path):
    ext = _ext()
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.pdf").write_bytes(b"%PDF")
    md = ("![fig](figures/a.png) ([PDF](figures/a.pdf)) [gone](figures/b.pdf) "
          "[web](https://example.org/x.pdf) [here](#claims)")
    out = ext._local_links_to_downloads(md, tmp_path)
    assert "{download}`PDF <_generated/results/figures/a.pdf>`" in out
    assert "![fig](figures/a.png)" in out  # images are the include's business
    # a link to a file the report does not have is left for Sphinx to report, not hidden
    assert "[gone](figures/b.pdf)" in out
    assert "[web](https://example.org/x.pdf)" in out and "[here](#claims)" in out


def test_claim_anchors_are_html_ids_and_distinct_for_distinct_ids():
    ext = _ext()
    assert ext.claim_anchor("thm-A/loss-bound") == "claim-thm-a-loss-bound"
    assert ext.claim_anchor("prop-4.3/gap") == "claim-prop-4-3-gap"
    from lejepa_verify.validation.claimrun import load_claims

    ids = [c.id for c in load_claims()]
    anchors = {ext.claim_anchor(i) for i in ids}
    assert len(anchors) == len(ids), "two claims would share one anchor on the Theory page"


def test_the_missing_docstring_check_flags_exactly_the_undocumented(monkeypatch):
    ext = _ext()
    flagged = []
    monkeypatch.setattr(ext.logger, "warning", lambda msg, name, what, **kw: flagged.append(name))

    def documented():
        """Has one."""

    def bare():
        pass

    for f in (documented, bare):
        f.__module__ = "lejepa_verify.fake"
    ext.warn_missing_docstring(None, "function", "lejepa_verify.fake.documented", documented, {}, [])
    ext.warn_missing_docstring(None, "function", "lejepa_verify.fake.bare", bare, {}, [])
    # an override of a documented hook of our own base class inherits its docstring ...
    from lejepa_verify.numerics.latents.uniform import Uniform

    assert "support" in Uniform.__dict__ and Uniform.__dict__["support"].__doc__ is None
    name = "lejepa_verify.numerics.latents.uniform.Uniform.support"
    ext.warn_missing_docstring(None, "method", name, Uniform.__dict__["support"], {}, [])
    # ... but torch's generic Module.forward text does not document an override of ours
    from lejepa_verify.validation.observations.spiral import Spiral

    monkeypatch.setattr(Spiral.forward, "__doc__", None)
    name = "lejepa_verify.validation.observations.spiral.Spiral.forward"
    ext.warn_missing_docstring(None, "method", name, Spiral.forward, {}, [])
    assert flagged == ["lejepa_verify.fake.bare", name]


# ------------------------------------------------------------------ references to files


GONE = ("THEORY.md", "CONVENTIONS.md")  # notes of the project's makers, never shipped with it


def references_to_missing_files(paths) -> list[str]:
    """``file:line`` of each mention of a file that is not in the project, or of a docs page that does not exist."""
    found = []
    for path in paths:
        try:
            text = Path(path).read_text()
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue
        for i, line in enumerate(text.splitlines(), 1):
            if any(g in line for g in GONE):
                found.append(f"{path}:{i}")
            for page in re.findall(r"docs/([a-z_]+)\.md", line):
                if not (DOCS / f"{page}.md").exists():
                    found.append(f"{path}:{i} (docs/{page}.md)")
    return found


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / p for p in out.split() if not p.startswith("tests/test_docs.py")]


def test_no_file_refers_to_a_file_that_is_not_in_the_project():
    assert references_to_missing_files(_tracked_files()) == []


def test_the_reference_scan_finds_a_planted_reference(tmp_path):
    bad = tmp_path / "mod.py"
    bad.write_text('"""See THEORY.md §2."""\n# docs/theory.md §2 exists, docs/nowhere.md does not\n')
    assert references_to_missing_files([bad]) == [f"{bad}:1", f"{bad}:2 (docs/nowhere.md)"]


# ------------------------------------------------------------------ the README's test command is CI's


def test_ci_runs_exactly_the_readmes_test_command_with_the_docs_in_it():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```bash\n(python3 -m venv [^\n]*pytest[^\n]*)\n```", readme)
    assert len(commands) == 1, commands
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == commands[0]
    # the docs tests are in it: their extra is installed and their marker is not deselected
    assert "docs" in re.search(r"-e '\.\[([^\]]*)\]'", commands[0]).group(1).split(",")
    import tomllib

    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "docs" not in addopts
    assert "chromium" in "\n".join(ci)
