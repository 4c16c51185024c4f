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

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape
from sphinx.util.texescape import escape as tex_escape
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator as SphinxLaTeXTranslator

from . import __version__
from .citation import authors, dublin_core
from .margins import MarginsMixin
from .reading import human_date
from .sphinxext import _state, book_authors, book_metadata, set_default

__all__ = [
    "EpubBuilder",
    "EpubTranslator",
    "LaTeXBuilder",
    "PdfFont",
    "book_identifier",
    "pdf_fonts",
    "setup",
    "title_page",
]


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
    # The EPUB names its language as BCP 47 does (en-GB), where Sphinx spells it en_GB.
    set_default(config, "epub_language", book.language)
    # The title page lists the essays with their authors and reading times; the toctree
    # that orders them is hidden there, and the EPUB's own contents must still list it.
    set_default(config, "epub_tocscope", "includehidden")
    # Never empty: without it sphinxext-opengraph quotes each page's first
    # 200 characters of seed text, cutting an escaped "&gt;" into invalid HTML.
    set_default(config, "essaybook_description", book.description or book.subtitle or book.title)
    configure_latex(app, config)


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
#
# The PDF is typeset by LuaLaTeX: luaotfload falls back from font to font
# for characters the main font lacks, HarfBuzz shapes the scripts that need
# it, babel orders right-to-left text inside English sentences and breaks
# Thai lines, and essaybook.lua breaks CJK lines (no spaces between words).
# Why not XeLaTeX is in the README. texinputs/essaybook.sty holds the
# page; the fonts are listed here, once, so the tests can check that each is
# installed and that .ci/system-packages and .readthedocs.yaml install it.

TEXINPUTS = Path(__file__).with_name("texinputs")


# Scripts whose letters change shape and order with their neighbours, which
# luaotfload leaves to HarfBuzz. The others (Latin, Greek, Cyrillic, CJK,
# symbols) it shapes itself ("node" mode), fifteen times faster: HarfBuzz
# mode took 33 s of CPU for a 200 kB paragraph of English, node mode 2 s.
HARFBUZZ_SCRIPTS = frozenset({
    "arab", "hebr", "syrc", "thaa", "nko ", "mong", "deva", "beng", "guru", "gujr", "taml", "telu",
    "knda", "mlym", "sinh", "thai", "lao ", "khmr", "mymr", "tibt", "java", "bali", "lana",
})  # fmt: skip


@dataclass(frozen=True)
class PdfFont:
    """A font family the PDF may use and the Debian/Ubuntu package that installs it.

    ``script`` is the OpenType script it is shaped with when it stands in
    for the main font: left to guess, luaotfload shapes a fallback font as
    if it were Latin, and Tamil's two-part vowels come apart around a
    dotted circle. ``bold`` says whether the family has a bold face.
    """

    family: str
    package: str
    script: str = ""
    bold: bool = True

    def spec(self, bold: bool = False) -> str:
        """The font as luaotfload names it in a fallback list: its shaper, and its script if known."""
        name = f"{self.family} Bold" if bold and self.bold else self.family
        mode = "harf" if self.script in HARFBUZZ_SCRIPTS else "node"
        return f"{name}:mode={mode};" + (f"script={self.script};" if self.script else "")


_NOTO = "fonts-noto-core"
_CJK = "fonts-noto-cjk"

# The main faces: serif for all text, sans for headings, mono for file names
# and checksums (from the CJK package the PDF needs anyway: DejaVu's mono is
# in fonts-dejavu-core on Debian 12 but fonts-dejavu-mono on Ubuntu 24.04).
PDF_SERIF = PdfFont("Noto Serif", _NOTO)
PDF_SANS = PdfFont("Noto Sans", _NOTO)
PDF_MONO = PdfFont("Noto Sans Mono CJK SC", _CJK)

