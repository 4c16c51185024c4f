"""Each builder's extras (``essaybook.sphinx_ext``: epub, latex, site, assembled) on tests/roots/test-book.

The end-to-end tests (test_formats.py) build the real book in every format;
these pin each piece of the extension to the builder it is for, on a book
small enough to know its notes by heart: two on the first part's page, one
on the third's, each page numbering its own from 1 on the web.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from essaybook.sphinx_ext.epub import book_identifier

WITH_FORMATS = {"extensions": ["myst_parser", "essaybook"]}


def test_book_identifier_is_a_stable_uuid_urn() -> None:
    first = book_identifier("A Tiny Book")
    assert first == book_identifier("A Tiny Book")
    assert first != book_identifier("Another Book")
    assert first.startswith("urn:uuid:")
    assert uuid.UUID(first.removeprefix("urn:uuid:")).version == 5


@pytest.mark.sphinx(
    "epub",
    testroot="book",
    srcdir="formats-epub-metadata",
    confoverrides={**WITH_FORMATS, "epub_description": "Set in conf.py"},
)
def test_book_toml_fills_only_the_metadata_conf_py_leaves(app) -> None:
    assert app.config.epub_description == "Set in conf.py"
    assert app.config.epub_identifier == book_identifier("A Tiny Book")
    (document,) = app.config.latex_documents
    assert document[0] == "index" and document[2] == "A Tiny Book" and document[4] == "manual"


def _built_tex(app) -> str:
    """Build the LaTeX, without a warning; its one .tex file's text."""
    app.build()
    assert app._warning.getvalue() == ""
    (tex,) = Path(app.outdir).glob("*.tex")
    return tex.read_text("utf-8")


@pytest.mark.sphinx("latex", testroot="book", srcdir="formats-latex", confoverrides=WITH_FORMATS)
def test_printed_notes_are_numbered_through_the_book_without_a_heading(app) -> None:
    text = _built_tex(app)
    # Notes 1 and 2 of part 1 and note 1 of part 3 on the web.
    assert re.findall(r"\\begin\{footnote\}\[(\d+)\]", text) == ["1", "2", "3"]
    assert "Editors’ notes" not in text
    # The table of contents keeps its own title, not the first toctree's caption.
    assert "\\contentsname}{Essays}" not in text


@pytest.mark.sphinx("latex", testroot="book", srcdir="formats-latex-note-links", confoverrides=WITH_FORMATS)
def test_printed_links_to_notes_name_the_printed_number(app) -> None:
    """The web's "part 3, note 1" is the paper's note 3: the glossary and the sources say so in print."""
    text = _built_tex(app)
    # Each printed note, by every name a link may use for it (its labels).
    printed = {
        target: number
        for number, labels in re.findall(
            r"\\begin\{footnote\}\[(\d+)\]\\sphinxAtStartFootnote\n((?:\\phantomsection\\label\{\\detokenize\{[^}]*\}\})+)",
            text,
        )
        for target in re.findall(r"\\detokenize\{([^}]*)\}", labels)
    }
    assert sorted(set(printed.values())) == ["1", "2", "3"]
    links = re.findall(
        r"\\hyperref\[\\detokenize\{([^}]*)\}\]\{\\sphinxcrossref\{\\DUrole\{std\}\{\\DUrole\{std-ref\}\{([^}]*note[^}]*)\}",
        text,
    )
    # Both sources' "Cited in" name the third part's note ("part 3, note 1" on the web).
    assert ("book/parts/part-3:third", "note\u00a03") in links
    for target, name in links:
        # With a no-break space: the number never starts a line of its own.
        assert name == f"note\u00a0{printed[target]}", (target, name)


@pytest.mark.sphinx("latex", testroot="book", srcdir="formats-latex-uses", confoverrides=WITH_FORMATS)
def test_a_listing_of_uses_has_a_line_per_link(app) -> None:
    """A "Used in" or "Cited in" listing grows with the book; one line of it outgrew TeX's buffer at 100 essays."""
    listings = re.findall(r"\\sphinxstyleemphasis\{(?:Used in: |Cited in:)\}(.*?)\n\n", _built_tex(app), re.S)
    linked = [listing for listing in listings if r"\hyperref[" in listing]  # some cite nothing
    assert linked
    for listing in linked:
        lines = [line for line in listing.splitlines() if line]
        assert all(line.count(r"\hyperref[") <= 1 for line in lines), listing
        assert len(lines) == listing.count(r"\hyperref["), listing


def _listing_text(tex: str) -> str:
    """A listing of uses as the PDF prints it: its links' texts between its own."""
    text = re.sub(r"\\hyperref\[[^]]*\]", "", tex)
    text = re.sub(r"\\(?:sphinxcrossref|sphinxtermref|DUrole\{[^}]*\})", "", text)
    return " ".join(text.replace("{", "").replace("}", "").split())


