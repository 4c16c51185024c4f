"""Every page of the book, in Chromium: accessible (axe-core, light and dark), private, quiet, phone-sized.

Each page is opened from the local server; every request it makes must stay on
127.0.0.1 (no CDN, no fonts or analytics from elsewhere: the book reads
offline) and nothing may reach the console as an error.
"""

from __future__ import annotations

import pytest
from browser_helpers import describe, results_of, run_axe

pytestmark = pytest.mark.browser

HEADINGS_IN_ORDER = """() => {
    const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter(h => h.getClientRects().length)
        .map(h => Number(h.tagName[1]));
    const skips = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1);
    return {levels, skips, h1: levels.filter(l => l === 1).length};
}"""


def open_page(visit, path: str, device: str = "desktop", theme: str = "light"):
    if path == "search.html":
        v = visit("search.html?q=goatee", device, theme)
        assert results_of(v.page), "search.html must be checked with results on it"
        return v
    return visit(path, device, theme)


def assert_private_and_quiet(v) -> None:
    assert v.outside_requests() == [], f"{v.page.url} asked another origin: {v.outside_requests()}"
    assert v.errors == [], f"{v.page.url} logged errors: {v.errors}"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_passes_axe(visit, pages, axe_source, theme):
    """Zero axe-core violations on every page, with furo's light and dark colours."""
    failures = {}
    for path in pages:
        v = open_page(visit, path, theme=theme)
        page = v.page
        body_theme = page.evaluate("() => document.body.dataset.theme")
        assert body_theme == theme, f"{path}: furo shows theme {body_theme!r}, not {theme!r}"
        violations = run_axe(page, axe_source)
        if violations:
            failures[path] = describe(violations)
        assert_private_and_quiet(v)
        page.close()
    assert not failures, "axe-core violations:\n" + "\n".join(f"{p}:\n{d}" for p, d in failures.items())


def test_dark_mode_is_dark(visit):
    """The dark runs above really ran dark: furo's colours changed, not just an attribute."""
    light = visit("index.html", theme="light").page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    dark = visit("index.html", theme="dark").page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)", light
    assert dark != light and sum(int(c) for c in dark[4:-1].split(",")) < 3 * 64, dark


def test_language_and_headings(visit, pages):
    """Every page says its language and has one h1, with no heading level skipped."""
    for path in pages:
        v = open_page(visit, path)
        lang = v.page.evaluate("() => document.documentElement.lang")
        assert lang == "en-GB", f"{path}: lang={lang!r}"
        h = v.page.evaluate(HEADINGS_IN_ORDER)
        assert h["h1"] == 1 and h["levels"][0] == 1, f"{path}: headings {h['levels']}"
        assert not h["skips"], f"{path}: a heading level is skipped: {h['levels']}"
        v.page.close()


def test_no_page_scrolls_sideways_on_a_phone(visit, pages):
    """At 375 px wide nothing is wider than the screen."""
    for path in pages:
        v = open_page(visit, path, device="phone")
        width = v.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px phone"
        assert_private_and_quiet(v)
        v.page.close()


def test_no_page_scrolls_sideways_at_320_px(browser, base_url, pages):
    """The narrowest phone in use: nothing is wider than 320 px either."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 320, "height": 700}, is_mobile=True, has_touch=True)
    try:
        wide = {}
        for path in pages:
            page = ctx.new_page()
            page.goto(path if path != "search.html" else "search.html?q=goatee")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
            page.close()
        assert not wide, f"pages wider than a 320 px phone: {wide}"
    finally:
        ctx.close()


def test_requests_stay_local(visit, pages):
    """The pages really loaded their scripts, styles and favicon, all from 127.0.0.1."""
    v = visit("book/trotsky-and-stalin/index.html")
    kinds = v.requests
    assert any(u.endswith(".css") or ".css?" in u for u in kinds), kinds
    assert any("essaybook-previews.js" in u for u in kinds), kinds
    icon = v.page.evaluate("() => document.querySelector('link[rel~=icon]').href")
    assert icon.startswith(v.page.url.split("/book/")[0]), icon
    response = v.page.request.get(icon)
    assert response.ok and "svg" in response.headers["content-type"], (icon, response.status)
    assert_private_and_quiet(v)
