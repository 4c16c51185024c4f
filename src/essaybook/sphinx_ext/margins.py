"""The web edition's margins: numbered paragraphs, and the editors' notes beside their sentences.

Both are markup written here and layout done by CSS (``essaybook-margins.css``);
a small script (``essaybook-margins.js``) only opens notes where there is
room, and the book reads without it.

* Each paragraph of an essay gets a link to itself, ``¶ 4``, as the first
  thing in its ``<p>``. The link holds no text: CSS draws the number from a
  ``data-n`` attribute, so it sits in the margin, outside the essay's words,
  and selecting or copying the text never copies it; its accessible name
  says "Paragraph 4". It is added when the page is written, so the doctree,
  the search index and the other formats hold only the author's words.
* A note's marker is drawn the same way: an empty ``<a>`` linking to the
  note, its number in ``data-n`` (CSS writes "[3]"), its accessible name
  "Note 3". The number is no text of the page, so a copied paragraph, the
  page's text, Read the Docs' search index (which reads the HTML) and
  every reader's search hold the author's words as written, never
  ``state[3].``; in the EPUB it reads as one number, bracketed once.
  Sphinx's own index is built from the doctree, where the marker keeps its
  number: the ``no-search`` class keeps it out (:class:`MarksOutOfSearch`).
* On web pages (not the EPUB, whose readers show notes as pop-ups, nor the
  PDF, which prints them as footnotes) each note is moved from the foot of
  the page to just after the paragraph that holds its marker. That is where
  a narrow screen shows it, whole, and where a screen reader meets it, once,
  after its marker.
* On a wide screen CSS lifts each note into the margin beside the line of
  its marker with CSS anchor positioning: the marker is an anchor, and each
  note's top is the lower of its marker's line and the bottom of the note
  before it, so notes never overlap and never cover the text. Whole notes
  are far longer than the lines they annotate (a hundred words beside a few
  words of text), so a chain of them would drift ever further from their
  markers. In the margin a note is therefore folded: its text is a
  ``<details>`` whose ``<summary>`` ("more") opens it in place, by click or
  Enter, without a script. Folded, it shows its number and its opening lines
  (CSS shows the folded content clamped, through ``::details-content``); it
  shows whole when opened, when a link led to it, in print, and wherever the
  script finds the margin has room. Its whole text is in the page all the
  time, for screen readers and for the browser's find. The page carries only
  the anchors' names, as custom properties; browsers without anchor
  positioning or ``::details-content`` keep the narrow layout.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

from .a11y import CAPTION_LEVEL

__all__ = [
    "BookHTMLTranslator",
    "MarginsMixin",
    "MarksOutOfSearch",
    "SideNotes",
    "add_margin_styles",
    "depart_sidenote_fold",
    "paragraph_number",
    "sidenote_fold",
    "visit_sidenote_fold",
]

STATIC = Path(__file__).resolve().parent / "web_static"
WEB_BUILDERS = ("html", "dirhtml", "singlehtml")

PARAGRAPH_ID = re.compile(r"[a-z][a-z0-9-]*-p(?P<n>[0-9]+)")
NOTES_HEADING = "editorial-notes-heading"  # the class render.py gives the notes' heading


def paragraph_number(paragraph: nodes.Element) -> int | None:
    """An essay paragraph's number (its anchor is ``<slug>-p<n>``), or None for any other paragraph."""
    parent = paragraph.parent
    if not isinstance(parent, nodes.container) or "essay-text" not in parent["classes"]:
        return None
    for ident in paragraph["ids"]:
        if m := PARAGRAPH_ID.fullmatch(ident):
            return int(m["n"])
    return None


class MarksOutOfSearch(SphinxTransform):
    """Keep note markers' numbers out of Sphinx's search index, which indexes the doctree's text.

    Sphinx skips any element of class ``no-search`` when it collects a page's
    words; without it every marker's number would be a word of the page.
    """

    # After docutils numbers the footnotes (Footnotes, 620), so every marker has its label.
    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        for ref in self.document.findall(nodes.footnote_reference):
            if "no-search" not in ref["classes"]:
                ref["classes"].append("no-search")


class sidenote_fold(nodes.General, nodes.Element):  # docutils names nodes in lowercase
    """A note's text as a disclosure on web pages (``number``: the note's number, for the control's name)."""


def visit_sidenote_fold(self: Any, node: sidenote_fold) -> None:
    # The control holds no text: its word ("more", "less") is drawn by CSS and its name, which
    # also says which note it opens, is an attribute. So the page's text, a copied note and every
    # search index (Sphinx's, Read the Docs', Pagefind's) hold the editors' words alone.
    name = f"more of note {node['number']}" if node.get("number") else "more of the note"
    self.body.append(
        f'<details class="sidenote-fold"><summary class="sidenote-toggle" aria-label="{escape(name)}"></summary>\n'
    )


