"""Render the book: essays and the editorial layer in, MyST pages out.

Pure and deterministic: the same essays and edition give the same bytes, so
the writer can skip pages that did not change and two builds of one commit
agree. Seed text only ever reaches a page through :func:`escape.escape_text`;
the only MyST added around it is ours (targets, term roles, note markers).
The editors' text (part titles, definitions, notes) is trusted MyST and is
placed as written, always inside markup that marks it as editorial.

An essay shorter than the book's ``one_page_words`` reads on one page, its
parts as headed sections; a longer one has a contents page and a page per
part. Either way its paragraphs are numbered through the whole essay and
every anchor (paragraphs, parts, notes) is the same.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .bibliography import Bibliography
from .changes import ADDED, REMOVED, REVISED, Change, Changes
from .edition import Chapter, Edition, NoteAt, PartPlan, note_numbers, part_notes
from .escape import escape_text
from .reading import human_date, reading_minutes
from .terms import Match, TermMatcher
from .write import MARKER

__all__ = [
    "APPARATUS",
    "CHANGES",
    "GLOSSARY",
    "MARKER",
    "SOURCES",
    "TIMELINE",
    "author_line",
    "bibliography",
    "changes_labels",
    "chapter_docs",
    "chapter_labels",
    "names",
    "note_label",
    "paragraph_label",
    "render_apparatus",
    "render_book",
    "render_chapter",
    "render_paragraph",
]

GLOSSARY = "glossary"
SOURCES = "sources"
TIMELINE = "timeline"
CHANGES = "changes"
UNKNOWN_AUTHOR = "Author unknown"
# The generated pages of the editors' apparatus, in the order the contents list them.
APPARATUS = (GLOSSARY, TIMELINE, SOURCES, CHANGES)


def paragraph_label(slug: str, number: int) -> str:
    return f"{slug}-p{number}"


def note_label(slug: str, note_id: str) -> str:
    return f"{slug}-note-{note_id}"


def names(people: list[str]) -> str:
    """Names as a sentence gives them: "A", "A and B", "A, B and C"."""
    if len(people) <= 2:
        return " and ".join(people)
    return ", ".join(people[:-1]) + " and " + people[-1]


def author_line(author: str) -> str:
    """How the book names an essay's author, in words a reader understands when it is not known."""
    return f"by {author}" if author else UNKNOWN_AUTHOR


def _marker(origin: str) -> str:
    # The origin may be a seed's file name, which is untrusted: keep it printable
    # and on one line, since a MyST comment ends at the line's end.
    safe = origin.encode("ascii", "backslashreplace").decode().replace("\n", "\\n")
    return f"{MARKER} from {safe}; edit the source, not this file.\n"


def render_paragraph(text: str, links: Iterable[Match] = (), notes: Iterable[tuple[int, str]] = ()) -> str:
    """One paragraph of seed text as MyST: escaped, with term links and note markers.

    ``links`` are non-overlapping matches to wrap in ``{term}`` roles; ``notes``
    are ``(offset, note id)`` pairs, a marker going at each offset. A marker that
    would fall inside a link goes right after it, never inside.
    """
    links = list(links)
    items: list[tuple[int, int, str, int]] = []  # (offset, order, MyST, resume at)
    for m in links:
        # Seed text inside a role: aliases are words only (edition checks), so a
        # match holds nothing a role reads; a soft wrap in it becomes a space.
        shown = text[m.start : m.end].replace("\n", " ")
        items.append((m.start, 1, f"{{term}}`{shown} <{m.term.term}>`", m.end))
    for offset, note_id in notes:
        for m in links:
            if m.start < offset < m.end:
                offset = m.end
        items.append((offset, 0, f"[^{note_id}]", offset))
    out: list[str] = []
    pos = 0
    for offset, _, piece, resume in sorted(items, key=lambda i: (i[0], i[1])):
        out.append(escape_text(text[pos:offset], lead=pos == 0, trail=False))
        out.append(piece)
        pos = resume
    out.append(escape_text(text[pos:], lead=pos == 0))
    return "".join(out)


def _first_uses(matcher: TermMatcher, texts: list[str]) -> list[list[Match]]:
    """For each paragraph, the matches to link: each term's first use only."""
    seen: set[str] = set()
    result = []
    for text in texts:
        chosen = []
        for m in matcher.finditer(text):
            if m.term.key not in seen:
                seen.add(m.term.key)
                chosen.append(m)
        result.append(chosen)
    return result


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip().split("\n"))


