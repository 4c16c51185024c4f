"""Reading the essay as a book, in Chromium: notes met once, numbered paragraphs, a measure, the timeline.

What only a browser shows, measured on the laid-out page: that a screen
reader meets each note once, after its marker, that the paragraph numbers
are outside the words a reader copies, the length of the essay's lines, and
the timeline's figure and table. Where the notes stand, at every width, is
test_margins.py's.
"""

from __future__ import annotations

import itertools
import re

import pytest
from browser_helpers import ESSAY

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}

# Each note and its marker, laid out: the marker's line box, the note's box, the text column's edges.
LAYOUT = """() => {
    const column = document.querySelector('.essay-text').getBoundingClientRect();
    const paragraphs = [...document.querySelectorAll('.essay-text > p')].map(p => p.getBoundingClientRect());
    const notes = [...document.querySelectorAll('.essay-text aside.footnote')].map(note => {
        const marker = document.querySelector(`a.footnote-reference[href="#${note.id}"]`);
        const line = marker.getClientRects()[0];
        const box = note.getBoundingClientRect();
        const paragraph = marker.closest('p').getBoundingClientRect();
        const after = !!(marker.compareDocumentPosition(note) & Node.DOCUMENT_POSITION_FOLLOWING);
        return {id: note.id, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                line: line.top, lineBottom: line.bottom, paragraphBottom: paragraph.bottom, after};
    });
    return {column: {left: column.left, right: column.right}, paragraphs, notes,
            scroll: document.documentElement.scrollWidth, width: innerWidth};
}"""


def _open(contexts, path: str, viewport: dict | None = None, theme: str = "light", **options):
    ctx = contexts.browser.new_context(
        base_url=contexts.base_url, viewport=viewport or WIDE, color_scheme=theme, **options
    )
    ctx.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
    page = ctx.new_page()
    page.goto(path)
    return ctx, page


@pytest.fixture
def wide(contexts):
    ctx, page = _open(contexts, ESSAY)
    yield page
    ctx.close()


def test_screen_readers_meet_each_note_once_after_its_marker(wide, site_dir):
    got = wide.evaluate(LAYOUT)
    assert all(n["after"] for n in got["notes"]), [n["id"] for n in got["notes"] if not n["after"]]
    html = (site_dir / ESSAY).read_text("utf-8")
    for note in got["notes"]:
        assert html.count(f'id="{note["id"]}"') == 1
    # No second copy of the notes (no heading and list of notes at the foot of the page).
    assert wide.evaluate("() => document.querySelectorAll('aside.footnote').length") == len(got["notes"])


def test_paragraphs_are_numbered_in_the_margin_and_the_number_is_not_copied(wide):
    numbers = wide.evaluate(
        """() => [...document.querySelectorAll('.essay-text > p')].map(p => {
            const a = p.querySelector('a.para-num');
            return {id: p.id, href: a && a.getAttribute('href'), label: a && a.getAttribute('aria-label'),
                    shown: a && getComputedStyle(a, '::before').content,
                    left: a && a.getBoundingClientRect().right <= p.getBoundingClientRect().left + 1};
        })"""
    )
    assert len(numbers) >= 5
    for n, item in enumerate(numbers, 1):
        assert item["id"].endswith(f"-p{n}") and item["href"] == f"#{item['id']}", item
        assert item["label"] == f"Paragraph {n}" and item["shown"] == f'"¶\u00a0{n}"', item
        assert item["left"], f"paragraph {n}'s number is not in the margin"
    copied = wide.evaluate(
        """() => { const p = document.querySelector('.essay-text > p');
                   const range = document.createRange(); range.selectNodeContents(p);
                   const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
                   return sel.toString(); }"""
    )
    assert "¶" not in copied and not re.match(r"\s*1", copied), copied


def test_glossary_used_in_lists_paragraph_numbers_and_notes(contexts):
    ctx, page = _open(contexts, "book/glossary.html")
    try:
        used = page.evaluate(
            "() => [...document.querySelectorAll('p.where-used a')].map(a => [a.textContent, a.getAttribute('href')])"
        )
        paragraphs = [(t, h) for t, h in used if t.startswith("¶")]
        notes = [(t, h) for t, h in used if t.startswith("note")]
        assert paragraphs and all(
            re.fullmatch(r"¶\u00a0\d+", t) and re.search(r"#trotsky-and-stalin-p\d+$", h) for t, h in paragraphs
        ), paragraphs
        # A term used in a note links to that note itself.
        assert notes and all(re.fullmatch(r"note\u00a0\d+", t) and "#" in h for t, h in notes), notes
        href = notes[0][1]
        page.goto(page.evaluate("(h) => new URL(h, location.href).href", href))
        fragment = href.split("#", 1)[1]
        assert page.evaluate("(id) => document.getElementById(id).matches('aside.footnote')", fragment), href
    finally:
        ctx.close()


