"""Render the book: essays and the editorial layer in, MyST pages out.

Pure and deterministic: the same essays and edition give the same bytes, so
the writer can skip pages that did not change and two builds of one commit
agree. Seed text only ever reaches a page through :func:`escape.escape_text`;
the only MyST added around it is ours (targets, term roles, note markers).
The editors' text (part titles, definitions, notes) is trusted MyST and is
placed as written, always inside markup that marks it as editorial.
"""

from __future__ import annotations

from collections.abc import Iterable

from .edition import Chapter, Edition, NoteAt, PartPlan, Source, citation
from .escape import escape_text
from .terms import Match, TermMatcher

__all__ = [
    "GLOSSARY",
    "MARKER",
    "SOURCES",
    "chapter_docs",
    "chapter_labels",
    "paragraph_label",
    "render_book",
    "render_paragraph",
]

MARKER = "% essaybook: generated page"
GLOSSARY = "glossary"
SOURCES = "sources"


def paragraph_label(slug: str, number: int) -> str:
    return f"{slug}-p{number}"


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


def _cite(ids: Iterable[str], sources: dict[str, Source]) -> str:
    return "; ".join(f"{{ref}}`{citation(sources[i])} <source-{i}>`" for i in ids if i in sources)


def _notes_block(notes: list[NoteAt], sources: dict[str, Source]) -> str:
    if not notes:
        return ""
    out = [":::{rubric} Editors’ notes\n:class: editorial-notes-heading\n:::\n"]
    for n in notes:
        body = n.note.text.strip()
        cited = _cite(n.note.sources, sources)
        if cited:
            body += f"\n*Source:* {cited}."
        lines = body.split("\n")
        out.append(
            f"[^{n.note.id}]: "
            + lines[0]
            + "".join("\n    " + line if line.strip() else "\n" for line in lines[1:])
            + "\n"
        )
    return "\n".join(out)


def _essay_block(chapter: Chapter, part: PartPlan, matcher: TermMatcher) -> tuple[str, list[NoteAt]]:
    paragraphs = chapter.essay.paragraphs[part.first : part.last]
    links = _first_uses(matcher, [p.text for p in paragraphs])
    notes = [n for n in chapter.notes if part.first <= n.paragraph < part.last]
    body = ["::::{container} essay-text\n"]
    for offset, (p, chosen) in enumerate(zip(paragraphs, links, strict=True)):
        index = part.first + offset
        here = [(n.end, n.note.id) for n in notes if n.paragraph == index]
        body.append(f"({paragraph_label(chapter.slug, index + 1)})=\n{render_paragraph(p.text, chosen, here)}\n")
    body.append("::::\n")
    return "\n".join(body), notes


def _chapter_pages(chapter: Chapter, edition: Edition, matcher: TermMatcher) -> dict[str, str]:
    sources = edition.sources_by_id
    marker = _marker(f"seeds/{chapter.essay.name}")
    title = escape_text(chapter.essay.title)
    author = chapter.conf.author if chapter.conf else ""
    byline = f":::{{container}} essay-byline\n{escape_text(author)}\n:::\n" if author else ""
    pages: dict[str, str] = {}
    if not chapter.has_parts:
        block, notes = _essay_block(chapter, chapter.parts[0], matcher)
        pages["index.md"] = (
            f"{marker}\n({chapter.slug})=\n# {title}\n\n{byline}\n{block}\n{_notes_block(notes, sources)}"
        )
        return pages
    count = len(chapter.parts)
    toc = "\n".join(f"part-{p.number}" for p in chapter.parts)
    pages["index.md"] = (
        f"{marker}\n({chapter.slug})=\n# {title}\n\n{byline}\n"
        f":::{{container}} editorial essay-contents\n"
        f"In {count} parts. The part titles are the editors’, not the author’s.\n:::\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n"
    )
    for part in chapter.parts:
        block, notes = _essay_block(chapter, part, matcher)
        pages[f"part-{part.number}.md"] = (
            f"{marker}\n({chapter.slug}-part-{part.number})=\n{{.editorial-title}}\n# {part.title.strip()}\n\n"
            f":::{{container}} editorial essay-context\n"
            f"Part {part.number} of {count} of [{title}](index.md). Part title by the editors.\n:::\n\n"
            f"{block}\n{_notes_block(notes, sources)}"
        )
    return pages


