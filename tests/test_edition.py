"""The editorial layer: schema checks and anchors, each problem with its file, line and code, all in one run."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from essaybook.core.edition import load_book, load_edition, resolve
from essaybook.core.problems import ProblemsError
from essaybook.core.seeds import parse_seed

BOOK = """\
[book]
title = "A Book"
rights = { holder = "Editors", year = "2026" }
version = "1.0"
"""

SEED = "000_essay.txt"
ESSAY = parse_seed(
    dedent(
        """\
        The Title

        First paragraph says ‘something quoted’ once.

        Second paragraph: the same words again
        and again, the same words.

        Third paragraph — with a dash.
        """
    ).encode(),
    SEED,
    f"seeds/{SEED}",
)


def write(tmp_path: Path, **files: str) -> Path:
    """conf/ with these files: sources is CSL-JSON, the others TOML."""
    conf = tmp_path / "conf"
    conf.mkdir(exist_ok=True)
    files.setdefault("book", BOOK)
    for name, text in files.items():
        (conf / f"{name}{SUFFIX.get(name, '.toml')}").write_text(dedent(text), "utf-8")
    return conf


SUFFIX = {"sources": ".json"}


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line of the nth line holding needle: tests name lines by content, not by counting."""
    hits = [n for n, line in enumerate(dedent(text).split("\n"), 1) if needle in line]
    return hits[nth]


