"""Previews of glossary terms and notes: by mouse, keyboard and touch, dismissible, accessible.

The popup's text is compared with the glossary page and the note as the built
files have them, so a preview that showed something else (or nothing) fails.
"""

from __future__ import annotations

import pytest
from browser_helpers import definition, describe, norm, note_text, run_axe

pytestmark = pytest.mark.browser

PART = "book/trotsky-and-stalin/index.html"
GOATEE = "a.reference.internal[href$='#term-goatee']"
FIRST_NOTE = "a.footnote-reference >> nth=0"
POPUP = ".essaybook-preview"


def popup_state(page) -> dict:
    return page.evaluate(
        """() => {
            const p = document.querySelector('.essaybook-preview');
            if (!p) return null;
            const r = p.getBoundingClientRect();
            const trigger = document.querySelector(`[aria-describedby="${p.id}"]`);
            return {text: p.innerText, role: p.getAttribute('role'), trigger: trigger && trigger.getAttribute('href'),
                    left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    ids: p.querySelectorAll('[id]').length, links: [...p.querySelectorAll('a')].map(a => a.href),
                    background: getComputedStyle(p).backgroundColor};
        }"""
    )


def test_hover_shows_the_definition_and_moving_away_hides_it(visit, site_dir):
    page = visit(PART).page
    page.hover(GOATEE)
    page.wait_for_selector(POPUP)
    state = popup_state(page)
    assert state["role"] == "tooltip" and state["trigger"].endswith("#term-goatee")
    assert definition(site_dir, "term-goatee") in norm(state["text"])
    assert norm(state["text"]).startswith("goatee ")
    assert state["ids"] == 0, "cloned content must not repeat the glossary's ids"
    assert any(link.endswith("book/glossary.html#term-goatee") for link in state["links"])
    # The mouse can travel into the popup without closing it...
    page.hover(POPUP)
    page.wait_for_timeout(400)
    assert page.locator(POPUP).count() == 1
    # ...and leaving both closes it.
    page.mouse.move(5, 890)
    page.wait_for_selector(POPUP, state="detached")


def test_hover_on_a_note_number_shows_the_note_with_working_links(visit, site_dir):
    page = visit(PART).page
    note_id = page.get_attribute(FIRST_NOTE, "href").lstrip("#")
    page.hover(FIRST_NOTE)
    page.wait_for_selector(POPUP)
    state = popup_state(page)
    assert norm(state["text"]).startswith("Note 1 ")
    assert note_text(site_dir, PART, note_id) in norm(state["text"])
    # A link inside the note (a glossary term) leads where it leads on the page.
    page.hover(POPUP)
    inner = page.locator(f"{POPUP} a[href*='glossary.html#term-']").first
    href = inner.get_attribute("href")
    inner.click()
    page.wait_for_url(href)
    assert page.url == href


def test_esc_closes_a_preview(visit):
    page = visit(PART).page
    page.hover(GOATEE)
    page.wait_for_selector(POPUP)
    page.keyboard.press("Escape")
    page.wait_for_selector(POPUP, state="detached")


def test_keyboard_focus_opens_tabs_into_and_esc_returns(visit, site_dir):
    """Tab to the first term link: its preview opens, with a visible focus ring; Tab goes into it."""
    page = visit(PART).page
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.querySelector(':scope > span.std-term')"):
            break
    else:
        pytest.fail("Tab never reached a glossary term link")
    page.wait_for_selector(POPUP)
    focused = page.evaluate(
        """() => { const a = document.activeElement, s = getComputedStyle(a);
                   return {href: a.getAttribute('href'), outline: s.outlineStyle,
                           width: parseFloat(s.outlineWidth)}; }"""
    )
    assert focused["outline"] != "none" and focused["width"] >= 2, focused
    term_id = focused["href"].split("#")[1]
    assert definition(site_dir, term_id) in norm(popup_state(page)["text"])
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.essaybook-preview')"), "Tab should enter the popup"
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert ring != "none", "a link inside the popup shows no focus ring"
    assert page.locator(POPUP).count() == 1
    page.keyboard.press("Escape")
    page.wait_for_selector(POPUP, state="detached")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == focused["href"]
    # Tab onwards from the link (popup closed) leaves no popup behind.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.locator(f"{POPUP} >> visible=true").count() <= 1


def test_tap_opens_and_a_second_tap_follows(visit, site_dir):
    v = visit(PART, device="phone")
    page = v.page
    start = page.url
    page.tap(GOATEE)
    page.wait_for_selector(POPUP)
    assert page.url == start, "the first tap must only open the preview"
    state = popup_state(page)
    assert definition(site_dir, "term-goatee") in norm(state["text"])
    assert state["left"] >= 0 and state["right"] <= 375, state
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.tap(GOATEE)
    page.wait_for_url("**/book/glossary.html#term-goatee")


def test_tap_on_the_popup_link_follows_it(visit):
    page = visit(PART, device="phone").page
    page.tap(FIRST_NOTE)
    page.wait_for_selector(POPUP)
    more = page.locator(f"{POPUP} .essaybook-preview-more a")
    href = more.get_attribute("href")
    more.tap()
    page.wait_for_function("h => location.href === h", arg=href)
    # Tapping elsewhere closes a preview.
    page.tap(GOATEE)
    page.wait_for_selector(POPUP)
    page.tap("h1")
    page.wait_for_selector(POPUP, state="detached")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_open_preview_is_themed_and_passes_axe(visit, axe_source, theme):
    page = visit(PART, theme=theme).page
    page.hover(GOATEE)
    page.wait_for_selector(POPUP)
    state = popup_state(page)
    # furo's own background colour: white in light mode, near-black in dark mode.
    rgb = [int(c) for c in state["background"][state["background"].index("(") + 1 : -1].split(",")[:3]]
    assert (sum(rgb) > 700) if theme == "light" else (sum(rgb) < 150), state["background"]
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)