# Scripts babel handles itself, by language: right-to-left order (Arabic,
# Persian, Hebrew) and Thai's line breaking, by patterns, since Thai leaves
# no space between words. Each is switched to by its characters (babel's
# onchar=ids fonts), and babel gives the font its script. Persian and Urdu
# share the Arabic letters, so "arabic" sets them too. Chinese, Japanese and
# Korean are not here: babel's line breaking for them asks for the whole
# font at every character (a 50 kB paragraph took 700 MB more per language);
# essaybook.lua breaks their lines instead, and they fall back to Noto CJK.
PDF_LANGUAGES: dict[str, tuple[PdfFont, PdfFont]] = {
    "arabic": (PdfFont("Noto Naskh Arabic", _NOTO), PdfFont("Noto Sans Arabic", _NOTO)),
    "hebrew": (PdfFont("Noto Serif Hebrew", _NOTO), PdfFont("Noto Sans Hebrew", _NOTO)),
    "thai": (PdfFont("Noto Serif Thai", _NOTO), PdfFont("Noto Sans Thai", _NOTO)),
}

# Every other character falls back through these, in order, to the first
# font that has it: the scripts of the world's larger languages (also those
# babel handles, for characters outside its ranges), then mathematics,
# symbols, historic scripts, and emoji in Symbola, whose outlines (unlike
# Noto Color Emoji's bitmaps) a reader can search and copy.
# (Noto name, OpenType script, whether Noto has a sans of it)
_SCRIPTS = (
    ("Georgian", "geor", True), ("Armenian", "armn", True), ("Devanagari", "deva", True),
    ("Bengali", "beng", True), ("Tamil", "taml", True), ("Gujarati", "gujr", True),
    ("Gurmukhi", "guru", True), ("Kannada", "knda", True), ("Malayalam", "mlym", True),
    ("Telugu", "telu", True), ("Sinhala", "sinh", True), ("Khmer", "khmr", True), ("Lao", "lao ", True),
    ("Myanmar", "mymr", True), ("Tibetan", "tibt", False), ("Ethiopic", "ethi", True),
    ("Hebrew", "hebr", True), ("Thai", "thai", True),
)  # fmt: skip
_OTHERS = (
    ("Cuneiform", "xsux"), ("Egyptian Hieroglyphs", "egyp"), ("Gothic", "goth"), ("Ogham", "ogam"),
    ("Runic", "runr"), ("Linear B", "linb"), ("Old Italic", "ital"), ("Phoenician", "phnx"),
    ("Coptic", "copt"), ("Glagolitic", "glag"), ("Syriac", "syrc"), ("Thaana", "thaa"),
    ("Mongolian", "mong"), ("Yi", "yi  "), ("Cherokee", "cher"), ("Canadian Aboriginal", "cans"),
    ("Tifinagh", "tfng"), ("NKo", "nko "), ("Javanese", "java"), ("Balinese", "bali"),
    ("Tai Tham", "lana"), ("Vai", "vai "),
)  # fmt: skip
# Symbols come before the CJK fonts, which have many of them too but share
# one glyph between look-alikes (① and ➀), so a reader copying one would get
# the other.
_SYMBOLS = (
    PdfFont("Noto Sans Math", _NOTO, bold=False),
    PdfFont("Noto Sans Symbols", _NOTO),
    PdfFont("Noto Sans Symbols2", _NOTO, bold=False),
    PdfFont("Noto Music", _NOTO, bold=False),
)
_HISTORIC = (
    *(PdfFont(f"Noto Sans {name}", _NOTO, script, bold=False) for name, script in _OTHERS),
    PdfFont("Symbola", "fonts-symbola", bold=False),
)
PDF_FALLBACK_SERIF: tuple[PdfFont, ...] = (
    *(PdfFont(f"Noto Serif {name}", _NOTO, script) for name, script, _ in _SCRIPTS),
    PdfFont("Noto Naskh Arabic", _NOTO, "arab"),
    *_SYMBOLS,
    PdfFont("Noto Serif CJK SC", _CJK, "hani"),
    *_HISTORIC,
)
PDF_FALLBACK_SANS: tuple[PdfFont, ...] = (
    *(PdfFont(f"Noto {'Sans' if sans else 'Serif'} {name}", _NOTO, script) for name, script, sans in _SCRIPTS),
    PdfFont("Noto Sans Arabic", _NOTO, "arab"),
    *_SYMBOLS,
    PdfFont("Noto Sans CJK SC", _CJK, "hani"),
    *_HISTORIC,
)


