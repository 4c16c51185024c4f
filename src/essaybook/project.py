"""A new book, as ``essaybook new`` writes it: plain functions, free of Sphinx.

A book made here holds only what is the book's own: its essays (``seeds/``,
with one placeholder), its editorial layer (``conf/``), its hand-written
pages and a one-line ``docs/conf.py``, a Makefile, ``.readthedocs.yaml``,
``requirements.txt`` naming the press, a README and a ``.gitignore``. The
press's code, stylesheets, scripts and templates stay in the installed
package, so a newer press builds the book unchanged and an upgrade is one
line of ``requirements.txt``.

The files are in ``project_files/`` as a book gets them, but for the
``@@name@@`` fields filled in here; ``conf/book.toml``, which carries the
title, author and language as TOML strings, is made here.

The ``#:schema`` lines of ``conf/`` point at ``.essaybook/schemas/``, where
:func:`write_schemas` puts the installed press's JSON Schemas (``new`` does,
and the book's Makefile again after each install): an editor's TOML tools
then check against the press that builds the book, and the book commits no
copy of them to go stale.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .core.schema import schema_texts
from .typeset import PDF_PACKAGES

__all__ = [
    "SAMPLE_ESSAY",
    "SCHEMAS",
    "FolderNotEmpty",
    "NewBook",
    "book_files",
    "check_folder",
    "check_language",
    "check_name",
    "press_requirement",
    "press_version",
    "write_book",
    "write_schemas",
]

TEMPLATE = Path(__file__).resolve().parent / "project_files"
# Package data leaves out files whose names start with a dot: these are stored without it.
DOTTED = {"gitignore": ".gitignore", "readthedocs.yaml": ".readthedocs.yaml"}
SCHEMAS = ".essaybook/schemas"
SAMPLE_ESSAY = "sample-essay.txt"
# As conf/book.toml's schema has it: a BCP 47 tag such as en, fr or pt-BR.
LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")
_FIELD = re.compile(r"@@([a-z_]+)@@")


class FolderNotEmpty(Exception):
    """The folder ``new`` was given already holds files, and ``--force`` was not given."""


@dataclass(frozen=True)
class NewBook:
    """What a new book is told about itself."""

    title: str
    author: str
    language: str
    year: int  # of the rights: the editors' and the placeholder essay's
    requirement: str  # how requirements.txt names the press


def check_name(text: str, what: str) -> str:
    """A title or a name as book.toml may hold it: one line, not blank; the text without surrounding spaces."""
    text = text.strip()
    if not text:
        raise ValueError(f"the {what} is empty: give it as text")
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise ValueError(f"the {what} holds the control character U+{ord(bad):04X}: give it on one line, as text")
    return text


def check_language(tag: str) -> str:
    """A BCP 47 language tag, as book.toml's schema accepts it."""
    tag = tag.strip()
    if not LANGUAGE.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a language tag: use one such as en, fr or pt-BR")
    return tag


def press_version() -> str:
    """The installed press's version (the package's metadata, as pip installed it)."""
    return metadata.version("essaybook")


def press_requirement() -> str:
    """How ``requirements.txt`` names the press: where this copy of it was installed from.

    pip records that in the installed distribution (``direct_url.json``,
    PEP 610): a git repository at a commit, a wheel or a folder. A press
    installed from a package index has no record, and is named by version.
    """
    dist = metadata.distribution("essaybook")
    record = dist.read_text("direct_url.json")
    if not record:
        return f"essaybook=={dist.version}"
    info = json.loads(record)
    url = info["url"]
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        url = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    if info.get("subdirectory"):
        url += f"#subdirectory={info['subdirectory']}"
    return f"essaybook @ {url}"