@pytest.mark.sphinx("latex", testroot="book", srcdir="formats-latex-chapters", confoverrides=WITH_FORMATS)
def test_printed_listings_name_each_essay_by_its_chapter_once(app) -> None:
    text = _built_tex(app)
    used = [_listing_text(t) for t in re.findall(r"\\sphinxstyleemphasis\{Used in: \}(.*?)\n\n", text, re.S)]
    cited = [_listing_text(t) for t in re.findall(r"\\sphinxstyleemphasis\{Cited in:\}(.*?)\n\n", text, re.S)]
    # On the web: "Meeting ¶ 1, ¶ 2; Arguing ¶ 3; A Plain Essay ¶ 1, ¶ 2" (the paged essay's pages by title).
    assert "ch. 1 ¶ 1, ¶ 2, ¶ 3; ch. 2 ¶ 1, ¶ 2." in used
    assert "ch. 1 ¶ 1, ¶ 2, note 1, ¶ 3, ¶ 5." in used
    # The sources name the chapter the same way, and a glossary entry as it is.
    assert "ch. 1: note 1, note 3; Leon Trotsky." in cited
    # No essay's title is left in a listing.
    assert not [t for t in used + cited if "Meeting" in t or "Plain Essay" in t or "Parts of" in t]


def _paragraph(*parts: tuple[str, str] | str) -> nodes.paragraph:
    """A listing: ("page#place" or "page", its text) for a link, a string for the text between."""
    para = nodes.paragraph(classes=["where-used"])
    para += nodes.emphasis(text="Used in: ")
    for part in parts:
        if isinstance(part, str):
            para += nodes.Text(part)
        else:
            ref = nodes.reference("", "", internal=True, refuri="%" + part[0])
            ref += nodes.inline(part[1], part[1])
            para += ref
    return para


# An essay of two pages (its index and a part), then a link to another essay's page.
_PAGED = [("a/index", "Essay A"), " ", ("a/index#p3", "¶ 3"), "; ", ("a/part-2", "Two"), " ", ("a/part-2#p5", "¶ 5")]
_OTHER = ["; ", ("b/index", "Essay B"), " ", ("b/index#p1", "¶ 1")]
# The sources' form, with a glossary entry, and a link whose text is not its page's title.
_CITED = [("a/index#a", "Essay A"), ": ", ("a/index#n2", "note 2"), "; ", ("g#term-x", "x"), "; ", ("b/index", "Other")]


@pytest.mark.parametrize(
    ("parts", "several", "printed"),
    [
        # Its chapter named once, its places going on from one page to the next.
        ([*_PAGED, "."], True, "Used in: ch.\u00a01 ¶ 3, ¶ 5."),
        ([*_PAGED, *_OTHER, "."], True, "Used in: ch.\u00a01 ¶ 3, ¶ 5; ch.\u00a02 ¶ 1."),
        # A book of one essay names none.
        ([*_PAGED, "."], False, "Used in: ¶ 3, ¶ 5."),
        ([*_CITED, "."], True, "Used in: ch.\u00a01: note 2; x; Other."),
    ],
)
def test_printed_listings_name_chapters(parts: list, several: bool, printed: str) -> None:
    from types import SimpleNamespace

    from docutils.utils import new_document

    from essaybook.sphinx_ext.latex import PrintedListings

    document = new_document("listing")
    titles = {"a/index": "Essay A", "a/part-2": "Two", "b/index": "Essay B"}
    document.settings.env = SimpleNamespace(titles={k: nodes.Text(v) for k, v in titles.items()})
    para = _paragraph(*parts)
    PrintedListings(document)._name_chapters(para, {"a/index": 1, "a/part-2": 1, "b/index": 2}, several=several)
    assert para.astext() == printed


