"""Lay out the book's dated events on a time axis, and draw them as SVG or TikZ.

Pure functions, no drawing library: the figure is a vertical line for time
(earliest at the top), a dot for each event at its date, and the event's
label to the right. Labels never overlap: each is pushed below the one
before when dates lie close together, and the whole column is pulled back
up if it would run past the end of the axis; a thin leader joins a label to
its dot. Label widths are never measured: a label is wrapped at a fixed
number of characters, so the figure's width is known however it is drawn.

The same layout is drawn as inline SVG for the web (links to each event's
note, colours from the page so the light and dark themes both read, a title
and a description for assistive technology) and as TikZ for the PDF.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

__all__ = ["Layout", "Placed", "layout", "svg", "tikz"]

WRAP = 34  # characters a label line holds
LINE = 17.0  # label line height, px
FONT = 13.0  # label font size, px
GAP = 6.0  # space between two labels, px
AXIS_X = 64.0  # where the axis runs
LABEL_X = 96.0  # where labels start
WIDTH = LABEL_X + WRAP * FONT * 0.56 + 8  # 0.56 em: a generous average advance for a sans-serif
TOP = 24.0  # room above the first year


@dataclass(frozen=True)
class Placed:
    index: int  # the event's position in the input
    when: float  # the date as a fractional year
    date: str  # the date as written, e.g. "1917-11-07"
    shown_date: str  # the date as a reader says it
    lines: tuple[str, ...]  # the label, wrapped
    y: float  # the dot
    label_y: float  # the top of the label


@dataclass(frozen=True)
class Layout:
    placed: tuple[Placed, ...]
    ticks: tuple[tuple[float, int], ...]  # (y, year) for each labelled year on the axis
    height: float
    width: float = WIDTH
    start: int = 0
    end: int = 0
    breaks: tuple[float, ...] = ()  # where a long empty stretch of the axis is cut short
    axis_end: float = 0.0


def fractional_year(iso: str) -> float:
    """A date as a fraction of years: the middle of the month or year when the day or month is not given."""
    parts = [int(p) for p in iso.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return year + 0.5
    month = parts[1]
    day = parts[2] if len(parts) > 2 else 15
    return year + (month - 1) / 12 + (day - 1) / 365


def _step(years_for_40px: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if step >= years_for_40px:
            return step
    return 1000


@dataclass(frozen=True)
class _Scale:
    """Years to pixels: linear, but for long stretches without events, which are cut short."""

    pieces: tuple[tuple[float, float, float, float, bool], ...]  # (from year, to year, from y, to y, cut)
    rate: float  # pixels per year where nothing is cut

    def y(self, when: float) -> float:
        for a, b, ya, yb, _ in self.pieces:
            if when <= b:
                return ya + (when - a) / (b - a) * (yb - ya) if b > a else ya
        return self.pieces[-1][3]

    def uncut(self, year: float) -> bool:
        return any(a <= year <= b and not cut for a, b, _, _, cut in self.pieces)

    @property
    def breaks(self) -> tuple[float, ...]:
        return tuple((ya + yb) / 2 for _, _, ya, yb, cut in self.pieces if cut)


CUT = 48.0  # how long a cut stretch is drawn, px


MAX_RATE = 60.0  # pixels per year at most: a burst of events on one day is left to the pushing


def _scale(whens: list[float], heights: list[float]) -> _Scale:
    """Pixels per year enough for the densest run of events to sit beside their dates; long gaps cut."""
    rate = 4.0
    for i in range(len(whens)):
        room = 0.0
        for j in range(i, len(whens)):
            room += heights[j] + GAP
            rate = max(rate, min(MAX_RATE, room / (whens[j] - whens[i] + 0.5)))
    start, end = math.floor(whens[0]), math.ceil(whens[-1])
    points = [float(start), *whens, float(max(end, start + 1))]
    pieces = []
    y = TOP
    for a, b in itertools.pairwise(points):
        length = (b - a) * rate
        cut = length > 5 * CUT  # a stretch this long and empty says nothing: it is drawn short, and marked
        pieces.append((a, b, y, y + (CUT if cut else length), cut))
        y = pieces[-1][3]
    return _Scale(tuple(pieces), rate)


def layout(events: list[tuple[str, str, str]]) -> Layout:
    """Place ``(iso date, label, date as shown)`` events: dots on the axis, labels clear of each other."""
    if not events:
        return Layout((), (), 0.0)
    order = sorted(range(len(events)), key=lambda i: (fractional_year(events[i][0]), i))
    whens = [fractional_year(events[i][0]) for i in order]
    wrapped = [tuple(textwrap.wrap(events[i][1], WRAP)) or ("",) for i in order]
    heights = [len(lines) * LINE for lines in wrapped]
    scale = _scale(whens, heights)
    dots = [scale.y(w) for w in whens]
    tops: list[tuple[float, float]] = []
    for dot, h in zip(dots, heights, strict=True):
        top = dot - LINE * 0.7  # the first line's middle at the dot
        if tops:
            top = max(top, tops[-1][0] + tops[-1][1] + GAP)
        tops.append((top, h))
    axis_end = scale.pieces[-1][3]
    # Pull the column back up from the end if it ran past the axis (but never above the top).
    limit = max(axis_end + LINE, TOP + sum(h + GAP for _, h in tops))
    for k in range(len(tops) - 1, -1, -1):
        top, h = tops[k]
        if top + h > limit:
            tops[k] = (limit - h, h)
        limit = tops[k][0] - GAP
    placed = tuple(
        Placed(i, w, events[i][0], events[i][2], lines, dot, top)
        for i, w, lines, dot, (top, _) in zip(order, whens, wrapped, dots, tops, strict=True)
    )
    step = _step(40 / scale.rate)
    first, last = math.floor(whens[0]), math.ceil(whens[-1])
    years = range(math.ceil(first / step) * step, last + 1, step)
    ticks = tuple((scale.y(year), year) for year in years if scale.uncut(year))
    height = max(axis_end, max(t + h for t, h in tops)) + TOP
    return Layout(placed, ticks, height, WIDTH, first, last, scale.breaks, axis_end)


def _axis(plan: Layout) -> list[tuple[float, float]]:
    """The axis as segments, interrupted where a stretch is cut."""
    segments, y = [], TOP
    for cut in plan.breaks:
        segments.append((y, cut - 4))
        y = cut + 4
    segments.append((y, plan.axis_end))
    return segments


def svg(plan: Layout, title: str, description: str, hrefs: dict[int, str], ident: str = "timeline") -> str:
    """The layout as an inline SVG document fragment; ``hrefs`` maps an event's index to its link."""
    w, h = plan.width, plan.height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-size="{FONT:.0f}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for y0, y1 in _axis(plan):
        out.append(
            f'<line class="timeline-axis" x1="{AXIS_X}" y1="{y0:.1f}" x2="{AXIS_X}" y2="{y1:.1f}" '
            'stroke="currentColor" stroke-width="1.5"/>'
        )
    for y in plan.breaks:
        for dy in (-4, 4):
            out.append(
                f'<line class="timeline-break" x1="{AXIS_X - 7}" y1="{y + dy + 3:.1f}" x2="{AXIS_X + 7}" '
                f'y2="{y + dy - 3:.1f}" stroke="currentColor" stroke-width="1.5"/>'
            )
    for y, year in plan.ticks:
        out.append(
            f'<line class="timeline-tick" x1="{AXIS_X - 6}" y1="{y:.1f}" x2="{AXIS_X}" y2="{y:.1f}" '
            f'stroke="currentColor"/><text class="timeline-year" x="{AXIS_X - 10}" y="{y + 4:.1f}" '
            f'text-anchor="end" fill="currentColor">{year}</text>'
        )
    for p in plan.placed:
        first = p.label_y + LINE * 0.7
        out.append(
            f'<path class="timeline-leader" d="M{AXIS_X} {p.y:.1f} L{LABEL_X - 8} {first - 4:.1f}" '
            f'fill="none" stroke="currentColor" stroke-opacity="0.45"/>'
            f'<circle class="timeline-dot" cx="{AXIS_X}" cy="{p.y:.1f}" r="4" fill="currentColor"/>'
        )
        text = [f'<text class="timeline-label" x="{LABEL_X}" y="{first:.1f}" fill="currentColor">']
        for k, line in enumerate(p.lines):
            dy = "" if k == 0 else f' x="{LABEL_X}" dy="{LINE:.0f}"'
            text.append(f"<tspan{dy}>{escape(line)}</tspan>")
        text.append(f"<title>{escape(p.shown_date)}: {escape(' '.join(p.lines))}</title></text>")
        label = "".join(text)
        href = hrefs.get(p.index)
        out.append(f'<a href="{escape(href, quote=True)}">{label}</a>' if href else label)
    out.append("</svg>")
    return "\n".join(out)


