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

from collections.abc import Iterable

from .bibliography import Bibliography
from .edition import Chapter, Edition, NoteAt, PartPlan
from .escape import escape_text
from .reading import human_date, reading_minutes
from .terms import Match, TermMatcher
from .write import MARKER

__all__ = [
    "APPARATUS",
    "GLOSSARY",
    "MARKER",
    "SOURCES",
    "TIMELINE",
    "author_line",
    "bibliography",
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
UNKNOWN_AUTHOR = "Author unknown"
# The generated pages of the editors' apparatus, in the order the contents list them.
APPARATUS = (GLOSSARY, TIMELINE, SOURCES)


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


def _notes_block(notes: list[NoteAt], bib: Bibliography) -> str:
    if not notes:
        return ""
    out = [":::{rubric} Editors’ notes\n:class: editorial-notes-heading\n:::\n"]
    for n in notes:
        body = n.note.text.strip()
        line = _sources_line(n.note.sources, bib)
        if line:
            body += "\n\n" + line
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


def _part_notes(chapter: Chapter, part: PartPlan) -> list[NoteAt]:
    return [n for n in chapter.notes if part.first <= n.paragraph < part.last]


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


def _chapter_pages(chapter: Chapter, edition: Edition, matcher: TermMatcher, bib: Bibliography) -> dict[str, str]:
    marker = _marker(f"seeds/{chapter.essay.name}")
    head = _head(chapter, chapter.slug, edition.book.language)
    if not chapter.paged:
        sections = []
        for part in chapter.parts:
            if chapter.has_parts:
                sections.append(
                    f"({chapter.slug}-part-{part.number})=\n{{.editorial-title}}\n## {part.title.strip()}\n"
                )
            sections.append(_essay_block(chapter, part, matcher))
        notes = _notes_block(list(chapter.notes), bib)
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
            f"{_essay_block(chapter, part, matcher)}\n{_notes_block(_part_notes(chapter, part), bib)}"
        )
    return pages


def _glossary_page(edition: Edition, bib: Bibliography) -> str:
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
        entries.append(f"{t.term}\n{_indent(body, '   ')}\n")
    entries.append(":::::\n")
    out.append("\n".join(entries))
    return "\n".join(out)


def _note_numbers(chapter: Chapter) -> dict[str, tuple[int, int]]:
    """Each note's (part, number) as the reader sees it: numbered per page, so per part when paged."""
    if not chapter.paged:
        return {n.note.id: (0, i) for i, n in enumerate(chapter.notes, 1)}
    return {n.note.id: (p.number, i) for p in chapter.parts for i, n in enumerate(_part_notes(chapter, p), 1)}


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
        numbers = _note_numbers(chapter)
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


def _sources_page(edition: Edition, chapters: list[Chapter], bib: Bibliography) -> str:
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
        out.append(
            f"(source-{f.id})=\n:::{{container}} source-entry\n{f.entry}\n\n"
            f"{{.where-used}}\n*Cited in:* {where}.\n:::\n"
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
            told = _note_link(chapter, event.note, _note_numbers(chapter)[event.note], len(chapters) > 1)
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


def render_chapter(chapter: Chapter, edition: Edition, matcher: TermMatcher, bib: Bibliography) -> dict[str, str]:
    """A chapter's pages, keyed by their path relative to the output folder.

    A page depends on its chapter (seed, entry in book.toml, notes), the
    glossary's terms, the labels of the sources its notes cite and the book's
    language, and on nothing else: what the converter's memo keys it by.
    """
    if not chapter.has_text:
        raise ValueError(f"{chapter.essay.name}: a chapter from the memo has no text to render")
    return {f"{chapter.slug}/{name}": text for name, text in _chapter_pages(chapter, edition, matcher, bib).items()}


def render_apparatus(edition: Edition, chapters: list[Chapter], bib: Bibliography) -> dict[str, str]:
    """The glossary, timeline and sources pages: they list what every chapter's notes cite and tell of."""
    pages = {f"{GLOSSARY}.md": _glossary_page(edition, bib)}
    if edition.events:
        pages[f"{TIMELINE}.md"] = _timeline_page(edition, chapters)
    pages[f"{SOURCES}.md"] = _sources_page(edition, chapters, bib)
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
