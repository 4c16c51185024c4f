"""Nothing lost: pages are written all or nothing, only when changed, and never over someone else's file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from essaybook.cli import main
from essaybook.core.problems import ProblemsError
from essaybook.core.render import MARKER
from essaybook.core.write import MANIFEST, write_pages

OLD = 1_000_000_000  # an mtime long past: a rewrite would change it


def page(body: str) -> str:
    return f"{MARKER} from seeds/x.txt; edit the source, not this file.\n\n{body}\n"


PAGES = {"a/index.md": page("A"), "a/part-1.md": page("A1"), "glossary.md": page("G")}


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and mtime."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def age(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


def test_first_write(tmp_path: Path) -> None:
    out = tmp_path / "book"
    report = write_pages(out, PAGES)
    assert sorted(report.written) == sorted(PAGES) and report.unchanged == report.removed == []
    for name, text in PAGES.items():
        assert (out / name).read_text("utf-8") == text
    assert json.loads((out / MANIFEST).read_text("utf-8")) == sorted(PAGES)
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-")]


def test_pages_are_ordinary_files(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "glossary.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_unchanged_pages_are_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    age(out)
    before = snapshot(out)
    report = write_pages(out, PAGES)
    assert report.written == [] and sorted(report.unchanged) == sorted(PAGES)
    assert snapshot(out) == before  # bytes and mtimes, the manifest's too


def test_only_changed_pages_are_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    age(out)
    before = snapshot(out)
    report = write_pages(out, {**PAGES, "glossary.md": page("G2")})
    assert report.written == ["glossary.md"]
    after = snapshot(out)
    assert after["glossary.md"][0] == page("G2").encode()
    assert after["glossary.md"][1] != OLD * 10**9
    assert {k: v for k, v in after.items() if k != "glossary.md"} == {
        k: v for k, v in before.items() if k != "glossary.md"
    }


def test_pages_of_removed_seeds_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, {**PAGES, "b/index.md": page("B"), "b/part-1.md": page("B1")})
    report = write_pages(out, PAGES)
    assert sorted(report.removed) == ["b/index.md", "b/part-1.md"]
    assert not (out / "b").exists()  # no empty folder left behind
    assert json.loads((out / MANIFEST).read_text("utf-8")) == sorted(PAGES)


def test_other_files_are_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, {**PAGES, "b/index.md": page("B")})
    (out / "README.md").write_text("hand-written\n")
    (out / "b" / "notes.md").write_text("mine\n")
    (out / "a" / "extra.md").write_text(page("looks generated, but no run wrote it"))
    age(out)
    mine = {k: v for k, v in snapshot(out).items() if k in {"README.md", "b/notes.md", "a/extra.md"}}
    write_pages(out, PAGES)  # b/index.md goes; the folder stays for notes.md
    assert not (out / "b" / "index.md").exists()
    assert {k: v for k, v in snapshot(out).items() if k in mine} == mine


def test_foreign_file_in_the_way_stops_everything(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    (out / "c").mkdir()
    (out / "c" / "index.md").write_text("# My own page\n")
    age(out)
    before = snapshot(out)
    with pytest.raises(ProblemsError) as info:
        write_pages(out, {"new.md": page("N"), "c/index.md": page("C"), "glossary.md": page("G2")})
    (problem,) = info.value.problems
    assert (problem.code, problem.path) == ("write.foreign-file", f"{out}/c/index.md")
    assert problem.hint
    assert snapshot(out) == before  # nothing written, nothing removed, manifest unchanged


def test_generated_page_replaced_by_hand_is_kept(tmp_path: Path) -> None:
    """A page the last run wrote, since replaced by someone's own text, is theirs now."""
    out = tmp_path / "book"
    write_pages(out, PAGES)
    (out / "a" / "part-1.md").write_text("# Rewritten by hand\n")
    with pytest.raises(ProblemsError) as info:
        write_pages(out, PAGES)
    assert [p.code for p in info.value.problems] == ["write.foreign-file"]
    assert (out / "a" / "part-1.md").read_text() == "# Rewritten by hand\n"
    # Nor is it deleted when its seed goes.
    write_pages(out, {"glossary.md": page("G")})
    assert (out / "a" / "part-1.md").read_text() == "# Rewritten by hand\n"
    assert not (out / "a" / "index.md").exists()


