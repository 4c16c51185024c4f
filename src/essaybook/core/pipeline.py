"""The whole conversion, from folders to pages, shared by Sphinx and the command line.

Reads every seed and the editorial layer, collects every problem from all of
them, and only if there are none renders the pages. Writing is separate
(:mod:`essaybook.core.write`), so ``check`` can run the same steps and write nothing.

Given a memo (:mod:`essaybook.core.memo`, the Sphinx build keeps one beside its
doctrees), the conversion takes from it what an earlier one computed from
the same inputs: the files of ``conf/`` entry by entry, the formatted
sources, and each chapter with its pages. What a chapter's pages depend on is
listed once, in :func:`_chapter_key`; every other page (glossary, timeline,
sources, changes) is rendered every time, since it lists what all chapters
hold. The result is the same book, byte for byte, with or without the memo.

Given a history (:mod:`essaybook.core.releases`), the edition is compared
with its previous release (:mod:`essaybook.core.changes`): the changes page,
and a line under each note that is new or revised since.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .bibliography import Bibliography
from .changes import Changes, Layer, SeedRecord, compare, layer_from_edition, numbers_of
from .edition import Chapter, Edition, EssayConf, Note, NoteAt, load_edition, resolve
from .memo import Memo, digest
from .problems import Problem, ProblemsError
from .releases import History, Release
from .render import (
    GLOSSARY,
    SOURCES,
    bibliography,
    changes_labels,
    chapter_labels,
    render_apparatus,
    render_chapter,
)
from .seeds import Essay, parse_seed
from .terms import TermMatcher

__all__ = ["Book", "book_code_points", "build_book", "input_stats", "seed_files"]


@dataclass(frozen=True)
class Book:
    edition: Edition
    chapters: list[Chapter]
    matcher: TermMatcher
    pages: dict[str, str]
    skipped: list[str]
    layer: Layer  # the editorial layer as the record of changes compares it (essaybook.core.changes)
    previous: Release | None = None  # the release this edition is compared with, if any
    changes: Changes | None = None  # what changed since then


def _display(path: Path, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return str(path)


def seed_files(seeds_dir: Path) -> list[Path]:
    """The seeds, in the order the book reads them: by file name."""
    if not seeds_dir.is_dir():
        return []
    # ".TXT" from another system is as much an essay as ".txt"; hidden files
    # (an editor's backup or lock files) are not.
    return sorted(
        (p for p in seeds_dir.iterdir() if p.suffix.lower() == ".txt" and not p.name.startswith(".") and p.is_file()),
        key=lambda p: p.name,
    )


def _strings(value: Any) -> Any:
    """Every string of a parsed TOML or JSON value, its keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def book_code_points(seeds_dir: Path, conf_dir: Path) -> frozenset[int]:
    """Every character the seeds and the editorial layer hold: what the book can print of its own.

    The PDF loads the fonts these need (:mod:`essaybook.typeset.fonts`). Read
    from the files as they are, without checking them (the conversion does
    that): a seed's text and file name, and every string of ``conf/``, parsed,
    so an escape such as ``\\u00e9`` counts as the letter it stands for. A file
    that does not parse counts as its raw text, a seed's bytes that are not
    UTF-8 as U+FFFD.
    """
    import tomllib

    chars: set[str] = set()
    for path in seed_files(seeds_dir):
        text = path.read_bytes().decode("utf-8", "replace")
        chars.update(text.removeprefix("\ufeff"))
        chars.update(path.name)
    files = sorted(p for p in conf_dir.iterdir() if p.is_file()) if conf_dir.is_dir() else []
    for path in files:
        raw = path.read_bytes().decode("utf-8", "replace")
        try:
            if path.suffix == ".toml":
                chars.update("".join(_strings(tomllib.loads(raw))))
            elif path.suffix == ".json":
                chars.update("".join(_strings(json.loads(raw))))
        except ValueError:
            chars.update(raw)
    return frozenset(ord(c) for c in chars)


