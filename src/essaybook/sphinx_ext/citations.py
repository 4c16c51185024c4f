"""The edition's citations in a Sphinx build: the ``{how-to-cite}`` directive, the files, the tags.

:mod:`essaybook.core.how_to_cite` makes every form of a citation from the edition's
and the essays' CSL items; this module only places them:

* ``{how-to-cite}`` (on *About this edition*) and ``{how-to-cite} <slug>``
  (which the converter puts at the head of each essay) leave a placeholder
  that a post-transform fills when each page is written, because what it
  shows depends on the builder: the web site's address (``html_baseurl``, a
  setting Sphinx does not re-read pages for), and links to the citation
  files only on the web, since the EPUB and the PDF have no such files;
* the files (``_cite/edition.bib``, ``.ris``, ``.json`` and the same for each
  essay) are written into the web builds when the build finishes, inside the
  Sphinx build because Read the Docs runs plain ``sphinx-build``, and only
  when their bytes change;
* the Highwire Press ``citation_*`` tags join each page's metatags at
  ``html-page-context``: the edition's on the title page, the essay's on
  each of its pages.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core import how_to_cite
from ..core.bibliography import Bibliography, runs
from ..core.memo import MEMO_FOLDER, code_digest
from .conversion import state_of, users

__all__ = ["WEB_BUILDERS", "HowToCite", "PlaceCitations", "citation_block"]

logger = logging.getLogger(__name__)

# The builders that make the web site, which has the citation files to link.
WEB_BUILDERS = frozenset({"html", "dirhtml", "singlehtml"})


class citation_block(nodes.General, nodes.Element):  # docutils names nodes in lowercase
    """Where a citation goes: ``essay`` is the essay's page name, or "" for the edition."""


class HowToCite(SphinxDirective):
    """A ready citation, how to cite a paragraph, and (on the web) the citation files.

    ``{how-to-cite}`` cites the edition; ``{how-to-cite} <slug>`` one essay.
    """

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        slug = self.arguments[0] if self.arguments else ""
        state = state_of(self.env)
        users(self.env, "citations").add(self.env.docname)
        if slug and slug not in {c.slug for c in state.book.chapters}:
            logger.warning(
                "how-to-cite: there is no essay with the page name '%s'",
                slug,
                location=self.get_location(),
                type="essaybook",
                subtype="cite",
            )
            return []
        return [citation_block(essay=slug)]


class _Citations:
    """The items of one build, formatted on first use."""

    def __init__(self, env: BuildEnvironment, base: str) -> None:
        state = state_of(env)
        self.book = state.book.edition.book
        self.base = base
        chapters = state.book.chapters
        self.items = how_to_cite.items_for(self.book, how_to_cite.authors(chapters), chapters, base, state.prefix)
        self.by_file = {how_to_cite.file_name(i): i for i in self.items}
        self.paragraphs = {c.slug: c.paragraph_count for c in chapters}
        self._text: dict[str, str] = {}

    def text(self, name: str) -> str:
        if name not in self._text:
            item = how_to_cite.for_style(self.by_file[name])
            bib = Bibliography([item], self.book.citation_style, self.book.language, entries_only=True)
            self._text[name] = bib.formatted[0].text
        return self._text[name]


_CITATIONS: WeakKeyDictionary[BuildEnvironment, _Citations] = WeakKeyDictionary()
# The builder of each build, for the post-transform: only the web has files to link.
_BUILDERS: WeakKeyDictionary[BuildEnvironment, str] = WeakKeyDictionary()


def builder_inited(app: Sphinx) -> None:
    _BUILDERS[app.env] = app.builder.name
    _CITATIONS.pop(app.env, None)


def _citations(env: BuildEnvironment) -> _Citations:
    found = _CITATIONS.get(env)
    if found is None:
        found = _CITATIONS[env] = _Citations(env, env.config.html_baseurl or "")
    return found


