"""The editors' notes beside their sentences, in Chromium, at every width.

Measured on the laid-out page, for every note of the real essay and of a
generated essay whose notes stand on ten consecutive lines
(``dense_notes.py``): at 1,248, 1,440 and 1,920 px each note stands in the
margin, its visible start 0 to 600 px below its marker's line and below the
note before it; folded, it shows its number and its opening lines; it opens
in place by click and by Enter, whole where the margin has room, where a
link led to it, and in print; its whole text is in the accessibility tree
even folded; with scripts off it still folds, opens and keeps its place. On
a phone (375 and 320 px) every note follows its paragraph, whole, and
nothing scrolls sideways.
"""

from __future__ import annotations

import itertools
import re

import pytest
from browser_helpers import ESSAY, describe, norm, note_text, run_axe
from dense_notes import PAGE as DENSE
from dense_notes import RUN

pytestmark = pytest.mark.browser

WIDE = (1248, 1440, 1920)
PHONES = (375, 320)
REACH = 600  # px: how far below its marker's line a note may start

# Every note of the page and its marker, laid out (page coordinates).
LAYOUT = """() => {
    const y = scrollY;
    const column = document.querySelector('.essay-text').getBoundingClientRect();
    const notes = [...document.querySelectorAll('.essay-text aside.footnote')].map(note => {
        const marker = document.querySelector(`a.footnote-reference[href="#${CSS.escape(note.id)}"]`);
        const line = marker.getClientRects()[0];
        const box = note.getBoundingClientRect();
        const fold = note.querySelector(':scope > details.sidenote-fold');
        const label = note.querySelector(':scope > .label');
        const summary = fold.querySelector(':scope > summary');
        const body = [...fold.children].filter(el => el !== summary);
        const first = body[0].getBoundingClientRect(), last = body[body.length - 1].getBoundingClientRect();
        const paragraph = marker.closest('p').getBoundingClientRect();
        const lineHeight = parseFloat(getComputedStyle(body[0]).lineHeight);
        return {
            id: note.id, number: label.textContent.replace(/[^0-9]/g, ''), open: fold.open,
            line: line.top + y, top: box.top + y, bottom: box.bottom + y, left: box.left, right: box.right,
            labelTop: label.getBoundingClientRect().top + y, firstTop: first.top + y, lineHeight,
            whole: last.bottom <= box.bottom + 0.5,
            control: getComputedStyle(summary).display !== 'none' && summary.getBoundingClientRect().height > 0,
            controlInside: summary.getBoundingClientRect().bottom <= box.bottom + 0.5,
            paragraphBottom: paragraph.bottom + y,
            textLineHeight: parseFloat(getComputedStyle(marker.closest('p')).lineHeight),
        };
    });
    return {column: {left: column.left, right: column.right}, notes,
            scroll: document.documentElement.scrollWidth, width: innerWidth};
}"""


@pytest.fixture
def open_page(browser, base_url, dense_url):
    """Open the real essay ("essay") or the generated one ("dense") at a width, scripts on or off."""
    made = []

    def _open(book: str, width: int, *, scripts: bool = True, fragment: str = "", theme: str = "light", **options):
        url, path = (base_url, ESSAY) if book == "essay" else (dense_url, DENSE)
        ctx = browser.new_context(
            base_url=url,
            viewport={"width": width, "height": 900},
            java_script_enabled=scripts,
            color_scheme=theme,
            **options,
        )
        ctx.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
        made.append(ctx)
        page = ctx.new_page()
        page.goto(path + fragment)
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # the script lays out on the next frame after load
        return page

    yield _open
    for ctx in made:
        ctx.close()


def _assert_beside_their_markers(got: dict, where: str) -> None:
    notes = got["notes"]
    assert notes, f"{where}: no notes"
    assert got["scroll"] <= got["width"], f"{where}: the page scrolls sideways ({got['scroll']} px)"
    previous = None
    for note in notes:
        name = f"{where}: note {note['number']} ({note['id']})"
        # In the margin: right of the essay's column, inside the window.
        assert note["left"] >= got["column"]["right"] + 8 and note["right"] <= got["width"], name
        # Its visible start: at or below its marker's line, within reach of it.
        below = note["top"] - note["line"]
        assert -1 <= below <= REACH, f"{name} starts {below:.0f} px below its marker's line"
        if previous is not None:
            assert note["top"] >= previous["bottom"] - 0.5, f"{name} overlaps note {previous['number']}"
        # It shows its number and its opening: the number at its top, a line or more of its text.
        assert note["labelTop"] - note["top"] < note["lineHeight"], name
        assert note["bottom"] - note["firstTop"] >= 2 * note["lineHeight"], f"{name} shows less than two lines"
        # Folded, its control is there to open it; whole, all its text is inside its box.
        assert note["whole"] or (note["control"] and note["controlInside"]), f"{name} is cut short with no 'more'"
        previous = note


