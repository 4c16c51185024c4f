"""The editors' marks inside an essay's text, as a browser shows them: drawn, never part of the words.

A paragraph's number and a note's marker are drawn by CSS from ``data-n``.
A reader who selects and copies a paragraph gets the author's words alone
(the marks are not text), while the page still shows each mark, and, in the
EPUB, shows a note's number bracketed once (Sphinx's EPUB stylesheet brackets
``a.footnote-reference.brackets`` itself).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import ESSAY, norm, serving

from essaybook.core.seeds import read_seed
from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html

pytestmark = pytest.mark.browser

SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]

COPY = """() => [...document.querySelectorAll('.essay-text > p')].map((p) => {
    const range = document.createRange();
    range.selectNodeContents(p);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const copied = selection.toString();
    selection.removeAllRanges();
    return copied;
})"""

MARKERS = """() => [...document.querySelectorAll('.essay-text a.footnote-reference')].map((a) => {
    const box = a.getBoundingClientRect();
    return {n: a.dataset.n, text: a.textContent, width: box.width, height: box.height,
            before: getComputedStyle(a, '::before').content, after: getComputedStyle(a, '::after').content};
})"""


def _check_markers(markers: list[dict]) -> None:
    assert markers, "no note markers on the essay's page"
    for m in markers:
        assert m["text"] == "" and m["width"] > 0 and m["height"] > 0, m
        # The number, bracketed once: drawn before the link's (empty) content, and nothing after it.
        assert m["before"] == f'"[{m["n"]}]"' and m["after"] in ("none", "normal"), m


def test_a_copied_paragraph_holds_the_authors_words_alone(visit) -> None:
    v = visit(ESSAY)
    copied = v.page.evaluate(COPY)
    assert [norm(c) for c in copied] == [norm(p.text) for p in read_seed(SEED).paragraphs]
    _check_markers(v.page.evaluate(MARKERS))


@pytest.fixture(scope="module")
def epub_site(book_project: Path) -> Path:
    """The book's EPUB, as its unpacked files (the pages a reading system renders)."""
    out = book_project / "_build" / "epub-marks"
    build_html(
        book_project,
        out,
        doctrees=book_project / "_build" / "doctrees-epub-marks",
        builder="epub",
        env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
    ).check()
    return out


def test_an_epub_note_marker_shows_its_number_bracketed_once(browser, epub_site: Path) -> None:
    with serving(epub_site) as url:
        ctx = browser.new_context(base_url=url)
        try:
            page = ctx.new_page()
            page.goto(ESSAY.replace(".html", ".xhtml"), wait_until="load")
            _check_markers(page.evaluate(MARKERS))
            copied = page.evaluate(COPY)
            assert [norm(c) for c in copied] == [norm(p.text) for p in read_seed(SEED).paragraphs]
        finally:
            ctx.close()
