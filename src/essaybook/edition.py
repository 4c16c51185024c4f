"""The editorial layer: load ``conf/*.toml``, check it, resolve it against the seeds.

The editors' data (book metadata, parts, glossary, notes, sources) is trusted
MyST that we write, but it is still checked against a schema: an unknown key,
a missing field, an anchor that is not in the text or is in it twice, a note
citing an unknown source. Every problem is collected with the file and line
it comes from before anything fails, so one run shows them all.

``tomllib`` keeps no positions, so :class:`_Locator` finds the line of a table
or key in the raw text; it is only used to point at problems.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .parse import Essay, default_slug
from .problems import Problem, ProblemsError

__all__ = [
    "Book",
    "Chapter",
    "Edition",
    "EssayConf",
    "Note",
    "NoteAt",
    "Part",
    "PartPlan",
    "Source",
    "Term",
    "citation",
    "load_book",
    "load_edition",
    "resolve",
]

_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# Terms and aliases appear inside a {term} role, so they may not hold the
# characters a role gives meaning to (backticks, angle brackets, backslash).
_WORDS = re.compile(r"[\w][\w '’\-.]*[\w.]|\w", re.UNICODE)
_URL = re.compile(r"https?://[^\s<>`\"]+")


@dataclass(frozen=True)
class Book:
    title: str
    copyright: str
    version: str
    subtitle: str = ""
    author: str = ""
    editor: str = ""
    language: str = "en"
    description: str = ""


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
    provenance: str = ""
    parts: tuple[Part, ...] = ()
    line: int = 0


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
    id: str
    title: str
    author: str = ""
    publisher: str = ""
    year: int | None = None
    isbn: str = ""
    url: str = ""
    short: str = ""
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Edition:
    book: Book
    essays: dict[str, EssayConf] = field(default_factory=dict)
    terms: tuple[Term, ...] = ()
    notes: tuple[Note, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


def citation(source: Source) -> str:
    """The short form a note uses to cite a source: 'Deutscher 1959'."""
    if source.short:
        return source.short
    name = source.author.split(" and ")[0].split(",")[0].split()[-1] if source.author else source.title
    return f"{name} {source.year}" if source.year else name


# --- reading and schema -----------------------------------------------------


_HEADER_KEY = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^\s\[\]."\'#]+)')


class _Locator:
    """Find the line of a table header or key in a TOML file's raw text."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        # Only header lines can match, and each entry of an array of tables asks
        # for the same pattern: scanning every line for every entry would make a
        # book of a thousand essays quadratic.
        self._headers = [(n, line) for n, line in enumerate(self.lines, 1) if line.lstrip().startswith("[")]
        self._hits: dict[tuple[str, str | None], list[int]] = {}
        self._by_name: dict[str, list[tuple[int, str]]] | None = None

    def header(self, pattern: str, index: int = 0, name: str | None = None) -> int:
        """The line of the ``index``-th header matching ``pattern``; ``name``, if given, is a key it holds."""
        hits = self._hits.get((pattern, name))
        if hits is None:
            regex = re.compile(r"\s*\[\[?\s*" + pattern + r"\s*\]\]?\s*(#.*)?$")
            lines = self._headers if name is None else self._named(name)
            hits = self._hits[(pattern, name)] = [n for n, line in lines if regex.match(line)]
        return hits[index] if index < len(hits) else 0

    def _named(self, name: str) -> list[tuple[int, str]]:
        # The header lines holding each key, quoted or bare, so that finding the
        # table of one essay among a thousand does not scan them all.
        if self._by_name is None:
            self._by_name = {}
            for n, line in self._headers:
                for key in {next(g for g in m.groups() if g is not None) for m in _HEADER_KEY.finditer(line)}:
                    self._by_name.setdefault(key, []).append((n, line))
        return self._by_name.get(name, [])

    def key(self, key: str, after: int = 0, value: str | None = None) -> int:
        regex = re.compile(r"\s*" + re.escape(key) + r"\s*=")
        # A misspelt table ([[term]] for [[terms]]) is a key of the table above it.
        table = re.compile(r"\s*\[\[?\s*" + re.escape(key) + r"\s*[\].]")
        for n in range(max(after, 1), len(self.lines) + 1):
            line = self.lines[n - 1]
            if value is None and table.match(line):
                return n
            if n > after and after > 1 and re.match(r"\s*\[", line):
                break
            if regex.match(line) and (value is None or value in line):
                return n
        return after