def tikz(plan: Layout, tex: Callable[[str], str], hrefs: dict[int, str] | None = None) -> str:
    """The layout as a TikZ picture, 1 px = 0.6 pt (shrunk to fit a page), each label a link to ``hrefs`` if given.

    ``tex`` makes a label's text LaTeX: the LaTeX writer's own, so a label
    is escaped as every other text of the PDF is.
    """
    scale = 0.6
    out = [
        # A long timeline is shrunk, labels and all, to fit one page (it cannot break across pages).
        r"\begin{center}\begin{adjustbox}{max width=\linewidth,max totalheight=0.9\textheight}",
        r"\begin{tikzpicture}[x=0.6pt,y=-0.6pt,font=\footnotesize]",
    ]
    for y0, y1 in _axis(plan):
        out.append(rf"\draw[line width=0.8pt] ({AXIS_X},{y0:.1f}) -- ({AXIS_X},{y1:.1f});")
    for y in plan.breaks:
        for dy in (-4, 4):
            out.append(rf"\draw[line width=0.8pt] ({AXIS_X - 7},{y + dy + 3:.1f}) -- ({AXIS_X + 7},{y + dy - 3:.1f});")
    for y, year in plan.ticks:
        out.append(rf"\draw ({AXIS_X - 6},{y:.1f}) -- ({AXIS_X},{y:.1f}) node[left=2pt] {{{year}}};")
    for p in plan.placed:
        first = p.label_y + LINE * 0.7
        text = r"\\ ".join(tex(line) for line in p.lines)
        target = (hrefs or {}).get(p.index)
        if target:
            text = rf"\hyperref[{target}]{{{text}}}"
        out.append(
            rf"\draw[gray] ({AXIS_X},{p.y:.1f}) -- ({LABEL_X - 8},{first - 4:.1f});"
            rf"\fill ({AXIS_X},{p.y:.1f}) circle (2.4pt);"
            rf"\node[anchor=north west,align=left,inner sep=0pt,text width={(WIDTH - LABEL_X) * scale:.0f}pt] "
            rf"at ({LABEL_X},{p.label_y:.1f}) {{{text}}};"
        )
    out.append(r"\end{tikzpicture}\end{adjustbox}\end{center}")
    return "\n".join(out)
