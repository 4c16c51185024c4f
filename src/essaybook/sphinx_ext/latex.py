"""The PDF, as LaTeX for LuaLaTeX: a printed book's structure, the title page, the fonts, every character.

* the page (:mod:`essaybook.typeset`'s ``essaybook.sty`` and ``essaybook.lua``)
  and the fonts (:mod:`essaybook.typeset.fonts`) in the preamble: only those
  the book's characters need, chosen when the LaTeX is written;
* a title page naming the essays' authors, the editors as editors, the
  edition and its date, and the PDF's document information (authors only);
  on its verso, whose the essays and the editors' work are;
* the book as a printed book is built (:class:`PrintedBook`): front matter
  (title page, contents, the editors' introduction), each essay a chapter
  with its parts as sections, the editors' apparatus as back matter; the
  running heads name the essay and the part, and each paragraph of an essay
  has its number, ``¶ n``, in the margin, as on the web;
* text escaped as Sphinx escapes it, except the characters Sphinx would
  replace by look-alikes;
* notes numbered through the book, the seed table fitted to the page, the
  web's way-finding lines left out, and the index made without Sphinx's
  Makefile (Read the Docs runs latexmk directly).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import latex
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import texescape
from sphinx.util.texescape import escape as tex_escape
from sphinx.writers.latex import LaTeXTranslator as SphinxLaTeXTranslator

from ..core.memo import MEMO_FOLDER, Memo
from ..core.pipeline import book_code_points
from ..core.reading import human_date
from ..typeset import TEXINPUTS
from ..typeset.coverage import installed_coverage
from ..typeset.fonts import FontChoice, choose_fonts, latex_babel, latex_fonts
from . import reaches
from .assembled import by_page
from .config import set_default
from .conversion import book_authors, book_metadata, paths, state_of
from .glossary import _chapter_pages
from .margins import paragraph_number
from .notices import latex_rights

__all__ = [
    "LaTeXBuilder",
    "LaTeXTranslator",
    "PrintedBook",
    "configure_latex",
    "latex_title_page",
    "pdf_escape",
    "title_page",
]


def title_page(app: Sphinx) -> dict[str, Any]:
    """What the PDF's title page says: the one place that knows where each value comes from.

    ``authors`` are the essays' authors (an empty list prints "Author
    unknown"); the editors are named as editors, never as authors.
    ``edition`` is the book's version; ``date`` the edition's date as a reader says it.
    The rights are on the title page's verso (:meth:`LaTeXBuilder.update_context`),
    each essay's and the editors'.
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
        # The title page is page 1 before the contents' roman numbers and the introduction's page 1:
        # without its own page anchor, as Sphinx's title page, or the PDF has two "page.1".
        r"\hypersetup{pageanchor=false}",
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
    lines.append(r"\hypersetup{pageanchor=true}")
    return "\n".join(lines)


