"""Screenshots of each kind of page, light and dark, desktop and phone, for a person to look at.

Written to ``_build/screenshots/`` (``<kind>-<device>-<theme>.png``). The test
checks that each shot was taken of a finished page in the intended colours;
whether it looks right is for the reader of the pictures.
"""

from __future__ import annotations

import pytest
from browser_helpers import results_of

pytestmark = pytest.mark.browser

PART = "book/trotsky-and-stalin/index.html"  # the essay, on one page


def _preview(page, device: str) -> None:
    link = "a.reference.internal[href$='#term-goatee']"
    page.locator(link).scroll_into_view_if_needed()
    if device == "phone":
        page.tap(link)
    else:
        page.hover(link)
    page.wait_for_selector(".essaybook-preview")


def _landing(page, device: str) -> None:
    page.wait_for_selector(".essaybook-hit")
    page.wait_for_timeout(150)


KINDS = {
    "title": ("index.html", None),
    "essay": (PART, None),
    "glossary": ("book/glossary.html", None),
    "timeline": ("book/timeline.html", None),
    "sources": ("book/sources.html", None),
    "about": ("about.html", None),
    "index": ("genindex.html", None),
    "search": ("search.html?q=goatee", lambda page, device: results_of(page)),
    "preview": (PART, _preview),
    "landing": (f"{PART}?find=%22one+hell+of+a%22", _landing),
}


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(visit, screenshots_dir, device, theme):
    taken = []
    for kind, (path, prepare) in KINDS.items():
        page = visit(path, device=device, theme=theme).page
        if prepare:
            prepare(page, device)
        assert page.evaluate("() => document.body.dataset.theme") == theme
        out = screenshots_dir / f"{kind}-{device}-{theme}.png"
        page.screenshot(path=str(out))
        assert out.stat().st_size > 5_000, out
        taken.append(out.name)
        page.close()
    assert len(taken) == len(KINDS)
