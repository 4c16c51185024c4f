"""Search that stays small: Sphinx's own index, cut into files a query fetches a few of.

Sphinx's search page downloads the whole ``searchindex.js`` before it shows a
result: about 2.8 KB per essay, 2.8 MB for a book of a thousand essays. This
module keeps Sphinx's index, stemmer, ranking and result list, and changes only
how the index reaches the reader. At the end of an HTML build it cuts the index
Sphinx has just written into ``_searchindex/``:

* ``manifest.json`` (a few KB): where every other file's share begins, plus the
  glossary objects, which every query looks through, and their definitions;
* term files: the words (stemmed, as Sphinx indexes them) in sorted ranges of
  about ``SHARD_BYTES`` each, each word's pages as gaps between page numbers; a
  query fetches the range of each of its words;
* title files: section titles and index entries by length, since Sphinx only
  matches a title at most twice as long as the query;
* the glossary's definitions, the summary of a glossary result;
* page files: page names and titles by number, fetched for the results shown.

``essaybook-search.js`` fetches those files, rebuilds the small part of Sphinx's
index a query needs, and runs Sphinx's own ``Search._performSearch`` on it, so
stemming, scores and result kinds are Sphinx's. One thing is narrower: Sphinx
also matches a word inside longer indexed words ("rotsk" in "trotskyist"); the
shards only find longer words that *begin* with the query word.

Which index a book uses is ``essaybook_search``: ``"whole"`` (Sphinx's, one
file), ``"sharded"``, or ``"auto"`` (the default): sharded once the whole index
would pass ``essaybook_search_whole_max`` bytes, decided when the search page is
written, from the index Sphinx holds by then.

The cutting (:func:`shard_index`) is pure: an index in, file names and bytes out.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .. import reaches

logger = logging.getLogger(__name__)

__all__ = [
    "DOC_CHUNK",
    "FOLDER",
    "SHARD_BYTES",
    "build_finished",
    "glossary_definitions",
    "html_page_context",
    "js_length",
    "page_folder",
    "parse_searchindex",
    "shard_index",
]

FOLDER = "_searchindex"
FORMAT = 1
# A term or title file's size. Smaller files mean fewer bytes per query but a
# longer manifest and more requests; at 1,000 essays 8 KB gives a one-word query
# about 35 KB of index in 5 files.
SHARD_BYTES = 8_000
DOC_CHUNK = 50  # pages per page file: about 3 KB of names and titles


# --- pure: Sphinx's index in, files out -------------------------------------------


def parse_searchindex(text: str) -> dict[str, Any]:
    """The index in Sphinx's ``searchindex.js`` (``Search.setIndex({...})``)."""
    start, end = text.index("("), text.rindex(")")
    return json.loads(text[start + 1 : end])


