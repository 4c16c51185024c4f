"""``essaybook new``: what it writes, when it refuses, and that every release's new book still builds.

``tests/fixtures/new-book/<version>/`` holds what ``new`` wrote in that
release, for the answers below (the press's schemas aside: they are the
press's, in ``.essaybook/``, not the template's). The current version's
folder must be exactly what ``new`` writes today, so a change to the template
is a deliberate change of its fixture; the folders of earlier releases stay,
and the current press must build each of them without a warning: a book
holds no copy of the press, so a newer press builds it unchanged. To record
a release's template::

    SOURCE_DATE_EPOCH=1700000000 essaybook new tests/fixtures/new-book/VERSION \\
        --title "Essays on Things" --author "A. N. Author" --language en --press "essaybook==VERSION"
    rm -r tests/fixtures/new-book/VERSION/.essaybook
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from essaybook import project
from essaybook.cli import main
from essaybook.core.schema import schema_texts
from essaybook.typeset import PDF_PACKAGES
from sitebuild import ROOT, STRICT, sphinx

FIXTURES = ROOT / "tests" / "fixtures" / "new-book"
ANSWERS = ["--title", "Essays on Things", "--author", "A. N. Author", "--language", "en"]
EPOCH = "1700000000"  # 2023: the rights' year of the fixture books


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".essaybook" not in p.relative_to(folder).parts
    }


def _new(monkeypatch: pytest.MonkeyPatch, folder: Path, *args: str) -> int:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    return main(["new", str(folder), *args])


# --- the template and its fixture ------------------------------------------------------------


def test_new_writes_exactly_this_releases_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    version = project.press_version()
    fixture = FIXTURES / version
    assert fixture.is_dir(), f"no fixture for essaybook {version}: record what new writes (see this module's docstring)"
    assert _new(monkeypatch, tmp_path / "book", *ANSWERS, "--press", f"essaybook=={version}") == 0
    assert "seeds/sample-essay.txt is a placeholder" in capsys.readouterr().out
    wrote, want = _tree(tmp_path / "book"), _tree(fixture)
    assert sorted(wrote) == sorted(want)
    changed = [name for name in want if wrote[name] != want[name]]
    assert changed == [], f"new writes these differently from {fixture}: {changed} (a template change? update it)"
    # The schemas are the installed press's, where the #:schema lines point.
    schemas = tmp_path / "book" / project.SCHEMAS
    assert {p.name: p.read_text("utf-8") for p in schemas.iterdir()} == schema_texts()
    for toml in (tmp_path / "book" / "conf").glob("*.toml"):
        line = toml.read_text("utf-8").splitlines()[0]
        assert (toml.parent / line.removeprefix("#:schema ")).resolve().is_file(), line


def test_our_conf_py_is_what_new_writes_plus_what_our_book_changes() -> None:
    template = files("essaybook") / "project_files" / "docs" / "conf.py"
    assert (ROOT / "docs" / "conf.py").read_text("utf-8").startswith(template.read_text("utf-8"))


@pytest.mark.parametrize("release", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_releases_new_book_builds_with_this_press(release: str, tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(FIXTURES / release, book)
    check = subprocess.run(
        [sys.executable, "-m", "essaybook", "check", "--strict"], cwd=book, capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0 and check.stderr == "", check.stdout + check.stderr
    assert "0 findings" in check.stdout
    for builder in ("html", "epub"):
        out = book / "_build" / builder
        args = [*STRICT, "-b", builder, "-d", str(book / "_build" / "doctrees"), "docs", str(out)]
        sphinx(args, cwd=book, outdir=out).check()
    assert (book / "_build" / "html" / "book" / "sample-essay" / "index.html").is_file()


def test_the_examples_in_conf_are_valid_when_uncommented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "book"
    assert _new(monkeypatch, book, *ANSWERS, "--press", "essaybook==0") == 0
    for name in ("glossary.toml", "notes.toml", "timeline.toml"):
        path = book / "conf" / name
        head, example = path.read_text("utf-8").split("looks like this:\n#\n")
        path.write_text(head + "\n" + re.sub(r"^# ", "", example, flags=re.MULTILINE), "utf-8")
    (book / "conf" / "sources.json").write_text(
        json.dumps(
            [{"id": "an-id-in-sources-json", "type": "book", "title": "A Book", "issued": {"date-parts": [[1900]]}}]
        ),
        "utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "essaybook", "check"], cwd=book, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 glossary terms, 1 notes" in result.stdout


def test_a_new_books_read_the_docs_file_is_valid_and_installs_what_the_pdf_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _new(monkeypatch, tmp_path / "book", *ANSWERS) == 0
    config = yaml.safe_load((tmp_path / "book" / ".readthedocs.yaml").read_text("utf-8"))
    schema = json.loads((files("check_jsonschema.builtin_schemas.vendor") / "readthedocs.json").read_text("utf-8"))
    jsonschema.validate(config, schema, cls=jsonschema.Draft202012Validator)
    assert config["build"]["apt_packages"] == list(PDF_PACKAGES)
    assert {"epub", "pdf"} <= set(config["formats"])
    assert config["python"]["install"] == [{"requirements": "requirements.txt"}]


# --- answers, refusals ---------------------------------------------------------------------


def test_the_book_toml_holds_the_answers_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    title, author = 'On "Quotes" \\ Backslashes', "Zoë d’Arc"
    answers = ["--title", f"  {title} ", "--author", author, "--language", "fr-CA"]
    assert _new(monkeypatch, tmp_path / "book", *answers, "--press", "essaybook==0") == 0
    book = tomllib.loads((tmp_path / "book" / "conf" / "book.toml").read_text("utf-8"))
    assert book["book"]["title"] == title
    assert (book["book"]["editor"], book["book"]["language"]) == (author, "fr-CA")
    assert book["book"]["rights"] == {"holder": author, "year": "2023"}
    assert book["essays"]["sample-essay.txt"]["author"] == author
    assert book["essays"]["sample-essay.txt"]["rights"] == {"holder": author, "year": "2023"}
    assert (tmp_path / "book" / "README.md").read_text("utf-8").startswith(f"# {title}\n")


def test_a_folder_in_use_is_refused_and_left_as_it_was(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", "utf-8")
    assert _new(monkeypatch, folder, *ANSWERS) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder} is not empty") and "--force" in err and "Nothing was written" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    # --force writes the book beside what is there.
    assert _new(monkeypatch, folder, *ANSWERS, "--force") == 0
    assert (folder / "notes.txt").read_text("utf-8") == "mine"
    assert (folder / "conf" / "book.toml").is_file()
    # A file is not a folder, forced or not.
    assert _new(monkeypatch, folder / "notes.txt", *ANSWERS, "--force") == 2
    err = capsys.readouterr().err
    assert "notes.txt is a file" in err and "--force" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", " ", "--author", "A"], "the title is empty"),
        (["--title", "T\nU", "--author", "A"], "the title holds the control character U+000A"),
        (["--title", "T", "--author", "A", "--language", "English"], "'English' is not a language tag"),
        (["--author", "A"], "give --title (there is no terminal to ask in)"),
        (["--title", "T"], "give --author (there is no terminal to ask in)"),
        (["--title", "T", "--author", "A", "--press", "essaybook\n==1"], "the press requirement holds the control"),
    ],
)
def test_an_answer_that_cannot_be_used_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, args: list[str], message: str
) -> None:
    assert _new(monkeypatch, tmp_path / "book", *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}") and err.endswith(". Nothing was written.\n"), err
    assert not (tmp_path / "book").exists()


def test_in_a_terminal_new_asks_for_what_is_not_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    answers = iter(["", "A Book", "B. Writer", "Klingon", "tlh"])
    asked: list[str] = []

    def answer(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", answer)
    assert main(["new", str(tmp_path / "book"), "--press", "essaybook==0"]) == 0
    assert asked == [
        "Title of the book: ",
        "Title of the book: ",
        "Author of the essays: ",
        "Language (a tag: en, fr, pt-BR) [en]: ",
        "Language (a tag: en, fr, pt-BR) [en]: ",
    ]
    book = tomllib.loads((tmp_path / "book" / "conf" / "book.toml").read_text("utf-8"))["book"]
    assert (book["title"], book["editor"], book["language"]) == ("A Book", "B. Writer", "tlh")


# --- how requirements.txt names the press ------------------------------------------------------


class _Installed:
    version = "1.2.3"

    def __init__(self, record: dict | None) -> None:
        self.record = record

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return json.dumps(self.record) if self.record is not None else None


@pytest.mark.parametrize(
    ("record", "requirement"),
    [
        (None, "essaybook==1.2.3"),
        (
            {"url": "file:///dl/essaybook-1.2.3-py3-none-any.whl", "archive_info": {"hashes": {"sha256": "ab"}}},
            "essaybook @ file:///dl/essaybook-1.2.3-py3-none-any.whl",
        ),
        (
            {
                "url": "https://example.org/essaybook.git",
                "vcs_info": {"vcs": "git", "commit_id": "0abc", "requested_revision": "v1"},
            },
            "essaybook @ git+https://example.org/essaybook.git@0abc",
        ),
        (
            {
                "url": "https://example.org/mono.git",
                "vcs_info": {"vcs": "git", "commit_id": "0abc"},
                "subdirectory": "press",
            },
            "essaybook @ git+https://example.org/mono.git@0abc#subdirectory=press",
        ),
        ({"url": "file:///home/me/essaybook", "dir_info": {"editable": True}}, "essaybook @ file:///home/me/essaybook"),
    ],
)
def test_requirements_name_the_press_where_it_was_installed_from(
    monkeypatch: pytest.MonkeyPatch, record: dict | None, requirement: str
) -> None:
    monkeypatch.setattr(project.metadata, "distribution", lambda name: _Installed(record))
    assert project.press_requirement() == requirement


def test_schemas_are_refreshed_and_stale_ones_removed(tmp_path: Path) -> None:
    folder = tmp_path / project.SCHEMAS
    assert sorted(project.write_schemas(tmp_path)) == sorted(schema_texts())
    assert project.write_schemas(tmp_path) == []
    (folder / "book.schema.json").write_text("{}", "utf-8")
    (folder / "gone.schema.json").write_text("{}", "utf-8")
    assert sorted(project.write_schemas(tmp_path)) == ["book.schema.json", "gone.schema.json"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(schema_texts())


def test_what_an_installer_compiles_beside_the_template_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "project_files"
    shutil.copytree(project.TEMPLATE, template, ignore=shutil.ignore_patterns("__pycache__"))
    (template / "docs" / "__pycache__").mkdir()
    (template / "docs" / "__pycache__" / "conf.cpython-311.pyc").write_bytes(b"\xa7\r\r\n")
    monkeypatch.setattr(project, "TEMPLATE", template)
    book = project.NewBook("T", "A", "en", 2023, "essaybook==0")
    assert not [name for name in project.book_files(book) if "__pycache__" in name]