def depart_sidenote_fold(self: Any, node: sidenote_fold) -> None:
    self.body.append("</details>\n")


class SideNotes(SphinxPostTransform):
    """Move each note to just after the paragraph that holds its marker, and chain them as anchors."""

    builders = WEB_BUILDERS
    # After references are resolved and the single page's ids made unique
    # (assembled.OnePage, 900): only positions change.
    default_priority = 950

    def run(self, **kwargs: Any) -> None:
        footnotes = {i: f for f in self.document.findall(nodes.footnote) for i in f["ids"]}
        moved = 0
        for box in list(self.document.findall(nodes.container)):
            if "essay-text" not in box["classes"]:
                continue
            for paragraph in list(box.children):
                if not isinstance(paragraph, nodes.paragraph):
                    continue
                notes = []
                for ref in paragraph.findall(nodes.footnote_reference):
                    note = footnotes.get(ref.get("refid", ""))
                    if note is None or note.parent is None or note in notes:
                        continue
                    moved += 1
                    # Only the names go in the page (as custom properties, valid anywhere); the
                    # stylesheet does the placing with them.
                    ref["essaybook_style"] = f"--essaybook-marker: --essaybook-m{moved}"
                    style = f"--essaybook-marker: --essaybook-m{moved}; --essaybook-note: --essaybook-n{moved}"
                    if moved > 1:
                        style += f"; --essaybook-previous: --essaybook-n{moved - 1}"
                    note["essaybook_style"] = style
                    note["classes"].append("sidenote")
                    _fold(note)
                    note.parent.remove(note)
                    notes.append(note)
                if notes:
                    holder = nodes.container(classes=["sidenotes"])
                    holder.extend(notes)
                    box.insert(box.index(paragraph) + 1, holder)
        if not moved:
            return
        # The heading over the notes at the page's foot has nothing under it any more.
        for rubric in list(self.document.findall(nodes.rubric)):
            if NOTES_HEADING in rubric["classes"]:
                rubric.parent.remove(rubric)
        for transition in list(self.document.findall(nodes.transition)):
            if "footnotes" in transition["classes"]:
                transition.parent.remove(transition)


def _fold(note: nodes.footnote) -> None:
    """Put a note's text, all but its label, inside a fold."""
    label = note[0] if note.children and isinstance(note[0], nodes.label) else None
    fold = sidenote_fold(number=label.astext().strip("[] ") if label else "")
    body = note.children[1:] if label else note.children[:]
    for child in body:
        note.remove(child)
    fold.extend(body)
    note += fold


class MarginsMixin:
    """What the web and EPUB translators add: paragraph numbers, the notes' anchor styles, captions' levels."""

    def visit_paragraph(self, node: nodes.paragraph) -> None:
        super().visit_paragraph(node)  # type: ignore[misc]
        n = paragraph_number(node)
        if n is not None:
            self.body.append(  # type: ignore[attr-defined]
                f'<a class="para-num" href="#{node["ids"][0]}" aria-label="Paragraph {n}" data-n="{n}"></a>'
            )

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        # The number is an attribute CSS draws, not text: see the module's docstring. No "brackets"
        # class either, whose stylesheets (Sphinx's EPUB one) would bracket it a second time.
        number = node.astext()
        self.body.append(  # type: ignore[attr-defined]
            self.starttag(
                node,
                "a",
                suffix="",
                classes=["footnote-reference"],
                role="doc-noteref",
                href="#" + node["refid"],
                **{"aria-label": f"Note {number}", "data-n": number},
            )
            + "</a>"
        )
        raise nodes.SkipNode

    def starttag(
        self, node: nodes.Node, tagname: str, suffix: str = "\n", empty: bool = False, **attributes: Any
    ) -> str:
        style = node.get("essaybook_style") if isinstance(node, nodes.Element) else None
        if style and tagname in ("a", "aside"):
            attributes["style"] = style
        # A toctree's caption is a heading to assistive technology: ARIA 1.2 wants its level (a11y).
        if attributes.get("ROLE", attributes.get("role")) == "heading" and "aria-level" not in attributes:
            attributes["aria-level"] = CAPTION_LEVEL
        return super().starttag(node, tagname, suffix, empty, **attributes)  # type: ignore[misc]


class BookHTMLTranslator(MarginsMixin, HTML5Translator):
    """Sphinx's HTML5 translator with the book's margins."""


def add_margin_styles(app: Any) -> None:
    """Give web pages the margins' stylesheet and script; the EPUB, which keeps its notes as footnotes, never."""
    if app.builder.name not in WEB_BUILDERS:
        return
    if str(STATIC) not in map(str, app.config.html_static_path):
        app.config.html_static_path.append(str(STATIC))
    app.add_css_file("essaybook-margins.css")
    app.add_js_file("essaybook-margins.js", loading_method="defer")
