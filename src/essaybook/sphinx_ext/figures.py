"""Figures drawn at build time from the editorial layer: the timeline.

The ``{timeline}`` directive (placed by the converter on the generated
timeline page) becomes a node holding the events and one cross-reference per
event to the note or glossary entry that tells of it. Sphinx resolves those
references like any other; then each writer draws the figure in its own
way from the same layout (:mod:`essaybook.core.timeline`):

* the web pages inline the SVG, so its labels are links and it takes the
  page's colours (light and dark themes);
* the EPUB gets the SVG as an image file (an inline SVG would have to be
  declared in the package, and the table beside the figure carries the links);
* the PDF gets a TikZ picture.

A book without dated events has no timeline page, so no empty figure.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ..core import timeline
from ..core.reading import human_date
from ..core.render import event_target
from .conversion import state_of

__all__ = ["TimelineDirective", "timeline_figure"]

_TITLE = "Timeline of the events the notes tell of"


class timeline_figure(nodes.General, nodes.Element):
    """The timeline: ``events`` is a list of (ISO date, label, date as shown); children are its links."""


class TimelineDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        state = state_of(self.env)
        edition, chapters = state.book.edition, state.book.chapters
        language = self.config.language or "en"
        events = list(edition.events)
        node = timeline_figure(events=[(e.date, e.label, human_date(e.date, language)) for e in events])
        for index, event in enumerate(events):
            kind, target = event_target(event, edition, chapters)
            if not kind:
                continue
            ref = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype=kind,
                reftarget=target.lower() if kind == "ref" else target,
                refexplicit=True,
                refwarn=True,
                refdoc=self.env.docname,
            )
            ref += nodes.inline(text=event.label)
            # Sphinx replaces the cross-reference by the link it resolves to; the
            # wrapper keeps which event the link is for.
            holder = nodes.inline(essaybook_index=index)
            holder += ref
            node += holder
        return [node]


def _description(node: timeline_figure) -> str:
    events = node["events"]
    if not events:
        return "No events."
    dates = sorted(e[0] for e in events)
    first = next(e for e in events if e[0] == dates[0])
    last = next(e for e in events if e[0] == dates[-1])
    return (
        f"{len(events)} events on a time axis, from {first[2]} ({first[1]}) to {last[2]} ({last[1]}). "
        "The table after the figure lists them all."
    )


def _links(node: timeline_figure) -> dict[int, str]:
    out = {}
    for holder in node.children:
        ref = next(iter(holder.findall(nodes.reference)), None)
        if ref is not None and "essaybook_index" in holder:
            out[int(holder["essaybook_index"])] = ref.get("refuri", "") or "#" + ref.get("refid", "")
    return out


def visit_html(self: Any, node: timeline_figure) -> None:
    plan = timeline.layout(node["events"])
    figure = timeline.svg(plan, _TITLE, _description(node), _links(node))
    if self.builder.name.startswith("epub"):
        # An image file, not inline: see the module's note.
        outdir = Path(self.builder.outdir)
        target = outdir / "_images" / "timeline.svg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(figure.replace(' aria-labelledby="timeline-title timeline-desc"', ""), "utf-8")
        depth = len(PurePosixPath(self.builder.current_docname).parts) - 1
        src = "../" * depth + "_images/timeline.svg"
        self.body.append(
            f'<figure class="timeline-figure"><img src="{src}" alt="{_TITLE}. {_description(node)}" /></figure>\n'
        )
    else:
        self.body.append(f'<figure class="timeline-figure">{figure}</figure>\n')
    raise nodes.SkipNode


def visit_latex(self: Any, node: timeline_figure) -> None:
    self.body.append("\n" + timeline.tikz(timeline.layout(node["events"]), self.escape) + "\n")
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode
