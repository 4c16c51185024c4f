"""The book's other formats, and the web site around the HTML one.

The essays reach readers as a web site, one long page, an EPUB and a PDF;
each format has metadata and quirks of its own, kept here so the converter
(``sphinxext``) stays about the book itself:

* metadata from ``conf/book.toml`` for the EPUB (description, publisher, a
  stable identifier), the PDF's title page, and the web pages' ``description``
  and OpenGraph tags, unless ``conf.py`` sets them;
* EPUB 3 footnote semantics (``epub:type="noteref"``/``"footnote"``), so
  reading systems show a note as a pop-up rather than a jump;
* the generated index listed in a table of contents, which Sphinx reports as
  a missing file in builders that inline the whole book (single page, LaTeX);
* ``robots.txt`` at the site's root, naming the sitemap when the site's
  address is known.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import latex
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config
from sphinx.domains.std import StandardDomain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape as tex_escape
from sphinx.writers.html5 import HTML5Translator

from . import __version__
from .citation import authors, dublin_core
from .margins import MarginsMixin
from .render import names
from .sphinxext import _state, book_authors, book_metadata, set_default

__all__ = ["EpubBuilder", "EpubTranslator", "LaTeXBuilder", "book_identifier", "setup"]


def book_identifier(title: str) -> str:
    """A URN that names the book and stays the same from build to build and machine to machine."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "essaybook:" + title))


def config_inited(app: Sphinx, config: Config) -> None:
    """Fill each format's metadata from ``conf/book.toml`` (read and checked by the converter)."""
    book = book_metadata(app)
    set_default(config, "epub_description", book.description or book.subtitle or book.title)
    set_default(config, "epub_publisher", book.editor)
    set_default(config, "epub_contributor", book.editor)
    set_default(config, "epub_identifier", book_identifier(book.title))
    # Never empty: without it sphinxext-opengraph quotes each page's first
    # 200 characters of seed text, cutting an escaped "&gt;" into invalid HTML.
    set_default(config, "essaybook_description", book.description or book.subtitle or book.title)
    engine = config.latex_engine
    written_by = names(book_authors(app))
    authors = [tex_escape(written_by, engine)] if written_by else []
    if book.editor:
        authors.append(tex_escape(f"Edited by {book.editor}", engine))
    filename = str(config.latex_documents[0][1]) if config.latex_documents else "book.tex"
    set_default(
        config,
        "latex_documents",
        [(config.root_doc, filename, tex_escape(book.title, engine), r" \and ".join(authors), "manual")],
    )


# --- EPUB 3 -------------------------------------------------------------------

# The ARIA roles docutils writes, and the EPUB 3 structural semantics
# reading systems look for to show notes as pop-ups.
_EPUB_TYPES = {"doc-noteref": "noteref", "doc-footnote": "footnote"}


class EpubTranslator(MarginsMixin, HTML5Translator):
    """Sphinx's HTML5 translator with the book's paragraph numbers, adding ``epub:type`` next to the footnote roles."""

    def starttag(
        self, node: nodes.Node, tagname: str, suffix: str = "\n", empty: bool = False, **attributes: Any
    ) -> str:
        epub_type = _EPUB_TYPES.get(str(attributes.get("role", "")))
        if epub_type:
            attributes["epub:type"] = epub_type
        return super().starttag(node, tagname, suffix, empty, **attributes)


# Our package template (content.opf): Sphinx's, with the edition's Dublin Core.
EPUB_TEMPLATES = Path(__file__).parent / "templates" / "epub3"


class EpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with footnote semantics, the index once in the reading order,
    and the edition's Dublin Core (authors, editors, date, first publications) in its package."""

    default_translator_class = EpubTranslator

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        state = _state(self.env)
        book = state.book.edition.book
        dc = dublin_core(book, authors(state.book.chapters), state.book.chapters)
        metadata["creators"] = [(escape(name), escape(file_as)) for name, file_as in dc.creators]
        metadata["editors"] = [escape(name) for name in dc.editors]
        metadata["sources"] = [escape(source) for source in dc.sources]
        # The edition's date is when it was published; dcterms:modified stays the build's (source) date.
        metadata["issued"] = escape(dc.date) if dc.date else metadata["date"]
        return metadata

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        # toc.ncx must name the book by its identifier, as content.opf does;
        # Sphinx writes the identifier's XML id (epub_uid) there instead.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = escape(self.config.epub_identifier)
        return metadata

    def build_content(self) -> None:
        # With epub_use_index, Sphinx appends the index to the spine itself; when
        # the contents list it too, it would be there twice, which EPUB forbids.
        # The navigation document, built later from the same list, keeps it.
        # Sphinx renders content.opf from the template in template_dir, and
        # reads nothing else there while doing so: ours stands in meanwhile.
        self.template_dir = EPUB_TEMPLATES
        everything = self.refnodes
        try:
            if self.use_index:
                index = "genindex" + self.out_suffix
                self.refnodes = [r for r in everything if r["refuri"] != index]
            return super().build_content()
        finally:
            self.refnodes = everything
            del self.template_dir


