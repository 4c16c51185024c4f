"""The term matcher: longest first, whole words, any case, aliases to their entry."""

from __future__ import annotations

import pytest

from essaybook.core.edition import Term
from essaybook.core.terms import TermMatcher

GLOSSARY = (
    Term("goatee", "d", ("goatee beard", "goatees")),
    Term("Leon Trotsky", "d", ("Trotsky",)),
    Term("Trotskyism", "d", ("Trotskyist", "Trotskyists")),
    Term("socialism in one country", "d"),
    Term("working class", "d", ("working-class", "proletariat")),
    Term("Islam", "d"),
    Term("U.S.", "d"),
    Term("Café", "d"),
)
MATCHER = TermMatcher(GLOSSARY)


def found(text: str) -> list[tuple[str, str]]:
    """(text matched, entry it links to) for each match."""
    return [(text[m.start : m.end], m.term.term) for m in MATCHER.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a goatee beard.", [("goatee beard", "goatee")], id="longest-first"),
        pytest.param("a goatee.", [("goatee", "goatee")], id="shorter-when-longer-absent"),
        pytest.param("goatees", [("goatees", "goatee")], id="alias-to-term"),
        pytest.param(
            "Leon Trotsky and Trotsky",
            [("Leon Trotsky", "Leon Trotsky"), ("Trotsky", "Leon Trotsky")],
            id="multi-word-then-alias",
        ),
        pytest.param(
            "Trotskyism, Trotskyists, Trotskyist.",
            [("Trotskyism", "Trotskyism"), ("Trotskyists", "Trotskyism"), ("Trotskyist", "Trotskyism")],
            id="longer-word-not-cut",
        ),
        pytest.param(
            "TROTSKY trotsky tRoTsKy",
            [("TROTSKY", "Leon Trotsky"), ("trotsky", "Leon Trotsky"), ("tRoTsKy", "Leon Trotsky")],
            id="case-insensitive",
        ),
        pytest.param("Trotsky’s", [("Trotsky", "Leon Trotsky")], id="apostrophe-ends-word"),
        pytest.param("(Trotsky)", [("Trotsky", "Leon Trotsky")], id="punctuation-ends-word"),
        pytest.param("Trotskyite ProTrotsky Trotsky2 Trotsky_x", [], id="whole-words-only"),
        pytest.param("Islam\u0301", [], id="combining-mark-after"),
        pytest.param("e\u0301Islam", [], id="combining-mark-before"),
        pytest.param("Islamic Islam", [("Islam", "Islam")], id="prefix-of-word"),
        pytest.param(
            "socialism in\none country",
            [("socialism in\none country", "socialism in one country")],
            id="soft-wrap-inside-term",
        ),
        pytest.param(
            "socialism  in \t one country",
            [("socialism  in \t one country", "socialism in one country")],
            id="spaces-tabs-inside-term",
        ),
        pytest.param("socialism in\n\none country", [], id="two-breaks-not-a-term"),
        pytest.param("socialism in\u00a0one country", [], id="nbsp-not-a-term-space"),
        pytest.param(
            "working-class working class",
            [("working-class", "working class"), ("working class", "working class")],
            id="hyphen-alias",
        ),
        pytest.param("the U.S. and US", [("U.S.", "U.S.")], id="dots"),
        pytest.param("café CAFÉ", [("café", "Café"), ("CAFÉ", "Café")], id="non-ascii-case"),
        pytest.param("", [], id="empty"),
    ],
)
def test_matches(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_longest_first_whatever_the_glossary_order() -> None:
    short_first = TermMatcher([Term("vanguard", "d"), Term("vanguard of the working class", "d")])
    text = "the vanguard of the working class"
    assert [(m.start, m.end, m.term.term) for m in short_first.finditer(text)] == [
        (4, len(text), "vanguard of the working class")
    ]


def test_longer_alternative_backtracks_to_shorter_whole_word() -> None:
    # "goatee beard" matches a prefix of "goatee beards", which is not a whole
    # word, so the shorter "goatee" is linked instead.
    assert found("goatee beards") == [("goatee", "goatee")]


def test_case_folding_beyond_ignorecase() -> None:
    # U+212A KELVIN SIGN matches "k" under IGNORECASE; the entry is still found.
    m = TermMatcher([Term("kelvin", "d")])
    assert [x.term.term for x in m.finditer("\u212aelvin")] == ["kelvin"]


def test_terms_in_gives_keys() -> None:
    assert MATCHER.terms_in("Trotsky met a Trotskyist in the U.S.") == {"leon trotsky", "trotskyism", "u.s."}


def test_empty_glossary() -> None:
    m = TermMatcher([])
    assert not m
    assert list(m.finditer("anything")) == []
    assert MATCHER


def test_first_alias_owner_wins() -> None:
    # The edition rejects shared aliases; the matcher still behaves predictably.
    m = TermMatcher([Term("a", "d", ("x",)), Term("b", "d", ("x",))])
    assert [x.term.term for x in m.finditer("x")] == ["a"]


def test_one_compiled_pattern_for_the_whole_glossary() -> None:
    many = [Term(f"word{i}", "d") for i in range(2000)]
    m = TermMatcher(many)
    text = " ".join(f"word{i}" for i in range(0, 2000, 7))
    assert len(list(m.finditer(text))) == len(range(0, 2000, 7))
