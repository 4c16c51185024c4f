"""The glossary in the build: each entry lists where its term is used, and its aliases are indexed.

* *Where used*: each essay page's term uses are collected into the build
  environment at ``doctree-read`` (merged for parallel reads, purged with the
  page: :mod:`essaybook.sphinx_ext.conversion`) and written under each
  glossary entry by a post-transform, as ordinary cross-references, so every
  builder (HTML, single page, EPUB, LaTeX) links them;
* each alias is indexed as "see" its entry, on the entry's own anchor;
* glossary terms are listed among search results.
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains import ObjType
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..core.memo import digest
from ..core.render import GLOSSARY, note_label
from .conversion import _STATES, State, state_of
from .margins import PARAGRAPH_ID

__all__ = ["AliasIndex", "WhereUsed", "collect_uses", "index_glossary_terms", "where_used_changed"]


def where_used_changed(env: BuildEnvironment, state: State, records: dict[str, str]) -> bool:
    """Whether the glossary's "Used in" lists differ from those ``records`` describe (and bring them up to date)."""
    order = [d for c in state.chapters for d in _chapter_pages(env, c)]
    changed = False
    for doc in order:
        if doc in state.reread or doc not in records:
            record = _where_record(env, doc)
            changed |= records.get(doc) != record
            records[doc] = record
    listed = digest(tuple(order))
    changed |= records.get("") != listed
    records[""] = listed
    for doc in set(records) - {"", *order}:
        del records[doc]
        changed = True
    return changed


def _where_record(env: BuildEnvironment, doc: str) -> str:
    """What the glossary shows of a page: its title, its uses, and the anchors they link."""
    anonlabels = env.domains.standard_domain.anonlabels
    uses = _uses(env, doc)
    title = env.titles[doc].astext() if doc in env.titles else doc
    return digest(title, tuple(uses), tuple(anonlabels.get(label) for _, label, _ in uses if label))


def _uses(env: BuildEnvironment, doc: str) -> list[tuple[str, str, int]]:
    """A page's term uses: (term, label of the paragraph or note, its number; negative for a note).

    The environment keeps each page's uses as one JSON string: a thousand
    essays have hundreds of thousands of uses, which as tuples would be most
    of the objects the environment loads, the garbage collector scans and the
    interpreter frees at the end of every build, even one that reads nothing.
    """
    kept = env.essaybook_uses.get(doc)
    return [tuple(u) for u in json.loads(kept)] if kept else []  # type: ignore[misc]


def collect_uses(app: Sphinx, doctree: nodes.document) -> None:
    """Record which terms each paragraph and note of an essay uses, for the glossary's "Used in" lists."""
    state = state_of(app.env)
    env = app.env
    docname = env.docname
    if not docname.startswith(state.prefix):
        return
    uses: list[tuple[str, str, int]] = []
    matcher = state.book.matcher
    for box in doctree.findall(nodes.container):
        if "essay-text" not in box["classes"]:
            continue
        for para in box.findall(nodes.paragraph):
            match = next((m for i in para["ids"] if (m := PARAGRAPH_ID.fullmatch(i))), None)
            if match is None:
                continue
            for key in sorted(matcher.terms_in(_words(para))):
                uses.append((key, match.group(0), int(match["n"])))
    slug = state.slugs.get(docname)
    labels = env.domains.standard_domain.labels
    anonlabels = env.domains.standard_domain.anonlabels
    for number, note in enumerate(doctree.findall(nodes.footnote), 1):
        if slug is None or not note["ids"] or not note["names"]:
            continue
        # Each note is a cross-reference target, "<slug>-note-<id>", like the
        # paragraphs: the glossary and the sources page link to it.
        label = note_label(slug, note["names"][0])
        labels[label] = (docname, note["ids"][0], f"note {number}")
        anonlabels[label] = (docname, note["ids"][0])
        for key in sorted(matcher.terms_in(note.astext())):
            uses.append((key, label, -number))
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("reftype") != "term" or any(
            isinstance(a, (nodes.container, nodes.footnote)) for a in _ancestors(ref)
        ):
            continue
        uses.append((ref["reftarget"].lower(), "", 0))
    if uses:
        env.essaybook_uses[docname] = json.dumps(sorted(set(uses)), ensure_ascii=False, separators=(",", ":"))


def _words(paragraph: nodes.Element) -> str:
    """A paragraph's text without its note markers: a marker's number glued to
    the word before it ("Trotsky" + "1") would hide that word from the matcher."""
    return "".join(
        t.astext() for t in paragraph.findall(nodes.Text) if not isinstance(t.parent, nodes.footnote_reference)
    )


class AliasIndex(SphinxTransform):
    """Index each glossary alias as "see" its entry, on the entry's own anchor.

    Sphinx indexes a glossary term at the term; an ``index`` directive for the
    aliases would add anchors of its own away from the entry, so the alias
    entries join the term's index node. This runs before Sphinx's domains
    collect index entries (priority 850).
    """

    default_priority = 840

    def apply(self, **kwargs: Any) -> None:
        state = _STATES.get(self.env)
        if state is None or self.env.docname != state.prefix + GLOSSARY:
            return
        entries = {t.key: t for t in state.book.edition.terms}
        for term in self.document.findall(nodes.term):
            entry = entries.get(term.astext().lower())
            index = next(iter(term.findall(addnodes.index)), None)
            if entry is None or index is None or not term["ids"]:
                continue
            for alias in entry.aliases:
                index["entries"].append(("see", f"{alias}; {entry.term}", term["ids"][0], "", None))


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


