"""Sphinx extension of the lejepa-verify documentation: what the pages generate at build time.

- ``{claims}`` directive: a table of registered claims (id, statement, source, the Lean declarations it names),
  read from the registry (``lejepa_verify.validation.claimrun.load_claims``) when the page is
  built, so the Theory page lists whatever claims exist then. ``:rest:`` lists the claims no
  other ``{claims}`` table of the same page has shown, so a new claim is never left out.
- The Results page body: copied from a report directory (``lejepa-verify report --out DIR``),
  given by ``LEJEPA_DOCS_REPORT`` or the config value ``lejepa_report_dir``; by default the
  build makes a small report itself at a fast setting and says which command made it.
- The notebooks: copied from ``notebooks/`` into the source tree, executed by myst-nb.
- KaTeX's stylesheet and fonts for the server-side rendered math: taken from the npm package
  of the same version as the KaTeX that sphinxcontrib-katex renders with, so pages need no
  network to show their math.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"
VENDOR = DOCS / "_vendor"

# The fast setting the docs build makes its own report at: tiny training runs (they do not
# recover the latent; the page says so), a small evaluation set and few bootstrap draws.
FAST_REPORT_SETTINGS = ("steps=20", "eval_size=512", "n_bootstrap=10")


# --------------------------------------------------------------------------- claims table


def _all_claims():
    from lejepa_verify.validation.claimrun import load_claims

    return load_claims()


def claim_anchor(claim_id: str) -> str:
    """The HTML id of a claim's row: ``thm-A/loss-bound`` -> ``claim-thm-a-loss-bound``."""
    return "claim-" + re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


def _para(text: str, literal: bool = False) -> nodes.paragraph:
    p = nodes.paragraph()
    p += nodes.literal(text=text) if literal else nodes.Text(text)
    return p