def problems(conf: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    return [(p.path, p.line, p.code) for p in info.value.problems]


def resolve_problems(tmp_path: Path, **files: str):
    edition = load_edition(write(tmp_path, **files))
    chapters, found, skipped = resolve(edition, [ESSAY])
    return chapters, found, skipped


# --- a valid edition -------------------------------------------------------------


def test_valid_edition_loads(tmp_path: Path) -> None:
    conf = write(
        tmp_path,
        book=BOOK + f'\n[essays."{SEED}"]\nslug = "the-essay"\nauthor = "A. N. Author"\n'
        f'\n[[essays."{SEED}".parts]]\ntitle = "One"\n'
        f'\n[[essays."{SEED}".parts]]\ntitle = "Two"\nstarts = "Second paragraph"\n',
        glossary='[[terms]]\nterm = "words"\ndefinition = "Many."\naliases = ["word"]\nsources = ["s1"]\n',
        notes=f'[[notes]]\nid = "n1"\nseed = "{SEED}"\nanchor = "once."\ntext = "A note."\nsources = ["s1"]\n',
        sources='[{"id": "s1", "type": "book", "title": "A Work", "author": [{"family": "Smith", "given": "Jane Q."}],'
        ' "issued": {"date-parts": [[1999]]}, "URL": "https://example.org/w"}]\n',
        timeline='[[events]]\ndate = "1999-05"\nlabel = "A work appears"\nnote = "n1"\nsources = ["s1"]\n',
    )
    edition = load_edition(conf)
    assert edition.book.title == "A Book"
    assert edition.essays[SEED].slug == "the-essay"
    assert edition.essays[SEED].author == "A. N. Author"
    assert [p.title for p in edition.essays[SEED].parts] == ["One", "Two"]
    assert [t.term for t in edition.terms] == ["words"]
    assert [(s.id, s.title, s.url) for s in edition.sources] == [("s1", "A Work", "https://example.org/w")]
    assert [(e.date, e.label, e.note) for e in edition.events] == [("1999-05", "A work appears", "n1")]
    chapters, found, skipped = resolve(edition, [ESSAY])
    assert found == [] and skipped == []
    (chapter,) = chapters
    assert [(p.first, p.last) for p in chapter.parts] == [(0, 1), (1, 3)]
    (note,) = chapter.notes
    assert (note.paragraph, ESSAY.paragraphs[0].text[: note.end]) == (0, ESSAY.paragraphs[0].text)
    front = load_book(conf)
    assert front.book.version == "1.0"
    assert (front.book.rights.holder, front.book.rights.year, front.book.rights.licence) == ("Editors", "2026", "")
    assert front.essays[SEED].rights is None
    assert front.authors([SEED, "not-in-book.txt"]) == ["A. N. Author"]


def test_optional_files_may_be_missing(tmp_path: Path) -> None:
    edition = load_edition(write(tmp_path))
    assert (edition.terms, edition.notes, edition.sources, edition.essays, edition.events) == ((), (), (), {}, ())
    assert (edition.book.citation_style, edition.book.one_page_words) == ("chicago-author-date", 4000)


# --- schema -----------------------------------------------------------------------

SCHEMA_CASES = [
    pytest.param(
        "book",
        BOOK.replace('title = "A Book"', 'titel = "A Book"'),
        [("titel", "conf.unknown-key"), ("[book]", "conf.missing-key")],
        id="book-misspelt-key",
    ),
    pytest.param(
        "book", BOOK.replace('version = "1.0"', "version = 1.0"), [("version", "conf.type")], id="book-wrong-type"
    ),
    pytest.param("book", BOOK + "\n[bookk]\nx = 1\n", [("[bookk]", "conf.unknown-key")], id="misspelt-table"),
    pytest.param(
        "glossary",
        '# The glossary\n\n[[term]]\nterm = "a"\ndefinition = "d"\n',
        [("[[term]]", "conf.unknown-key")],
        id="misspelt-array-of-tables",
    ),
    pytest.param("book", "[book]\n", [("[book]", "conf.missing-key")] * 3, id="book-missing-keys"),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt"]\nslug = "Bad_Slug"\nauthr = "x"\n',
        [("slug", "conf.slug"), ("authr", "conf.unknown-key")],
        id="essay-unknown-key",
    ),
    pytest.param(
        "book", BOOK + '\n[essays."x.txt"]\nslug = "Bad_Slug"\n', [("slug", "conf.slug")], id="essay-bad-slug"
    ),
    pytest.param(
        "book",
        BOOK + '\n[[essays."x.txt".parts]]\ntitle = "A"\n\n[[essays."x.txt".parts]]  # second\ntitle = "B"\n',
        [("# second", "conf.missing-key")],
        id="later-part-without-starts",
    ),
    pytest.param(
        "book",
        BOOK + '\n[[essays."x.txt".parts]]\ntitle = "A"\nstart = "typo"\n',
        [("start =", "conf.unknown-key")],
        id="part-unknown-key",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "a"\ndefinition = "d"\n\n[[terms]]  # two\nterm = "b"\n',
        [("# two", "conf.missing-key")],
        id="term-missing-definition",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "a"\ndefinition = "d"\naliases = "b"\n',
        [("aliases", "conf.type")],
        id="aliases-not-a-list",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "a"\ndefinition = "d"\naliases = [1]\n',
        [("aliases", "conf.type")],
        id="aliases-not-strings",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "a`b"\ndefinition = "d"\naliases = ["c <d>"]\n',
        [("[[terms]]", "conf.term-chars")] * 2,
        id="term-characters",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "Alpha"\ndefinition = "d"\naliases = ["shared"]\n\n'
        '[[terms]]  # beta\nterm = "Beta"\ndefinition = "d"\naliases = ["SHARED"]\n',
        [("# beta", "conf.alias-shared")],
        id="alias-shared",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "Alpha"\ndefinition = "d"\n\n[[terms]]  # again\nterm = "alpha"\ndefinition = "d"\n',
        [("# again", "conf.alias-shared")],
        id="term-twice",
    ),
    pytest.param(
        "glossary",
        '[[terms]]\nterm = "a"\ndefinition = "d"\nsources = ["nowhere"]\n',
        [("[[terms]]", "conf.unknown-source")],
        id="term-unknown-source",
    ),
    pytest.param("glossary", 'terms = "x"\n', [("terms", "conf.type")], id="terms-not-an-array"),
    pytest.param(
        "notes",
        '[[notes]]\nid = "Bad Id"\nseed = "s.txt"\nanchor = "a"\ntext = "t"\nsources = []\n',
        [('id = "Bad Id"', "conf.id"), ("sources = []", "conf.no-source")],
        id="note-bad-id-no-source",
    ),
    pytest.param(
        "notes",
        '[[notes]]\nid = "n"\nseed = "s.txt"\nanchor = " "\ntext = "t"\nsources = ["gone"]\n\n'
        '[[notes]]  # dup\nid = "n"\nseed = "s.txt"\nanchor = "b"\ntext = "t"\nsources = ["gone"]\n\n'
        '[[notes]]  # third\nid = "m"\nseed = "s.txt"\nanchor = "c"\ntext = "t"\nsources = ["gone"]\n',
        [
            ('anchor = " "', "conf.anchor"),
            ("# dup", "conf.unknown-source"),
            ("# third", "conf.unknown-source"),
        ],
        id="note-empty-anchor-unknown-source",
    ),
    pytest.param(
        "notes",
        '[[notes]]\nid = "n"\nseed = "s.txt"\nanchor = "a"\ntext = "t"\nsources = ["s"]\n\n'
        '[[notes]]  # dup\nid = "n"\nseed = "s.txt"\nanchor = "b"\ntext = "t"\nsources = ["s"]\n',
        [("[[notes]]", "conf.unknown-source"), ("# dup", "conf.duplicate-id"), ("# dup", "conf.unknown-source")],
        id="note-duplicate-id",
    ),
    pytest.param(
        "notes",
        '[[notes]]\nid = "n"\nseed = "s.txt"\nanchor = "a"\ntext = "t"\nsources = ["x"]\nextra = 1\n',
        [("extra", "conf.unknown-key")],
        id="note-unknown-key",
    ),
    pytest.param(
        "sources",
        '[\n  {"id": "s", "type": "book", "tittle": "T"}\n]\n',
        [('"tittle"', "conf.unknown-key"), ('{"id": "s"', "conf.missing-key")],
        id="source-misspelt-key",
    ),
    pytest.param(
        "sources",
        '[\n  {"id": "s", "type": "booc",\n   "title": "T"}\n]\n',
        [('"type"', "conf.invalid")],
        id="source-unknown-type",
    ),
    pytest.param(
        "sources",
        '[\n  {"id": "s", "type": "book", "title": "T",\n   "author": "Jane Smith"}\n]\n',
        [('"author"', "conf.type")],
        id="source-author-not-a-list",
    ),
    pytest.param(
        "sources",
        '[\n  {"id": "s", "type": "book", "title": "T",\n   "URL": "ftp://x y"}\n]\n',
        [('"URL"', "conf.url")],
        id="source-bad-url",
    ),
    pytest.param(
        "sources",
        '[\n  {"id": "s", "type": "book", "title": "T"},\n  {"id": "s", "type": "book", "title": "U"}\n]\n',
        [('"U"', "conf.duplicate-id")],
        id="source-duplicate-id",
    ),
    pytest.param(
        "sources", '[\n  {"id": "s", "type": "book"}\n]\n', [('{"id"', "conf.missing-key")], id="source-no-title"
    ),
    pytest.param("sources", '{"id": "s"}\n', [('{"id"', "conf.type")], id="sources-not-an-array"),
    pytest.param(
        "book",
        BOOK.replace('version = "1.0"', 'version = "1.0"\ndate = "2026-13"'),
        [("date", "conf.date")],
        id="book-bad-date",
    ),
    pytest.param(
        "book",
        BOOK.replace('version = "1.0"', 'version = "1.0"\ncitation_style = "no-such-style"'),
        [("citation_style", "conf.citation-style")],
        id="unknown-citation-style",
    ),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt"]\nlayout = "scroll"\n',
        [("layout", "conf.invalid")],
        id="essay-unknown-layout",
    ),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt".first_published]\nwhere = "a blog"\nurl = "not a url"\n',
        [("where", "conf.unknown-key"), ("url", "conf.url")],
        id="first-publication-keys",
    ),
    pytest.param(
        "timeline",
        '[[events]]\ndate = "1917-11-07"\nlabel = "L"\nnote = "n"\nterm = "T"\n',
        [("[[events]]", "conf.invalid")],
        id="event-note-and-term",
    ),
    # Rights: the editors' required, an essay's holder and year (or the public domain), the year as text.
    pytest.param(
        "book",
        BOOK.replace('rights = { holder = "Editors", year = "2026" }', 'copyright = "2026, Editors"'),
        [("copyright", "conf.replaced-key"), ("[book]", "conf.missing-key")],
        id="book-copyright-replaced-by-rights",
    ),
    pytest.param(
        "book",
        BOOK.replace('year = "2026"', "year = 2026"),
        [("rights", "conf.type")],
        id="book-rights-year-as-a-number",
    ),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt".rights]\nholder = "A. N. Author"\nlicense = "CC BY 4.0"\n',
        [("license", "conf.unknown-key")],
        id="essay-rights-misspelt-licence",
    ),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt".rights]\nholder = "A. N. Author"\nlicence = "CC BY 4.0"\n',
        [('[essays."x.txt".rights]', "conf.missing-key")],
        id="essay-rights-without-a-year",
    ),
    pytest.param(
        "book",
        BOOK + '\n[essays."x.txt".rights]\nyear = "14"\nlicence_url = "creativecommons.org"\n',
        [('year = "14"', "conf.date"), ("licence_url", "conf.url")],
        id="essay-rights-bad-year-and-address",
    ),
    pytest.param(
        "timeline",
        '[[events]]\ndate = "November 1917"\nlabel = "L"\nnote = "n"\n',
        [("date", "conf.date")],
        id="event-bad-date",
    ),
    pytest.param(
        "timeline",
        '[[events]]\ndate = "1917"\nlabel = "' + "x" * 61 + '"\nnote = "n"\n',
        [("label", "conf.invalid")],
        id="event-label-too-long",
    ),
    pytest.param(
        "timeline",
        '[[events]]\ndate = "1917"\nlabel = "L"\nnote = "nowhere"\n\n'
        '[[events]]  # term\ndate = "1918"\nlabel = "M"\nterm = "Nothing"\n',
        [("[[events]]", "conf.unknown-note"), ("# term", "conf.unknown-term")],
        id="event-unknown-note-and-term",
    ),
]


