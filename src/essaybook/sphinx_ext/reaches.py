"""Every reach into another project's internals, in one place: what, why, its version bound, its shape check.

The extension uses public APIs (events, transforms, post-transforms,
translators, ``html-page-context``, the configuration's ``values`` and
``overrides``) wherever one exists. Where none does, it reaches into a name
another project keeps for itself, and that reach is listed here with:

* the version range ``pyproject.toml`` admits for that project (the pins in
  ``docs/requirements.txt`` sit inside it);
* a check that the thing reached into still has the shape the code relies on,
  run when the reach is used, which stops the build with an error naming the
  project, its version and what changed, instead of silently doing nothing;
* the upstream issue, where the reach exists because of a gap upstream.

``tests/test_reaches.py`` runs every check against the installed versions
and, for each, shows that a changed shape is caught. The README's
"Reaches into other projects" table is this list, for readers.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources

from sphinx.errors import ExtensionError

__all__ = ["REACHES", "Reach", "check", "problem"]


@dataclass(frozen=True)
class Reach:
    name: str
    distribution: str  # the PyPI project reached into
    bound: str  # the versions pyproject.toml admits
    used_by: str  # our module that reaches
    what: str  # what is relied on
    why: str  # why no public way does, and the upstream issue where there is one
    shape: Callable[[], str | None]  # what differs from what the code relies on, or None


def _source(obj: object) -> str:
    try:
        return inspect.getsource(obj)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


def _params(function: object) -> list[str]:
    try:
        return list(inspect.signature(function).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []


def _missing(text: str, needles: list[str], where: str) -> str | None:
    absent = [n for n in needles if n not in text]
    return f"{where} no longer has {', '.join(repr(n) for n in absent)}" if absent else None


def _furo_navigation() -> str | None:
    import furo

    if _params(getattr(furo, "get_navigation_tree", None)) != ["toctree_html"]:
        return "furo.get_navigation_tree(toctree_html) is gone or takes other arguments"
    compute = getattr(furo, "_compute_navigation_tree", None)
    return _missing(_source(compute), ["get_navigation_tree(toctree_html)"], "furo._compute_navigation_tree")


def _read(package: str, *path: str) -> str:
    """A file another project ships, as text ("" if it has none)."""
    try:
        return resources.files(package).joinpath(*path).read_text("utf-8")
    except (OSError, ModuleNotFoundError):
        return ""


def _furo_template(name: str) -> str:
    return _read("furo", "theme", "furo", name)


def _furo_landmarks() -> str | None:
    return _missing(
        _furo_template("page.html"),
        ['<aside class="sidebar-drawer">', '<aside class="toc-drawer{% if furo_hide_toc %} no-toc{% endif %}">'],
        "furo's page.html",
    )


def _furo_search_template() -> str | None:
    return _missing(
        _furo_template("search.html"),
        [
            '{% extends "page.html" %}',
            "{% block scripts -%}\n{{ super() }}\n<script src=\"{{ pathto('searchindex.js', 1) }}\">",
        ],
        "furo's search.html",
    )


def _furo_footer() -> str | None:
    return _missing(
        _furo_template("page.html"),
        ["{% block footer %}", "{%- if show_copyright %}", "{% endblock footer %}"],
        "furo's page.html",
    )


def _searchtools() -> str | None:
    text = _read("sphinx", "themes", "basic", "static", "searchtools.js")
    return _missing(
        text,
        [
            "_index: null,",
            "setIndex: (index) => {",
            "stopPulse: () =>",
            "_parseQuery: (query) => {",
            "_performSearch: (",
            "query: (query) => {",
            "Search._performSearch(\n      searchQuery,\n      searchTerms,\n      excludedTerms,\n"
            "      highlightTerms,\n      objectTerms,\n    );",
            "const [docName, title, anchor, descr, score, _filename, kind] = item;",
        ],
        "Sphinx's searchtools.js",
    )


def _search_indexer() -> str | None:
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.search import IndexBuilder

    if _params(StandaloneHTMLBuilder.load_indexer) != ["self", "docnames"]:
        return "StandaloneHTMLBuilder.load_indexer(self, docnames) takes other arguments"
    found = _missing(
        _source(StandaloneHTMLBuilder.load_indexer), ["self.indexer.load(", "self.indexer_format)"], "load_indexer"
    )
    if found:
        return found
    return _missing(
        _source(IndexBuilder),
        ["self._mapping", "self._title_mapping", "self._index_entries", "self._env_version", "def freeze(self)"],
        "sphinx.search.IndexBuilder",
    )


# Sphinx's EPUB 3 package template, as the one in templates/epub3 was made from (the same from 8.2 to 9.0).
_OPF_TEMPLATE = "1bc66feeff736c0491fe447f610a409703e4e9bced00b10372064d3ca4c42134"


def _epub_package_template() -> str | None:
    text = _read("sphinx", "templates", "epub3", "content.opf.jinja")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != _OPF_TEMPLATE:
        return "its package template (templates/epub3/content.opf.jinja) changed: bring ours up to date with it"
    from sphinx.builders import _epub_base

    return _missing(
        _source(_epub_base.EpubBuilder.build_content),
        ["self.refnodes", "self.template_dir", "content.opf"],
        "the EPUB builder's build_content",
    )


# Sphinx's EPUB 3 navigation template, as the one in templates/epub3 was made from.
_NAV_TEMPLATE = "de16ebbb2802c7785776600e34bd6c5103b92a82eadc4bd1944448ea90227757"


def _epub_navigation_and_pages() -> str | None:
    text = _read("sphinx", "templates", "epub3", "nav.xhtml.jinja")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != _NAV_TEMPLATE:
        return "its navigation template (templates/epub3/nav.xhtml.jinja) changed: bring ours up to date with it"
    from sphinx.builders.epub3 import Epub3Builder

    found = _missing(
        _source(Epub3Builder.build_navigation_doc), ["self.template_dir / 'nav.xhtml.jinja'"], "build_navigation_doc"
    )
    if found:
        return found
    found = _missing(
        _source(Epub3Builder.prepare_writing), ["self.globalcontext['html_tag'] = self.html_tag"], "prepare_writing"
    )
    return found or _missing(_read("sphinx", "themes", "basic", "layout.html"), ["{{ html_tag }}"], "basic/layout.html")


def _latex_xindy() -> str | None:
    found = _missing(_read("sphinx", "texinputs", "Makefile.jinja"), ["export XINDYOPTS = "], "its LaTeX Makefile")
    return found or _missing(_read("sphinx", "texinputs", "latexmkrc.jinja"), ["$ENV{'XINDYOPTS'}"], "its latexmkrc")


def _latex_context() -> str | None:
    from sphinx.builders.latex import LaTeXBuilder
    from sphinx.writers.latex import LaTeXTranslator

    found = _missing(_source(LaTeXBuilder.write_documents), ["self.update_context()"], "LaTeXBuilder.write_documents")
    found = found or _missing(
        _source(LaTeXTranslator.__init__), ["self.builder.context.copy()"], "LaTeXTranslator.__init__"
    )
    template = _read("sphinx", "templates", "latex", "latex.tex.jinja")
    found = found or _missing(
        _source(LaTeXBuilder.init_multilingual),
        ["self.context['multilingual'] = self.context['babel']"],
        "init_multilingual",
    )
    return found or _missing(template, ["<%= maketitle %>", "<%= multilingual %>"], "its latex.tex template")


REACHES: tuple[Reach, ...] = (
    Reach(
        "furo.get_navigation_tree",
        "furo",
        ">=2024.8.6,<2026",
        "essaybook.sphinx_ext.navigation",
        "furo's module-level get_navigation_tree(), which its page context calls with the sidebar's HTML",
        "furo re-parses every page's sidebar with BeautifulSoup and offers no way to hand it finished markup; "
        "wrapped only during an HTML build, answering only for the HTML our toctree() just returned",
        _furo_navigation,
    ),
    Reach(
        "furo landmarks",
        "furo",
        ">=2024.8.6,<2026",
        "essaybook.sphinx_ext.a11y",
        "the markup of the two side panels in furo's page.html, given accessible names in each written page",
        "the <aside> elements sit outside every template block and furo has no setting for their names",
        _furo_landmarks,
    ),
    Reach(
        "furo footer",
        "furo",
        ">=2024.8.6,<2026",
        "essaybook.sphinx_ext.notices",
        "furo's page.html footer block (our page.html adds the rights after it) and its show_copyright switch",
        "the theme's copyright line claims every page for the editors and has no hook for an essay's own rights",
        _furo_footer,
    ),
    Reach(
        "furo search template",
        "furo",
        ">=2024.8.6,<2026",
        "essaybook/sphinx_ext/templates/html/search.html",
        "furo's search.html adds searchindex.js in its scripts block, which a sharded index skips (super.super())",
        "no template variable turns the whole index off",
        _furo_search_template,
    ),
    Reach(
        "Sphinx searchtools.js",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook/sphinx_ext/static/essaybook-search.js",
        "Search._index, setIndex, stopPulse, _parseQuery, _performSearch and its result tuple",
        "Sphinx's search has no API for an index loaded in pieces; our script runs Sphinx's own query and "
        "scoring on the pieces a query needs",
        _searchtools,
    ),
    Reach(
        "Sphinx search indexer",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook.sphinx_ext.search.kept_entries",
        "StandaloneHTMLBuilder.load_indexer and IndexBuilder's _mapping, _title_mapping, _index_entries, _env_version",
        "an incremental build loses the index entries of the pages it does not write (sphinx-doc/sphinx#12599)",
        _search_indexer,
    ),
    Reach(
        "Sphinx EPUB package template",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook.sphinx_ext.epub",
        "Sphinx's content.opf template (ours is it with the edition's Dublin Core) and the builder's "
        "template_dir and refnodes while build_content runs",
        "the package's metadata comes only from that template, which has no blocks to extend",
        _epub_package_template,
    ),
    Reach(
        "Sphinx EPUB navigation and pages",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook.sphinx_ext.epub",
        "Sphinx's nav.xhtml template (ours is it with the table of contents' ARIA role), read from "
        "template_dir by build_navigation_doc, and Epub3Builder.html_tag, the <html> tag of every page",
        "Sphinx's EPUB pages name no language and its navigation no role (EPUB Accessibility 1.1 asks for "
        "both), and neither comes from a template block or a setting",
        _epub_navigation_and_pages,
    ),
    Reach(
        "Sphinx LaTeX context",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook.sphinx_ext.latex",
        "LaTeXBuilder.update_context(), called just before each document is written, and its context's "
        "maketitle and multilingual (init_multilingual's copy of the babel element), which the translator copies "
        "and latex.tex places",
        "the title page's verso names the essays by their titles, and babel's bidi is needed only by a book "
        "with right-to-left text: both known only after the configuration is read",
        _latex_context,
    ),
    Reach(
        "Sphinx latexmkrc",
        "sphinx",
        ">=8.2,<9.1",
        "essaybook.sphinx_ext.latex",
        "the XINDYOPTS its LaTeX Makefile exports and its latexmkrc reads",
        "latexmk run without Sphinx's Makefile (as Read the Docs runs it) gives xindy no options "
        "(readthedocs/readthedocs.org#5476)",
        _latex_xindy,
    ),
)

_BY_NAME = {reach.name: reach for reach in REACHES}


def problem(name: str) -> str | None:
    """What no longer matches for the reach called ``name``, or None."""
    return _BY_NAME[name].shape()


@cache
def _checked(name: str) -> str | None:
    # What a reach finds depends on the installed versions alone: once per process.
    return problem(name)


def check(name: str) -> None:
    """Stop the build, naming the project and its version, if a reach no longer matches what it reaches into."""
    reach = _BY_NAME[name]
    found = _checked(name)
    if found is None:
        return
    try:
        version = metadata.version(reach.distribution)
    except metadata.PackageNotFoundError:
        version = "(not installed)"
    raise ExtensionError(
        f"essaybook relies on {reach.distribution} {version}'s internals ({reach.what}), and {found}. "
        f"essaybook is tested with {reach.distribution}{reach.bound}: install a version in that range "
        f"(docs/requirements.txt pins one), or update {reach.used_by} to match it."
    )