# --- the generated index in a toctree ------------------------------------------


def drop_virtual_includes(app: Sphinx, doctree: nodes.document) -> None:
    """Keep ``genindex`` in a toctree's entries (the web sidebar links it) but not in its files.

    Builders that inline every toctree's files into one document (single page,
    LaTeX) try to read ``genindex`` as a page and warn that it does not exist
    (Sphinx issue 13733); each of them makes its own index anyway. The
    environment's table of contents was recorded before this runs, so page
    order and next/previous links are unchanged.
    """
    virtual = StandardDomain._virtual_doc_names
    for toctree in doctree.findall(addnodes.toctree):
        toctree["includefiles"] = [f for f in toctree["includefiles"] if f not in virtual]


# --- LaTeX (PDF) -------------------------------------------------------------------

NOTES_HEADING = "editorial-notes-heading"  # the class render.py gives the notes' heading


class LaTeXBuilder(latex.LaTeXBuilder):
    """Sphinx's LaTeX builder, leaving the table of contents its usual title.

    Sphinx titles it with the caption of the title page's first toctree, here
    "Essays", which then also runs in the page footers of the front matter.
    """

    def get_contentsname(self, indexfile: str) -> str:
        return ""


class PrintedNotes(SphinxPostTransform):
    """Notes as a printed book has them: numbered through the book, with no heading.

    Each page of the web edition numbers its notes from 1 and lists them under
    a heading; in print they are footnotes, where a heading would stand alone
    at the end of the text and two parts on one page would both have a note 1.
    """

    # Before Sphinx's LaTeXFootnoteTransform (600) moves the notes into the text.
    default_priority = 550
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for rubric in list(self.document.findall(nodes.rubric)):
            if NOTES_HEADING in rubric["classes"]:
                rubric.parent.remove(rubric)
        # Footnote ids are unique within a page, not within the book.
        placed = list(_by_page(self.document))
        notes = {(page, i): n for n, page in placed if isinstance(n, nodes.footnote) for i in n["ids"]}
        number: dict[int, str] = {}
        for ref, page in placed:
            if not isinstance(ref, nodes.footnote_reference):
                continue
            note = notes.get((page, ref.get("refid", "")))
            if note is None:
                continue
            if id(note) not in number:
                number[id(note)] = str(len(number) + 1)
                label = note[0]
                if isinstance(label, nodes.label):
                    label.children = [nodes.Text(number[id(note)])]
            ref.children = [nodes.Text(number[id(note)])]


class PrintedSeedTable(SphinxPostTransform):
    """Fit the table of seeds and checksums to the printed page.

    A seed's file name and checksum have no space to break at, and a SHA-256
    is wider than a column: unbroken, it runs off the paper. ``\\seqsplit``
    may break between any two characters (the text is escaped as Sphinx
    escapes all text), and the columns get fixed shares of the line, since
    LaTeX would otherwise give nearly all of it to the long strings.
    """

    default_priority = 550
    formats = ("latex",)
    widths = (21, 28, 17, 34)  # file, title, paragraphs, SHA-256

    def run(self, **kwargs: Any) -> None:
        engine = self.config.latex_engine
        for table in self.document.findall(nodes.table):
            if "seed-table" not in table["classes"]:
                continue
            colspecs = list(table.findall(nodes.colspec))
            if len(colspecs) == len(self.widths):
                for colspec, width in zip(colspecs, self.widths, strict=True):
                    colspec["colwidth"] = width
                table["classes"].append("colwidths-given")
            for literal in list(table.findall(nodes.literal)):
                tex = r"\sphinxcode{\sphinxupquote{\seqsplit{" + tex_escape(literal.astext(), engine) + "}}}"
                literal.replace_self(nodes.raw("", tex, format="latex"))


