"""Search, as a reader uses it: the results list the right pages, and a result lands on the hit.

Expected pages come from the built files (which pages hold the word or the
phrase), not from a list written here, so the checks follow the book.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import PART_WITH, definition, essay_text, main_text, norm, search

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


def land(page, href: str) -> dict:
    page.locator(f"ul.search > li > a[href='{href}']").first.click()
    page.wait_for_load_state("load")
    page.wait_for_function("() => !!document.querySelector('.essaybook-hit')")
    page.wait_for_timeout(100)  # let the scroll settle
    landed = page.evaluate(LANDED)
    landed["url"] = page.url
    return landed


@pytest.mark.parametrize("word", sorted(PART_WITH))
def test_a_word_finds_its_part_and_lands_on_the_paragraph(visit, site_dir, word):
    part = PART_WITH[word]
    assert word.lower() in essay_text(site_dir, part).lower(), f"the essay's {part} no longer holds {word!r}"
    v = visit("index.html")
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
    print(f"\n{word!r}: {len(results)} results; landed on {landed['url'].split('/', 3)[-1]} #{landed['id']}")


def test_a_quoted_phrase_matches_only_as_a_phrase(visit, site_dir, pages):
    phrase = "one hell of a"
    holders = {p for p in pages if p != "search.html" and phrase in main_text(site_dir, p).lower()}
    assert holders == {"book/trotsky-and-stalin/index.html"}, holders
    v = visit("index.html")
    loose = search(v.page, phrase)
    quoted = search(v.page, f'"{phrase}"')
    listed = {r["href"].split("?")[0].split("/", 3)[-1] for r in quoted}
    assert listed == holders, f"a phrase query lists {listed}, but only {holders} hold the phrase"
    assert {r["href"].split("?")[0].split("/", 3)[-1] for r in loose} >= listed
    assert phrase in norm(quoted[0]["summary"]).lower(), quoted[0]
    landed = land(v.page, quoted[0]["href"])
    assert landed["inEssay"] and phrase in landed["text"].lower()
    assert [m.lower() for m in landed["marks"]] == [phrase] * landed["text"].lower().count(phrase), landed
    print(f"\n'\"{phrase}\"': {len(quoted)} result(s); landed on {landed['url'].split('/', 3)[-1]} #{landed['id']}")


def test_glossary_entries_are_results_with_their_definition(visit, site_dir):
    v = visit("index.html")
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
    print(f"\n'goatee' glossary entry: landed on {landed['url'].split('/', 3)[-1]}")


def test_a_result_snippet_comes_from_the_page_over_http(visit, site_dir):
    """Summaries need http (Sphinx fetches each page); on 127.0.0.1 they are there."""
    v = visit("index.html")
    results = search(v.page, "Luxembourg")
    part = next(r for r in results if r["href"].split("?")[0].endswith(PART_WITH["Luxembourg"]))
    assert "Luxembourg" in part["summary"]
    assert re.search(r"\bLuxembourg\b", essay_text(site_dir, PART_WITH["Luxembourg"]))


def test_a_phrase_filters_out_pages_with_the_words_apart(visit, site_dir, pages):
    """ "tash and beard": the glossary has both words, only the essay has the phrase; reversed, nothing has it."""
    phrase = "tash and beard"
    holders = {p for p in pages if p != "search.html" and phrase in main_text(site_dir, p).lower()}
    with_words = {
        p for p in pages if p != "search.html" and {"tash", "beard"} <= set(main_text(site_dir, p).lower().split())
    }
    assert holders and with_words > holders, (holders, with_words)
    v = visit("index.html")
    loose = {r["href"].split("?")[0].split("/", 3)[-1] for r in search(v.page, phrase)}
    quoted = {r["href"].split("?")[0].split("/", 3)[-1] for r in search(v.page, f'"{phrase}"')}
    assert loose > quoted, (loose, quoted)
    assert quoted == holders, quoted
    assert search(v.page, '"beard and tash"') == []


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_landed_page_passes_axe(visit, axe_source, theme):
    """The marked paragraph and its <mark>s keep enough contrast in both themes."""
    from browser_helpers import describe, run_axe

    page = visit(f"{PART_WITH['goatee']}?find=%22one+hell+of+a%22+goatee", theme=theme).page
    page.wait_for_selector(".essaybook-hit mark.essaybook-mark")
    assert page.locator(".essaybook-hit mark.essaybook-mark").count() == 3
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)