# --- where used ---------------------------------------------------------------


class WhereUsed(SphinxPostTransform):
    """Under each glossary entry, link every paragraph that uses the term."""

    # Before ReferencesResolver (10), so the links added here get resolved.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        state = state_of(self.env)
        docname = state.prefix + GLOSSARY
        if self.env.docname == docname:
            pages: list[nodes.Node] = [self.document]
        else:
            # The single page and LaTeX assemble the whole book into the root
            # document, whose post-transforms run once, under the root's name.
            pages = [n for n in self.document.findall(addnodes.start_of_file) if n.get("docname") == docname]
        if not pages:
            return
        self._links = _Links(self.env, docname)
        order = {doc: i for i, doc in enumerate(d for c in state.chapters for d in _chapter_pages(self.env, c))}
        by_term: dict[str, dict[str, list[tuple[str, int]]]] = {}
        for doc in self.env.essaybook_uses:
            if doc == docname or doc not in order:
                continue
            for key, label, number in _uses(self.env, doc):
                by_term.setdefault(key, {}).setdefault(doc, []).append((label, number))
        for glossary in (g for page in pages for g in page.findall(addnodes.glossary)):
            for item in glossary.findall(nodes.definition_list_item):
                terms = [t for t in item.children if isinstance(t, nodes.term)]
                definition = next((d for d in item.children if isinstance(d, nodes.definition)), None)
                if not terms or definition is None:
                    continue
                key = terms[0].astext().lower()
                definition += self._used_in(docname, by_term.get(key, {}), order)

    def _used_in(self, fromdoc: str, pages: dict[str, list[tuple[str, int]]], order: dict[str, int]) -> nodes.paragraph:
        para = nodes.paragraph(classes=["where-used"])
        para += nodes.emphasis(text="Used in: ")
        if not pages:
            para += nodes.Text("no essay of this edition.")
            return para
        for i, doc in enumerate(sorted(pages, key=order.__getitem__)):
            if i:
                para += nodes.Text("; ")
            title = self.env.titles[doc].astext() if doc in self.env.titles else doc
            para += self._links.doc(doc, title)
            # Paragraphs by their number (¶ 4), then notes (note 2), as the page shows them.
            paragraphs = sorted({(n, label) for label, n in pages[doc] if label and n > 0})
            notes = sorted({(-n, label) for label, n in pages[doc] if label and n < 0})
            places = [(label, f"¶\u00a0{n}") for n, label in paragraphs]
            places += [(label, f"note\u00a0{n}") for n, label in notes]
            for j, (label, text) in enumerate(places):
                para += nodes.Text(", " if j else " ")
                para += self._links.ref(label, text)
        para += nodes.Text(".")
        return para


class _Links:
    """Links from one page, made as Sphinx's standard domain resolves ``{doc}`` and ``{ref}`` with a title.

    A book of a thousand essays has some hundred thousand term uses, each a
    link under its glossary entry; resolving each as a pending cross-reference
    costs a lookup, a copy and a replacement per link, and computing the same
    relative address again and again. The nodes made here are those the
    domain's resolver makes (``make_refnode``, ``StandardDomain.build_reference_node``),
    with each page's address computed once. A target the domain does not know
    stays a pending cross-reference, so Sphinx reports it as it would.
    """

    def __init__(self, env: BuildEnvironment, fromdoc: str) -> None:
        self.env = env
        self.fromdoc = fromdoc
        self.builder = state_of(env).builder
        self.anonlabels = env.domains.standard_domain.anonlabels
        self.uris: dict[str, str] = {}

    def _uri(self, doc: str) -> str:
        if doc not in self.uris:
            self.uris[doc] = self.builder.get_relative_uri(self.fromdoc, doc)
        return self.uris[doc]

    def doc(self, doc: str, text: str) -> nodes.Node:
        if doc not in self.env.all_docs:
            return _xref(self.fromdoc, "doc", "/" + doc, text)
        ref = nodes.reference("", "", internal=True)
        ref["refuri"] = self._uri(doc)
        ref += nodes.inline(text, text, classes=["doc"])
        return ref

    def ref(self, label: str, text: str) -> nodes.Node:
        doc, anchor = self.anonlabels.get(label, ("", ""))
        if not doc:
            return _xref(self.fromdoc, "ref", label, text)
        ref = nodes.reference("", "", internal=True)
        if doc == self.fromdoc:
            ref["refid"] = anchor
        else:
            ref["refuri"] = self._uri(doc) + ("#" + anchor if anchor else "")
        ref += nodes.inline(text, text, classes=["std", "std-ref"])
        return ref


def _chapter_pages(env: BuildEnvironment, chapter_index: str) -> list[str]:
    pages = [chapter_index]
    pages += env.toctree_includes.get(chapter_index, [])
    return pages


def _xref(fromdoc: str, reftype: str, target: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype=reftype, reftarget=target, refexplicit=True, refwarn=True, refdoc=fromdoc
    )
    ref += nodes.inline(text=text, classes=["std", f"std-{reftype}"])
    return ref


def index_glossary_terms(app: Sphinx) -> None:
    """List glossary terms among search results (Sphinx leaves them out by default).

    The domain instance has its own copy of ``object_types``, so this changes this
    build only; the search page shows each entry's definition as its summary.
    """
    domain = app.env.domains.standard_domain
    term = domain.object_types["term"]
    domain.object_types["term"] = ObjType(term.lname, *term.roles, searchprio=1)
