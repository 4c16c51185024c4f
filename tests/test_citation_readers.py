"""The citation files as reference managers read them: two independent parsers per format agree.

A reader imports ``_cite/*.bib``, ``*.ris`` or ``*.json`` into Zotero, a
BibTeX tool or a CSL processor; each has its own reader, and each must come
away with the same work. Every file the build wrote (the edition and each
essay, in the three formats) is read here by Citation.js (``@citation-js/core``
with its BibTeX, RIS and CSL plugins, pinned in ``tests/citationjs`` and run
with Node) and by a Python reader of the same format: bibtexparser 2, rispy,
and citeproc-py's CSL-JSON source. Both must agree with each other, and
with the edition's own CSL item, on the type, authors, editors, title,
container and years.

CSL's readers upgrade a ``book`` with a ``version`` to ``software``
(Citation.js does), so the edition's version is its ``edition``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from citeproc.source.json import CiteProcJSON
from pylatexenc.latex2text import LatexNodes2Text

from essaybook.core.how_to_cite import CITE_DIR, display_name

CITATIONJS = Path(__file__).resolve().parent / "citationjs"
# Each reader's types, as CSL names them.
BIBTEX_TYPES = {"book": "book", "incollection": "chapter"}
RIS_TYPES = {"BOOK": "book", "CHAP": "chapter"}
# Zotero's RIS importer reads a book's editors from A3 and a chapter's from A2.
RIS_EDITORS = {"book": "tertiary_authors", "chapter": "secondary_authors"}


def _record(kind: str, authors, editors, title, container, year, original_year) -> dict[str, Any]:
    return {
        "type": kind,
        "authors": list(authors),
        "editors": list(editors),
        "title": title,
        "container": container or "",
        "year": int(year) if year else None,
        "original year": int(original_year) if original_year else None,
    }


def _csl_record(item: dict[str, Any]) -> dict[str, Any]:
    """What a CSL-JSON item (Citation.js's output, or our own) says of the work."""

    def year(date: dict | None) -> int | None:
        return date["date-parts"][0][0] if date else None

    return _record(
        item["type"],
        [display_name(n) for n in item.get("author", [])],
        [display_name(n) for n in item.get("editor", [])],
        item["title"],
        item.get("container-title"),
        year(item.get("issued")),
        year(item.get("original-date")),
    )


# --- the Python readers ---------------------------------------------------------------

_LATEX = LatexNodes2Text()


def _bibtex_name(parts: Any) -> str:
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(_LATEX.latex_to_text(w) for w in words)
    return f"{name}, {' '.join(parts.jr)}" if parts.jr else name


def read_bibtex(path: Path) -> dict[str, Any]:
    library = bibtexparser.parse_string(
        path.read_text("utf-8"), append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    assert not library.failed_blocks, f"{path.name}: bibtexparser could not read {library.failed_blocks}"
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    text = {k: _LATEX.latex_to_text(v) for k, v in fields.items() if isinstance(v, str)}
    return _record(
        BIBTEX_TYPES[entry.entry_type],
        [_bibtex_name(n) for n in fields.get("author", [])],
        [_bibtex_name(n) for n in fields.get("editor", [])],
        text["title"],
        text.get("booktitle"),
        text.get("year") or text.get("date", "")[:4],
        text.get("origdate", "")[:4],
    )


def _ris_name(name: str) -> str:
    family, _, given = name.partition(", ")
    return f"{given} {family}" if given else family


def read_ris(path: Path) -> dict[str, Any]:
    (entry,) = rispy.loads(path.read_text("utf-8"))
    kind = RIS_TYPES[entry["type_of_reference"]]
    return _record(
        kind,
        [_ris_name(n) for n in entry.get("authors", [])],
        [_ris_name(n) for n in entry.get(RIS_EDITORS[kind], [])],
        entry["title"],
        entry.get("secondary_title"),
        entry.get("year"),
        None,  # RIS has no field for it: OP is free text
    )


def _citeproc_name(name: Any) -> str:
    return display_name({k: name[k] for k in name})


def read_csl_json(path: Path) -> dict[str, Any]:
    (item,) = CiteProcJSON(json.loads(path.read_text("utf-8"))).values()
    issued, original = item.get("issued"), item.get("original_date")
    return _record(
        str(item.type),
        [_citeproc_name(n) for n in item.get("author", [])],
        [_citeproc_name(n) for n in item.get("editor", [])],
        str(item.title),
        str(item["container_title"]) if "container_title" in item else None,
        issued["year"] if issued else None,
        original["year"] if original else None,
    )


PYTHON_READERS = {".bib": read_bibtex, ".ris": read_ris, ".json": read_csl_json}


# --- Citation.js ----------------------------------------------------------------------


def read_with_citationjs(files: list[Path]) -> dict[Path, dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (CITATIONJS / "node_modules" / "@citation-js" / "core").is_dir():
        pytest.fail("Citation.js is not installed: run 'make citationjs' (needs Node.js and npm)")
    proc = subprocess.run(
        [node, str(CITATIONJS / "read.js"), *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"Citation.js failed:\n{proc.stderr}"
    read = json.loads(proc.stdout)
    out = {}
    for file in files:
        items = read[str(file)]
        assert len(items) == 1, f"{file.name}: Citation.js read {len(items)} items"
        out[file] = _csl_record(items[0])
    return out


# --- the tests ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cite_files(built_book: Path) -> list[Path]:
    files = sorted((built_book / CITE_DIR).glob("*.*"))
    stems = {f.stem for f in files}
    assert "edition" in stems and len(stems) >= 2, stems
    assert all({f"{stem}{ext}" for ext in PYTHON_READERS} <= {f.name for f in files} for stem in stems)
    return files


def test_two_readers_of_each_format_agree_on_every_field(cite_files: list[Path]) -> None:
    by_citationjs = read_with_citationjs(cite_files)
    for file in cite_files:
        assert by_citationjs[file] == PYTHON_READERS[file.suffix](file), f"{file.name}: the two readers disagree"


def test_every_format_says_what_the_edition_item_says(cite_files: list[Path]) -> None:
    """BibTeX, RIS and CSL-JSON of one work read alike, and as its CSL item: a book, or a chapter in it."""
    by_citationjs = read_with_citationjs(cite_files)
    for stem in sorted({f.stem for f in cite_files}):
        (json_file,) = [f for f in cite_files if f.name == f"{stem}.json"]
        (item,) = json.loads(json_file.read_text("utf-8"))
        want = _csl_record(item)
        assert want["type"] == ("book" if stem == "edition" else "chapter")
        assert want["editors"] and want["year"] and item["edition"].startswith("version ") and "version" not in item
        for ext in PYTHON_READERS:
            got = by_citationjs[json_file.with_suffix(ext)]
            expected = dict(want, **({"original year": None} if ext == ".ris" else {}))
            assert got == expected, f"{stem}{ext} reads otherwise than the work's CSL item"


def test_a_version_would_make_the_book_software_to_citationjs(tmp_path: Path) -> None:
    """The reason the edition carries no CSL ``version``: Citation.js reads it as software."""
    item = {"id": "x", "type": "book", "title": "T", "version": "1.0", "issued": {"date-parts": [[2026]]}}
    (tmp_path / "x.json").write_text(json.dumps([item]), "utf-8")
    (got,) = read_with_citationjs([tmp_path / "x.json"]).values()
    assert got["type"] == "software"
