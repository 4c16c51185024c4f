"""Printing a part gives the essay and its notes, without the site's navigation.

Checked twice: the print stylesheet in Chromium (what is hidden, what shows),
and the PDF Chromium prints, read back with poppler's pdftotext.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from browser_helpers import essay_text, norm, note_text, soup_of

pytestmark = pytest.mark.browser

PART = "book/trotsky-and-stalin/index.html"
NAVIGATION = [".sidebar-drawer", ".toc-drawer", ".mobile-header", ".sidebar-search-container", ".related-pages"]
# Words only the navigation shows on this page (asserted below against the page's own text).
NAV_LABELS = ["Apparatus", "Glossary"]


def notes(site) -> list[str]:
    out = [note_text(site, PART, aside["id"]) for aside in soup_of(site, PART).select("aside.footnote")]
    assert out, "the part has no notes to print"
    return out


def test_print_stylesheet_hides_navigation_and_shows_notes(visit):
    page = visit(PART).page
    page.emulate_media(media="print")
    shown = page.evaluate(
        """(selectors) => selectors.map(s => [...document.querySelectorAll(s)].map(el =>
                [s, getComputedStyle(el).display, el.getBoundingClientRect().height]))""",
        NAVIGATION,
    )
    found = [entry for group in shown for entry in group]
    assert {s for s, _, _ in found} >= {".sidebar-drawer", ".toc-drawer", ".sidebar-search-container"}, found
    assert all(display == "none" or height == 0 for _, display, height in found), found
    notes_shown = page.evaluate(
        """() => [...document.querySelectorAll('aside.footnote')].map(el =>
                getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0)"""
    )
    assert notes_shown and all(notes_shown), notes_shown


def test_printed_pdf_holds_text_and_notes_not_navigation(visit, site_dir, tmp_path):
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    main = norm(soup_of(site_dir, PART).select_one("[role=main]").get_text())
    for label in NAV_LABELS:
        assert label not in main, f"{label!r} is in the part's own text: choose another navigation label"
    page = visit(PART).page
    pdf = tmp_path / "part.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    raw = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sheets = raw.split("\f")[:-1] if raw.endswith("\f") else raw.split("\f")
    assert sheets and all(sheet.strip() for sheet in sheets), "the PDF has a blank sheet"
    text = norm(raw)
    # Words a few at a time: the PDF breaks lines, and may hyphenate across them.
    text = text.replace("- ", "").replace("‐ ", "")
    words = essay_text(site_dir, PART).split()
    for at in (0, len(words) // 2, len(words) - 4):
        probe = " ".join(words[at : at + 4])
        assert probe in text, f"essay text not printed: {probe!r}"
    for note in notes(site_dir):
        assert note[:40] in text, f"note not printed: {note[:60]}"
    for label in NAV_LABELS:
        assert label not in text, f"the printed part shows the navigation label {label!r}"
