"""The built site as a whole: reproducible, no broken link, valid HTML.

* Two clean builds of the book, in different folders and with different hash
  seeds but the same ``SOURCE_DATE_EPOCH``, give the same bytes in every file:
  a reader can check that a published book was built from a given commit.
* A crawler follows every internal ``href``/``src`` of every page to an
  existing file and every ``#fragment`` to an id in its target page.
* The W3C Nu HTML Checker (``vnu.jar``, pinned in ``tests/vnu``, installed by
  ``make vnu`` or on first use) finds no error on any page, with no
  allowlist: every error fails the test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import htmlcheck
from sitebuild import EXTERNAL, SOURCE_DATE_EPOCH, broken_links, build_html, copy_project, html_pages

# --- reproducible -----------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    # One snapshot of the sources, copied to a second folder, so both builds read the same bytes.
    first_checkout = copy_project(tmp_path / "first" / "checkout")
    shutil.copytree(first_checkout, tmp_path / "second-elsewhere" / "checkout")
    outs = []
    for name, hash_seed in (("first", "1"), ("second-elsewhere", "2")):
        env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONHASHSEED": hash_seed}
        outs.append(build_html(tmp_path / name / "checkout", tmp_path / name / "html", env=env).check())
    first, second = (_files(out) for out in outs)
    assert ".buildinfo" in first and "index.html" in first and len(first) > 20
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    differ = [name for name in first if first[name] != second[name]]
    assert differ == [], f"these files differ between two builds of the same sources: {differ}"


# --- links ------------------------------------------------------------------------


def test_every_internal_link_leads_somewhere(built_book: Path) -> None:
    broken, followed = broken_links(built_book)
    assert followed > 500, f"only {followed} links followed: is the crawler reading the pages?"
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken[:50])


def test_crawler_finds_a_broken_link(tmp_path: Path, built_book: Path) -> None:
    """The crawler itself: a copy of the site with one bad fragment and one missing file."""
    site = tmp_path / "site"
    shutil.copytree(built_book, site)
    page = site / "about.html"
    html = page.read_text("utf-8")
    page.write_text(html.replace("</body>", '<a href="book/glossary.html#no-such-id">x</a><img src="gone.png"></body>'))
    broken, _ = broken_links(site)
    assert len(broken) == 2 and all(b.startswith("about.html") for b in broken), broken


def test_every_css_url_resolves(built_book: Path) -> None:
    """Our own stylesheets' url(...) references (fonts, icons) exist."""
    sheets = sorted((built_book / "_static").glob("essaybook*.css"))
    assert sheets
    for sheet in sheets:
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", sheet.read_text("utf-8")):
            if ref.startswith(("data:", "#")) or EXTERNAL.match(ref):
                continue
            assert (sheet.parent / urlsplit(ref).path).is_file(), f"{sheet.name}: url({ref}) leads nowhere"


# --- the W3C Nu HTML Checker -------------------------------------------------------


CONTROL = (
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
    '<body><p role="heading">x</p><form action=""></form></body></html>'
)


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    try:
        return htmlcheck.command()
    except htmlcheck.Missing as err:
        pytest.fail(str(err))


@pytest.fixture(scope="module")
def vnu_report(vnu: list[str], built_book: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """The checker's errors for every page of the book and for an invalid control page, in one run."""
    control = tmp_path_factory.mktemp("vnu") / "control.html"
    control.write_text(CONTROL, "utf-8")
    pages = html_pages(built_book)
    assert len(pages) >= 8
    by_file = htmlcheck.errors(vnu, [control, *pages])
    return {
        "control": by_file.pop(htmlcheck.uri(control)),
        "book": [m for messages in by_file.values() for m in messages],
    }


def test_every_page_is_valid_html(vnu_report: dict[str, list[dict]]) -> None:
    """Every error the checker reports counts: there is no allowlist."""
    book = vnu_report["book"]
    assert book == [], f"{len(book)} HTML errors in the book's pages:\n{htmlcheck.report(book)}"


def test_checker_reports_errors(vnu_report: dict[str, list[dict]]) -> None:
    """The same run flags the invalid control page, including the caption Sphinx used to write."""
    control = vnu_report["control"]
    assert sorted(m["message"] for m in control) == [
        "Bad value “” for attribute “action” on element “form”: Must be non-empty.",
        "Element “p” is missing required attribute “aria-level”.",
    ]
