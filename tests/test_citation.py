"""Citing the edition and its essays (essaybook.core.how_to_cite): one CSL item each, every other form made from it.

Each file format is read back with a standard reader, never with our own
code: BibTeX with pybtex, RIS with rispy, CSL-JSON with json and the CSL
schema the editors' sources are checked against.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
import rispy
from jsonschema import Draft202012Validator
from pybtex.database import parse_string

from essaybook.core import how_to_cite as citation
from essaybook.core.bibliography import Bibliography, runs
from essaybook.core.edition import Book, Chapter, EssayConf, PartPlan, Publication, Rights
from essaybook.core.seeds import Essay, Paragraph

BOOK = Book(
    title="A Book {of} 100% Essays & Notes",
    version="2.1",
    rights=Rights("The Essay Book editors", "2026", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    editor="The Essay Book editors",
    language="en-GB",
    date="2026-12-03",
)
FIRST = Publication(
    title="An Essay, First Printed", container="The Blog", date="2014-03", url="https://example.org/post"
)


def chapter(
    slug: str,
    title: str,
    author: str = "",
    first: Publication | None = None,
    count: int = 5,
    rights: Rights | None = None,
) -> Chapter:
    paragraphs = tuple(Paragraph(f"Paragraph {n}.", 3 + 2 * n) for n in range(count))
    essay = Essay(f"{slug}.txt", f"seeds/{slug}.txt", title, 1, paragraphs, "0" * 64)
    conf = EssayConf(f"{slug}.txt", slug, author, "auto", first, rights=rights) if author or first else None
    return Chapter(essay, slug, conf, (PartPlan(1, "", 0, count),), ())


CHAPTERS = [
    chapter("essay", "An Essay", "Paul Austin Murphy", FIRST, rights=Rights("Paul Austin Murphy", "2014")),
    chapter("other", "Another Essay", count=2),
]
SCHEMA = Draft202012Validator(
    json.loads(resources.files("essaybook.core").joinpath("schemas", "sources.schema.json").read_text("utf-8"))
)


# --- names and dates ----------------------------------------------------------------

MURPHY = {"family": "Murphy", "given": "Paul Austin"}


@pytest.mark.parametrize(
    ("name", "csl", "display", "sort"),
    [
        (
            "Paul Austin Murphy",
            {"family": "Murphy", "given": "Paul Austin"},
            "Paul Austin Murphy",
            "Murphy, Paul Austin",
        ),
        (
            "Murphy, Paul Austin",
            {"family": "Murphy", "given": "Paul Austin"},
            "Paul Austin Murphy",
            "Murphy, Paul Austin",
        ),
        (
            "Ludwig van Beethoven",
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
            "Ludwig van Beethoven",
            "van Beethoven, Ludwig",
        ),
        ("Plato", {"family": "Plato"}, "Plato", "Plato"),
        ("  Rosa   Luxemburg ", {"family": "Luxemburg", "given": "Rosa"}, "Rosa Luxemburg", "Luxemburg, Rosa"),
    ],
)
def test_a_person_is_split_by_bibtex_rules(name: str, csl: dict, display: str, sort: str) -> None:
    assert citation.csl_name(name) == csl
    assert citation.display_name(csl) == display
    assert citation.sort_name(csl) == sort


def test_a_name_parsed_once_is_still_a_new_dict_each_time() -> None:
    # The parse is cached per name: a caller that changes its dict changes no other's.
    first = citation.csl_name("Paul Austin Murphy")
    first["family"] = "Changed"
    assert citation.csl_name("Paul Austin Murphy") == MURPHY
    assert citation.csl_name("Paul Austin Murphy") is not citation.csl_name("Paul Austin Murphy")


def test_a_collective_name_stays_whole() -> None:
    name = citation.csl_name("The Essay Book editors", literal=True)
    assert name == {"literal": "The Essay Book editors"}
    assert citation.display_name(name) == citation.sort_name(name) == "The Essay Book editors"


@pytest.mark.parametrize(
    ("iso", "parts"), [("2026", [[2026]]), ("2014-03", [[2014, 3]]), ("2026-12-03", [[2026, 12, 3]])]
)
def test_iso_dates_become_date_parts(iso: str, parts: list) -> None:
    assert citation.csl_date(iso) == {"date-parts": parts}


# --- the items ----------------------------------------------------------------------------


def test_the_edition_is_a_book_by_the_essays_authors_edited_by_the_editors() -> None:
    item = citation.edition_item(BOOK, ["Paul Austin Murphy"], "https://example.org/en/latest/")
    assert item["type"] == "book"
    assert item["author"] == [{"family": "Murphy", "given": "Paul Austin"}]
    assert item["editor"] == [{"literal": "The Essay Book editors"}]
    assert item["issued"] == {"date-parts": [[2026, 12, 3]]}
    # The version is the edition's: a CSL item with a "version" is software to CSL's readers.
    assert item["edition"] == "version 2.1" and "version" not in item
    assert item["URL"] == "https://example.org/en/latest/"
    assert SCHEMA.is_valid([item])


def test_without_an_address_nothing_claims_one() -> None:
    items = citation.items_for(BOOK, [], CHAPTERS, "")
    assert all("URL" not in i for i in items)
    assert "author" not in items[0], "a book whose essays have no known author names none"
    assert "http" not in citation.paragraph_hint("essay", 5, "")


def test_an_essay_is_a_chapter_with_its_first_publication_as_the_original() -> None:
    item = citation.essay_item(BOOK, "essay", "An Essay", "Paul Austin Murphy", FIRST, "https://x.org/book/essay/")
    assert item["type"] == "chapter"
    assert item["container-title"] == BOOK.title
    assert item["author"] == [{"family": "Murphy", "given": "Paul Austin"}]
    assert item["editor"] == [{"literal": "The Essay Book editors"}]
    assert item["issued"] == {"date-parts": [[2026, 12, 3]]}
    assert item["original-date"] == {"date-parts": [[2014, 3]]}
    assert item["original-title"] == "An Essay, First Printed"
    assert item["original-publisher"] == "The Blog"
    same = citation.essay_item(BOOK, "e", "An Essay", "", Publication(title="An Essay"), "")
    assert "original-title" not in same and "author" not in same
    assert SCHEMA.is_valid([item]) and SCHEMA.is_valid([same])


def test_items_have_distinct_keys_and_keep_their_file_names() -> None:
    twins = [
        chapter("first", "Trotsky Again", "Paul Austin Murphy"),
        chapter("second", "Trotsky Again", "Paul Austin Murphy"),
    ]
    items = citation.items_for(BOOK, ["Paul Austin Murphy"], twins, "https://x.org/")
    keys = [i["id"] for i in items]
    assert keys == ["murphy2026book", "murphy2026trotskya", "murphy2026trotskyb"]
    assert [citation.file_name(i) for i in items] == ["edition", "first", "second"]
    for key in keys:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", key), "a key the sources schema accepts as an id"
    assert items[1]["URL"] == "https://x.org/book/first/index.html"


# --- the files, read back by standard readers ------------------------------------------------


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return citation.items_for(BOOK, ["Paul Austin Murphy"], CHAPTERS, "https://example.org/en/latest/")


def test_bibtex_parses_with_pybtex_and_says_what_the_item_says(items: list[dict]) -> None:
    edition, essay, _ = items
    data = parse_string(citation.bibtex(edition) + "\n" + citation.bibtex(essay), "bibtex")
    book = data.entries[edition["id"]]
    assert book.type == "book"
    assert book.fields["title"] == r"A Book \textbraceleft{}of\textbraceright{} 100\% Essays \& Notes"
    assert [str(p) for p in book.persons["author"]] == ["Murphy, Paul Austin"]
    assert [str(p) for p in book.persons["editor"]] == ["{The Essay Book editors}"]
    assert (book.fields["year"], book.fields["date"], book.fields["edition"]) == ("2026", "2026-12-03", "version 2.1")
    assert book.fields["url"] == "https://example.org/en/latest/"
    chap = data.entries[essay["id"]]
    assert chap.type == "incollection"
    assert chap.fields["booktitle"] == book.fields["title"]
    assert chap.fields["origdate"] == "2014-03" and chap.fields["origpublisher"] == "The Blog"
    assert chap.fields["url"] == "https://example.org/en/latest/book/essay/index.html"


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("50% of 5 & #1_a", r"50\% of 5 \& \#1\_a"),
        ("Half {open", r"Half \textbraceleft{}open"),
        ("Closed} half", r"Closed\textbraceright{} half"),
    ],
)
def test_bibtex_escapes_what_latex_and_bibtex_would_read_as_markup(title: str, field: str) -> None:
    item = citation.edition_item(Book(title=title, version="1"), [])
    (entry,) = parse_string(citation.bibtex(item), "bibtex").entries.values()
    assert entry.fields["title"] == field


def test_ris_parses_with_rispy_with_the_editors_where_zotero_reads_them(items: list[dict]) -> None:
    edition, essay, other = items
    (book,) = rispy.loads(citation.ris(edition))
    assert book["type_of_reference"] == "BOOK"
    assert book["authors"] == ["Murphy, Paul Austin"]
    assert book["tertiary_authors"] == ["The Essay Book editors"]  # a book's editor (A2 is its series editor)
    assert book["title"] == BOOK.title
    assert (book["year"], book["date"], book["edition"]) == ("2026", "2026/12/03", "version 2.1")
    assert book["urls"] == ["https://example.org/en/latest/"]
    assert book["id"] == edition["id"]
    (chap,) = rispy.loads(citation.ris(essay))
    assert chap["type_of_reference"] == "CHAP"
    assert chap["secondary_authors"] == ["The Essay Book editors"]
    assert chap["secondary_title"] == BOOK.title
    assert chap["original_publication"] == "An Essay, First Printed, The Blog, 2014/03"
    (anonymous,) = rispy.loads(citation.ris(other))
    assert "authors" not in anonymous
    assert not citation.ris(edition).startswith("1."), "no record numbers: a RIS file starts with TY"


def test_csl_json_is_valid_against_the_sources_schema(items: list[dict]) -> None:
    for item in items:
        data = json.loads(citation.csl_json(item))
        errors = [e.message for e in SCHEMA.iter_errors(data)]
        assert errors == [], errors
        assert data == [citation.public(item)]
        assert not any(k.startswith("essaybook") for k in data[0])


def test_the_rights_are_in_csl_jsons_license_and_in_no_format_without_a_field_for_them(items: list[dict]) -> None:
    edition, essay, other = items
    assert essay["license"] == "© 2014 Paul Austin Murphy", "an essay's own rights, never the editors'"
    assert (
        edition["license"]
        == "“An Essay” © 2014 Paul Austin Murphy; editorial matter © 2026 The Essay Book editors, CC BY 4.0"
    )
    assert "license" not in other, "no rights are recorded for it: none are stated"
    assert json.loads(citation.csl_json(essay))[0]["license"] == essay["license"]
    # BibTeX, biblatex and RIS have no field for rights: nothing is made up for them.
    for item in items:
        assert "©" not in citation.bibtex(item) and "©" not in citation.ris(item)


def test_every_item_has_three_files_under_cite(items: list[dict]) -> None:
    files = citation.cite_files(items)
    assert [f.path for f in files] == [
        f"_cite/{name}.{ext}" for name in ("edition", "essay", "other") for ext in ("bib", "ris", "json")
    ]
    assert [f.label for f in files[:3]] == ["BibTeX", "RIS", "CSL-JSON"]


# --- what readers and robots are told -----------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "address", "expected"),
    [
        (
            5,
            "https://x.org/book/essay/index.html",
            "To cite a paragraph, add its number, as in ‘¶ 4’, and its address, "
            "as in https://x.org/book/essay/index.html#essay-p4.",
        ),
        (
            2,
            "",
            "To cite a paragraph, add its number, as in ‘¶ 2’, and, online, the page’s address followed by #essay-p2.",
        ),
        (
            1,
            "",
            "To cite a paragraph, add its number, as in ‘¶ 1’, and, online, the page’s address followed by #essay-p1.",
        ),
    ],
)
def test_how_to_cite_a_paragraph(count: int, address: str, expected: str) -> None:
    assert citation.paragraph_hint("essay", count, address) == expected


def test_highwire_tags_name_authors_as_authors_and_editors_as_editors(items: list[dict]) -> None:
    tags = citation.highwire(items[1], public_url="https://x.org/p", pdf_url="https://x.org/pdf/")
    assert tags == [
        ("citation_title", "An Essay"),
        ("citation_author", "Murphy, Paul Austin"),
        ("citation_inbook_title", BOOK.title),
        ("citation_editor", "The Essay Book editors"),
        ("citation_publication_date", "2026/12/03"),
        ("citation_online_date", "2026/12/03"),
        ("citation_language", "en-GB"),
        ("citation_public_url", "https://x.org/p"),
        ("citation_pdf_url", "https://x.org/pdf/"),
        ("author", "Paul Austin Murphy"),
    ]
    bare = dict(citation.highwire(items[2]))
    assert "citation_author" not in bare and "author" not in bare, "an unknown author is not named"
    assert "citation_public_url" not in bare and "citation_pdf_url" not in bare


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        (
            {
                "READTHEDOCS": "True",
                "READTHEDOCS_CANONICAL_URL": "https://essaybook.readthedocs.io/en/latest/",
                "READTHEDOCS_LANGUAGE": "en",
                "READTHEDOCS_VERSION": "latest",
            },
            "https://essaybook.readthedocs.io/_/downloads/en/latest/pdf/",
        ),
        ({"READTHEDOCS_CANONICAL_URL": "https://essaybook.readthedocs.io/en/latest/"}, ""),
        ({"READTHEDOCS": "True", "READTHEDOCS_LANGUAGE": "en", "READTHEDOCS_VERSION": "latest"}, ""),
        ({}, ""),
    ],
)
def test_the_pdf_address_only_on_read_the_docs(environ: dict, url: str) -> None:
    assert citation.readthedocs_pdf_url(environ) == url


def test_dublin_core_never_makes_the_editors_creators() -> None:
    dc = citation.dublin_core(BOOK, ["Paul Austin Murphy", "Rosa Luxemburg"], CHAPTERS)
    assert dc.creators == (("Paul Austin Murphy", "Murphy, Paul Austin"), ("Rosa Luxemburg", "Luxemburg, Rosa"))
    assert dc.editors == ("The Essay Book editors",)
    assert dc.date == "2026-12-03" and dc.language == "en-GB"
    assert dc.sources == ("https://example.org/post",), "the first publication; none for an essay without one"
    offline = citation.dublin_core(BOOK, [], [chapter("e", "E", "A", Publication(container="The Blog", date="2014"))])
    assert offline.sources == ("An Essay, First Printed, The Blog, 2014".replace("An Essay, First Printed", "E"),)


def test_the_citation_text_is_the_styles_and_its_address_a_link(items: list[dict]) -> None:
    item = citation.for_style(items[1])
    assert "license" not in item and "original-publisher" not in item
    text = Bibliography([item], "chicago-author-date", "en").formatted[0].text
    parts = runs(text, item["URL"])
    assert ("url", item["URL"]) in parts
    assert ("em", BOOK.title) in parts
    assert "".join(t for _, t in parts).startswith("Murphy, Paul Austin. (2014) 2026. “An Essay.”")