@pytest.mark.parametrize(("file", "text", "expected"), SCHEMA_CASES)
def test_schema(tmp_path: Path, file: str, text: str, expected: list[tuple[str, str]]) -> None:
    conf = write(tmp_path, **{file: text})
    path = f"conf/{file}{SUFFIX.get(file, '.toml')}"
    want = sorted((path, line_of(text, needle), code) for needle, code in expected)
    assert sorted(problems(conf)) == want


def test_messages_say_what_to_do(tmp_path: Path) -> None:
    conf = write(tmp_path, book=BOOK.replace('title = "A Book"', 'titel = "A Book"'))
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    unknown = next(p for p in info.value.problems if p.code == "conf.unknown-key")
    assert "titel" in unknown.message and "title" in unknown.hint
    assert all(p.hint for p in info.value.problems)


def test_toml_syntax_error(tmp_path: Path) -> None:
    conf = write(tmp_path, glossary='[[terms]]\nterm = "a\ndefinition = "d"\n')
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    (p,) = info.value.problems
    assert (p.path, p.line, p.code) == ("conf/glossary.toml", 2, "conf.syntax")
    assert p.column > 0


def test_conf_not_utf8(tmp_path: Path) -> None:
    conf = write(tmp_path)
    (conf / "notes.toml").write_bytes(b"# caf\xe9\n")
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    assert [(p.path, p.code) for p in info.value.problems] == [("conf/notes.toml", "conf.encoding")]
    assert "byte offset 5" in info.value.problems[0].message


