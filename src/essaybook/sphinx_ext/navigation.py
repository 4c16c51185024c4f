"""The sidebar navigation, built once per build instead of once per page.

Furo asks Sphinx for the whole table of contents on every page and re-parses
it with BeautifulSoup: Sphinx resolves every toctree of the book again for
each page, so a book of *n* chapters costs *n*² and every page carries the
whole book's navigation. Here the book's global toctree is resolved once (at
``write-started``, before parallel writers fork) into a small tree of entries,
and each page gets its navigation by walking that tree:

* every link is made relative to the page with the builder's own
  ``get_relative_uri``, and the entries that lead to the page carry Sphinx's
  ``current`` classes, so the markup is the one Sphinx would have produced and
  furo's own pass (checkboxes, ``current-page``) and CSS work unchanged;
* a list of more than ``essaybook_nav_max_entries`` entries (the chapters of a
  large book) shows only the entries within ``essaybook_nav_neighbours`` of
  the current one, with a link to the full contents above and below, so a
  page's navigation stays the same size however long the book grows.

A small book's navigation is byte for byte what furo shows without this
module. Any call other than furo's, any builder other than ``html`` and
``dirhtml``, and any toctree shape this module does not know fall back to
Sphinx's own function.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging, url_re

from ..core.memo import MEMO_FOLDER, Memo, digest
from . import reaches
from .a11y import CAPTION_LEVEL
from .conversion import state_of

logger = logging.getLogger(__name__)

__all__ = [
    "Entry",
    "NavTree",
    "build_finished",
    "build_nav_tree",
    "html_page_context",
    "navigation_digest",
    "notfound_page_context",
    "record_toctrees",
    "render_nav",
    "write_started",
]

# The arguments furo's _compute_navigation_tree passes to ``toctree()``.
_FURO_CALL = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
_BUILDERS = frozenset({"html", "dirhtml"})
# docutils' HTML writer encodes text with these replacements.
_SPECIAL = {ord("&"): "&amp;", ord("<"): "&lt;", ord('"'): "&quot;", ord(">"): "&gt;", ord("@"): "&#64;"}


def _encode(text: str) -> str:
    return text.translate(_SPECIAL)


# BeautifulSoup's output (furo's pass) escapes less: &, < and > in text, and " in attributes too.
_MINIMAL = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_MINIMAL_ATTR = {**_MINIMAL, ord('"'): "&quot;"}


class _Unknown(Exception):
    """A toctree shape this module does not render; Sphinx's own function is used."""


@dataclass
class Entry:
    """One ``<li>``: its link (a document, or an external URL) and its sub-entries."""

    title: str  # HTML
    docname: str | None  # None for an external link
    uri: str  # the external URL, or the anchor after the document's URI
    children: list[Entry] = field(default_factory=list)
    text: str | None = None  # the title as plain text, unless it holds markup


@dataclass
class NavTree:
    root: str
    sections: list[tuple[str | None, list[Entry]]]  # (caption text, top-level entries)
    # Where each document occurs: paths of indexes (section, entry, sub-entry, ...).
    paths: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)

    plain: bool = True  # every title is plain text (furo's pass can be done without parsing)

    def index(self) -> None:
        def walk(entries: list[Entry], path: tuple[int, ...]) -> None:
            for i, e in enumerate(entries):
                here = (*path, i)
                self.plain = self.plain and e.text is not None
                if e.docname is not None and not e.uri:
                    self.paths.setdefault(e.docname, []).append(here)
                walk(e.children, here)

        for s, (_, entries) in enumerate(self.sections):
            walk(entries, (s,))


def build_nav_tree(app: Sphinx) -> NavTree | None:
    """The book's navigation as furo requests it, resolved once from the root document."""
    builder, env = app.builder, app.env
    root = app.config.root_doc
    toctree = global_toctree_for_doc(env, root, builder, tags=builder.tags, **_FURO_CALL)
    if toctree is None:
        return NavTree(root, [])
    # Generated pages (the index, search) can be toctree entries too.
    virtual = {"genindex", "search", "modindex", *getattr(env.domains.standard_domain, "_virtual_doc_names", ())}
    uris = {builder.get_target_uri(doc): doc for doc in [*virtual, *env.all_docs]}
    # global_toctree_for_doc made every URI relative to the root document; undo that.
    base = builder.get_target_uri(root)

    def docname_of(ref: nodes.reference) -> tuple[str | None, str]:
        refuri, anchor = ref["refuri"], ref.get("anchorname", "")
        if not ref.get("internal") and url_re.match(refuri):
            return None, refuri
        rel = refuri[: len(refuri) - len(anchor)] if anchor else refuri
        if rel in ("", "#"):
            return root, anchor
        if "/" in base or rel not in uris:
            raise _Unknown(f"cannot map {refuri!r} back to a document")
        return uris[rel], anchor

    def entries(blist: nodes.bullet_list) -> list[Entry]:
        out = []
        for item in blist.children:
            if not isinstance(item, nodes.list_item):
                raise _Unknown(f"unexpected {item.tagname} in a toctree list")
            entry = None
            for child in item.children:
                if isinstance(child, addnodes.compact_paragraph) and entry is None:
                    refs = [c for c in child.children if isinstance(c, nodes.reference)]
                    if len(refs) != 1 or len(child.children) != 1:
                        raise _Unknown("a toctree entry that is not one link")
                    ref = refs[0]
                    docname, uri = docname_of(ref)
                    plain = all(isinstance(c, nodes.Text) for c in ref.children)
                    entry = Entry(_title_html(app, ref), docname, uri, text=ref.astext() if plain else None)
                elif (
                    isinstance(child, nodes.bullet_list) and entry is not None and not entry.children and child.children
                ):
                    entry.children = entries(child)
                else:
                    raise _Unknown(f"unexpected {child.tagname} in a toctree entry")
            if entry is None:
                raise _Unknown("an empty toctree entry")
            out.append(entry)
        return out

    sections: list[tuple[str | None, list[Entry]]] = []
    caption: str | None = None
    for child in toctree.children:
        if isinstance(child, nodes.title):
            if caption is not None:
                sections.append((caption, []))
            caption = child.astext()
        elif isinstance(child, nodes.bullet_list):
            sections.append((caption, entries(child)))
            caption = None
        else:
            raise _Unknown(f"unexpected {child.tagname} in the toctree")
    if caption is not None:
        raise _Unknown("a toctree caption without entries")
    tree = NavTree(root, sections)
    tree.index()
    return tree


def _title_html(app: Sphinx, ref: nodes.reference) -> str:
    if all(isinstance(c, nodes.Text) for c in ref.children):
        return _encode(ref.astext())
    # A title with markup in it (rare): let the HTML writer render it.
    para = nodes.paragraph()
    para += [c.deepcopy() for c in ref.children]
    html = app.builder.render_partial(para)["fragment"].strip()
    if not (html.startswith("<p>") and html.endswith("</p>")):
        raise _Unknown("a title the HTML writer wraps unexpectedly")
    return html[3:-4]