def book_toml(book: NewBook) -> str:
    name = _toml_string(book.author)
    return "\n".join([
        f"#:schema ../{SCHEMAS}/book.schema.json",
        "# The book and its essays. The schema named above lists every key, with its meaning.",
        "",
        "[book]",
        f"title = {_toml_string(book.title)}",
        f"editor = {name}",
        f"language = {_toml_string(book.language)}",
        'version = "0.1"',
        "# subtitle = \"A line under the title\"",
        "# description = \"One or two sentences about the book, for search engines and link previews.\"",
        "# date = \"2026-01-31\"  # the edition's",
        '# introduction = """',
        "# The editors' words on the title page (MyST).",
        '# """',
        'citation_style = "chicago-author-date"',
        "",
        "# The editors' rights cover their own work only (part titles, notes, glossary,",
        "# timeline, apparatus); each essay's rights are stated under its own entry.",
        "[book.rights]",
        f"holder = {name}",
        f'year = "{book.year}"',
        '# licence = "CC BY 4.0"',
        '# licence_url = "https://creativecommons.org/licenses/by/4.0/"',
        "",
        f"# The placeholder essay: delete this entry with seeds/{SAMPLE_ESSAY}.",
        f'[essays."{SAMPLE_ESSAY}"]',
        f"author = {name}",
        "",
        f'[essays."{SAMPLE_ESSAY}".first_published]',
        'relation = "A placeholder essaybook wrote when it started this book; it has appeared nowhere else."',
        "",
        "# Who holds the essay's copyright; a licence or permission only where one is known.",
        f'[essays."{SAMPLE_ESSAY}".rights]',
        f"holder = {name}",
        f'year = "{book.year}"',
        "",
    ])  # fmt: skip


def book_files(book: NewBook) -> dict[str, str]:
    """Every file of the new book, by its path in the book, with its text."""
    fields = {
        "title": book.title,
        "version": press_version(),
        "requirement": book.requirement,
        "apt_packages": "\n".join(f"    - {name}" for name in PDF_PACKAGES),
        "apt_packages_line": " ".join(PDF_PACKAGES),
    }
    files = {}
    # An installer compiles docs/conf.py beside itself (__pycache__/): that is not the book's.
    for source in sorted(p for p in TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        name = source.relative_to(TEMPLATE).as_posix()
        files[DOTTED.get(name, name)] = _fill(source.read_text("utf-8"), fields, name)
    files["conf/book.toml"] = book_toml(book)
    return dict(sorted(files.items()))


def check_folder(folder: Path, *, force: bool = False) -> None:
    """Stop unless ``folder`` is new or empty, or ``force`` lets a book be written beside what it holds."""
    if folder.exists() and not folder.is_dir():
        raise FolderNotEmpty(f"{folder} is a file: essaybook new writes a book into a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FolderNotEmpty(
            f"{folder} is not empty: essaybook new writes a book only into a new or empty folder "
            "(--force writes into it anyway, replacing the files of the same names)"
        )


def write_book(folder: Path, files: Mapping[str, str], *, force: bool = False) -> list[str]:
    """Write the book into ``folder``, which must be new or empty unless ``force``; the files it replaced."""
    check_folder(folder, force=force)
    replaced = []
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            replaced.append(name)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    return replaced


def write_schemas(book: Path) -> list[str]:
    """Write the installed press's schemas where the book's ``#:schema`` lines point; the files that changed."""
    folder = book / SCHEMAS
    folder.mkdir(parents=True, exist_ok=True)
    schemas = schema_texts()
    changed = []
    for name, text in schemas.items():
        path = folder / name
        if not path.is_file() or path.read_text("utf-8") != text:
            with path.open("w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            changed.append(name)
    # A schema an older press had and this one has not would describe nothing.
    for path in folder.glob("*.schema.json"):
        if path.name not in schemas:
            path.unlink()
            changed.append(path.name)
    return changed


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped (control characters are refused before)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fill(text: str, fields: Mapping[str, str], name: str) -> str:
    def field(m: re.Match[str]) -> str:
        if m[1] not in fields:
            raise KeyError(f"project_files/{name}: no field @@{m[1]}@@")
        return fields[m[1]]

    return _FIELD.sub(field, text)
