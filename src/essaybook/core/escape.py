"""Turn untrusted text into MyST that renders as exactly that text.

This is the one module that knows MyST's syntax. Seeds come from outside the
project, so nothing in them may be read as CommonMark, MyST, HTML, Jinja or a
directive. The rule is deliberately blunt rather than clever: every ASCII
punctuation character is backslash-escaped (CommonMark guarantees that any
ASCII punctuation may be escaped, and an escaped character is never syntax),
so no construct can start, whatever new extension is switched on later.

Whitespace needs the only other care. Markdown strips leading indentation
(which would otherwise make indented code), trailing spaces (hard breaks) and,
in markdown-it-py, any Unicode whitespace at the edges of a paragraph. Spaces
and tabs at line edges are layout, not text, and are dropped; other Unicode
whitespace (no-break space, ideographic space, line separators...) is written
as a numeric character reference, which CommonMark decodes back to the very
same character.
"""

from __future__ import annotations

import string

__all__ = ["ASCII_PUNCTUATION", "escape_line", "escape_text"]

ASCII_PUNCTUATION = frozenset(string.punctuation)

# Layout whitespace: HTML collapses it, Markdown treats it as structure.
_LAYOUT = " \t"


def _char(c: str) -> str:
    if c in ASCII_PUNCTUATION:
        return "\\" + c
    if c.isspace() and c not in _LAYOUT and c != "\n":
        return f"&#x{ord(c):X};"
    return c


# A translation table is the fastest way to map characters in CPython; build
# it lazily for the characters we meet, since Unicode is large.
class _Table(dict):
    def __missing__(self, code: int) -> str | int:
        c = chr(code)
        out = _char(c)
        value: str | int = code if out == c else out
        self[code] = value
        return value


_TABLE = _Table()


def escape_line(line: str) -> str:
    """Escape one line of text; spaces and tabs at its edges are dropped."""
    return line.strip(_LAYOUT).translate(_TABLE)


def escape_text(text: str, *, lead: bool = True, trail: bool = True) -> str:
    """Escape text, keeping its soft line breaks as line breaks.

    Spaces and tabs at the edges of each line are dropped (Markdown would read
    them as structure). ``lead=False`` keeps them at the very start of ``text``
    and ``trail=False`` at its very end: for a fragment that continues a line,
    such as the words between two links.
    """
    lines = text.split("\n")
    last = len(lines) - 1
    out = []
    for i, line in enumerate(lines):
        if i > 0 or lead:
            line = line.lstrip(_LAYOUT)
        if i < last or trail:
            line = line.rstrip(_LAYOUT)
        out.append(line.translate(_TABLE))
    return "\n".join(out)