@dataclass
class _Reader:
    path: str
    locator: _Locator
    problems: list[Problem]

    def problem(self, line: int, code: str, message: str, hint: str) -> None:
        self.problems.append(Problem(self.path, line, 0, code, message, hint))

    def table(
        self,
        data: Any,
        where: str,
        line: int,
        required: dict[str, type | tuple[type, ...]],
        optional: dict[str, type | tuple[type, ...]],
    ) -> dict[str, Any] | None:
        """Check one table's keys and value types; None if it is unusable."""
        if not isinstance(data, dict):
            self.problem(line, "conf.type", f"{where} should be a table", "see the README for the layout")
            return None
        ok = True
        for key in data:
            if key not in required and key not in optional:
                known = ", ".join(sorted({*required, *optional}))
                self.problem(
                    self.locator.key(key, line) or line,
                    "conf.unknown-key",
                    f"unknown key '{key}' in {where}",
                    f"check its spelling; the keys allowed here are: {known}",
                )
                ok = False
        for key in required:
            if key not in data:
                self.problem(line, "conf.missing-key", f"{where} has no '{key}'", f"add {key} = … to it")
                ok = False
        for key, kind in {**required, **optional}.items():
            if key in data and not _is(data[key], kind):
                self.problem(
                    self.locator.key(key, line) or line,
                    "conf.type",
                    f"'{key}' in {where} should be {_kind_name(kind)}, not {type(data[key]).__name__}",
                    "fix the value's type",
                )
                ok = False
        return data if ok else None


class _Tables:
    """Schema marker: an array of tables."""


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is _Tables:
        return _list_of_tables(value)
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return {
        str: "a string",
        int: "a whole number",
        list: "a list of strings",
        dict: "a table",
        _Tables: "an array of tables",
    }.get(kind if isinstance(kind, type) else list, str(kind))


def _load_toml(path: Path, display: str, problems: list[Problem], required: bool) -> tuple[dict, _Locator]:
    if not path.is_file():
        if required:
            problems.append(
                Problem(display, 0, 0, "conf.missing-file", f"{display} does not exist", "create it; see the README")
            )
        return {}, _Locator("")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as err:
        problems.append(
            Problem(display, 0, 0, "conf.encoding", f"not UTF-8 at byte offset {err.start}", "save it as UTF-8")
        )
        return {}, _Locator("")
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line, column = (int(match[1]), int(match[2])) if match else (0, 0)
        message = re.sub(r"\s*\(at line.*\)", "", str(err))
        problems.append(
            Problem(display, line, column, "conf.syntax", f"not valid TOML: {message}", "fix the TOML syntax there")
        )
        return {}, _Locator(text)
    return data, _Locator(text)


def load_book(conf_dir: Path, display_dir: str = "conf") -> Book:
    """Only the book's metadata, for Sphinx's configuration."""
    problems: list[Problem] = []
    book = _read_book(conf_dir, display_dir, problems)[0]
    if problems or book is None:
        raise ProblemsError(problems)
    return book


