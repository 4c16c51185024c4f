"""An incremental build is the book a clean build makes: after any single edit, every file byte for byte.

A build after an edit reads, converts and writes only what the edit can
change (the converter's memo, Sphinx's outdated pages, the extension's
records of what the glossary and the toctrees show); anything it wrongly
leaves alone would be a stale page. Each test builds a small book, edits
one input, builds again, then builds the same inputs from scratch into
other folders, and compares every file of the two HTML outputs. Nothing is
exempt: with ``SOURCE_DATE_EPOCH`` set no file of the output is specific to
a build. Each test also checks that the edit changed the book (or the
comparison would prove nothing) and which pages the incremental build wrote
(so a build that quietly rewrote everything would not pass for incremental).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from essaybook.cli import main as essaybook
from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from corpus import edit_note, edit_one, make_corpus

ENV = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
# Pages Sphinx and sphinx-notfound-page write at every build, changed or not.
ALWAYS = {"genindex.html", "search.html", "404.html"}


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{path.name} has no {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _note_with_a_term(project: Path) -> None:
    # A glossary term in a note's text: the glossary's "Used in" gains the note.
    edit_note(project, 1)
    _set(project / "conf" / "notes.toml", " (Edited.)", " (Think of a goatee.)")


def _seed_with_a_term(project: Path) -> None:
    edit_one(project, 1)
    _set(project / "seeds" / "e0001.txt", " Edited.\n", " Edited, with a goatee.\n")


def _glossary_definition(project: Path) -> None:
    _set(project / "conf" / "glossary.toml", 'definition = """', 'definition = """Edited. ')


def _glossary_alias(project: Path) -> None:
    _set(project / "conf" / "glossary.toml", 'aliases = ["', 'aliases = ["differences", "')


def _source(project: Path) -> None:
    path = project / "conf" / "sources.json"
    items = json.loads(path.read_text("utf-8"))
    cited = next(i for i in items if i["id"] == "trotsky-revolution-betrayed")
    cited["title"] += " (edited)"
    cited["issued"] = {"date-parts": [[1937]]}  # its label too: "Trotsky 1937"
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False), "utf-8")


def _seed_title(project: Path) -> None:
    path = project / "seeds" / "e0001.txt"
    title, _, rest = path.read_text("utf-8").partition("\n")
    path.write_text(title + " Retitled\n" + rest, "utf-8")


def _part_title(project: Path) -> None:
    _set(project / "conf" / "book.toml", 'title = "Appearance and doctrine"', 'title = "Appearances"')


def _contents_caption(project: Path) -> None:
    # The caption every page's sidebar shows over the essays.
    _set(project / "docs" / "index.md", ":caption: Essays", ":caption: The essays")


def _about_text(project: Path) -> None:
    _set(project / "docs" / "about.md", "Each essay is reproduced", "Each essay, edited, is reproduced")


def _essay_removed(project: Path) -> None:
    (project / "seeds" / "e0001.txt").unlink()


def _previous_release(project: Path) -> None:
    # The release this edition is compared with, rewritten: a note of essay 1 now reads as revised since.
    snapshot = project / "conf" / "releases" / "1.0" / "notes.toml"
    head, sep, rest = snapshot.read_text("utf-8").partition('id = "c0001-')
    snapshot.write_text(head + sep + rest.replace('text = "', 'text = "Earlier: ', 1), "utf-8")


def _editors_licence(project: Path) -> None:
    # Every page's footer states it.
    _set(project / "conf" / "book.toml", 'licence = "CC BY 4.0"', 'licence = "CC BY-SA 4.0"')


def _essay_rights(project: Path) -> None:
    _set(project / "conf" / "book.toml", 'holder = "Paul Austin Murphy"', 'holder = "P. A. Murphy"')


# Each edit, and the pages the incremental build may write (None: any). The book is compared
# with a previous release (a snapshot of itself), so what an edit changes is also on the changes page.
ESSAY = "book/essay-0001/index.html"
CHANGES = "book/changes.html"
EDITS: dict[str, tuple[Callable[[Path], object], set[str] | None]] = {
    "note": (lambda p: edit_note(p, 1), {ESSAY, CHANGES}),
    "note-with-a-term": (_note_with_a_term, {ESSAY, "book/glossary.html", CHANGES}),
    "seed-text": (lambda p: edit_one(p, 1), {ESSAY, "about.html", CHANGES}),
    "seed-text-with-a-term": (_seed_with_a_term, {ESSAY, "about.html", "book/glossary.html", CHANGES}),
    "glossary-definition": (_glossary_definition, {"book/glossary.html", CHANGES}),
    "glossary-alias": (_glossary_alias, None),
    "source": (_source, None),
    "seed-title": (_seed_title, None),
    # The title of a part of the first essay: a section of its page, in the contents' toctree.
    "part-title": (_part_title, {"book/essay-0000/index.html", "index.html", CHANGES}),
    "essay-removed": (_essay_removed, None),
    "contents-caption": (_contents_caption, None),
    "about-text": (_about_text, {"about.html"}),
    "previous-release": (_previous_release, {ESSAY, CHANGES}),
    "editors-licence": (_editors_licence, None),
    "essay-rights": (_essay_rights, None),
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*.html")}


def _assert_the_clean_build(work: Path, before: dict[str, bytes], what: str) -> None:
    """The HTML in ``work/_build/html`` is, file for file, what a clean build of ``work`` makes, and not ``before``."""
    clean = build_html(work, work / "_clean" / "html", doctrees=work / "_clean" / "doctrees", env=ENV).check()
    got, want = _files(work / "_build" / "html"), _files(clean)
    assert want != before, f"{what}: the edit changed nothing in the book, so this test would prove nothing"
    assert sorted(got) == sorted(want), f"{what}: files differ: {sorted(set(got) ^ set(want))}"
    stale = [name for name in want if got[name] != want[name]]
    assert not stale, f"{what}: the incremental build differs from a clean build in {stale}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A book of two essays, built once: (the project as built, the folder each test builds it in).

    Each test copies the built project into the same folder (Sphinx's
    environment holds its source folder: another path would be a new build),
    with its files' times, so its next build is incremental.
    """
    root = tmp_path_factory.mktemp("incremental")
    work = root / "work"
    make_corpus(work, 2)
    # Edition 1.0 of the corpus as released (its snapshot), then edition 1.1 of the same text.
    book = work / "conf" / "book.toml"
    text = book.read_text("utf-8")
    book.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.0"', text), "utf-8")
    assert essaybook(["release", "--conf", str(work / "conf"), "--seeds", str(work / "seeds")]) == 0
    book.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "1.1"', text), "utf-8")
    shutil.copytree(ROOT / "docs", work / "docs", ignore=lambda d, names: {"book", "_build"} & set(names))
    out = build_html(work, env=ENV).check()
    assert (out / CHANGES).is_file(), "the book is compared with its previous release"
    saved = root / "saved"
    shutil.copytree(work, saved, symlinks=True)
    return saved, work


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_incremental_build_is_the_clean_build(built: tuple[Path, Path], edit: str) -> None:
    saved, work = built
    shutil.rmtree(work)
    shutil.copytree(saved, work, symlinks=True)
    out = work / "_build" / "html"
    before, times = _files(out), _mtimes(out)
    change, may_write = EDITS[edit]
    change(work)

    incremental = build_html(work, env=ENV)
    incremental.check()
    _assert_the_clean_build(work, before, edit)

    written = sorted(k for k, t in _mtimes(out).items() if times.get(k) != t and k not in ALWAYS)
    if may_write is not None:
        assert set(written) <= may_write, f"{edit}: wrote {written}, expected only some of {sorted(may_write)}"
        assert re.search(r"updating environment: 0 added, [0-9] changed", incremental.stdout), incremental.stdout


