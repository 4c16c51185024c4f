"""What the builders that assemble the whole book into one document need: the single page and LaTeX.

Both hand each page's nodes to a ``start_of_file`` node of the root document,
so a node's page is found by walking down from the top (:func:`by_page`);
both would read the general index listed in a toctree as a missing page; and
on the single page every link and id must work within one page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["SPECIAL_PAGES", "OnePage", "by_page", "drop_virtual_includes"]

# The names a toctree may list for pages Sphinx generates, as its documentation of the
# toctree directive gives them ("Special names": genindex, modindex, search).
SPECIAL_PAGES = frozenset({"genindex", "modindex", "search"})


def drop_virtual_includes(app: Sphinx, doctree: nodes.document) -> None:
    """Keep ``genindex`` in a toctree's entries (the web sidebar links it) but not in its files.

    Builders that inline every toctree's files into one document (single page,
    LaTeX) try to read ``genindex`` as a page and warn that it does not exist
    (Sphinx issue 13733); each of them makes its own index anyway. The
    environment's table of contents was recorded before this runs, so page
    order and next/previous links are unchanged.
    """
    for toctree in doctree.findall(addnodes.toctree):
        toctree["includefiles"] = [f for f in toctree["includefiles"] if f not in SPECIAL_PAGES]


def by_page(document: nodes.document) -> Iterator[tuple[nodes.Element, str]]:
    """Every element, in document order, with the name of the page it comes from.

    The single page and LaTeX assemble the book by handing each page's nodes
    to a ``start_of_file`` node without re-parenting them, so a node's parents
    do not lead to its page: walking down from the top does.
    """
    stack: list[tuple[nodes.Element, str]] = [(document, document.get("docname", ""))]
    while stack:
        node, page = stack.pop()
        if isinstance(node, addnodes.start_of_file):
            page = node["docname"]
        yield node, page
        stack.extend((child, page) for child in reversed(node.children) if isinstance(child, nodes.Element))


class OnePage(SphinxPostTransform):
    """Make every link on the single page land, and every id on it unique.

    * Since Sphinx 8.2 a link to a place on another page reads
      ``#document-book/glossary#term-x`` on the single page: two fragments,
      which no browser follows (Sphinx issue 14221). The place's own id is
      what the page holds, so the link keeps only that.
    * Docutils numbers a page's automatic ids (a note marker's ``id1``,
      ``id2``) from 1 on every page; on one page holding the whole book they
      repeat, and a note's back-link would jump to the first chapter's marker.
      A repeated id is prefixed with its page's name, and the links within
      that page follow it.
    """

    default_priority = 900  # after the references are resolved and every id is made
    builders = ("singlehtml",)

    def run(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if uri.startswith("#") and "#" in uri[1:]:
                ref["refuri"] = "#" + uri.rsplit("#", 1)[1]
        self._unique_ids()

    def _unique_ids(self) -> None:
        seen: set[str] = set()
        renamed: dict[tuple[str, str], str] = {}
        placed = list(by_page(self.document))
        taken = {i for node, _ in placed for i in node["ids"]}
        for node, page in placed:
            fresh = []
            for old in node["ids"]:
                new = old
                if old in seen:
                    stem = nodes.make_id(page) + "-" + old
                    new, n = stem, 1
                    while new in taken:
                        n += 1
                        new = f"{stem}-{n}"
                    taken.add(new)
                    renamed[(page, old)] = new
                seen.add(new)
                fresh.append(new)
            node["ids"] = fresh
        if not renamed:
            return
        for node, page in placed:
            if "refid" in node and (page, node["refid"]) in renamed:
                node["refid"] = renamed[(page, node["refid"])]
            if node.get("backrefs"):
                node["backrefs"] = [renamed.get((page, b), b) for b in node["backrefs"]]
