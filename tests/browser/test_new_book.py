"""Search in a book that ``essaybook new`` started from the installed wheel (tests/pressbuild.py builds it)."""

from __future__ import annotations

import pytest
from browser_helpers import search, serving

pytestmark = pytest.mark.browser


def test_search_finds_the_new_essay_and_lands_on_its_paragraph(press_book, browser) -> None:
    site = press_book.book / "_build" / "html"
    assert press_book.runs["make html"].returncode == 0, press_book.runs["make html"].stderr[-3000:]
    with serving(site) as url:
        context = browser.new_context(base_url=url)
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            results = search(page, "quinquennial")
            hrefs = [r["href"] for r in results]
            essay = [h for h in hrefs if "book/on-trials/index.html" in h]
            assert essay, f"the new essay is not among the results: {hrefs}"
            page.locator("ul.search > li > a").first.click()
            page.wait_for_function("() => !!document.querySelector('.essaybook-hit')")
            hit = page.evaluate(
                "() => { const h = document.querySelector('.essaybook-hit');"
                " return {inEssay: !!h.closest('.essay-text'),"
                " marks: [...h.querySelectorAll('mark')].map(m => m.textContent)}; }"
            )
            assert hit == {"inEssay": True, "marks": ["quinquennial"]}, hit
            assert errors == []
        finally:
            context.close()
