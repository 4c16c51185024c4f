"""The EPUB: the edition's metadata, note semantics reading systems know, the index once.

* metadata from ``conf/book.toml`` (description, publisher, a stable
  identifier, the language as BCP 47 spells it), unless ``conf.py`` sets it;
* the edition's Dublin Core (authors, editors as editors, the edition's date,
  each essay's first publication, each essay's rights and the editors') in the package, from our ``content.opf``
  template (``templates/epub3``);
* EPUB 3 footnote semantics (``epub:type="noteref"``/``"footnote"``), so
  reading systems show a note as a pop-up rather than a jump;
* the index in the reading order once, not twice;
* what EPUB Accessibility 1.1 asks of a publication: every content document
  names its language (``lang`` and ``xml:lang``), the navigation document
  its role, and the package says how the book can be read (the schema.org
  accessibility metadata, a summary in words, the conformance claim), each
  value taken from what this build holds (:func:`accessibility`).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config
from sphinx.writers.html5 import HTML5Translator

from ..core.how_to_cite import authors, dublin_core
from . import reaches
from .config import set_default
from .conversion import book_metadata, state_of
from .margins import MarginsMixin

__all__ = ["CONFORMS_TO", "EpubBuilder", "EpubTranslator", "accessibility", "book_identifier", "config_inited"]


def book_identifier(title: str) -> str:
    """A URN that names the book and stays the same from build to build and machine to machine."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "essaybook:" + title))


def config_inited(app: Sphinx, config: Config) -> None:
    """Fill the EPUB's metadata from ``conf/book.toml`` (read and checked by the conversion)."""
    book = book_metadata(app)
    set_default(config, "epub_description", book.description or book.subtitle or book.title)
    set_default(config, "epub_publisher", book.editor)
    set_default(config, "epub_contributor", book.editor)
    set_default(config, "epub_identifier", book_identifier(book.title))
    # The EPUB names its language as BCP 47 does (en-GB), where Sphinx spells it en_GB.
    set_default(config, "epub_language", book.language)
    # The title page lists the essays with their authors and reading times; the toctree
    # that orders them is hidden there, and the EPUB's own contents must still list it.
    set_default(config, "epub_tocscope", "includehidden")
    # toc.ncx lists each essay once, its parts under it, as the navigation document and the
    # PDF's outline do: Sphinx would repeat an essay as the first entry under itself.
    set_default(config, "epub_tocdup", False)


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


# Our package and navigation templates (content.opf, nav.xhtml): Sphinx's, with the
# edition's Dublin Core and accessibility metadata, and the navigation's ARIA role.
EPUB_TEMPLATES = Path(__file__).parent / "templates" / "epub3"

# The claim the package makes (EPUB Accessibility 1.1, section 2.1): the tests check each EPUB
# with Ace by DAISY (axe-core's WCAG 2 A and AA rules, and the EPUB rules) and epubcheck.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
_PICTURE = re.compile(r"<(img|svg)\b", re.IGNORECASE)


def accessibility(pages: list[str], *, has_index: bool) -> dict[str, Any]:
    """The schema.org accessibility metadata of an EPUB whose content documents are ``pages``.

    Each value says what the book is: text in a reading order with headings,
    a table of contents (and an index), notes that are links; pictures only
    where a page shows one, each with a text alternative (which Ace checks)
    and, for the timeline, a table of the same events.
    """
    pictures = any(_PICTURE.search(page) for page in pages)
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if has_index:
        features.append("index")
    if pictures:
        features.append("alternativeText")
    summary = (
        "Everything in this book can be read as text: the essays, the editors' notes, glossary and sources, "
        "in reading order, with headings, a table of contents"
        + (" and an index" if has_index else "")
        + ' to move through it, and each note marker a link a screen reader names as "Note" and its number.'
    )
    if pictures:
        summary += " Each picture has a text alternative, and the timeline's events are also listed in a table."
    summary += " Nothing flashes, moves or makes a sound."
    return {
        "access_modes": ["textual", "visual"] if pictures else ["textual"],
        # The text alone carries the whole book; with pictures, text and pictures do too.
        "access_modes_sufficient": ["textual", "textual,visual"] if pictures else ["textual"],
        "features": features,
        "hazards": ["none"],
        "summary": summary,
        "conforms_to": CONFORMS_TO,
    }


class EpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with footnote semantics, the index once in the reading order,
    and the edition's Dublin Core (authors, editors, date, first publications) in its package."""

    default_translator_class = EpubTranslator

    @property
    def html_tag(self) -> str:
        """The ``<html>`` tag Sphinx writes at the top of every page, naming the book's language.

        Sphinx's EPUB pages name none (``Epub3Builder.html_tag``); a reading system, and
        a screen reader choosing its voice, need it, as ``lang`` and ``xml:lang`` alike.
        """
        reaches.check("Sphinx EPUB navigation and pages")
        lang = escape(self.config.epub_language, quote=True)
        return (
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
            f' lang="{lang}" xml:lang="{lang}">'
        )

    @contextmanager
    def _our_templates(self) -> Iterator[None]:
        # Sphinx renders content.opf and nav.xhtml from the templates in template_dir, and
        # reads nothing else there while doing so: ours stand in meanwhile.
        self.template_dir = EPUB_TEMPLATES
        try:
            yield
        finally:
            del self.template_dir

    def build_epub(self) -> None:
        """Zip the book with every entry dated ``SOURCE_DATE_EPOCH``, so two builds of one commit are one file.

        The zip records each file's modification time, which is when this build
        wrote it; with the epoch set (``make epub`` sets the last commit's) every
        file the EPUB holds is given that time first.
        """
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            stamp = int(epoch)
            for name in ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files):
                path = Path(self.outdir, name)
                if path.is_file():
                    os.utime(path, (stamp, stamp))
        super().build_epub()

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        state = state_of(self.env)
        book = state.book.edition.book
        dc = dublin_core(book, authors(state.book.chapters), state.book.chapters)
        metadata["creators"] = [(escape(name), escape(file_as)) for name, file_as in dc.creators]
        metadata["editors"] = [escape(name) for name in dc.editors]
        metadata["sources"] = [escape(source) for source in dc.sources]
        # The edition's date is when it was published; dcterms:modified stays the build's (source) date.
        metadata["issued"] = escape(dc.date) if dc.date else metadata["date"]
        pages = [
            path.read_text("utf-8", errors="replace")
            for path in sorted(Path(self.outdir).rglob("*" + self.out_suffix))
            if path.name != "nav" + self.out_suffix
        ]
        summary = accessibility(pages, has_index=bool(self.use_index))
        metadata["accessibility"] = {k: escape(v) if isinstance(v, str) else v for k, v in summary.items()}
        metadata["certified_by"] = escape(book.editor or self.config.epub_publisher or "")
        # Whose each part is: every essay's rights, by its title, and the editors' (essaybook.core.rights).
        metadata["rights"] = [escape(s.text) for s in state.rights.listing]
        return metadata

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        # toc.ncx must name the book by its identifier, as content.opf does;
        # Sphinx writes the identifier's XML id (epub_uid) there instead.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = escape(self.config.epub_identifier)
        return metadata

    def build_content(self) -> None:
        reaches.check("Sphinx EPUB package template")
        # With epub_use_index, Sphinx appends the index to the spine itself; when
        # the contents list it too, it would be there twice, which EPUB forbids.
        # The navigation document, built later from the same list, keeps it.
        everything = self.refnodes
        try:
            if self.use_index:
                index = "genindex" + self.out_suffix
                self.refnodes = [r for r in everything if r["refuri"] != index]
            with self._our_templates():
                return super().build_content()
        finally:
            self.refnodes = everything

    def build_navigation_doc(self) -> None:
        reaches.check("Sphinx EPUB navigation and pages")
        with self._our_templates():
            return super().build_navigation_doc()
