"""The editorial lint (essaybook.core.lint): what an editor should look at, reported, never fixed.

The quotation and bracket rules are pinned on single paragraphs; every kind of
finding is proved on the fixture book in tests/fixtures/lint/findings, whose
expected findings were worked out by hand from its files; ``essaybook check``
prints them as warnings, and a Sphinx build with -W still succeeds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from essaybook.cli import main
from essaybook.core.lint import balance, lint_book
from essaybook.core.pipeline import build_book

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "lint"


# --- quotation marks and brackets, one paragraph at a time ------------------------------------

# (text, [(offset, mark, problem)]); a mark is reported as "unclosed", "unopened" or "mismatched".
BALANCE = [
    # Apostrophes are not quotation marks: inside a word, before one (elision), after one (possessive).
    ("Trotsky’s politics ‘differed sharply from Stalinism’. Trotsky didn’t.", []),
    ("the ‘real and important’ difference, the Trotskyists’ views, ’90s, ’tis", []),
    ("(Just as when Islamists take over - this didn’t work in the Israel-Palestine case.)", []),
    ("“Nested ‘single’ quotes”, «guillemets», „low“ and ‚low‘.", []),
    (
        "»German guillemets« point inwards, «French» outwards: the first one says which.",
        [(35, "«", "unopened"), (42, "»", "unclosed")],
    ),
    ("Straight \"double\" and 'single' quotes.", []),
    # What is left open, closed twice, or closed by the wrong mark.
    ("‘open", [(0, "‘", "unclosed")]),
    ("“open", [(0, "“", "unclosed")]),
    ("an aside (never closed", [(9, "(", "unclosed")]),
    ("closed) never opened", [(6, ")", "unopened")]),
    ("[wrong)", [(6, ")", "mismatched")]),
    ("“a ‘b c”", [(3, "‘", "unclosed")]),
    ("a” b", [(1, "”", "unopened")]),
    ("said,’ she", [(5, "’", "unopened")]),
    ('one "two', [(4, '"', "unclosed")]),
    ("a 'quote", [(2, "'", "unclosed")]),
    ("«a» »b«", [(4, "»", "unopened"), (6, "«", "unclosed")]),
]


@pytest.mark.parametrize(("text", "expected"), BALANCE)
def test_balance(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert [(m.offset, m.char, m.problem) for m in balance(text)] == expected


# --- every finding, on a fixture ------------------------------------------------------------------

# (location, code, words the message holds), in the order check prints them.
FINDINGS = [
    ("conf/book.toml:7:1", "lint.no-first-publication", "seeds/a.txt has no first publication"),
    ("conf/book.toml:20:1", "lint.http-url", "first publication of b.txt is given at an address without https"),
    ("conf/book.toml:26:1", "lint.http-url", "the licence of b.txt is given at an address without https"),
    ("conf/glossary.toml:6:1", "lint.unused-term", "'tovarishch' is used by no essay and no note"),
    ("conf/lint.toml:6:1", "lint.stale-acceptance", "http://example.org/gone (lint.http-url) matches no finding"),
    ("conf/sources.json:8:1", "lint.uncited-source", "'uncited' is cited by no note and no glossary entry"),
    ("conf/sources.json:17:5", "lint.http-url", "'http-source' is cited at an address without https"),
    ("seeds/a.txt:1:10", "lint.unbalanced-bracket", "an opening parenthesis (() is not closed in the title"),
    ("seeds/a.txt:3:59", "lint.unbalanced-quote", "(‘) is not closed in the paragraph that starts at line 3"),
    ("seeds/a.txt:5:23", "lint.unbalanced-bracket", "()) stands where an opening bracket ([) should be closed"),
    ("seeds/a.txt:5:45", "lint.unbalanced-quote", "(”) closes nothing opened before it"),
    ("seeds/a.txt:14:17", "lint.unbalanced-quote", '(") is not closed in the paragraph that starts at line 13'),
    ("seeds/c.txt:1", "lint.no-author", "seeds/c.txt has no author"),
    ("seeds/c.txt:1", "lint.no-first-publication", "seeds/c.txt has no first publication"),
    ("seeds/c.txt:1", "lint.no-rights", "seeds/c.txt has no rights statement"),
]


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """``essaybook check`` on the fixture book: its warning lines."""
    project = tmp_path_factory.mktemp("lint")
    shutil.copytree(FIXTURES / "findings", project, dirs_exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "essaybook", "check"], cwd=project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"; {len(FINDINGS)} findings for the editors"), result.stdout
    return result.stderr.splitlines()


@pytest.mark.parametrize(("where", "code", "words"), FINDINGS, ids=[f"{c}@{w}" for w, c, _ in FINDINGS])
def test_each_finding_is_reported_where_it_is(findings: list[str], where: str, code: str, words: str) -> None:
    hits = [
        line for line in findings if line.startswith(f"{where}: warning: ") and line.endswith(f"[essaybook.{code}]")
    ]
    assert len(hits) == 1, "\n".join(findings)
    assert words in hits[0] and " — " in hits[0]  # what to do follows the dash


def test_nothing_else_is_reported(findings: list[str]) -> None:
    # The accepted http address, the note-only term, the apostrophes and the
    # quotation that runs over two paragraphs (lines 7 and 9) are not findings.
    assert [line.split(": warning: ")[0] for line in findings] == [where for where, _, _ in FINDINGS]
    assert not any("example.org/accepted" in line or "vanguard" in line for line in findings)


def test_strict_fails_on_findings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(FIXTURES / "findings")
    assert main(["check", "--strict"]) == 1
    assert main(["check"]) == 0
    capsys.readouterr()


def test_a_note_without_a_source_is_an_error_of_the_edition_already(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema requires every note to cite a source: one check, an error, not a lint warning."""
    monkeypatch.chdir(FIXTURES / "no-source")
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "conf/notes.toml:6:1: error:" in err and "[essaybook.conf.no-source]" in err


