"""Accessibility repairs to the theme's markup, made when each page is written.

Neither Sphinx nor furo offers a setting for these, and a script repairing
the page as it loads would leave the served HTML invalid and the page wrong
for a reader without scripts. So they are made at build time:

* toctree captions are ``<p role="heading">`` without the ``aria-level``
  that ARIA 1.2 requires (Sphinx issue 14030): the level, 2, is written by
  our HTML translator (:mod:`essaybook.margins`) and our sidebar
  (:mod:`essaybook.navigation`);
* furo's two side panels are ``<aside>`` elements without a name, so a list
  of landmarks shows two identical "complementary" entries: each is named
  here, in the rendered page, since furo writes them in its page template.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__all__ = ["CAPTION_LEVEL", "LANDMARKS", "name_landmarks"]

CAPTION_LEVEL = "2"
LANDMARKS = {
    '<aside class="sidebar-drawer">': '<aside class="sidebar-drawer" aria-label="Book navigation">',
    '<aside class="toc-drawer">': '<aside class="toc-drawer" aria-label="On this page">',
    '<aside class="toc-drawer no-toc">': '<aside class="toc-drawer no-toc" aria-label="On this page">',
}


def name_landmarks(app: Sphinx) -> None:
    """Wrap the HTML builders' template renderer so every page names furo's side panels."""
    templates = getattr(app.builder, "templates", None)
    if app.builder.format != "html" or app.builder.name.startswith("epub") or templates is None:
        return
    render = templates.render
    if getattr(render, "essaybook_landmarks", False):
        return

    def named(template: str, context: dict[str, Any]) -> str:
        html = render(template, context)
        for plain, labelled in LANDMARKS.items():
            html = html.replace(plain, labelled, 1)
        return html

    named.essaybook_landmarks = True  # type: ignore[attr-defined]
    templates.render = named