def bibliography(edition: Edition) -> Bibliography:
    """The edition's sources formatted in its citation style."""
    return Bibliography([s.csl for s in edition.sources], edition.book.citation_style, edition.book.language)


def _cite(ids: Iterable[str], bib: Bibliography) -> str:
    return "; ".join(f"{{ref}}`{bib.by_id[i].label} <source-{i}>`" for i in ids if i in bib.by_id)


def _sources_line(ids: tuple[str, ...], bib: Bibliography) -> str:
    cited = _cite(ids, bib)
    if not cited:
        return ""
    return f"*{'Sources' if len(ids) > 1 else 'Source'}:* {cited}."


def _revision_line(kind: str, key: str, status: str, version: str) -> str:
    """The editors' line under an entry added or revised in this edition, linking to what changed."""
    if not status:
        return ""
    words = "New in edition" if status == ADDED else "Revised in edition"
    return f"*{words} {escape_text(version)}* ({{ref}}`what changed <{change_label(kind, key)}>`)."


def _notes_block(
    notes: list[NoteAt], bib: Bibliography, marks: Mapping[str, str] | None = None, version: str = ""
) -> str:
    if not notes:
        return ""
    out = [":::{rubric} Editors’ notes\n:class: editorial-notes-heading\n:::\n"]
    for n in notes:
        body = n.note.text.strip()
        line = _sources_line(n.note.sources, bib)
        if line:
            body += "\n\n" + line
        revised = _revision_line("notes", n.note.id, (marks or {}).get(n.note.id, ""), version)
        if revised:
            body += "\n\n" + revised
        lines = body.split("\n")
        out.append(
            f"[^{n.note.id}]: "
            + lines[0]
            + "".join("\n    " + line if line.strip() else "\n" for line in lines[1:])
            + "\n"
        )
    return "\n".join(out)


def _essay_block(chapter: Chapter, part: PartPlan, matcher: TermMatcher) -> str:
    paragraphs = chapter.essay.paragraphs[part.first : part.last]
    links = _first_uses(matcher, [p.text for p in paragraphs])
    body = ["::::{container} essay-text\n"]
    for offset, (p, chosen) in enumerate(zip(paragraphs, links, strict=True)):
        index = part.first + offset
        here = [(n.end, n.note.id) for n in chapter.notes if n.paragraph == index]
        body.append(f"({paragraph_label(chapter.slug, index + 1)})=\n{render_paragraph(p.text, chosen, here)}\n")
    body.append("::::\n")
    return "\n".join(body)


def _first_published(chapter: Chapter, language: str) -> str:
    """One editorial line under the byline: where and when the essay first appeared."""
    pub = chapter.conf.first_published if chapter.conf else None
    if pub is None or not (pub.container or pub.date or pub.url):
        return ""
    words = "First published"
    if pub.container:
        where = f"*{escape_text(pub.container)}*"
        words += f" in [{where}]({pub.url})" if pub.url else f" in {where}"
    elif pub.url:
        words += f" [online]({pub.url})"
    if pub.date:
        words += f", {human_date(pub.date, language)}"
    return words + "."


def _head(chapter: Chapter, label: str, language: str) -> str:
    """The top of an essay's first page: its title, its author, where it first appeared, how to cite it."""
    title = escape_text(chapter.essay.title)
    author = chapter.conf.author if chapter.conf else ""
    lines = [f"({label})=\n# {title}\n", f":::{{container}} essay-byline\n{escape_text(author_line(author))}\n:::\n"]
    published = _first_published(chapter, language)
    minutes = reading_minutes(chapter.words)
    facts = [published] if published else []
    facts.append(f"{chapter.words:,} words, about {minutes} minute{'s' if minutes != 1 else ''} to read.")
    lines.append(":::{container} editorial essay-facts\n" + " ".join(facts) + "\n:::\n")
    # The citation depends on the builder (the site's address, links to files only on the web): the
    # directive leaves it to be written with the page. The slug is a page name, safe in MyST.
    lines.append(f"```{{how-to-cite}} {chapter.slug}\n```\n")
    return "\n".join(lines)