def pdf_fonts() -> list[PdfFont]:
    """Every font the PDF may use, each family once."""
    every = [PDF_SERIF, PDF_SANS, PDF_MONO, *(f for pair in PDF_LANGUAGES.values() for f in pair)]
    every += [*PDF_FALLBACK_SERIF, *PDF_FALLBACK_SANS]
    return list({f.family: f for f in every}.values())


def _fallback(name: str, fonts: tuple[PdfFont, ...], bold: bool) -> str:
    # A face without a bold stands in for its bold, as a browser's would.
    entries = ", ".join('"' + f.spec(bold) + '"' for f in fonts)
    return r"\directlua{luaotfload.add_fallback(" + '"' + name + '", {' + entries + "})}"


def latex_fonts() -> str:
    """The preamble's font setup: main faces with their fallbacks, and babel's languages by script."""
    lines = [
        _fallback("essayserif", PDF_FALLBACK_SERIF, bold=False),
        _fallback("essayserifbold", PDF_FALLBACK_SERIF, bold=True),
        _fallback("essaysans", PDF_FALLBACK_SANS, bold=False),
        _fallback("essaysansbold", PDF_FALLBACK_SANS, bold=True),
    ]
    for command, font, fallback in (
        ("setmainfont", PDF_SERIF, "essayserif"),
        ("setsansfont", PDF_SANS, "essaysans"),
        ("setmonofont", PDF_MONO, "essaysans"),
    ):
        options = [
            f"RawFeature={{fallback={fallback}}}",
            f"BoldFeatures={{RawFeature={{fallback={fallback}bold}}}}",
        ]
        if font is PDF_MONO:
            options.append("Scale=MatchLowercase")
        lines.append(rf"\{command}{{{font.family}}}[{', '.join(options)}]")
    for language, (serif, sans) in PDF_LANGUAGES.items():
        lines.append(rf"\babelprovide[import, onchar=ids fonts]{{{language}}}")
        lines.append(rf"\babelfont[{language}]{{rm}}[Renderer=HarfBuzz]{{{serif.family}}}")
        lines.append(rf"\babelfont[{language}]{{sf}}[Renderer=HarfBuzz]{{{sans.family}}}")
    return "\n".join(lines)


def title_page(app: Sphinx) -> dict[str, Any]:
    """What the PDF's title page says: the one place that knows where each value comes from.

    ``authors`` are the essays' authors (an empty list prints "Author
    unknown"); the editors are named as editors, never as authors.
    ``edition`` is the book's version; ``date`` the edition's date as a reader says it.
    """
    book = book_metadata(app)
    return {
        "title": book.title,
        "subtitle": book.subtitle,
        "authors": book_authors(app),
        "editor": book.editor,
        "edition": book.version,
        "date": human_date(book.date, book.language) if book.date else "",
    }


