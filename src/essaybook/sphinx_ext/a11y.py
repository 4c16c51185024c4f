"""Accessibility repairs to the theme's markup, made when each page is written.

Neither Sphinx nor furo offers a setting for these, and a script repairing
the page as it loads would leave the served HTML invalid and the page wrong
for a reader without scripts. So they are made at build time:

* toctree captions are ``<p role="heading">`` without the ``aria-level``
  that ARIA 1.2 requires (Sphinx issue 14030): the level, 2, is written by
  our HTML translator (:mod:`essaybook.sphinx_ext.margins`) and our sidebar
  (:mod:`essaybook.sphinx_ext.navigation`);
* furo's two side panels are ``<aside>`` elements without a name, so a list
  of landmarks shows two identical "complementary" entries: each is named
  here, in the rendered page, since furo writes them in its page template
  outside every block (a gap in furo, worth a setting upstream; the reach is
  checked in :mod:`essaybook.sphinx_ext.reaches`, and a page whose panels
  this module cannot name stops the build);
* furo wraps each table in a ``<div>`` carrying a copy of the table's
  attributes, its id included, so a table with a caption (which has an id)
  would give the page two elements with one id: the copy is dropped;
* on the single page, Sphinx links a section of another document as
  ``#document-<page>#<section>``, two fragments no browser follows (Sphinx
  issue 14221); ``assembled.OnePage`` mends the links in the text, and the
  sidebar, which the template renders, is mended here.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform

from . import reaches

__all__ = ["CAPTION_LEVEL", "LANDMARKS", "TableWrapperIds", "repair_pages"]

CAPTION_LEVEL = "2"
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="Book navigation">',
    '<aside class="toc-drawer">': '<aside class="toc-drawer" aria-label="On this page">',
    '<aside class="toc-drawer no-toc">': '<aside class="toc-drawer no-toc" aria-label="On this page">',
}


_TWO_FRAGMENTS = re.compile(r'href="#document-[^"#]*#')


def repair_pages(app: Sphinx) -> None:
    """Wrap the web builders' template renderer: furo's side panels named, and (single page) one fragment per link."""
    templates = getattr(app.builder, "templates", None)
    if app.builder.format != "html" or app.builder.name.startswith("epub") or templates is None:
        return
    render = templates.render
    if getattr(render, "essaybook_repairs", False):
        return
    single = app.builder.name == "singlehtml"
    furo = app.config.html_theme == "furo"
    if furo:
        reaches.check("furo landmarks")

    def repaired(template: str, context: dict[str, Any]) -> str:
        html = render(template, context)
        if furo:
            html = _name_landmarks(html, template)
        return _TWO_FRAGMENTS.sub('href="#', html) if single else html

    repaired.essaybook_repairs = True  # type: ignore[attr-defined]
    templates.render = repaired


def _name_landmarks(html: str, template: str) -> str:
    """Name furo's side panels; a page that has one in markup this module does not know stops the build."""
    for plain, labelled in LANDMARKS.items():
        html = html.replace(plain, labelled, 1)
    for landmark in ('<aside class="sidebar-drawer', '<aside class="toc-drawer'):
        start = html.find(landmark)
        if start != -1 and "aria-label=" not in html[start : html.index(">", start)]:
            end = html.index(">", start) + 1
            raise ExtensionError(
                f"essaybook.sphinx_ext.a11y: furo wrote {html[start:end]!r} in a page made from {template}, "
                "which it does not know how to name: furo's markup changed (see essaybook.sphinx_ext.reaches)"
            )
    return html


class TableWrapperIds(SphinxPostTransform):
    """Leave a table's id on the table only, not also on the wrapper furo puts around it."""

    formats = ("html",)
    default_priority = 510  # after furo's WrapTableAndMathInAContainerTransform (500)

    def run(self, **kwargs: Any) -> None:
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" not in wrapper["classes"] and "math-wrapper" not in wrapper["classes"]:
                continue
            inner = {i for child in wrapper.children if isinstance(child, nodes.Element) for i in child["ids"]}
            wrapper["ids"] = [i for i in wrapper["ids"] if i not in inner]
