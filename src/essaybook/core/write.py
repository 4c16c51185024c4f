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

import filecmp
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, ProblemsError

__all__ = ["MANIFEST", "MARKER", "WriteReport", "prune_empty_parents", "remove_pages", "sync_tree", "write_pages"]

MANIFEST = ".essaybook-manifest.json"
# The first line of every generated page starts so (render.py writes it): the
# writer touches no file without it.
MARKER = "% essaybook: generated page"

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


def _listed(outdir: Path) -> set[str]:
    """The pages the last run wrote, as its manifest lists them."""
    try:
        return set(json.loads((outdir / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError):
        return set()


def prune_empty_parents(path: Path, stop: Path) -> None:
    """Remove the folders a deleted file leaves empty, up to (not including) ``stop``."""
    parent = path.parent
    while parent != stop and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _remove(outdir: Path, names: set[str]) -> list[str]:
    """Delete listed pages that still carry the marker; never a path outside ``outdir``."""
    root = outdir.resolve()
    removed = []
    for name in sorted(names):
        target = outdir / name
        if root not in target.resolve().parents or not target.is_file() or not _ours(target):
            continue
        target.unlink()
        removed.append(name)
        prune_empty_parents(target, outdir)
    return removed


def remove_pages(outdir: Path) -> list[str]:
    """Remove every generated page, the manifest, and the folder if nothing else is left in it."""
    removed = _remove(outdir, _listed(outdir))
    (outdir / MANIFEST).unlink(missing_ok=True)
    if outdir.is_dir() and not any(outdir.iterdir()):
        outdir.rmdir()
    return removed


def write_pages(outdir: Path, pages: dict[str, str], display: str | None = None) -> WriteReport:
    display = display or str(outdir)
    manifest_path = outdir / MANIFEST
    previous = _listed(outdir)

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

    report.removed = _remove(outdir, previous - pages.keys())

    listing = json.dumps(sorted(pages), indent=0).encode() + b"\n"
    try:
        same = manifest_path.read_bytes() == listing
    except OSError:
        same = False
    if not same:
        _atomic_write(manifest_path, listing)
    return report


def _entries(root: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Everything under ``root``, each folder before what it holds: (path relative to root, its entry).

    A symbolic link is an entry of its own, never followed.
    """
    out: list[tuple[str, os.DirEntry[str]]] = []
    folders = [""]
    while folders:
        rel = folders.pop()
        with os.scandir(root / rel if rel else root) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            out.append((path, entry))
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
    return out


def _same_file(a: os.DirEntry[str], b: Path) -> bool:
    try:
        sb = b.lstat()
    except FileNotFoundError:
        return False
    if a.is_symlink() or stat.S_ISLNK(sb.st_mode):
        return a.is_symlink() and stat.S_ISLNK(sb.st_mode) and os.readlink(a.path) == os.readlink(b)
    if not stat.S_ISREG(sb.st_mode):
        return False
    sa = a.stat(follow_symlinks=False)
    if sa.st_size != sb.st_size:
        return False
    # A copy keeps its original's modification time (shutil.copy2), to the
    # nanosecond: a file of the same size and time is the copy made last time,
    # and is not read again (rsync's quick check). A file written since has
    # another time, and its bytes are compared.
    if sa.st_mtime_ns == sb.st_mtime_ns:
        return True
    return filecmp.cmp(a.path, b, shallow=False)


def sync_tree(src: Path, dest: Path) -> WriteReport:
    """Make ``dest`` hold exactly what ``src`` holds, touching only what differs.

    A file whose bytes are the same is left alone, modification time and all,
    so publishing an unchanged build changes nothing on disk and a deploy that
    copies by date moves nothing. A changed file is replaced by renaming a
    finished copy over it (never written in place), and what ``src`` no
    longer has is removed. Each file is replaced whole; the tree as a whole
    is brought up to date file by file.
    """
    report = WriteReport()
    dest.mkdir(parents=True, exist_ok=True)
    wanted: set[str] = set()
    for rel, entry in _entries(src):
        wanted.add(rel)
        target = dest / rel
        if entry.is_dir(follow_symlinks=False):
            if target.is_symlink() or target.is_file():
                target.unlink()
            target.mkdir(exist_ok=True)
            continue
        if target.exists() or target.is_symlink():
            if _same_file(entry, target):
                report.unchanged.append(rel)
                continue
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
        if entry.is_symlink():
            target.unlink(missing_ok=True)
            target.symlink_to(os.readlink(entry.path))
        else:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix="~")
            os.close(fd)
            try:
                shutil.copy2(entry.path, tmp)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        report.written.append(rel)
    for rel, entry in reversed(_entries(dest)):
        if rel in wanted:
            continue
        path = dest / rel
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        report.removed.append(rel)
    for names in (report.written, report.unchanged, report.removed):
        names.sort()
    return report
