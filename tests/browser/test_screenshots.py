"""Screenshots of each kind of page, light and dark, desktop and phone, and the PDF's pages, to look at.

Written to ``_build/screenshots/``: ``<kind>-<device>-<theme>.png`` for each
kind of page; ``margin-<book>-<width>-<theme>.png``, the whole essay page at
each width where the notes stand in the margin, down to its last note, for
the real essay and the generated one whose notes crowd the margin; and
``pdf/page-NN.png``, every page of the PDF as ``pdftoppm`` renders it. The
tests check that each shot was taken of a finished page in the intended
colours and that every page of the PDF was rendered; whether it looks right
is for the reader of the pictures.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from browser_helpers import ESSAY, results_of
from dense_notes import PAGE as DENSE

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


@pytest.mark.parametrize("width", [1248, 1440, 1920])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_margin_screenshots(browser, base_url, dense_url, screenshots_dir, width, theme):
    """The essay page whole, at each width where the notes stand in the margin: down to the last note."""
    for book, url, path in (("essay", base_url, ESSAY), ("dense", dense_url, DENSE)):
        ctx = browser.new_context(base_url=url, viewport={"width": width, "height": 900}, color_scheme=theme)
        ctx.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
        try:
            page = ctx.new_page()
            page.goto(path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(100)
            assert page.evaluate("() => document.body.dataset.theme") == theme
            last = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('aside.footnote')]"
                ".map(a => a.getBoundingClientRect().bottom + scrollY))"
            )
            out = screenshots_dir / f"margin-{book}-{width}-{theme}.png"
            page.screenshot(path=str(out), full_page=True)
            height = page.evaluate("() => document.documentElement.scrollHeight")
            assert height >= last - 1, f"the page ends at {height} px, above its last note ({last:.0f} px)"
            assert out.stat().st_size > 20_000, out
        finally:
            ctx.close()


def test_pdf_pages(built_pdf: Path, screenshots_dir: Path):
    """Every page of the PDF rendered by poppler's pdftoppm, as a reader's viewer would show it."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: apt-get install poppler-utils"
    folder = screenshots_dir / "pdf"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    subprocess.run([pdftoppm, "-r", "70", "-png", str(built_pdf), str(folder / "page")], check=True)
    info = subprocess.run(["pdfinfo", str(built_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    shots = sorted(folder.glob("page-*.png"))
    assert len(shots) == pages >= 8
    assert all(shot.stat().st_size > 3_000 for shot in shots), "a rendered page is blank"