class ClaimsDirective(SphinxDirective):
    """``{claims} PATTERN ...``: the claims whose id matches a pattern (fnmatch, e.g. ``lemma/*``).

    A pattern that matches no claim is a warning (an error under ``-W``): a renamed or removed
    claim must not leave a Theory section silently pointing at nothing.
    """

    optional_arguments = 50
    has_content = False
    option_spec = {"rest": directives.flag}

    def run(self):
        claims = _all_claims()
        shown = self.env.temp_data.setdefault("lejepa_claims_shown", set())
        if "rest" in self.options:
            chosen = [c for c in claims if c.id not in shown]
        else:
            chosen = []
            for pattern in self.arguments:
                hits = [c for c in claims if fnmatch.fnmatchcase(c.id, pattern)]
                if not hits:
                    logger.warning("claims: no registered claim matches %r", pattern,
                                   location=self.get_location())
                chosen += [c for c in hits if c not in chosen]
        shown.update(c.id for c in chosen)
        # every row is a label, so other pages can link a claim: {ref}`id <claim-...>`
        std = self.env.domains.standard_domain
        for c in chosen:
            std.note_hyperlink_target(claim_anchor(c.id), self.env.docname, claim_anchor(c.id), c.id)
        if not chosen:
            return [_para("No claim registered here yet.")] if "rest" not in self.options else []
        return [self._table(chosen)]

    def _table(self, chosen) -> nodes.table:
        headers = ("claim", "statement", "source", "Lean declarations")
        table = nodes.table(classes=["lejepa-claims"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (18, 50, 20, 12):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for h in headers:
            row += nodes.entry("", _para(h))
        head += row
        group += head
        body = nodes.tbody()
        for c in chosen:
            row = nodes.row(ids=[claim_anchor(c.id)])
            row += nodes.entry("", _para(c.id, literal=True))
            statement = c.statement
            scope = getattr(c, "scope", None)
            entry = nodes.entry("", _para(statement))
            if scope:
                entry += _para(f"scope, {scope}")
            entry += _para(f"negative control: {c.control_statement}")
            row += entry
            row += nodes.entry("", _para(f"{c.source} ({c.layer})"))
            axioms = set(c.axioms)
            names = [f"{n} (axiom)" if n in axioms else n for n in c.lean]
            row += nodes.entry("", _para(", ".join(names) or "—"))
            body += row
        group += body
        return table


# --------------------------------------------------------------------------- KaTeX assets


def _katex_version() -> str:
    from sphinxcontrib import katex

    return katex.katex_version


def ensure_katex_assets(app, config) -> None:
    """Put KaTeX's CSS, fonts and license under ``docs/_vendor/katex`` (an ignored folder).

    The math itself is rendered to HTML at build time by sphinxcontrib-katex (``node`` runs its
    bundled ``katex.min.js``); the browser needs only this stylesheet and its fonts. They come
    from the npm package of exactly that KaTeX version (``npm pack`` checks the tarball against
    the registry's integrity hash), or from a tarball named by ``LEJEPA_DOCS_KATEX_TGZ`` for a
    build without a registry.
    """
    version = _katex_version()
    target = VENDOR / "katex"
    stamp = target / "VERSION"
    if stamp.exists() and stamp.read_text().strip() == version and (target / "katex.min.css").exists():
        return
    if shutil.which("node") is None:
        raise ExtensionError("the docs render their math with node (KaTeX); install Node.js")
    with tempfile.TemporaryDirectory() as tmp:
        tgz = os.environ.get("LEJEPA_DOCS_KATEX_TGZ")
        if not tgz:
            if shutil.which("npm") is None:
                raise ExtensionError("npm is needed once to fetch KaTeX's stylesheet and fonts "
                                     "(or set LEJEPA_DOCS_KATEX_TGZ to a katex-<version>.tgz)")
            done = subprocess.run(["npm", "pack", f"katex@{version}", "--pack-destination", tmp, "--json"],
                                  capture_output=True, text=True, cwd=tmp)
            if done.returncode != 0:
                raise ExtensionError(f"npm pack katex@{version} failed: {done.stderr.strip()[-500:]}")
            tgz = str(Path(tmp) / json.loads(done.stdout)[0]["filename"])
        with tarfile.open(tgz) as tar:
            meta = json.load(tar.extractfile("package/package.json"))
            if meta.get("version") != version:
                raise ExtensionError(f"KaTeX tarball has version {meta.get('version')}, "
                                     f"sphinxcontrib-katex renders with {version}")
            staging = Path(tmp) / "katex"
            (staging / "fonts").mkdir(parents=True)
            for member in tar.getmembers():
                name = member.name
                if name in ("package/dist/katex.min.css", "package/LICENSE"):
                    dest = staging / Path(name).name
                elif name.startswith("package/dist/fonts/") and member.isfile():
                    dest = staging / "fonts" / Path(name).name
                else:
                    continue
                dest.write_bytes(tar.extractfile(member).read())
        (staging / "VERSION").write_text(version + "\n")
        if target.exists():
            shutil.rmtree(target)
        VENDOR.mkdir(exist_ok=True)
        shutil.copytree(staging, target)
    logger.info("KaTeX %s stylesheet and fonts in %s", version, target)


def _patient_katex_server() -> None:
    """Make sphinxcontrib-katex's render server start reliably on a loaded machine.

    Its start-up connects as soon as the socket file exists, which can be before node listens
    on it (``ConnectionRefusedError``, seen with the load at 8 on 2 cores), and it gives node
    5 s. Here the connection is retried until a 60 s limit instead.
    """
    import socket
    import time
    from subprocess import PIPE, Popen

    from sphinxcontrib import katex

    katex.STARTUP_TIMEOUT = max(getattr(katex, "STARTUP_TIMEOUT", 5.0), 60.0)
    server = katex.KaTeXServer

    def start_server_process(cls, rundir, timeout):
        socket_path = rundir / "katex.sock"
        process = Popen(cls.build_command(socket=socket_path), stdin=PIPE, stdout=PIPE, cwd=rundir)
        deadline = time.monotonic() + timeout
        while True:
            if socket_path.is_socket():
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(max(deadline - time.monotonic(), 0.1))
                    sock.connect(str(socket_path))
                    sock.settimeout(None)
                    return process, sock
                except (ConnectionRefusedError, socket.timeout):
                    sock.close()
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise cls.timeout_error(timeout)
            time.sleep(0.01)

    server.start_server_process = classmethod(start_server_process)


# --------------------------------------------------------------------------- notebooks


def copy_notebooks(app, config) -> None:
    """Copy ``notebooks/*.ipynb`` into the source tree; myst-nb executes them (LEJEPA_FAST=1)."""
    dest = GENERATED / "notebooks"
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "notebooks").glob("*.ipynb"))
    names = {p.name for p in sources}
    for old in dest.glob("*.ipynb"):
        if old.name not in names:
            old.unlink()
    for src in sources:
        target = dest / src.name
        # rewrite only what changed, so Sphinx re-reads (and re-executes) only those
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copyfile(src, target)
    lines = ["```{toctree}", ":maxdepth: 1", ""] + [f"_generated/notebooks/{p.stem}" for p in sources] + ["```", ""]
    _write_if_changed(GENERATED / "notebooks_toc.md", "\n".join(lines))


