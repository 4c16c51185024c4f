"""Problems found in seeds or in the editorial layer, reported all at once.

Every stage collects problems instead of stopping at the first, so an editor
sees everything wrong in one run. A problem names the file, line and column,
says what is wrong and what to do, and carries a ``type.subtype`` code in the
style of Sphinx's warning types, so a message can be looked up or filtered.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem", "ProblemsError", "line_col"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        if self.line <= 0:
            return self.path
        if self.column <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    @property
    def text(self) -> str:
        """What is wrong, then what to do."""
        return f"{self.message} — {self.hint}" if self.hint else self.message

    def describe(self) -> str:
        """The message without the location, with its code."""
        return f"{self.text} [essaybook.{self.code}]"

    def __str__(self) -> str:
        return f"{self.location}: error: {self.describe()}"


class ProblemsError(Exception):
    """Raised with every problem found, never with only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the book's input:\n" + "\n".join(map(str, self.problems)))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in text."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