def test_a_malformed_acknowledgement_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "findings", tmp_path, dirs_exist_ok=True)
    (tmp_path / "conf" / "lint.toml").write_text('[[accept]]\ncode = "lint.unused-term"\nurl = "http://x.org"\n')
    assert main(["check", "--seeds", str(tmp_path / "seeds"), "--conf", str(tmp_path / "conf")]) == 1
    err = capsys.readouterr().err
    assert "lint.toml:1:1: error:" in err and "reason" in err
    assert "lint.toml:2" in err and 'only "lint.http-url" can be acknowledged' in err


def test_our_book_has_no_finding() -> None:
    book = build_book(ROOT / "seeds", ROOT / "conf")
    assert lint_book(book, ROOT / "conf") == []


def test_a_book_with_findings_builds_without_a_warning(make_app, tmp_path: Path) -> None:
    """Findings are for the editors (`make check`): a build with -W (warnings are errors) succeeds."""
    (tmp_path / "conf.py").write_text(
        f'extensions = ["myst_parser", "essaybook"]\n'
        f"essaybook_seeds_dir = {str(FIXTURES / 'findings' / 'seeds')!r}\n"
        f"essaybook_conf_dir = {str(FIXTURES / 'findings' / 'conf')!r}\n"
        'myst_enable_extensions = ["colon_fence", "attrs_block"]\n'
        "smartquotes = False\n"
    )
    (tmp_path / "index.md").write_text("# Findings\n\n```{book-chapters}\n```\n\n```{apparatus}\n```\n")
    book = build_book(FIXTURES / "findings" / "seeds", FIXTURES / "findings" / "conf")
    assert len(lint_book(book, FIXTURES / "findings" / "conf")) == len(FINDINGS)
    app = make_app("html", srcdir=tmp_path, warningiserror=True)
    app.build()
    assert app._warning.getvalue() == ""
    assert (tmp_path / "_build" / "html" / "index.html").is_file()