def _settled(built: tuple[Path, Path]) -> Path:
    """The built book copied into its folder and built once more: a copy has new inodes and change times,
    which the converter takes for changed inputs; after this build it takes them for what they are."""
    saved, work = built
    shutil.rmtree(work)
    shutil.copytree(saved, work, symlinks=True)
    build_html(work, env=ENV).check()
    return work


def test_a_build_with_nothing_changed_converts_nothing(built: tuple[Path, Path]) -> None:
    work = _settled(built)
    out = work / "_build" / "html"
    before, times = _files(out), _mtimes(out)
    again = build_html(work, env=ENV)
    again.check()
    assert "nothing converted" in again.stdout
    assert "updating environment: 0 added, 0 changed, 0 removed" in again.stdout
    assert _files(out) == before
    assert sorted(k for k, t in _mtimes(out).items() if times.get(k) != t) == sorted(ALWAYS)


def test_a_seed_edit_writes_about_again_without_reading_it(built: tuple[Path, Path]) -> None:
    """The table of seeds shows the new checksum; About is written with it, not read again (a row per essay)."""
    work = _settled(built)
    out = work / "_build" / "html"
    doctree = work / "_build" / "doctrees" / "about.doctree"
    read_at, written_at = doctree.stat().st_mtime_ns, (out / "about.html").stat().st_mtime_ns
    sha = hashlib.sha256(edit_one(work, 1).read_bytes()).hexdigest()
    assert sha not in (out / "about.html").read_text("utf-8")
    build_html(work, env=ENV).check()
    assert doctree.stat().st_mtime_ns == read_at, "About was read again"
    assert (out / "about.html").stat().st_mtime_ns != written_at
    assert sha in (out / "about.html").read_text("utf-8")