def _by_page(document: nodes.document) -> Iterator[tuple[nodes.Element, str]]:
    """Every element, in document order, with the name of the page it comes from.

    The single page and LaTeX assemble the book by handing each page's nodes
    to a ``start_of_file`` node without re-parenting them, so a node's parents
    do not lead to its page: walking down from the top does.
    """
    stack: list[tuple[nodes.Element, str]] = [(document, document.get("docname", ""))]
    while stack:
        node, page = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            page = node["docname"]
        yield node, page
        stack.extend((child, page) for child in reversed(node.children) if isinstance(child, nodes.Element))


# --- one long page ------------------------------------------------------------------


class OnePage(SphinxPostTransform):
    """Make every link on the single page land, and every id on it unique.

    * Since Sphinx 8.2 a link to a place on another page reads
      ``#document-book/glossary#term-x`` on the single page: two fragments,
      which no browser follows (Sphinx issue 14221). The place's own id is
      what the page holds, so the link keeps only that.
    * Docutils numbers a page's automatic ids (a note marker's ``id1``,
      ``id2``) from 1 on every page; on one page holding the whole book they
      repeat, and a note's back-link would jump to the first chapter's marker.
      A repeated id is prefixed with its page's name, and the links within
      that page follow it.
    """

    default_priority = 900  # after the references are resolved and every id is made
    builders = ("singlehtml",)

    def run(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if uri.startswith("#") and "#" in uri[1:]:
                ref["refuri"] = "#" + uri.rsplit("#", 1)[1]
        self._unique_ids()

    def _unique_ids(self) -> None:
        seen: set[str] = set()
        renamed: dict[tuple[str, str], str] = {}
        placed = list(_by_page(self.document))
        taken = {i for node, _ in placed for i in node["ids"]}
        for node, page in placed:
            fresh = []
            for old in node["ids"]:
                new = old
                if old in seen:
                    stem = nodes.make_id(page) + "-" + old
                    new, n = stem, 1
                    while new in taken:
                        n += 1
                        new = f"{stem}-{n}"
                    taken.add(new)
                    renamed[(page, old)] = new
                seen.add(new)
                fresh.append(new)
            node["ids"] = fresh
        if not renamed:
            return
        for node, page in placed:
            if "refid" in node and (page, node["refid"]) in renamed:
                node["refid"] = renamed[(page, node["refid"])]
            if node.get("backrefs"):
                node["backrefs"] = [renamed.get((page, b), b) for b in node["backrefs"]]


# --- the web site ---------------------------------------------------------------


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Describe every web page by the book's description, for search engines and link previews.

    Runs before sphinxext-opengraph, which then keeps this ``description``
    rather than quoting the page's first lines (on a part page, a line of
    navigation), and takes ``og:description`` from the page's metadata.
    Also roots the 404 page's scripts where its links are rooted.
    """
    prefix = getattr(app.config, "notfound_urls_prefix", None)
    if pagename == getattr(app.config, "notfound_pagename", None) and prefix:
        # sphinx-notfound-page makes the 404 page's links absolute, as it must
        # work at any depth; the scripts' notion of the site's root must follow.
        context["content_root"] = prefix
    description = app.config.essaybook_description
    if not description or app.builder.name.startswith("epub"):
        return
    # Pages made from a template alone (the 404 page) have no metatags yet.
    tag = f'<meta name="description" content="{escape(description, quote=True)}" />'
    context["metatags"] = (context.get("metatags") or "") + "\n" + tag
    meta = dict(context.get("meta") or {})
    meta.setdefault("og:description", description)
    context["meta"] = meta


def write_robots(app: Sphinx, exception: Exception | None) -> None:
    """Write ``robots.txt``: every page may be crawled; the sitemap is named when there is one."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    lines = ["User-agent: *", "Allow: /"]
    base = app.config.html_baseurl
    if base and "sphinx_sitemap" in app.extensions:
        lines.append(f"Sitemap: {base.rstrip('/')}/{app.config.sitemap_filename}")
    (Path(app.outdir) / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("essaybook_description", "", "html", types=frozenset({str}))
    # After the converter's handler (priority 500), which checks book.toml first.
    app.connect("config-inited", config_inited, priority=600)
    app.connect("doctree-read", drop_virtual_includes)
    app.connect("html-page-context", html_page_context, priority=450)
    app.connect("build-finished", write_robots)
    app.add_builder(EpubBuilder, override=True)
    app.add_builder(LaTeXBuilder, override=True)
    app.add_post_transform(PrintedNotes)
    app.add_post_transform(PrintedSeedTable)
    app.add_post_transform(OnePage)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
