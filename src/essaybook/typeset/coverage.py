"""Which characters each installed font has: read from the font files, once per file.

The PDF loads only the fallback fonts a book's characters need
(:func:`essaybook.typeset.fonts.choose_fonts`), which depends on what each
font covers. That is read here from the installed files: fontconfig's
``fc-list`` names the file (and the face in a collection) of every family,
as luaotfload finds them, and fontTools reads the file's character map.
A font that is not installed covers nothing, so it is never chosen.

Reading a character map takes milliseconds, the CJK collections' a second;
only the fonts a book reaches are read (the choice stops once every
character has a font), and what was read is kept in the converter's memo
(kind ``fonts``) under the file's path, size and modification time.
"""

from __future__ import annotations

import shutil
import subprocess
from bisect import bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.memo import Memo

__all__ = ["CodePointRanges", "font_faces", "installed_coverage", "read_cmap"]


class CodePointRanges:
    """A set of code points kept as sorted ranges: a CJK font's 60,000 characters as a few hundred pairs."""

    __slots__ = ("ends", "starts")

    def __init__(self, code_points: Iterable[int] = ()) -> None:
        starts: list[int] = []
        ends: list[int] = []
        for cp in sorted(set(code_points)):
            if ends and cp == ends[-1] + 1:
                ends[-1] = cp
            else:
                starts.append(cp)
                ends.append(cp)
        self.starts = tuple(starts)
        self.ends = tuple(ends)

    def __contains__(self, cp: object) -> bool:
        if not isinstance(cp, int):
            return False
        i = bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]

    def __len__(self) -> int:
        return sum(e - s + 1 for s, e in zip(self.starts, self.ends, strict=True))

    def __getstate__(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return self.starts, self.ends

    def __setstate__(self, state: tuple[tuple[int, ...], tuple[int, ...]]) -> None:
        self.starts, self.ends = state


def font_faces() -> dict[str, tuple[str, int]]:
    """Each installed family's regular face: (file, index in its collection), as fontconfig lists them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    out = subprocess.run(
        [fc_list, "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces: dict[str, tuple[int, str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families, styles, file, index = parts
        # A regular face first, then any other: its character map is the family's.
        rank = 0 if "Regular" in styles.split(",") else 1 if "Bold" not in styles else 2
        for family in families.split(","):
            family = family.strip()
            if family and (family not in faces or rank < faces[family][0]):
                faces[family] = (rank, file, int(index or 0))
    return {family: (file, index) for family, (_, file, index) in faces.items()}


def read_cmap(file: str, index: int) -> CodePointRanges:
    """The code points a font file's face maps to a glyph."""
    from fontTools.ttLib import TTFont  # only a PDF build needs it

    with TTFont(file, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return CodePointRanges(cmap)


def installed_coverage(memo: Memo | None = None) -> Callable[[str], CodePointRanges]:
    """What each installed family covers, read on first use, kept in ``memo``."""
    faces: dict[str, tuple[str, int]] | None = None
    known: dict[str, CodePointRanges] = {}
    memo = memo or Memo(None)

    def coverage(family: str) -> CodePointRanges:
        nonlocal faces
        if family in known:
            return known[family]
        if faces is None:
            faces = font_faces()
        face = faces.get(family)
        ranges = CodePointRanges()
        if face is not None:
            file, index = face
            try:
                stat = Path(file).stat()
            except OSError:
                stat = None
            if stat is not None:
                key = f"{file}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}".encode().hex()
                kept = memo.get("fonts", key)
                if kept is None:
                    kept = read_cmap(file, index)
                    memo.put("fonts", key, kept)
                ranges = kept
        known[family] = ranges
        return ranges

    return coverage
