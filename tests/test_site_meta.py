"""The web site around the book: sitemap, robots.txt, descriptions, link previews, 404 page.

Read the Docs gives a build the site's address in READTHEDOCS_CANONICAL_URL;
a local build has none and must neither warn nor invent one. Both are built
here from a copy of the project, warnings failing the build.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from essaybook.core.edition import load_book
from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html, copy_project, soup

SITE = "https://essaybook.example.org/en/latest/"
PREFIX = urlsplit(SITE).path
FRONT = load_book(ROOT / "conf")
BOOK = FRONT.book
# Pages Sphinx makes from templates rather than from a document.
NOT_DOCUMENTS = {"genindex.html", "search.html", "404.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("site"))
    env = {"READTHEDOCS_CANONICAL_URL": SITE, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return build_html(project, env=env).check()


def _pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "_static" not in p.parts)


def test_sitemap_lists_every_page_by_its_canonical_address(site: Path) -> None:
    tree = ElementTree.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in tree.getroot().findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    pages = [p for p in _pages(site) if p not in ("404.html", "search.html")]
    assert "book/glossary.html" in pages and len(pages) >= 7
    assert sorted(locs) == sorted(SITE + p for p in pages)
    for page in pages:
        canonical = soup(site / page).find("link", rel="canonical")
        assert canonical is not None and canonical["href"] == SITE + page


def test_robots_txt_names_the_sitemap(site: Path) -> None:
    lines = (site / "robots.txt").read_text("utf-8").splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /" not in lines
    assert f"Sitemap: {SITE}sitemap.xml" in lines


def _meta(page: BeautifulSoup, **attrs: str) -> list[str]:
    return [tag["content"] for tag in page.find_all("meta", attrs=attrs)]


def test_every_page_has_the_description_and_link_preview_tags(site: Path) -> None:
    for name in _pages(site):
        page = soup(site / name)
        assert _meta(page, name="description") == [BOOK.description], name
        if name in NOT_DOCUMENTS:
            continue
        assert _meta(page, property="og:description") == [BOOK.description], name
        assert _meta(page, property="og:url") == [SITE + name], name
        assert _meta(page, property="og:site_name") == [BOOK.title], name
        assert _meta(page, property="og:type") == ["website"], name
        title = _meta(page, property="og:title")
        assert len(title) == 1 and title[0] and title[0] in page.title.get_text(), name
        # No image is drawn at build time, so none is named.
        assert _meta(page, property="og:image") == [], name


def _local_links(page: BeautifulSoup) -> list[str]:
    links = [t["href"] for t in page.find_all(href=True)] + [t["src"] for t in page.find_all(src=True)]
    return [u for u in links if not u.startswith("#") and not urlsplit(u).scheme]


def _assert_404_page_works_anywhere(out: Path, prefix: str) -> None:
    page = soup(out / "404.html")
    assert "Page not found" in page.title.get_text()
    links = _local_links(page)
    assert f"{prefix}index.html" in links, "the 404 page leads back to the title page"
    assert any(u.startswith(f"{prefix}_static/") for u in links), "the 404 page has its styles"
    for url in links:
        # Absolute, so the page works whatever missing address it is served at.
        assert url.startswith(prefix), f"404.html: {url} is relative"
        path = urlsplit(url).path[len(prefix) :]
        assert (out / path).is_file(), f"404.html: {url} leads nowhere"
    assert page.html["data-content_root"] == prefix


def test_404_page_works_at_any_depth_under_the_site_address(site: Path) -> None:
    _assert_404_page_works_anywhere(site, PREFIX)


def test_every_page_has_the_favicon(site: Path) -> None:
    for name in _pages(site):
        icons = soup(site / name).select('link[rel~="icon"]')
        assert len(icons) == 1, name
        href = icons[0]["href"]
        target = site / href[len(PREFIX) :] if href.startswith(PREFIX) else (site / name).parent / href
        assert target.resolve().is_file(), f"{name}: favicon {href} leads nowhere"


# --- citing the book ----------------------------------------------------------------------


def _citation_tags(page: BeautifulSoup) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for m in page.find_all("meta", attrs={"name": True}):
        if m["name"].startswith("citation_") or m["name"] == "author":
            tags.setdefault(m["name"], []).append(m["content"])
    return tags


def test_zotero_finds_the_essay_and_the_edition_on_their_pages(site: Path) -> None:
    essays = {seed: e for seed, e in FRONT.essays.items() if e.author}
    assert essays, "the book names its essays' authors"
    editors = [BOOK.editor]
    date = BOOK.date.replace("-", "/")
    for essay in essays.values():
        page = f"book/{essay.slug}/index.html"
        tags = _citation_tags(soup(site / page))
        *given, family = essay.author.split()
        assert tags["citation_author"] == [f"{family}, {' '.join(given)}"]
        assert tags["author"] == [essay.author]
        assert tags["citation_editor"] == editors, "the editors as editors, never as authors"
        assert tags["citation_inbook_title"] == [BOOK.title]
        assert tags["citation_publication_date"] == tags["citation_online_date"] == [date]
        assert tags["citation_public_url"] == [SITE + page]
        assert "citation_pdf_url" not in tags, "outside Read the Docs there is no PDF to name"
        box = soup(site / page).select_one(".cite-this")
        text = " ".join(box.get_text().split())
        assert f"{SITE}{page}#{essay.slug}-p4" in text
        for link in box.select("a.cite-file"):
            assert (site / "book" / essay.slug / link["href"]).resolve().is_file(), link["href"]
    title = _citation_tags(soup(site / "index.html"))
    assert title["citation_title"] == [BOOK.title] and title["citation_public_url"] == [SITE]
    assert title["citation_editor"] == editors and "citation_inbook_title" not in title
    for name in ("edition.bib", "edition.ris", "edition.json"):
        assert SITE in (site / "_cite" / name).read_text("utf-8")


def test_the_press_names_the_pdf_read_the_docs_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinx.testing.util import SphinxTestApp

    environ = {
        "READTHEDOCS": "True",
        "READTHEDOCS_CANONICAL_URL": SITE,
        "READTHEDOCS_LANGUAGE": "en",
        "READTHEDOCS_VERSION": "latest",
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    docs = copy_project(tmp_path / "rtd") / "docs"
    app = SphinxTestApp("html", srcdir=docs)
    try:
        assert app.config.essaybook_pdf_url == "https://essaybook.example.org/_/downloads/en/latest/pdf/"
    finally:
        app.cleanup()
    monkeypatch.delenv("READTHEDOCS")
    app = SphinxTestApp("html", srcdir=docs)
    try:
        assert app.config.essaybook_pdf_url == ""
    finally:
        app.cleanup()


# --- a local build, which has no address ------------------------------------------------


def test_local_build_claims_no_address(built_book: Path) -> None:
    assert not (built_book / "sitemap.xml").exists(), "a sitemap needs absolute addresses"
    assert (built_book / "robots.txt").read_text("utf-8").splitlines() == ["User-agent: *", "Allow: /"]
    for name in _pages(built_book):
        page = soup(built_book / name)
        assert page.find("link", rel="canonical") is None, name
        assert _meta(page, name="description") == [BOOK.description], name
        for url in _meta(page, property="og:url"):
            assert not urlsplit(url).scheme, f"{name}: og:url {url} names a site"


def test_local_404_page_works_from_the_root_make_serve_serves(built_book: Path) -> None:
    _assert_404_page_works_anywhere(built_book, "/")