class _Renderer:
    """One page's navigation: Sphinx's markup, or (``furo=True``) that markup after furo's pass.

    Furo adds, with BeautifulSoup, a checkbox and a label to every entry that has
    sub-entries and the ``current-page`` class to the last current entry; the
    second form writes the same bytes directly, so furo need not parse anything.
    """

    def __init__(
        self,
        tree: NavTree,
        builder: Builder,
        pagename: str,
        max_entries: int,
        neighbours: int,
        furo: bool = False,
        absolute: str | None = None,
    ) -> None:
        self.absolute = absolute
        self.tree = tree
        self.builder = builder
        self.page = pagename
        self.max_entries = max_entries
        self.neighbours = neighbours
        self.furo = furo
        self.current: set[tuple[int, ...]] = set()
        for path in tree.paths.get(pagename, ()):
            self.current.update(path[:k] for k in range(2, len(path) + 1))
        self.out: list[str] = []
        self.checkboxes = 0
        self.last_current: tuple[int, str] | None = None  # (index in out, class)

    def href(self, docname: str, anchor: str = "") -> str:
        uri = self.builder.get_relative_uri(self.page, docname) + anchor or "#"
        if self.absolute is None:
            return uri
        # As sphinx-notfound-page makes the 404 page's links absolute (notfound.utils.replace_uris).
        if self.builder.name == "dirhtml" and uri.startswith("../"):
            uri = uri.replace("../", "")
        return self.absolute + uri

    def attr(self, value: str) -> str:
        return value.translate(_MINIMAL_ATTR) if self.furo else _encode(value)

    def text(self, value: str) -> str:
        return value.translate(_MINIMAL) if self.furo else _encode(value)

    def render(self) -> str:
        for s, (caption, entries) in enumerate(self.tree.sections):
            if caption is not None:
                self.out.append(
                    f'<p aria-level="{CAPTION_LEVEL}" class="caption" role="heading"><span class="caption-text">'
                    f"{self.text(caption)}</span></p>\n"
                )
            self.list(entries, (s,), 1, self.tree.root)
        if self.furo and self.last_current is not None:
            i, cls = self.last_current
            self.out[i] = self.out[i].replace(f'<li class="{cls}">', f'<li class="{cls} current-page">', 1)
        return "".join(self.out)

    def list(self, entries: list[Entry], path: tuple[int, ...], level: int, owner: str) -> None:
        shown = range(len(entries))
        if len(entries) > self.max_entries:
            at = next((i for i in shown if (*path, i) in self.current), 0)
            width = 2 * self.neighbours + 1
            first = max(0, min(at - self.neighbours, len(entries) - width))
            shown = range(first, min(len(entries), first + width))
        is_current = any((*path, i) in self.current for i in shown)
        self.out.append('<ul class="current">\n' if is_current else "<ul>\n")
        if shown.start:
            self.more(shown.start, "earlier", level, owner)
        for i in shown:
            self.item(entries[i], (*path, i), level)
        if shown.stop < len(entries):
            self.more(len(entries) - shown.stop, "later", level, owner)
        self.out.append("</ul>\n")

    def more(self, count: int, which: str, level: int, owner: str) -> None:
        # Links to the page whose toctree lists everything: the full contents.
        self.out.append(
            f'<li class="toctree-l{level} essaybook-nav-more"><a class="reference internal" '
            f'href="{self.attr(self.href(owner))}">… {count} {which} (full contents)</a></li>\n'
        )

    def item(self, e: Entry, path: tuple[int, ...], level: int) -> None:
        here = path in self.current
        cls = f"toctree-l{level} current" if here else f"toctree-l{level}"
        title = self.text(e.text) if self.furo and e.text is not None else e.title
        if e.docname is None:
            link = f'<a class="reference external" href="{self.attr(e.uri)}">{title}</a>'
        elif here and e.docname == self.page and not e.uri:
            link = f'<a class="current reference internal" href="{self.attr(self.href(e.docname))}">{title}</a>'
        else:
            link = f'<a class="reference internal" href="{self.attr(self.href(e.docname, e.uri))}">{title}</a>'
        if self.furo and e.children:
            cls += " has-children"
            self.checkboxes += 1
            box = f"toctree-checkbox-{self.checkboxes}"
            checked = ' checked=""' if here else ""
            link += (
                f'<input aria-label="Toggle navigation of {self.attr(e.text or "")}"{checked} class="toctree-checkbox" '
                f'id="{box}" name="{box}" role="switch" type="checkbox"/><label for="{box}"><span class="icon">'
                '<svg><use href="#svg-arrow-right"></use></svg></span></label>'
            )
        if here:
            self.last_current = (len(self.out), cls)
        self.out.append(f'<li class="{cls}">{link}')
        if e.children:
            self.list(e.children, path, level + 1, e.docname or self.tree.root)
        self.out.append("</li>\n")


def render_nav(
    tree: NavTree,
    builder: Builder,
    pagename: str,
    max_entries: int = 20,
    neighbours: int = 5,
    furo: bool = False,
    absolute: str | None = None,
) -> str:
    """One page's navigation as Sphinx's ``toctree()`` returns it for furo, or (``furo``) as furo shows it.

    With ``absolute`` (a path ending in "/"), links are that path followed by the page's address, as
    on the 404 page, which is served at any depth.
    """
    return _Renderer(tree, builder, pagename, max_entries, neighbours, furo, absolute).render()


def navigation_digest(env: Any) -> str:
    """A digest of what every page's navigation shows: every title and toctree of the book.

    Every page shows titles of other pages (sidebar, previous and next links)
    and the shape of the toctrees; Sphinx rewrites only the pages it re-read.
    While this digest stays what a builder last wrote, an edit inside an essay
    rewrites only what changed; a new, removed or retitled page rewrites every page.
    """
    digest = hashlib.sha256()
    for doc in sorted(env.titles):
        digest.update(f"{doc}\0{env.titles[doc]}\0".encode())
    for doc in sorted(env.toctree_includes):
        digest.update(f"{doc}\0{env.toctree_includes[doc]}\0".encode())
    # The toctrees themselves (captions, entries' own titles, options), as record_toctrees keeps them.
    toctrees = getattr(env, "essaybook_toctrees", {})
    for doc in sorted(toctrees):
        digest.update(f"{doc}\0{toctrees[doc]}\0".encode())
    return digest.hexdigest()


def record_toctrees(app: Sphinx, doctree: nodes.document) -> None:
    """Keep a digest of each page's toctrees (captions, entries, options) for :func:`navigation_digest`.

    Every page's sidebar shows them, and the environment keeps them nowhere else.
    """
    toctrees = [sorted(t.attributes.items()) for t in doctree.findall(addnodes.toctree)]
    if toctrees:
        app.env.essaybook_toctrees[app.env.docname] = digest(repr(toctrees))


