"""Pages that stay light at any size: the web's long listings go on to pages of their own.

Built twice from 30 generated essays (the benchmark's corpus): once with a
small ``essaybook_page_bytes``, once with listings never cut. The cut build
must have no HTML page over a bound that does not depend on the number of
essays (the uncut glossary and sources pages are over it already at 30), and
its listings with their continuation pages must hold every link the uncut
listings hold. A book whose listings fit is not cut at all.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from corpus import make_corpus

ESSAYS = 30
PAGE_BYTES = 20_000
# No HTML page may weigh more than this, whatever the number of essays: an essay's page
# (about 55 kB) and the glossary's definitions with their share of the listings fit well under it.
BOUND = 120_000


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = make_corpus(tmp_path_factory.mktemp("paging"), ESSAYS)
    shutil.copytree(ROOT / "docs", project / "docs", ignore=lambda d, n: {"book", "_build"} & set(n))
    out = {}
    for name, size in (("cut", PAGE_BYTES), ("whole", 10**9)):
        out[name] = build_html(
            project,
            project / "_build" / name,
            doctrees=project / "_build" / f"doctrees-{name}",
            extra=["-D", f"essaybook_page_bytes={size}"],
        ).check()
    return out


def _sizes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}


def test_no_page_is_heavier_than_a_bound_that_does_not_grow_with_the_book(books: dict[str, Path]) -> None:
    whole = _sizes(books["whole"])
    assert whole["book/glossary.html"] > BOUND and whole["book/sources.html"] > BOUND, "the test would prove nothing"
    heavy = {page: size for page, size in _sizes(books["cut"]).items() if size > BOUND}
    assert heavy == {}


def _links(page: Path, selector: str) -> list[str]:
    """The targets of the links in a page's listings, the continuation pages' names made relative to the page."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    main = soup.select_one("[role='main']") or soup
    hrefs = [a["href"] for node in main.select(selector) for a in node.select("a[href]")]
    return [
        h for h in hrefs if not re.fullmatch(r"[\w-]+-page-\d+\.html(#listing-\d+)?", h)
    ]  # the line saying where it goes on


def _continued(page: Path) -> list[Path]:
    found = sorted(page.parent.glob(f"{page.stem}-page-*.html"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert [int(p.stem.rsplit("-", 1)[1]) for p in found] == list(range(2, len(found) + 2))
    return found


@pytest.mark.parametrize(
    ("page", "selector"),
    [
        ("book/glossary.html", "p.where-used"),
        ("book/sources.html", "p.where-used"),
        ("about.html", "div.provenance-list, table.seed-table"),
        ("index.html", "ul.book-contents"),
    ],
)
def test_the_listings_and_their_pages_hold_every_link(books: dict[str, Path], page: str, selector: str) -> None:
    whole = _links(books["whole"] / page, selector)
    cut_page = books["cut"] / page
    got = _links(cut_page, selector)
    pages = _continued(cut_page)
    if page.startswith("book/"):
        assert pages, f"{page} was not cut"
    for more in pages:
        text = more.read_text("utf-8")
        # Each continuation page links back to the start and to every other page.
        assert f'href="{cut_page.name}"' in text
        got += _links(more, selector)
    # Each listing's first items stay, its others follow on the pages: every link once, nothing added.
    assert sorted(got) == sorted(whole)
    assert len(got) == len(whole)


def test_the_cut_listing_says_where_it_goes_on(books: dict[str, Path]) -> None:
    soup = BeautifulSoup((books["cut"] / "book/glossary.html").read_text("utf-8"), "html.parser")
    lines = [p for p in soup.select("p.where-used") if "more on page" in p.get_text()]
    assert lines
    for line in lines:
        assert re.search(r"And [\d,]+ more on pages? \d+", line.get_text()), line.get_text()[-200:]
        assert line.select_one('a[href^="glossary-page-"]') is not None


def test_a_small_book_is_not_cut(books: dict[str, Path]) -> None:
    assert not list(books["whole"].rglob("*-page-*.html"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_after_an_edit_the_pages_are_the_clean_builds_and_none_is_left_over(tmp_path: Path) -> None:
    """Essays removed: the listings shrink, their pages are written again, and pages no longer needed go."""
    env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    work = make_corpus(tmp_path / "work", 6)
    shutil.copytree(ROOT / "docs", work / "docs", ignore=lambda d, n: {"book", "_build"} & set(n))
    with open(work / "docs" / "conf.py", "a", encoding="utf-8") as conf:
        conf.write("\nessaybook_page_bytes = 3000\n")
    out = build_html(work, env=env).check()
    before = sorted(p.name for p in out.rglob("*-page-*.html"))
    assert before, "nothing was cut: the test would prove nothing"
    for i in (2, 3, 4, 5):
        (work / "seeds" / f"e{i:04d}.txt").unlink()
    build_html(work, env=env).check()
    clean = build_html(work, work / "_clean" / "html", doctrees=work / "_clean" / "doctrees", env=env).check()
    got, want = _files(out), _files(clean)
    assert sorted(got) == sorted(want), sorted(set(got) ^ set(want))
    assert [name for name in want if got[name] != want[name]] == []
    assert len(list(out.rglob("*-page-*.html"))) < len(before)
