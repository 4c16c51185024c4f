"""What changed between two editions: computed from the editorial layer's data, never written by hand.

A reader who cited note 8 of edition 1.0 must be able to learn whether it
changed, and how. Every entry of the editorial layer has a stable key (a
note's and a source's ``id``, a glossary entry's term), so two editions are
compared entry by entry: each note, glossary entry, timeline event and source
is added, revised (with the fields that differ, old and new) or removed, each
seed whose text changed says so by its SHA-256, and each essay's entry in
``book.toml`` (its author, first publication, parts and rights) is compared
too. Timeline events have no
id: an event is the same event when its date and label are, or else when it
keeps its date or its label and belongs to the same note or entry.

Notes are numbered on each page in reading order, so a note added early in
an essay moves the numbers of those after it: the comparison also lists
every note whose number changed, from the numbers each edition showed.

A :class:`Layer` is an edition as the comparison sees it. The current one is
made from the loaded :class:`~.edition.Edition`; a past release's from the
text of its files (:func:`release_layer`, :func:`layer_from_files`), read
leniently, since a past release was valid under the schema of its day.
Where those texts come from (git, or the snapshot in ``conf/releases/``) is
:mod:`essaybook.core.releases`' business: everything here is a function of
data.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .edition import (
    DEFAULT_ONE_PAGE_WORDS,
    Book,
    Chapter,
    Edition,
    EssayConf,
    Note,
    Part,
    essay_slug,
    note_numbers,
    resolve_essay,
)
from .problems import ProblemsError
from .seeds import parse_seed

__all__ = [
    "ADDED",
    "CONF_FILES",
    "REMOVED",
    "REVISED",
    "Change",
    "Changes",
    "EssayRecord",
    "EventRecord",
    "FieldChange",
    "Layer",
    "NoteRecord",
    "SeedRecord",
    "TermRecord",
    "compare",
    "layer_from_edition",
    "layer_from_files",
    "numbers_of",
    "release_layer",
    "renumbering",
    "version_key",
]

ADDED, REVISED, REMOVED = "added", "revised", "removed"
# The files of conf/ an edition's record compares (lint.toml is the editors' own bookkeeping).
CONF_FILES = ("book.toml", "notes.toml", "glossary.toml", "timeline.toml", "sources.json")


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """An edition's version as it sorts: by its numbers ("1.10" after "1.9"), other parts as text."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-+]", version.strip()) if p)


# --- the records compared -------------------------------------------------------------------


@dataclass(frozen=True)
class NoteRecord:
    seed: str
    anchor: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TermRecord:
    term: str
    definition: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class EventRecord:
    date: str
    label: str
    note: str
    term: str
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.date} {self.label}"

    @property
    def owner(self) -> tuple[str, str]:
        return ("note", self.note) if self.note else ("term", self.term.lower())


@dataclass(frozen=True)
class SeedRecord:
    sha256: str
    title: str
    slug: str


@dataclass(frozen=True)
class EssayRecord:
    """An essay's entry in ``book.toml``: what the book says of it besides its text."""

    author: str
    first_published: tuple[tuple[str, str], ...]  # (title, container, date, url, relation), those given
    parts: tuple[tuple[str, str], ...]  # (title, starts) of each part
    rights: tuple[tuple[str, Any], ...]  # the rights' fields given


_PUBLICATION = ("title", "container", "date", "url", "relation")
_RIGHTS = ("holder", "year", "licence", "licence_url", "permission", "public_domain")


def _essay_record(
    author: Any, first: Mapping[str, Any] | None, parts: Any, rights: Mapping[str, Any] | None
) -> EssayRecord:
    first = first or {}
    rights = rights or {}
    return EssayRecord(
        _text(author).strip(),
        tuple((k, first[k]) for k in _PUBLICATION if isinstance(first.get(k), str) and first[k]),
        tuple((_text(p.get("title")), _text(p.get("starts"))) for p in _tables(parts)),
        tuple(
            (k, rights[k].strip() if isinstance(rights[k], str) else rights[k])
            for k in _RIGHTS
            if rights.get(k) not in (None, "", False)
        ),
    )