def input_stats(*folders: Path) -> tuple[tuple[object, ...], ...]:
    """Every file in these folders as the file system describes it: name, size, times, inode.

    Writing a file changes its modification and change times, and replacing it
    (as ``git checkout`` and most editors do) its inode, so while this stays
    the same no input has changed. It costs a stat per file, nothing is read.
    """
    out: list[tuple[object, ...]] = []
    for folder in folders:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            out.append((str(folder), None))
            continue
        for entry in entries:
            try:
                st = entry.stat()
            except OSError:
                out.append((str(folder), entry.name, None))
                continue
            out.append((str(folder), entry.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(out)


def _label_clashes(chapters: list[Chapter], edition: Edition, changes: Changes | None) -> list[Problem]:
    """Anchors are derived from page names, so two essays could still collide
    (``a.txt``'s third paragraph and an essay named ``a-p3.txt``)."""
    owner: dict[str, str] = {GLOSSARY: "the glossary", SOURCES: "the sources page"}
    owner.update({f"source-{s.id}": "a source" for s in edition.sources})
    if changes is not None:
        owner.update({label: "the changes page" for label in changes_labels(changes)})
    problems = []
    for chapter in chapters:
        for label in chapter_labels(chapter):
            if label in owner and owner[label] != chapter.essay.path:
                problems.append(
                    Problem(
                        chapter.essay.path,
                        0,
                        0,
                        "seed.duplicate-name",
                        f"this essay's anchor '{label}' is also used by {owner[label]}",
                        f'give the essay another slug in conf/book.toml under [essays."{chapter.essay.name}"]',
                    )
                )
                break
            owner.setdefault(label, chapter.essay.path)
    return problems


def _bibliography(edition: Edition, memo: Memo) -> Bibliography:
    """The sources formatted by citeproc, or as it formatted the same items in the same style and language before."""
    items = json.dumps([src.csl for src in edition.sources], sort_keys=True, ensure_ascii=False)
    key = digest("bibliography", items, edition.book.citation_style, edition.book.language)
    kept = memo.get("bibliography", key)
    if kept is not None:
        return Bibliography.restore(kept)
    bib = bibliography(edition)
    memo.put("bibliography", key, bib.data())
    return bib


def _conf_key(conf: EssayConf | None) -> Any:
    # Line numbers are left out: they only ever appear in problems, and a kept chapter had none.
    if conf is None:
        return None
    pub = conf.first_published
    return (
        conf.slug,
        conf.author,
        conf.layout,
        None if pub is None else (pub.title, pub.container, pub.date, pub.url, pub.relation),
        tuple((part.title, part.starts) for part in conf.parts),
    )


def _chapter_key(
    name: str,
    display: str,
    sha256: str,
    edition: Edition,
    notes: list[Note],
    bib: Bibliography,
    shared: str,
    marks: dict[str, str],
) -> str:
    """Everything a chapter and its pages are made from (with ``shared``, what every chapter's pages use).

    ``marks`` says which notes were added or revised since the previous release: each says so.
    """
    cited = sorted({sid for n in notes for sid in n.sources})
    return digest(
        "chapter",
        name,
        display,
        sha256,
        _conf_key(edition.essays.get(name)),
        tuple((n.id, n.anchor, n.text, n.sources, marks.get(n.id, "")) for n in notes),
        tuple((sid, bib.by_id[sid].label if sid in bib.by_id else None) for sid in cited),
        shared,
    )


def _shared_key(edition: Edition) -> str:
    """What every chapter's pages depend on: the book's language, page length and version, the glossary's terms."""
    book = edition.book
    terms = tuple((t.term, t.aliases) for t in edition.terms)
    return digest("shared", book.language, book.one_page_words, book.version, terms)


def _kept_chapter(kept: Any, essay_conf: EssayConf | None, notes: list[Note], display: str) -> Chapter:
    essay, slug, parts, placed, words, paged, count = kept
    by_id = {n.id: n for n in notes}
    return Chapter(
        replace(essay, path=display),
        slug,
        essay_conf,
        parts,
        tuple(NoteAt(by_id[i], paragraph, end) for i, paragraph, end in placed),
        words,
        paged,
        count,
    )


def _to_keep(chapter: Chapter, pages: dict[str, str]) -> Any:
    # The essay without its text: its pages are kept whole, and nothing else reads the paragraphs.
    essay = replace(chapter.essay, paragraphs=())
    placed = tuple((n.note.id, n.paragraph, n.end) for n in chapter.notes)
    kept = (essay, chapter.slug, chapter.parts, placed, chapter.words, chapter.paged, chapter.paragraph_count)
    return kept, pages


def build_book(
    seeds_dir: Path,
    conf_dir: Path,
    base: Path | None = None,
    memo: Memo | None = None,
    history: History | None = None,
) -> Book:
    """Parse, check and render; raise :class:`ProblemsError` with every problem.

    With a ``history`` (:mod:`essaybook.core.releases`), the edition is
    compared with the release before it: the book gains a page of what
    changed, and each note, glossary entry and source added or revised since
    says so.
    """
    base = base or Path.cwd()
    memo = memo or Memo(None)
    problems: list[Problem] = []
    files = seed_files(seeds_dir)
    data = {file: file.read_bytes() for file in files}
    conf_display = _display(conf_dir, base)
    try:
        edition = load_edition(conf_dir, conf_display, memo)
    except ProblemsError as err:
        for file in files:
            try:
                parse_seed(data[file], file.name, _display(file, base))
            except ProblemsError as seed_err:
                problems.extend(seed_err.problems)
        raise ProblemsError(problems + err.problems) from None
    previous = None
    if history is not None:
        try:
            previous = history.previous(edition.book.version, memo)
        except ProblemsError as err:
            problems += err.problems
    # Which notes, entries and sources say they are new or revised: a function of the entries alone.
    marks = compare(previous.layer, layer_from_edition(edition, {})).marks if previous else {}
    note_marks = marks.get("notes", {})
    bib = _bibliography(edition, memo)
    remembering = memo.folder is not None
    shared = _shared_key(edition) if remembering else ""
    notes_by_seed: dict[str, list[Note]] = {}
    for note in edition.notes:
        notes_by_seed.setdefault(note.seed, []).append(note)
    essays: list[Essay] = []
    ready: dict[str, Chapter] = {}
    kept_pages: dict[str, dict[str, str]] = {}
    keys: dict[str, str] = {}
    sha256 = {file: hashlib.sha256(data[file]).hexdigest() for file in files} if remembering else {}
    for file in files:
        display = _display(file, base)
        notes = notes_by_seed.get(file.name, [])
        if remembering:
            key = keys[file.name] = _chapter_key(
                file.name, display, sha256[file], edition, notes, bib, shared, note_marks
            )
            kept = memo.get("chapters/", key)
            if kept is not None:
                chapter_data, kept_pages[file.name] = kept
                ready[file.name] = _kept_chapter(chapter_data, edition.essays.get(file.name), notes, display)
                essays.append(ready[file.name].essay)
                continue
        try:
            essays.append(parse_seed(data[file], file.name, display))
        except ProblemsError as err:
            problems.extend(err.problems)
    chapters, more, skipped = resolve(edition, essays, conf_display, ready)
    essay_files = set(files)
    for other in sorted(seeds_dir.iterdir()) if seeds_dir.is_dir() else ():
        if other.is_file() and other not in essay_files and not other.name.startswith("."):
            skipped.append(f"{_display(other, base)} skipped: only .txt files in the seeds folder are essays")
    problems += more
    seeds = {c.essay.name: SeedRecord(c.essay.sha256, c.essay.title, c.slug) for c in chapters}
    layer = layer_from_edition(edition, seeds, numbers_of(chapters))
    changes = compare(previous.layer, layer) if previous else None
    problems += _label_clashes(chapters, edition, changes)
    if not files and not problems:
        problems.append(
            Problem(
                _display(seeds_dir, base),
                0,
                0,
                "seed.none",
                "there are no essays: no .txt file in this folder",
                "add an essay as a UTF-8 .txt file: its title on the first line, then its paragraphs",
            )
        )
    if problems:
        raise ProblemsError(problems)
    matcher = TermMatcher(edition.terms)
    pages: dict[str, str] = {}
    for chapter in chapters:
        name = chapter.essay.name
        if name in kept_pages:
            pages.update(kept_pages[name])
            continue
        rendered = render_chapter(chapter, edition, matcher, bib, note_marks)
        pages.update(rendered)
        if remembering:
            memo.put("chapters/", keys[name], _to_keep(chapter, rendered))
    pages.update(render_apparatus(edition, chapters, bib, changes))
    return Book(edition, chapters, matcher, pages, skipped, layer, previous, changes)
