"""The sidebar navigation resolved once per build (``essaybook.sphinx_ext.navigation``).

A small book's sidebar must be exactly furo's; a long book's must stay small
(the current chapter with its parts, a few neighbours, links to the full
contents) and every link in it must lead to a page of the build.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import furo
import pytest
from bs4 import BeautifulSoup
from furo.navigation import get_navigation_tree
from sphinx.testing.util import SphinxTestApp

from essaybook.sphinx_ext.navigation import navigation_digest

ROOT = Path(__file__).resolve().parents[1]
SEED = "000_4ba1c0995a320183.txt"
ORIGINAL = furo.get_navigation_tree
FURO_CALL = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}


def _project(dest: Path, tiny_before: int = 0, tiny_after: int = 0) -> Path:
    """A copy of the book with the real essay, a page per part, and around it tiny one-paragraph essays.

    The real essay reads on one page in the book; here it is given a page per
    part, the deepest navigation the book can have.
    """
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=lambda d, names: {"book", "_build"} & set(names))
    shutil.copytree(ROOT / "conf", dest / "conf")
    book = dest / "conf" / "book.toml"
    slug = 'slug = "trotsky-and-stalin"\n'
    assert slug in book.read_text("utf-8")
    book.write_text(book.read_text("utf-8").replace(slug, slug + 'layout = "pages"\n'), "utf-8")
    seeds = dest / "seeds"
    seeds.mkdir()
    shutil.copyfile(ROOT / "seeds" / SEED, seeds / SEED)
    # "000_NN" sorts before the real seed's "000_4b…", "001_NN" after it.
    names = [f"000_{i:02d}" for i in range(tiny_before)] + [f"001_{i:02d}" for i in range(tiny_after)]
    for name in names:
        (seeds / f"{name}.txt").write_text(f"Tiny essay {name}\n\nOne paragraph of tiny essay {name}.\n", "utf-8")
    return dest / "docs"


class _Capture:
    """Records, per page, what furo's call to ``toctree()`` returns, ours and Sphinx's."""

    def __init__(self) -> None:
        self.stock: dict[str, Any] = {}
        self.ours: dict[str, str] = {}
        self.expected: dict[str, str] = {}
        self.other_calls: list[tuple[str, str]] = []
        self.seen: list[str] = []
        self.furo: dict[str, str] = {}
        self.wrapped: set[bool] = set()

    def before(self, app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        self.stock[pagename] = context.get("toctree")

    def before_404(self, app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        # sphinx-notfound-page's own toctree() for its page (absolute links), which ours replaces.
        if pagename == "404":
            self.stock[pagename] = context.get("toctree")

    def after(self, app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        self.seen.append(pagename)
        if not getattr(context.get("toctree"), "essaybook_navigation", False):
            return
        self.ours[pagename] = context["toctree"](**FURO_CALL)
        self.expected[pagename] = self.stock[pagename](**FURO_CALL)
        self.other_calls.append((context["toctree"](maxdepth=1), self.stock[pagename](maxdepth=1)))

    def final(self, app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        if pagename in self.ours:
            self.furo[pagename] = context["furo_navigation_tree"]
            self.wrapped.add(getattr(furo.get_navigation_tree, "__wrapped__", None) is ORIGINAL)

    def check_furo(self) -> None:
        """What furo shows is what furo's own pass makes of our HTML (ours skips the parsing)."""
        assert set(self.furo) == set(self.ours)
        # While the pages were written furo's function was the one that answers our HTML
        # directly; once the build is over, furo has its own back.
        assert self.wrapped == {True}
        assert furo.get_navigation_tree is ORIGINAL
        for page, html in self.ours.items():
            assert self.furo[page] == get_navigation_tree(html), f"{page}: furo's navigation differs"


def _build(srcdir: Path, capture: _Capture | None = None, **overrides: Any) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides=overrides or None)
    if capture is not None:
        # Around our handlers (priority 400, and 450 for the 404 page): one sees Sphinx's toctree()
        # (sphinx-notfound-page's on its page), the other ours.
        app.connect("html-page-context", capture.before, priority=300)
        app.connect("html-page-context", capture.before_404, priority=420)
        app.connect("html-page-context", capture.after, priority=460)
        app.connect("html-page-context", capture.final, priority=900)
    try:
        app.build()
    finally:
        app.cleanup()
    assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
    return app


def _sidebar(page: Path) -> BeautifulSoup:
    tree = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one(".sidebar-tree")
    assert tree is not None, f"{page}: no sidebar tree"
    return tree


def _assert_links_resolve(page: Path, tree: BeautifulSoup, root: Path | None = None) -> None:
    for a in tree.find_all("a"):
        href = a["href"]
        path = href.split("#", 1)[0]
        if path.startswith("/"):  # the 404 page's links, served from the site's root
            assert root is not None, f"{page}: absolute link {href}"
            target = (root / path.lstrip("/")).resolve()
        else:
            target = (page.parent / path).resolve() if path else page.resolve()
        assert target.is_file(), f"{page}: sidebar link {href} leads to no page"