@dataclass(frozen=True)
class Layer:
    """An edition's editorial layer, by stable keys, with what a reader saw of it (note numbers)."""

    version: str
    date: str
    notes: Mapping[str, NoteRecord] = field(default_factory=dict)  # by id, in the edition's order
    terms: Mapping[str, TermRecord] = field(default_factory=dict)  # by the term in lower case
    events: tuple[EventRecord, ...] = ()
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # CSL items by id
    seeds: Mapping[str, SeedRecord] = field(default_factory=dict)  # by file name
    numbers: Mapping[str, tuple[str, int, int]] = field(default_factory=dict)  # note id: (essay slug, part, number)
    essays: Mapping[str, EssayRecord] = field(default_factory=dict)  # book.toml's entries, by seed file name


def _note(n: Note) -> NoteRecord:
    return NoteRecord(n.seed, n.anchor, n.text.strip(), tuple(n.sources))


def layer_from_edition(
    edition: Edition, seeds: Mapping[str, SeedRecord], numbers: Mapping[str, tuple[str, int, int]] | None = None
) -> Layer:
    """The current edition as the comparison sees it; ``seeds`` by file name, ``numbers`` once chapters are placed."""
    return Layer(
        edition.book.version,
        edition.book.date,
        {n.id: _note(n) for n in edition.notes},
        {t.key: TermRecord(t.term, t.definition.strip(), tuple(t.aliases), tuple(t.sources)) for t in edition.terms},
        tuple(EventRecord(e.date, e.label, e.note, e.term, tuple(e.sources)) for e in edition.events),
        {s.id: s.csl for s in edition.sources},
        dict(seeds),
        dict(numbers or {}),
        {
            name: _essay_record(
                conf.author,
                {k: getattr(conf.first_published, k) for k in _PUBLICATION} if conf.first_published else None,
                [{"title": p.title, "starts": p.starts} for p in conf.parts],
                {k: getattr(conf.rights, k) for k in _RIGHTS} if conf.rights else None,
            )
            for name, conf in edition.essays.items()
        },
    )


def numbers_of(chapters: Iterable[Chapter]) -> dict[str, tuple[str, int, int]]:
    """Each note's number as the chapters show it, with its essay's page name."""
    return {nid: (c.slug, part, n) for c in chapters for nid, (part, n) in note_numbers(c).items()}


# --- a past release, from the text of its files -------------------------------------------


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _parse(files: Mapping[str, str]) -> dict[str, Any]:
    """Each file parsed (TOML, or JSON for sources.json); a file that does not parse raises ValueError."""
    out: dict[str, Any] = {}
    for name, text in files.items():
        try:
            out[name] = json.loads(text) if name.endswith(".json") else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as err:
            raise ValueError(f"{name}: {err}") from None
    return out


def layer_from_files(
    files: Mapping[str, str],
    seeds: Mapping[str, SeedRecord],
    numbers: Mapping[str, tuple[str, int, int]],
) -> Layer:
    """A release's layer from the text of its files of ``conf/``, read leniently: what is not understood is left out.

    Raises ValueError when a file does not parse at all.
    """
    data = _parse(files)
    book = data.get("book.toml", {}).get("book", {})
    book = book if isinstance(book, dict) else {}
    notes: dict[str, NoteRecord] = {}
    for d in _tables(data.get("notes.toml", {}).get("notes")):
        if isinstance(d.get("id"), str):
            notes[d["id"]] = NoteRecord(
                _text(d.get("seed")), _text(d.get("anchor")), _text(d.get("text")).strip(), _strings(d.get("sources"))
            )
    terms: dict[str, TermRecord] = {}
    for d in _tables(data.get("glossary.toml", {}).get("terms")):
        term = _text(d.get("term")).strip()
        if term:
            aliases = tuple(a.strip() for a in _strings(d.get("aliases")))
            terms[term.lower()] = TermRecord(
                term, _text(d.get("definition")).strip(), aliases, _strings(d.get("sources"))
            )
    events = tuple(
        EventRecord(
            _text(d.get("date")),
            _text(d.get("label")).strip(),
            _text(d.get("note")),
            _text(d.get("term")),
            _strings(d.get("sources")),
        )
        for d in _tables(data.get("timeline.toml", {}).get("events"))
    )
    items = data.get("sources.json", [])
    sources = {d["id"]: d for d in (items if isinstance(items, list) else []) if isinstance(d, dict) and "id" in d}
    raw_essays = data.get("book.toml", {}).get("essays", {})
    essays = {
        name: _essay_record(
            entry.get("author"),
            entry.get("first_published") if isinstance(entry.get("first_published"), dict) else None,
            entry.get("parts"),
            entry.get("rights") if isinstance(entry.get("rights"), dict) else None,
        )
        for name, entry in (raw_essays if isinstance(raw_essays, dict) else {}).items()
        if isinstance(entry, dict)
    }
    return Layer(
        _text(book.get("version")),
        _text(book.get("date")),
        notes,
        terms,
        events,
        sources,
        dict(seeds),
        dict(numbers),
        essays,
    )