def test_missing_book_toml(tmp_path: Path) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    assert [(p.path, p.code) for p in info.value.problems] == [("conf/book.toml", "conf.missing-file")]


def test_every_file_every_problem_in_one_run(tmp_path: Path) -> None:
    book = BOOK.replace('version = "1.0"', "version = 1") + '\n[essays."x.txt"]\nslug = "X"\n'
    glossary = (
        '[[terms]]\nterm = "a"\ndefinition = "d"\naliases = ["b"]\n\n'
        '[[terms]]  # second\nterm = "b"\ndefinition = "d"\nsources = ["nope"]\n'
    )
    notes = '[[notes]]\nid = "n1"\nseed = "x.txt"\nanchor = "a"\ntext = "t"\nsources = []\ncolour = "red"\n'
    sources = '[\n  {"id": "s_1", "type": "book", "title": "T"}\n]\n'
    timeline = '[[events]]\ndate = "1917"\nlabel = "L"\nnote = "gone"\n'
    conf = write(tmp_path, book=book, glossary=glossary, notes=notes, sources=sources, timeline=timeline)
    assert sorted(problems(conf)) == sorted(
        [
            ("conf/book.toml", line_of(book, "version"), "conf.type"),
            ("conf/book.toml", line_of(book, "slug"), "conf.slug"),
            ("conf/glossary.toml", line_of(glossary, "# second"), "conf.alias-shared"),
            ("conf/glossary.toml", line_of(glossary, "# second"), "conf.unknown-source"),
            ("conf/notes.toml", line_of(notes, "sources"), "conf.no-source"),
            ("conf/notes.toml", line_of(notes, "colour"), "conf.unknown-key"),
            ("conf/sources.json", line_of(sources, "s_1"), "conf.id"),
            ("conf/timeline.toml", line_of(timeline, "[[events]]"), "conf.unknown-note"),
        ]
    )