def test_small_book_navigation_is_furos_byte_for_byte(tmp_path: Path) -> None:
    capture = _Capture()
    _build(_project(tmp_path, tiny_before=2, tiny_after=2), capture)
    assert set(capture.ours) >= {"index", "about", "genindex", "search", "404", "book/trotsky-and-stalin/part-2"}
    assert set(capture.seen) == set(capture.ours)
    for page, html in capture.ours.items():
        assert html == capture.expected[page], f"{page}: navigation differs from Sphinx's"
    capture.check_furo()
    # Any other call (another theme's or template's) is Sphinx's own.
    assert capture.other_calls and all(ours == stock for ours, stock in capture.other_calls)


def test_navigation_falls_back_when_turned_off(tmp_path: Path) -> None:
    capture = _Capture()
    _build(_project(tmp_path), capture, essaybook_fast_navigation=False)
    assert "index" in capture.seen
    assert capture.ours == {}


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """61 chapters: 30 tiny essays, the real essay (three parts), 30 tiny essays."""
    srcdir = _project(tmp_path_factory.mktemp("long"), tiny_before=30, tiny_after=30)
    capture = _Capture()
    _build(srcdir, capture)
    capture.check_furo()
    return srcdir / "_build" / "html"


def test_long_book_sidebar_shows_the_current_chapter_and_its_neighbours(long_book: Path) -> None:
    page = long_book / "book" / "trotsky-and-stalin" / "part-2.html"
    tree = _sidebar(page)
    chapters = tree.select("li.toctree-l1")
    # 11 chapters around the current one, two links to the full contents, 6 apparatus pages
    # (glossary, timeline, sources, changes, about, index).
    assert len(chapters) == 11 + 2 + 6
    titles = [li.find("a").get_text() for li in chapters]
    assert titles[0] == "… 25 earlier (full contents)"
    assert titles[1] == "Tiny essay 000_25"
    assert titles[6] == "Trotskyists on the Differences Between Trotsky and Stalin"
    assert titles[11] == "Tiny essay 001_04"
    assert titles[12] == "… 25 later (full contents)"
    current = tree.select("li.toctree-l1.current")
    assert len(current) == 1 and current[0].find("a").get_text() == titles[6]
    # furo's own pass expanded the current chapter and marked the current page.
    assert current[0].find("input", class_="toctree-checkbox").has_attr("checked")
    parts = [a.get_text() for a in current[0].select("li.toctree-l2 > a")]
    assert parts == ["Power as the difference", "Appearance and doctrine", "One country or many"]
    here = tree.select("li.current-page")
    assert [li.find("a")["href"] for li in here] == ["#"]
    assert here[0].find("a").get_text() == "Appearance and doctrine"
    _assert_links_resolve(page, tree)
    more = [a["href"] for a in tree.select("li.essaybook-nav-more > a")]
    assert more == ["../../index.html", "../../index.html"]


@pytest.mark.parametrize(
    ("page", "first", "last"),
    [
        ("index.html", "Tiny essay 000_00", "… 50 later (full contents)"),
        ("book/essay-000-00/index.html", "Tiny essay 000_00", "… 50 later (full contents)"),
        ("book/glossary.html", "Tiny essay 000_00", "… 50 later (full contents)"),
        ("book/essay-001-29/index.html", "… 50 earlier (full contents)", "Tiny essay 001_29"),
    ],
)
def test_long_book_sidebar_is_bounded_on_every_kind_of_page(long_book: Path, page: str, first: str, last: str) -> None:
    path = long_book / page
    tree = _sidebar(path)
    essays = tree.find("ul").find_all("li", class_="toctree-l1", recursive=False)
    assert len(essays) == 12
    assert essays[0].find("a").get_text() == first
    assert essays[-1].find("a").get_text() == last
    _assert_links_resolve(path, tree)


def test_every_sidebar_of_the_long_book_is_small_and_resolves(long_book: Path) -> None:
    # The 404 page too, whose links are absolute (it is served at any depth).
    pages = sorted(long_book.rglob("*.html"))
    assert len(pages) > 61 and long_book / "404.html" in pages
    for page in pages:
        tree = _sidebar(page)
        # 11 chapters, 2 links to the full contents, 3 parts of the real essay, 6 apparatus pages.
        assert len(tree.find_all("li")) <= 11 + 2 + 3 + 6, f"{page}: sidebar has too many entries"
        _assert_links_resolve(page, tree, long_book)


def test_navigation_digest_changes_only_with_titles_or_toctrees() -> None:
    env = SimpleNamespace(titles={"a": "<title>A</title>"}, toctree_includes={"index": ["a"]})
    first = navigation_digest(env)
    assert navigation_digest(env) == first
    env.titles["a"] = "<title>A, retitled</title>"
    retitled = navigation_digest(env)
    assert retitled != first
    env.toctree_includes["index"] = ["a", "b"]
    assert navigation_digest(env) not in {first, retitled}
    env.essaybook_toctrees = {"index": "caption"}
    assert navigation_digest(env) != navigation_digest(
        SimpleNamespace(titles=env.titles, toctree_includes=env.toctree_includes)
    )