def _read_book(conf_dir: Path, display_dir: str, problems: list[Problem]) -> tuple[Book | None, dict[str, EssayConf]]:
    display = f"{display_dir}/book.toml"
    data, loc = _load_toml(conf_dir / "book.toml", display, problems, required=True)
    if not data and problems:
        return None, {}
    r = _Reader(display, loc, problems)
    top = r.table(data, "book.toml", 1, {"book": dict}, {"essays": dict})
    if top is None:
        return None, {}
    book_line = loc.header(r"book")
    b = r.table(
        top["book"],
        "[book]",
        book_line,
        {"title": str, "copyright": str, "version": str},
        {"subtitle": str, "author": str, "editor": str, "language": str, "description": str},
    )
    book = Book(**b) if b is not None else None

    essays: dict[str, EssayConf] = {}
    for seed, entry in top.get("essays", {}).items():
        pattern = r"essays\.\s*(\"" + re.escape(seed) + r"\"|'" + re.escape(seed) + r"'|" + re.escape(seed) + r")"
        line = loc.header(pattern, name=seed)
        e = r.table(
            entry, f'[essays."{seed}"]', line, {}, {"slug": str, "author": str, "provenance": str, "parts": _Tables}
        )
        if e is None:
            continue
        slug = e.get("slug", "")
        if slug and not _ID.fullmatch(slug):
            r.problem(
                loc.key("slug", line) or line,
                "conf.slug",
                f"slug '{slug}' of {seed} is not a valid page name",
                "use lowercase letters, digits and single hyphens, starting with a letter",
            )
        parts: list[Part] = []
        for i, p in enumerate(e.get("parts", [])):
            pline = loc.header(pattern + r"\.\s*parts", i, name=seed) or line
            pt = r.table(p, f"part {i + 1} of {seed}", pline, {"title": str}, {"starts": str})
            if pt is None:
                continue
            if "starts" not in pt and i > 0:
                r.problem(
                    pline,
                    "conf.missing-key",
                    f"part {i + 1} of {seed} has no 'starts'",
                    "quote the opening words of the paragraph it starts at",
                )
            parts.append(Part(pt["title"], pt.get("starts", ""), pline))
        essays[seed] = EssayConf(seed, slug, e.get("author", ""), e.get("provenance", ""), tuple(parts), line)
    return book, essays