@pytest.mark.parametrize("width", WIDE)
def test_every_note_of_the_essay_stands_beside_its_marker(open_page, width):
    got = open_page("essay", width).evaluate(LAYOUT)
    assert len(got["notes"]) >= 12
    _assert_beside_their_markers(got, f"essay at {width} px")
    # The first note is level with its marker; folding keeps the rest close (whole, note 18 was 2,660 px away).
    assert abs(got["notes"][0]["top"] - got["notes"][0]["line"]) <= 1
    assert any(not n["whole"] for n in got["notes"]), "every note whole: the margin cannot hold them beside the text"


@pytest.mark.parametrize("width", WIDE)
def test_ten_notes_on_ten_consecutive_lines_stay_within_reach(open_page, width):
    got = open_page("dense", width).evaluate(LAYOUT)
    run = got["notes"][:RUN]
    # The generated essay does what it says: one marker on each of ten consecutive lines.
    lines = [n["line"] for n in run]
    steps = [b - a for a, b in itertools.pairwise(lines)]
    height = run[0]["textLineHeight"]
    assert all(0.8 * height < step < 1.25 * height for step in steps), f"markers not on consecutive lines: {steps}"
    _assert_beside_their_markers(got, f"generated essay at {width} px")


@pytest.mark.parametrize("book", ["essay", "dense"])
def test_a_note_opens_whole_where_the_margin_has_room(open_page, book):
    got = open_page(book, 1440).evaluate(LAYOUT)
    notes = got["notes"]
    assert notes[-1]["whole"] and notes[-1]["open"], "the last note has the margin below it to itself"
    for note, following in itertools.pairwise(notes):
        if note["open"]:
            # Opened whole, it moved no other note: the next still stands at its own marker's line
            # (every note of these essays is longer than its fold, so opening one that had no room
            # would have pushed the next down).
            assert following["top"] <= following["line"] + 1, f"note {note['number']} pushed the next down"
    if book == "dense":
        # The crowded run stays folded; the note after it, with a long paragraph beside it, opens.
        assert not any(n["whole"] for n in notes[: RUN - 1])
        assert notes[RUN]["whole"] and notes[RUN]["open"]


def test_a_folded_note_opens_in_place_by_click_and_by_enter(open_page):
    page = open_page("essay", 1440)
    before = page.evaluate(LAYOUT)["notes"]
    folded = [i for i, n in enumerate(before) if not n["whole"]]
    assert len(folded) >= 2
    first, second = folded[0], folded[1]
    # A click on its "more" opens it where it stands; the notes after it make room.
    page.locator(f"#{before[first]['id']} > details > summary").click()
    after = page.evaluate(LAYOUT)["notes"]
    assert after[first]["open"] and after[first]["whole"], "the click did not open the note"
    assert abs(after[first]["top"] - before[first]["top"]) <= 1, "the note moved as it opened"
    assert after[first + 1]["top"] >= after[first]["bottom"], "the next note did not make room"
    # The keyboard: Tab from the note's number reaches its control, Enter opens it, Enter again folds it.
    note_id = before[second]["id"]
    page.focus(f"#{note_id} > .label a")
    page.keyboard.press("Tab")
    assert page.evaluate(
        "(id) => document.activeElement === document.querySelector(`#${id} > details > summary`)", note_id
    )
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none", "the control shows no focus ring"
    page.keyboard.press("Enter")
    assert page.evaluate("(id) => document.querySelector(`#${id} > details`).open", note_id)
    whole = {n["id"]: n["whole"] for n in page.evaluate(LAYOUT)["notes"]}
    assert whole[note_id], "Enter did not show the whole note"
    page.keyboard.press("Enter")
    assert not page.evaluate("(id) => document.querySelector(`#${id} > details`).open", note_id)
    # Opened, the notes still never overlap.
    got = page.evaluate(LAYOUT)["notes"]
    for a, b in itertools.pairwise(got):
        assert b["top"] >= a["bottom"] - 0.5


@pytest.mark.parametrize("scripts", [True, False])
def test_a_note_a_link_led_to_opens_whole(open_page, scripts):
    notes = open_page("essay", 1440).evaluate(LAYOUT)["notes"]
    target = next(n for n in notes if not n["whole"])
    page = open_page("essay", 1440, scripts=scripts, fragment=f"#{target['id']}")
    got = {n["id"]: n for n in page.evaluate(LAYOUT)["notes"]}
    assert got[target["id"]]["whole"], f"note {target['number']} is folded though a link led to it"
    assert not got[target["id"]]["control"] or got[target["id"]]["open"]


