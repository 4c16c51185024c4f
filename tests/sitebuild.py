"""Build copies of the project in temporary folders, the way a reader's checkout or Read the Docs would.

The extension writes generated pages into ``<srcdir>/book``, so a book made from
other seeds or another ``conf/`` must never be built in the real ``docs/``:
these helpers copy ``docs/`` (without generated pages or builds), ``conf/`` and
``seeds/`` into a temporary project and run ``python -m sphinx`` on it in a
child process, exactly as ``make html`` and Read the Docs do. They also hold
the few HTML readers the end-to-end tests share: the essay text of a page, the
chain of "next" links, the pages of a build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parents[1]
STRICT = ("-W", "--keep-going", "-n")
# A fixed moment for reproducible builds (https://reproducible-builds.org/specs/source-date-epoch/).
SOURCE_DATE_EPOCH = "1700000000"

__all__ = [
    "EXTERNAL",
    "LINKS",
    "ROOT",
    "SOURCE_DATE_EPOCH",
    "STRICT",
    "BuildResult",
    "broken_links",
    "build_html",
    "build_pdf",
    "build_project",
    "copy_project",
    "essay_paragraphs",
    "heading_text",
    "html_pages",
    "next_chain",
    "norm",
    "pdf_outline",
    "soup",
    "sphinx",
]


@dataclass
class BuildResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    outdir: Path

    @property
    def problems(self) -> list[str]:
        """Every warning or error line Sphinx printed (it prints them on stderr)."""
        return [line for line in self.stderr.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|[Ee]rror", line)]

    def check(self) -> Path:
        """The output folder, after asserting the build succeeded without a single warning."""
        assert self.returncode == 0, f"sphinx {' '.join(self.args)} failed ({self.returncode}):\n{self.stderr[-6000:]}"
        assert not self.problems, "the build printed warnings:\n" + "\n".join(self.problems[:50])
        assert self.stderr.strip() == "", f"unexpected output on stderr:\n{self.stderr[-6000:]}"
        return self.outdir


def _ignore_generated(folder: str, names: list[str]) -> set[str]:
    # Generated pages and earlier builds are outputs, not sources: a fresh clone has neither.
    if Path(folder).resolve() == (ROOT / "docs").resolve():
        return {n for n in names if n in {"book", "_build"}}
    return {n for n in names if n in {"__pycache__", ".DS_Store"}}


def copy_project(dest: Path, *, seeds: Path | Iterable[Path] | None = None, conf: Path | None = None) -> Path:
    """Copy ``docs/``, ``conf/`` and ``seeds/`` into ``dest``.

    ``seeds`` may be a folder or a list of files to use instead of the real
    seeds, ``conf`` a folder to use instead of the real ``conf/``. The package
    itself is imported from the checkout (it is installed in editable mode).
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=_ignore_generated)
    shutil.copytree(conf or ROOT / "conf", dest / "conf")
    if seeds is None or isinstance(seeds, Path):
        shutil.copytree(seeds or ROOT / "seeds", dest / "seeds")
    else:
        (dest / "seeds").mkdir()
        for file in seeds:
            shutil.copy2(file, dest / "seeds" / file.name)
    return dest