def test_lost_manifest_marked_pages_are_still_ours(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    (out / MANIFEST).unlink()
    report = write_pages(out, {**PAGES, "glossary.md": page("G2")})
    assert report.written == ["glossary.md"]
    assert json.loads((out / MANIFEST).read_text("utf-8")) == sorted(PAGES)


def test_unreadable_manifest_is_treated_as_empty(tmp_path: Path) -> None:
    out = tmp_path / "book"
    write_pages(out, PAGES)
    (out / MANIFEST).write_text("{not json")
    report = write_pages(out, {"glossary.md": page("G")})
    # Without a manifest nothing is known to be stale, so nothing is deleted.
    assert report.removed == [] and (out / "a" / "index.md").exists()


# --- the whole conversion through the command line ------------------------------------

SEED = "Title\n\nA paragraph about Trotsky.\n"
BOOK = '[book]\ntitle = "T"\nrights = { holder = "c", year = "2026" }\nversion = "1"\n'
GLOSSARY = '[[terms]]\nterm = "Trotsky"\ndefinition = "d"\n'


def project(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds, conf, out = tmp_path / "seeds", tmp_path / "conf", tmp_path / "book"
    seeds.mkdir()
    conf.mkdir()
    (seeds / "001_one.txt").write_text(SEED)
    (seeds / "002_two.txt").write_text(SEED)
    (conf / "book.toml").write_text(BOOK)
    (conf / "glossary.toml").write_text(GLOSSARY)
    return seeds, conf, out


def convert(seeds: Path, conf: Path, out: Path) -> int:
    return main(["convert", "--seeds", str(seeds), "--conf", str(conf), "--out", str(out)])


def test_convert_then_remove_a_seed(tmp_path: Path, capsys) -> None:
    seeds, conf, out = project(tmp_path)
    assert convert(seeds, conf, out) == 0
    assert (out / "essay-001-one" / "index.md").is_file() and (out / "essay-002-two" / "index.md").is_file()
    (seeds / "002_two.txt").unlink()
    assert convert(seeds, conf, out) == 0
    assert not (out / "essay-002-two").exists()
    assert "1 removed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "breakage",
    [
        pytest.param(lambda s, c: (s / "003_bad.txt").write_bytes(b"T\n\nbad \xff byte"), id="bad-new-seed"),
        pytest.param(lambda s, c: (s / "002_two.txt").write_text("Only a title\n"), id="seed-broken"),
        pytest.param(lambda s, c: (c / "glossary.toml").write_text("[[terms]]\nterm = 1\n"), id="conf-broken"),
        pytest.param(
            lambda s, c: (s / "001_one.txt").unlink() or (s / "002_two.txt").write_bytes(b"\x00"),
            id="seed-removed-and-other-broken",
        ),
    ],
)
def test_failed_conversion_writes_nothing(tmp_path: Path, capsys, breakage) -> None:
    seeds, conf, out = project(tmp_path)
    assert convert(seeds, conf, out) == 0
    age(out)
    before = snapshot(out)
    breakage(seeds, conf)
    assert convert(seeds, conf, out) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert snapshot(out) == before


def test_clean_removes_only_generated_pages(tmp_path: Path) -> None:
    seeds, conf, out = project(tmp_path)
    assert convert(seeds, conf, out) == 0
    (out / "mine.md").write_text("mine\n")
    (out / "essay-001-one" / "index.md").write_text("edited by hand, marker gone\n")
    assert main(["clean", "--out", str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "essay-001-one/index.md",
        "mine.md",
    ]
    shutil.rmtree(out)


@pytest.mark.parametrize("entry", ["../outside.md", "sub/../../outside.md"])
def test_a_manifest_entry_outside_the_folder_is_never_deleted(tmp_path: Path, entry: str) -> None:
    out = tmp_path / "book"
    out.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text(page("not ours to delete"), "utf-8")  # carries the marker, yet lies outside
    (out / MANIFEST).write_text(json.dumps([entry]), "utf-8")
    write_pages(out, {"a.md": page("A")})
    assert outside.is_file()
    (out / MANIFEST).write_text(json.dumps([entry, "a.md"]), "utf-8")
    assert main(["clean", "--out", str(out)]) == 0
    assert outside.is_file() and not out.exists()


# --- publishing a finished build -------------------------------------------------------


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def test_sync_tree_touches_only_what_changed(tmp_path: Path) -> None:
    from essaybook.core.write import sync_tree

    src, dest = tmp_path / "src", tmp_path / "dest"
    for name, text in {"a.html": "A", "b/c.html": "C", "b/d.html": "D"}.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    first = sync_tree(src, dest)
    assert sorted(first.written) == ["a.html", "b/c.html", "b/d.html"]
    before = _tree(dest)
    os.utime(src / "a.html", ns=(1, 1))  # a newer build writes the same bytes again: still the same file
    (src / "b" / "c.html").write_text("C2")
    (src / "b" / "d.html").unlink()
    (src / "e.html").write_text("E")
    again = sync_tree(src, dest)
    assert (sorted(again.written), again.unchanged, again.removed) == (["b/c.html", "e.html"], ["a.html"], ["b/d.html"])
    after = _tree(dest)
    assert after["a.html"] == before["a.html"]  # bytes and modification time
    assert after["b/c.html"][0] == b"C2" and "b/d.html" not in after and after["e.html"][0] == b"E"
    assert not list(dest.rglob(".tmp-*"))


def test_sync_tree_replaces_a_folder_by_a_file_and_back(tmp_path: Path) -> None:
    from essaybook.core.write import sync_tree

    src, dest = tmp_path / "src", tmp_path / "dest"
    (src / "x").mkdir(parents=True)
    (src / "x" / "y").write_text("Y")
    sync_tree(src, dest)
    (src / "x" / "y").unlink()
    (src / "x").rmdir()
    (src / "x").write_text("now a file")
    sync_tree(src, dest)
    assert (dest / "x").read_text() == "now a file"


def test_sync_tree_reads_no_file_it_copied_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from essaybook.core import write

    src, dest = tmp_path / "src", tmp_path / "dest"
    src.mkdir()
    (src / "a.html").write_text("A")
    (src / "b.html").write_text("B")
    write.sync_tree(src, dest)
    (src / "b.html").write_text("B")  # written again by a newer build: a new time, the same bytes
    compared: list[str] = []
    cmp = write.filecmp.cmp
    monkeypatch.setattr(write.filecmp, "cmp", lambda a, b, shallow: compared.append(Path(a).name) or cmp(a, b, shallow))
    again = write.sync_tree(src, dest)
    assert compared == ["b.html"]
    assert sorted(again.unchanged) == ["a.html", "b.html"] and not again.written
