"""Put rendered pages on disk: all or nothing, and only what changed.

Pages are rendered in memory first; this module then checks that nothing it
would write or delete belongs to someone else, and only then writes. A file
whose bytes are unchanged is not touched, so Sphinx (which compares times)
re-reads nothing on a no-op build. Each write is a rename of a finished
temporary file, so a crash never leaves half a page. Files are deleted only
when the manifest of the last run lists them and they still carry the marker
line of a generated page: a file the generator did not write is never touched.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, ProblemsError
from .render import MARKER

__all__ = ["MANIFEST", "WriteReport", "write_pages"]

MANIFEST = ".essaybook-manifest.json"

# mkstemp creates files readable by their owner only; pages are ordinary files.
_UMASK = os.umask(0)
os.umask(_UMASK)


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.readline().startswith(MARKER.encode())
    except OSError:
        return False


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix + "~")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pages(outdir: Path, pages: dict[str, str], display: str | None = None) -> WriteReport:
    display = display or str(outdir)
    manifest_path = outdir / MANIFEST
    try:
        previous = set(json.loads(manifest_path.read_text("utf-8")))
    except (OSError, ValueError):
        previous = set()

    problems = []
    for name in sorted(pages):
        target = outdir / name
        # The marker, not the manifest, decides: a page the last run wrote but
        # someone has since replaced with their own text (no marker) is theirs.
        if target.exists() and not _ours(target):
            problems.append(
                Problem(
                    f"{display}/{name}",
                    0,
                    0,
                    "write.foreign-file",
                    "this file was not written by the book generator, but a generated page would replace it",
                    "move it elsewhere (or rename the seed whose page it clashes with), then build again",
                )
            )
    if problems:
        raise ProblemsError(problems)

    report = WriteReport()
    for name in sorted(pages):
        target = outdir / name
        data = pages[name].encode("utf-8")
        try:
            if target.read_bytes() == data:
                report.unchanged.append(name)
                continue
        except OSError:
            pass
        _atomic_write(target, data)
        report.written.append(name)

    for name in sorted(previous - pages.keys()):
        target = outdir / name
        if target.is_file() and _ours(target):
            target.unlink()
            report.removed.append(name)
            # Leave no empty folders behind a removed chapter.
            parent = target.parent
            while parent != outdir and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    listing = json.dumps(sorted(pages), indent=0).encode() + b"\n"
    try:
        same = manifest_path.read_bytes() == listing
    except OSError:
        same = False
    if not same:
        _atomic_write(manifest_path, listing)
    return report
