"""The record of changes between editions (essaybook.core.changes), and where the previous release is read from.

The comparison is pinned table by table on small layers: a note added,
revised and removed, a source's fields, a glossary entry, a timeline event
(which has no id), a seed's text, the notes renumbered. Then the previous
release is read from a real git repository made in a temporary folder: from
its tag when the history is there, from the snapshot in ``conf/releases/``
when the clone is shallow, has no tags, or is no clone at all; both readings
give the same layer. The changes page is checked on the MyST the converter
writes; the real book's page, built, in test_book_build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from essaybook.cli import main
from essaybook.core.changes import (
    ADDED,
    REMOVED,
    REVISED,
    EssayRecord,
    EventRecord,
    FieldChange,
    Layer,
    NoteRecord,
    SeedRecord,
    TermRecord,
    compare,
    layer_from_files,
    version_key,
)
from essaybook.core.lint import lint_book
from essaybook.core.pipeline import build_book
from essaybook.core.releases import History, tag_version

NOTE = NoteRecord("a.txt", "an anchor", "A note.", ("s1",))
TERM = TermRecord("Goatee", "A beard.", ("goatees",), ("s1",))
EVENT = EventRecord("1917-11-07", "October Revolution", "n1", "", ("s1",))
SOURCE = {"id": "s1", "type": "book", "title": "A Work", "issued": {"date-parts": [[1999]]}}
SEED = SeedRecord("a" * 64, "An Essay", "an-essay")
ENTRY = EssayRecord("A. Author", (("container", "A Blog"), ("url", "http://blog.example.org/a")), (), ())


def layer(**kw) -> Layer:
    base = {
        "version": "1.0",
        "date": "2026-12-03",
        "notes": {"n1": NOTE},
        "terms": {"goatee": TERM},
        "events": (EVENT,),
        "sources": {"s1": SOURCE},
        "seeds": {"a.txt": SEED},
        "numbers": {"n1": ("an-essay", 0, 1)},
        "essays": {"a.txt": ENTRY},
    }
    return Layer(**{**base, **kw})


def summary(changes, kind: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.key, c.status, tuple(f.name for f in c.fields)) for c in getattr(changes, kind)]


# (what changed, the later edition's layer, section, expected changes in it)
CASES = [
    ("nothing", {}, "notes", []),
    ("note added", {"notes": {"n1": NOTE, "n2": NOTE}}, "notes", [("n2", ADDED, ())]),
    ("note removed", {"notes": {}}, "notes", [("n1", REMOVED, ())]),
    (
        "note revised: text",
        {"notes": {"n1": NoteRecord("a.txt", "an anchor", "A better note.", ("s1",))}},
        "notes",
        [("n1", REVISED, ("text",))],
    ),
    (
        "note revised: anchor and sources",
        {"notes": {"n1": NoteRecord("a.txt", "another anchor", "A note.", ("s1", "s2"))}},
        "notes",
        [("n1", REVISED, ("anchor", "sources"))],
    ),
    (
        "source revised: title, date and translator",
        {
            "sources": {
                "s1": {
                    **SOURCE,
                    "title": "The Work",
                    "issued": {"date-parts": [[2001]]},
                    "translator": [{"family": "T"}],
                }
            }
        },
        "sources",
        [("s1", REVISED, ("title", "issued", "translator"))],
    ),
    ("source removed, another added", {"sources": {"s2": SOURCE}}, "sources", [("s2", ADDED, ()), ("s1", REMOVED, ())]),
    (
        "source loses a field",
        {"sources": {"s1": {k: v for k, v in SOURCE.items() if k != "issued"}}},
        "sources",
        [("s1", REVISED, ("issued",))],
    ),
    (
        "glossary entry revised: definition and aliases",
        {"terms": {"goatee": TermRecord("Goatee", "A small beard.", (), ("s1",))}},
        "terms",
        [("goatee", REVISED, ("definition", "aliases"))],
    ),
    (
        "glossary entry renamed in case only: the same entry",
        {"terms": {"goatee": TermRecord("goatee", "A beard.", ("goatees",), ("s1",))}},
        "terms",
        [("goatee", REVISED, ("term",))],
    ),
    ("glossary entry removed", {"terms": {}}, "terms", [("goatee", REMOVED, ())]),
    (
        "event revised: its sources",
        {"events": (EventRecord("1917-11-07", "October Revolution", "n1", "", ("s2",)),)},
        "events",
        [("1917-11-07 October Revolution", REVISED, ("sources",))],
    ),
    (
        "event revised: its date (same note, same label)",
        {"events": (EventRecord("1917-11-08", "October Revolution", "n1", "", ("s1",)),)},
        "events",
        [("1917-11-08 October Revolution", REVISED, ("date",))],
    ),
    (
        "event revised: its label (same note, same date)",
        {"events": (EventRecord("1917-11-07", "The October Revolution", "n1", "", ("s1",)),)},
        "events",
        [("1917-11-07 The October Revolution", REVISED, ("label",))],
    ),
    (
        "event added beside an unchanged one",
        {"events": (EVENT, EventRecord("1922-12-30", "USSR formed", "n2", "", ("s1",)))},
        "events",
        [("1922-12-30 USSR formed", ADDED, ())],
    ),
    (
        "event replaced: another note, date and label",
        {"events": (EventRecord("1933-07-17", "To France", "n2", "", ("s1",)),)},
        "events",
        [("1933-07-17 To France", ADDED, ()), ("1917-11-07 October Revolution", REMOVED, ())],
    ),
    (
        "seed's text changed",
        {"seeds": {"a.txt": SeedRecord("b" * 64, "An Essay", "an-essay")}},
        "seeds",
        [("a.txt", REVISED, ("sha256",))],
    ),
    (
        "essay's first publication at another address, and its rights stated",
        {
            "essays": {
                "a.txt": EssayRecord(
                    "A. Author",
                    (("container", "A Blog"), ("url", "https://blog.example.org/a")),
                    (),
                    (("holder", "A. Author"), ("year", "2014")),
                )
            }
        },
        "essays",
        [("a.txt", REVISED, ("first_published", "rights"))],
    ),
    (
        "seed added and removed",
        {"seeds": {"b.txt": SEED}},
        "seeds",
        [("b.txt", ADDED, ()), ("a.txt", REMOVED, ())],
    ),
]


@pytest.mark.parametrize(("what", "later", "section", "expected"), CASES, ids=[c[0] for c in CASES])
def test_compare(what: str, later: dict, section: str, expected: list) -> None:
    changes = compare(layer(), layer(version="1.1", **later))
    assert summary(changes, section) == expected
    for other in ("notes", "terms", "events", "sources", "seeds", "essays"):
        if other != section:
            assert summary(changes, other) == [], f"{what}: {other} changed too"


def test_a_revision_keeps_both_values() -> None:
    changes = compare(layer(), layer(notes={"n1": NoteRecord("a.txt", "an anchor", "New.", ("s1",))}))
    (change,) = changes.notes
    assert (change.old.text, change.new.text) == ("A note.", "New.")
    assert change.fields == (FieldChange("text", "A note.", "New."),)


def test_a_note_added_before_others_renumbers_them_and_the_marks_say_what_is_new() -> None:
    old = layer(notes={"n1": NOTE, "n2": NOTE}, numbers={"n1": ("e", 0, 1), "n2": ("e", 0, 2)})
    new = layer(
        version="1.1",
        notes={"n0": NOTE, "n1": NOTE, "n2": NoteRecord("a.txt", "an anchor", "Revised.", ("s1",))},
        numbers={"n0": ("e", 0, 1), "n1": ("e", 0, 2), "n2": ("e", 0, 3)},
    )
    changes = compare(old, new)
    assert changes.renumbered == (("n1", ("e", 0, 1), ("e", 0, 2)), ("n2", ("e", 0, 2), ("e", 0, 3)))
    assert changes.marks["notes"] == {"n0": ADDED, "n2": REVISED}
    assert changes.numbers_then["n2"] == ("e", 0, 2)


@pytest.mark.parametrize(
    ("older", "newer"), [("1.0", "1.1"), ("1.9", "1.10"), ("1", "1.0.1"), ("1.1", "2"), ("1.0", "1.0.1")]
)
def test_versions_sort_by_their_numbers(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)


@pytest.mark.parametrize(("tag", "version"), [("v1.0", "1.0"), ("1.1", "1.1"), ("V2", "2"), ("latest", None)])
def test_a_tag_names_a_version(tag: str, version: str | None) -> None:
    assert tag_version(tag) == version


def test_a_past_release_is_read_leniently() -> None:
    """A release was valid under the schema of its day: keys since removed or renamed do not matter."""
    files = {
        "book.toml": '[book]\ntitle = "T"\ncopyright = "2026, E"\nversion = "1.0"\ndate = "2026-12"\n',
        "notes.toml": '[[notes]]\nid = "n1"\nseed = "a.txt"\nanchor = "x"\ntext = """\nA note.\n"""\n'
        'sources = ["s1"]\nold_key = 1\n',
        "sources.json": json.dumps([SOURCE]),
    }
    got = layer_from_files(files, {}, {})
    assert (got.version, got.date) == ("1.0", "2026-12")
    assert got.notes == {"n1": NoteRecord("a.txt", "x", "A note.", ("s1",))}
    assert got.sources == {"s1": SOURCE}
    with pytest.raises(ValueError, match=r"notes\.toml"):
        layer_from_files({**files, "notes.toml": "[[notes"}, {}, {})


# --- where the previous release is read from ------------------------------------------------------

ESSAY = dedent(
    """\
    An Essay

    The first paragraph names Trotsky once.

    The second paragraph names Stalin once.

    The third paragraph names Lenin once.
    """
)


def book_toml(version: str, date: str) -> str:
    return (
        '[book]\ntitle = "A Book"\nlanguage = "en-GB"\nrights = { holder = "E", year = "2026" }\n'
        f'version = "{version}"\n'
        f'date = "{date}"\n\n[essays."a.txt"]\nslug = "an-essay"\nauthor = "A. Author"\n\n'
        '[essays."a.txt".rights]\nholder = "A. Author"\nyear = "2014"\n\n'
        '[essays."a.txt".first_published]\ncontainer = "A Blog"\ndate = "2014"\n'
    )


def notes_toml(*notes: tuple[str, str, str]) -> str:
    return "".join(
        f'[[notes]]\nid = "{i}"\nseed = "a.txt"\nanchor = "{a}"\ntext = "{t}"\nsources = ["s1"]\n\n'
        for i, a, t in notes
    )


SOURCES = json.dumps([{"id": "s1", "type": "book", "title": "A Work", "issued": {"date-parts": [[1999]]}}])
GLOSSARY = '[[terms]]\nterm = "paragraph"\ndefinition = "A unit of text."\n'
V10_NOTES = notes_toml(("stalin", "Stalin once", "On Stalin."), ("lenin", "Lenin once", "On Lenin."))
V11_NOTES = notes_toml(
    ("trotsky", "Trotsky once", "On Trotsky."),
    ("stalin", "Stalin once", "On Stalin, revised."),
)


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
    }
    run = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


def write_book(root: Path, version: str, date: str, notes: str) -> None:
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "conf").mkdir(parents=True, exist_ok=True)
    (root / "seeds" / "a.txt").write_text(ESSAY, "utf-8")
    (root / "conf" / "book.toml").write_text(book_toml(version, date), "utf-8")
    (root / "conf" / "notes.toml").write_text(notes, "utf-8")
    (root / "conf" / "sources.json").write_text(SOURCES, "utf-8")
    (root / "conf" / "glossary.toml").write_text(GLOSSARY, "utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book's repository: edition 1.0 tagged v1.0 (with its snapshot written then), then edition 1.1 on top."""
    root = tmp_path_factory.mktemp("history") / "book"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_book(root, "1.0", "2026-12-03", V10_NOTES)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Edition 1.0")
    git(root, "tag", "v1.0")
    write_book(root, "1.1", "2026-12-06", V11_NOTES)
    (root / "seeds" / "a.txt").write_text(ESSAY.replace("Lenin once", "Lenin only once"), "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Edition 1.1, before its snapshot of 1.0")
    assert main(["release", "--from", "v1.0", "--conf", str(root / "conf"), "--seeds", str(root / "seeds")]) == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The snapshot of edition 1.0")
    return root


