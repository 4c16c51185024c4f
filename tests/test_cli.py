"""Command line: bad seeds fail clearly, all together; publish swaps a build in; a failed make keeps the old book."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from essaybook.cli import main
from essaybook.core.seeds import MAX_TITLE

ROOT = Path(__file__).resolve().parents[1]
BOOK = '[book]\ntitle = "T"\nrights = { holder = "c", year = "2026" }\nversion = "1"\n'
GOOD = b"Title\n\nA paragraph.\n"


def project(tmp_path: Path, seeds: dict[str, bytes]) -> tuple[Path, Path]:
    seed_dir, conf_dir = tmp_path / "seeds", tmp_path / "conf"
    seed_dir.mkdir()
    conf_dir.mkdir()
    (conf_dir / "book.toml").write_text(BOOK)
    for name, data in seeds.items():
        (seed_dir / name).write_bytes(data)
    return seed_dir, conf_dir


def run_check(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "essaybook", "check", "--seeds", "seeds", "--conf", "conf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


# (seed file, its bytes, the location the message must name, its code, words the message holds)
BAD_SEEDS = [
    ("a-utf8.txt", b"Title\n\nCaf\xe9 au lait.\n", "seeds/a-utf8.txt:3:4", "seed.encoding", "byte offset 10"),
    ("b-empty.txt", b"", "seeds/b-empty.txt:1", "seed.empty", "empty"),
    ("c-blank.txt", b" \n\t\n\n", "seeds/c-blank.txt:1", "seed.empty", "blank"),
    ("d-nul.txt", b"Title\n\nNUL\x00here.\n", "seeds/d-nul.txt:3:4", "seed.control-char", "U+0000"),
    ("e-bell.txt", b"Title\n\nBell\x07.\n", "seeds/e-bell.txt:3:5", "seed.control-char", "U+0007"),
    ("f-del.txt", b"Title\n\nDEL\x7f.\n", "seeds/f-del.txt:3:4", "seed.control-char", "U+007F"),
    ("g-c1.txt", "Title\n\nNEL\u0085.\n".encode(), "seeds/g-c1.txt:3:4", "seed.control-char", "U+0085"),
    ("h-title.txt", b"Just a title\n", "seeds/h-title.txt:1", "seed.no-paragraphs", "not followed by any paragraph"),
    (
        "i-long.txt",
        b"x" * (MAX_TITLE + 1) + b"\n\nP.\n",
        f"seeds/i-long.txt:1:{MAX_TITLE + 1}",
        "seed.title-too-long",
        f"{MAX_TITLE + 1} characters",
    ),
    ("J.txt", GOOD, "seeds/j.txt", "seed.duplicate-name", "'j' clashes with seeds/J.txt"),
    ("j.txt", GOOD, None, None, None),
]


@pytest.mark.parametrize(
    ("name", "data", "where", "code", "words"), [c for c in BAD_SEEDS if c[2] and c[3] != "seed.duplicate-name"]
)
def test_each_bad_seed_fails_clearly(tmp_path: Path, monkeypatch, capsys, name, data, where, code, words) -> None:
    project(tmp_path, {name: data, "ok.txt": GOOD})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--seeds", "seeds", "--conf", "conf"]) == 1
    err = capsys.readouterr().err.splitlines()
    (line,) = [e for e in err if e.startswith(where + ": error: ")] or [""]
    assert words in line, err
    assert line.endswith(f"[essaybook.{code}]") and " — " in line  # what to do follows the dash
    assert err[-1] == "1 problem(s); nothing was written."


def test_every_bad_seed_reported_in_one_run(tmp_path: Path) -> None:
    project(tmp_path, {name: data for name, data, *_ in BAD_SEEDS})
    result = run_check(tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    for _, _, where, code, words in BAD_SEEDS:
        if where is None:
            continue
        hits = [x for x in lines if x.startswith(where + ": error: ") and words in x]
        assert len(hits) == 1, (where, result.stderr)
        assert hits[0].endswith(f"[essaybook.{code}]") and " — " in hits[0]
    assert lines[-1] == f"{len(lines) - 1} problem(s); nothing was written."
    assert len(lines) - 1 >= sum(1 for c in BAD_SEEDS if c[2])
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_seed_and_conf_problems_reported_together(tmp_path: Path) -> None:
    project(tmp_path, {"a.txt": b"\xff", "b.txt": b""})
    (tmp_path / "conf" / "glossary.toml").write_text('[[terms]]\nterm = "x"\n')
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert [x.split(": error: ")[0] for x in result.stderr.splitlines()[:-1]] == [
        "conf/glossary.toml:1:1",
        "seeds/a.txt:1:1",
        "seeds/b.txt:1",
    ]


def test_check_ok(tmp_path: Path) -> None:
    project(tmp_path, {"a.txt": GOOD})
    result = run_check(tmp_path)
    # Nothing is wrong, but the editors should know nobody said who wrote the essay, where it appeared or whose it is.
    assert result.returncode == 0
    assert [line.split(": warning: ")[0] + " " + line.rsplit(" ", 1)[1] for line in result.stderr.splitlines()] == [
        "seeds/a.txt:1 [essaybook.lint.no-author]",
        "seeds/a.txt:1 [essaybook.lint.no-first-publication]",
        "seeds/a.txt:1 [essaybook.lint.no-rights]",
    ]
    assert result.stdout.startswith("ok: 1 essays, 3 pages")
    assert result.stdout.rstrip().endswith("; 3 findings for the editors")


def test_no_seeds_at_all(tmp_path: Path) -> None:
    project(tmp_path, {})
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("seeds: error: there are no essays") and "[essaybook.seed.none]" in result.stderr


# --- publish ----------------------------------------------------------------------------


def test_publish_swaps_the_build_in(tmp_path: Path) -> None:
    stage, dest = tmp_path / "stage", tmp_path / "html"
    dest.mkdir()
    (dest / "index.html").write_text("old")
    (dest / "stale.html").write_text("gone after publishing")
    stage.mkdir()
    (stage / "index.html").write_text("new")
    (stage / "_static").mkdir()
    (stage / "_static" / "x.css").write_text("css")
    assert main(["publish", str(stage), str(dest)]) == 0
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == ["_static", "_static/x.css", "index.html"]
    assert (dest / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html", "stage"]  # no .new or .old left
    assert (stage / "index.html").read_text() == "new"  # the staging build stays for the next incremental build


@pytest.mark.parametrize("missing", [True, False], ids=["missing", "empty"])
def test_publish_refuses_no_build(tmp_path: Path, capsys, missing: bool) -> None:
    stage, dest = tmp_path / "stage", tmp_path / "html"
    if not missing:
        stage.mkdir()
    dest.mkdir()
    (dest / "index.html").write_text("old")
    assert main(["publish", str(stage), str(dest)]) == 1
    assert "holds no build" in capsys.readouterr().err
    assert (dest / "index.html").read_text() == "old"


# --- make html on a copy of the project --------------------------------------------------


def _make(project_dir: Path, builddir: Path) -> subprocess.CompletedProcess[str]:
    venv = Path(sys.prefix)
    # -o: never let this copy's make reinstall the shared virtual environment.
    cmd = ["make", "-o", f"{venv}/.installed", "html", f"VENV={venv}", f"BUILDDIR={builddir}"]
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"}
    return subprocess.run(cmd, cwd=project_dir, capture_output=True, text=True, timeout=300, env=env)


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    }


def test_make_html_touches_nothing_when_nothing_changed_and_keeps_the_last_good_book(tmp_path: Path) -> None:
    assert shutil.which("make"), "make is missing: install it (Debian: apt-get install make)"
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("_build", "__pycache__", "*.egg-info", ".tmp-*")
    for item in ("docs", "conf", "seeds", "src"):
        shutil.copytree(ROOT / item, copy / item, ignore=ignore)
    for item in ("Makefile", "pyproject.toml", "docs/requirements.txt", "tests/requirements.txt"):
        (copy / item).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / item, copy / item)
    builddir = tmp_path / "_build"

    first = _make(copy, builddir)
    assert first.returncode == 0, first.stdout + first.stderr
    html = builddir / "html"
    assert (html / "index.html").is_file()
    good = _snapshot(html)
    assert {"404.html", "search.html", "genindex.html", "searchindex.js"} <= good.keys()

    # Nothing changed: every file of the published book keeps its bytes and its modification time.
    noop = _make(copy, builddir)
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert _snapshot(html) == good

    seed = sorted((copy / "seeds").glob("*.txt"))[0]
    original = seed.read_bytes()
    lines = original.split(b"\n")
    lines[2] = lines[2][:5] + b"\x00" + lines[2][5:]  # a NUL in the first paragraph, at line 3 column 6
    seed.write_bytes(b"\n".join(lines))
    failed = _make(copy, builddir)
    assert failed.returncode != 0
    assert f"seeds/{seed.name}:3:6: ERROR: control character U+0000" in failed.stderr
    assert "essaybook publish" not in failed.stdout  # make stopped before publishing
    assert _snapshot(html) == good  # the last good book, byte for byte, untouched

    seed.write_bytes(original)
    again = _make(copy, builddir)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (html / "index.html").is_file()
    assert sorted(p.name for p in builddir.iterdir()) == [".staging", "doctrees", "html"]


def test_check_takes_upper_case_txt_and_notes_other_files(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "A.TXT").write_bytes(b"Upper\n\nIt counts.\n")
    (seeds / "notes.md").write_bytes(b"# not an essay\n")
    (seeds / ".a.txt.swp").write_bytes(b"\x00editor lock")
    result = subprocess.run(
        [sys.executable, "-m", "essaybook", "check", "--seeds", str(seeds), "--conf", str(ROOT / "conf")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ok: 1 essays" in result.stdout
    assert "notes.md skipped: only .txt files in the seeds folder are essays" in result.stdout
    assert ".swp" not in result.stdout
