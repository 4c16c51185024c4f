"""``essaybook.formats`` on the tiny project in tests/roots/test-book, one builder at a time.

The end-to-end tests (test_formats.py) build the real book in every format;
these pin each piece of the extension to the builder it is for, on a book
small enough to know its notes by heart: two on the first part's page, one
on the third's, each page numbering its own from 1 on the web.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from essaybook.formats import book_identifier

WITH_FORMATS = {"extensions": ["myst_parser", "essaybook.sphinxext", "essaybook.formats"]}


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


@pytest.mark.sphinx("latex", testroot="book", srcdir="formats-latex", confoverrides=WITH_FORMATS)
def test_printed_notes_are_numbered_through_the_book_without_a_heading(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    (tex,) = Path(app.outdir).glob("*.tex")
    text = tex.read_text("utf-8")
    # Notes 1 and 2 of part 1 and note 1 of part 3 on the web.
    assert re.findall(r"\\begin\{footnote\}\[(\d+)\]", text) == ["1", "2", "3"]
    assert "Editors’ notes" not in text
    # The table of contents keeps its own title, not the first toctree's caption.
    assert "\\contentsname}{Essays}" not in text


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
    markers = re.findall(r'<a class="footnote-reference[^"]*" href="#([^"]+)" id="([^"]+)"', page)
    assert len(markers) == 3
    for note, marker in markers:
        assert f'id="{note}"' in page
        assert f'href="#{marker}"' in page
