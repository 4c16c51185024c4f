"""Search, as a reader uses it: the results list the right pages, and a result lands on the hit.

Expected pages come from the built files (which pages hold the word or the
phrase), not from a list written here, so the checks follow the book. Every
test runs twice (``search_book``): with Sphinx's whole index, which small books
use, and with the index in pieces that large books use (essaybook.sphinx_ext.search.shards),
forced on for this book; each run checks it used the index it names.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import PART_WITH, definition, essay_text, main_text, norm, results_of, search

pytestmark = pytest.mark.browser

LANDED = """() => {
    const hit = document.querySelector('.essaybook-hit');
    if (!hit) return null;
    const r = hit.getBoundingClientRect();
    return {id: hit.id, tag: hit.tagName, inEssay: !!hit.closest('.essay-text'), text: hit.textContent,
            marks: [...hit.querySelectorAll('mark.essaybook-mark')].map(m => m.textContent),
            focused: document.activeElement === hit,
            visible: r.top >= 0 && r.bottom <= innerHeight, outline: getComputedStyle(hit).outlineStyle};
}"""


def used_its_index(book) -> None:
    """The searches ran on the book's own index, whole or in pieces, and no page logged an error."""
    whole, pieces = book.index_requests()
    if book.engine == "whole":
        assert whole and not pieces, (whole, pieces)
    else:
        assert pieces and not whole, (whole, pieces)
        assert any(p.endswith("/_searchindex/manifest.json") for p in pieces), pieces
    # A request cut off by the next navigation (a search, a click) is the test's doing, not the book's.
    errors = [e for v in book.opened for e in v.errors if not e.endswith("net::ERR_ABORTED")]
    assert not errors, errors


def land(page, href: str) -> dict:
    page.locator(f"ul.search > li > a[href='{href}']").first.click()
    page.wait_for_load_state("load")
    page.wait_for_function("() => !!document.querySelector('.essaybook-hit')")
    page.wait_for_timeout(100)  # let the scroll settle
    landed = page.evaluate(LANDED)
    landed["url"] = page.url
    return landed


@pytest.mark.parametrize("word", sorted(PART_WITH))
def test_a_word_finds_its_part_and_lands_on_the_paragraph(search_book, word):
    site_dir = search_book.site
    part = PART_WITH[word]
    assert word.lower() in essay_text(site_dir, part).lower(), f"the essay's {part} no longer holds {word!r}"
    v = search_book.visit("index.html")
    results = search(v.page, word)
    hrefs = [r["href"] for r in results]
    part_links = [h for h in hrefs if h.split("?")[0].endswith(part)]
    assert part_links, f"searching {word!r} does not list {part}: {hrefs}"
    assert all("find=" in h for h in hrefs), hrefs
    landed = land(v.page, part_links[0])
    assert landed["inEssay"] and landed["tag"] == "P", landed
    assert word.lower() in landed["text"].lower()
    assert [m.lower() for m in landed["marks"]] and all(m.lower() == word.lower() for m in landed["marks"]), landed
    assert landed["visible"] and landed["focused"] and landed["outline"] != "none", landed
    used_its_index(search_book)
    print(f"\n{word!r}: {len(results)} results; landed on {landed['url'].split('/', 3)[-1]} #{landed['id']}")


def test_a_quoted_phrase_matches_only_as_a_phrase(search_book, pages):
    site_dir = search_book.site
    phrase = "one hell of a"
    holders = {p for p in pages if p != "search.html" and phrase in main_text(site_dir, p).lower()}
    assert holders == {"book/trotsky-and-stalin/index.html"}, holders
    v = search_book.visit("index.html")
    loose = search(v.page, phrase)
    quoted = search(v.page, f'"{phrase}"')
    listed = {r["href"].split("?")[0].split("/", 3)[-1] for r in quoted}
    assert listed == holders, f"a phrase query lists {listed}, but only {holders} hold the phrase"
    assert {r["href"].split("?")[0].split("/", 3)[-1] for r in loose} >= listed
    assert phrase in norm(quoted[0]["summary"]).lower(), quoted[0]
    landed = land(v.page, quoted[0]["href"])
    assert landed["inEssay"] and phrase in landed["text"].lower()
    assert [m.lower() for m in landed["marks"]] == [phrase] * landed["text"].lower().count(phrase), landed
    used_its_index(search_book)
    print(f"\n'\"{phrase}\"': {len(quoted)} result(s); landed on {landed['url'].split('/', 3)[-1]} #{landed['id']}")


def test_glossary_entries_are_results_with_their_definition(search_book):
    site_dir = search_book.site
    v = search_book.visit("index.html")
    results = search(v.page, "goatee")
    entries = [r for r in results if r["kind"] == "kind-object"]
    assert len(entries) == 1 and entries[0]["href"].endswith("#term-goatee"), results
    # The definition is the summary, cut at a word like every summary when it is long.
    summary, full = norm(entries[0]["summary"]), definition(site_dir, "term-goatee")
    assert summary == full or (summary.endswith(" ...") and full.startswith(summary[:-4])), (summary, full)
    assert len(summary) >= 100
    assert any(r["href"].split("?")[0].endswith(PART_WITH["goatee"]) for r in results), results
    # Each place is listed once (Sphinx alone lists the entry twice, and "see" entries without anchors).
    places = [r["href"] for r in results]
    assert len(places) == len(set(places)), places
    landed = land(v.page, entries[0]["href"])
    assert landed["tag"] == "DT" and landed["id"] == "term-goatee" and landed["marks"] == ["goatee"], landed
    used_its_index(search_book)
    print(f"\n'goatee' glossary entry: landed on {landed['url'].split('/', 3)[-1]}")