def latex_title_page(page: dict[str, Any]) -> str:
    """The title page as LaTeX, and the PDF's document information (title, author) with it."""

    def tex(text: str) -> str:
        return pdf_escape(text)

    authors = [a for a in page.get("authors") or [] if a.strip()]
    # The document information names the authors only, as plain text.
    info = rf"\hypersetup{{pdftitle={{{tex(page['title'])}}}, pdfauthor={{{tex(', '.join(authors))}}}"
    if page.get("subtitle"):
        info += rf", pdfsubject={{{tex(page['subtitle'])}}}"
    info += "}"
    lines = [
        info,
        r"\begin{titlepage}",
        r"\raggedright\sffamily",
        r"\vspace*{0.15\textheight}",
        rf"{{\Huge\bfseries {tex(page['title'])}\par}}",
    ]
    if page.get("subtitle"):
        lines.append(rf"\vspace{{1em}}{{\Large {tex(page['subtitle'])}\par}}")
    lines.append(r"\vspace{3em}")
    if authors:
        lines += [rf"{{\Large {tex(a)}\par}}" for a in authors]
    else:
        lines.append(r"{\Large Author unknown\par}")
    lines.append(r"\vfill")
    if page.get("editor"):
        lines.append(rf"{{\large Edited, with notes and a glossary, by {tex(page['editor'])}\par}}")
    edition = " · ".join(
        x for x in (f"Edition {page['edition']}" if page.get("edition") else "", page.get("date") or "") if x
    )
    if edition:
        lines.append(rf"\vspace{{0.5em}}{{\large {tex(edition)}\par}}")
    lines.append(r"\end{titlepage}")
    return "\n".join(lines)


# LaTeX settings this module owns; conf.py's latex_elements win where they set a key.
_LATEX_ELEMENTS = {
    # One side, chapters on any page: no blank versos in a PDF read on screen.
    "extraclassoptions": "openany,oneside",
    "polyglossia": "",
    "babel": r"\usepackage[bidi=basic]{babel}",
    "fncychap": "",
    "sphinxsetup": "TitleColor={rgb}{0,0,0}, InnerLinkColor={rgb}{0.1,0.1,0.35}, OuterLinkColor={rgb}{0.1,0.1,0.35}",
}


def configure_latex(app: Sphinx, config: Config) -> None:
    """Set up the PDF: engine check, fonts, page, title page, and the support files LaTeX needs."""
    set_default(config, "latex_engine", "lualatex")
    if config.latex_engine != "lualatex":
        return  # check_latex_engine stops a LaTeX build; other builders never read these
    book = book_metadata(app)
    page = title_page(app)
    elements = config.latex_elements
    for key, value in _LATEX_ELEMENTS.items():
        elements.setdefault(key, value)
    elements.setdefault("fontpkg", latex_fonts())
    elements.setdefault("maketitle", latex_title_page(page))
    elements["preamble"] = r"\usepackage{essaybook}" + "\n" + elements.get("preamble", "")
    config.latex_additional_files = [
        *config.latex_additional_files,
        str(TEXINPUTS / "essaybook.sty"),
        str(TEXINPUTS / "essaybook.lua"),
    ]
    authors = r" \and ".join(pdf_escape(a) for a in page["authors"])
    filename = str(config.latex_documents[0][1]) if config.latex_documents else "book.tex"
    set_default(
        config,
        "latex_documents",
        [(config.root_doc, filename, pdf_escape(book.title), authors, "manual")],
    )


def check_latex_engine(app: Sphinx) -> None:
    if app.builder.name == "latex" and app.config.latex_engine != "lualatex":
        raise ConfigError(
            f'essaybook.formats: the PDF needs latex_engine = "lualatex", not {app.config.latex_engine!r} '
            "(HarfBuzz shaping, font fallback and babel's bidi print essays in any script)"
        )


class PrintedWayfinding(SphinxPostTransform):
    """Leave the web's way-finding lines out of print, where the book's structure shows them.

    A part page on the web says "Part 2 of 3 of …" and an essay's first page
    "In 3 parts…": in the PDF the parts follow one another as sections of
    the essay's chapter, under their titles, and the contents list them.
    """

    default_priority = 550
    formats = ("latex",)
    classes = frozenset({"essay-context", "essay-contents"})

    def run(self, **kwargs: Any) -> None:
        for container in list(self.document.findall(nodes.container)):
            if self.classes & set(container["classes"]):
                container.parent.remove(container)


NOTES_HEADING = "editorial-notes-heading"  # the class render.py gives the notes' heading