def _glossary_page(edition: Edition) -> str:
    sources = edition.sources_by_id
    out = [
        _marker("conf/glossary.toml"),
        f"({GLOSSARY})=\n# Glossary\n",
        ":::{container} editorial\nThe editors’ definitions of the terms the essays use. "
        "Under each entry, *Used in* links to every paragraph that uses the term.\n:::\n",
    ]
    if not edition.terms:
        out.append("The glossary is empty: add entries to `conf/glossary.toml`.\n")
        return "\n".join(out)
    entries = [":::::{glossary}\n:sorted:\n"]
    for t in edition.terms:
        body = t.definition.strip()
        if t.aliases:
            body += "\n\n*Also:* " + ", ".join(escape_text(a) for a in t.aliases) + "."
        cited = _cite(t.sources, sources)
        if cited:
            body += f"\n\n*Source:* {cited}."
        entries.append(f"{t.term}\n{_indent(body, '   ')}\n")
    entries.append(":::::\n")
    out.append("\n".join(entries))
    return "\n".join(out)


def _source_entry(s: Source) -> str:
    parts = []
    if s.author:
        parts.append(escape_text(s.author) + ".")
    # A title that ends in its own punctuation ("Where Is It Going?") takes no full stop.
    stop = "" if s.title.rstrip()[-1:] in "?!." else "."
    parts.append(f"*{escape_text(s.title)}*{stop}")
    where = ", ".join(x for x in (escape_text(s.publisher), str(s.year) if s.year else "") if x)
    if where:
        parts.append(where + ".")
    if s.isbn:
        parts.append(f"ISBN {escape_text(s.isbn)}.")
    if s.note:
        parts.append(s.note.strip())
    if s.url:
        parts.append(f"<{s.url}>")
    return f"(source-{s.id})=\n" + " ".join(parts) + "\n"


def _sources_page(edition: Edition) -> str:
    out = [
        _marker("conf/sources.toml"),
        f"({SOURCES})=\n# Sources\n",
        ":::{container} editorial\nThe works the editors’ notes and glossary cite.\n:::\n",
    ]
    for s in sorted(
        edition.sources,
        key=lambda s: (s.author.split()[-1].casefold() if s.author else s.title.casefold(), s.year or 0, s.id),
    ):
        out.append(_source_entry(s))
    if not edition.sources:
        out.append("No sources are listed yet: add them to `conf/sources.toml`.\n")
    return "\n".join(out)


def chapter_labels(chapter: Chapter) -> list[str]:
    """Every cross-reference label a chapter's pages define."""
    labels = [chapter.slug]
    if chapter.has_parts:
        labels += [f"{chapter.slug}-part-{p.number}" for p in chapter.parts]
    labels += [paragraph_label(chapter.slug, n) for n in range(1, len(chapter.essay.paragraphs) + 1)]
    return labels


def chapter_docs(chapter: Chapter) -> list[str]:
    """Page names (relative, without suffix) of a chapter, in reading order."""
    names = [f"{chapter.slug}/index"]
    if chapter.has_parts:
        names += [f"{chapter.slug}/part-{p.number}" for p in chapter.parts]
    return names


def render_book(chapters: list[Chapter], edition: Edition, matcher: TermMatcher | None = None) -> dict[str, str]:
    """Every generated page, keyed by its path relative to the output folder."""
    matcher = matcher if matcher is not None else TermMatcher(edition.terms)
    pages: dict[str, str] = {}
    for chapter in chapters:
        for name, text in _chapter_pages(chapter, edition, matcher).items():
            pages[f"{chapter.slug}/{name}"] = text
    pages[f"{GLOSSARY}.md"] = _glossary_page(edition)
    pages[f"{SOURCES}.md"] = _sources_page(edition)
    return pages
