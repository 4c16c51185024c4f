"""Pages that stay light at any size: a long listing goes on to pages of its own.

Some pages list something of every essay: the glossary's "Used in" (every
paragraph that uses a term), the sources' "Cited in", About's provenance and
table of seeds, the title page's contents. At a thousand essays the glossary
weighed 4 MB and the sources page 18 MB, more than a reader's browser should
fetch to show one definition. So, on the web (the ``html`` builder), when the
listings of one page would be longer than ``essaybook_page_bytes`` together,
each keeps its first items in place, up to its share of that size, and its
other items go on to numbered pages beside it (``book/glossary-page-2.html``
…), each at most that size, linked from the listing ("continued on pages
2, 3, …") and from one another. A book whose listings fit loses nothing:
its pages are as they were. The EPUB, the single page and the PDF keep every
listing whole, where a reader has the whole book anyway.

A listing is one of:

* a paragraph of class ``where-used`` ("Used in", "Cited in"): its items are
  the runs of links between "; ";
* a bullet list of class ``book-contents``, a container of class
  ``provenance-list``: its items are its children;
* a table of class ``seed-table``: its items are its body's rows.

The pages are written with the page they continue (``html-collect-pages``),
so a build that does not write that page leaves them as they are, and the
ones it no longer needs are removed then.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform

from .collector import tear_down
from .conversion import _STATES

__all__ = ["PagedListings", "collect_pages", "estimate"]

# The builders whose pages are cut: one HTML file per page, addresses relative to it.
BUILDERS = frozenset({"html"})
PAGE_SUFFIX = "-page-"
# What one link adds to a page beside its text: <a class="reference internal" href="…"><span class="…">…</span></a>.
_LINK_BYTES = 80


@dataclass
class _Pages:
    """The continuation pages each page written in this build needs: {docname: [(pagename, context)]}.

    A context's body is a section node until the page is written.
    """

    by_doc: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)


_PAGES: weakref.WeakKeyDictionary[BuildEnvironment, _Pages] = weakref.WeakKeyDictionary()


def estimate(node: nodes.Node) -> int:
    """About how many bytes of HTML a node makes: its text, and each link's markup and address."""
    size = len(node.astext().encode("utf-8")) + 20
    if isinstance(node, nodes.Element):
        for ref in node.findall(nodes.reference):
            size += _LINK_BYTES + len(ref.get("refuri", "")) + len(ref.get("refid", ""))
        size += 40 * sum(1 for _ in node.findall(nodes.Element))
    return size


@dataclass
class _Listing:
    kind: str  # "inline", "children" or "rows"
    node: nodes.Element  # the paragraph, list, container or table
    items: list[list[nodes.Node]]
    caption: str

    def size(self) -> int:
        return sum(estimate(n) for item in self.items for n in item)


def _inline_items(para: nodes.paragraph) -> tuple[list[nodes.Node], list[list[nodes.Node]], list[nodes.Node]]:
    """A "Used in" paragraph as (its lead, e.g. "Used in: ", its items, its end, e.g. "."), split at "; "."""
    children = list(para.children)
    lead: list[nodes.Node] = []
    while children and isinstance(children[0], nodes.emphasis):
        lead.append(children.pop(0))
    tail: list[nodes.Node] = []
    if children and isinstance(children[-1], nodes.Text) and children[-1].astext().endswith("."):
        text = children.pop().astext()
        if text[:-1]:
            children.append(nodes.Text(text[:-1]))
        tail.append(nodes.Text("."))
    items: list[list[nodes.Node]] = [[]]
    for child in children:
        if isinstance(child, nodes.Text) and "; " in child.astext():
            pieces = child.astext().split("; ")
            for i, piece in enumerate(pieces):
                if i:
                    items.append([])
                if piece:
                    items[-1].append(nodes.Text(piece))
        else:
            items[-1].append(child)
    items = [i for i in items if i]
    if items and isinstance(items[0][0], nodes.Text) and not items[0][0].astext().strip():
        items[0].pop(0)
    return lead, items, tail


