"""The press: ``extensions = ["essaybook"]`` alone brings everything, and a book's conf.py still changes it.

Each test builds (or only configures) a copy of the tiny ``test-book`` root
with a conf.py of its own, in this process, and asserts on the configuration
Sphinx ends up with and on the files the build writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from essaybook.sphinx_ext.margins import STATIC as WEB_STATIC
from essaybook.sphinx_ext.press import STATIC, TEMPLATES, site_address

ROOT = Path(__file__).resolve().parents[1]
BOOK_ROOT = ROOT / "tests" / "roots" / "test-book"
# A book beside its seeds and conf/, as the test roots keep them (inside the source folder).
MINIMAL = 'extensions = ["essaybook"]\nessaybook_seeds_dir = "seeds"\nessaybook_conf_dir = "conf"\n'
SITE = "https://essays.example.org/en/latest/"


def _project(tmp_path: Path, conf: str = MINIMAL) -> Path:
    src = tmp_path / "docs"
    shutil.copytree(BOOK_ROOT, src, ignore=shutil.ignore_patterns("conf.py"))
    (src / "conf.py").write_text(conf, "utf-8")
    return src


def _app(src: Path, builder: str = "html", **overrides: object) -> SphinxTestApp:
    return SphinxTestApp(builder, srcdir=src, confoverrides=overrides or None)


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("READTHEDOCS", "READTHEDOCS_CANONICAL_URL", "READTHEDOCS_LANGUAGE", "READTHEDOCS_VERSION"):
        monkeypatch.delenv(name, raising=False)


def test_one_line_conf_brings_the_press(tmp_path: Path) -> None:
    app = _app(_project(tmp_path))
    try:
        config = app.config
        assert {"myst_parser", "sphinxext.opengraph", "notfound.extension"} <= set(app.extensions)
        assert "sphinx_sitemap" not in app.extensions, "a local build has no address, so no sitemap"
        assert config.html_theme == "furo"
        assert config.smartquotes is False
        assert {"colon_fence", "attrs_block"} <= set(config.myst_enable_extensions)
        assert config.myst_footnote_transition is False
        assert (config.html_copy_source, config.html_show_sourcelink) == (False, False)
        assert config.templates_path == [str(TEMPLATES)]
        # The margins' stylesheet, for web pages only, joins when the HTML builder starts.
        assert config.html_static_path == [str(STATIC), str(WEB_STATIC)]
        assert config.html_favicon == str(STATIC / "essaybook-favicon.svg")
        assert (config.epub_uid, config.epub_scheme, config.epub_show_urls) == ("bookid", "URN", "no")
        assert config.latex_engine == "lualatex"
        assert config.latex_elements["papersize"] == "a4paper"
        assert (config.html_baseurl, config.notfound_urls_prefix, config.essaybook_pdf_url) == ("", "/", "")
        app.build()
        assert app.warning.getvalue() == ""
    finally:
        app.cleanup()
    out = Path(app.outdir)
    for name in (
        "essaybook.css",
        "essaybook-readthedocs.js",
        "essaybook-previews.js",
        "essaybook-search.js",
        "essaybook-favicon.svg",
    ):
        assert (out / "_static" / name).read_bytes() == (STATIC / name).read_bytes(), name
    index = (out / "index.html").read_text("utf-8")
    assert '<link rel="stylesheet" type="text/css" href="_static/essaybook.css' in index
    assert '<script defer="defer" src="_static/essaybook-search.js' in index
    assert 'href="_static/essaybook-favicon.svg"' in index
    # The press's search template, on furo's: a search field in the page.
    assert 'class="essaybook-search-form"' in (out / "search.html").read_text("utf-8")


BOOK_CHANGES = MINIMAL + (
    'html_theme = "basic"\n'
    'epub_show_urls = "footnote"\n'
    "linkcheck_timeout = 5\n"
    'myst_enable_extensions = ["deflist"]\n'
    'latex_elements = {"pointsize": "12pt"}\n'
    'exclude_patterns = ["drafts"]\n'
    'html_css_files = ["book.css"]\n'
)


def test_what_a_book_sets_in_conf_py_wins(tmp_path: Path) -> None:
    src = _project(tmp_path, BOOK_CHANGES)
    (src / "_static").mkdir()
    (src / "_static" / "book.css").write_text("body { color: black; }\n", "utf-8")
    # A file of the press's name in the book's own _static/ replaces the press's.
    (src / "_static" / "essaybook-search.js").write_text("/* the book's own */\n", "utf-8")
    app = _app(src)
    try:
        config = app.config
        assert config.html_theme == "basic"
        assert config.epub_show_urls == "footnote"
        assert config.linkcheck_timeout == 5
        assert config.exclude_patterns == ["drafts"]
        assert config.myst_enable_extensions == ["deflist", "colon_fence", "attrs_block"]
        assert config.latex_elements["pointsize"] == "12pt" and config.latex_elements["papersize"] == "a4paper"
        assert config.html_static_path == [str(STATIC), "_static", str(WEB_STATIC)]
        app.build()
        assert app.warning.getvalue() == ""
    finally:
        app.cleanup()
    out = Path(app.outdir)
    assert (out / "_static" / "essaybook-search.js").read_text("utf-8") == "/* the book's own */\n"
    index = (out / "index.html").read_text("utf-8")
    # The book's stylesheet follows the press's, so its rules win.
    assert index.index("_static/essaybook.css") < index.index("_static/book.css")


def test_command_line_overrides_win(tmp_path: Path) -> None:
    app = _app(_project(tmp_path), html_theme="basic", linkcheck_retries="5")
    try:
        assert (app.config.html_theme, app.config.linkcheck_retries) == ("basic", 5)
    finally:
        app.cleanup()


def test_a_books_own_templates_and_static_folders_are_found(tmp_path: Path) -> None:
    src = _project(tmp_path)
    (src / "_templates").mkdir()
    (src / "_static").mkdir()
    app = _app(src)
    try:
        # The book's templates first (they replace the press's), its static files last (the same).
        assert app.config.templates_path == ["_templates", str(TEMPLATES)]
        assert app.config.html_static_path[:2] == [str(STATIC), "_static"]
    finally:
        app.cleanup()


def test_read_the_docs_gives_the_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READTHEDOCS", "True")
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", SITE.rstrip("/"))
    monkeypatch.setenv("READTHEDOCS_LANGUAGE", "en")
    monkeypatch.setenv("READTHEDOCS_VERSION", "latest")
    app = _app(_project(tmp_path))
    try:
        config = app.config
        assert "sphinx_sitemap" in app.extensions
        assert config.html_baseurl == config.ogp_site_url == SITE
        assert config.notfound_urls_prefix == "/en/latest/"
        assert 'href="/en/latest/index.html"' in config.notfound_context["body"]
        assert config.sitemap_url_scheme == "{link}"
        assert config.essaybook_pdf_url == "https://essays.example.org/_/downloads/en/latest/pdf/"
    finally:
        app.cleanup()


@pytest.mark.parametrize(
    ("environ", "address"),
    [({}, ""), ({"READTHEDOCS_CANONICAL_URL": SITE}, SITE), ({"READTHEDOCS_CANONICAL_URL": SITE[:-1]}, SITE)],
)
def test_site_address(environ: dict[str, str], address: str) -> None:
    assert site_address(environ) == address


def test_smartquotes_stay_off(tmp_path: Path) -> None:
    app = _app(_project(tmp_path, MINIMAL + "smartquotes = True\n"))
    try:
        assert app.config.smartquotes is False
    finally:
        app.cleanup()
    with pytest.raises(ConfigError, match="smartquotes must stay off"):
        _app(_project(tmp_path / "again"), smartquotes="1")