def _list_of_tables(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def load_edition(conf_dir: Path, display_dir: str = "conf") -> Edition:
    """Read and check every file in ``conf/``; raise with every problem found."""
    problems: list[Problem] = []
    book, essays = _read_book(conf_dir, display_dir, problems)

    terms = _read_array(
        conf_dir,
        display_dir,
        "glossary.toml",
        "terms",
        problems,
        {"term": str, "definition": str},
        {"aliases": list, "sources": list},
    )
    notes = _read_array(
        conf_dir,
        display_dir,
        "notes.toml",
        "notes",
        problems,
        {"id": str, "seed": str, "anchor": str, "text": str, "sources": list},
        {},
    )
    sources = _read_array(
        conf_dir,
        display_dir,
        "sources.toml",
        "sources",
        problems,
        {"id": str, "title": str},
        {"author": str, "publisher": str, "year": int, "isbn": str, "url": str, "short": str, "note": str},
    )
    term_objs = [
        Term(
            d["term"].strip(),
            d["definition"],
            tuple(a.strip() for a in d.get("aliases", [])),
            tuple(d.get("sources", [])),
            line,
        )
        for d, line in terms
    ]
    note_objs = [Note(d["id"], d["seed"], d["anchor"], d["text"], tuple(d["sources"]), line) for d, line in notes]
    source_objs = [Source(**{**d, "line": line}) for d, line in sources]

    _check_glossary(term_objs, f"{display_dir}/glossary.toml", problems)
    _check_ids(note_objs, f"{display_dir}/notes.toml", "note", problems)
    _check_ids(source_objs, f"{display_dir}/sources.toml", "source", problems)
    known = {s.id for s in source_objs}
    for owner, path, kind in (
        *((t, "glossary.toml", f"glossary entry '{t.term}'") for t in term_objs),
        *((n, "notes.toml", f"note '{n.id}'") for n in note_objs),
    ):
        for sid in owner.sources:
            if sid not in known:
                problems.append(
                    Problem(
                        f"{display_dir}/{path}",
                        owner.line,
                        0,
                        "conf.unknown-source",
                        f"{kind} cites source '{sid}', which is not in sources.toml",
                        f'add a [[sources]] entry with id = "{sid}", or correct the id',
                    )
                )
    for n in note_objs:
        if not n.sources:
            problems.append(
                Problem(
                    f"{display_dir}/notes.toml",
                    n.line,
                    0,
                    "conf.no-source",
                    f"note '{n.id}' cites no source",
                    "every note cites at least one work listed in sources.toml",
                )
            )
        if not n.anchor.strip():
            problems.append(
                Problem(
                    f"{display_dir}/notes.toml",
                    n.line,
                    0,
                    "conf.anchor",
                    f"note '{n.id}' has an empty anchor",
                    "quote the exact phrase of the seed the note is about",
                )
            )
    for s in source_objs:
        if s.url and not _URL.fullmatch(s.url):
            problems.append(
                Problem(
                    f"{display_dir}/sources.toml",
                    s.line,
                    0,
                    "conf.url",
                    f"source '{s.id}' has an invalid url '{s.url}'",
                    "give a full http:// or https:// address without spaces",
                )
            )
    if problems or book is None:
        raise ProblemsError(problems)
    return Edition(book, essays, tuple(term_objs), tuple(note_objs), tuple(source_objs))


def _read_array(conf_dir, display_dir, name, key, problems, required, optional) -> list[tuple[dict, int]]:
    display = f"{display_dir}/{name}"
    data, loc = _load_toml(conf_dir / name, display, problems, required=False)
    if not data:
        return []
    r = _Reader(display, loc, problems)
    top = r.table(data, name, 1, {}, {key: _Tables})
    if top is None or key not in top:
        return []
    if not _list_of_tables(top[key]):
        r.problem(
            1, "conf.type", f"'{key}' in {name} should be an array of tables", f"write each entry under [[{key}]]"
        )
        return []
    out = []
    for i, entry in enumerate(top[key]):
        line = loc.header(re.escape(key), i) or 1
        checked = r.table(entry, f"[[{key}]] entry {i + 1}", line, required, optional)
        if checked is not None:
            out.append((checked, line))
    return out


def _check_ids(items, display, kind, problems) -> None:
    seen: dict[str, int] = {}
    for item in items:
        if not _ID.fullmatch(item.id):
            problems.append(
                Problem(
                    display,
                    item.line,
                    0,
                    "conf.id",
                    f"{kind} id '{item.id}' is not valid",
                    "use lowercase letters, digits and single hyphens, starting with a letter",
                )
            )
        if item.id in seen:
            problems.append(
                Problem(
                    display,
                    item.line,
                    0,
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
                        0,
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
                        0,
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
                        0,
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
    essay: Essay
    slug: str
    conf: EssayConf | None
    parts: tuple[PartPlan, ...]
    notes: tuple[NoteAt, ...]

    @property
    def has_parts(self) -> bool:
        return bool(self.conf and self.conf.parts)


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


def resolve(
    edition: Edition, essays: list[Essay], conf_display: str = "conf"
) -> tuple[list[Chapter], list[Problem], list[str]]:
    """Match parts and notes to the seeds' paragraphs.

    Returns the chapters (in seed file-name order), every problem, and notes
    about editorial entries skipped because their seed is not in the book.
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
        slug = (conf.slug if conf and conf.slug else "") or default_slug(essay.stem)
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

        parts = _resolve_parts(essay, conf, book_path, problems)
        notes = []
        for n in notes_by_seed.get(essay.name, []):
            regex = _phrase_regex(n.anchor)
            hits = (
                [(i, m) for i, p in enumerate(essay.paragraphs) for m in regex.finditer(p.text)]
                if n.anchor.split()
                else []
            )
            if len(hits) == 1:
                i, m = hits[0]
                notes.append(NoteAt(n, i, m.end()))
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
        chapters.append(Chapter(essay, slug, conf, parts, tuple(sorted(notes, key=lambda a: (a.paragraph, a.end)))))
    return chapters, problems, skipped


# Page names the book uses beside the chapters.
_RESERVED = frozenset({"glossary", "sources", "index", "genindex", "search", "about"})


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
