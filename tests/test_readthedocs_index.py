"""The book as the programs that index and copy its pages read it: the author's words alone.

Read the Docs' search indexes the HTML pages themselves (:mod:`readthedocs_index`
follows its rules with its parser), joining the text of inline elements as
it stands; a reader's copy and a browser's find do the same. So every mark
the book sets inside an essay's text, a note's number as a paragraph's, is
drawn by CSS from an attribute and is no text of the page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from essaybook.core.edition import essay_slug, load_book
from essaybook.core.seeds import read_seed
from readthedocs_index import collapse, essay_findings, index_page
from sitebuild import ROOT, heading_text, soup

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
BOOK = load_book(ROOT / "conf")


def _essays() -> dict[str, list[str]]:
    return {
        essay_slug(seed.name, BOOK.essays.get(seed.name)): [p.text for p in read_seed(seed).paragraphs]
        for seed in SEEDS
    }


def test_every_paragraph_is_indexed_whole_once_in_its_own_section(built_book: Path) -> None:
    found = essay_findings(built_book, _essays())
    assert found.paragraphs == sum(len(p) for p in _essays().values()) > 0
    assert found.problems == []
    assert (found.whole, found.altered_words) == (found.paragraphs, 0)


def test_titles_and_sections_are_indexed_as_written(built_book: Path) -> None:
    for seed in SEEDS:
        conf = BOOK.essays.get(seed.name)
        slug = essay_slug(seed.name, conf)
        page = built_book / "book" / slug / "index.html"
        index = index_page(page.read_text("utf-8"))
        assert index.title == collapse(read_seed(seed).title)
        titles = [s.title for s in index.sections if s.id.startswith(f"{slug}-part-")]
        assert titles == [collapse(part.title) for part in conf.parts]
    for page in sorted(built_book.rglob("*.html")):
        html = soup(page)
        index = index_page(page.read_text("utf-8"))
        headings = {collapse(heading_text(h)) for h in html.select("[role=main] :is(h1, h2, h3, h4, h5, h6)")}
        assert {s.title for s in index.sections if s.id and not s.id.startswith("term-")} <= headings, page


def test_every_glossary_term_is_a_section_of_its_own(built_book: Path) -> None:
    terms = tomllib.loads((ROOT / "conf" / "glossary.toml").read_text("utf-8"))["terms"]
    index = index_page((built_book / "book" / "glossary.html").read_text("utf-8"))
    indexed = {s.title: s.content for s in index.sections if s.id.startswith("term-")}
    assert sorted(indexed) == sorted(t["term"] for t in terms)
    assert all(indexed.values())


def test_note_markers_hold_no_text_and_name_their_note(built_book: Path) -> None:
    """A marker is a link to its note whose number CSS draws: its name "Note 3" for assistive technology."""
    notes = tomllib.loads((ROOT / "conf" / "notes.toml").read_text("utf-8"))["notes"]
    markers = 0
    for page in sorted((built_book / "book").rglob("*.html")):
        html = soup(page)
        for marker in html.select(".essay-text a.footnote-reference"):
            markers += 1
            number = marker["data-n"]
            assert marker.get_text() == "" and marker["aria-label"] == f"Note {number}", marker
            assert marker["role"] == "doc-noteref" and "brackets" not in marker["class"], marker
            note = html.find(id=marker["href"].removeprefix("#"))
            assert note is not None and note.name == "aside", marker
            label = note.select_one(".label")
            assert label is not None and label.get_text().strip("[]") == number, note
    assert markers == len(notes)