def test_without_scripts_notes_fold_open_and_keep_their_place(open_page):
    page = open_page("essay", 1440, scripts=False)
    got = page.evaluate(LAYOUT)
    assert not any(n["open"] for n in got["notes"])
    _assert_beside_their_markers(got, "essay without scripts")
    note = got["notes"][1]["id"]
    page.locator(f"#{note} > details > summary").click()
    assert {n["id"]: n["whole"] for n in page.evaluate(LAYOUT)["notes"]}[note]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _tree_text(snapshot: str) -> str:
    """The words of an accessibility snapshot (Playwright's YAML): names and text, not roles or addresses."""
    out = []
    for line in snapshot.splitlines():
        item = line.strip().removeprefix("- ")
        if item.startswith("/url:"):
            continue
        if named := re.match(r'[\w-]+ "(.*)"(?: \[[^]]*\])*:?$', item):
            out.append(named.group(1))
        elif ": " in item:
            out.append(item.split(": ", 1)[1].strip('"'))
    return " ".join(_words(" ".join(out)))


def _accessible(page, selector: str) -> dict:
    """What Chromium tells assistive technology of an element: role, name and properties (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        (ax,) = [n for n in cdp.send("Accessibility.getPartialAXTree", {"nodeId": node})["nodes"] if not n["ignored"]][
            :1
        ]
    finally:
        cdp.detach()
    props = {p["name"]: p["value"].get("value") for p in ax.get("properties", [])}
    return {"role": ax["role"]["value"], "name": ax.get("name", {}).get("value", ""), **props}


def test_screen_readers_reach_every_notes_full_text_folded(open_page, site_dir):
    page = open_page("essay", 1440)
    got = page.evaluate(LAYOUT)
    folded = [n for n in got["notes"] if not n["whole"]]
    assert folded
    for note in folded:
        tree = _tree_text(page.locator(f"#{note['id']}").aria_snapshot())
        text = " ".join(_words(note_text(site_dir, ESSAY, note["id"])))
        assert text in tree, f"note {note['number']}: its whole text is not in the accessibility tree"
        # Its control is named for the note it opens, and says it is folded.
        control = _accessible(page, f"#{note['id']} > details > summary")
        assert control["name"] == f"more of note {note['number']}", control
        assert control["expanded"] is False, control
    page.locator(f"#{folded[0]['id']} > details > summary").click()
    assert _accessible(page, f"#{folded[0]['id']} > details > summary")["expanded"] is True


def test_the_fold_adds_no_text_to_the_page(site_dir):
    """The control's words are drawn by CSS: a note's text, copied or indexed, is the editors' alone."""
    from browser_helpers import soup_of

    html = soup_of(site_dir, ESSAY)
    summaries = html.select("aside.footnote > details.sidenote-fold > summary")
    assert summaries and len(summaries) == len(html.select("aside.footnote"))
    for summary in summaries:
        number = summary.find_parent("aside").select_one(".label").get_text().strip("[] \n")
        assert summary.get_text() == "" and summary["aria-label"] == f"more of note {number}", summary


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_folded_and_opened_notes_pass_axe(open_page, axe_source, theme):
    page = open_page("essay", 1440, theme=theme)
    folded = next(n for n in page.evaluate(LAYOUT)["notes"] if not n["whole"])
    page.locator(f"#{folded['id']} > details > summary").click()
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", PHONES)
@pytest.mark.parametrize("book", ["essay", "dense"])
@pytest.mark.parametrize("scripts", [True, False])
def test_on_a_phone_notes_follow_their_paragraph_whole(open_page, book, width, scripts):
    page = open_page(book, width, scripts=scripts, has_touch=True, is_mobile=True)
    got = page.evaluate(LAYOUT)
    assert got["scroll"] <= width, f"the page is {got['scroll']} px wide on a {width} px phone"
    for note in got["notes"]:
        assert note["top"] >= note["paragraphBottom"] - 1, f"note {note['number']} is not after its paragraph"
        assert note["left"] >= got["column"]["left"] and note["right"] <= width, note
        assert note["whole"] and not note["control"], f"note {note['number']} is folded on a phone"
    # The marker's preview is still there on a phone: tapping a marker shows its note.
    if scripts:
        page.tap("a.footnote-reference >> nth=0")
        page.wait_for_selector(".essaybook-preview")
        assert note_text_in_popup(page)


def note_text_in_popup(page) -> bool:
    text = norm(page.inner_text(".essaybook-preview"))
    return text.startswith("Note 1 ") and "more" not in text.split()[:4]


@pytest.mark.parametrize("scripts", [True, False])
def test_print_shows_every_note_whole(open_page, scripts):
    page = open_page("essay", 1440, scripts=scripts)
    page.emulate_media(media="print")
    got = page.evaluate(LAYOUT)
    assert all(n["whole"] and not n["control"] for n in got["notes"]), [n["number"] for n in got["notes"]]