def _chapter_pages(
    chapter: Chapter, edition: Edition, matcher: TermMatcher, bib: Bibliography, marks: Mapping[str, str]
) -> dict[str, str]:
    marker = _marker(f"seeds/{chapter.essay.name}")
    version = edition.book.version
    head = _head(chapter, chapter.slug, edition.book.language)
    if not chapter.paged:
        sections = []
        for part in chapter.parts:
            if chapter.has_parts:
                sections.append(
                    f"({chapter.slug}-part-{part.number})=\n{{.editorial-title}}\n## {part.title.strip()}\n"
                )
            sections.append(_essay_block(chapter, part, matcher))
        notes = _notes_block(list(chapter.notes), bib, marks, version)
        return {"index.md": f"{marker}\n{head}\n" + "\n".join(sections) + f"\n{notes}"}
    count = len(chapter.parts)
    toc = "\n".join(f"part-{p.number}" for p in chapter.parts)
    title = escape_text(chapter.essay.title)
    pages = {
        "index.md": (
            f"{marker}\n{head}\n"
            f":::{{container}} editorial essay-contents\n"
            f"In {count} parts. The part titles are the editors’, not the author’s.\n:::\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n"
        )
    }
    for part in chapter.parts:
        pages[f"part-{part.number}.md"] = (
            f"{marker}\n({chapter.slug}-part-{part.number})=\n{{.editorial-title}}\n# {part.title.strip()}\n\n"
            f":::{{container}} editorial essay-context\n"
            f"Part {part.number} of {count} of [{title}](index.md). Part title by the editors.\n:::\n\n"
            f"{_essay_block(chapter, part, matcher)}\n{_notes_block(part_notes(chapter, part), bib, marks, version)}"
        )
    return pages


def _glossary_page(edition: Edition, bib: Bibliography, marks: Mapping[str, str]) -> str:
    out = [
        _marker("conf/glossary.toml"),
        f"({GLOSSARY})=\n# Glossary\n",
        ":::{container} editorial\nThe editors’ definitions of the terms the essays use. "
        "Under each entry, *Used in* links to every paragraph (¶) and note that uses the term.\n:::\n",
    ]
    if not edition.terms:
        out.append("The glossary is empty: add entries to `conf/glossary.toml`.\n")
        return "\n".join(out)
    entries = [":::::{glossary}\n:sorted:\n"]
    for t in edition.terms:
        body = t.definition.strip()
        if t.aliases:
            body += "\n\n*Also:* " + ", ".join(escape_text(a) for a in t.aliases) + "."
        line = _sources_line(t.sources, bib)
        if line:
            body += "\n\n" + line
        revised = _revision_line("terms", t.key, marks.get(t.key, ""), edition.book.version)
        if revised:
            body += "\n\n" + revised
        entries.append(f"{t.term}\n{_indent(body, '   ')}\n")
    entries.append(":::::\n")
    out.append("\n".join(entries))
    return "\n".join(out)


def _note_link(chapter: Chapter, note_id: str, number: tuple[int, int], several: bool) -> str:
    """A link to a note, named as the reader finds it: "note 3", "part 2, note 1", "… in <essay>"."""
    part, n = number
    text = f"part {part}, note {n}" if part else f"note {n}"
    link = f"{{ref}}`{text} <{note_label(chapter.slug, note_id)}>`"
    return link + f" in {{ref}}`{chapter.slug}`" if several else link


def _citers(edition: Edition, chapters: list[Chapter]) -> dict[str, list[str]]:
    """For each source, links to what cites it: notes (by essay, then number) and glossary entries."""
    out: dict[str, list[str]] = {}
    for chapter in chapters:
        numbers = note_numbers(chapter)
        mine: dict[str, list[str]] = {}
        for n in chapter.notes:
            for sid in n.note.sources:
                mine.setdefault(sid, []).append(_note_link(chapter, n.note.id, numbers[n.note.id], False))
        for sid, links in mine.items():
            if len(chapters) > 1:
                # Grouped by essay, "Essay: note 2, note 6", as the glossary's "Used in" is.
                out.setdefault(sid, []).append(f"{{ref}}`{chapter.slug}`: " + ", ".join(links))
            else:
                out.setdefault(sid, []).extend(links)
    for t in edition.terms:
        for sid in t.sources:
            out.setdefault(sid, []).append(f"{{term}}`{t.term}`")
    return out


def _sources_page(edition: Edition, chapters: list[Chapter], bib: Bibliography, marks: Mapping[str, str]) -> str:
    out = [
        _marker("conf/sources.json"),
        f"({SOURCES})=\n# Sources\n",
        ":::{container} editorial\nThe works the editors’ notes and glossary cite, "
        f"in the style of the {escape_text(bib.style_title)}. "
        "Under each, *Cited in* links to the notes and glossary entries that cite it.\n:::\n",
    ]
    citers = _citers(edition, chapters)
    for f in bib.formatted:
        cited = citers.get(f.id)
        where = "; ".join(cited) if cited else "no note or glossary entry of this edition"
        revised = _revision_line("sources", f.id, marks.get(f.id, ""), edition.book.version)
        revised = f"\n\n{{.source-revision}}\n{revised}" if revised else ""
        out.append(
            f"(source-{f.id})=\n:::{{container}} source-entry\n{f.entry}\n\n"
            f"{{.where-used}}\n*Cited in:* {where}.{revised}\n:::\n"
        )
    if not edition.sources:
        out.append("No sources are listed yet: add them to `conf/sources.json`.\n")
    return "\n".join(out)