def test_the_essay_keeps_a_comfortable_measure(wide):
    """About 60 to 75 characters a line in the essay's paragraphs on a desktop screen."""
    lengths = wide.evaluate(
        """() => {
            const out = [];
            for (const p of document.querySelectorAll('.essay-text > p')) {
                const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
                const lines = new Map();
                let node;
                while ((node = walker.nextNode())) {
                    if (node.parentElement.closest('a.footnote-reference')) continue;
                    for (let i = 0; i < node.length; i++) {
                        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                        const rect = r.getClientRects()[0];
                        if (!rect) continue;
                        const key = Math.round(rect.top / 4);
                        lines.set(key, (lines.get(key) || 0) + 1);
                    }
                }
                const counts = [...lines.values()];
                out.push(...counts.slice(0, -1));  // a paragraph's last line is short
            }
            return out;
        }"""
    )
    assert len(lengths) >= 10
    average = sum(lengths) / len(lengths)
    assert 58 <= average <= 78, f"{average:.0f} characters a line"
    assert max(lengths) <= 85, max(lengths)


def test_the_page_contents_still_open_on_a_wide_screen(wide):
    """furo's table of contents of the page moves into its drawer, and the drawer opens."""
    assert wide.evaluate("() => document.querySelector('.toc-drawer').getBoundingClientRect().left") >= 1440
    wide.click("label[for='__toc'].toc-content-icon, .content-icon-container label[for='__toc']")
    wide.wait_for_timeout(400)
    left = wide.evaluate("() => document.querySelector('.toc-drawer').getBoundingClientRect().left")
    assert left < 1440, "the page's contents did not open"
    titles = wide.evaluate("() => [...document.querySelectorAll('.toc-drawer a')].map(a => a.textContent)")
    assert "Appearance and doctrine" in titles, titles


TIMELINE = "book/timeline.html"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_timeline_figure_and_table(contexts, theme):
    ctx, page = _open(contexts, TIMELINE, theme=theme)
    try:
        figure = page.evaluate(
            """() => {
                const svg = document.querySelector('figure.timeline-figure svg');
                const labels = [...svg.querySelectorAll('text.timeline-label')].map(t => {
                    const r = t.getBoundingClientRect();
                    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
                });
                const links = [...svg.querySelectorAll('a')].map(a => a.getAttribute('href'));
                const rows = [...document.querySelectorAll('table.timeline-table tbody tr')].length;
                return {labels, links, rows, title: svg.querySelector('title').textContent,
                        desc: svg.querySelector('desc').textContent,
                        labelledby: svg.getAttribute('aria-labelledby'),
                        fill: getComputedStyle(svg.querySelector('text.timeline-year')).fill,
                        background: getComputedStyle(document.body).backgroundColor,
                        scripts: svg.querySelectorAll('script').length};
            }"""
        )
        assert len(figure["labels"]) >= 12 and figure["rows"] == len(figure["labels"])
        assert len(figure["links"]) == len(figure["labels"]), "every event links to its note or entry"
        boxes = sorted(figure["labels"], key=lambda b: b["top"])
        for a, b in itertools.pairwise(boxes):
            assert b["top"] >= a["bottom"] - 0.5, f"labels overlap: {a} {b}"
        assert figure["title"] and figure["desc"] and figure["labelledby"] and figure["scripts"] == 0
        # The figure takes the page's colours: light text on dark, dark text on light.
        fill = sum(int(c) for c in re.findall(r"\d+", figure["fill"])[:3])
        back = sum(int(c) for c in re.findall(r"\d+", figure["background"])[:3])
        assert (fill > back) == (theme == "dark"), (figure["fill"], figure["background"])
        # Each link leads to a note or an entry that exists.
        for href in figure["links"]:
            target = page.evaluate("(h) => new URL(h, location.href).href", href)
            page2 = ctx.new_page()
            page2.goto(target)
            fragment = target.split("#", 1)[1]
            assert page2.evaluate("(id) => !!document.getElementById(decodeURIComponent(id))", fragment), target
            page2.close()
    finally:
        ctx.close()
