"""Synthetic books for the benchmark: N near-copies of the seed essay, each a chapter.

Every copy keeps the seed's author, first publication, parts and notes (the
editorial layer is repeated per copy, with note ids made unique), and the book
keeps the glossary, the sources (CSL-JSON) and the timeline, whose events point
at the first copy's notes; so a copy is a chapter like the real one: one page
with three parts as sections, notes, term links. The words differ:
a seeded random generator substitutes ordinary words of the essay for one
another, never a word that an anchor, a part start or a glossary term relies
on, so every anchor still occurs exactly once and every page's text differs.
The same ``n`` and ``seed`` always give the same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_4ba1c0995a320183.txt"
CONF = ROOT / "conf"

_WORD = re.compile(r"[A-Za-z]+")


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else _toml_str(str(value))


def _protected(conf: Path) -> set[str]:
    """Words the editorial layer's anchors and terms depend on."""
    words: set[str] = set()
    book = tomllib.loads((conf / "book.toml").read_text("utf-8"))
    notes = tomllib.loads((conf / "notes.toml").read_text("utf-8"))
    glossary = tomllib.loads((conf / "glossary.toml").read_text("utf-8"))
    texts = [p.get("starts", "") for e in book.get("essays", {}).values() for p in e.get("parts", [])]
    texts += [n["anchor"] for n in notes.get("notes", [])]
    texts += [t["term"] for t in glossary.get("terms", [])]
    texts += [a for t in glossary.get("terms", []) for a in t.get("aliases", [])]
    for text in texts:
        words.update(w.lower() for w in _WORD.findall(text))
    return words


def essay_copy(text: str, index: int, protected: set[str], rate: float = 0.15, seed: int = 0) -> str:
    """The seed essay with a deterministic share of its ordinary words swapped."""
    title, _, body = text.partition("\n")
    rng = random.Random(f"{seed}:{index}")
    vocabulary = sorted({w.lower() for w in _WORD.findall(body) if w.lower() not in protected and len(w) > 3})

    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in protected or len(word) <= 3 or rng.random() >= rate:
            return word
        new = rng.choice(vocabulary)
        return new.capitalize() if word[0].isupper() else new

    # Only whole words between letters are swapped, so no anchor can be formed
    # or broken (anchors consist of protected words and punctuation).
    return f"{title} ({index:04d})\n" + re.sub(r"(?<![’'\w])[A-Za-z]+(?![’'\w])", swap, body)


def make_corpus(dest: Path, n: int, seed: int = 0) -> Path:
    """Write ``dest/seeds`` and ``dest/conf`` for an ``n``-essay book; return ``dest``."""
    seeds, conf = dest / "seeds", dest / "conf"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.rmtree(conf, ignore_errors=True)
    seeds.mkdir(parents=True)
    conf.mkdir(parents=True)
    text = SEED.read_text("utf-8")
    protected = _protected(CONF)
    book = tomllib.loads((CONF / "book.toml").read_text("utf-8"))
    notes = tomllib.loads((CONF / "notes.toml").read_text("utf-8"))["notes"]
    (essay_conf,) = book["essays"].values()
    head = (CONF / "book.toml").read_text("utf-8").split("[essays.", 1)[0]
    out = [head]
    note_out = []
    for i in range(n):
        name = f"e{i:04d}.txt"
        (seeds / name).write_text(essay_copy(text, i, protected, seed=seed), "utf-8")
        out.append(f'[essays."{name}"]\nslug = "essay-{i:04d}"\n')
        if "author" in essay_conf:
            out[-1] += f"author = {_toml_str(essay_conf['author'])}\n"
        if "first_published" in essay_conf:
            out.append(
                f'[essays."{name}".first_published]\n'
                + "".join(f"{k} = {_toml_str(v)}\n" for k, v in essay_conf["first_published"].items())
            )
        if "rights" in essay_conf:
            out.append(
                f'[essays."{name}".rights]\n'
                + "".join(f"{k} = {_toml_value(v)}\n" for k, v in essay_conf["rights"].items())
            )
        for part in essay_conf.get("parts", []):
            out.append(
                f'[[essays."{name}".parts]]\ntitle = {_toml_str(part["title"])}\n'
                f"starts = {_toml_str(part.get('starts', ''))}\n"
            )
        for note in notes:
            note_out.append(
                f'[[notes]]\nid = "c{i:04d}-{note["id"]}"\nseed = "{name}"\nanchor = {_toml_str(note["anchor"])}\n'
                f"text = {_toml_str(note['text'].strip())}\n"
                f"sources = [{', '.join(_toml_str(s) for s in note.get('sources', []))}]\n"
            )
    (conf / "book.toml").write_text("\n".join(out), "utf-8")
    (conf / "notes.toml").write_text("\n".join(note_out), "utf-8")
    for name in ("glossary.toml", "sources.json"):
        shutil.copyfile(CONF / name, conf / name)
    if n and (CONF / "timeline.toml").is_file():
        # Each event belongs to a note: here the first copy's.
        timeline = (CONF / "timeline.toml").read_text("utf-8")
        (conf / "timeline.toml").write_text(re.sub(r'^note = "', 'note = "c0000-', timeline, flags=re.M), "utf-8")
    return dest


def edit_one(dest: Path, index: int) -> Path:
    """Change one ordinary word in one essay's last paragraph, as an author's fix would."""
    path = dest / "seeds" / f"e{index:04d}.txt"
    text = path.read_text("utf-8")
    path.write_text(text.rstrip("\n") + " Edited.\n", "utf-8")
    return path


def edit_note(dest: Path, index: int) -> Path:
    """Change the wording of one note of one essay in ``conf/notes.toml``, as an editor's fix would."""
    path = dest / "conf" / "notes.toml"
    text = path.read_text("utf-8")
    head, sep, rest = text.partition(f'id = "c{index:04d}-')
    if not sep:
        raise ValueError(f"no note of essay {index} in {path}")
    # The first text of that note: a word added at its end.
    line_start = rest.index("\ntext = ")
    end = rest.index('"\n', line_start + len("\ntext = ") + 1)
    path.write_text(head + sep + rest[:end] + " (Edited.)" + rest[end:], "utf-8")
    return path