class PlaceCitations(SphinxPostTransform):
    """Fill each ``{how-to-cite}`` with the citation, the paragraph hint and, on the web, the file links."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        blocks = list(self.document.findall(citation_block))
        if not blocks:
            return
        cites = _citations(self.env)
        for block in blocks:
            block.replace_self(self._render(cites, block["essay"]))

    def _render(self, cites: _Citations, slug: str) -> nodes.container:
        name = slug or how_to_cite.EDITION
        item = cites.by_file[name]
        box = nodes.container(classes=["editorial", "cite-this"])
        para = nodes.paragraph()
        para += nodes.strong(text="Cite this essay: " if slug else "Cite this edition: ")
        for kind, text in runs(cites.text(name), str(item.get("URL", ""))):
            if kind == "em":
                para += nodes.emphasis(text=text)
            elif kind == "strong":
                para += nodes.strong(text=text)
            elif kind == "url":
                para += nodes.reference(text, text, refuri=text)
            else:
                para += nodes.Text(text)
        box += para
        # Citing by a page's address and fragment makes sense on the web only.
        builder = _BUILDERS.get(self.env, "")
        web = builder in WEB_BUILDERS
        if slug:
            hint = how_to_cite.paragraph_hint(slug, cites.paragraphs[slug], str(item.get("URL", "")), web=web)
        else:
            first = next(i for i in cites.items if i is not item)
            slug = how_to_cite.file_name(first)
            hint = how_to_cite.edition_hint(slug, cites.paragraphs[slug], str(first.get("URL", "")), web=web)
        box += nodes.paragraph(text=hint)
        if web:
            box += self._files(name, _folder(builder, self.env.docname))
        return box

    def _files(self, name: str, here: str) -> nodes.paragraph:
        para = nodes.paragraph(classes=["cite-files"])
        para += nodes.Text("For a reference manager: ")
        for i, (ext, label) in enumerate(how_to_cite.FORMATS):
            if i:
                para += nodes.Text(", ")
            uri = posixpath.relpath(f"{how_to_cite.CITE_DIR}/{name}.{ext}", here or ".")
            para += nodes.reference(label, label, refuri=uri, internal=True, classes=["cite-file"])
        para += nodes.Text(".")
        return para


def env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write again the pages that cite when what they cite changed (an editor, a date, the style).

    An edit of book.toml changes no generated page's text (the head only
    names the directive), so Sphinx would re-read, and rewrite, none of them.
    """
    # The conversion's digest of what citations show, so a build that converts nothing formats nothing.
    state = state_of(env)
    stamp = state.citations
    seen = state.seen  # what this builder last wrote (essaybook.sphinx_ext.incremental)
    old = seen.citations if seen is not None else None
    if seen is not None:
        seen.citations = stamp
    if old is None or old == stamp:
        return []
    # The pages that show a citation, and those whose tags carry one.
    pages = set(env.essaybook_users.get("citations", ())) | {app.config.root_doc} | set(state.slugs)
    return sorted(page for page in pages if page in env.found_docs)


def _folder(builder: str, docname: str) -> str:
    """The folder of the web site a page is written to ("" for the site's root)."""
    if builder == "singlehtml":
        return ""  # the whole book is the root's one page
    if builder == "dirhtml" and docname.rsplit("/", 1)[-1] != "index":
        return docname  # about -> about/index.html
    return posixpath.dirname(docname)


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The Highwire Press tags: the edition's on the title page, an essay's on each of its pages."""
    if app.builder.name not in WEB_BUILDERS:
        return
    state = state_of(app.env)
    if pagename == app.config.root_doc:
        name = how_to_cite.EDITION
    elif pagename in state.slugs:
        name = state.slugs[pagename]
    else:
        return
    item = _citations(app.env).by_file[name]
    tags = how_to_cite.highwire(item, public_url=str(item.get("URL", "")), pdf_url=app.config.essaybook_pdf_url)
    lines = [f'<meta name="{n}" content="{_attr(c)}" />' for n, c in tags]
    context["metatags"] = (context.get("metatags") or "") + "\n" + "\n".join(lines)


def _attr(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def write_files(app: Sphinx, exception: Exception | None) -> None:
    """Write the citation files into a finished web build: only those whose bytes changed, none left stale."""
    if exception is not None or app.builder.name not in WEB_BUILDERS:
        return
    outdir = Path(app.outdir)
    folder = outdir / how_to_cite.CITE_DIR
    # What the files hold is known before they are made: while it and the folder stay as the
    # last build left them, nothing is formatted (BibTeX for a thousand essays takes seconds).
    record = Path(app.doctreedir) / MEMO_FOLDER / "cite-files.json"
    stamp = json.dumps([code_digest(), state_of(app.env).citations, app.config.html_baseurl or "", str(outdir)])
    count = (len(state_of(app.env).chapters) + 1) * len(how_to_cite.FORMATS)
    try:
        if record.read_text("utf-8") == stamp and len(os.listdir(folder)) == count:
            return
    except OSError:
        pass
    files = how_to_cite.cite_files(_citations(app.env).items)
    wanted = {outdir / f.path for f in files}
    written = 0
    for f in files:
        target = outdir / f.path
        try:
            if target.read_bytes() == f.data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.data)
        written += 1
    # An essay that left the book takes its files with it; the folder is ours alone.
    for old in sorted(folder.glob("*")) if folder.is_dir() else ():
        if old.is_file() and old.suffix.lstrip(".") in dict(how_to_cite.FORMATS) and old not in wanted:
            old.unlink()
    logger.info("essaybook: %d citation files, %d written", len(files), written)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(stamp, "utf-8")
