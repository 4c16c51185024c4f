"""The built book in a real browser: Debian's Chromium driven by Playwright.

One book build, one HTTP server on 127.0.0.1 (search and previews fetch pages,
which needs http), one Chromium and a few browser contexts (desktop and phone,
light and dark) serve the whole session. Every page opened through ``visit``
records every request and every console message, so a test can assert that the
book asks nothing of another origin and logs no error.

Chromium is a system package: if it is missing the tests fail and say how to
install it; they never skip. axe-core comes from the npm registry, pinned in
``package-lock.json`` beside this file, and is installed on first use.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, serving

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


# --- the site --------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(built_book: Path) -> Path:
    """The real book's HTML, built once per session (tests/conftest.py) and shared with other tests."""
    return Path(built_book)


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The book served over http on 127.0.0.1, on a free port."""
    with serving(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> list[str]:
    """Every HTML page of the book, as paths relative to the site root."""
    found = sorted(
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if not p.relative_to(site_dir).parts[0].startswith("_")
    )
    assert "index.html" in found and "search.html" in found, found
    return found


@pytest.fixture(scope="session")
def dense_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A book of a generated essay whose notes crowd the margin (dense_notes.py), built and served on 127.0.0.1."""
    from dense_notes import make

    from sitebuild import build_project

    root = tmp_path_factory.mktemp("dense")
    seeds, conf = make(root / "input")
    site = build_project(seeds, conf, root / "project")
    with serving(Path(site)) as url:
        yield url


# --- axe-core ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the pinned lock file when missing."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility tests: apt-get install npm")
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)], capture_output=True, text=True, cwd=HERE
        )
        assert proc.returncode == 0, f"npm ci (axe-core) failed:\n{proc.stdout}\n{proc.stderr}"
    return AXE.read_text(encoding="utf-8")


# --- the browser --------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A page opened by a test, with what it asked for and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside_requests(self) -> list[str]:
        return [
            u for u in self.requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith(("data:", "about:"))
        ]


class Contexts:
    """Browser contexts made on first use and kept for the session (cheap pages, one browser)."""

    def __init__(self, browser: object, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self._made: dict[tuple[str, str], object] = {}
        self.visits: list[Visit] = []

    def get(self, device: str = "desktop", theme: str = "light") -> object:
        key = (device, theme)
        if key not in self._made:
            options = dict(DESKTOP if device == "desktop" else PHONE)
            ctx = self.browser.new_context(base_url=self.base_url, color_scheme=theme, **options)
            ctx.set_default_timeout(10_000)
            # furo reads the reader's choice from localStorage; "auto" follows color_scheme.
            ctx.add_init_script(f"try {{ localStorage.setItem('theme', '{theme}'); }} catch (e) {{}}")
            self._made[key] = ctx
        return self._made[key]

    def visit(self, path: str, device: str = "desktop", theme: str = "light", wait: str = "load") -> Visit:
        ctx = self.get(device, theme)
        page = ctx.new_page()
        visit = Visit(page)
        page.on("request", lambda r: visit.requests.append(r.url))
        page.on("console", lambda m: visit.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: visit.errors.append(f"request failed: {r.url} {r.failure}"))
        page.goto(path, wait_until=wait)
        self.visits.append(visit)
        return visit

    def close(self) -> None:
        for ctx in self._made.values():
            ctx.close()


@pytest.fixture(scope="session")
def contexts(browser: object, base_url: str) -> Iterator[Contexts]:
    made = Contexts(browser, base_url)
    yield made
    made.close()


@pytest.fixture
def visit(contexts: Contexts) -> Iterator[object]:
    """Open a page (``visit(path, device=, theme=)``); its tab is closed after the test."""
    opened: list[Visit] = []

    def _visit(path: str, device: str = "desktop", theme: str = "light") -> Visit:
        v = contexts.visit(path, device, theme)
        opened.append(v)
        return v

    yield _visit
    for v in opened:
        v.page.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# --- the large-book search index on the same book ---------------------------------------


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real book with the index large books use forced on (``essaybook_search = "sharded"``)."""
    from sitebuild import SOURCE_DATE_EPOCH, build_html, copy_project

    project = copy_project(tmp_path_factory.mktemp("sharded"))
    result = build_html(project, extra=["-D", "essaybook_search=sharded"], env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    return result.check()


@pytest.fixture(scope="session")
def sharded_contexts(browser: object, sharded_site: Path) -> Iterator[Contexts]:
    with serving(sharded_site) as url:
        made = Contexts(browser, url)
        yield made
        made.close()


@dataclass
class SearchBook:
    """A built book and a way to open its pages, for one of the two search indexes."""

    engine: str  # "whole": Sphinx's searchindex.js; "sharded": the pieces in _searchindex/
    site: Path
    contexts: Contexts
    opened: list[Visit] = field(default_factory=list)

    def visit(self, path: str, device: str = "desktop", theme: str = "light") -> Visit:
        v = self.contexts.visit(path, device, theme)
        self.opened.append(v)
        return v

    def index_requests(self) -> tuple[list[str], list[str]]:
        """What the opened pages fetched of each index: (searchindex.js, _searchindex/ files)."""
        asked = [urlsplit(u).path for v in self.opened for u in v.requests]
        return [p for p in asked if p.endswith("/searchindex.js")], [p for p in asked if "/_searchindex/" in p]


@pytest.fixture(params=["whole", "sharded"])
def search_book(request: pytest.FixtureRequest, site_dir: Path, contexts: Contexts) -> Iterator[SearchBook]:
    """The book with the index small books use (Sphinx's whole file), then with the one large books use."""
    if request.param == "whole":
        book = SearchBook("whole", site_dir, contexts)
    else:
        book = SearchBook(
            "sharded", request.getfixturevalue("sharded_site"), request.getfixturevalue("sharded_contexts")
        )
    yield book
    for v in book.opened:
        v.page.close()
