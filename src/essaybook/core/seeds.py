"""Read a seed: bytes in, an :class:`Essay` (title, paragraphs) out.

Decoding, byte-order marks, newlines, soft wraps and every seed error live
here, and nowhere else. Nothing here knows about MyST or Sphinx: a seed is
plain text, and this module's only job is to say which text is the title and
which texts are the paragraphs, or why it cannot.

The contract: UTF-8 (a leading BOM is dropped; CRLF and lone CR become LF);
the first non-blank line is the title; blank lines (empty, or spaces and tabs
only) separate paragraphs; a single line break inside a paragraph is a soft
wrap. Spaces and tabs at the edges of a line are layout and are dropped;
every other character is kept exactly.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, ProblemsError, line_col

__all__ = ["MAX_TITLE", "Essay", "Paragraph", "default_slug", "parse_seed", "read_seed"]

MAX_TITLE = 200
# Seeds report at most this many bad characters each, then a count of the rest.
_MAX_CHAR_REPORTS = 10
_LAYOUT = " \t"
_BLANK = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # 1-based line of the paragraph's first line in the seed
    # Per line of the paragraph, the spaces and tabs dropped from its start:
    # what it takes to point at a character of the text in the seed itself.
    indents: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """The seed's 1-based line and column of the character at ``offset`` in :attr:`text`."""
        line, column = line_col(self.text, offset)
        indent = self.indents[line - 1] if line - 1 < len(self.indents) else 0
        return self.line + line - 1, column + indent


@dataclass(frozen=True)
class Essay:
    name: str  # the seed's file name, e.g. "000_essay.txt"
    path: str  # the path used in messages, e.g. "seeds/000_essay.txt"
    title: str
    title_line: int
    paragraphs: tuple[Paragraph, ...]
    sha256: str
    title_indent: int = field(default=0, compare=False, repr=False)  # spaces and tabs before the title

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]


def default_slug(stem: str) -> str:
    """A URL-safe page name for a seed's file name stem.

    Lowercase ASCII letters, digits and single hyphens, starting with a letter
    (HTML ids and docutils names must); accents are folded first so that
    ``Café.txt`` gives ``cafe``.
    """
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = "essay-" + slug if slug else "essay"
    return slug


def _bad_character(c: str) -> str | None:
    """Why a character cannot be in a seed, or None if it can."""
    if c in "\t\n":
        return None
    category = unicodedata.category(c)
    if category == "Cc":
        return "control character"
    if category == "Cs":
        return "lone surrogate"
    if c in "\ufffe\uffff":
        # XML forbids these two, so an EPUB holding one is not a valid book.
        return "noncharacter"
    return None


def parse_seed(data: bytes, name: str, path: str | None = None) -> Essay:
    """Parse a seed's bytes; raise :class:`ProblemsError` with every problem."""
    path = path or name
    problems: list[Problem] = []
    digest = hashlib.sha256(data).hexdigest()

    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    data = data[bom:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        # Everything before the first bad byte is valid UTF-8: decode it to
        # count lines (CR and CRLF too, as below) and columns in characters,
        # as an editor does. The byte offset is the file's, BOM included.
        before = data[: err.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        line, column = line_col(before, len(before))
        raise ProblemsError(
            [
                Problem(
                    path,
                    line,
                    column,
                    "seed.encoding",
                    f"not UTF-8: byte 0x{data[err.start]:02X} at byte offset {err.start + bom} ({err.reason})",
                    "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8) and build again",
                )
            ]
        ) from None

    text = text.replace("\r\n", "\n").replace("\r", "\n")

    bad = [(i, c, why) for i, c in enumerate(text) if (why := _bad_character(c))]
    for i, c, why in bad[:_MAX_CHAR_REPORTS]:
        line, column = line_col(text, i)
        label = unicodedata.name(c, "")
        problems.append(
            Problem(
                path,
                line,
                column,
                "seed.control-char",
                f"{why} U+{ord(c):04X} {label}".rstrip(),
                "delete it, or replace it with the character that was meant (often a space or a quote)",
            )
        )
    if len(bad) > _MAX_CHAR_REPORTS:
        line, column = line_col(text, bad[_MAX_CHAR_REPORTS][0])
        problems.append(
            Problem(
                path,
                line,
                column,
                "seed.control-char",
                f"{len(bad) - _MAX_CHAR_REPORTS} more control characters from here on",
                "remove every control character other than tab and newline",
            )
        )

    lines = text.split("\n")
    title = ""
    title_line = 0
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    indents: list[int] = []
    current_line = 0
    title_indent = 0
    for number, raw in enumerate(lines, start=1):
        if _BLANK.fullmatch(raw):
            if current:
                paragraphs.append(Paragraph("\n".join(current), current_line, tuple(indents)))
                current, indents = [], []
            continue
        line = raw.strip(_LAYOUT)
        indent = len(raw) - len(raw.lstrip(_LAYOUT))
        if not title_line:
            title, title_line, title_indent = line, number, indent
            continue
        if not current:
            current_line = number
        current.append(line)
        indents.append(indent)
    if current:
        paragraphs.append(Paragraph("\n".join(current), current_line, tuple(indents)))

    if not title_line:
        problems.append(
            Problem(
                path,
                1,
                0,
                "seed.empty",
                "the seed is empty or holds only blank lines",
                "put the essay's title on the first line, a blank line, then its paragraphs; or remove the file",
            )
        )
    else:
        if len(title) > MAX_TITLE:
            problems.append(
                Problem(
                    path,
                    title_line,
                    MAX_TITLE + 1,
                    "seed.title-too-long",
                    f"the title (the first non-blank line) is {len(title)} characters long, "
                    f"over the limit of {MAX_TITLE}",
                    "check that the first line is the title and not the first paragraph; "
                    "the title goes alone on the first line, followed by a blank line",
                )
            )
        if not paragraphs:
            problems.append(
                Problem(
                    path,
                    title_line,
                    0,
                    "seed.no-paragraphs",
                    "the title is not followed by any paragraph",
                    "add the essay's text after the title, separated from it by a blank line",
                )
            )

    if problems:
        raise ProblemsError(problems)
    return Essay(name, path, title, title_line, tuple(paragraphs), digest, title_indent)


def read_seed(file: Path, display: str | None = None) -> Essay:
    return parse_seed(file.read_bytes(), file.name, display or str(file))