# Characters Sphinx's LaTeX escaping changes even for LuaLaTeX: check marks
# and crosses into math symbols (which a reader copies as other letters),
# ⎽, ℯ and ⅈ into _, e and i. A seed's characters reach the page as written,
# and the fonts have them all. U+FFFD LuaTeX reads as the mark of a broken
# UTF-8 sequence, and stops: it goes in as a command (essaybook.sty).
# Sphinx fills its escaping tables when an application starts; the title page
# is also made without one (in tests), so fill them here too (it is idempotent).
texescape.init()
_AS_WRITTEN = re.compile("([\u2713\u2714\u2715\u2716\u23bd\u212f\u2148\ufffd])")


def pdf_escape(text: str) -> str:
    """Escape text for the PDF's LaTeX: Sphinx's escaping, leaving every character as written."""
    pieces = _AS_WRITTEN.split(text)
    for i in range(1, len(pieces), 2):
        pieces[i] = r"\essaybookfffd{}" if pieces[i] == "\ufffd" else pieces[i]
    for i in range(0, len(pieces), 2):
        pieces[i] = tex_escape(pieces[i], "lualatex")
    return "".join(pieces)


class LaTeXTranslator(SphinxLaTeXTranslator):
    """Sphinx's LaTeX writer, escaping text with :func:`pdf_escape`."""

    def escape(self, s: str) -> str:
        return pdf_escape(s)


class LaTeXBuilder(latex.LaTeXBuilder):
    """Sphinx's LaTeX builder, with the writer above, leaving the table of contents its usual title.

    Sphinx titles the contents with the caption of the title page's first
    toctree, here "Essays", which then also runs in the page footers of the
    front matter.
    """

    default_translator_class = LaTeXTranslator

    def copy_support_files(self) -> None:
        super().copy_support_files()
        self._default_xindy_options()

    def _default_xindy_options(self) -> None:
        """Let ``latexmk -r latexmkrc`` make the index without Sphinx's Makefile.

        Sphinx's latexmkrc runs xindy with ``$ENV{XINDYOPTS}``, which only its
        Makefile exports; Read the Docs runs latexmk directly, so xindy gets no
        language, fails, and the PDF has no index (readthedocs.org issue 5476).
        The latexmkrc now falls back to the Makefile's options.
        """
        if not self.config.latex_use_xindy:
            return
        makefile = (self.outdir / "Makefile").read_text("utf-8")
        options = " ".join(
            m.group(1).strip() for m in re.finditer(r"^(?:export )?XINDYOPTS \+?= (.*)$", makefile, re.MULTILINE)
        )
        rc = self.outdir / "latexmkrc"
        default = "$ENV{'XINDYOPTS'} = '" + options.replace("'", "") + "' unless defined $ENV{'XINDYOPTS'};\n"
        rc.write_text(default + rc.read_text("utf-8"), "utf-8")

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
        for table in self.document.findall(nodes.table):
            if "seed-table" not in table["classes"]:
                continue
            colspecs = list(table.findall(nodes.colspec))
            if len(colspecs) == len(self.widths):
                for colspec, width in zip(colspecs, self.widths, strict=True):
                    colspec["colwidth"] = width
                table["classes"].append("colwidths-given")
            for literal in list(table.findall(nodes.literal)):
                # Sphinx's \sphinxhyphen takes an argument (its "{}"), and would
                # swallow seqsplit's own tokens instead: a hyphen goes in braces.
                text = pdf_escape(literal.astext()).replace(r"\sphinxhyphen{}", "{-}")
                tex = r"\sphinxcode{\sphinxupquote{\seqsplit{" + text + "}}}"
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
    app.connect("builder-inited", check_latex_engine)
    app.connect("doctree-read", drop_virtual_includes)
    app.connect("html-page-context", html_page_context, priority=450)
    app.connect("build-finished", write_robots)
    app.add_builder(EpubBuilder, override=True)
    app.add_builder(LaTeXBuilder, override=True)
    app.add_post_transform(PrintedNotes)
    app.add_post_transform(PrintedSeedTable)
    app.add_post_transform(PrintedWayfinding)
    app.add_post_transform(OnePage)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