def test_sources_toml_is_no_longer_read(tmp_path: Path) -> None:
    conf = write(tmp_path)
    (conf / "sources.toml").write_text('[[sources]]\nid = "s"\ntitle = "T"\n', "utf-8")
    assert problems(conf) == [("conf/sources.toml", 0, "conf.legacy-file")]


def test_json_syntax_error(tmp_path: Path) -> None:
    conf = write(tmp_path, sources='[\n  {"id": "s",}\n]\n')
    with pytest.raises(ProblemsError) as info:
        load_edition(conf)
    (p,) = info.value.problems
    assert (p.path, p.line, p.code) == ("conf/sources.json", 2, "conf.syntax")
    assert p.column > 0


def test_every_conf_file_names_its_schema() -> None:
    """An editor's editor completes and checks keys from the schema the file names on its first line."""
    root = Path(__file__).resolve().parents[1]
    for name in ("book", "glossary", "notes", "timeline"):
        first = (root / "conf" / f"{name}.toml").read_text("utf-8").split("\n", 1)[0]
        assert first == f"#:schema ../src/essaybook/core/schemas/{name}.schema.json", name
        assert (root / "conf" / first.split(" ", 1)[1]).resolve().is_file()


# --- anchors ----------------------------------------------------------------------


def note(nid: str, anchor: str, seed: str = SEED) -> str:
    return f'[[notes]]  # {nid}\nid = "{nid}"\nseed = "{seed}"\nanchor = "{anchor}"\ntext = "t"\nsources = ["s"]\n\n'


SOURCES = '[{"id": "s", "type": "book", "title": "T"}]\n'


def parts(*starts: str | None) -> str:
    out = BOOK + f'\n[essays."{SEED}"]\n'
    for i, s in enumerate(starts, 1):
        out += f'\n[[essays."{SEED}".parts]]  # part {i}\ntitle = "P{i}"\n'
        if s is not None:
            out += f'starts = "{s}"\n'
    return out


def test_note_anchors(tmp_path: Path) -> None:
    notes = (
        note("ok", "says ‘something quoted’")
        + note("wrapped", "words again and again")  # a soft wrap in the seed between "again" and "and"
        + note("missing", "not in the essay")
        + note("near", "says 'something QUOTED'")  # straight quotes and case differ from the seed
        + note("twice", "the same words")
        + note("elsewhere", "anything", seed="999_other.txt")
    )
    chapters, found, skipped = resolve_problems(tmp_path, notes=notes, sources=SOURCES)
    by_id = {p.message.split("'")[1]: p for p in found}
    assert sorted(by_id) == ["missing", "near", "twice"]
    for nid, code in (
        ("missing", "conf.anchor-missing"),
        ("near", "conf.anchor-missing"),
        ("twice", "conf.anchor-ambiguous"),
    ):
        p = by_id[nid]
        assert (p.path, p.line, p.code) == ("conf/notes.toml", line_of(notes, f"# {nid}"), code)
        assert f"seeds/{SEED}" in p.message
    assert "not in the essay" in by_id["missing"].message
    assert by_id["missing"].hint.startswith("copy the phrase")
    assert by_id["near"].hint.startswith("did you mean “says ‘something quoted’” (paragraph at line 3)?")
    assert "2 times" in by_id["twice"].message and "lines 5, 5" in by_id["twice"].message
    assert skipped == [
        f"conf/notes.toml:{line_of(notes, '# elsewhere')}: note 'elsewhere' skipped: "
        "seed 999_other.txt is not in the book"
    ]
    (chapter,) = chapters
    ends = {n.note.id: (n.paragraph, n.end) for n in chapter.notes}
    assert ends["ok"] == (0, ESSAY.paragraphs[0].text.index("’") + 1)
    assert ends["wrapped"] == (1, ESSAY.paragraphs[1].text.index("again,") + len("again"))