def _tables(value: Any) -> list[dict[str, Any]]:
    return [d for d in value if isinstance(d, dict)] if isinstance(value, list) else []


def release_layer(files: Mapping[str, str], seed_data: Mapping[str, bytes]) -> Layer:
    """A release's layer from its files of ``conf/`` and its seeds' bytes, its notes numbered as it showed them.

    The release's essays are placed as its own ``book.toml`` and notes placed
    them (page names, parts, layout); an essay or note that cannot be placed
    has no number. Raises ValueError when a file does not parse at all.
    """
    data = _parse(files)
    raw_book = data.get("book.toml", {}).get("book", {})
    raw_book = raw_book if isinstance(raw_book, dict) else {}
    words = raw_book.get("one_page_words")
    words = words if isinstance(words, int) and not isinstance(words, bool) and words > 0 else DEFAULT_ONE_PAGE_WORDS
    book = Book(_text(raw_book.get("title")), _text(raw_book.get("version")), one_page_words=words)
    essays: dict[str, EssayConf] = {}
    raw_essays = data.get("book.toml", {}).get("essays", {})
    for name, entry in (raw_essays if isinstance(raw_essays, dict) else {}).items():
        if isinstance(entry, dict):
            parts = tuple(Part(_text(p.get("title")), _text(p.get("starts")), 0) for p in _tables(entry.get("parts")))
            layout = entry.get("layout") if entry.get("layout") in ("auto", "one-page", "pages") else "auto"
            essays[name] = EssayConf(name, _text(entry.get("slug")), _text(entry.get("author")), layout, None, parts)
    edition = Edition(book, essays)
    layer = layer_from_files(files, {}, {})
    seeds: dict[str, SeedRecord] = {}
    numbers: dict[str, tuple[str, int, int]] = {}
    for name in sorted(seed_data):
        sha = hashlib.sha256(seed_data[name]).hexdigest()
        slug = essay_slug(name, essays.get(name))
        try:
            essay = parse_seed(seed_data[name], name, name)
        except ProblemsError:
            seeds[name] = SeedRecord(sha, "", slug)
            continue
        seeds[name] = SeedRecord(sha, essay.title, slug)
        notes = [Note(nid, n.seed, n.anchor, n.text, n.sources) for nid, n in layer.notes.items() if n.seed == name]
        chapter = resolve_essay(edition, essay, notes, "conf", [])
        numbers.update(numbers_of([chapter]))
    return replace(layer, seeds=seeds, numbers=numbers)


# --- the comparison -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str  # the field as its file names it: "text", "sources", a CSL variable
    old: Any  # None when the field was not there
    new: Any


@dataclass(frozen=True)
class Change:
    key: str  # the entry's id, term (lower case), event ("date label") or seed file name
    status: str  # ADDED, REVISED or REMOVED
    old: Any = None  # the entry in the earlier edition (a record, a CSL item), None when added
    new: Any = None  # the entry now, None when removed
    fields: tuple[FieldChange, ...] = ()  # for a revision, what differs


