"""Whose each part of the book is: the rights statements, in words, from ``book.toml``.

An essay is its author's (or whoever holds its copyright); only what the
editors add (part titles, notes, glossary, timeline, the apparatus) is
theirs, under the licence they chose. The book says so wherever it names
rights (page footers, the title page and *About*, the EPUB's ``dc:rights``,
the PDF's copyright page, the CSL-JSON ``license`` of the citation files),
always in the words made here, so the forms never disagree. Nothing is
stated that ``book.toml`` does not hold: an essay without a licence is given
none, and one without rights says that they are not recorded.

A statement is plain text, with the licence's name and address kept apart
so that each format can link the name (:meth:`Statement.pieces`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .edition import Book, Chapter, Rights

__all__ = [
    "EDITORIAL_MATTER",
    "BookRights",
    "Statement",
    "book_rights",
    "csl_license",
    "edition_license",
    "editors_statement",
    "essay_statement",
]

# What the editors' rights cover, as the statements name it.
EDITORIAL_MATTER = "part titles, notes, glossary, timeline and apparatus"


@dataclass(frozen=True)
class Statement:
    """One rights statement: its text, and the licence named in it (to link), if any."""

    text: str
    licence: str = ""
    licence_url: str = ""

    def pieces(self) -> tuple[str, str, str]:
        """The text before the licence's name, the name, and the text after it (name "" when none is linked)."""
        if not (self.licence and self.licence_url) or self.licence not in self.text:
            return self.text, "", ""
        before, _, after = self.text.partition(self.licence)
        return before, self.licence, after


def _year_holder(rights: Rights) -> str:
    return f"© {rights.year} {rights.holder}"


def editors_statement(book: Book, *, essays: str = "the essays") -> Statement:
    """The editors' rights in their own work, and that their licence does not extend to ``essays``."""
    rights = book.rights
    text = f"Editorial matter ({EDITORIAL_MATTER}) {_year_holder(rights)}"
    if rights.licence:
        text += f", licensed under {rights.licence}, which does not cover {essays}."
    else:
        text += "."
    return Statement(text, rights.licence, rights.licence_url)


def essay_statement(rights: Rights | None, title: str = "") -> Statement:
    """One essay's rights, as far as known: named by its ``title``, or as "the essay" on its own pages."""
    named = f"“{title}”" if title else ""
    if rights is None or not rights.stated:
        return Statement(f"No copyright holder is recorded for {named or 'the essay'} in this edition.")
    if rights.public_domain:
        text = f"{named or 'The essay'} is in the public domain"
    else:
        text = f"{named or 'Essay'} {_year_holder(rights)}"
    if rights.licence:
        text += f", published under {rights.licence}"
    text += "."
    if rights.permission:
        text += " " + rights.permission.rstrip(".") + "."
    return Statement(text, rights.licence, rights.licence_url)


def csl_license(rights: Rights | None) -> str:
    """An essay's rights as CSL's ``license`` variable holds them: "© 2014 A. Author", with its licence."""
    if rights is None or not rights.stated:
        return ""
    text = "Public domain" if rights.public_domain else _year_holder(rights)
    return f"{text}, {rights.licence}" if rights.licence else text


def edition_license(book: Book, essays: Sequence[tuple[str, Rights | None]]) -> str:
    """The edition's rights for its CSL ``license``: each essay's (by title), then the editors'."""
    parts = [f"“{title}” {csl_license(rights)}" for title, rights in essays if csl_license(rights)]
    editors = f"editorial matter {_year_holder(book.rights)}"
    if book.rights.licence:
        editors += f", {book.rights.licence}"
    return "; ".join([*parts, editors])


@dataclass(frozen=True)
class BookRights:
    """Every statement the book makes about rights, as the pages need them."""

    editors: Statement  # the editors', beside all the essays (the title page, the apparatus)
    editors_one: Statement  # the editors', on one essay's pages
    essays: dict[str, tuple[Statement, Statement]]  # by slug, in reading order: (on its pages, by its title)
    # What a page naming every essay's rights says (the title page, About, the EPUB, the PDF's verso):
    # each essay whose rights are recorded, those without in one sentence, then the editors'.
    listing: tuple[Statement, ...] = ()


# Up to this many essays without recorded rights are named in the listing; more are counted.
_NAMED = 3


def _unrecorded(titles: Sequence[str], total: int) -> Statement | None:
    if not titles:
        return None
    if len(titles) <= _NAMED:
        quoted = [f"“{t}”" for t in titles]
        which = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        return Statement(f"No copyright holder is recorded for {which} in this edition.")
    if len(titles) == total:
        return Statement(f"No copyright holder is recorded for any of the {total} essays in this edition.")
    count = len(titles)
    return Statement(f"No copyright holder is recorded for {count} of the essays in this edition; each says so.")


def book_rights(book: Book, chapters: Sequence[Chapter]) -> BookRights:
    essays = {}
    recorded: list[Statement] = []
    unrecorded: list[str] = []
    for c in chapters:
        rights = c.conf.rights if c.conf else None
        essays[c.slug] = (essay_statement(rights), essay_statement(rights, c.essay.title))
        if rights is not None and rights.stated:
            recorded.append(essays[c.slug][1])
        else:
            unrecorded.append(c.essay.title)
    editors = editors_statement(book)
    missing = _unrecorded(unrecorded, len(chapters))
    listing = (*recorded, *([missing] if missing else []), editors)
    return BookRights(editors, editors_statement(book, essays="the essay"), essays, listing)