def history(root: Path) -> History:
    return History(root / "conf", root / "seeds")


def test_git_history_present_the_previous_release_is_read_from_its_tag(repo: Path) -> None:
    found = history(repo).previous("1.1")
    assert found is not None and found.origin == "git tag v1.0" and found.version == "1.0"
    assert set(found.layer.notes) == {"stalin", "lenin"}
    assert found.layer.numbers == {"stalin": ("an-essay", 0, 1), "lenin": ("an-essay", 0, 2)}
    changes = compare(found.layer, build_book(repo / "seeds", repo / "conf", history=history(repo)).layer)
    assert summary(changes, "notes") == [("trotsky", ADDED, ()), ("stalin", REVISED, ("text",)), ("lenin", REMOVED, ())]
    assert summary(changes, "seeds") == [("a.txt", REVISED, ("sha256",))]
    assert changes.renumbered == (("stalin", ("an-essay", 0, 1), ("an-essay", 0, 2)),)


def test_the_snapshot_is_what_the_tag_holds(repo: Path) -> None:
    found = history(repo)
    tagged, kept = found.from_git("1.0"), found.from_snapshot("1.0")
    assert tagged is not None and kept.origin.endswith("releases/1.0")
    assert kept.layer == tagged.layer
    record = json.loads((repo / "conf" / "releases" / "1.0" / "release.json").read_text("utf-8"))
    assert (record["tag"], record["commit"]) == ("v1.0", git(repo, "rev-parse", "v1.0").strip())
    assert (repo / "conf" / "releases" / "1.0" / "notes.toml").read_text("utf-8") == V10_NOTES


