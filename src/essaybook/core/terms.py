"""Find glossary terms in text: one matcher for all terms and aliases.

Built once per build from the whole glossary: a single compiled alternation,
longest alternative first, case-insensitive, whole words only. One pass over a
paragraph finds every term, however large the glossary; a regex per term would
make linking cost terms × paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .edition import Term

__all__ = ["Match", "TermMatcher"]


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    term: Term


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _pattern(word: str) -> str:
    # Spaces, tabs or one soft wrap may separate a term's words; other
    # whitespace (a no-break space) is kept out so the link shows it exactly.
    return r"(?:[ \t]+|[ \t]*\n[ \t]*)".join(re.escape(w) for w in word.split())


class TermMatcher:
    def __init__(self, terms: Iterable[Term]) -> None:
        self._by_key: dict[str, Term] = {}
        for t in terms:
            for word in (t.term, *t.aliases):
                self._by_key.setdefault(_key(word), t)
        words = sorted(self._by_key, key=lambda k: (-len(k), k))
        if words:
            alternation = "|".join(_pattern(w) for w in words)
            self._regex: re.Pattern[str] | None = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
        else:
            self._regex = None

    def __bool__(self) -> bool:
        return self._regex is not None

    def _term_for(self, text: str) -> Term | None:
        term = self._by_key.get(_key(text))
        if term is None:
            # Case folding can differ from IGNORECASE for a few letters (the
            # Kelvin sign, the long s): fall back to comparing one by one.
            for key, t in self._by_key.items():
                if re.fullmatch(_pattern(key), text, re.IGNORECASE):
                    return t
        return term

    def finditer(self, text: str) -> Iterator[Match]:
        if self._regex is None:
            return
        for m in self._regex.finditer(text):
            # A combining mark after the match belongs to its last letter, so
            # the match is not a whole word ("Islam" + U+0301 is not "Islam");
            # one before it ends a letter of the same word ("e" + U+0301 + "Islam").
            if m.end() < len(text) and unicodedata.category(text[m.end()]).startswith("M"):
                continue
            if m.start() > 0 and unicodedata.category(text[m.start() - 1]).startswith("M"):
                continue
            term = self._term_for(m.group())
            if term is not None:
                yield Match(m.start(), m.end(), term)

    def terms_in(self, text: str) -> set[str]:
        """The keys of every term used in text."""
        return {m.term.key for m in self.finditer(text)}
