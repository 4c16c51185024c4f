"""The whole conversion, from folders to pages, shared by Sphinx and the command line.

Reads every seed and the editorial layer, collects every problem from all of
them, and only if there are none renders the pages. Writing is separate
(:mod:`essaybook.write`), so ``check`` can run the same steps and write nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .edition import Chapter, Edition, load_edition, resolve
from .parse import Essay, read_seed
from .problems import Problem, ProblemsError
from .render import GLOSSARY, SOURCES, chapter_labels, render_book
from .terms import TermMatcher

__all__ = ["Book", "build_book", "seed_files"]


@dataclass(frozen=True)
class Book:
    edition: Edition
    chapters: list[Chapter]
    matcher: TermMatcher
    pages: dict[str, str]
    skipped: list[str]


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


def _label_clashes(chapters: list[Chapter], edition: Edition) -> list[Problem]:
    """Anchors are derived from page names, so two essays could still collide
    (``a.txt``'s third paragraph and an essay named ``a-p3.txt``)."""
    owner: dict[str, str] = {GLOSSARY: "the glossary", SOURCES: "the sources page"}
    owner.update({f"source-{s.id}": "a source" for s in edition.sources})
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


def build_book(seeds_dir: Path, conf_dir: Path, base: Path | None = None) -> Book:
    """Parse, check and render; raise :class:`ProblemsError` with every problem."""
    base = base or Path.cwd()
    problems: list[Problem] = []
    essays: list[Essay] = []
    files = seed_files(seeds_dir)
    for file in files:
        try:
            essays.append(read_seed(file, _display(file, base)))
        except ProblemsError as err:
            problems.extend(err.problems)
    conf_display = _display(conf_dir, base)
    try:
        edition = load_edition(conf_dir, conf_display)
    except ProblemsError as err:
        raise ProblemsError(problems + err.problems) from None
    chapters, more, skipped = resolve(edition, essays, conf_display)
    for other in sorted(seeds_dir.iterdir()) if seeds_dir.is_dir() else ():
        if other.is_file() and other not in files and not other.name.startswith("."):
            skipped.append(f"{_display(other, base)} skipped: only .txt files in the seeds folder are essays")
    problems += more
    problems += _label_clashes(chapters, edition)
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
    return Book(edition, chapters, matcher, render_book(chapters, edition, matcher), skipped)