# LaTeX settings this module owns; conf.py's latex_elements win where they set a key.
_LATEX_ELEMENTS = {
    # One side, chapters on any page: no blank versos in a PDF read on screen.
    "extraclassoptions": "openany,oneside",
    "polyglossia": "",
    # babel, whose bidi=basic the builder adds for a book with right-to-left text (latex_babel).
    "babel": r"\usepackage{babel}",
    "fncychap": "",
    # The contents open the front matter (essaybook.sty); PrintedBook marks where the essays begin and end.
    "tableofcontents": r"\essaybookcontents",
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
    # "fontpkg" (the fonts) is chosen when the LaTeX is written, from the book's characters (LaTeXBuilder).
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


def book_characters(app: Sphinx) -> frozenset[int]:
    """Every character the PDF may print: the book's (counted by the core), its own pages', its title leaf's."""
    seeds_dir, conf_dir, _ = paths(app)
    chars = set(book_code_points(seeds_dir, conf_dir))
    # Every page: the hand-written ones, and the generated ones, which add the converter's own
    # words (the changes page's, the apparatus's) to the seeds' and conf/'s characters.
    for doc in sorted(app.env.found_docs):
        chars.update(map(ord, set(Path(app.env.doc2path(doc)).read_text("utf-8", "replace"))))
    # Sphinx's own words ("Contents", "Index") and ours ("Introduction") are ASCII; the title page's
    # are the editors'; essaybook.sty prints "¶" before each paragraph's number.
    page = title_page(app)
    words = [page.get(key) or "" for key in ("title", "subtitle", "editor", "edition", "date")]
    chars.update(map(ord, "".join(map(str, [*words, *page["authors"], "·", "¶"]))))
    # The verso's rights: fixed words around the holders' names and the essays' titles.
    chars.update(map(ord, "".join(s.text for s in state_of(app.env).rights.listing)))
    chars.update(range(0x20, 0x7F))
    return frozenset(chars)


def check_latex_engine(app: Sphinx) -> None:
    if app.builder.name == "latex" and app.config.latex_engine != "lualatex":
        raise ConfigError(
            f'essaybook: the PDF needs latex_engine = "lualatex", not {app.config.latex_engine!r} '
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


NOTES_HEADING = "editorial-notes-heading"  # the class essaybook.core.render gives the notes' heading
INTRODUCTION = "book-introduction"  # the class of the editors' introduction on the title page (docs/index.md)


class PrintedBook(SphinxPostTransform):
    """Give the PDF a printed book's structure: front matter, an essay a chapter, back matter.

    On the web the title page holds the book's title, its byline, the
    editors, the edition, the introduction and the contents, under which the
    essays and the apparatus are listed; Sphinx would print all of it as a
    first chapter called "Contents" holding the whole book. In print the
    title page and the contents are LaTeX's own (:func:`latex_title_page`,
    ``\\essaybookcontents``), so of the web's title page only the
    introduction is kept, as the front matter's "Introduction", and the pages
    its contents list become the book: pages listed before the first essay
    are front matter, each essay a numbered chapter (its parts its sections),
    and every page after the essays (glossary, timeline, sources, About)
    back matter, unnumbered (``essaybook.sty``).
    """

    # Before the other print transforms and Sphinx's footnote transform (600): only positions change.
    default_priority = 540
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        if self.document.get("docname") != self.config.root_doc:
            return
        root = next((n for n in self.document.children if isinstance(n, nodes.section)), None)
        if root is None or not isinstance(root[0], nodes.title):
            return
        pages = _listed_pages(root)
        if not pages:
            return
        # A book without an introduction leaves its box empty.
        introduction = [
            n
            for n in _outside_pages(root)
            if isinstance(n, nodes.container) and INTRODUCTION in n["classes"] and n.astext().strip()
        ]
        essays = set(state_of(self.env).chapters)
        first = next((i for i, page in enumerate(pages) if page["docname"] in essays), len(pages))
        last = max((i for i, page in enumerate(pages) if page["docname"] in essays), default=first - 1)
        body: list[nodes.Node] = []
        if introduction:
            section = nodes.section("", nodes.title("", "Introduction"), classes=["editorial"])
            for box in introduction:
                box.parent.remove(box)
                section += box
            body.append(section)
        body += pages[:first]
        body.append(nodes.raw("", "\\essaybookmainmatter\n", format="latex"))
        body += pages[first : last + 1]
        body.append(nodes.raw("", "\\essaybookbackmatter\n", format="latex"))
        body += pages[last + 1 :]
        for page in pages:
            page.parent.remove(page)
        root[1:] = body


def _listed_pages(root: nodes.Element) -> list[addnodes.start_of_file]:
    """The pages the root's toctrees inlined, in order: not those their own toctrees list."""
    found: list[addnodes.start_of_file] = []
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            found.append(node)
        elif isinstance(node, nodes.Element):
            stack.extend(reversed(node.children))
    return found


def _outside_pages(root: nodes.Element) -> list[nodes.Element]:
    """The root page's own elements: everything under it that no toctree brought in."""
    found: list[nodes.Element] = []
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if isinstance(node, addnodes.start_of_file) or not isinstance(node, nodes.Element):
            continue
        found.append(node)
        stack.extend(reversed(node.children))
    return found


# Characters Sphinx's LaTeX escaping changes even for LuaLaTeX: check marks
# and crosses into math symbols (which a reader copies as other letters),
# ⎽, ℯ and ⅈ into _, e and i. A seed's characters reach the page as written,
# and the fonts have them all. U+FFFD LuaTeX reads as the mark of a broken
# UTF-8 sequence, and stops: it goes in as a command (essaybook.sty).
_AS_WRITTEN = re.compile("([\u2713\u2714\u2715\u2716\u23bd\u212f\u2148\ufffd])")


@cache
def _escaping_tables() -> None:
    # Sphinx fills its escaping tables when a LaTeX builder starts; the title page is
    # made earlier (at config-inited) and in tests without a build. Filling them is
    # idempotent, and done on first use rather than at import.
    texescape.init()


def pdf_escape(text: str) -> str:
    """Escape text for the PDF's LaTeX: Sphinx's escaping, leaving every character as written."""
    _escaping_tables()
    pieces = _AS_WRITTEN.split(text)
    for i in range(1, len(pieces), 2):
        pieces[i] = r"\essaybookfffd{}" if pieces[i] == "\ufffd" else pieces[i]
    for i in range(0, len(pieces), 2):
        pieces[i] = tex_escape(pieces[i], "lualatex")
    return "".join(pieces)


class LaTeXTranslator(SphinxLaTeXTranslator):
    """Sphinx's LaTeX writer, escaping text with :func:`pdf_escape`, numbering the essays' paragraphs."""

    def escape(self, s: str) -> str:
        return pdf_escape(s)

    def visit_Text(self, node: nodes.Text) -> None:
        super().visit_Text(node)
        # A listing of uses ("Used in", "Cited in") is one paragraph, which LaTeX's writer puts
        # on one line: at 100 essays a line of 260,000 characters, past TeX's buffer (200,000),
        # and the PDF failed. The space of each separator between its links becomes a line end,
        # which TeX reads as a space.
        parent = node.parent
        if isinstance(parent, nodes.paragraph) and "where-used" in parent["classes"]:
            if self.body[-1] in (" ", ", ", "; ", ": "):
                self.body[-1] = self.body[-1][:-1] + "\n"

    def visit_footnote(self, node: nodes.Element) -> None:
        super().visit_footnote(node)
        # Sphinx gives a footnote no label, so every "note 13" the glossary, the sources and
        # the changes link to would be a dead link in the PDF: each of its names is a target.
        self.body.append("".join(self.hypertarget(i, anchor=True) for i in node["ids"]))

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        super().visit_paragraph(node)
        # The web's number, in the margin (essaybook.sty), so a reader of the PDF cites as one of the site does.
        n = paragraph_number(node)
        if n is not None:
            self.body.append(rf"\essaybookparagraph{{{n}}}")


class LaTeXBuilder(latex.LaTeXBuilder):
    """Sphinx's LaTeX builder, with the writer above, leaving the table of contents its usual title.

    Sphinx titles the contents with the caption of the title page's first
    toctree, here "Essays", which then also runs in the page footers of the
    front matter.
    """

    default_translator_class = LaTeXTranslator

    def __init__(self, app: Sphinx, env: Any) -> None:
        super().__init__(app, env)
        self._sphinx = app  # Builder.app is deprecated (Sphinx 9); the fonts need the project's paths

    def update_context(self) -> None:
        """The fonts the book needs, and the title page's verso: whose the essays and the editors' work are.

        Sphinx's hook for the template's values just before writing: the
        essays' titles, which the rights name them by, are known only once
        the conversion has run, after the configuration was read.
        """
        reaches.check("Sphinx LaTeX context")
        super().update_context()
        page = latex_rights(list(state_of(self.env).rights.listing), pdf_escape)
        if not self.context.get("essaybook_rights"):
            self.context["essaybook_rights"] = page
            # The verso belongs to the title leaf: like the title page, without a page anchor, or
            # its page 2 would clash with the book's page 2 in the PDF's links.
            maketitle, end = self.context.get("maketitle", ""), r"\hypersetup{pageanchor=true}"
            if maketitle.endswith(end):
                self.context["maketitle"] = f"{maketitle.removesuffix(end)}{page}\n{end}"
            else:
                self.context["maketitle"] = maketitle + "\n" + page
        elements = self.config.latex_elements
        ours = elements.get("babel") == _LATEX_ELEMENTS["babel"]
        if "fontpkg" not in elements or ours:
            choice = self.font_choice()
            if "fontpkg" not in elements:
                self.context["fontpkg"] = latex_fonts(choice)
            if ours:
                # Sphinx's template prints the babel element as init_multilingual copied it.
                self.context["multilingual"] = latex_babel(choice)

    def font_choice(self) -> FontChoice:
        """The fonts this book needs: those of its seeds' and editorial layer's characters, and of its own pages.

        Besides those, the PDF prints the hand-written pages of the project
        (``docs/*.md``), the title page and Sphinx's own words (all in
        :func:`book_characters`).
        """
        memo = Memo(Path(self.doctreedir) / MEMO_FOLDER)
        choice = choose_fonts(book_characters(self._sphinx), installed_coverage(memo))
        memo.save()
        return choice

    def copy_support_files(self) -> None:
        """Sphinx's support files, and its latexmkrc with our two lines (read and written once)."""
        super().copy_support_files()
        rc = self.outdir / "latexmkrc"
        text = rc.read_text("utf-8")
        rc.write_text(self._default_xindy_options() + text.rstrip("\n") + "\n" + self._ignore_page_count(), "utf-8")

    @staticmethod
    def _ignore_page_count() -> str:
        """The latexmkrc line that keeps latexmk from a third LuaLaTeX run that changes nothing.

        LaTeX writes the document's page count to the ``.aux`` file
        (``\\@abspage@last``) for the next run; latexmk reruns LuaLaTeX whenever
        the ``.aux`` file changes, and the second run's count is larger than
        the first's whenever the contents take more than a page. Nothing this
        book loads reads the count, and no page number depends on the
        contents' length (``\\essaybookcontents`` starts page 1 after them),
        so the line is left out of latexmk's comparison; a change to any
        label or contents line still brings the run it needs.
        """
        # A Perl string in single quotes, holding the pattern ^\\gdef \\@abspage@last\{
        return r"$hash_calc_ignore_pattern{'aux'} = '^\\\\gdef \\\\@abspage@last\\{';" "\n"

    def _default_xindy_options(self) -> str:
        """The latexmkrc line that lets ``latexmk -r latexmkrc`` make the index without Sphinx's Makefile.

        Sphinx's latexmkrc runs xindy with ``$ENV{XINDYOPTS}``, which only its
        Makefile exports; Read the Docs runs latexmk directly, so xindy gets no
        language, fails, and the PDF has no index (readthedocs.org issue 5476).
        The latexmkrc falls back to the Makefile's options ("" without xindy).
        """
        if not self.config.latex_use_xindy:
            return ""
        reaches.check("Sphinx latexmkrc")
        makefile = (self.outdir / "Makefile").read_text("utf-8")
        options = " ".join(
            m.group(1).strip() for m in re.finditer(r"^(?:export )?XINDYOPTS \+?= (.*)$", makefile, re.MULTILINE)
        )
        if not options:
            raise ExtensionError(
                "essaybook.sphinx_ext.latex: Sphinx's LaTeX Makefile sets no XINDYOPTS any more, so the PDF's "
                "index could not be made (see essaybook.sphinx_ext.reaches, 'Sphinx latexmkrc')"
            )
        return "$ENV{'XINDYOPTS'} = '" + options.replace("'", "") + "' unless defined $ENV{'XINDYOPTS'};\n"

    def get_contentsname(self, indexfile: str) -> str:
        return ""


# A note as a web page names it, in a link to it: its page's part, if any, and its number there.
_WEB_NOTE_NAME = re.compile(r"(?:part \d+, )?note[ \u00a0]\d+")


def _target(ref: nodes.reference) -> tuple[str, str] | None:
    """(page, id) of a link as Sphinx resolves it for LaTeX, "%<page>" or "%<page>#<id>"; None for any other."""
    uri = ref.get("refuri", "")
    if not uri.startswith("%"):
        return None
    page, _, anchor = uri[1:].partition("#")
    return page, anchor


def _retext(ref: nodes.reference, text: str) -> None:
    """Give a link other words, in the one text node it has (a link of several is left as it is)."""
    texts = list(ref.findall(nodes.Text))
    if len(texts) == 1:
        texts[0].parent.replace(texts[0], nodes.Text(text))


class PrintedNotes(SphinxPostTransform):
    """Notes as a printed book has them: numbered through the book, with no heading.

    Each page of the web edition numbers its notes from 1 and lists them under
    a heading; in print they are footnotes, where a heading would stand alone
    at the end of the text and two parts on one page would both have a note 1.
    A link that names a note as the web numbers it ("note 2", "part 3, note 1":
    the glossary's "Used in", the sources' "Cited in") names it by its printed
    number, the one a reader of the paper finds beside the text.
    """

    # Before Sphinx's LaTeXFootnoteTransform (600) moves the notes into the text.
    default_priority = 550
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for rubric in list(self.document.findall(nodes.rubric)):
            if NOTES_HEADING in rubric["classes"]:
                rubric.parent.remove(rubric)
        # Footnote ids are unique within a page, not within the book.
        placed = list(by_page(self.document))
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
        printed = {key: number[id(note)] for key, note in notes.items() if id(note) in number}
        for ref in self.document.findall(nodes.reference):
            target = _target(ref)
            if target in printed and _WEB_NOTE_NAME.fullmatch(ref.astext()):
                # Never "note" at a line's end and its number on the next.
                _retext(ref, f"note\u00a0{printed[target]}")


class PrintedListings(SphinxPostTransform):
    """A listing of uses ("Used in", "Cited in") names each essay by its chapter number in print.

    On the web a listing names each essay, and each page of a paged one, by
    its title. In print the essays are numbered chapters, and the titles,
    repeated under every glossary entry and every source, were most of those
    pages: 47 of 185 at 30 essays. Print names the chapter once ("ch. 3 ¶ 4,
    note 12; ch. 5 ¶ 2"), whichever of its pages the places are on; a book of
    one essay names none. Each name stays a link to its chapter.
    """

    # After the references are resolved (ReferencesResolver, 10) and the notes numbered (PrintedNotes).
    default_priority = 560
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        state = state_of(self.env)
        chapter_of = {
            page: number for number, doc in enumerate(state.chapters, 1) for page in _chapter_pages(self.env, doc)
        }
        for para in list(self.document.findall(nodes.paragraph)):
            if "where-used" in para["classes"]:
                self._name_chapters(para, chapter_of, several=len(state.chapters) > 1)

    def _name_chapters(self, para: nodes.paragraph, chapter_of: dict[str, int], several: bool) -> None:
        named = None  # the chapter the places before are in
        for ref in [c for c in para.children if isinstance(c, nodes.reference)]:
            page = (_target(ref) or ("", ""))[0]
            title = self.env.titles.get(page)
            number = chapter_of.get(page)
            # A place (¶ 4, note 12) or a glossary term links there too, named otherwise.
            if (
                number is None
                or title is None
                or ref.astext() != title.astext()
                or len(list(ref.findall(nodes.Text))) != 1
            ):
                continue
            if several and number != named:
                _retext(ref, f"ch.\u00a0{number}")
            else:
                # By position: a text node equals any other of the same text, and docutils
                # removes or replaces the first that is equal.
                at = next(i for i, child in enumerate(para.children) if child is ref)
                if at + 1 < len(para) and isinstance(para[at + 1], nodes.Text) and para[at + 1] in (" ", ": "):
                    del para[at + 1]
                del para[at]
                if at and isinstance(para[at - 1], nodes.Text) and para[at - 1] == "; ":
                    # The chapter's places go on from those before it.
                    para[at - 1] = nodes.Text(", ")
            named = number


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
