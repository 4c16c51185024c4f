"""The timeline's layout: dots at their dates, labels that never overlap, long empty stretches cut."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaybook.core.timeline import GAP, LINE, fractional_year, layout, svg, tikz

EVENTS = [
    ("1848-02", "Manifesto of the Communist Party published", "February 1848"),
    ("1902", "What Is to Be Done? published", "1902"),
    ("1917-11-07", "October Revolution", "7 November 1917"),
    ("1918-01-28", "Red Army decreed", "28 January 1918"),
    ("1918-03-13", "Trotsky appointed War Commissar", "13 March 1918"),
    ("1924-01-21", "Death of Lenin", "21 January 1924"),
    ("1953-03-05", "Death of Stalin", "5 March 1953"),
]


def _boxes(plan):
    return [(p.label_y, p.label_y + len(p.lines) * LINE) for p in sorted(plan.placed, key=lambda p: p.label_y)]


def test_dots_follow_the_dates_and_labels_do_not_overlap() -> None:
    plan = layout(EVENTS)
    by_date = sorted(plan.placed, key=lambda p: p.when)
    assert [p.y for p in by_date] == sorted(p.y for p in by_date)
    boxes = _boxes(plan)
    assert all(b[0] >= a[1] + GAP - 1e-6 for a, b in itertools.pairwise(boxes))
    assert min(b[0] for b in boxes) >= 0 and max(b[1] for b in boxes) <= plan.height


def test_a_long_empty_stretch_is_cut_and_marked() -> None:
    plan = layout(EVENTS)
    assert plan.breaks, "1848 to 1902 and 1924 to 1953 hold no event"
    # No year is ticked inside a cut stretch.
    years = [year for _, year in plan.ticks]
    assert not any(1860 <= y <= 1895 for y in years)


def test_dates_as_fractional_years() -> None:
    assert fractional_year("1917") == 1917.5
    assert fractional_year("1917-11") == pytest.approx(1917 + 10 / 12 + 14 / 365)
    assert fractional_year("1917-11-07") == pytest.approx(1917 + 10 / 12 + 6 / 365)


def test_svg_has_a_title_a_description_links_and_no_script() -> None:
    plan = layout(EVENTS)
    out = svg(plan, "Timeline", "Seven events.", {0: "a.html#n1", 6: "b.html#n2"})
    assert (
        '<title id="timeline-title">Timeline</title>' in out and '<desc id="timeline-desc">Seven events.</desc>' in out
    )
    assert re.findall(r'<a href="([^"]+)">', out) == ["a.html#n1", "b.html#n2"]
    assert "<script" not in out and "currentColor" in out
    assert out.count('class="timeline-dot"') == len(EVENTS)


def test_labels_are_text_not_markup() -> None:
    out = svg(layout([("1917", "<script>x</script> & more", "1917")]), "T", "D", {})
    assert "<script>" not in out and "&lt;script&gt;x&lt;/script&gt; &amp; more" in out


def test_tikz_draws_every_event() -> None:
    out = tikz(layout(EVENTS), str)
    assert out.count(r"circle (2.4pt)") == len(EVENTS) and r"\begin{tikzpicture}" in out


def test_no_events_no_figure() -> None:
    assert layout([]).placed == ()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1800, 2000), st.integers(1, 12), st.text(min_size=1, max_size=60)),
        min_size=1,
        max_size=40,
    )
)
def test_labels_never_overlap_whatever_the_dates(events) -> None:
    plan = layout([(f"{y}-{m:02d}", label, str(y)) for y, m, label in events])
    boxes = _boxes(plan)
    assert all(b[0] >= a[1] + GAP - 1e-6 for a, b in itertools.pairwise(boxes))
    assert min(b[0] for b in boxes) >= 0 and max(b[1] for b in boxes) <= plan.height + 1e-6
