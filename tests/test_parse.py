"""The seed contract: bytes in, title and paragraphs out, or every problem with its place."""

from __future__ import annotations

import pytest

from essaybook.core.problems import Problem, ProblemsError
from essaybook.core.seeds import MAX_TITLE, default_slug, parse_seed


def texts(essay) -> list[str]:
    return [p.text for p in essay.paragraphs]


def problems_of(data: bytes, name: str = "a.txt") -> list[Problem]:
    with pytest.raises(ProblemsError) as info:
        parse_seed(data, name, f"seeds/{name}")
    return info.value.problems


@pytest.mark.parametrize(
    ("data", "title", "paragraphs"),
    [
        pytest.param(b"T\n\nOne.", "T", ["One."], id="plain"),
        pytest.param(b"\xef\xbb\xbfT\n\nOne.", "T", ["One."], id="bom-dropped"),
        pytest.param(b"T\r\n\r\nOne\r\ntwo.\r\n", "T", ["One\ntwo."], id="crlf"),
        pytest.param(b"T\r\rOne\rtwo.\r", "T", ["One\ntwo."], id="lone-cr"),
        pytest.param(b"T\r\n\rOne.", "T", ["One."], id="crlf-then-cr-is-two-breaks"),
        pytest.param(b"\n \n\t\n  T  \n\nOne.", "T", ["One."], id="title-is-first-non-blank-line"),
        pytest.param(b"T\n \t \nOne.\n\t\nTwo.", "T", ["One.", "Two."], id="blank-is-spaces-and-tabs"),
        pytest.param(b"T\n\nOne\nwrapped\nthrice.", "T", ["One\nwrapped\nthrice."], id="soft-wraps-kept"),
        pytest.param(b"T\n\n  One  \n\ttwo\t\n", "T", ["One\ntwo"], id="layout-at-line-edges-dropped"),
        pytest.param(b"T\n\nOne  two\tthree", "T", ["One  two\tthree"], id="inner-spaces-kept"),
        pytest.param("T\n\nOne\n\u00a0\nTwo".encode(), "T", ["One\n\u00a0\nTwo"], id="nbsp-line-not-blank"),
        pytest.param("T\n\nOne\n\u2028\nTwo".encode(), "T", ["One\n\u2028\nTwo"], id="line-separator-not-blank"),
        pytest.param("T\n\nOne\n\u3000\nTwo".encode(), "T", ["One\n\u3000\nTwo"], id="ideographic-space-not-blank"),
        pytest.param("T\n\n\u00a0One\u00a0".encode(), "T", ["\u00a0One\u00a0"], id="unicode-spaces-at-edges-kept"),
        pytest.param(b"T\nOne.", "T", ["One."], id="paragraph-right-after-title"),
        pytest.param(b"T\n\nOne.\n\n\n\nTwo.\n\n", "T", ["One.", "Two."], id="many-blank-lines"),
        pytest.param(b"T\n\n*not* <b>markup</b> {{x}}", "T", ["*not* <b>markup</b> {{x}}"], id="markup-is-text"),
        pytest.param(
            "Caf\u00e9 \u2014 \u201cq\u201d\n\n\u00c9t\u00e9.".encode(),
            "Caf\u00e9 \u2014 \u201cq\u201d",
            ["\u00c9t\u00e9."],
            id="unicode-kept",
        ),
    ],
)
def test_parse_layout(data: bytes, title: str, paragraphs: list[str]) -> None:
    essay = parse_seed(data, "a.txt")
    assert essay.title == title
    assert texts(essay) == paragraphs


@pytest.mark.parametrize(
    ("data", "title_line", "lines"),
    [
        (b"T\n\nOne.\n\nTwo.", 1, [3, 5]),
        (b"\n\nT\n\nOne\nstill one\n\n\nTwo.", 3, [5, 9]),
        (b"T\r\n\r\nOne.\r\n\r\nTwo.", 1, [3, 5]),
        (b"T\r\rOne.\r\r\rTwo.", 1, [3, 6]),
        (b"\xef\xbb\xbfT\n\nOne.", 1, [3]),
    ],
)
def test_line_numbers(data: bytes, title_line: int, lines: list[int]) -> None:
    essay = parse_seed(data, "a.txt")
    assert essay.title_line == title_line
    assert [p.line for p in essay.paragraphs] == lines


def test_essay_identity() -> None:
    data = b"T\n\nOne."
    essay = parse_seed(data, "000_x.txt", "seeds/000_x.txt")
    assert (essay.name, essay.path, essay.stem) == ("000_x.txt", "seeds/000_x.txt", "000_x")
    import hashlib

    # The digest is of the file's bytes as stored, BOM and CRs included.
    assert essay.sha256 == hashlib.sha256(data).hexdigest()
    assert parse_seed(b"\xef\xbb\xbf" + data, "a.txt").sha256 != essay.sha256


