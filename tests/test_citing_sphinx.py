"""Citations in a Sphinx build of the tiny project tests/roots/test-cite, one builder at a time.

Its first essay has an author and a first publication; its second has
neither. The web builds must link the citation files and carry the tags
Zotero reads; the EPUB and the PDF show the citation without file links.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import rispy
from bs4 import BeautifulSoup
from pybtex.database import parse_string

SITE = "https://tiny.example.org/en/latest/"
PDF = "https://tiny.example.org/_/downloads/en/latest/pdf/"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((Path(app.outdir) / name).read_text("utf-8"), "html.parser")


def _meta(page: BeautifulSoup) -> list[tuple[str, str]]:
    return [
        (m["name"], m["content"])
        for m in page.find_all("meta", attrs={"name": True})
        if m["name"].startswith("citation_") or m["name"] == "author"
    ]


@pytest.mark.sphinx("html", testroot="cite", srcdir="cite-local")
def test_a_local_build_cites_without_an_address_and_links_its_files(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    out = Path(app.outdir)
    essay = _page(app, "book/one/index.html")
    (box,) = essay.select(".cite-this")
    text = " ".join(box.get_text().split())
    assert text.startswith(
        "Cite this essay: Lovelace, Ada. (1843) 2026. “The First Essay.” In A Tiny Book & Co, "
        "version 0.1, edited by The Test Editors."
    )
    assert "http" not in text, "a local build has no address and claims none"
    assert "as in ‘¶ 4’, and, online, the page’s address followed by #one-p4." in text
    links = [a["href"] for a in box.select("a.cite-file")]
    assert links == ["../../_cite/one.bib", "../../_cite/one.ris", "../../_cite/one.json"]
    for link in links:
        assert (out / "book" / "one" / link).resolve().is_file()
    # The paragraph the example names is there to be linked to.
    assert essay.find(id="one-p4") is not None
    anonymous = " ".join(_page(app, "book/essay-002-two/index.html").select_one(".cite-this").get_text().split())
    assert "An Essay of 50% Unknown Hands" in anonymous and "‘¶ 1’" in anonymous
    about = _page(app, "about.html").select_one(".cite-this")
    assert " ".join(about.get_text().split()).startswith("Cite this edition: Lovelace, Ada. 2026. A Tiny Book & Co.")
    assert [a["href"] for a in about.select("a.cite-file")] == [
        "_cite/edition.bib",
        "_cite/edition.ris",
        "_cite/edition.json",
    ]
    assert sorted(p.name for p in (out / "_cite").iterdir()) == sorted(
        f"{n}.{e}" for n in ("edition", "one", "essay-002-two") for e in ("bib", "ris", "json")
    )
    # No address, no address tags; the rest is there.
    assert dict(_meta(essay))["citation_author"] == "Lovelace, Ada"
    assert "citation_public_url" not in dict(_meta(essay)) and "citation_pdf_url" not in dict(_meta(essay))


@pytest.mark.sphinx(
    "html",
    testroot="cite",
    srcdir="cite-site",
    confoverrides={"html_baseurl": SITE, "essaybook_pdf_url": PDF},
)
def test_on_the_site_every_form_gives_the_address(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    out = Path(app.outdir)
    essay = _page(app, "book/one/index.html")
    address = SITE + "book/one/index.html"
    text = " ".join(essay.select_one(".cite-this").get_text().split())
    assert f"{address}." in text and f"as in {address}#one-p4." in text
    assert essay.select_one(".cite-this a.reference.external")["href"] == address
    assert _meta(essay) == [
        ("citation_title", "The First Essay"),
        ("citation_author", "Lovelace, Ada"),
        ("citation_inbook_title", "A Tiny Book & Co"),
        ("citation_editor", "The Test Editors"),
        ("citation_publication_date", "2026/01/02"),
        ("citation_online_date", "2026/01/02"),
        ("citation_language", "en"),
        ("citation_public_url", address),
        ("citation_pdf_url", PDF),
        ("author", "Ada Lovelace"),
    ]
    title = dict(_meta(_page(app, "index.html")))
    assert title["citation_title"] == "A Tiny Book & Co" and title["citation_public_url"] == SITE
    assert "citation_inbook_title" not in title
    assert _meta(_page(app, "about.html")) == [], "only the title page and the essays' pages are works to cite"
    # The files say the same, and standard readers read them.
    bib = parse_string((out / "_cite" / "one.bib").read_text("utf-8"), "bibtex")
    (entry,) = bib.entries.values()
    assert entry.type == "incollection" and entry.fields["url"] == address
    assert [str(p) for p in entry.persons["author"]] == ["Lovelace, Ada"]
    (record,) = rispy.loads((out / "_cite" / "one.ris").read_text("utf-8"))
    assert record["urls"] == [address] and record["secondary_authors"] == ["The Test Editors"]
    (item,) = json.loads((out / "_cite" / "edition.json").read_text("utf-8"))
    assert item["URL"] == SITE and item["editor"] == [{"literal": "The Test Editors"}]


@pytest.mark.sphinx("html", testroot="cite", srcdir="cite-again")
def test_citation_files_are_written_only_when_their_bytes_change(app) -> None:
    app.build()
    files = sorted((Path(app.outdir) / "_cite").iterdir())
    stamps = {f: f.stat().st_mtime_ns for f in files}
    stale = Path(app.outdir) / "_cite" / "gone.bib"
    stale.write_text("@book{gone, title = {An essay no longer in the book}}\n", "utf-8")
    app.build()
    assert {f: f.stat().st_mtime_ns for f in files} == stamps
    assert not stale.exists(), "the files of an essay that left the book leave with it"
    assert "essaybook: 9 citation files, 0 written" in app._status.getvalue()


@pytest.mark.sphinx("epub", testroot="cite", srcdir="cite-epub", confoverrides={"html_baseurl": SITE})
def test_the_epub_states_authors_editors_date_and_first_publication(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    (book,) = Path(app.outdir).glob("*.epub")
    with zipfile.ZipFile(book) as epub:
        opf = ElementTree.fromstring(epub.read("content.opf"))
        essay = epub.read("book/one/index.xhtml").decode("utf-8")
    meta = opf.find("opf:metadata", NS)
    creators = meta.findall("dc:creator", NS)
    assert [c.text for c in creators] == ["Ada Lovelace"], "the authors, never the editors"
    (editor,) = meta.findall("dc:contributor", NS)
    assert editor.text == "The Test Editors"

    def refinement(of: ElementTree.Element, prop: str) -> list[tuple[str | None, str | None]]:
        found = meta.findall(f"opf:meta[@refines='#{of.get('id')}'][@property='{prop}']", NS)
        return [(m.get("scheme"), m.text) for m in found]

    assert refinement(editor, "role") == [("marc:relators", "edt")]
    assert refinement(creators[0], "role") == [("marc:relators", "aut")]
    assert refinement(creators[0], "file-as") == [(None, "Lovelace, Ada")]
    assert [e.text for e in meta.findall("dc:date", NS)] == ["2026-01-02"]
    assert [e.text for e in meta.findall("dc:source", NS)] == ["https://example.org/analytical/1843"]
    assert [e.text for e in meta.findall("dc:language", NS)] == ["en"]
    assert [e.text for e in meta.findall("dc:publisher", NS)] == ["The Test Editors"]
    # The citation is there, with the web address, but no link to files the EPUB does not have.
    assert "Cite this essay:" in essay and SITE + "book/one/index.html" in essay
    assert "_cite/" not in essay and "cite-file" not in essay


@pytest.mark.sphinx("latex", testroot="cite", srcdir="cite-latex")
def test_the_pdf_shows_the_citation_without_file_links(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    (tex,) = Path(app.outdir).glob("*.tex")
    text = tex.read_text("utf-8")
    assert re.search(r"Cite this essay: \}Lovelace, Ada\. \(1843\) 2026\.", text)
    assert "Cite this edition: }Lovelace, Ada. 2026." in text
    assert "\\_cite" not in text and "_cite/" not in text


@pytest.mark.sphinx("html", testroot="cite", srcdir="cite-unknown")
def test_citing_an_essay_the_book_does_not_have_is_a_warning(app) -> None:
    (Path(app.srcdir) / "about.md").write_text("# About\n\n```{how-to-cite} nowhere\n```\n", "utf-8")
    app.build()
    assert "how-to-cite: there is no essay with the page name 'nowhere'" in app._warning.getvalue()


def test_a_changed_citation_is_written_again_though_no_page_changed(make_app, tmp_path: Path, rootdir: Path) -> None:
    """The citation style is in every citation, but in no essay page's text and no setting of Sphinx's."""
    import shutil

    srcdir = tmp_path / "cite-edit"
    shutil.copytree(rootdir / "test-cite", srcdir)
    make_app("html", srcdir=srcdir).build()
    book = srcdir / "conf" / "book.toml"
    book.write_text(book.read_text("utf-8").replace('"chicago-author-date"', '"apa"'), "utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    # A second app in one process re-registers Sphinx's own nodes, and says so; nothing else may warn.
    assert [w for w in app._warning.getvalue().splitlines() if "is already registered" not in w] == []
    assert "book/one/index" not in app._status.getvalue().split("reading sources")[-1].split("writing")[0]
    for page, start in (("book/one/index.html", "Lovelace, A. (2026)."), ("about.html", "Lovelace, A. (2026).")):
        text = " ".join(_page(app, page).select_one(".cite-this").get_text().split())
        assert text.split(": ", 1)[1].startswith(start), (page, text)
