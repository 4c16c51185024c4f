"""The edition's past releases: read from git where the history is there, else from the snapshot in ``conf/``.

A release is a git tag named by the edition's version (``v1.0``, or ``1.0``),
which Read the Docs also builds as a version of its own that citations can
keep pointing at. The record of what changed in an edition
(:mod:`essaybook.core.changes`) compares it with the release before it: the
greatest version lower than the one in ``book.toml``.

Read the Docs clones a repository shallowly, and a fresh clone may have no
tags, so each release is also kept in the repository as a snapshot:
``conf/releases/<version>/`` holds that release's files of ``conf/``
verbatim and ``release.json`` (its seeds' SHA-256, titles and page names,
and the number each note had). ``essaybook release`` writes it
(:func:`write_snapshot`). A build reads the previous release from git when
the tag and its objects are there, and from the snapshot otherwise; both give
the same :class:`~.changes.Layer`.

This is the one module of the conversion that runs a program (``git``);
nothing here decides what changed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .changes import CONF_FILES, Layer, SeedRecord, layer_from_files, release_layer, version_key
from .memo import Memo, digest
from .problems import Problem, ProblemsError

__all__ = ["RELEASE_FILE", "SNAPSHOTS", "History", "Release", "snapshot_data", "tag_version", "write_snapshot"]

SNAPSHOTS = "releases"  # conf/releases/<version>/
RELEASE_FILE = "release.json"
_GIT_TIMEOUT = 60


@dataclass(frozen=True)
class Release:
    """A past edition as released: its version, where it was read from, its editorial layer."""

    version: str
    origin: str  # how a reader names where it came from: "git tag v1.0" or "conf/releases/1.0"
    layer: Layer
    tag: str = ""
    commit: str = ""  # the tagged commit, when read from git


def tag_version(tag: str) -> str | None:
    """The edition a tag names ("v1.0" and "1.0" name 1.0), or None for a tag that names none."""
    version = tag[1:] if tag[:1] in "vV" else tag
    return version if version[:1].isdigit() else None


def _seeds_only(name: str) -> bool:
    # The seeds the book reads (essaybook.core.pipeline.seed_files): .txt files, not hidden ones.
    base = name.rsplit("/", 1)[-1]
    return base.lower().endswith(".txt") and not base.startswith(".")


class History:
    """Where the releases before this edition can be read: the git repository, and ``conf/releases/``."""

    def __init__(self, conf_dir: Path, seeds_dir: Path, conf_display: str = "conf") -> None:
        self.conf_dir = conf_dir.resolve()
        self.seeds_dir = seeds_dir.resolve()
        self.conf_display = conf_display

    # --- git ---------------------------------------------------------------------------------

    def _git(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> bytes | None:
        """A git command's output, or None when git is missing or the command fails."""
        env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            run = subprocess.run(
                ["git", *args],
                cwd=cwd or self.conf_dir,
                input=stdin,
                capture_output=True,
                env=env,
                timeout=_GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return run.stdout if run.returncode == 0 else None

    @cached_property
    def _repository(self) -> tuple[Path, str, str, bytes] | None:
        """The work tree's top, ``conf/`` and ``seeds/`` inside it, and its tags; None without git or tags."""
        if not self.conf_dir.is_dir():
            return None
        found = self._git("rev-parse", "--show-toplevel")
        if found is None:
            return None
        top = Path(found.decode("utf-8", "replace").strip()).resolve()
        try:
            conf = self.conf_dir.relative_to(top).as_posix()
            seeds = self.seeds_dir.relative_to(top).as_posix()
        except ValueError:
            return None
        refs = self._git(
            "for-each-ref", "--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)", "refs/tags", cwd=top
        )
        return (top, conf, seeds, refs) if refs else None

    @cached_property
    def tags(self) -> dict[str, tuple[str, str]]:
        """Each released version git knows: (the tag, its commit); "v1.0" is preferred to "1.0"."""
        repo = self._repository
        out: dict[str, tuple[str, str]] = {}
        for line in repo[3].decode("utf-8", "replace").splitlines() if repo else []:
            tag, _, rest = line.partition("\t")
            obj, _, peeled = rest.partition("\t")
            version = tag_version(tag)
            if version is not None and (version not in out or tag.startswith("v")):
                out[version] = (tag, peeled or obj)
        return out

    def _cat(self, top: Path, specs: list[str]) -> list[bytes | None]:
        """The contents of these objects (``<commit>:<path>`` or ids), None for each one git does not have."""
        if not specs:
            return []
        raw = self._git("cat-file", "--batch", cwd=top, stdin="".join(s + "\n" for s in specs).encode("utf-8"))
        if raw is None:
            return [None] * len(specs)
        out: list[bytes | None] = []
        at = 0
        for _ in specs:
            end = raw.index(b"\n", at)
            header = raw[at:end].split()
            at = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                out.append(raw[at : at + size])
                at += size + 1
            else:  # "missing", "ambiguous", or not a file
                out.append(None)
        return out

    def from_git(self, version: str, memo: Memo | None = None) -> Release | None:
        """The release of ``version`` as its tag holds it, or None when the tag or its objects are not here."""
        repo, tag = self._repository, self.tags.get(version)
        if repo is None or tag is None:
            return None
        top, conf, seeds, _ = repo
        name, commit = tag
        key = digest("release-git", commit, conf, seeds)
        kept = memo.get("release", key) if memo is not None else None
        if kept is not None:
            return Release(version, f"git tag {name}", kept, name, commit)
        files = self.git_files(version)
        if files is None:
            return None
        listing = self._git("ls-tree", "-z", commit, "--", f"{seeds}/", cwd=top)
        if listing is None:
            return None
        entries = []
        for record in listing.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            parts = meta.split()
            name_in_tree = path.decode("utf-8", "surrogateescape")
            if len(parts) == 3 and parts[1] == b"blob" and _seeds_only(name_in_tree):
                entries.append((name_in_tree.rsplit("/", 1)[-1], parts[2].decode("ascii")))
        blobs = self._cat(top, [oid for _, oid in entries])
        if any(b is None for b in blobs):
            return None
        try:
            layer = release_layer(files, {n: b for (n, _), b in zip(entries, blobs, strict=True) if b is not None})
        except ValueError:
            return None
        if memo is not None:
            memo.put("release", key, layer)
        return Release(version, f"git tag {name}", layer, name, commit)

    def git_files(self, version: str) -> dict[str, str] | None:
        """The files of ``conf/`` of a tagged release as its commit holds them; None when git does not have them."""
        repo, tag = self._repository, self.tags.get(version)
        if repo is None or tag is None:
            return None
        top, conf, _, _ = repo
        texts = self._cat(top, [f"{tag[1]}:{conf}/{f}" for f in CONF_FILES])
        if texts[0] is None:  # no book.toml: not this book's release, or a shallow clone without it
            return None
        return {f: t.decode("utf-8", "replace") for f, t in zip(CONF_FILES, texts, strict=True) if t is not None}

    # --- the snapshots -------------------------------------------------------------------------

    @property
    def snapshot_dir(self) -> Path:
        return self.conf_dir / SNAPSHOTS

    def snapshots(self) -> dict[str, Path]:
        """Each released version with a snapshot in ``conf/releases/``, by version."""
        try:
            found = [p for p in self.snapshot_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
        except OSError:
            return {}
        return {p.name: p for p in sorted(found) if (p / RELEASE_FILE).is_file()}

    def from_snapshot(self, version: str, memo: Memo | None = None) -> Release:
        """The release of ``version`` from its snapshot; raise with the problem when the snapshot is unreadable."""
        folder = self.snapshot_dir / version
        display = f"{self.conf_display}/{SNAPSHOTS}/{version}"
        hint = f"write it again: essaybook release --from v{version} (from a clone that has the tag)"
        try:
            files = {f: (folder / f).read_text("utf-8") for f in CONF_FILES if (folder / f).is_file()}
            record_text = (folder / RELEASE_FILE).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ProblemsError([Problem(display, 0, 0, "conf.release", f"cannot be read: {err}", hint)]) from None
        key = digest("release-snapshot", version, record_text, tuple(sorted(files.items())))
        kept = memo.get("release", key) if memo is not None else None
        if kept is not None:
            return Release(version, display, kept)
        try:
            record = json.loads(record_text)
            seeds = {
                name: SeedRecord(str(s["sha256"]), str(s.get("title", "")), str(s.get("slug", "")))
                for name, s in record["seeds"].items()
            }
            numbers = {nid: (str(n["essay"]), int(n["part"]), int(n["number"])) for nid, n in record["notes"].items()}
            layer = layer_from_files(files, seeds, numbers)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            message = f"{RELEASE_FILE} or a file beside it is not a release's record: {err}"
            raise ProblemsError([Problem(display, 0, 0, "conf.release", message, hint)]) from None
        if str(record.get("version", "")) != version or layer.version != version:
            message = f"holds edition {record.get('version')!r} (book.toml: {layer.version!r}), not {version}"
            raise ProblemsError([Problem(display, 0, 0, "conf.release", message, hint)])
        if memo is not None:
            memo.put("release", key, layer)
        return Release(version, display, layer, str(record.get("tag", "")))

    # --- which release, and whether anything about them changed -----------------------------------

    def previous(self, version: str, memo: Memo | None = None) -> Release | None:
        """The release this edition is compared with: the greatest below ``version``, from git, else its snapshot."""
        below = [v for v in self.tags if version_key(v) < version_key(version)]
        if below:
            found = self.from_git(max(below, key=version_key), memo)
            if found is not None:
                return found
        snapshots = [v for v in self.snapshots() if version_key(v) < version_key(version)]
        if snapshots:
            return self.from_snapshot(max(snapshots, key=version_key), memo)
        return None

    def fingerprint(self) -> str:
        """What the previous release depends on, cheaply: git's tags, whether the clone is shallow, the snapshots.

        While it stays the same, so does every release read from here (a
        tag's commit never changes what it holds).
        """
        shallow = self._git("rev-parse", "--is-shallow-repository") if self._repository else None
        stats = []
        for name, folder in self.snapshots().items():
            for path in sorted(folder.iterdir()):
                st = path.stat()
                stats.append((name, path.name, st.st_size, st.st_mtime_ns, st.st_ino))
        repo = self._repository
        return digest(repo[:3] if repo else None, repo[3] if repo else None, shallow, tuple(stats))


# --- writing a snapshot --------------------------------------------------------------------------


def snapshot_data(layer: Layer, tag: str, commit: str = "") -> dict[str, Any]:
    """What ``release.json`` holds: the release's version, tag, seeds and note numbers."""
    data: dict[str, Any] = {
        "comment": (
            f"Edition {layer.version} as released, for the record of changes of the editions after it. "
            "Written by `essaybook release`: never edit it by hand."
        ),
        "version": layer.version,
        "date": layer.date,
        "tag": tag,
    }
    if commit:
        data["commit"] = commit
    data["seeds"] = {n: {"sha256": s.sha256, "title": s.title, "slug": s.slug} for n, s in sorted(layer.seeds.items())}
    data["notes"] = {nid: {"essay": e, "part": p, "number": n} for nid, (e, p, n) in layer.numbers.items()}
    return data


def write_snapshot(folder: Path, files: Mapping[str, str], layer: Layer, tag: str, commit: str = "") -> Path:
    """Write ``folder`` (``conf/releases/<version>``): the release's files as they are, and its ``release.json``.

    Written whole beside the old one and then put in its place, so a failure
    leaves the old snapshot as it was.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, "utf-8")
        record = json.dumps(snapshot_data(layer, tag, commit), ensure_ascii=False, indent=2) + "\n"
        (staging / RELEASE_FILE).write_text(record, "utf-8")
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            folder.rename(old)
            staging.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