def _event_chapter(event, chapters: list[Chapter]) -> Chapter | None:
    return next((c for c in chapters if any(n.note.id == event.note for n in c.notes)), None) if event.note else None


def event_target(event, edition: Edition, chapters: list[Chapter]) -> tuple[str, str]:
    """Where an event of the timeline links: ("ref", a note's label) or ("term", a glossary term)."""
    if event.term:
        term = next((t.term for t in edition.terms if t.key == event.term.lower()), event.term)
        return "term", term
    chapter = _event_chapter(event, chapters)
    return ("ref", note_label(chapter.slug, event.note)) if chapter else ("", "")


def _timeline_page(edition: Edition, chapters: list[Chapter]) -> str:
    language = edition.book.language
    rows = []
    for event in sorted(edition.events, key=lambda e: (e.date, e.label)):
        kind, target = event_target(event, edition, chapters)
        chapter = _event_chapter(event, chapters)
        if chapter is not None:
            told = _note_link(chapter, event.note, note_numbers(chapter)[event.note], len(chapters) > 1)
        elif kind == "term":
            told = f"{{term}}`{target}`"
        else:
            told = "a note not in this edition"
        rows.append(f"* - {human_date(event.date, language)}\n  - {escape_text(event.label)}\n  - {told}\n")
    return "\n".join(
        [
            _marker("conf/timeline.toml"),
            f"({TIMELINE})=\n# Timeline\n",
            ":::{container} editorial\nThe events the editors’ notes and glossary tell of, placed at their dates. "
            "Each links to the note or entry that tells of it; the table below the figure lists the same "
            "events.\n:::\n",
            "```{timeline}\n```\n",
            ":::{list-table} The events of the timeline, by date\n:header-rows: 1\n:class: timeline-table\n\n"
            "* - Date\n  - Event\n  - Told in\n" + "".join(rows) + ":::\n",
        ]
    )


def chapter_labels(chapter: Chapter) -> list[str]:
    """Every cross-reference label a chapter's pages define."""
    labels = [chapter.slug]
    if chapter.has_parts:
        labels += [f"{chapter.slug}-part-{p.number}" for p in chapter.parts]
    labels += [paragraph_label(chapter.slug, n) for n in range(1, chapter.paragraph_count + 1)]
    labels += [note_label(chapter.slug, n.note.id) for n in chapter.notes]
    return labels


def chapter_docs(chapter: Chapter) -> list[str]:
    """Page names (relative, without suffix) of a chapter, in reading order."""
    names = [f"{chapter.slug}/index"]
    if chapter.paged:
        names += [f"{chapter.slug}/part-{p.number}" for p in chapter.parts]
    return names