@pytest.mark.parametrize(
    ("stem", "slug"),
    [
        ("essay", "essay"),
        ("My Essay", "my-essay"),
        ("000_4ba1c0995a320183", "essay-000-4ba1c0995a320183"),
        ("Café au lait", "cafe-au-lait"),
        ("--a--b--", "a-b"),
        ("A_B.C", "a-b-c"),
        ("日本", "essay"),
        ("", "essay"),
        ("___", "essay"),
        ("42", "essay-42"),
    ],
)
def test_default_slug(stem: str, slug: str) -> None:
    assert default_slug(stem) == slug


# --- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "line", "column", "offset"),
    [
        (b"T\n\nab\xffc", 3, 3, 5),
        (b"\xef\xbb\xbfT\n\nab\xffc", 3, 3, 8),  # the offset counts the BOM: it is in the file
        (b"T\r\rx\xe9\xff", 3, 2, 4),  # CR breaks lines here as everywhere else
        ("T\n\n\u00e9\u00e9".encode() + b"\xff", 3, 3, 7),  # columns count characters, not bytes
        (b"\xff", 1, 1, 0),
    ],
)
def test_not_utf8(data: bytes, line: int, column: int, offset: int) -> None:
    (problem,) = problems_of(data)
    assert problem.code == "seed.encoding"
    assert (problem.path, problem.line, problem.column) == ("seeds/a.txt", line, column)
    assert f"byte offset {offset}" in problem.message
    assert "UTF-8" in problem.hint


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n", b" \t \n\t\n", b"\xef\xbb\xbf", b"\r\n\r\n"],
    ids=["empty", "newlines", "spaces-tabs", "bom-only", "crlf-only"],
)
def test_empty(data: bytes) -> None:
    (problem,) = problems_of(data)
    assert (problem.code, problem.line) == ("seed.empty", 1)
    assert problem.hint


@pytest.mark.parametrize(
    "char",
    [
        *[chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)],
        "\x7f",
        *[chr(c) for c in range(0x80, 0xA0)],
    ],
    ids=lambda c: f"U+{ord(c):04X}",
)
def test_control_characters(char: str) -> None:
    data = f"Title\n\nab{char}c".encode()
    (problem,) = problems_of(data)
    assert problem.code == "seed.control-char"
    assert (problem.line, problem.column) == (3, 3)
    assert f"U+{ord(char):04X}" in problem.message
    assert problem.hint


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"], ids=["U+FFFE", "U+FFFF"])
def test_xml_noncharacters(char: str) -> None:
    (problem,) = problems_of(f"Title\n\nab{char}c".encode())
    assert (problem.code, problem.line, problem.column) == ("seed.control-char", 3, 3)
    assert f"noncharacter U+{ord(char):04X}" in problem.message


@pytest.mark.parametrize("char", ["\ufdd0", "\U0001fffe", "\ue000", "\u200b", "\ufeff", "\U0010fffd"])
def test_other_unusual_characters_are_text(char: str) -> None:
    assert parse_seed(f"T\n\na{char}b".encode(), "a.txt").paragraphs[0].text == f"a{char}b"


def test_control_characters_are_all_reported_then_counted() -> None:
    data = ("T\n\n" + "x\x01" * 15).encode()
    problems = problems_of(data)
    assert [p.code for p in problems] == ["seed.control-char"] * 11
    assert [p.column for p in problems[:10]] == list(range(2, 22, 2))
    assert "5 more" in problems[10].message


def test_title_without_paragraph() -> None:
    (problem,) = problems_of(b"\n\nJust a title\n\n \n")
    assert (problem.code, problem.line) == ("seed.no-paragraphs", 3)


def test_title_at_the_limit_is_fine() -> None:
    assert parse_seed(("x" * MAX_TITLE + "\n\nOne.").encode(), "a.txt").title == "x" * MAX_TITLE


def test_title_too_long() -> None:
    (problem,) = problems_of(("\n" + "x" * (MAX_TITLE + 1) + "\n\nOne.").encode())
    assert (problem.code, problem.line, problem.column) == ("seed.title-too-long", 2, MAX_TITLE + 1)
    assert str(MAX_TITLE + 1) in problem.message


def test_every_problem_in_one_seed_is_reported() -> None:
    data = ("x" * 300 + "\x01\n\n").encode()
    problems = problems_of(data)
    assert sorted((p.code, p.line, p.column) for p in problems) == [
        ("seed.control-char", 1, 301),
        ("seed.no-paragraphs", 1, 0),
        ("seed.title-too-long", 1, MAX_TITLE + 1),
    ]


def test_problem_text_names_place_code_and_hint() -> None:
    (problem,) = problems_of(b"T\n\nab\x00")
    text = str(problem)
    assert text.startswith("seeds/a.txt:3:3: error: control character U+0000 ")
    assert " — " in text and text.endswith("[essaybook.seed.control-char]")
