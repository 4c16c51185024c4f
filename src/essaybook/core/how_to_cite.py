"""How to cite this edition and its essays: one CSL item each, every other form made from it.

A reader who wants to cite the book should find a ready citation where they
read (the head of each essay, *About this edition*), files their reference
manager imports (BibTeX, RIS, CSL-JSON), and the tags Zotero and Google
Scholar read from a web page (Highwire Press ``citation_*``). All of them are
made here, from one CSL item per work, so the forms never disagree and
nothing is typed twice:

* the edition is a ``book``: its authors are its essays' authors, the editors
  are named as editors (never as authors), issued on the edition's date, with
  its version as its edition (CSL ``edition``, BibTeX ``edition``, RIS
  ``ET``: a CSL item with a ``version`` is software to CSL's readers) and,
  when the site's address is known, its URL;
* each essay is a ``chapter`` of that book: its own author, the same editors,
  the edition's date, and its first publication as the original date, title
  and publisher;
* the rights go in CSL-JSON's ``license`` (each essay's its own, the
  edition's naming every essay's and the editors'); BibTeX, biblatex and RIS
  have no field for rights, so their files state none;
* the citation text comes from the same CSL processor and style as the
  sources (:mod:`essaybook.core.bibliography`); BibTeX is written by pybtex (which escapes
  for LaTeX) and RIS by rispy, with the field mappings Zotero's importers use.

Without a site address nothing claims one: the URL is left out everywhere.
Everything here is a plain function of data; :mod:`essaybook.sphinx_ext.citations` places
the results in a Sphinx build.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import rispy
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer as _PybtexWriter
from rispy.writer import RisWriter

from .edition import Book, Chapter, Publication
from .rights import csl_license, edition_license

__all__ = [
    "CITE_DIR",
    "EDITION",
    "FORMATS",
    "CiteFile",
    "DublinCore",
    "assign_keys",
    "authors",
    "bibtex",
    "cite_files",
    "csl_date",
    "csl_json",
    "csl_name",
    "display_name",
    "dublin_core",
    "edition_hint",
    "edition_item",
    "essay_item",
    "essay_path",
    "example_paragraph",
    "file_name",
    "for_style",
    "highwire",
    "items_for",
    "page_address",
    "paragraph_hint",
    "public",
    "readthedocs_pdf_url",
    "ris",
    "sort_name",
]

CITE_DIR = "_cite"  # where the web site keeps the citation files
EDITION = "edition"  # the edition's files are _cite/edition.*; no essay may take this name
FORMATS = (("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON"))


# --- names and dates ---------------------------------------------------------------


def csl_name(name: str, *, literal: bool = False) -> dict[str, str]:
    """A name as CSL-JSON has it.

    A person's name is split by BibTeX's rules, which reference managers
    share: "Given Family", "Given von Family" or "Family, Given" ("Paul
    Austin Murphy" is family "Murphy", given "Paul Austin"). A collective name
    ("The Essay Book editors") stays whole as a ``literal``, since it has no
    family name to sort by.
    """
    name = " ".join(name.split())
    if literal or not name:
        return {"literal": name}
    return dict(_person(name))


# A collection's essays mostly share one author: pybtex's parse of a name, a few
# hundred microseconds, is done once per name, not once per essay and build step.
@lru_cache(maxsize=1024)
def _person(name: str) -> tuple[tuple[str, str], ...]:
    person = Person(name)
    out: dict[str, str] = {}
    family = " ".join(person.last_names)
    given = " ".join(person.first_names + person.middle_names)
    if not family:
        return (("literal", name),)
    out["family"] = family
    if given:
        out["given"] = given
    if person.prelast_names:
        out["non-dropping-particle"] = " ".join(person.prelast_names)
    if person.lineage_names:
        out["suffix"] = " ".join(person.lineage_names)
    return tuple(out.items())


def display_name(name: Mapping[str, str]) -> str:
    """A CSL name as it is written in running text: "Paul Austin Murphy"."""
    if "literal" in name:
        return name["literal"]
    words = [name.get("given", ""), name.get("non-dropping-particle", ""), name.get("family", "")]
    text = " ".join(w for w in words if w)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def sort_name(name: Mapping[str, str]) -> str:
    """A CSL name as a catalogue files it: "Murphy, Paul Austin"."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(w for w in (name.get("non-dropping-particle", ""), name.get("family", "")) if w)
    rest = ", ".join(w for w in (name.get("given", ""), name.get("suffix", "")) if w)
    return f"{family}, {rest}" if rest else family


def csl_date(iso: str) -> dict[str, list[list[int]]]:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as CSL date-parts."""
    return {"date-parts": [[int(p) for p in iso.split("-")]]}


def _iso(date: Mapping[str, Any] | None) -> str:
    if not date:
        return ""
    return "-".join(f"{int(p):02d}" if i else f"{int(p):04d}" for i, p in enumerate(date["date-parts"][0]))


# --- the items -------------------------------------------------------------------------


def authors(chapters: Iterable[Chapter]) -> list[str]:
    """The book's authors: its essays' known authors, each once, in reading order (never the editors)."""
    out: list[str] = []
    for c in chapters:
        if c.conf and c.conf.author and c.conf.author not in out:
            out.append(c.conf.author)
    return out


def page_address(base: str, path: str) -> str:
    """The address of a page of the web edition, or "" when the site's address is not known."""
    if not base:
        return ""
    return base if not path else base.rstrip("/") + "/" + path.lstrip("/")


def edition_item(book: Book, authors: Sequence[str], url: str = "", license: str = "") -> dict[str, Any]:
    """The edition as a CSL ``book``: the essays' authors, the editors as editors, the edition's date.

    ``license`` is CSL's variable for the rights (:func:`essaybook.core.rights.edition_license`).
    """
    item: dict[str, Any] = {"id": EDITION, "type": "book", "title": book.title}
    if authors:
        item["author"] = [csl_name(a) for a in authors]
    if license:
        item["license"] = license
    return _of_this_edition(item, book, url)


def _of_this_edition(item: dict[str, Any], book: Book, url: str) -> dict[str, Any]:
    """What every item of the edition says of it: its editors, date, edition, language and address."""
    if book.editor:
        item["editor"] = [csl_name(book.editor, literal=True)]
    if book.date:
        item["issued"] = csl_date(book.date)
    # Named as a version: a bare "1.0" reads as no edition at all ("… editors. 1.0."), and
    # is not numeric, so no style can print it "1st ed." either.
    item["edition"] = f"version {book.version}"
    if book.language:
        item["language"] = book.language
    if url:
        item["URL"] = url
    return item


def essay_item(
    book: Book, slug: str, title: str, author: str, first: Publication | None, url: str = "", license: str = ""
) -> dict[str, Any]:
    """An essay as a CSL ``chapter`` of the edition, with its first publication as the original.

    ``license`` is the essay's own rights (:func:`essaybook.core.rights.csl_license`), never the editors'.
    """
    item: dict[str, Any] = {"id": slug, "type": "chapter", "title": title, "container-title": book.title}
    if author:
        item["author"] = [csl_name(author)]
    if license:
        item["license"] = license
    if first is not None:
        if first.date:
            item["original-date"] = csl_date(first.date)
        if first.title and first.title != title:
            item["original-title"] = first.title
        if first.container:
            item["original-publisher"] = first.container
    return _of_this_edition(item, book, url)


_STOP = frozenset({"a", "an", "the", "on", "of", "in", "and", "to", "for", "la", "le", "les", "der", "die", "das"})


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def _key(item: Mapping[str, Any]) -> str:
    names = item.get("author") or item.get("editor") or []
    who = ""
    if names:
        first = names[0]
        who = _ascii_word(first.get("family", "") or first.get("literal", "").split(" ")[-1])
    year = str(item.get("issued", {}).get("date-parts", [[""]])[0][0])
    words = map(_ascii_word, str(item.get("title", "")).split())
    word = next((w for w in words if w and w not in _STOP), "")
    key = f"{who}{year}{word}" or "item"
    return key if key[0].isalpha() else "item" + key


def assign_keys(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each item the citation key it is filed under (``murphy2026trotsky``), distinct within the book.

    The key is what a BibTeX user types; the page name each item is saved
    under is kept apart (:func:`file_name`). Keys that would repeat get a
    letter, as "2026a, 2026b" do in print.
    """
    items = [dict(i) for i in items]
    keys = [_key(i) for i in items]
    for key in set(keys):
        same = [n for n, k in enumerate(keys) if k == key]
        if len(same) > 1:
            for letter, n in enumerate(same):
                keys[n] = key + chr(ord("a") + letter)
    for item, key in zip(items, keys, strict=True):
        item["essaybook-file"] = item["id"]
        item["id"] = key
    return items


def file_name(item: Mapping[str, Any]) -> str:
    """The stem of the item's citation files: "edition", or the essay's page name."""
    return str(item.get("essaybook-file", item["id"]))


def public(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item as CSL-JSON, without what only this module uses."""
    return {k: v for k, v in item.items() if not k.startswith("essaybook-")}


# What the citation text leaves to the files: a blog or periodical given as "original-publisher"
# is printed by the styles as a reprint's imprint ("Blog. Reprint."), which misleads; no style
# prints "license", and the CSL processor warns of it.
_NOT_FORMATTED = frozenset({"original-publisher", "license"})


def for_style(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item as the citation text is formatted from it: the public item, less what the files alone say."""
    return {k: v for k, v in public(item).items() if k not in _NOT_FORMATTED}


def items_for(
    book: Book, authors: Sequence[str], chapters: Sequence[Chapter], base: str, prefix: str = "book/"
) -> list[dict[str, Any]]:
    """The edition's item and each essay's, keyed, with their web addresses when ``base`` is known.

    ``prefix`` is the folder of the generated pages on the site.
    """
    rights = [(c.essay.title, c.conf.rights if c.conf else None) for c in chapters]
    items = [edition_item(book, authors, page_address(base, ""), edition_license(book, rights))]
    for c, (_, essay_rights) in zip(chapters, rights, strict=True):
        author = c.conf.author if c.conf else ""
        first = c.conf.first_published if c.conf else None
        url = page_address(base, essay_path(c.slug, prefix))
        items.append(essay_item(book, c.slug, c.essay.title, author, first, url, csl_license(essay_rights)))
    return assign_keys(items)


def essay_path(slug: str, prefix: str) -> str:
    """Where an essay's first page is on the web site, as the HTML builder names it."""
    return f"{prefix}{slug}/index.html"


# --- the files --------------------------------------------------------------------------

_BIBTEX_TYPES = {"book": "book", "chapter": "incollection"}
# CSL-JSON variables copied as they are into biblatex fields, in this order.
_BIBLATEX_FIELDS = (
    ("original-title", "origtitle"),
    ("original-publisher", "origpublisher"),
    ("edition", "edition"),
    ("language", "language"),
    ("URL", "url"),
)


def bibtex(item: Mapping[str, Any]) -> str:
    """The item as a BibTeX entry (with biblatex's ``date`` and ``origdate``)."""
    fields: list[tuple[str, str]] = [("title", str(item["title"]))]
    if item.get("container-title"):
        fields.append(("booktitle", str(item["container-title"])))
    issued = _iso(item.get("issued"))
    if issued:
        fields += [("year", issued[:4]), ("date", issued)]
    if item.get("original-date"):
        fields.append(("origdate", _iso(item["original-date"])))
    fields += [(field, str(item[key])) for key, field in _BIBLATEX_FIELDS if item.get(key)]
    persons: dict[str, list[Person]] = {}
    for role in ("author", "editor"):
        for name in item.get(role, []):
            # A collective name in braces is one "last name" BibTeX never splits or abbreviates.
            text = "{" + name["literal"] + "}" if "literal" in name else sort_name(name)
            persons.setdefault(role, []).append(Person(text))
    entry = Entry(_BIBTEX_TYPES.get(str(item["type"]), "misc"), fields=fields, persons=persons)
    return _BibTeXWriter(encoding="UTF-8").to_string(BibliographyData({str(item["id"]): entry}))


class _BibTeXWriter(_PybtexWriter):
    """pybtex's writer, keeping the braces that make a collective name one name.

    pybtex escapes a field's text for LaTeX; a list of names is BibTeX
    syntax, so each name is escaped on its own.
    """

    def _encode(self, text: str) -> str:
        # A brace in a title is a character, not BibTeX's grouping, and an
        # unmatched one would make the entry unreadable; BibTeX counts "\{"
        # as a brace too, so LaTeX's brace commands stand for them.
        held = text.replace("{", "\ue010").replace("}", "\ue011")
        encoded = super()._encode(held)
        return encoded.replace("\ue010", r"\textbraceleft{}").replace("\ue011", r"\textbraceright{}")

    def _write_persons(self, stream, persons, role):
        if persons:
            stream.write(f",\n    {role} = {self.quote(' and '.join(self._name(p) for p in persons))}")

    def _name(self, person: Person) -> str:
        text = str(person)
        if text.startswith("{") and text.endswith("}"):
            return "{" + self._encode(text[1:-1]) + "}"
        return self._encode(text)


class _RisWriter(RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1."), a line RIS does not have


# Zotero's RIS importer: a book's editors are A3 (A2 is its series editor), a chapter's A2.
_RIS_TYPES = {"book": ("BOOK", "tertiary_authors"), "chapter": ("CHAP", "secondary_authors")}


def _ris_date(iso: str) -> str:
    return "/".join(iso.split("-"))


def ris(item: Mapping[str, Any]) -> str:
    """The item as a RIS record."""
    kind, editors = _RIS_TYPES.get(str(item["type"]), ("GEN", "secondary_authors"))
    record: dict[str, Any] = {"type_of_reference": kind, "id": str(item["id"])}
    if item.get("author"):
        record["authors"] = [sort_name(n) for n in item["author"]]
    if item.get("editor"):
        record[editors] = [sort_name(n) for n in item["editor"]]
    record["title"] = str(item["title"])
    if item.get("container-title"):
        record["secondary_title"] = str(item["container-title"])
    issued = _iso(item.get("issued"))
    if issued:
        record["year"] = issued[:4]
        record["date"] = _ris_date(issued)
    if item.get("edition"):
        record["edition"] = str(item["edition"])
    if item.get("language"):
        record["language"] = str(item["language"])
    if item.get("URL"):
        record["urls"] = [str(item["URL"])]
    original = [str(item[k]) for k in ("original-title", "original-publisher") if item.get(k)]
    if item.get("original-date"):
        original.append(_ris_date(_iso(item["original-date"])))
    if original:
        record["original_publication"] = ", ".join(original)
    return rispy.dumps([record], implementation=_RisWriter)


def csl_json(item: Mapping[str, Any]) -> str:
    """The item as CSL-JSON: an array of one item, as Zotero exports it."""
    return json.dumps([public(item)], ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class CiteFile:
    path: str  # relative to the site's root, e.g. "_cite/edition.bib"
    label: str  # "BibTeX"
    data: bytes


def cite_files(items: Sequence[Mapping[str, Any]]) -> list[CiteFile]:
    """Every citation file of the site: for each item, its BibTeX, RIS and CSL-JSON."""
    writers = {"bib": bibtex, "ris": ris, "json": csl_json}
    return [
        CiteFile(f"{CITE_DIR}/{file_name(item)}.{ext}", label, writers[ext](item).encode("utf-8"))
        for item in items
        for ext, label in FORMATS
    ]


# --- what a reader is told --------------------------------------------------------------


def example_paragraph(count: int) -> int:
    """The paragraph a citation's example names: the fourth, or the last of a shorter essay."""
    return max(1, min(4, count))


def paragraph_hint(slug: str, count: int, address: str, *, web: bool = True) -> str:
    """How to cite one paragraph of an essay, in a sentence (plain text).

    ``web`` is False for the EPUB and the PDF, whose readers have no page
    address to add: there a paragraph is cited by its number alone.
    """
    n = example_paragraph(count)
    if not web:
        return f"To cite a paragraph, add its number from the margin, as in ‘¶ {n}’."
    anchor = f"#{slug}-p{n}"
    if address:
        return f"To cite a paragraph, add its number, as in ‘¶ {n}’, and its address, as in {address}{anchor}."
    return f"To cite a paragraph, add its number, as in ‘¶ {n}’, and, online, the page’s address followed by {anchor}."


def edition_hint(slug: str, count: int, address: str, *, web: bool = True) -> str:
    """How to cite one essay, or one paragraph, of the edition, with the first essay as the example.

    ``web`` as for :func:`paragraph_hint`.
    """
    n = example_paragraph(count)
    if not web:
        return (
            "To cite one essay, use the citation at its head. To cite a paragraph, "
            f"add its number from the margin, as in ‘¶ {n}’."
        )
    where = f"as in {address}#{slug}-p{n}" if address else f"online, the essay’s address followed by #{slug}-p{n}"
    return (
        "To cite one essay, use the citation at the head of its page. To cite a paragraph, "
        f"add its number, as in ‘¶ {n}’, and, {where}."
    )


def _highwire_date(date: Mapping[str, Any] | None) -> str:
    return "/".join(_iso(date).split("-")) if date else ""


def highwire(item: Mapping[str, Any], *, public_url: str = "", pdf_url: str = "") -> list[tuple[str, str]]:
    """The Highwire Press tags (name, content) Zotero and Google Scholar read from a page.

    One ``citation_author`` per author, never the editors, who are
    ``citation_editor``; an essay names the book it is in. Addresses only
    when known; then also ``<meta name="author">`` per author.
    """
    tags: list[tuple[str, str]] = [("citation_title", str(item["title"]))]
    tags += [("citation_author", sort_name(n)) for n in item.get("author", [])]
    if item.get("container-title"):
        tags.append(("citation_inbook_title", str(item["container-title"])))
    tags += [("citation_editor", sort_name(n)) for n in item.get("editor", [])]
    date = _highwire_date(item.get("issued"))
    if date:
        tags += [("citation_publication_date", date), ("citation_online_date", date)]
    if item.get("language"):
        tags.append(("citation_language", str(item["language"])))
    if public_url:
        tags.append(("citation_public_url", public_url))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    tags += [("author", display_name(n)) for n in item.get("author", [])]
    return tags


def readthedocs_pdf_url(environ: Mapping[str, str]) -> str:
    """Where Read the Docs serves the PDF it built of this version, or "" outside Read the Docs.

    Read the Docs serves a version's PDF at
    ``https://<domain>/_/downloads/<language>/<version>/pdf/``, and says which
    domain, language and version in the build's environment.
    """
    from urllib.parse import urlsplit

    canonical = environ.get("READTHEDOCS_CANONICAL_URL", "")
    language = environ.get("READTHEDOCS_LANGUAGE", "")
    version = environ.get("READTHEDOCS_VERSION", "")
    domain = urlsplit(canonical).netloc
    if environ.get("READTHEDOCS") != "True" or not (domain and language and version):
        return ""
    return f"https://{domain}/_/downloads/{language}/{version}/pdf/"


# --- EPUB ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DublinCore:
    """The edition's Dublin Core, as an EPUB package document states it."""

    creators: tuple[tuple[str, str], ...]  # (name, file-as) per author
    editors: tuple[str, ...]
    date: str  # the edition's date, ISO; "" when not given
    sources: tuple[str, ...]  # the essays' first publications
    language: str
    publisher: str


def _source_text(title: str, first: Publication) -> str:
    if first.url:
        return first.url
    where = ", ".join(x for x in (first.title or title, first.container, first.date) if x)
    return where


def dublin_core(book: Book, authors: Sequence[str], chapters: Sequence[Chapter]) -> DublinCore:
    """The authors as creators (never the editors), the editors as contributors, each first publication as a source."""
    names = [csl_name(a) for a in authors]
    sources: list[str] = []
    for c in chapters:
        first = c.conf.first_published if c.conf else None
        if first is not None and (first.url or first.container or first.date):
            text = _source_text(c.essay.title, first)
            if text not in sources:
                sources.append(text)
    return DublinCore(
        creators=tuple((display_name(n), sort_name(n)) for n in names),
        editors=(book.editor,) if book.editor else (),
        date=book.date,
        sources=tuple(sources),
        language=book.language,
        publisher=book.editor,
    )
