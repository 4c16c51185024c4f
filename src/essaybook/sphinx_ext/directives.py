"""Directives for the hand-written pages, showing what the conversion found.

``book-chapters`` (the contents: each essay with its author and reading
time, and the toctree that orders the book), ``apparatus`` (the editors'
generated pages the book has), ``provenance`` (where each essay comes from)
and ``seed-table`` (each seed with its SHA-256). Each records the page that
uses it, so that page is read again when what it shows changes
(:mod:`essaybook.sphinx_ext.incremental`).

The seed table alone is filled in when its page is written
(:class:`FillSeedTable`), not when it is read: every edit of a seed changes
its checksum, and reading a page that holds a row per essay again costs more
than the edit (1.8 s of a 1,000-essay book's About page, against 0.1 s for
the essay); a page is written again for less.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.directives.other import TocTree
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..core.reading import human_date
from ..core.render import author_line
from .conversion import state_of, users

__all__ = ["Apparatus", "BookChapters", "FillSeedTable", "Provenance", "SeedTable", "seed_table"]


class BookChapters(TocTree):
    """The book's contents: each essay with its author and reading time, in seed order: ``{book-chapters}``.

    The chapters are also a (hidden) toctree, which gives the book its order,
    its sidebar and its previous and next links.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        users(self.env, "chapters").add(self.env.docname)
        users(self.env, "contents").add(self.env.docname)
        state = state_of(self.env)
        self.content = StringList(["/" + doc for doc in state.chapters], source="book-chapters")
        self.options["hidden"] = True
        toc = super().run()
        listing = nodes.bullet_list(classes=["book-contents"])
        for doc, author, minutes in state.contents:
            item = nodes.list_item()
            line = nodes.paragraph()
            line += _doc_ref(self.env.docname, doc)
            line += nodes.inline(text=f" {author} · {minutes} min read", classes=["book-contents-meta"])
            item += line
            listing += item
        return [*toc, listing]


def _doc_ref(fromdoc: str, doc: str) -> addnodes.pending_xref:
    """A link to a page whose title is not known yet (its first build): Sphinx fills the title in."""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + doc, refexplicit=False, refdoc=fromdoc
    )
    ref += nodes.inline(text=doc)
    return ref


class Apparatus(TocTree):
    """A toctree of the editors' apparatus: the generated pages the book has, then those listed: ``{apparatus}``.

    The glossary and sources are always there; the timeline only when the
    editors dated some events, so a hand-written page never links a page
    the book does not have.
    """

    def run(self) -> list[nodes.Node]:
        users(self.env, "apparatus").add(self.env.docname)
        state = state_of(self.env)
        generated = ["/" + state.prefix + name for name in state.apparatus]
        self.content = StringList([*generated, *self.content], source="apparatus")
        return super().run()


class Provenance(SphinxDirective):
    """Where each essay comes from: its author, its first publication, the editors' copy: ``{provenance}``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        users(self.env, "provenance").add(self.env.docname)
        language = self.config.language or "en"
        # One container, so a long book's list can go on to pages of its own (paging).
        out = nodes.container(classes=["provenance-list"])
        for doc, author, date, (title, container, url, relation) in (
            (d, a, dt, pub or ("", "", "", "")) for d, a, dt, pub in state_of(self.env).provenance
        ):
            # Text runs are joined into one node each: the page is a paragraph per essay, and
            # every node is walked by each transform when the page is written (About is rewritten
            # at every seed's edit, for its table of seeds).
            parts: list[nodes.Node | str] = [_doc_ref(self.env.docname, doc)]
            parts.append(f", {author_line(author)}," if author else ", author unknown,")
            if container or url or date:
                parts.append(" was first published")
                if title:
                    parts += [" as “", title, "”"]
                if container:
                    parts += [" in ", nodes.emphasis(text=container)]
                if date:
                    parts.append(f", {human_date(date, language)}")
                if url:
                    parts += [", at ", nodes.reference(url, url, refuri=url)]
                parts.append(".")
            else:
                parts.append(" was received by the editors with no record of an earlier publication.")
            if relation:
                parts.append(" " + relation.strip())
            out += nodes.paragraph("", "", *_joined(parts), classes=["provenance"])
        return [out]


def _joined(parts: list[nodes.Node | str]) -> list[nodes.Node]:
    """Nodes and strings as nodes, each run of strings one text node."""
    out: list[nodes.Node] = []
    for text, group in groupby(parts, key=lambda part: isinstance(part, str)):
        run = list(group)
        out.extend([nodes.Text("".join(run))] if text else run)
    return out


class seed_table(nodes.General, nodes.Element):  # docutils names nodes in lowercase
    """Where the table of seeds goes, filled in when the page is written (:class:`FillSeedTable`)."""


class SeedTable(SphinxDirective):
    """A table of the seeds: file, title, paragraphs, SHA-256: ``{seed-table}``."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        users(self.env, "seeds").add(self.env.docname)
        return [seed_table(classes=["seed-table", *self.options.get("class", [])])]


class FillSeedTable(SphinxPostTransform):
    """Put the table of the seeds where ``{seed-table}`` stands, as they are in this build."""

    # Before anything that reads tables (furo's wrapper at 500, the PDF's columns, paging), after
    # the transforms that walk every node and have nothing to do in a table of plain text (links
    # resolved at 10, images, code's languages at 400): at 1,000 essays the table is 15,000 nodes.
    default_priority = 499

    def run(self, **kwargs: Any) -> None:
        for block in list(self.document.findall(seed_table)):
            block.replace_self(_seed_table(block["classes"], state_of(self.env).seeds))


def _seed_table(classes: list[str], seeds: list[tuple[str, str, str, int]]) -> nodes.table:
    table = nodes.table(classes=list(classes))
    group = nodes.tgroup(cols=4)
    table += group
    for width in (20, 35, 10, 35):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row("Seed file", "Title", "Paragraphs", "SHA-256", code=())
    group += head
    body = nodes.tbody()
    for name, title, sha, count in seeds:
        body += _row(name, title, str(count), sha, code=(0, 3))
    group += body
    return table


def _row(*cells: str, code: tuple[int, ...]) -> nodes.row:
    row = nodes.row()
    for i, text in enumerate(cells):
        entry = nodes.entry()
        entry += nodes.paragraph("", "", nodes.literal(text=text) if i in code else nodes.Text(text))
        row += entry
    return row