def _caption(node: nodes.Node) -> str:
    """What the listing is of, for its continuation pages' headings."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.definition_list_item):
            term = next(iter(parent.findall(nodes.term)), None)
            if term is not None:
                return f"“{term.astext()}”"
        if isinstance(parent, nodes.container) and "source-entry" in parent["classes"]:
            text = next(iter(parent.findall(nodes.paragraph))).astext()
            return f"“{text[:100]}{'…' if len(text) > 100 else ''}”"
        if isinstance(parent, nodes.section):
            return parent[0].astext() if parent.children and isinstance(parent[0], nodes.title) else ""
        parent = parent.parent
    return ""


def _listings(document: nodes.document) -> Iterator[_Listing]:
    for node in document.findall(nodes.Element):
        classes = set(node.get("classes", []))
        if isinstance(node, nodes.paragraph) and "where-used" in classes:
            _, items, _ = _inline_items(node)
            yield _Listing("inline", node, items, _caption(node))
        elif (isinstance(node, nodes.bullet_list) and "book-contents" in classes) or (
            isinstance(node, nodes.container) and "provenance-list" in classes
        ):
            yield _Listing("children", node, [[c] for c in node.children], _caption(node))
        elif isinstance(node, nodes.table) and "seed-table" in classes:
            body = next(iter(node.findall(nodes.tbody)), None)
            if body is not None:
                yield _Listing("rows", node, [[r] for r in body.children], _caption(node))


class PagedListings(SphinxPostTransform):
    """Cut a page's long listings, moving what does not fit to continuation pages (see the module)."""

    # After every link is resolved (Sphinx's ReferencesResolver is 10) and our other changes.
    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        state = _STATES.get(self.env)
        builder = state.builder if state is not None else None
        if builder is None or builder.name not in BUILDERS:
            return
        self.builder = builder
        docname = self.env.docname
        pages = _PAGES.setdefault(self.env, _Pages())
        pages.by_doc[docname] = []
        budget = self.config.essaybook_page_bytes
        listings = [item for item in _listings(self.document) if item.items]
        sizes = [[sum(estimate(n) for n in item) for item in listing.items] for listing in listings]
        if sum(map(sum, sizes)) <= budget:
            return
        share = _fair_share([sum(s) for s in sizes], budget)
        kept: list[int] = []  # per listing, how many items stay
        for item_sizes in sizes:
            total = count = 0
            while count < len(item_sizes) and total + item_sizes[count] <= share:
                total += item_sizes[count]
                count += 1
            kept.append(count)
        # What does not stay fills continuation pages in order, a listing going on from one page to the next.
        packed: list[list[tuple[int, list[list[nodes.Node]]]]] = [[]]
        size = 0
        for k, listing in enumerate(listings):
            for item, item_size in zip(listing.items[kept[k] :], sizes[k][kept[k] :], strict=True):
                if size + item_size > budget and packed[-1]:
                    packed.append([])
                    size = 0
                if not packed[-1] or packed[-1][-1][0] != k:
                    packed[-1].append((k, []))
                packed[-1][-1][1].append(item)
                size += item_size
        suffix = self.builder.out_suffix
        names = [f"{docname}{PAGE_SUFFIX}{i + 2}" for i in range(len(packed))]
        filename = Path(docname).name + suffix
        title = self.env.titles[docname].astext() if docname in self.env.titles else docname
        for page in packed:
            for _, items in page:
                for node in (n for item in items for n in item):
                    _absolute(node, filename)
        for i, page in enumerate(packed):
            pages.by_doc[docname].append((names[i], self._page_body(listings, page, title, filename, names, i)))
        for k, listing in enumerate(listings):
            where = [(i + 2, f"{Path(names[i]).name}{suffix}#listing-{k + 1}") for i, page in enumerate(packed)
                     if any(kk == k for kk, _ in page)]  # fmt: skip
            if where:
                self._keep(listing, listing.items[: kept[k]], len(listing.items) - kept[k], where)

    def _keep(self, listing: _Listing, kept: list[list[nodes.Node]], moved: int, where: list[tuple[int, str]]) -> None:
        """Leave the first items in place, and a line saying where the others are."""
        more = nodes.paragraph(classes=["essaybook-continued"])
        pages = "page" if len(where) == 1 else "pages"
        more += nodes.Text(f"And {moved:,} more on {pages} " if kept else f"On {pages} ")
        for i, (number, uri) in enumerate(where):
            if i:
                more += nodes.Text(", ")
            more += nodes.reference("", str(number), internal=True, refuri=uri)
        more += nodes.Text(".")
        node = listing.node
        if listing.kind == "inline":
            lead, _, tail = _inline_items(node)
            node.children = []
            node.extend(lead)
            for i, item in enumerate(kept):
                if i:
                    node += nodes.Text("; ")
                node.extend(item)
            node.extend(tail if kept else [])
            node += nodes.Text(" ")
            node.extend(more.children)
            for child in node.children:
                child.parent = node
            return
        keep_nodes = {id(n) for item in kept for n in item}
        holder = node if listing.kind == "children" else next(iter(node.findall(nodes.tbody)))
        for child in list(holder.children):
            if id(child) not in keep_nodes:
                holder.remove(child)
        node.parent.insert(node.parent.index(node) + 1, more)
        if listing.kind == "rows" and not holder.children:
            node.parent.remove(node)  # a table with no rows left: the line after it says where they are

    def _page_body(
        self,
        listings: list[_Listing],
        page: list[tuple[int, list[list[nodes.Node]]]],
        title: str,
        back: str,
        names: list[str],
        i: int,
    ) -> dict[str, Any]:
        """The context of one continuation page: its title and its body (a section, made HTML when written)."""
        heading = f"{title}, continued ({i + 2} of {len(names) + 1})"
        section = nodes.section(ids=["continued"])
        section += nodes.title(text=heading)
        nav = nodes.paragraph(classes=["essaybook-continued"])
        suffix = self.builder.out_suffix
        links = [("the start", back)] + [(str(k + 2), Path(n).name + suffix) for k, n in enumerate(names)]
        nav += nodes.Text("Pages: ")
        for k, (text, uri) in enumerate(links):
            if k:
                nav += nodes.Text(", ")
            if k == i + 1:
                nav += nodes.strong(text=text)
            else:
                nav += nodes.reference("", text, internal=True, refuri=uri)
        nav += nodes.Text(".")
        section += nav
        for k, items in page:
            listing = listings[k]
            part = nodes.container(ids=[f"listing-{k + 1}"], classes=["essaybook-continued-listing"])
            if listing.caption:
                part += nodes.rubric(text=listing.caption)
            node = listing.node
            if listing.kind == "inline":
                holder = nodes.paragraph(classes=node["classes"])
                lead = [c.deepcopy() for c in node.children if isinstance(c, nodes.emphasis)][:1]
                holder.extend(lead)
                for j, item in enumerate(items):
                    if j:
                        holder += nodes.Text("; ")
                    holder.extend(item)
                holder += nodes.Text(".")
            elif listing.kind == "children":
                holder = node.copy()
                for item in items:
                    holder.extend(item)
            else:
                body = next(iter(node.findall(nodes.tbody)))
                rows, body.children = body.children, []
                holder = node.deepcopy()  # the table's head and columns, without its rows
                body.children = rows
                copied = next(iter(holder.findall(nodes.tbody)))
                for item in items:
                    copied.extend(item)
            part += holder
            section += part
        section += nav.deepcopy()
        return {"title": heading, "body": section}