# --------------------------------------------------------------------------- results page


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def make_fast_report(out: Path) -> dict:
    """Run ``lejepa-verify report`` at the fast setting into ``out``; return its provenance."""
    cmd = [sys.executable, "-m", "lejepa_verify.validation.cli", "report", "--out", str(out),
           "--jobs", "2", "--no-progress"]
    for item in FAST_REPORT_SETTINGS:
        cmd += ["--set", item]
    env = dict(os.environ, MPLBACKEND="Agg")
    logger.info("building the fast report for the Results page: %s", " ".join(cmd))
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if not (out / "report.md").exists():
        raise ExtensionError(f"lejepa-verify report wrote no report.md (exit {done.returncode}):\n"
                             f"{done.stderr[-2000:]}")
    shown = ["lejepa-verify", "report", "--out", str(out.relative_to(ROOT)) if out.is_relative_to(ROOT) else str(out),
             "--jobs", "2"] + [f"--set {s}" for s in FAST_REPORT_SETTINGS]
    info = {"command": " ".join(shown), "exit_status": done.returncode, "made_by_docs_build": True,
            "lejepa_verify": _package_version(), "commit": _git_commit(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    (out / "docs_provenance.json").write_text(json.dumps(info, indent=2))
    return info


def _package_version() -> str:
    import lejepa_verify

    return lejepa_verify.__version__


# where the Results page's copied files live, relative to docs/ (the page that includes them)
REL = "_generated/results"
# the report's data files the page offers for download (the scorecard: validation.paper.scorecard)
DATA_FILES = ("claims.json", "results.csv", "paper_scorecard.json")


def _local_links_to_downloads(markdown: str, folder: Path) -> str:
    """Turn the report's links to its own files (``[PDF](figures/x.pdf)``) into download links.

    Images stay as they are (the include rewrites their paths); a link to a file that is not in
    ``folder`` is left alone, so Sphinx reports it instead of the page silently losing it.
    """

    def swap(m: re.Match) -> str:
        text, target = m.group(1), m.group(2)
        if re.match(r"[a-z]+:", target) or target.startswith("#") or not (folder / target).is_file():
            return m.group(0)
        return f"{{download}}`{text} <{REL}/{target}>`"

    return re.sub(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)", swap, markdown)


def prepare_results(app, config) -> None:
    """Write ``_generated/results/body.md`` (and its figures) from a report directory."""
    given = os.environ.get("LEJEPA_DOCS_REPORT") or config.lejepa_report_dir
    if given:
        report = Path(given).expanduser().resolve()
        if not (report / "report.md").exists():
            raise ConfigError(f"LEJEPA_DOCS_REPORT / lejepa_report_dir must name a folder written by "
                                 f"`lejepa-verify report --out DIR`, got {given!r} (no report.md there)")
        prov_file = report / "docs_provenance.json"
        info = json.loads(prov_file.read_text()) if prov_file.exists() else {
            "command": f"lejepa-verify report --out {given} (given to the docs build; its exact options are "
                       "in the report's own header below)",
            "made_by_docs_build": False, "lejepa_verify": "see the report header", "commit": "unknown",
            "date": "see the report header"}
    else:
        report = DOCS / "_build" / "report-fast"
        prov_file = report / "docs_provenance.json"
        if (report / "report.md").exists() and prov_file.exists() and not os.environ.get("LEJEPA_DOCS_REFRESH"):
            info = json.loads(prov_file.read_text())
        else:
            info = make_fast_report(report)

    dest = GENERATED / "results"
    figs = dest / "figures"
    if figs.exists():
        shutil.rmtree(figs)
    figs.mkdir(parents=True)
    for fig in sorted(p for p in (report / "figures").glob("*") if p.suffix in (".png", ".pdf", ".svg")):
        shutil.copyfile(fig, figs / fig.name)
    for name in DATA_FILES:
        if (report / name).exists():
            shutil.copyfile(report / name, dest / name)
        elif (dest / name).exists():
            (dest / name).unlink()

    fast = info.get("made_by_docs_build")
    lines = [
        "```{admonition} Where these numbers come from",
        ":class: note",
        "",
        f"Made by `{info['command']}`"
        + (f" (exit status {info['exit_status']})" if "exit_status" in info else "") + ",",
        f"lejepa-verify {info['lejepa_verify']}, commit `{info['commit']}`, {info['date']}.",
    ]
    if fast:
        lines += [
            "",
            "This is the docs build's own **fast** report: every claim is checked in full, but each "
            "training run is cut to a few steps, so the trained encoders do not recover the latent and "
            "the sweep figures show the machinery, not the paper's results. For those, build with "
            "`LEJEPA_DOCS_REPORT=DIR` pointing at a report of the quick or paper profile.",
        ]
    downloads = [f"{{download}}`{n} <{REL}/{n}>`" for n in DATA_FILES if (dest / n).exists()]
    if downloads:
        lines += ["", "Data: " + ", ".join(downloads) + "."]
    if (dest / "paper_scorecard.json").exists():
        from lejepa_verify.validation.paper.scorecard import provenance, read_scorecard

        card = read_scorecard(dest / "paper_scorecard.json")
        lines += ["", provenance(card, version=_package_version())]
    lines += ["```", ""]
    # the report's sections (##) nest under the page's title; its own title would repeat it
    body = re.sub(r"\A# lejepa-verify report\n", "", (report / "report.md").read_text())
    body = _local_links_to_downloads(body, dest)
    _write_if_changed(dest / "body.md", "\n".join(lines) + "\n" + body)


# --------------------------------------------------------------------------- missing docstrings


def _own_doc(obj) -> str | None:
    """``obj``'s own docstring, or None (a dataclass's generated ``Name(field, ...)`` counts as none)."""
    target = obj.fget if isinstance(obj, property) else getattr(obj, "__func__", obj)
    doc = target.__dict__.get("__doc__") if isinstance(target, type) else getattr(target, "__doc__", None)
    if isinstance(target, type) and doc and doc.startswith(f"{target.__name__}("):
        return None
    return doc if doc and doc.strip() else None


def _inherited_doc_is_ours(name: str) -> bool:
    """Whether a method without its own docstring overrides a documented hook of our own base class."""
    import importlib

    modname, _, rest = name.rpartition(".")
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:-1]:
                owner = getattr(owner, attr)
        except AttributeError:
            return False
        break
    else:
        return False
    if not isinstance(owner, type):
        return False
    for base in owner.__mro__[1:]:
        if rest in base.__dict__:
            doc = _own_doc(base.__dict__[rest])
            if doc:
                return base.__module__.startswith("lejepa_verify")
    return False


def warn_missing_docstring(app, what, name, obj, options, lines) -> None:
    """A public module, class, function, method or property of ours without a docstring is a warning.

    Under ``-W`` the build fails on it. A method that overrides a documented hook of one of our
    own base classes inherits that docstring (autodoc shows it), so it counts as documented; a
    docstring inherited from a third-party base (torch's ``Module.forward``) does not.
    """
    if what not in ("module", "class", "exception", "function", "method", "property"):
        return
    if not name.startswith("lejepa_verify") or any(p.startswith("_") for p in name.split(".")):
        return
    if what in ("class", "exception", "function") and not str(getattr(obj, "__module__", "")).startswith("lejepa_verify"):
        return  # an imported name (datetime, itertools.product) is documented where it is defined
    if _own_doc(obj):
        return
    if what in ("method", "property") and _inherited_doc_is_ours(name):
        return
    logger.warning("public name without a docstring: %s (%s)", name, what, type="lejepa", subtype="docstring")


# --------------------------------------------------------------------------- setup


def setup(app):
    _patient_katex_server()
    app.add_config_value("lejepa_report_dir", "", "env")
    app.add_directive("claims", ClaimsDirective)
    app.connect("autodoc-process-docstring", warn_missing_docstring)
    app.connect("config-inited", ensure_katex_assets)
    app.connect("config-inited", copy_notebooks)
    app.connect("config-inited", prepare_results)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