def js_length(text: str) -> int:
    """``text.length`` in JavaScript: UTF-16 code units, so a character beyond the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _js_order(text: str) -> bytes:
    # JavaScript compares strings by UTF-16 code units; so must the ranges.
    return text.encode("utf-16-be")


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _named(prefix: str, data: Any) -> tuple[str, bytes]:
    """A file named by its content: a reader's browser never mixes two builds' files."""
    body = _dumps(data)
    return f"{prefix}-{hashlib.sha256(body).hexdigest()[:10]}.json", body


def _gaps(files: int | Iterable[int]) -> list[int]:
    """A page list as the first page and the gaps after it: [7, 8, 12] -> [7, 1, 4]."""
    pages = [files] if isinstance(files, int) else sorted(files)
    return [b - a for a, b in zip([0, *pages], pages, strict=False)]


SLUG = "\u0003"  # in a written anchor: the name of its page's folder ("essay-0042")


def page_folder(docname: str) -> str:
    """The folder a page is in, which its anchors often repeat: "book/essay-0042/index" -> "essay-0042"."""
    parts = docname.split("/")
    return parts[-2] if len(parts) > 1 else ""


def _places(places: Iterable[list[Any]], docnames: list[str]) -> list[list[Any]]:
    """Places [page, anchor, ...] grouped by what follows the page, each group's pages as gaps.

    A part title shared by every essay lists a thousand pages, each with an
    anchor made of the essay's folder and the part ("essay-0042-part-3"). With
    the folder written as SLUG the anchors are one, and the group is
    ``[anchor, ..., [gaps]]``: a few bytes a page instead of two dozen. The
    groups and their pages are sorted, where Sphinx lists places in the order
    pages were fed, which an incremental build changes.
    """
    groups: dict[str, list[int]] = {}
    for page, anchor, *rest in places:
        folder = page_folder(docnames[page])
        if isinstance(anchor, str) and folder and folder in anchor:
            anchor = anchor.replace(folder, SLUG, 1)
        groups.setdefault(json.dumps([anchor, *rest]), []).append(page)
    return [[*json.loads(key), _gaps(pages)] for key, pages in sorted(groups.items())]


def _packs(items: list[tuple[Any, int]], limit: int) -> list[list[Any]]:
    """Consecutive runs of ``items`` (each with its size) of at most ``limit`` bytes (one item may pass it)."""
    packs: list[list[Any]] = []
    size = limit
    for item, n in items:
        if size + n > limit and (not packs or packs[-1]):
            packs.append([])
            size = 0
        packs[-1].append(item)
        size += n
    return packs


def glossary_definitions(docname: str, doctree: nodes.Node) -> dict[str, str]:
    """Each glossary entry's first paragraph, by ``docname#anchor``: a glossary result's summary.

    The search page shows a glossary entry with its definition; at 1,000 essays
    the glossary page lists every use of every term and weighs megabytes, so the
    definitions travel in the manifest instead of being read from that page.
    """
    found = {}
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            first = next(iter(definition.findall(nodes.paragraph)), None) if definition is not None else None
            if first is None:
                continue
            text = " ".join(first.astext().split())
            for term in (c for c in item.children if isinstance(c, nodes.term)):
                for anchor in term["ids"]:
                    found[f"{docname}#{anchor}"] = text
    return found


def shard_index(
    index: Mapping[str, Any],
    *,
    definitions: Mapping[str, str] | None = None,
    limit: int = SHARD_BYTES,
    chunk: int = DOC_CHUNK,
) -> dict[str, bytes]:
    """Cut a Sphinx search index into ``manifest.json`` and the files it names."""
    files: dict[str, bytes] = {}
    terms, titleterms = index["terms"], index["titleterms"]

    # Words, with text and title postings side by side, in JavaScript's order.
    words = sorted(set(terms) | set(titleterms), key=_js_order)
    sized = []
    for word in words:
        entry = {k: _gaps(m[word]) for k, m in (("terms", terms), ("titleterms", titleterms)) if word in m}
        # As written: "word":[gaps], in one or both maps.
        sized.append(((word, entry), sum(len(_dumps(word)) + len(_dumps(g)) + 2 for g in entry.values())))
    term_files = []
    for i, pack in enumerate(_packs(sized, limit)):
        body = {
            "terms": {w: e["terms"] for w, e in pack if "terms" in e},
            "titleterms": {w: e["titleterms"] for w, e in pack if "titleterms" in e},
        }
        name, data = _named("t", body)
        files[name] = data
        # The first range starts at "" so that every word falls in some range.
        term_files.append(["" if i == 0 else pack[0][0], name])

    # Titles and index entries by their length in JavaScript.
    # Each title's places in one order: Sphinx lists them in the order pages were
    # fed, which an incremental build changes, and results are sorted anyway.
    docnames = index["docnames"]
    entries = [
        (kind, k, _places(v, docnames)) for kind in ("alltitles", "indexentries") for k, v in index[kind].items()
    ]
    entries.sort(key=lambda e: (js_length(e[1]), _js_order(e[1]), e[0]))
    title_files = []
    for pack in _packs([(e, len(_dumps(e[1])) + len(_dumps(e[2])) + 2) for e in entries], limit):
        body = {kind: {k: v for x, k, v in pack if x == kind} for kind in ("alltitles", "indexentries")}
        name, data = _named("a", body)
        files[name] = data
        title_files.append([js_length(pack[0][1]), name])

    docnames, titles = index["docnames"], index["titles"]
    doc_files = []
    for start in range(0, len(docnames), chunk):
        name, data = _named(
            "d", [list(p) for p in zip(docnames[start : start + chunk], titles[start : start + chunk], strict=True)]
        )
        files[name] = data
        doc_files.append(name)

    # The objects (the glossary's terms) are few and every query looks through
    # them all, with the names of the pages that hold them.
    objects = index["objects"]
    object_docs = sorted({o[0] for group in objects.values() for o in group})
    manifest = {
        "format": FORMAT,
        "count": len(docnames),
        "chunk": chunk,
        "terms": term_files,
        "titles": title_files,
        "docs": doc_files,
        "known": {str(i): [docnames[i], titles[i]] for i in object_docs},
        "objects": objects,
        "objnames": index["objnames"],
        "objtypes": index["objtypes"],
        "definitions": None,
    }
    if definitions:
        # Their own file: only a query that lists a glossary entry needs them.
        name, data = _named("g", dict(definitions))
        files[name] = data
        manifest["definitions"] = name
    files["manifest.json"] = _dumps(manifest)
    return files


def estimate_bytes(mapping: Mapping[str, Any], title_mapping: Mapping[str, Any], pages: int) -> int:
    """Roughly the size of Sphinx's whole index: each word and, per page that uses it, 5 bytes.

    Measured against real indexes of 1 to 1,000 essays this is within a fifth of
    the file's size; it is only used to choose between the two indexes.
    """
    words = sum(len(w) + 4 + 5 * len(docs) for m in (mapping, title_mapping) for w, docs in m.items())
    return words + 80 * pages


# --- Sphinx: choose, then write ------------------------------------------------------

# The choice made when the search page was written, for build-finished to follow.
_SHARDED: WeakKeyDictionary[Sphinx, bool] = WeakKeyDictionary()


def _sharded(app: Sphinx) -> bool:
    mode = app.config.essaybook_search
    if mode != "auto":
        return mode == "sharded"
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return False
    try:
        size = estimate_bytes(indexer._mapping, indexer._title_mapping, len(indexer._titles))
    except AttributeError:  # another Sphinx: measure the real thing instead
        size = len(json.dumps(indexer.freeze()))
    return size > app.config.essaybook_search_whole_max


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On the search page: choose the index, and tell the template (and the script) which."""
    if pagename != "search" or getattr(app.builder, "search", False) is not True:
        return
    # The search page's script runs Sphinx's own search code on the index's pieces.
    reaches.check("Sphinx searchtools.js")
    if app.config.html_theme == "furo":
        reaches.check("furo search template")
    sharded = _SHARDED[app] = _sharded(app)
    context["essaybook_search_manifest"] = f"{FOLDER}/manifest.json" if sharded else ""
    # What the search page never uses, 31 kB of its 300 kB budget: code colours
    # (its summaries are plain text) and the term and note previews (it has no term links).
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [f for f in context[key] if _file_name(f) not in NOT_ON_SEARCH_PAGE]