def _fair_share(sizes: list[int], budget: int) -> int:
    """The most each listing may keep in place so that, together, they keep at most ``budget``.

    A listing smaller than its share keeps everything and leaves the rest
    of its share to the others.
    """
    left, count = budget, len(sizes)
    for size in sorted(sizes):
        share = left // count
        if size > share:
            return share
        left -= size
        count -= 1
    return budget


def _absolute(node: nodes.Node, filename: str) -> None:
    """A link to a place on the page the item leaves now names that page."""
    if not isinstance(node, nodes.Element):
        return
    refs = [node] if isinstance(node, nodes.reference) else []
    for ref in [*refs, *node.findall(nodes.reference)]:
        if ref.get("refid") and not ref.get("refuri"):
            ref["refuri"] = f"{filename}#{ref['refid']}"
            del ref["refid"]


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Write the continuation pages of the pages this build wrote, and remove those they no longer have."""
    pages = _PAGES.pop(app.env, None)
    if pages is None or app.builder.name not in BUILDERS:
        return
    outdir = Path(app.outdir)
    suffix = app.builder.out_suffix
    for docname, wanted in sorted(pages.by_doc.items()):
        names = {name for name, _ in wanted}
        folder = (outdir / docname).parent
        stem = Path(docname).name + PAGE_SUFFIX
        if folder.is_dir():
            for old in folder.glob(f"{stem}*{suffix}"):
                name = str(Path(docname).parent / old.name.removesuffix(suffix)).removeprefix("./")
                if old.name[len(stem) : -len(suffix)].isdigit() and name not in names:
                    old.unlink()
        for name, context in wanted:
            body = app.builder.render_partial(context["body"])["fragment"]  # type: ignore[attr-defined]
            yield name, {**context, "body": body}, "page.html"
            # Written: its nodes (at 1,000 essays, millions for the glossary) are freed now, without a collection.
            tear_down(context["body"])
