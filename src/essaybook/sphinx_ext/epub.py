"""The EPUB: the edition's metadata, note semantics reading systems know, the index once.

* metadata from ``conf/book.toml`` (description, publisher, a stable
  identifier, the language as BCP 47 spells it), unless ``conf.py`` sets it;
* the edition's Dublin Core (authors, editors as editors, the edition's date,
  each essay's first publication, each essay's rights and the editors') in the package, from our ``content.opf``
  template (``templates/epub3``);
* EPUB 3 footnote semantics (``epub:type="noteref"``/``"footnote"``), so
  reading systems show a note as a pop-up rather than a jump;
* the index in the reading order once, not twice.
"""

from __future__ import annotations

import os
import uuid
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

__all__ = ["EpubBuilder", "EpubTranslator", "book_identifier", "config_inited"]


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
