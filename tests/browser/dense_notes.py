"""A generated essay whose notes crowd the margin: one on each of ten consecutive lines, then one with room.

Each of the first paragraph's ten "lines" is a run of words joined by
no-break spaces, wider than half the essay's column and narrower than all of
it, so a line holds exactly one run (and its note marker) at every width
where the notes stand in the margin; the test checks that it does before
measuring. The second paragraph has one note and the long third paragraph
none, so that note has room in the margin to open whole; the fourth has
the last note. Every note is as long as the
real book's (80 to 150 words).
"""

from __future__ import annotations

import json
from pathlib import Path

SEED = "001-dense.txt"
SLUG = "dense"
PAGE = f"book/{SLUG}/index.html"
RUN = 10  # notes on consecutive lines
NBSP = "\u00a0"

_WORDS = (
    "the editors record here what the sources say about this line and where a reader may find it in full "
    "with dates places names and the works that give them so that every statement can be checked against "
    "its source and nothing is added that the sources do not support"
).split()


def _note_text(k: int, words: int) -> str:
    body = " ".join(_WORDS[(k + i) % len(_WORDS)] for i in range(words))
    return f"Note {k} opens here: {body}."


def seed_text() -> str:
    runs = [NBSP.join(f"Line{k:02d} of the run holds a single marked word mark{k:02d}".split()) for k in range(RUN)]
    room = "A later paragraph whose one note has the margin to itself: roomy."
    filler = " ".join(["This paragraph holds no note and gives the one before it room in the margin."] * 30)
    last = "The last paragraph has the last note: final."
    return "A Crowded Margin\n\n" + " ".join(runs) + "\n\n" + room + "\n\n" + filler + "\n\n" + last + "\n"


def notes_toml() -> str:
    out = []
    anchors = [f"mark{k:02d}" for k in range(RUN)] + ["roomy", "final"]
    for k, anchor in enumerate(anchors):
        words = 80 + (k * 7) % 70  # 80 to 150 words
        out.append(
            f'[[notes]]\nid = "n{k:02d}"\nseed = "{SEED}"\nanchor = "{anchor}"\n'
            f'text = "{_note_text(k, words)}"\nsources = ["dense-source"]\n'
        )
    return "\n".join(out)


BOOK_TOML = f"""[book]
title = "A Crowded Margin"
editor = "The Test Editors"
rights = {{ holder = "The Test Editors", year = "2026" }}
version = "1.0"

[essays."{SEED}"]
slug = "{SLUG}"
author = "A. Writer"
"""

SOURCES = [{"id": "dense-source", "type": "book", "title": "A Source", "issued": {"date-parts": [[2020]]}}]


GLOSSARY = """[[terms]]
term = "margin"
definition = "The space beside the text, where the notes stand."
sources = ["dense-source"]
"""


def make(root: Path) -> tuple[Path, Path]:
    """Write the seeds and conf folders of the crowded book under ``root``; (seeds, conf)."""
    seeds, conf = root / "seeds", root / "conf"
    seeds.mkdir(parents=True)
    (seeds / SEED).write_text(seed_text(), "utf-8")
    conf.mkdir()
    (conf / "glossary.toml").write_text(GLOSSARY, "utf-8")
    (conf / "book.toml").write_text(BOOK_TOML, "utf-8")
    (conf / "notes.toml").write_text(notes_toml(), "utf-8")
    (conf / "sources.json").write_text(json.dumps(SOURCES, indent=2), "utf-8")
    return seeds, conf
