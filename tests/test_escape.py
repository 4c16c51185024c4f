"""escape_text: every character that could be syntax is escaped, and nothing else changes."""

from __future__ import annotations

import string
import sys

import pytest

from essaybook.core.escape import ASCII_PUNCTUATION, escape_line, escape_text

# Python's str.isspace() characters other than the layout the parser drops and
# the control characters it rejects: markdown-it strips any of these at the
# edges of a paragraph, so they are written as character references.
UNICODE_SPACES = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and not c.isascii() and ord(c) > 0x9F]


def test_the_space_list_is_what_we_think() -> None:
    assert UNICODE_SPACES == [
        "\u00a0",
        "\u1680",
        *map(chr, range(0x2000, 0x200B)),
        "\u2028",
        "\u2029",
        "\u202f",
        "\u205f",
        "\u3000",
    ]


def test_punctuation_is_all_of_ascii_punctuation() -> None:
    assert set(string.punctuation) == ASCII_PUNCTUATION
    assert len(ASCII_PUNCTUATION) == 32


@pytest.mark.parametrize("char", sorted(string.punctuation))
def test_every_ascii_punctuation_is_escaped(char: str) -> None:
    assert escape_text(char) == "\\" + char
    assert escape_text(f"a{char}b") == f"a\\{char}b"
    assert escape_text(char * 3) == ("\\" + char) * 3


@pytest.mark.parametrize("char", UNICODE_SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_unicode_whitespace_becomes_a_character_reference(char: str) -> None:
    ref = f"&#x{ord(char):X};"
    assert escape_text(char) == ref
    assert escape_text(f"a{char}b") == f"a{ref}b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("", ""),
        ("Ünïcödé letters — “quotes” ‘too’ … ½ ™", "Ünïcödé letters — “quotes” ‘too’ … ½ ™"),
        ("\u200b\u200d\ufeff\u2060", "\u200b\u200d\ufeff\u2060"),  # format characters are not whitespace
        ("日本語のテキスト", "日本語のテキスト"),
        ("emoji 🙂 and 𝔘", "emoji 🙂 and 𝔘"),
        ("fullwidth ＊＃＜", "fullwidth ＊＃＜"),  # not ASCII: CommonMark gives them no meaning
        ("123", "123"),
        ("1. item", "1\\. item"),
        ("# heading", "\\# heading"),
        ("**bold** _em_", "\\*\\*bold\\*\\* \\_em\\_"),
        ("`code`", "\\`code\\`"),
        ("[a](b)", "\\[a\\]\\(b\\)"),
        ("<script>", "\\<script\\>"),
        ("&amp; &#65;", "\\&amp\\; \\&\\#65\\;"),
        ("{role}`x`", "\\{role\\}\\`x\\`"),
        ("{{ sub }}", "\\{\\{ sub \\}\\}"),
        ("$x$", "\\$x\\$"),
        ("a\\b", "a\\\\b"),
        ("end \\", "end \\\\"),
        ("(label)=", "\\(label\\)\\="),
        ("% comment", "\\% comment"),
        ("a\tb  c", "a\tb  c"),
    ],
)
def test_escape_table(text: str, expected: str) -> None:
    assert escape_text(text) == expected


@pytest.mark.parametrize(
    ("text", "lead", "trail", "expected"),
    [
        ("  a  ", True, True, "a"),
        ("\ta\t", True, True, "a"),
        ("  a  ", False, True, "  a"),
        ("  a  ", True, False, "a  "),
        ("  a  ", False, False, "  a  "),
        ("  a  \n  b  ", True, True, "a\nb"),
        # Inner line edges are always layout: only the fragment's outer edges are kept.
        ("  a  \n  b  ", False, False, "  a\nb  "),
        ("a\n\nb", True, True, "a\n\nb"),
        ("    indented code", True, True, "indented code"),
        ("a  \nb", True, True, "a\nb"),  # two trailing spaces would be a hard break
        ("\u00a0 a \u00a0", True, True, "&#xA0; a &#xA0;"),  # only spaces and tabs are layout
    ],
)
def test_layout(text: str, lead: bool, trail: bool, expected: str) -> None:
    assert escape_text(text, lead=lead, trail=trail) == expected


def test_escape_line_strips_and_escapes() -> None:
    assert escape_line("  *a*\u3000 ") == "\\*a\\*&#x3000;"


def test_escape_is_stable_for_repeated_calls() -> None:
    # The translation table is filled lazily: the second call must agree with the first.
    text = "".join(map(chr, range(0x20, 0x3000, 7)))
    assert escape_text(text) == escape_text(text)