def test_git_is_read_before_the_snapshot(repo: Path, tmp_path: Path) -> None:
    """Where both are there, the tag is the record: a snapshot that disagrees is a finding, not the truth."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    snapshot = clone / "conf" / "releases" / "1.0" / "notes.toml"
    snapshot.write_text(snapshot.read_text("utf-8").replace("On Lenin.", "On Lenin, altered."), "utf-8")
    assert history(clone).previous("1.1").origin == "git tag v1.0"
    book = build_book(clone / "seeds", clone / "conf", history=history(clone))
    codes = [p.code for p in lint_book(book, clone / "conf", "conf", history(clone))]
    assert codes == ["lint.release-snapshot"]


@pytest.mark.parametrize("how", ["shallow", "no-tags", "no-git"])
def test_without_the_history_the_snapshot_is_read(repo: Path, tmp_path: Path, how: str) -> None:
    clone = tmp_path / "clone"
    if how == "shallow":  # as Read the Docs clones: the latest commit only
        git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    elif how == "no-tags":
        git(tmp_path, "clone", "-q", "--no-tags", str(repo), str(clone))
        assert git(clone, "tag", "-l") == ""
    else:  # a copy of the files, as from an archive
        shutil.copytree(repo, clone, ignore=shutil.ignore_patterns(".git"))
    found = history(clone).previous("1.1")
    assert found is not None and found.origin.endswith("releases/1.0")
    assert found.layer == history(repo).from_git("1.0").layer
    book = build_book(clone / "seeds", clone / "conf", history=history(clone))
    assert book.changes is not None and book.previous.origin == found.origin
    assert "changes.md" in book.pages


def test_without_a_previous_release_there_is_no_changes_page(tmp_path: Path) -> None:
    write_book(tmp_path, "1.0", "2026-12-03", V10_NOTES)
    book = build_book(tmp_path / "seeds", tmp_path / "conf", history=history(tmp_path))
    assert (book.previous, book.changes) == (None, None)
    assert "changes.md" not in book.pages
    assert "edition" not in book.pages["an-essay/index.md"].split("Editors’ notes")[1]


def test_the_first_edition_is_compared_with_nothing_though_later_ones_are_tagged(repo: Path) -> None:
    assert history(repo).previous("1.0") is None
    assert history(repo).previous("0.9") is None
    assert history(repo).previous("2.0").version == "1.0"


def test_a_release_from_a_version_already_tagged_is_refused(repo: Path, tmp_path: Path, capsys) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    write_book(clone, "1.0", "2026-12-03", V11_NOTES)
    assert main(["release", "--conf", str(clone / "conf"), "--seeds", str(clone / "seeds")]) == 1
    assert "raise the version" in capsys.readouterr().err


def test_release_writes_this_editions_snapshot_and_keeps_the_one_it_is_compared_with(
    repo: Path, tmp_path: Path, capsys
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    args = ["--conf", str(clone / "conf"), "--seeds", str(clone / "seeds")]
    assert main(["release", *args]) == 0
    assert sorted(history(clone).snapshots()) == ["1.0", "1.1"]
    kept = history(clone).from_snapshot("1.1")
    assert kept.layer == build_book(clone / "seeds", clone / "conf", history=history(clone)).layer
    # The next edition: compared with 1.1; its release keeps 1.1 and lets 1.0 go.
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "Edition 1.1 released")
    git(clone, "tag", "v1.1")
    write_book(clone, "1.2", "2026-12-24", V11_NOTES)
    assert history(clone).previous("1.2").version == "1.1"
    assert main(["release", *args]) == 0
    assert sorted(history(clone).snapshots()) == ["1.1", "1.2"]
    assert "Now commit it and tag the commit" in capsys.readouterr().out


def test_release_from_a_tag_git_does_not_have_is_refused(repo: Path, capsys) -> None:
    args = ["--conf", str(repo / "conf"), "--seeds", str(repo / "seeds")]
    assert main(["release", "--from", "v0.9", *args]) == 1
    assert "git has no release tagged v0.9" in capsys.readouterr().err


def test_an_unreadable_snapshot_stops_the_build_with_what_to_do(tmp_path: Path) -> None:
    write_book(tmp_path, "1.1", "2026-12-06", V11_NOTES)
    folder = tmp_path / "conf" / "releases" / "1.0"
    folder.mkdir(parents=True)
    (folder / "release.json").write_text('{"version": "1.0"}', "utf-8")
    (folder / "book.toml").write_text(book_toml("1.0", "2026-12-03"), "utf-8")
    from essaybook.core.problems import ProblemsError

    with pytest.raises(ProblemsError) as info:
        build_book(tmp_path / "seeds", tmp_path / "conf", history=history(tmp_path))
    (problem,) = info.value.problems
    assert problem.code == "conf.release" and problem.path.endswith("releases/1.0")
    assert "essaybook release --from v1.0" in problem.hint


# --- the page, and the marks under the entries ---------------------------------------------------


def test_the_changes_page_links_every_change_to_where_it_now_stands(repo: Path) -> None:
    book = build_book(repo / "seeds", repo / "conf", history=history(repo))
    page = book.pages["changes.md"]
    assert "(changes)=\n# Changes in this edition" in page
    assert "edition 1\\.0 (3 December 2026) to edition 1\\.1 (6 December 2026)" in page
    # Each note: added and revised ones linked to where they stand, the removed one's text kept.
    assert "(changes-note-trotsky)=" in page and "**New:** {ref}`note 1 <an-essay-note-trotsky>`" in page
    assert "**Revised:** {ref}`note 2 <an-essay-note-stalin>` (note 1 in edition 1\\.0)" in page
    assert "*In edition 1\\.0 it read:*\n\n:::{container} change-before\nOn Stalin.\n:::" in page
    assert "**Removed:** note 2 of edition 1\\.0" in page and "`#an-essay-note-lenin`" in page
    # The seed's text changed: its checksums then and now.
    assert "**Text changed:** {ref}`an-essay`" in page
    assert "- {ref}`note 2 <an-essay-note-stalin>` was note 1 in edition 1\\.0." in page
    essay = book.pages["an-essay/index.md"]
    assert "*New in edition 1\\.1* ({ref}`what changed <changes-note-trotsky>`)." in essay
    assert "*Revised in edition 1\\.1* ({ref}`what changed <changes-note-stalin>`)." in essay


# --- edition 1.1 of our book ---------------------------------------------------------------------

# This edition's corrections over edition 1.0 (tag v1.0): the entries its changes page must list.
CORRECTIONS = {
    "note": {
        "trotsky-in-office": REVISED,
        "counterfactual": REVISED,
        "socialism-in-one-country": REVISED,
        "union-of-soviet-republics": ADDED,
        "vanguard": REVISED,
        "exile-and-death": REVISED,
        "internationalism-criterion": REVISED,
        "luxembourg-1918-1919": REVISED,
        "spread-of-revolution": REVISED,
    },
    "source": {
        "trotsky-third-international": REVISED,
        "sovnarkom-red-army-decree": REVISED,
        # The two decrees and statements typed as documents, the Bensaïd essay marked Portuguese (dc14166).
        "comintern-dissolution-1943": REVISED,
        "bensaid-trotskyism": REVISED,
        "natgeo-october-revolution": ADDED,
        "andrew-mitrokhin-sword-shield": ADDED,
        "mieville-october": REMOVED,
        "ndr-kiel-1918": REMOVED,
    },
}


def test_edition_1_1_lists_its_corrections_each_linked_to_where_it_now_stands(built_book: Path) -> None:
    from sitebuild import soup

    page = soup(built_book / "book" / "changes.html")
    for kind, expected in CORRECTIONS.items():
        for key, status in expected.items():
            entry = page.find(id=f"changes-{kind}-{key}")
            assert entry is not None, f"the changes page does not list {kind} {key}"
            assert f"change-{status}" in entry["class"], (key, entry["class"])
            if status == REMOVED:
                continue
            link = entry.find("a", class_="internal")
            target, _, fragment = link["href"].partition("#")
            landing = soup((built_book / "book" / target).resolve())
            assert landing.find(id=fragment) is not None, f"{key}: {link['href']} does not land"
    text = page.get_text(" ")
    # The glossary's two corrections, the timeline's, and the first publication's https address (059d880).
    for words in ("permanent revolution", "goatee", "Union of Soviet Socialist Republics formed", "https://paul"):
        assert words in text, words
    # Each revised note says so, in the editors' voice, and links back here.
    essay = soup(built_book / "book" / "trotsky-and-stalin" / "index.html")
    marks = [a["href"] for a in essay.find_all("a", href=True) if "changes.html#changes-note-" in a["href"]]
    assert sorted(h.rsplit("-note-", 1)[1] for h in marks) == sorted(CORRECTIONS["note"])
