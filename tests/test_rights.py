"""Whose each part of the book is: the statements (essaybook.core.rights) and where the book makes them.

The statements are pinned table by table; then the built book is read as a
reader meets it: every essay page ends with the essay's rights and the
editors', every other page with the editors', the title page and About state
them all, the theme's own "Copyright ©" line (which would claim each page for
the editors) is gone. The EPUB's dc:rights and the PDF's copyright page are
checked in test_formats, the citation files in test_citation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from essaybook.core.edition import Book, Rights, load_book
from essaybook.core.rights import Statement, csl_license, edition_license, editors_statement, essay_statement
from sitebuild import ROOT, html_pages, norm, soup

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
EDITORS = Rights("The Editors", "2026", "CC BY 4.0", CC_BY)

# (rights in book.toml, the essay's title or "", the statement)
ESSAYS = [
    (Rights("A. Author", "2014"), "", "Essay © 2014 A. Author."),
    (Rights("A. Author", "2014"), "On Things", "“On Things” © 2014 A. Author."),
    (
        Rights("A. Author", "2014", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        "",
        "Essay © 2014 A. Author, published under CC BY-SA 4.0.",
    ),
    (
        Rights("A. Author", "2014", permission="Reproduced with the author’s permission."),
        "",
        "Essay © 2014 A. Author. Reproduced with the author’s permission.",
    ),
    (Rights(public_domain=True), "On Things", "“On Things” is in the public domain."),
    (None, "", "No copyright holder is recorded for the essay in this edition."),
    (None, "On Things", "No copyright holder is recorded for “On Things” in this edition."),
]


@pytest.mark.parametrize(("rights", "title", "text"), ESSAYS)
def test_an_essays_statement_says_only_what_is_known(rights: Rights | None, title: str, text: str) -> None:
    statement = essay_statement(rights, title)
    assert statement.text == text
    # A licence is linked only where there is one.
    assert bool(statement.pieces()[1]) == bool(rights and rights.licence)


@pytest.mark.parametrize(
    ("rights", "essays", "text"),
    [
        (
            EDITORS,
            "the essays",
            "Editorial matter (part titles, notes, glossary, timeline and apparatus) © 2026 The Editors, "
            "licensed under CC BY 4.0, which does not cover the essays.",
        ),
        (
            Rights("The Editors", "2026"),
            "the essay",
            "Editorial matter (part titles, notes, glossary, timeline and apparatus) © 2026 The Editors.",
        ),
    ],
)
def test_the_editors_statement_never_covers_the_essays(rights: Rights, essays: str, text: str) -> None:
    assert editors_statement(Book("T", "1", rights), essays=essays).text == text


def test_a_statement_splits_around_the_licence_it_links() -> None:
    before, licence, after = editors_statement(Book("T", "1", EDITORS)).pieces()
    assert (licence, after) == ("CC BY 4.0", ", which does not cover the essays.")
    assert before.endswith("licensed under ")
    assert Statement("No licence.").pieces() == ("No licence.", "", "")


def test_csl_license_holds_the_essays_and_the_editors_rights() -> None:
    assert csl_license(Rights("A. Author", "2014")) == "© 2014 A. Author"
    assert csl_license(Rights("A. Author", "2014", "CC BY-SA 4.0")) == "© 2014 A. Author, CC BY-SA 4.0"
    assert csl_license(None) == ""
    assert csl_license(Rights(public_domain=True)) == "Public domain"
    both = edition_license(Book("T", "1", EDITORS), [("On Things", Rights("A. Author", "2014")), ("Other", None)])
    assert both == "“On Things” © 2014 A. Author; editorial matter © 2026 The Editors, CC BY 4.0"


# --- in the built book ------------------------------------------------------------------------

FRONT = load_book(ROOT / "conf")
(ESSAY_CONF,) = FRONT.essays.values()


def _footer(page: Path) -> list[str]:
    box = soup(page).select_one("footer .essaybook-rights")
    assert box is not None, f"{page.name} has no rights under its footer"
    return [norm(p.get_text()) for p in box.find_all("p")]


def test_our_book_states_the_authors_rights_and_the_editors() -> None:
    assert (ESSAY_CONF.rights.holder, ESSAY_CONF.rights.year) == ("Paul Austin Murphy", "2014")
    assert ESSAY_CONF.rights.licence == "" and ESSAY_CONF.rights.permission == "", "none is known: none is stated"
    assert (FRONT.book.rights.holder, FRONT.book.rights.licence) == ("The Essay Book editors", "CC BY 4.0")


def test_an_essays_page_ends_with_the_essays_rights_then_the_editors(built_book: Path) -> None:
    page = built_book / "book" / "trotsky-and-stalin" / "index.html"
    essay, editors = _footer(page)
    assert essay == "Essay © 2014 Paul Austin Murphy."
    assert editors.startswith("Editorial matter (part titles, notes, glossary, timeline and apparatus) © 2026 ")
    assert editors.endswith("licensed under CC BY 4.0, which does not cover the essay.")
    link = soup(page).select_one("footer .essaybook-rights a")
    assert (link.get_text(), link["href"]) == ("CC BY 4.0", CC_BY)


def test_no_page_claims_the_whole_book_for_the_editors(built_book: Path) -> None:
    for page in html_pages(built_book):
        html = soup(page)
        if html.select_one("footer") is None:
            continue
        assert html.select_one("footer .copyright") is None, f"{page.name}: the theme's copyright line is back"
        lines = _footer(page)
        if "trotsky-and-stalin" in page.as_posix():
            assert lines[0] == "Essay © 2014 Paul Austin Murphy.", page
        else:
            assert lines[0].endswith("which does not cover the essays."), page
            assert lines[1:] == ["Each essay’s rights are stated at the foot of its pages."], page


def test_the_title_page_and_about_state_every_rights_holder(built_book: Path) -> None:
    for name in ("index.html", "about.html"):
        statements = [norm(p.get_text()) for p in soup(built_book / name).select("p.rights-statement")]
        assert statements[0] == "“Trotskyists on the Differences Between Trotsky and Stalin” © 2014 Paul Austin Murphy."
        assert statements[1].startswith("Editorial matter") and "which does not cover the essays" in statements[1]
        assert len(statements) == 2, name
