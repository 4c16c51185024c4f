"""Keep the search index whole across incremental builds, and no larger than a clean build's.

Sphinx keeps what it indexes in the build environment, but pickles the
environment before it writes the pages, that is before it indexes them; on
the next build it reloads the index from ``searchindex.js``, except the index
entries (the general index's terms, here the glossary's), which are lost
(sphinx-doc/sphinx#12599). After an edit or a build with nothing to do, the
index would then lack every index entry of the pages not written again, and
differ from a clean build's.

The HTML builder's ``load_indexer`` is wrapped so that, once Sphinx has
loaded the old index, the index entries of the pages not being written again
are restored from it too.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from .. import reaches

__all__ = ["drop_unused_words", "keep_index_entries", "restore_index_entries"]


def restore_index_entries(frozen: dict[str, Any], keep: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """The index entries of the ``keep`` pages, per page, from a loaded search index (as Sphinx stores them)."""
    docnames = frozen.get("docnames", [])
    out: dict[str, set[tuple[str, str, str]]] = {}
    for entry, places in frozen.get("indexentries", {}).items():
        for index, anchor, main in places:
            if 0 <= index < len(docnames) and docnames[index] in keep:
                out.setdefault(docnames[index], set()).add((entry, anchor, "main" if main else ""))
    return {doc: sorted(entries) for doc, entries in out.items()}


def drop_unused_words(indexer: Any) -> None:
    """Forget the words no page holds any more.

    Before a page is indexed again Sphinx takes it out of every word's set of
    pages, but keeps the word: a word only the old text held (an edited
    essay's, or the old checksum on the About page) stays in the index with no
    page, which a clean build never writes.
    """
    for mapping in (indexer._mapping, indexer._title_mapping):
        for word in [w for w, pages in mapping.items() if not pages]:
            del mapping[word]


def _check_shape(indexer: Any) -> None:
    for name in ("_mapping", "_title_mapping", "_index_entries"):
        if not isinstance(getattr(indexer, name, None), dict):
            raise ExtensionError(
                f"essaybook.sphinx_ext.search.kept_entries: Sphinx's search indexer has no {name} mapping any "
                "more (see essaybook.sphinx_ext.reaches, 'Sphinx search indexer')"
            )


class _Keeping:
    """A search index format that keeps what it loads."""

    def __init__(self, fmt: Any, read: list[Any]) -> None:
        self._fmt = fmt
        self._read = read

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fmt, name)

    def load(self, stream: Any) -> Any:
        frozen = self._fmt.load(stream)
        self._read.append(frozen)
        return frozen


def keep_index_entries(app: Sphinx) -> None:
    """Wrap this build's ``load_indexer`` so the index entries of pages not written again are kept.

    The workaround for sphinx-doc/sphinx#12599, reaching into the HTML
    builder's indexer (essaybook.sphinx_ext.reaches, "Sphinx search indexer").
    """
    builder = app.builder
    load = getattr(builder, "load_indexer", None)
    if load is None or getattr(load, "essaybook_keeps_entries", False):
        return
    reaches.check("Sphinx search indexer")

    def load_indexer(docnames) -> None:
        # What Sphinx reads of the old index is kept as it reads it: the file,
        # megabytes for a long book, is not read and parsed a second time.
        read: list[Any] = []
        fmt = builder.indexer_format
        builder.indexer_format = _Keeping(fmt, read)
        try:
            load(docnames)
        finally:
            builder.indexer_format = fmt
        indexer = builder.indexer
        _check_shape(indexer)
        frozen = read[0] if read else None
        if not isinstance(frozen, dict) or frozen.get("envversion") != indexer._env_version:
            return
        keep = set(builder.env.all_docs) - set(docnames)
        for doc, entries in restore_index_entries(frozen, keep).items():
            indexer._index_entries.setdefault(doc, entries)
        freeze = indexer.freeze

        def in_page_order() -> dict[str, Any]:
            # A clean build indexes the pages in name order, and each entry lists
            # its pages in that order; restored pages came first, so sort again.
            entries = sorted(indexer._index_entries.items())
            indexer._index_entries.clear()
            indexer._index_entries.update(entries)
            drop_unused_words(indexer)
            return freeze()

        indexer.freeze = in_page_order

    load_indexer.essaybook_keeps_entries = True  # type: ignore[attr-defined]
    builder.load_indexer = load_indexer