def render_chapter(
    chapter: Chapter,
    edition: Edition,
    matcher: TermMatcher,
    bib: Bibliography,
    marks: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A chapter's pages, keyed by their path relative to the output folder.

    A page depends on its chapter (seed, entry in book.toml, notes), the
    glossary's terms, the labels of the sources its notes cite, the book's
    language and version, and which of its notes are new or revised since the
    previous release (``marks``, by note id), and on nothing else: what the
    converter's memo keys it by.
    """
    if not chapter.has_text:
        raise ValueError(f"{chapter.essay.name}: a chapter from the memo has no text to render")
    pages = _chapter_pages(chapter, edition, matcher, bib, marks or {})
    return {f"{chapter.slug}/{name}": text for name, text in pages.items()}


def render_apparatus(
    edition: Edition, chapters: list[Chapter], bib: Bibliography, changes: Changes | None = None
) -> dict[str, str]:
    """The glossary, timeline, sources and changes pages: they list what every chapter's notes cite and tell of.

    The changes page only when there is a previous release to compare with.
    """
    marks = changes.marks if changes is not None else {}
    pages = {f"{GLOSSARY}.md": _glossary_page(edition, bib, marks.get("terms", {}))}
    if edition.events:
        pages[f"{TIMELINE}.md"] = _timeline_page(edition, chapters)
    pages[f"{SOURCES}.md"] = _sources_page(edition, chapters, bib, marks.get("sources", {}))
    if changes is not None:
        pages[f"{CHANGES}.md"] = _changes_page(changes, edition, chapters, bib)
    return pages


def render_book(
    chapters: list[Chapter],
    edition: Edition,
    matcher: TermMatcher | None = None,
    bib: Bibliography | None = None,
) -> dict[str, str]:
    """Every generated page, keyed by its path relative to the output folder."""
    matcher = matcher if matcher is not None else TermMatcher(edition.terms)
    bib = bib if bib is not None else bibliography(edition)
    pages: dict[str, str] = {}
    for chapter in chapters:
        pages.update(render_chapter(chapter, edition, matcher, bib))
    pages.update(render_apparatus(edition, chapters, bib))
    return pages


# --- the changes page -------------------------------------------------------------------------------

_PREFIX = {
    "notes": "note",
    "terms": "term",
    "events": "event",
    "sources": "source",
    "seeds": "text",
    "essays": "essay",
}
_ROLE = re.compile(r"\{[A-Za-z][\w:+-]*\}`([^`]*)`")
_TARGET = re.compile(r"^\s*\([^\n]*\)=\s*$")
_WORDS = {
    "notes": {
        "text": "its text",
        "anchor": "where it is placed",
        "seed": "the essay it is on",
        "sources": "its sources",
    },
    "terms": {
        "term": "its spelling",
        "definition": "its definition",
        "aliases": "the other forms it links",
        "sources": "its sources",
    },
    "events": {
        "date": "its date",
        "label": "its label",
        "note": "the note that tells of it",
        "term": "the entry that tells of it",
        "sources": "its sources",
    },
}
_RECORD_WORDS = {
    "author": "its author",
    "first_published": "its first publication",
    "parts": "its parts",
    "rights": "its rights",
}
_PUBLICATION_WORDS = {"title": "title", "container": "published in", "date": "date", "url": "address", "relation": ""}
_CSL_WORDS = {
    "issued": "date",
    "original-date": "original date",
    "URL": "address",
    "container-title": "published in",
    "publisher-place": "place",
    "page": "pages",
}


def change_label(kind: str, key: str) -> str:
    """The label of an entry of the changes page: ``changes-note-<id>``, ``changes-source-<id>``, …

    A key that is not already a page-name-like word (a term with spaces, an
    event, a file name) gets a short digest, so two keys never share a label.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    if slug != key:
        slug = (slug[:40].strip("-") + "-" if slug else "") + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{CHANGES}-{_PREFIX[kind]}-{slug}"


def changes_labels(changes: Changes) -> list[str]:
    """Every label the changes page defines."""
    labels = [CHANGES]
    for kind in _PREFIX:
        labels += [change_label(kind, c.key) for c in getattr(changes, kind)]
    return labels


def _date_words(iso: str, language: str) -> str:
    try:
        return human_date(iso, language) if iso else ""
    except ValueError:  # a past release's date the schema of its day let through
        return escape_text(iso)


def _edition_words(version: str, date: str, language: str) -> str:
    when = _date_words(date, language)
    return f"edition {escape_text(version)}" + (f" ({when})" if when else "")


def _old_myst(text: str) -> str:
    """An entry's text as an earlier edition had it, as MyST that cannot break this one.

    Roles become the words they showed (a term or source may be gone), and
    targets and footnote references, which would clash with this edition's,
    are dropped or shown as text.
    """
    shown = _ROLE.sub(lambda m: escape_text(re.sub(r"\s*<[^<>]*>\s*$", "", m.group(1)) or m.group(1)), text)
    shown = shown.replace("[^", "\\[^")
    return "\n".join(line for line in shown.split("\n") if not _TARGET.match(line)).strip()


def _before(version: str, text: str) -> str:
    return f"\n*In edition {escape_text(version)} it read:*\n\n:::{{container}} change-before\n{_old_myst(text)}\n:::\n"


def _number_words(number: tuple[str, int, int], titles: Mapping[str, str], several: bool) -> str:
    slug, part, n = number
    words = f"part {part}, note {n}" if part else f"note {n}"
    if several and titles.get(slug):
        words += f" of “{escape_text(titles[slug])}”"
    return words


def _name(name: Mapping[str, Any]) -> str:
    if "literal" in name:
        return str(name["literal"])
    return " ".join(str(name[k]) for k in ("given", "non-dropping-particle", "family") if name.get(k))


def _csl_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return f"“{escape_text(value)}”"
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return escape_text("; ".join(_name(v) for v in value))
    if isinstance(value, dict) and "date-parts" in value:
        dates = ["-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(d)) for d in value["date-parts"]]
        return escape_text(" to ".join(dates))
    return escape_text(json.dumps(value, ensure_ascii=False))


def _source_name(item: Mapping[str, Any]) -> str:
    """A source no longer in the edition, named plainly: its first author or title, and year."""
    names = item.get("author") or item.get("editor") or []
    who = _name(names[0]) if names and isinstance(names[0], dict) else ""
    year = ""
    issued = item.get("issued")
    if isinstance(issued, dict) and issued.get("date-parts"):
        year = str(issued["date-parts"][0][0])
    title = str(item.get("title", ""))
    return escape_text(", ".join(x for x in (who, f"“{title}”" if title else "", year) if x))


class _Context:
    """What the changes page links to, in this edition and the one before."""

    def __init__(self, changes: Changes, edition: Edition, chapters: list[Chapter], bib: Bibliography) -> None:
        self.changes, self.edition, self.bib = changes, edition, bib
        self.language = edition.book.language
        self.several = len(chapters) > 1
        self.chapters = {n.note.id: c for c in chapters for n in c.notes}
        self.numbers = {nid: num for c in chapters for nid, num in note_numbers(c).items()}
        self.order = {nid: (i, *num) for i, c in enumerate(chapters) for nid, num in note_numbers(c).items()}
        self.old_sources = {c.key: c.old for c in changes.sources if c.old is not None}
        self.old_titles = {c.old.slug: c.old.title for c in changes.seeds if c.old is not None}
        self.old_titles.update({c.slug: c.essay.title for c in chapters if c.slug not in self.old_titles})
        self.old = escape_text(changes.old_version)
        self.slugs = {c.essay.name: c.slug for c in chapters}

    def note(self, note_id: str) -> str:
        chapter = self.chapters.get(note_id)
        if chapter is None:
            return "a note not in this edition"
        return _note_link(chapter, note_id, self.numbers[note_id], self.several)

    def source(self, sid: str) -> str:
        if sid in self.bib.by_id:
            return f"{{ref}}`{self.bib.by_id[sid].label} <source-{sid}>`"
        old = self.old_sources.get(sid)
        return _source_name(old) if old is not None else escape_text(sid)

    def told_in(self, event: Any) -> str:
        if event.note:
            return self.note(event.note)
        term = next((t.term for t in self.edition.terms if t.key == event.term.lower()), "")
        return f"{{term}}`{term}`" if term else f"*{escape_text(event.term)}*"

    def sources_moved(self, change: Change) -> str:
        old, new = change.old.sources, change.new.sources
        added = [self.source(s) for s in new if s not in old]
        removed = [self.source(s) for s in old if s not in new]
        said = []
        if added:
            said.append(f"now also cites {'; '.join(added)}")
        if removed:
            said.append(f"no longer cites {'; '.join(removed)}")
        return (" It " + " and ".join(said) + ".") if said else ""


def _entry(kind: str, change: Change, body: str) -> str:
    return f"({change_label(kind, change.key)})=\n::::{{container}} change-entry change-{change.status}\n{body}\n::::\n"


def _what(kind: str, change: Change) -> str:
    words = [_WORDS[kind].get(f.name, f.name) for f in change.fields]
    return names(words)


def _note_entry(change: Change, ctx: _Context) -> str:
    was = ctx.changes.numbers_then.get(change.key)
    if change.status == REMOVED:
        which = f"{_number_words(was, ctx.old_titles, ctx.several)} of edition {ctx.old}" if was else "A note"
        address = f" (its address ended in `#{was[0]}-note-{change.key}`)" if was else ""
        body = f"**Removed:** {which}, placed after “{escape_text(change.old.anchor)}”{address}."
        return _entry("notes", change, body + "\n" + _before(ctx.changes.old_version, change.old.text))
    link = ctx.note(change.key)
    where = f", placed after “{escape_text(change.new.anchor)}”"
    if change.status == ADDED:
        return _entry("notes", change, f"**New:** {link}{where}.")
    then = ""
    now = (ctx.chapters[change.key].slug, *ctx.numbers[change.key]) if change.key in ctx.chapters else None
    if was is not None and tuple(was) != now:
        then = f" ({_number_words(was, ctx.old_titles, ctx.several)} in edition {ctx.old})"
    body = f"**Revised:** {link}{then}{where}: {_what('notes', change)}."
    if any(f.name == "anchor" for f in change.fields):
        body += f" It was placed after “{escape_text(change.old.anchor)}”."
    body += ctx.sources_moved(change)
    if any(f.name == "text" for f in change.fields):
        body += "\n" + _before(ctx.changes.old_version, change.old.text)
    return _entry("notes", change, body)


def _term_entry(change: Change, ctx: _Context) -> str:
    if change.status == REMOVED:
        body = f"**Removed:** *{escape_text(change.old.term)}*."
        return _entry("terms", change, body + "\n" + _before(ctx.changes.old_version, change.old.definition))
    link = f"{{term}}`{change.new.term}`"
    if change.status == ADDED:
        return _entry("terms", change, f"**New:** {link}.")
    body = f"**Revised:** {link}: {_what('terms', change)}." + ctx.sources_moved(change)
    if any(f.name == "aliases" for f in change.fields):
        was = ", ".join(escape_text(a) for a in change.old.aliases) or "none"
        body += f" Its other forms were: {was}."
    if any(f.name == "definition" for f in change.fields):
        body += "\n" + _before(ctx.changes.old_version, change.old.definition)
    return _entry("terms", change, body)


def _event_words(event: Any, language: str) -> str:
    return f"{_date_words(event.date, language)} — {escape_text(event.label)}"


def _event_entry(change: Change, ctx: _Context) -> str:
    if change.status == REMOVED:
        return _entry("events", change, f"**Removed:** {_event_words(change.old, ctx.language)}.")
    told = f" (told in {ctx.told_in(change.new)})"
    if change.status == ADDED:
        return _entry("events", change, f"**New:** {_event_words(change.new, ctx.language)}{told}.")
    body = f"**Revised:** {_event_words(change.new, ctx.language)}{told}: {_what('events', change)}."
    if any(f.name in ("date", "label") for f in change.fields):
        body += f" It was: {_event_words(change.old, ctx.language)}."
    if any(f.name in ("note", "term") for f in change.fields):
        body += f" It was told in {ctx.told_in(change.old)}."
    return _entry("events", change, body + ctx.sources_moved(change))


def _full_stop(link: str) -> str:
    """The full stop after a link, unless what the link shows ends with one (“Trotsky, n.d.”)."""
    shown = link.rsplit(" <", 1)[0] if link.endswith(">`") else link
    return "" if shown.endswith(".") else "."


def _source_entry(change: Change, ctx: _Context) -> str:
    if change.status == REMOVED:
        name = _source_name(change.old)
        return _entry("sources", change, f"**Removed:** {name}{_full_stop(name)}")
    link = ctx.source(change.key)
    if change.status == ADDED:
        return _entry("sources", change, f"**New:** {link}{_full_stop(link)}")
    lines = [
        f"- {escape_text(_CSL_WORDS.get(f.name, f.name))}: was {_csl_value(f.old)}; now {_csl_value(f.new)}"
        for f in change.fields
    ]
    body = f"**Revised:** {link}{_full_stop(link)} What changed since edition {ctx.old}:\n\n" + "\n".join(lines)
    return _entry("sources", change, body)


def _seed_entry(change: Change, ctx: _Context) -> str:
    file = escape_text(f"seeds/{change.key}")
    if change.status == REMOVED:
        title = escape_text(change.old.title) if change.old.title else file
        return _entry("seeds", change, f"**Removed essay:** “{title}” ({file}).")
    link = f"{{ref}}`{change.new.slug}`"
    if change.status == ADDED:
        return _entry("seeds", change, f"**New essay:** {link} ({file}).")
    body = (
        f"**Text changed:** {link} ({file}): its SHA-256 was `{change.old.sha256}` in edition {ctx.old}, "
        f"and is now `{change.new.sha256}`."
    )
    return _entry("seeds", change, body)


def _record_entry(change: Change, ctx: _Context) -> str:
    """An essay's entry in book.toml added, revised or removed: what the book says of the essay besides its text."""
    name = escape_text(f"seeds/{change.key}")
    slug = ctx.slugs.get(change.key)
    essay = f"{{ref}}`{slug}` ({name})" if slug else name
    if change.status != REVISED:
        words = "New entry" if change.status == ADDED else "Entry removed"
        return _entry("essays", change, f"**{words}:** {essay} in `book.toml`.")
    lines = []
    for f in change.fields:
        if f.name == "author":
            lines.append(f"- author: was {_csl_value(f.old or None)}; now {_csl_value(f.new or None)}")
        elif f.name == "parts":
            old = "; ".join(escape_text(title) for title, _ in f.old) or "none"
            new = "; ".join(escape_text(title) for title, _ in f.new) or "none"
            lines.append(f"- part titles: were {old}; now {new}")
        else:
            old, new = dict(f.old), dict(f.new)
            words = _PUBLICATION_WORDS if f.name == "first_published" else {}
            what = "first publication" if f.name == "first_published" else "rights"
            for key in [k for k in new if old.get(k) != new[k]] + [k for k in old if k not in new]:
                shown = words.get(key, key.replace("_", " ")) or "how this copy relates to it"
                lines.append(
                    f"- {what}, {escape_text(shown)}: was {_csl_value(old.get(key))}; now {_csl_value(new.get(key))}"
                )
    body = (
        f"**Revised:** what the book says of {essay}: "
        f"{names([_RECORD_WORDS[f.name] for f in change.fields])}:\n\n" + "\n".join(lines)
    )
    return _entry("essays", change, body)


def _section(title: str, label: str, intro: str, entries: list[str], none: str) -> str:
    head = f"({CHANGES}-{label})=\n## {title}\n"
    if intro:
        head += f"\n:::{{container}} editorial\n{intro}\n:::\n"
    return head + "\n" + ("\n".join(e if e.endswith("\n") else e + "\n" for e in entries) if entries else f"{none}\n")


def _changes_page(changes: Changes, edition: Edition, chapters: list[Chapter], bib: Bibliography) -> str:
    ctx = _Context(changes, edition, chapters, bib)
    language = ctx.language
    then = _edition_words(changes.old_version, changes.old_date, language)
    now = _edition_words(changes.version, changes.date, language)
    intro = (
        f"What the editors changed from {then} to {now}: every note, glossary entry, timeline event "
        "and source added, revised or removed, each linked to where it now stands, and every change to "
        "an essay’s text. Notes keep their names from one edition to the next, so a link to a note "
        f"leads to it still; a note, entry or source new or revised in edition {escape_text(changes.version)} "
        "says so. Notes are numbered on each page in reading order, so a note added or removed changes the "
        f"numbers of those after it: *Note numbers* gives each one’s number in edition {ctx.old}."
    )

    def ordered(kind: str) -> list[Change]:
        entries = list(getattr(changes, kind))
        if kind == "notes":
            far = (len(chapters), 0, 0)
            entries.sort(key=lambda c: (c.status == REMOVED, ctx.order.get(c.key, far)))
        return entries

    out = [
        _marker("conf/ and the previous release"),
        f"({CHANGES})=\n# Changes in this edition\n",
        f":::{{container}} editorial\n{intro}\n:::\n",
        _section(
            "Notes",
            "notes",
            "",
            [_note_entry(c, ctx) for c in ordered("notes")],
            "No note was added, revised or removed.",
        ),
        _section(
            "Note numbers",
            "numbers",
            f"The notes whose number is not the one they had in edition {ctx.old}.",
            [
                "".join(
                    f"- {ctx.note(nid)} was {_number_words(old, ctx.old_titles, ctx.several)} in edition {ctx.old}.\n"
                    for nid, old, _ in changes.renumbered
                )
            ]
            if changes.renumbered
            else [],
            "Every note has the number it had.",
        ),
        _section(
            "Glossary",
            "glossary",
            "",
            [_term_entry(c, ctx) for c in ordered("terms")],
            "No glossary entry was added, revised or removed.",
        ),
    ]
    timeline = f"The {{ref}}`timeline <{TIMELINE}>` shows the events as they now are." if edition.events else ""
    out.append(
        _section(
            "Timeline",
            "timeline",
            timeline,
            [_event_entry(c, ctx) for c in ordered("events")],
            "No event was added, revised or removed.",
        )
    )
    out.append(
        _section(
            "Sources",
            "sources",
            "",
            [_source_entry(c, ctx) for c in ordered("sources")],
            "No source was added, revised or removed.",
        )
    )
    out.append(
        _section(
            "Essays",
            "essays",
            f"An essay’s text is never edited: a seed whose text is not byte for byte the one of edition {ctx.old} "
            "is listed with its SHA-256 then and now. So is every change to what the book says of an essay "
            "(its author, first publication, part titles and rights).",
            [_seed_entry(c, ctx) for c in ordered("seeds")] + [_record_entry(c, ctx) for c in ordered("essays")],
            f"Every essay’s text is the one of edition {ctx.old}, byte for byte, and the book says the same of it.",
        )
    )
    return "\n".join(out)