@pytest.mark.parametrize(
    ("starts", "bad_part", "code", "words"),
    [
        pytest.param((None, "Nowhere"), 2, "conf.anchor-missing", "no paragraph", id="missing"),
        pytest.param(
            (None, "Second paragraph:", "the same words"),
            3,
            "conf.anchor-missing",
            "no paragraph",
            id="only-paragraph-starts-count",
        ),
        pytest.param((None, "T"), None, None, None, id="unique-prefix-ok"),
        pytest.param((None, "Third paragraph — with"), None, None, None, id="exact-dash-ok"),
        pytest.param((None, "Third paragraph - with"), 2, "conf.anchor-missing", "did you mean", id="hint-for-dash"),
        pytest.param(("Second",), 1, "conf.part-order", "starts at paragraph 2", id="first-part-not-first"),
        pytest.param((None, "Third", "Second"), 3, "conf.part-order", "does not start after", id="parts-out-of-order"),
        pytest.param((None, "First", "Second"), 2, "conf.part-order", "does not start after", id="part-at-first"),
    ],
)
def test_part_anchors(tmp_path: Path, starts, bad_part, code, words) -> None:
    book = parts(*starts)
    chapters, found, _ = resolve_problems(tmp_path, book=book)
    if bad_part is None:
        assert found == []
        assert len(chapters[0].parts) == len(starts)
        return
    (p,) = found
    assert (p.path, p.line, p.code) == ("conf/book.toml", line_of(book, f"# part {bad_part}"), code)
    assert words in p.message + p.hint


def test_ambiguous_part_start(tmp_path: Path) -> None:
    essay = parse_seed(b"T\n\nSame start one.\n\nSame start two.\n\nOther.", SEED, f"seeds/{SEED}")
    book = parts(None, "Same start")
    edition = load_edition(write(tmp_path, book=book))
    _, (p,), _ = resolve(edition, [essay])
    assert (p.line, p.code) == (line_of(book, "# part 2"), "conf.anchor-ambiguous")
    assert "(lines 3, 5)" in p.message


def test_all_anchor_problems_together(tmp_path: Path) -> None:
    book = parts(None, "Nowhere")
    notes = note("a", "missing one") + note("b", "missing two") + note("c", "the same words")
    _, found, _ = resolve_problems(tmp_path, book=book, notes=notes, sources=SOURCES)
    assert sorted((p.path, p.code) for p in found) == [
        ("conf/book.toml", "conf.anchor-missing"),
        ("conf/notes.toml", "conf.anchor-ambiguous"),
        ("conf/notes.toml", "conf.anchor-missing"),
        ("conf/notes.toml", "conf.anchor-missing"),
    ]


def test_parts_follow_the_configured_order(tmp_path: Path) -> None:
    chapters, found, _ = resolve_problems(tmp_path, book=parts(None, "Second", "Third"))
    assert found == []
    assert [(p.number, p.title, p.first, p.last) for p in chapters[0].parts] == [
        (1, "P1", 0, 1),
        (2, "P2", 1, 2),
        (3, "P3", 2, 3),
    ]


def test_page_name_clashes(tmp_path: Path) -> None:
    edition = load_edition(write(tmp_path))
    essays = [
        parse_seed(b"T\n\nP.", name, f"seeds/{name}")
        for name in ("My Essay.txt", "my-essay.txt", "glossary.txt", "fine.txt")
    ]
    _, found, _ = resolve(edition, essays)
    assert sorted((p.path, p.code) for p in found) == [
        ("seeds/glossary.txt", "seed.duplicate-name"),
        ("seeds/my-essay.txt", "seed.duplicate-name"),
    ]
    clash = next(p for p in found if p.path == "seeds/my-essay.txt")
    assert "seeds/My Essay.txt" in clash.message and "slug" in clash.hint


def test_entry_for_absent_seed_is_skipped_not_an_error(tmp_path: Path) -> None:
    _, found, skipped = resolve_problems(tmp_path, book=BOOK + '\n[essays."gone.txt"]\nslug = "gone"\n')
    assert found == []
    assert skipped == ["conf/book.toml: entry for gone.txt skipped: no such seed in the book"]
