"""What several browser tests ask of a page: search results, axe, the text of the built files."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

from bs4 import BeautifulSoup

# Debian's Chromium, as every browser test and the benchmark drive it. The
# networking flags keep it from calling home on a machine with no network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

ESSAY = "book/trotsky-and-stalin/index.html"  # the essay reads on one page
PART_WITH = {  # a word or phrase of the essay -> the page that holds it, and the paragraph
    "goatee": ESSAY,
    "Luxembourg": ESSAY,
    "vanguard": ESSAY,
}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def soup_of(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def main_text(site: Path, page: str) -> str:
    main = soup_of(site, page).select_one("[role=main]")
    assert main is not None, f"{page} has no [role=main]"
    for el in main.select(".headerlink"):
        el.decompose()
    return norm(main.get_text())


def note_text(site: Path, page: str, note_id: str) -> str:
    """A note's text as the built page holds it: without its number and its fold's control ("more")."""
    aside = soup_of(site, page).find("aside", id=note_id)
    assert aside is not None, f"{page} has no note {note_id!r}"
    for el in aside.select(".label, summary"):
        el.decompose()
    return norm(aside.get_text())


def essay_text(site: Path, page: str) -> str:
    return norm(" ".join(el.get_text() for el in soup_of(site, page).select(".essay-text p")))


def definition(site: Path, term_id: str) -> str:
    """The first paragraph of a glossary entry's definition, as the glossary page has it."""
    dt = soup_of(site, "book/glossary.html").find("dt", id=term_id)
    assert dt is not None, term_id
    return norm(dt.find_next_sibling("dd").find("p").get_text())


def search(page, query: str) -> list[dict]:
    """Run `query` on search.html and return the finished results (href, kind, title, summary)."""
    page.goto(f"search.html?q={quote_plus(query)}")
    return results_of(page)


def results_of(page) -> list[dict]:
    """The results of the search page once it has finished."""
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.textContent.trim().length > 0 && !s.textContent.startsWith('Preparing'); }"
    )
    page.wait_for_load_state("networkidle")
    return page.eval_on_selector_all(
        "ul.search > li",
        """items => items.map(li => ({
            href: li.querySelector(':scope > a').href,
            kind: [...li.classList].find(c => c.startsWith('kind-')),
            title: li.querySelector(':scope > a').textContent,
            summary: (li.querySelector('p.context') || {textContent: ''}).textContent,
        }))""",
    )


def run_axe(page, axe_source: str) -> list[dict]:
    """axe-core's violations on the page as it is now (all rules axe runs by default)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }"""
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


# Set before any page script runs: the moment the first element matching the
# selector appears, on the wall clock (epoch milliseconds), which the server shares.
_FIRST_SEEN = """(selector) => {
    window.__essaybookFirst = null;
    const seen = () => {
        if (window.__essaybookFirst === null && document.querySelector(selector)) {
            window.__essaybookFirst = performance.timeOrigin + performance.now();
        }
    };
    new MutationObserver(seen).observe(document, {childList: true, subtree: true});
}"""


def first_result_transfer(
    context, url: str, served: list, selector: str = "#search-results li", timeout: float = 60_000
) -> dict:
    """Open ``url`` in a new tab of a fresh ``context``; what the server sent before ``selector`` showed.

    ``served`` is the log of a ``serving(..., log=served)`` server: every
    response with the moment its request arrived and its size (headers and
    body). The bytes counted are those of every request that arrived before the
    first result appeared in the page, whoever asked: the page, its scripts or
    a worker (Pagefind searches in a Web Worker, which the page's own Resource
    Timing does not see). ``ms`` is that moment, from the start of navigation.
    """
    page = context.new_page()
    try:
        page.add_init_script(f"({_FIRST_SEEN})({selector!r})")
        del served[:]
        page.goto(url)
        page.wait_for_selector(selector, timeout=timeout)
        page.wait_for_function("() => window.__essaybookFirst !== null")
        # A response is logged when it has been sent: let those under way finish.
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        first, origin = page.evaluate("() => [window.__essaybookFirst, performance.timeOrigin]")
        before = [(path, size) for at, path, size in list(served) if at * 1000 <= first]
        return {
            "ms": first - origin,
            "bytes": sum(size for _, size in before),
            "requests": len(before),
            "urls": [path for path, _ in before],
        }
    finally:
        page.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    served: list | None = None  # (arrival, path, bytes sent) per response, when asked for

    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle_one_request(self) -> None:
        self._arrived = time.time()
        self._sent = 0
        super().handle_one_request()
        if self.served is not None and getattr(self, "path", None):
            self.served.append((self._arrived, self.path, self._sent))

    def flush_headers(self) -> None:
        self._sent += sum(len(h) for h in getattr(self, "_headers_buffer", []))
        super().flush_headers()

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        self._sent += len(data)
        outputfile.write(data)


@contextlib.contextmanager
def serving(site_dir: Path, log: list | None = None) -> Iterator[str]:
    """Serve a built site over http on 127.0.0.1, on a free port, while the block runs.

    With ``log``, every response is appended to it as (arrival time, path, bytes sent).
    """
    handler = functools.partial(type("Handler", (_QuietHandler,), {"served": log}), directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
