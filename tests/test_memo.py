"""The converter's memo: whatever it holds, the conversion gives what it gives without one.

Each test converts with and without a memo (a cold one, then one warmed by an
earlier conversion, then after an edit) and requires the same edition, the
same pages and the same problems, so the memo can only ever save time.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from essaybook.core import edition as edition_module
from essaybook.core import memo as memo_module
from essaybook.core.edition import load_book, load_edition
from essaybook.core.memo import Memo, digest
from essaybook.core.pipeline import build_book
from essaybook.core.problems import ProblemsError
from test_edition import SCHEMA_CASES, write

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "bench"))
from corpus import edit_note, edit_one, make_corpus  # noqa: E402


def _problems(load: Callable[[], object]) -> list[tuple[str, int, int, str, str, str]]:
    with pytest.raises(ProblemsError) as info:
        load()
    return [(p.path, p.line, p.column, p.code, p.message, p.hint) for p in info.value.problems]


def _warm(folder: Path, load: Callable[[Memo], object]) -> object:
    """Load once with a fresh memo and save it; the result."""
    memo = Memo(folder)
    result = load(memo)
    memo.save()
    return result


# --- conf/ --------------------------------------------------------------------


def test_conf_from_the_memo_is_the_conf(tmp_path: Path) -> None:
    plain = load_edition(ROOT / "conf")
    cold = _warm(tmp_path / "memo", lambda m: load_edition(ROOT / "conf", memo=m))
    warm = load_edition(ROOT / "conf", memo=Memo(tmp_path / "memo"))
    # Equality covers every field, the lines of entries included.
    assert cold == plain and warm == plain
    assert [s.csl for s in warm.sources] == [s.csl for s in plain.sources]
    assert load_book(ROOT / "conf", memo=Memo(tmp_path / "memo")) == load_book(ROOT / "conf")


def test_an_edited_note_is_the_only_entry_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf", conf)
    _warm(tmp_path / "memo", lambda m: load_edition(conf, memo=m))
    notes = conf / "notes.toml"
    text = notes.read_text("utf-8")
    notes.write_text(text.replace("completed in 1936", "completed in 1936 (edited)", 1), "utf-8")
    parsed: list[str] = []
    loads = edition_module.tomllib.loads
    monkeypatch.setattr(edition_module.tomllib, "loads", lambda s: parsed.append(s) or loads(s))
    warm = load_edition(conf, memo=Memo(tmp_path / "memo"))
    # The edited note, and nothing else.
    assert len(parsed) == 1 and "(edited)" in parsed[0] and parsed[0].startswith("[[notes]]")
    monkeypatch.undo()
    assert warm == load_edition(conf)
    assert any("(edited)" in n.text for n in warm.notes)


def test_an_edited_essay_entry_keeps_every_line(tmp_path: Path) -> None:
    """The lines of a book.toml entry's parts come from the memo too, and are the whole file's."""
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf", conf)
    book = conf / "book.toml"
    book.write_text(book.read_text("utf-8") + '\n[essays."x.txt"]\n\n[[essays."x.txt".parts]]\ntitle = "X"\n', "utf-8")
    _warm(tmp_path / "memo", lambda m: load_edition(conf, memo=m))
    # Two lines more above every entry: each entry's lines move, its text does not.
    book.write_text(book.read_text("utf-8").replace("[book]", "# one\n# two\n[book]", 1), "utf-8")
    warm = load_edition(conf, memo=Memo(tmp_path / "memo"))
    assert warm == load_edition(conf)
    lines = book.read_text("utf-8").split("\n")
    assert warm.essays["x.txt"].parts[0].line == lines.index('[[essays."x.txt".parts]]') + 1


HEADER_IN_STRINGS = {
    "notes.toml": '[[notes]]\nid = "a"\nseed = "s.txt"\nanchor = "x"\ntext = """\nOne\n[[notes]]\nid = "b"\n"""\n'
    'sources = ["s"]\n\n[[notes]]\nid = "c"\nseed = "s.txt"\nanchor = "y"\ntext = \'\'\'\n[[notes]]\'\'\'\n'
    'sources = ["s"]\n',
    "book.toml": '[book]\ntitle = "T"\nrights = {holder = "c", year = "2026"}\nversion = "1"\n'
    'introduction = """\n[essays."x.txt"]\n"""\n'
    '[essays."a.txt"]\nslug = "a"\n[[essays."a.txt".parts]]\ntitle = """\n[essays."b.txt"]\n"""\n'
    '[essays."c.txt"]\nslug = "c"\n',
}


@pytest.mark.parametrize("name", sorted(HEADER_IN_STRINGS))
def test_a_header_line_inside_a_string_is_not_an_entry(tmp_path: Path, name: str) -> None:
    conf = tmp_path / "conf"
    conf.mkdir()
    if name != "book.toml":
        (conf / "book.toml").write_text(
            '[book]\ntitle = "T"\nrights = {holder = "c", year = "2026"}\nversion = "1"\n', "utf-8"
        )
    (conf / "sources.json").write_text('[{"id": "s", "type": "book", "title": "S"}]', "utf-8")
    (conf / name).write_text(HEADER_IN_STRINGS[name], "utf-8")
    plain = load_edition(conf)
    assert _warm(tmp_path / "memo", lambda m: load_edition(conf, memo=m)) == plain
    assert load_edition(conf, memo=Memo(tmp_path / "memo")) == plain
    assert len(plain.notes) == (2 if name == "notes.toml" else 0)
    assert len(plain.essays) == (2 if name == "book.toml" else 0)


@pytest.mark.parametrize(("file", "text", "expected"), SCHEMA_CASES)
def test_problems_are_the_same_with_a_memo(
    tmp_path: Path, file: str, text: str, expected: list[tuple[str, str]]
) -> None:
    conf = write(tmp_path, **{file: text})
    plain = _problems(lambda: load_edition(conf))
    memo = Memo(tmp_path / "memo")
    assert _problems(lambda: load_edition(conf, memo=memo)) == plain
    # A file with a problem is never kept.
    memo.save()
    assert _problems(lambda: load_edition(conf, memo=Memo(tmp_path / "memo"))) == plain


# --- the whole conversion ----------------------------------------------------------


def _edit_glossary_alias(project: Path) -> None:
    path = project / "conf" / "glossary.toml"
    path.write_text(path.read_text("utf-8").replace('aliases = ["', 'aliases = ["differences", "', 1), "utf-8")


def _edit_source_author(project: Path) -> None:
    path = project / "conf" / "sources.json"
    items = json.loads(path.read_text("utf-8"))
    items[0]["author"][0]["family"] = "Marks"
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False), "utf-8")


def _edit_part_title(project: Path) -> None:
    path = project / "conf" / "book.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('title = "Appearance and doctrine"', 'title = "Appearances"', 1), "utf-8")


def _edit_seed_title(project: Path) -> None:
    path = project / "seeds" / "e0001.txt"
    title, _, rest = path.read_text("utf-8").partition("\n")
    path.write_text(title + " Retitled\n" + rest, "utf-8")


def _edit_remove_seed(project: Path) -> None:
    (project / "seeds" / "e0002.txt").unlink()


EDITS: dict[str, Callable[[Path], object]] = {
    "note": lambda p: edit_note(p, 1),
    "glossary-alias": _edit_glossary_alias,
    "source-author": _edit_source_author,
    "seed-text": lambda p: edit_one(p, 1),
    "seed-title": _edit_seed_title,
    "part-title": _edit_part_title,
    "seed-removed": _edit_remove_seed,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"), 3)


@pytest.fixture(autouse=True)
def citeproc_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Format each list of sources once per session: citeproc takes a second, and its output is not under test."""
    from essaybook.core import pipeline

    monkeypatch.setattr(pipeline, "bibliography", _formatted)


