"""Search at real size: a book of 1,000 essays, with the default settings, stays small to search.

The book is the benchmark's corpus (near-copies of the seed essay, tests/bench/corpus.py)
built as ``make html`` builds it, so the search index is chosen by ``essaybook_search =
"auto"``. What is checked is bytes, never time: everything sent to the browser
before the first result showed stays under 300 kB, where
Sphinx's whole index alone is 2.8 MB. Bytes are counted where they leave: the
test's server logs each response with the moment its request arrived.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import pytest
from browser_helpers import first_result_transfer, norm, results_of, serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ESSAYS = 1000
BUDGET = 300_000  # bytes before the first result (issue 12)


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from corpus import make_corpus

    from sitebuild import build_html, copy_project

    corpus = make_corpus(tmp_path_factory.mktemp("corpus"), ESSAYS)
    project = copy_project(tmp_path_factory.mktemp("large"), seeds=corpus / "seeds", conf=corpus / "conf")
    return build_html(project, extra=["-j", "auto"]).check()


SERVED: list = []  # what the server sent, with when each request arrived


@pytest.fixture(scope="module")
def large_url(large_site: Path) -> Iterator[str]:
    with serving(large_site, log=SERVED) as url:
        yield url


@pytest.mark.parametrize("query", ["difference", "trotsky stalin", "goatee", '"one hell of a"', '"tash and beard"'])
def test_the_first_result_comes_within_300_kb(browser, large_site, large_url, query):
    """Bytes the server sent (headers and bodies) for requests that arrived before the first result showed."""
    whole = (large_site / "searchindex.js").stat().st_size
    assert whole > 4 * BUDGET, f"Sphinx's whole index is only {whole} bytes: this book is not large"
    context = browser.new_context()
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
    try:
        got = first_result_transfer(context, f"{large_url}search.html?q={quote_plus(query)}", SERVED)
    finally:
        context.close()
    paths = [urlsplit(u).path for u in got["urls"]]
    assert paths and paths[0] == "/search.html", paths
    assert not any(p.endswith("/searchindex.js") for p in paths), paths
    assert any("/_searchindex/" in p for p in paths), paths
    assert not outside, outside
    print(f"\n{query!r}: {got['bytes'] / 1000:.0f} kB in {got['requests']} requests before the first result")
    assert got["bytes"] <= BUDGET, f"{got['bytes']} bytes before the first result:\n" + "\n".join(paths)


def test_a_long_result_list_comes_in_batches(browser, large_url, large_site):
    context = browser.new_context(base_url=large_url)
    page = context.new_page()
    try:
        page.goto("search.html?q=difference")
        first = results_of(page)
        assert len(first) == 20, len(first)
        summary = norm(page.inner_text(".search-summary"))
        assert summary.startswith("Search finished, found ") and summary.endswith("Showing the first 20."), summary
        total = int(summary.split("found ")[1].split()[0])
        assert total > 1000, summary
        # Every listed page holds the word (stemmed: "differences", "different" count).
        for result in first:
            path = urlsplit(result["href"]).path.lstrip("/")
            assert "differ" in (large_site / path).read_text("utf-8").lower(), path
        page.click("button.essaybook-more")
        page.wait_for_function("() => document.querySelectorAll('ul.search > li').length === 40")
        focused = page.evaluate("() => document.activeElement.closest('ul.search > li') !== null")
        listed = page.eval_on_selector_all("ul.search > li > a", "as => as.map(a => a.href)")
        assert focused and len(set(listed)) == 40, listed
    finally:
        context.close()