# --- furo ---------------------------------------------------------------------
#
# Furo's html-page-context handler calls ``toctree()`` and passes the HTML to
# its own ``furo.get_navigation_tree`` (furo/__init__.py, looked up in its
# module at every page), which parses it with BeautifulSoup and adds its
# checkboxes. No setting or event lets a theme user hand furo the finished
# markup, so for the duration of one HTML build that function is wrapped: it
# returns our directly written result for the very string object our
# ``toctree()`` just returned (tests/test_navigation.py checks it is furo's
# own result byte for byte) and passes anything else to furo unchanged. The
# reach is listed, bounded and checked in essaybook.sphinx_ext.reaches.


class _Ready:
    """The navigation HTML last handed to furo and the same after furo's pass, written directly."""

    html: str | None = None
    furo: str = ""


_READY = _Ready()


def _wrap_furo() -> Any:
    """Wrap furo's ``get_navigation_tree``; the original, to put back when the build ends."""
    import furo

    original = furo.get_navigation_tree

    def get_navigation_tree(toctree_html: str) -> str:
        if toctree_html is _READY.html:
            return _READY.furo
        return original(toctree_html)

    get_navigation_tree.__wrapped__ = original  # type: ignore[attr-defined]
    furo.get_navigation_tree = get_navigation_tree
    return original


@dataclass
class _Build:
    tree: NavTree | None = None
    furo: Any = None  # furo's own get_navigation_tree while ours stands in for it


_BUILDS: WeakKeyDictionary[Sphinx, _Build] = WeakKeyDictionary()


# --- events -------------------------------------------------------------------


def write_started(app: Sphinx, builder: Builder) -> None:
    """Resolve the navigation once, in the main process, before any page is written."""
    build = _BUILDS[app] = _Build()
    if builder.name not in _BUILDERS or not app.config.essaybook_fast_navigation:
        return
    # The tree is a function of the navigation digest (every title and toctree),
    # the builder and its tags: kept in the converter's memo, a build whose
    # navigation did not change resolves nothing.
    digest_now = state_of(app.env).nav_digest
    memo = Memo(Path(app.doctreedir) / MEMO_FOLDER if digest_now else None)
    key = digest(digest_now, builder.name, tuple(sorted(builder.tags)), app.config.root_doc)
    tree = memo.get("navigation", key)
    if tree is None:
        try:
            tree = build_nav_tree(app)
        except _Unknown as err:
            logger.info("essaybook: Sphinx's own navigation is used: %s", err)
            return
        memo.put("navigation", key, tree)
        memo.save()
    build.tree = tree
    if tree is not None and tree.plain and app.config.html_theme == "furo":
        reaches.check("furo.get_navigation_tree")
        build.furo = _wrap_furo()


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Give furo its own function back: the wrapper lives only as long as the build that needs it."""
    build = _BUILDS.pop(app, None)
    if build is not None and build.furo is not None:
        import furo

        furo.get_navigation_tree = build.furo


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Give furo a ``toctree()`` that answers its call from the tree resolved once."""
    build = _BUILDS.get(app)
    stock = context.get("toctree")
    if build is None or build.tree is None or stock is None:
        return
    tree = build.tree
    config = app.config
    furo = build.furo is not None

    def toctree(**kwargs: Any) -> str:
        if kwargs != _FURO_CALL:
            return stock(**kwargs)
        args = (tree, app.builder, pagename, config.essaybook_nav_max_entries, config.essaybook_nav_neighbours)
        html = render_nav(*args)
        if furo:
            _READY.html, _READY.furo = html, render_nav(*args, furo=True)
        return html

    toctree.essaybook_navigation = True  # type: ignore[attr-defined]
    context["toctree"] = toctree


def notfound_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The 404 page's navigation from the same tree, its links absolute as sphinx-notfound-page makes them.

    sphinx-notfound-page gives the 404 page a ``toctree()`` of its own (after
    :func:`html_page_context`), which resolves the whole table of contents
    again and lists every chapter; this one shows what every other page
    shows, a long book's chapters as a neighbourhood and a link to the full
    contents.
    """
    build = _BUILDS.get(app)
    stock = context.get("toctree")
    if (
        build is None
        or build.tree is None
        or stock is None
        or pagename != getattr(app.config, "notfound_pagename", None)
    ):
        return
    tree = build.tree
    config = app.config
    furo = build.furo is not None
    absolute = config.notfound_urls_prefix or "/"

    def toctree(**kwargs: Any) -> str:
        if kwargs != _FURO_CALL:
            return stock(**kwargs)
        args = (tree, app.builder, pagename, config.essaybook_nav_max_entries, config.essaybook_nav_neighbours)
        html = render_nav(*args, absolute=absolute)
        if furo:
            _READY.html, _READY.furo = html, render_nav(*args, furo=True, absolute=absolute)
        return html

    toctree.essaybook_navigation = True  # type: ignore[attr-defined]
    context["toctree"] = toctree