@pytest.mark.parametrize("damage", ["deleted", "edited"])
def test_a_damaged_generated_page_is_written_again(built: tuple[Path, Path], damage: str) -> None:
    """No input changed, but a generated page did: the build converts again rather than trusting the last one."""
    work = _settled(built)
    out = work / "_build" / "html"
    before, times = _files(out), _mtimes(out)
    page = work / "docs" / "book" / "essay-0001" / "index.md"
    original = page.read_bytes()
    if damage == "deleted":
        page.unlink()
    else:
        page.write_bytes(original.replace(b"Trotsky", b"Trotzki"))

    again = build_html(work, env=ENV)
    again.check()
    assert "nothing converted" not in again.stdout
    assert page.read_bytes() == original
    assert _files(out) == before
    written = sorted(k for k, t in _mtimes(out).items() if times.get(k) != t and k not in ALWAYS)
    assert written == [ESSAY]


def _editor(project: Path) -> None:
    # What every citation names: the edition's and each essay's "Cite this", and the citation tags.
    _set(project / "conf" / "book.toml", 'editor = "The Essay Book editors"', 'editor = "The Essay Book\'s editors"')


# Edits a switch of builders must not hide: what every page shows (a title), what
# a removed essay leaves behind, what only the glossary shows, and what the citations show.
SWITCH_EDITS = {
    "seed-title": EDITS["seed-title"][0],
    "essay-removed": EDITS["essay-removed"][0],
    "note-with-a-term": EDITS["note-with-a-term"][0],
    "editor": _editor,
}


@pytest.mark.parametrize("jobs", ["1", "auto"])
@pytest.mark.parametrize("between", ["epub", "latex"])
@pytest.mark.parametrize("edit", SWITCH_EDITS)
def test_another_builder_between_two_html_builds_leaves_nothing_stale(
    built: tuple[Path, Path], edit: str, between: str, jobs: str
) -> None:
    """html, an edit, another builder on the same doctrees, html again: the book a clean build makes.

    The other builder reads the edited pages and brings the environment's
    records up to date; the second HTML build reads nothing, and must still
    know which of its own pages show what changed.
    """
    saved, work = built
    shutil.rmtree(work)
    shutil.copytree(saved, work, symlinks=True)
    before = _files(work / "_build" / "html")
    SWITCH_EDITS[edit](work)

    build_html(work, work / "_build" / between, builder=between, extra=["-j", jobs], env=ENV).check()
    again = build_html(work, extra=["-j", jobs], env=ENV)
    again.check()
    assert "updating environment: 0 added, 0 changed" in again.stdout, "the HTML build should have read nothing"
    _assert_the_clean_build(work, before, f"{edit} then {between}")