def test_a_result_snippet_comes_from_the_page_over_http(search_book):
    site_dir = search_book.site
    """Summaries need http (Sphinx fetches each page); on 127.0.0.1 they are there."""
    v = search_book.visit("index.html")
    results = search(v.page, "Luxembourg")
    part = next(r for r in results if r["href"].split("?")[0].endswith(PART_WITH["Luxembourg"]))
    assert "Luxembourg" in part["summary"]
    assert re.search(r"\bLuxembourg\b", essay_text(site_dir, PART_WITH["Luxembourg"]))
    used_its_index(search_book)


def test_a_phrase_filters_out_pages_with_the_words_apart(search_book, pages):
    site_dir = search_book.site
    """ "tash and beard": the glossary has both words, only the essay has the phrase; reversed, nothing has it."""
    phrase = "tash and beard"
    holders = {p for p in pages if p != "search.html" and phrase in main_text(site_dir, p).lower()}
    with_words = {
        p for p in pages if p != "search.html" and {"tash", "beard"} <= set(main_text(site_dir, p).lower().split())
    }
    assert holders and with_words > holders, (holders, with_words)
    v = search_book.visit("index.html")
    loose = {r["href"].split("?")[0].split("/", 3)[-1] for r in search(v.page, phrase)}
    quoted = {r["href"].split("?")[0].split("/", 3)[-1] for r in search(v.page, f'"{phrase}"')}
    assert loose > quoted, (loose, quoted)
    assert quoted == holders, quoted
    assert search(v.page, '"beard and tash"') == []
    used_its_index(search_book)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_results_page_passes_axe(search_book, axe_source, theme):
    """The results list, summaries and marks keep axe-core's rules with either index."""
    from browser_helpers import describe, run_axe

    v = search_book.visit("search.html?q=goatee", theme=theme)
    assert results_of(v.page), "the results page must be checked with results on it"
    v.page.wait_for_selector("ul.search > li.kind-object p.context")
    violations = run_axe(v.page, axe_source)
    assert not violations, describe(violations)
    used_its_index(search_book)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_landed_page_passes_axe(visit, axe_source, theme):
    """The marked paragraph and its <mark>s keep enough contrast in both themes."""
    from browser_helpers import describe, run_axe

    page = visit(f"{PART_WITH['goatee']}?find=%22one+hell+of+a%22+goatee", theme=theme).page
    page.wait_for_selector(".essaybook-hit mark.essaybook-mark")
    assert page.locator(".essaybook-hit mark.essaybook-mark").count() == 3
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)


# --- Read the Docs' search, where it is on ---------------------------------------------

# What Read the Docs' addons do on a page, as far as the book meets them: they report their
# data (the `readthedocs-addons-data-ready` event, whose `detail.data()` holds which addons
# are on), and open their search box on `readthedocs-search-show`. The stub records each
# time it is asked to open.
ADDONS_STUB = """
window.__rtdSearchShown = 0;
document.addEventListener("readthedocs-search-show", () => { window.__rtdSearchShown += 1; });
document.addEventListener("DOMContentLoaded", () => {
    const data = {addons: {search: {enabled: %s}}};
    document.dispatchEvent(new CustomEvent("readthedocs-addons-data-ready", {detail: {data: () => data}}));
});
"""
SIDEBAR_FIELD = ".sidebar-search-container input[name='q']"


@pytest.fixture
def addons_page(browser, base_url):
    """A page of the book opened with the addons stub (their search on or off)."""
    made = []

    def _open(path: str, search_on: bool):
        ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        ctx.add_init_script(ADDONS_STUB % ("true" if search_on else "false"))
        page = ctx.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path, wait_until="load")
        made.append(ctx)
        return page, errors

    yield _open
    for ctx in made:
        ctx.close()


def test_page_names_the_addons_api_version_it_reads(site_dir) -> None:
    html = (site_dir / "index.html").read_text("utf-8")
    assert '<meta name="readthedocs-addons-api-version" content="1" />' in html


def test_without_the_addons_the_sidebar_searches_the_book(visit) -> None:
    v = visit("book/glossary.html")
    field = v.page.locator(SIDEBAR_FIELD)
    field.click()
    field.fill("goatee")
    field.press("Enter")
    v.page.wait_for_url(re.compile(r"/search\.html\?q=goatee"))
    v.page.wait_for_function("() => document.querySelectorAll('ul.search > li').length > 0")
    assert any("trotsky-and-stalin" in r["href"] for r in results_of(v.page))
    assert not v.errors, v.errors


def test_with_read_the_docs_search_on_the_sidebar_opens_it(addons_page) -> None:
    page, errors = addons_page("book/glossary.html", search_on=True)
    field = page.locator(SIDEBAR_FIELD)
    field.click()
    assert page.evaluate("window.__rtdSearchShown") == 1
    # Typing into the field and sending it opens theirs again, and never leaves the page.
    field.press("g")
    field.focus()
    field.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__rtdSearchShown") >= 2
    assert page.url.endswith("/book/glossary.html"), page.url
    assert not errors, errors


def test_with_read_the_docs_search_off_the_sidebar_searches_the_book(addons_page) -> None:
    page, errors = addons_page("book/glossary.html", search_on=False)
    field = page.locator(SIDEBAR_FIELD)
    field.click()
    field.fill("goatee")
    field.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=goatee"))
    assert page.evaluate("window.__rtdSearchShown") == 0
    assert not errors, errors