def sphinx(args: list[str], *, cwd: Path, env: Mapping[str, str] | None = None, outdir: Path) -> BuildResult:
    """Run ``python -m sphinx ARGS`` in ``cwd`` with this interpreter."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("READTHEDOCS", "SPHINX"))}
    environ.update(env or {})
    # The timeout only stops a hung build; it measures nothing. The largest book the tests
    # build (1,000 essays) takes some 4 minutes on 2 idle cores and over 15 on a loaded machine.
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=2400
    )
    return BuildResult(args, proc.returncode, proc.stdout, proc.stderr, outdir)


def build_html(
    project: Path,
    outdir: Path | None = None,
    *,
    doctrees: Path | None = None,
    builder: str = "html",
    extra: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> BuildResult:
    """Build a copied project as ``make html`` does (``-W --keep-going -n``), not asserting anything."""
    outdir = outdir or project / "_build" / builder
    doctrees = doctrees or project / "_build" / "doctrees"
    args = [*STRICT, "-b", builder, "-d", str(doctrees), *extra, str(project / "docs"), str(outdir)]
    return sphinx(args, cwd=project, env=env, outdir=outdir)


def build_pdf(project: Path, name: str = "latex", env: Mapping[str, str] | None = None) -> Path:
    """Build a copied project's PDF as ``make pdf`` does (LaTeX without a warning, then its Makefile); the PDF."""
    out = build_html(
        project, project / "_build" / name, doctrees=project / "_build" / f"doctrees-{name}", builder="latex", env=env
    ).check()
    for tool in ("latexmk", "lualatex", "xindy", "pdftotext"):
        assert shutil.which(tool), f"{tool} is missing: install the packages .ci/system-packages lists"
    proc = subprocess.run(
        ["make", "-C", str(out), "LATEXMKOPTS=-halt-on-error -interaction=nonstopmode"],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    books = list(out.glob("*.pdf"))
    assert len(books) == 1, f"expected one PDF, found {books}"
    # Every link of the PDF leads somewhere: LaTeX reports one whose target is missing only in its log.
    log = books[0].with_suffix(".log").read_text("utf-8", "replace")
    dead = re.findall(r"Hyper reference `([^']*)'", log.replace("\n", ""))
    assert not dead and "There were undefined references" not in log, f"links with no target: {sorted(set(dead))}"
    return books[0]


def pdf_outline(pdf: Path) -> list[tuple[int, str, int]]:
    """The PDF's outline (its bookmarks) in order: (depth from 0, title, page index from 0), read by pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    entries: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


def build_project(seeds_dir: Path, conf_dir: Path, tmp: Path) -> Path:
    """Build a book of ``seeds_dir`` and ``conf_dir`` in ``tmp``; the HTML folder, warnings failing."""
    project = copy_project(tmp, seeds=seeds_dir, conf=conf_dir)
    return build_html(project).check()


# --- reading the HTML -----------------------------------------------------------

# HTML collapses only ASCII whitespace; a no-break space or a line separator is
# text, so it must survive normalisation (str.split() would drop it).
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def norm(text: str) -> str:
    """Text as a browser shows it: runs of ASCII whitespace as one space, none at the ends."""
    return _HTML_SPACE.sub(" ", text).strip(" ")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def essay_paragraphs(page: BeautifulSoup) -> list[str]:
    """The seed text of a page: each ``.essay-text`` paragraph, without note markers.

    On web pages the notes follow their paragraph inside the same box; they are the editors', not seed text.
    """
    texts = []
    for box in page.select(".essay-text"):
        for p in box.find_all("p", recursive=False):
            p = _copy(p)
            for marker in p.select("a.footnote-reference"):
                marker.decompose()
            texts.append(norm(p.get_text()))
    return texts


def _copy(tag: Tag) -> Tag:
    return BeautifulSoup(str(tag), "html.parser").find(tag.name)


def heading_text(tag: Tag) -> str:
    """A heading's text without Sphinx's permalink pilcrow."""
    tag = _copy(tag)
    for link in tag.select("a.headerlink"):
        link.decompose()
    return norm(tag.get_text())


def next_chain(outdir: Path, start: str = "index.html") -> list[Path]:
    """Every page reached from ``start`` by following ``<link rel="next">``, in order."""
    pages = [outdir / start]
    seen = {pages[0].resolve()}
    while True:
        link = soup(pages[-1]).find("link", rel="next")
        if link is None:
            return pages
        target = (pages[-1].parent / link["href"].split("#")[0]).resolve()
        assert target.is_file(), f"{pages[-1]}: next link {link['href']} leads nowhere"
        assert target not in seen, f"{pages[-1]}: next link {link['href']} loops back"
        seen.add(target)
        pages.append(target)


def html_pages(outdir: Path) -> list[Path]:
    return sorted(outdir.rglob("*.html"))


# --- links ----------------------------------------------------------------------

# Elements and attributes that point at another file or a place in a page.
LINKS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("use", "href"), ("use", "xlink:href"))
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


def broken_links(outdir: Path) -> tuple[list[str], int]:
    """Every internal link of the site that leads nowhere, and how many links were followed."""
    outdir = outdir.resolve()
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str, str, str]] = []
    for page in html_pages(outdir):
        html = soup(page)
        ids[page] = {t["id"] for t in html.find_all(id=True)} | {
            t["name"] for t in html.find_all("a", attrs={"name": True})
        }
        for tag, attr in LINKS:
            links += [(page, tag, attr, e[attr].strip()) for e in html.find_all(tag, attrs={attr: True})]
    broken: list[str] = []
    followed = 0
    for page, tag, attr, href in links:
        if EXTERNAL.match(href):
            continue
        where = f"{page.relative_to(outdir)}: <{tag} {attr}={href!r}>"
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            broken.append(f"{where}: an unexpected scheme")
            continue
        followed += 1
        # search.html?q=… and genindex.html are files like any other; the query is the page's business.
        path = unquote(parts.path)
        if not path:
            target = page
        elif path.startswith("/"):
            # Absolute paths (the 404 page's) are served from the site's root.
            target = outdir / path.lstrip("/")
        else:
            target = page.parent / path
        if target.is_dir():
            target = target / "index.html"
        target = target.resolve()
        if outdir not in target.parents or not target.is_file():
            broken.append(f"{where}: no such file")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in ids.get(target, set()):
            broken.append(f"{where}: no id {fragment!r} in {target.relative_to(outdir)}")
    return broken, followed


def build_in_process(dest: Path, **overrides: object) -> Path:
    """The real book built into ``dest`` by Sphinx in this process (a copy made first); its HTML folder.

    For tests of a configuration value: ``overrides`` are conf.py values. Warnings fail the build.
    """
    from sphinx.testing.util import SphinxTestApp

    if not (dest / "docs").exists():
        copy_project(dest)
    app = SphinxTestApp("html", srcdir=dest / "docs", confoverrides=overrides or None)
    try:
        app.build()
    finally:
        app.cleanup()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    return Path(app.outdir)