@dataclass(frozen=True)
class Changes:
    """Everything that changed from one edition to the next, section by section, in the newer one's order."""

    old_version: str
    old_date: str
    version: str
    date: str
    notes: tuple[Change, ...] = ()
    terms: tuple[Change, ...] = ()
    events: tuple[Change, ...] = ()
    sources: tuple[Change, ...] = ()
    seeds: tuple[Change, ...] = ()
    essays: tuple[Change, ...] = ()  # the essays' entries in book.toml (author, first publication, parts, rights)
    # Notes in both editions whose number changed: (id, (slug, part, number) then, (slug, part, number) now).
    renumbered: tuple[tuple[str, tuple[str, int, int], tuple[str, int, int]], ...] = ()
    # The number each revised or removed note had in the earlier edition, where it had one.
    numbers_then: Mapping[str, tuple[str, int, int]] = field(default_factory=dict)

    def status(self, kind: str, key: str) -> str:
        """ADDED or REVISED for an entry of this edition that changed ("notes", "terms", "sources"); "" otherwise."""
        for change in getattr(self, kind):
            if change.key == key and change.status != REMOVED:
                return change.status
        return ""

    @property
    def marks(self) -> dict[str, dict[str, str]]:
        """By section, the key and status of each entry of this edition that was added or revised."""
        return {
            kind: {c.key: c.status for c in getattr(self, kind) if c.status != REMOVED}
            for kind in ("notes", "terms", "sources")
        }


def _fields(old: Any, new: Any, names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in names
        if getattr(old, name) != getattr(new, name)
    )


def _by_key(old: Mapping[str, Any], new: Mapping[str, Any], differ) -> tuple[Change, ...]:
    out = []
    for key, entry in new.items():
        if key not in old:
            out.append(Change(key, ADDED, None, entry))
        else:
            fields = differ(old[key], entry)
            if fields:
                out.append(Change(key, REVISED, old[key], entry, fields))
    out += [Change(key, REMOVED, entry, None) for key, entry in old.items() if key not in new]
    return tuple(out)


def _csl_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = [k for k in new if k != "id"] + [k for k in old if k != "id" and k not in new]
    return tuple(FieldChange(k, old.get(k), new.get(k)) for k in names if old.get(k) != new.get(k))


_EVENT_FIELDS = ("date", "label", "note", "term", "sources")


def _events(old: tuple[EventRecord, ...], new: tuple[EventRecord, ...]) -> tuple[Change, ...]:
    """Events paired as the same event: all alike; then same date and label; then same owner and date or label."""
    left = list(old)
    pairs: dict[int, EventRecord] = {}  # index in new: its event of the earlier edition
    rules = (
        lambda e: e,
        lambda e: (e.date, e.label),
        lambda e: (e.owner, e.date),
        lambda e: (e.owner, e.label),
    )
    for rule in rules:
        for i, event in enumerate(new):
            if i in pairs:
                continue
            match = next((o for o in left if rule(o) == rule(event)), None)
            if match is not None:
                pairs[i] = match
                left.remove(match)
    out = []
    for i, event in enumerate(new):
        if i not in pairs:
            out.append(Change(event.key, ADDED, None, event))
        elif pairs[i] != event:
            out.append(Change(event.key, REVISED, pairs[i], event, _fields(pairs[i], event, _EVENT_FIELDS)))
    out += [Change(event.key, REMOVED, event, None) for event in left]
    return tuple(out)


def renumbering(
    old: Mapping[str, tuple[str, int, int]], new: Mapping[str, tuple[str, int, int]]
) -> tuple[tuple[str, tuple[str, int, int], tuple[str, int, int]], ...]:
    """The notes of both editions shown under another number (or in another part or essay), in the new order."""
    return tuple(
        (nid, tuple(old[nid]), tuple(now))  # type: ignore[misc]
        for nid, now in new.items()
        if nid in old and tuple(old[nid]) != tuple(now)
    )


def compare(old: Layer, new: Layer) -> Changes:
    """What changed from ``old`` to ``new``: every entry added, revised or removed, and every note renumbered."""
    return Changes(
        old.version,
        old.date,
        new.version,
        new.date,
        notes=_by_key(old.notes, new.notes, lambda a, b: _fields(a, b, ("text", "anchor", "seed", "sources"))),
        terms=_by_key(old.terms, new.terms, lambda a, b: _fields(a, b, ("term", "definition", "aliases", "sources"))),
        events=_events(old.events, new.events),
        sources=_by_key(old.sources, new.sources, _csl_fields),
        seeds=_by_key(old.seeds, new.seeds, lambda a, b: _fields(a, b, ("sha256",))),
        essays=_by_key(
            old.essays, new.essays, lambda a, b: _fields(a, b, ("author", "first_published", "parts", "rights"))
        ),
        renumbered=renumbering(old.numbers, new.numbers),
        numbers_then={nid: tuple(n) for nid, n in old.numbers.items() if nid not in new.notes or nid in new.numbers},
    )