@pytest.mark.sphinx("html", testroot="book", srcdir="formats-html", confoverrides=WITH_FORMATS)
def test_web_pages_keep_their_own_note_ids_and_headings(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    page = (Path(app.outdir) / "book" / "parts" / "part-3.html").read_text("utf-8")
    assert 'id="id1"' in page, "the single-page renaming must not touch the web pages"
    # On the web a note follows its paragraph; the heading over notes at the foot is gone.
    assert "Editors’ notes" not in page and '<div class="sidenotes docutils container">' in page


@pytest.mark.sphinx("singlehtml", testroot="book", srcdir="formats-single", confoverrides=WITH_FORMATS)
def test_single_page_links_have_one_fragment_and_ids_are_unique(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    page = (Path(app.outdir) / "index.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert [h for h in hrefs if h.count("#") > 1] == []
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    # Each part's note marker and its note's back-link still point at each other.
    html = BeautifulSoup(page, "html.parser")
    markers = [(a["href"].removeprefix("#"), a["id"]) for a in html.select("a.footnote-reference")]
    assert len(markers) == 3
    for note, marker in markers:
        assert f'id="{note}"' in page
        assert f'href="#{marker}"' in page


# --- the PDF edition ---------------------------------------------------------------------


@pytest.mark.sphinx("latex", testroot="edition", srcdir="formats-edition-latex")
def test_title_page_values_come_from_one_function(app) -> None:
    from essaybook.sphinx_ext.latex import title_page

    assert title_page(app) == {
        "title": "Essays in Every Script",
        "subtitle": "A test edition",
        "authors": ["Ada Lovelace"],
        "editor": "The Test Editors",
        "edition": "2.1",
        "date": "",
    }


@pytest.mark.sphinx("latex", testroot="edition", srcdir="formats-edition-tex")
def test_pdf_title_page_and_document_information(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    tex = (Path(app.outdir) / "essaysineveryscript.tex").read_text("utf-8")
    assert app.config.latex_engine == "lualatex"
    # An edition's title page, not a manual's: no release line, no blank versos.
    assert r"\begin{titlepage}" in tex and r"\sphinxmaketitle" not in tex
    title_page = tex[tex.index(r"\begin{titlepage}") : tex.index(r"\end{titlepage}")]
    shown = (
        "Essays in Every Script",
        "A test edition",
        "Ada Lovelace",
        "Edited, with notes and a glossary, by The Test Editors",
        "Edition 2.1",
    )
    for words in shown:
        assert words in title_page
    assert "Release" not in title_page and "Author unknown" not in title_page
    assert re.search(r"\\documentclass\[[^]]*openany,oneside[^]]*\]\{sphinxmanual\}", tex)
    # The document information names the author, never the editors.
    info = re.search(r"\\hypersetup\{pdftitle=\{([^}]*)\}, pdfauthor=\{([^}]*)\}", tex)
    assert info and info.groups() == ("Essays in Every Script", "Ada Lovelace")
    assert r"\author{Ada Lovelace}" in tex


@pytest.mark.sphinx("latex", testroot="print", srcdir="formats-print")
def test_print_makes_a_book_of_the_title_page_and_its_contents(app) -> None:
    """Front matter, an essay a chapter (its parts its sections), back matter; no chapter called Contents."""
    text = _built_tex(app)
    body = text[text.index(r"\begin{document}") :]
    headings = re.findall(
        r"\\(chapter|section|subsection|essaybookmainmatter|essaybookbackmatter)\b(?:\{([^}]*)\})?", body
    )
    assert headings == [
        ("chapter", "Introduction"),
        ("essaybookmainmatter", ""),
        ("chapter", "Parts of an Essay"),
        ("section", "Meeting"),
        ("section", "Arguing"),
        ("section", "Again"),
        ("chapter", "A Plain Essay"),
        ("essaybookbackmatter", ""),
        ("chapter", "Glossary"),
        ("chapter", "Sources"),
    ]
    # The web's title page is the title page and the contents LaTeX makes: only the introduction stays.
    assert "\\essaybookcontents" in body and "The editors' \\sphinxstyleemphasis{introduction}" in body
    after_contents = body[body.index("\\essaybookcontents") :]
    for web_only in ("Printed as a book", "Edited by Test Editors", "print leaves out"):
        assert web_only not in after_contents, web_only
    # Each essay's paragraphs carry the web's numbers, through the whole essay across its parts.
    numbers = re.findall(r"\\essaybookparagraph\{(\d+)\}", body)
    assert numbers == ["1", "2", "3", "4", "5", "1", "2"]
    # A reader of print is told to cite a paragraph by its number, never by a web address.
    assert "add its number from the margin, as in ‘¶ 4’." in body
    assert "online" not in body and "\\#parts\\sphinxhyphen{}p" not in body


@pytest.mark.sphinx("epub", testroot="print", srcdir="formats-print-epub")
def test_epub_contents_follow_the_printed_structure(app) -> None:
    """The EPUB lists each essay once, its parts under it, then the apparatus: as the PDF's outline."""
    app.build()
    assert app._warning.getvalue() == ""
    ncx = (Path(app.outdir) / "toc.ncx").read_text("utf-8")
    entries = re.findall(r"<text>([^<]*)</text>", ncx)
    assert entries[1:] == [
        "A Tiny Book",
        "Parts of an Essay",
        "Meeting",
        "Arguing",
        "Again",
        "A Plain Essay",
        "Glossary",
        "Sources",
    ]
    nav = (Path(app.outdir) / "nav.xhtml").read_text("utf-8")
    assert re.findall(r"<a href=\"[^\"]*\">([^<]*)</a>", nav) == entries[1:]
    page = (Path(app.outdir) / "book" / "parts" / "index.xhtml").read_text("utf-8")
    assert "add its number from the margin" in page and "online" not in page


@pytest.mark.parametrize(
    ("authors", "shown", "info"),
    [([], "Author unknown", ""), (["A. Writer", "B. Writer"], "B. Writer", "A. Writer, B. Writer")],
)
def test_title_page_names_every_author_or_says_none_is_known(authors, shown, info) -> None:
    from essaybook.sphinx_ext.latex import latex_title_page

    page = {"title": "T", "subtitle": "", "authors": authors, "editor": "Eds", "edition": "1", "date": "2026-12"}
    tex = latex_title_page(page)
    assert shown in tex
    assert f"pdfauthor={{{info}}}" in tex
    assert "Edited, with notes and a glossary, by Eds" in tex and r"Edition 1 · 2026\sphinxhyphen{}12" in tex
    assert "Eds" not in tex[: tex.index(r"\begin{titlepage}")], "the editors are no authors"


@pytest.mark.sphinx("latex", testroot="edition", srcdir="formats-edition-wayfinding")
def test_web_wayfinding_lines_stay_out_of_print(app) -> None:
    app.build()
    tex = (Path(app.outdir) / "essaysineveryscript.tex").read_text("utf-8")
    assert "Part 1 of 2" not in tex and "In 2 parts" not in tex
    assert r"\section{Opening}" in tex and r"\section{Closing}" in tex


@pytest.mark.sphinx("html", testroot="edition", srcdir="formats-edition-html")
def test_web_wayfinding_lines_stay_on_the_web(app) -> None:
    app.build()
    book = Path(app.outdir) / "book" / "in-parts"
    assert "In 2 parts" in (book / "index.html").read_text("utf-8")
    assert "Part 2 of 2 of" in (book / "part-2.html").read_text("utf-8")


@pytest.mark.sphinx("latex", testroot="edition", srcdir="formats-edition-support")
def test_latex_folder_holds_what_latexmk_needs_without_the_makefile(app) -> None:
    app.build()
    out = Path(app.outdir)
    assert (out / "essaybook.sty").is_file() and (out / "essaybook.lua").is_file()
    tex = (out / "essaysineveryscript.tex").read_text("utf-8")
    assert r"\usepackage{essaybook}" in tex
    # LuaTeX stops at a U+FFFD in its input: the seed's goes in as a command.
    assert "\ufffd" not in tex and r"replacement character \essaybookfffd{} kept" in tex
    # Read the Docs runs latexmk without Sphinx's Makefile, which alone exports xindy's options.
    rc = (out / "latexmkrc").read_text("utf-8")
    assert rc.startswith("$ENV{'XINDYOPTS'} = '-L english -C utf8")
    assert "$pdflatex = 'lualatex " in rc
    # LaTeX's page count, which nothing reads, does not bring latexmk back for a third run.
    (ignore,) = re.findall(r"^\$hash_calc_ignore_pattern\{'aux'\} = '(.*)';$", rc, re.MULTILINE)
    pattern = ignore.replace("\\\\", "\\")  # a Perl string in single quotes: \\ is one backslash
    assert re.match(pattern, "\\gdef \\@abspage@last{185}")
    assert not re.match(pattern, "\\newlabel{index::doc}{{}{1}{}{section*.2}{}}")


def test_the_pdf_refuses_another_engine(make_app, rootdir: Path, tmp_path: Path) -> None:
    from sphinx.errors import ConfigError

    srcdir = tmp_path / "edition"
    shutil.copytree(rootdir / "test-edition", srcdir)
    with pytest.raises(ConfigError, match="lualatex"):
        make_app("latex", srcdir=srcdir, confoverrides={"latex_engine": "xelatex"})


def test_pdf_escaping_leaves_every_character_as_written() -> None:
    from essaybook.sphinx_ext.latex import pdf_escape

    # Sphinx would print a math check mark (copied as another letter), and e and i for ℯ and ⅈ.
    assert pdf_escape("✓ ✔ ✕ ✖ ⎽ ℯ ⅈ") == "✓ ✔ ✕ ✖ ⎽ ℯ ⅈ"
    # LuaTeX cannot read U+FFFD: it goes in as the command that prints it.
    assert pdf_escape("a\ufffdb") == r"a\essaybookfffd{}b"
    # Everything else is Sphinx's escaping.
    assert pdf_escape(r"50% {x} \ _ - $") == r"50\% \{x\} \textbackslash{} \_ \sphinxhyphen{} \$"