_FORMATTED: dict[str, object] = {}


def _formatted(edition):
    from essaybook.core.render import bibliography

    key = json.dumps([[s.csl for s in edition.sources], edition.book.citation_style, edition.book.language])
    if key not in _FORMATTED:
        _FORMATTED[key] = bibliography(edition)
    return _FORMATTED[key]


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_book_from_the_memo_is_the_book(tmp_path: Path, corpus: Path, edit: str) -> None:
    project = tmp_path / "p"
    shutil.copytree(corpus, project)

    def convert(memo: Memo | None) -> dict[str, str]:
        return build_book(project / "seeds", project / "conf", project, memo).pages

    cold = _warm(tmp_path / "memo", convert)
    assert cold == convert(None)
    EDITS[edit](project)
    edited = convert(None)
    assert edited != cold, "the edit changes no page: the test would prove nothing"
    memo = Memo(tmp_path / "memo")
    assert convert(memo) == edited
    memo.save()
    assert convert(Memo(tmp_path / "memo")) == edited


def test_only_the_edited_essay_is_parsed_and_rendered(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "p"
    shutil.copytree(corpus, project)
    _warm(tmp_path / "memo", lambda m: build_book(project / "seeds", project / "conf", project, m))
    edit_note(project, 2)
    from essaybook.core import pipeline

    parsed: list[str] = []
    parse = pipeline.parse_seed
    monkeypatch.setattr(pipeline, "parse_seed", lambda data, name, path: parsed.append(name) or parse(data, name, path))
    rendered: list[str] = []
    render = pipeline.render_chapter
    monkeypatch.setattr(pipeline, "render_chapter", lambda c, *a: rendered.append(c.essay.name) or render(c, *a))
    build_book(project / "seeds", project / "conf", project, Memo(tmp_path / "memo"))
    assert parsed == rendered == ["e0002.txt"]


# --- the memo itself -------------------------------------------------------------


def test_a_memo_of_other_code_or_unreadable_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = Memo(tmp_path)
    memo.put("k", "a", 1)
    memo.save()
    assert Memo(tmp_path).get("k", "a") == 1
    monkeypatch.setattr(memo_module, "code_digest", lambda: "other code")
    assert Memo(tmp_path).get("k", "a") is None
    monkeypatch.undo()
    (tmp_path / "k.pickle").write_bytes(b"not a pickle")
    assert Memo(tmp_path).get("k", "a") is None


def test_the_memo_keeps_only_what_the_last_conversion_used(tmp_path: Path) -> None:
    memo = Memo(tmp_path)
    memo.put("k", "old", 1)
    memo.put("k", "kept", 2)
    memo.save()
    memo = Memo(tmp_path)
    assert memo.get("k", "kept") == 2
    memo.put("k", "new", 3)
    memo.save()
    with open(tmp_path / "k.pickle", "rb") as f:
        _, entries = pickle.load(f)
    assert entries == {"kept": 2, "new": 3}


def test_a_kind_kept_entry_by_entry_writes_only_what_was_added(tmp_path: Path) -> None:
    memo = Memo(tmp_path)
    memo.put("each/", "old", 1)
    memo.put("each/", "kept", 2)
    memo.save()
    kept = tmp_path / "each" / "kept.pickle"
    written = kept.stat().st_mtime_ns
    memo = Memo(tmp_path)
    assert memo.get("each/", "kept") == 2
    assert memo.get("each/", "missing") is None
    memo.put("each/", "new", 3)
    memo.save()
    assert sorted(p.name for p in (tmp_path / "each").iterdir()) == ["kept.pickle", "new.pickle"]
    assert kept.stat().st_mtime_ns == written
    assert Memo(tmp_path).get("each/", "new") == 3


def test_no_folder_no_memo(tmp_path: Path) -> None:
    memo = Memo(None)
    memo.put("k", "a", 1)
    assert memo.get("k", "a") is None
    memo.save()


def test_digest_tells_apart_what_differs() -> None:
    assert digest("a", "bc") != digest("ab", "c")
    assert digest(("a",), "b") != digest("a", ("b",))
    assert digest(b"a") != digest("a")
    assert digest(None) != digest("None")
    assert digest(1) != digest(True)
    assert digest("a", "b") == digest("a", "b")


@pytest.mark.parametrize("name", ["book.toml", "notes.toml", "glossary.toml", "timeline.toml"])
def test_the_real_conf_is_read_entry_by_entry(tmp_path: Path, name: str) -> None:
    """Each file of the real conf/ is cut into entries (not read whole, which a large book cannot afford)."""
    text = (ROOT / "conf" / name).read_text("utf-8")
    schema_name = name.removesuffix(".toml")
    found = edition_module._read_by_entry(text, f"conf/{name}", schema_name, Memo(tmp_path))
    assert found is not None, f"{name} could not be read entry by entry"
