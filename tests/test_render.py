"""Rendering: paragraphs (table-driven and fixture files) and a whole small book against its expected MyST.

The fixture files in ``fixtures/render/*.md`` follow MyST-Parser's own test
fixtures: cases of ``[name] description``, ``.``, the seed text, ``.``, the
expected MyST, ``.``. Each expected text is also parsed with the real MyST
parser, so a wrong expectation cannot hide a wrong escape: it must read back
as the seed's text, with only term links in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from docutils import nodes

from _myst import doctree, tagnames
from essaybook.core.edition import Term
from essaybook.core.escape import escape_text
from essaybook.core.pipeline import build_book
from essaybook.core.render import MARKER, _first_uses, render_paragraph
from essaybook.core.seeds import parse_seed, read_seed
from essaybook.core.terms import Match, TermMatcher

FIXTURES = Path(__file__).parent / "fixtures" / "render"

TERMS = [
    Term("Leon Trotsky", "d", ("Trotsky",)),
    Term("Joseph Stalin", "d", ("Stalin",)),
    Term("goatee", "d", ("goatee beard",)),
    Term("socialism in one country", "d"),
    Term("working class", "d", ("working-class",)),
]
MATCHER = TermMatcher(TERMS)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    seed: str
    expected: str
    line: int


_HEADER = re.compile(r"\[(?P<name>[a-z0-9-]+)\] (?P<description>.+)")


def read_cases(path: Path) -> list[Case]:
    """Parse a fixture file; a malformed one fails loudly rather than yielding fewer cases."""
    lines = path.read_text("utf-8").split("\n")
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        header = _HEADER.fullmatch(lines[i])
        assert header, f"{path}:{i + 1}: expected a '[name] description' line"
        assert lines[i + 1] == ".", f"{path}:{i + 2}: expected '.'"
        start = i
        blocks = []
        i += 2
        for _ in range(2):
            end = lines.index(".", i)
            blocks.append("\n".join(lines[i:end]))
            i = end + 1
        cases.append(Case(header["name"], header["description"], blocks[0], blocks[1], start + 1))
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), f"{path}: duplicate case names"
    return cases


def params(name: str):
    return [pytest.param(c, id=c.name) for c in read_cases(FIXTURES / name)]


def as_paragraph(seed_text: str) -> str:
    """The seed text as the seed parser hands it to the renderer: one paragraph."""
    (paragraph,) = parse_seed(("Title\n\n" + seed_text).encode(), "x.txt").paragraphs
    return paragraph.text


def read_back(myst: str) -> tuple[str, list[tuple[str, str]]]:
    """What a reader gets from one rendered paragraph: its text, and its links (shown, target)."""
    document, warnings = doctree(myst)
    assert warnings == ""
    assert len(document.children) == 1, document.pformat()
    (paragraph,) = document.children
    assert isinstance(paragraph, nodes.paragraph)
    assert tagnames(paragraph) <= {"paragraph", "#text", "inline"}, paragraph.pformat()
    links = [(n.astext(), n["reftarget"]) for n in paragraph.findall(nodes.inline)]
    return paragraph.astext(), links


def test_fixture_files_hold_cases() -> None:
    assert len(read_cases(FIXTURES / "escape.md")) >= 30
    assert len(read_cases(FIXTURES / "terms.md")) >= 8


@pytest.mark.parametrize("case", params("escape.md"))
def test_escape_fixtures(case: Case) -> None:
    text = as_paragraph(case.seed)
    assert render_paragraph(text) == case.expected
    assert read_back(case.expected) == (text, [])


@pytest.mark.parametrize("case", params("terms.md"))
def test_term_fixtures(case: Case) -> None:
    text = as_paragraph(case.seed)
    (links,) = _first_uses(MATCHER, [text])
    assert render_paragraph(text, links) == case.expected
    shown, found = read_back(case.expected)
    spans = [(m.start, m.end) for m in links]
    unwrapped = "".join(" " if c == "\n" and any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    assert shown == unwrapped
    assert found == [(text[m.start : m.end].replace("\n", " "), m.term.term) for m in links]


HOSTILE = sorted((Path(__file__).parent / "fixtures" / "hostile").glob("*.txt"))


@pytest.mark.parametrize("seed", HOSTILE, ids=lambda p: p.stem)
def test_hostile_seeds_read_back_exactly(seed: Path) -> None:
    """Every paragraph and title of the hostile corpus, rendered, is read back as itself."""
    essay = read_seed(seed)
    assert read_back(escape_text(essay.title)) == (essay.title, [])
    for paragraph in essay.paragraphs:
        assert read_back(render_paragraph(paragraph.text)) == (paragraph.text, []), paragraph.line


def test_hostile_corpus_is_there() -> None:
    assert len(HOSTILE) >= 100


# --- render_paragraph: links and note markers -------------------------------------

T = TERMS[0]


def link(text: str, word: str) -> Match:
    start = text.index(word)
    return Match(start, start + len(word), T)


@pytest.mark.parametrize(
    ("text", "links", "notes", "expected"),
    [
        pytest.param("a Trotsky b", ["Trotsky"], [], "a {term}`Trotsky <Leon Trotsky>` b", id="link"),
        pytest.param("a b", [], [(1, "n")], "a[^n] b", id="marker"),
        pytest.param("a b.", [], [(4, "n")], "a b\\.[^n]", id="marker-at-end"),
        pytest.param(
            "a Trotsky b",
            ["Trotsky"],
            [(5, "n")],
            "a {term}`Trotsky <Leon Trotsky>`[^n] b",
            id="marker-inside-link-moves-after",
        ),
        pytest.param(
            "a Trotsky b",
            ["Trotsky"],
            [(2, "n")],
            "a [^n]{term}`Trotsky <Leon Trotsky>` b",
            id="marker-at-link-start-stays-before",
        ),
        pytest.param(
            "a Trotsky b", ["Trotsky"], [(9, "n")], "a {term}`Trotsky <Leon Trotsky>`[^n] b", id="marker-at-link-end"
        ),
        pytest.param(
            "a Trotsky b",
            ["Trotsky"],
            [(5, "x"), (9, "y")],
            "a {term}`Trotsky <Leon Trotsky>`[^x][^y] b",
            id="two-markers-keep-their-order",
        ),
        pytest.param("Trotsky", ["Trotsky"], [], "{term}`Trotsky <Leon Trotsky>`", id="link-is-whole-paragraph"),
        pytest.param(
            "*Trotsky*", ["Trotsky"], [(9, "n")], "\\*{term}`Trotsky <Leon Trotsky>`\\*[^n]", id="escapes-around"
        ),
        pytest.param(
            "a\nTrotsky\nb",
            ["Trotsky"],
            [(9, "n")],
            "a\n{term}`Trotsky <Leon Trotsky>`[^n]\nb",
            id="marker-before-soft-wrap",
        ),
        pytest.param(
            "Leon\nTrotsky",
            ["Leon\nTrotsky"],
            [(2, "n")],
            "{term}`Leon Trotsky <Leon Trotsky>`[^n]",
            id="soft-wrap-in-link",
        ),
        pytest.param(
            "x  Trotsky  y", ["Trotsky"], [], "x  {term}`Trotsky <Leon Trotsky>`  y", id="inner-spaces-kept-around-link"
        ),
    ],
)
def test_render_paragraph(text: str, links: list[str], notes: list[tuple[int, str]], expected: str) -> None:
    assert render_paragraph(text, [link(text, w) for w in links], notes) == expected


def test_markers_read_back_as_footnote_references() -> None:
    text = "a Trotsky b."
    myst = render_paragraph(text, [link(text, "Trotsky")], [(5, "x"), (12, "y")])
    document, warnings = doctree(myst + "\n\n[^x]: X.\n\n[^y]: Y.\n")
    assert warnings == ""
    paragraph = document.children[0]
    assert [type(n).__name__ for n in paragraph.children] == [
        "Text",
        "inline",
        "footnote_reference",
        "Text",
        "footnote_reference",
    ]
    assert [r["refid"] for r in paragraph.findall(nodes.footnote_reference)] == ["x", "y"]


# --- a whole small book --------------------------------------------------------------

BOOK = FIXTURES / "book"


def test_small_book_renders_as_expected() -> None:
    book = build_book(BOOK / "seeds", BOOK / "conf", BOOK)
    expected_dir = BOOK / "expected"
    expected = {p.relative_to(expected_dir).as_posix(): p.read_text("utf-8") for p in expected_dir.rglob("*.md")}
    assert sorted(book.pages) == sorted(expected)
    for name, text in book.pages.items():
        assert text == expected[name], name
        assert text.startswith(MARKER)


def test_rendering_is_deterministic() -> None:
    first = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    second = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    assert first == second


def test_small_book_structure() -> None:
    """What the expected files mean, said once in words: not a copy of them."""
    pages = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    part1, part2 = pages["small/part-1.md"], pages["small/part-2.md"]
    # First use per part: Trotsky is linked once in each part, Stalin once in each.
    for page in (part1, part2):
        assert page.count("{term}`Trotsky <Leon Trotsky>`") == 1
        assert page.count("{term}`Stalin <Joseph Stalin>`") == 1
    # Notes: markers in the part whose paragraph holds the anchor, definitions there too.
    assert "[^met]" in part1 and "[^met]:" in part1 and "[^said]" not in part1
    assert "[^said]" in part2 and "[^said]:" in part2 and "[^met]" not in part2
    # The marker anchored inside "socialism in / one country" goes after the whole link.
    assert "{term}`socialism in one country <socialism in one country>`[^in-term]" in part1
    # Paragraph targets number paragraphs through the whole essay, across parts.
    assert re.findall(r"\((small-p\d+)\)=", part1 + part2) == ["small-p1", "small-p2", "small-p3", "small-p4"]
    # An essay without an editorial entry is one page, terms linked.
    plain = pages["essay-002-plain/index.md"]
    assert "{term}`Trotsky <Leon Trotsky>`" in plain and "toctree" not in plain


def test_short_essay_with_parts_reads_on_one_page() -> None:
    """Under the book's word threshold an essay is one page: its parts are headed sections, marked as the editors'."""
    pages = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    page = pages["one-page/index.md"]
    assert not any(name.startswith("one-page/part-") for name in pages)
    assert re.findall(r"\((one-page-part-\d)\)=\n\{\.editorial-title\}\n## ", page) == [
        "one-page-part-1",
        "one-page-part-2",
    ]
    assert "toctree" not in page and "essay-context" not in page
    # Paragraphs are numbered through the essay, and notes are numbered through the page.
    assert re.findall(r"\((one-page-p\d+)\)=", page) == [f"one-page-p{n}" for n in (1, 2, 3, 4)]
    assert page.index("[^one-met]:") < page.index("[^one-said]:")
    assert "by A\\. N\\. Other" in page
    assert "First published in [*A Weblog*](https://example.org/2014/03/essay), March 2014." in page


def test_long_essay_or_a_chosen_layout_gets_a_page_per_part() -> None:
    pages = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    assert {"small/index.md", "small/part-1.md", "small/part-2.md"} <= pages.keys()  # layout = "pages"


@pytest.mark.parametrize(
    ("words", "layout", "paged"),
    [
        pytest.param(39, "auto", False, id="short-auto"),
        pytest.param(40, "auto", True, id="threshold-auto"),
        pytest.param(10_000, "one-page", False, id="long-forced-one-page"),
        pytest.param(10, "pages", True, id="short-forced-pages"),
    ],
)
def test_layout_rule(tmp_path: Path, words: int, layout: str, paged: bool) -> None:
    seeds, conf = tmp_path / "seeds", tmp_path / "conf"
    seeds.mkdir()
    conf.mkdir()
    body = " ".join(["word"] * (words - 2))
    (seeds / "a.txt").write_text(f"Title\n\nOne two.\n\n{body}\n", "utf-8")
    (conf / "book.toml").write_text(
        '[book]\ntitle = "T"\nrights = {holder = "c", year = "2026"}\nversion = "1"\none_page_words = 40\n'
        f'[essays."a.txt"]\nlayout = "{layout}"\n'
        '[[essays."a.txt".parts]]\ntitle = "P1"\n[[essays."a.txt".parts]]\ntitle = "P2"\nstarts = "word"\n',
        "utf-8",
    )
    book = build_book(seeds, conf, tmp_path)
    assert book.chapters[0].words == words
    assert ("a/part-1.md" in book.pages) is paged


def test_timeline_page_lists_the_events_by_date_with_links() -> None:
    pages = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages
    page = pages["timeline.md"]
    assert "```{timeline}" in page
    rows = re.findall(r"^\* - (.+)\n  - (.+)\n  - (.+)$", page, re.MULTILINE)
    assert rows[0] == ("Date", "Event", "Told in")
    assert rows[1:] == [
        ("1907", "They meet in Vienna", "{ref}`part 1, note 1 <small-note-met>` in {ref}`small`"),
        ("December 1924", "A doctrine", "{term}`socialism in one country`"),
    ]


def test_a_book_without_dated_events_has_no_timeline(tmp_path: Path) -> None:
    seeds, conf = tmp_path / "seeds", tmp_path / "conf"
    seeds.mkdir()
    conf.mkdir()
    (seeds / "a.txt").write_text("Title\n\nText.\n", "utf-8")
    (conf / "book.toml").write_text(
        '[book]\ntitle = "T"\nrights = {holder = "c", year = "2026"}\nversion = "1"\n', "utf-8"
    )
    assert "timeline.md" not in build_book(seeds, conf, tmp_path).pages


def test_sources_page_formats_each_source_in_the_style_and_lists_what_cites_it() -> None:
    page = build_book(BOOK / "seeds", BOOK / "conf", BOOK).pages["sources.md"]
    assert "Chicago Manual of Style" in page
    entries = re.findall(
        r"\((source-[a-z-]+)\)=\n:::\{container\} source-entry\n(.+)\n\n\{\.where-used\}\n(.+)\n", page
    )
    assert [e[0] for e in entries] == ["source-carr", "source-service"]  # the style's order: by author
    assert entries[1][1] == "Service\\, Robert\\. 2009\\. *Trotsky\\: A Biography*\\. Macmillan\\."
    assert "{term}`Leon Trotsky`" in entries[1][2] and "<small-note-met>" in entries[1][2]


@pytest.mark.parametrize(
    ("link", "stop"),
    [
        ("{ref}`Trotsky 1930 <source-trotsky>`", "."),
        ("{ref}`Trotsky, n.d. <source-trotsky>`", ""),  # the label's own stop ends the sentence
        (escape_text("Trotsky, n.d."), ""),
        (escape_text("The Revolution Betrayed"), "."),
    ],
)
def test_a_link_ending_in_a_full_stop_gets_no_second_one(link: str, stop: str) -> None:
    from essaybook.core.render import _full_stop

    assert _full_stop(link) == stop