NOT_ON_SEARCH_PAGE = frozenset({"pygments.css", "essaybook-previews.js"})


def _file_name(asset: Any) -> str:
    return Path(str(getattr(asset, "filename", asset))).name


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Cut the index Sphinx wrote into ``_searchindex/``, or remove that folder when the whole index is used."""
    if exception is not None or app.builder.format != "html" or getattr(app.builder, "indexer", None) is None:
        return
    outdir = Path(app.outdir)
    folder = outdir / FOLDER
    if not _SHARDED.get(app, False):
        shutil.rmtree(folder, ignore_errors=True)
        return
    source = outdir / app.builder.searchindex_filename
    index = parse_searchindex(source.read_text("utf-8"))
    definitions: dict[str, str] = {}
    for n in sorted({o[0] for group in index["objects"].values() for o in group}):
        docname = index["docnames"][n]
        definitions.update(glossary_definitions(docname, app.env.get_doctree(docname)))
    files = shard_index(index, definitions=definitions)
    folder.mkdir(exist_ok=True)
    written = 0
    for name, data in files.items():
        path = folder / name
        # Unchanged files keep their date: a no-op build rewrites none of them.
        if path.is_file() and path.read_bytes() == data:
            continue
        path.write_bytes(data)
        written += 1
    for stale in folder.iterdir():
        if stale.name not in files:
            stale.unlink()
    logger.info("essaybook: search index in %d files (%d written) in %s", len(files), written, folder)
