"""How long an essay is, and how long it takes to read; dates as a reader says them.

Plain functions on text, shared by the converter (which decides from an
essay's length whether it reads on one page) and the title page (which gives
each essay's reading time).

Words are counted as a reader meets them: a run of letters or digits between
spaces and punctuation is one word. Chinese and Japanese are written without
spaces, and Thai, Lao, Khmer and Burmese without spaces between words, so
there a word cannot be told apart without a dictionary; each of their
characters counts as ``_CLOSED_WORDS`` of a word instead. Reading speeds
differ less between languages when measured that way (Brysbaert 2019 gives
238 words a minute for English non-fiction; Trauzettel-Klosinski and Dietz
2012 give 255 characters a minute for Chinese, about 158 words).
"""

from __future__ import annotations

import math
import re

__all__ = ["WORDS_PER_MINUTE", "human_date", "reading_minutes", "word_count"]

WORDS_PER_MINUTE = 238
_CLOSED_WORDS = 0.62  # 158 words / 255 characters

# Scripts written without spaces between words.
_CLOSED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0003134f"  # Han, supplementary planes
)
_CLOSED_RUN = re.compile(f"[{_CLOSED}]+")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def word_count(text: str) -> int:
    """The number of words a reader meets in ``text`` (see the module's note on unspaced scripts)."""
    closed = sum(len(run) for run in _CLOSED_RUN.findall(text))
    spaced = len(_WORD.findall(_CLOSED_RUN.sub(" ", text)))
    return spaced + math.ceil(closed * _CLOSED_WORDS)


def reading_minutes(words: int) -> int:
    """Minutes to read so many words, at least one."""
    return max(1, round(words / WORDS_PER_MINUTE))


def human_date(iso: str, language: str = "en") -> str:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) as a reader of ``language`` says it: 3 December 2026."""
    from datetime import date

    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date, format_skeleton

    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en")
    if len(parts) == 2:
        return format_skeleton("yMMMM", date(parts[0], parts[1], 1), locale=locale)
    return format_date(date(*parts), format="long", locale=locale)
