"""The book in every format a reader asks for: EPUB, PDF and one long page.

Each format is built from a copy of the project in a temporary folder, as
``make epub``, ``make pdf`` and ``make singlehtml`` build it, and checked the
way a reader would meet it: the EPUB by Debian's epubcheck and by reading
its pages in spine order, the PDF by the text poppler extracts from it, the
single page by following every link on it. In each, the essay must read
word for word as its seed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
import tomllib
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

import ace_check
from essaybook.core.edition import load_book
from essaybook.core.seeds import read_seed
from essaybook.sphinx_ext.epub import book_identifier
from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html, copy_project, essay_paragraphs, norm, pdf_outline

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FRONT = load_book(ROOT / "conf")
BOOK = FRONT.book
AUTHORS = FRONT.authors(seed.name for seed in SEEDS)
ENV = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def _notes_count() -> int:
    data = tomllib.loads((ROOT / "conf" / "notes.toml").read_text("utf-8"))
    return sum(len(v) for v in data.values() if isinstance(v, list))


def _seed_paragraphs() -> list[str]:
    """Every essay's paragraphs, in book order, as a reader sees them (whitespace collapsed)."""
    return [norm(p.text) for seed in SEEDS for p in read_seed(seed).paragraphs]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("formats"))


def _build(project: Path, builder: str, name: str | None = None) -> Path:
    name = name or builder
    out = project / "_build" / name
    return build_html(project, out, doctrees=project / "_build" / f"doctrees-{name}", builder=builder, env=ENV).check()


# --- EPUB -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epub(project: Path) -> Path:
    books = list(_build(project, "epub").glob("*.epub"))
    assert len(books) == 1, f"expected one .epub, found {books}"
    return books[0]


def _epubcheck() -> list[str]:
    """How to run epubcheck: Debian installs it as a jar (its /usr/bin link needs binfmt)."""
    found = shutil.which("epubcheck")
    java = shutil.which("java")
    assert found and java, "epubcheck is missing: install Debian's epubcheck package (as .ci/run does)"
    jar = Path(found).resolve()
    return [java, "-jar", str(jar)] if jar.suffix == ".jar" else [str(jar)]


def epubcheck(epub: Path, tmp_path: Path, timeout: int = 300) -> dict:
    """epubcheck's JSON report on a book, asserting it found no fatal error, error or warning."""
    report = tmp_path / "epubcheck.json"
    proc = subprocess.run(
        [*_epubcheck(), "--json", str(report), str(epub)], capture_output=True, text=True, timeout=timeout
    )
    assert report.is_file(), f"epubcheck wrote no report ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    data = json.loads(report.read_text("utf-8"))
    checker = data["checker"]
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} at {[(loc['path'], loc['line']) for loc in m['locations']][:3]}"
        for m in data["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), "\n".join(problems[:40])
    assert problems == []
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return data


def test_epubcheck_finds_no_error_and_no_warning(epub: Path, tmp_path: Path) -> None:
    data = epubcheck(epub, tmp_path)
    assert data["publication"]["ePubVersion"].startswith("3.")  # checked by the EPUB 3 rules


def test_ace_finds_no_accessibility_violation(epub: Path, tmp_path: Path) -> None:
    """Ace by DAISY: no violation of any impact, in the package or any content document."""
    try:
        found, report = ace_check.violations(epub, tmp_path)
    except ace_check.Missing as err:
        pytest.fail(str(err))
    assert found == [], f"{len(found)} violations:\n" + "\n".join(found)
    assert report["earl:result"]["earl:outcome"] == "pass"
    # Ace read the book: every content document of the spine was checked, and the metadata read.
    checked = {doc["earl:testSubject"]["url"] for doc in report["assertions"]}
    with zipfile.ZipFile(epub) as book:
        _, opf = _opf(book)
    spine = {i.get("idref") for i in opf.findall(".//opf:spine/opf:itemref", NS)}
    documents = {i.get("href") for i in opf.findall(".//opf:manifest/opf:item", NS) if i.get("id") in spine}
    assert len(documents) >= 7 and documents <= checked, documents - checked
    assert report["a11y-metadata"]["empty"] == []


def test_epub_says_how_it_can_be_read(epub: Path) -> None:
    """EPUB Accessibility 1.1: every document's language, the navigation's role, the package's metadata."""
    with zipfile.ZipFile(epub) as book:
        root, opf = _opf(book)
        base = root.rsplit("/", 1)[0] + "/" if "/" in root else ""
        meta: dict[str, list[str]] = {}
        for m in opf.findall("opf:metadata/opf:meta", NS):
            if m.get("property"):
                meta.setdefault(m.get("property"), []).append((m.text or "").strip())
        documents = [
            i.get("href")
            for i in opf.findall("opf:manifest/opf:item", NS)
            if i.get("media-type") == "application/xhtml+xml"
        ]
        assert len(documents) >= 7
        for href in documents:
            html = ElementTree.fromstring(book.read(base + href))
            lang = html.get("lang"), html.get("{http://www.w3.org/XML/1998/namespace}lang")
            assert lang == (BOOK.language, BOOK.language), f"{href}: lang, xml:lang = {lang}"
        nav = ElementTree.fromstring(book.read(base + "nav.xhtml"))
        toc = nav.find(".//xhtml:nav", NS)
        assert toc.get("{http://www.idpf.org/2007/ops}type") == "toc" and toc.get("role") == "doc-toc"
    assert meta["schema:accessMode"] == ["textual", "visual"]  # the timeline is a picture too
    assert "textual" in meta["schema:accessModeSufficient"]  # ... whose events a table lists
    assert {"tableOfContents", "readingOrder", "structuralNavigation", "index", "alternativeText"} == set(
        meta["schema:accessibilityFeature"]
    )
    assert meta["schema:accessibilityHazard"] == ["none"]
    (summary,) = meta["schema:accessibilitySummary"]
    assert "text" in summary and "table of contents" in summary and len(summary) > 100
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert meta["a11y:certifiedBy"] == [BOOK.editor]


def _opf(book: zipfile.ZipFile) -> tuple[str, ElementTree.Element]:
    container = ElementTree.fromstring(book.read("META-INF/container.xml"))
    path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
    return path, ElementTree.fromstring(book.read(path))


def test_epub_metadata_comes_from_book_toml_and_the_source_date(epub: Path) -> None:
    with zipfile.ZipFile(epub) as book:
        _, opf = _opf(book)
        ncx = ElementTree.fromstring(book.read("toc.ncx"))
    meta = opf.find("opf:metadata", NS)
    text = {
        tag: [e.text for e in meta.findall(f"dc:{tag}", NS)]
        for tag in ("title", "language", "creator", "contributor", "publisher", "description", "identifier", "date")
    }
    assert text["title"] == [BOOK.title]
    assert text["language"] == [BOOK.language]
    # The essays' authors are the book's creators; the editors are contributors, in the role of editors.
    assert AUTHORS and text["creator"] == AUTHORS
    assert text["contributor"] == [BOOK.editor]
    for element, role in ((meta.find("dc:contributor", NS), "edt"), (meta.find("dc:creator", NS), "aut")):
        refines = meta.findall(f"opf:meta[@refines='#{element.get('id')}'][@property='role']", NS)
        assert [(r.get("scheme"), r.text) for r in refines] == [("marc:relators", role)]
    assert text["publisher"] == [BOOK.editor]
    assert text["description"] == [BOOK.description]
    # The identifier is the same in every build, and the one toc.ncx names.
    assert text["identifier"] == [book_identifier(BOOK.title)]
    identifier = meta.find("dc:identifier", NS)
    assert opf.get("unique-identifier") == identifier.get("id")
    uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS)
    assert uid is not None and uid.get("content") == book_identifier(BOOK.title)
    # Published on the edition's date; last modified at the source's date, not the build's.
    assert text["date"] == [BOOK.date]
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(SOURCE_DATE_EPOCH)))
    modified = meta.find("opf:meta[@property='dcterms:modified']", NS)
    assert modified is not None and modified.text == when
    # Where each essay first appeared.
    essays = tomllib.loads((ROOT / "conf" / "book.toml").read_text("utf-8")).get("essays", {})
    first = [e["first_published"]["url"] for e in essays.values() if e.get("first_published", {}).get("url")]
    assert first and [e.text for e in meta.findall("dc:source", NS)] == first


def test_epub_rights_are_each_essays_and_the_editors(epub: Path) -> None:
    """One dc:rights per essay (its holder's), one for the editors' work: never one line claiming the whole book."""
    with zipfile.ZipFile(epub) as book:
        _, opf = _opf(book)
    rights = [e.text for e in opf.find("opf:metadata", NS).findall("dc:rights", NS)]
    titles = [read_seed(seed).title for seed in SEEDS]
    holders = [FRONT.essays[seed.name].rights for seed in SEEDS]
    assert rights[:-1] == [f"“{t}” © {r.year} {r.holder}." for t, r in zip(titles, holders, strict=True)]
    editors = BOOK.rights
    assert rights[-1].startswith("Editorial matter (part titles, notes, glossary, timeline and apparatus)")
    assert (
        f"© {editors.year} {editors.holder}, licensed under {editors.licence}, which does not cover the essays"
        in (rights[-1])
    )


def test_epub_contents_are_reproducible(project: Path, epub: Path) -> None:
    again = next(_build(project, "epub", "epub-again").glob("*.epub"))
    with zipfile.ZipFile(epub) as one, zipfile.ZipFile(again) as two:
        assert one.namelist() == two.namelist()
        assert one.namelist()[0] == "mimetype" and one.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        changed = [n for n in one.namelist() if one.read(n) != two.read(n)]
        dated = {one.getinfo(n).date_time for n in one.namelist()} | {two.getinfo(n).date_time for n in two.namelist()}
    assert changed == [], f"two builds of the same sources differ in {changed}"
    assert len(dated) == 1, f"the entries carry the times of the build, not SOURCE_DATE_EPOCH: {sorted(dated)}"
    assert epub.read_bytes() == again.read_bytes(), "two builds of one commit must be the same file"


def _spine(book: zipfile.ZipFile) -> list[str]:
    path, opf = _opf(book)
    base = path.rpartition("/")[0]
    hrefs = {i.get("id"): i.get("href") for i in opf.findall("opf:manifest/opf:item", NS)}
    refs = [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)]
    assert len(refs) == len(set(refs)), f"a page is twice in the reading order: {refs}"
    return [f"{base}/{hrefs[r]}".lstrip("/") for r in refs]


def test_epub_reading_order_is_title_page_essays_then_apparatus(epub: Path) -> None:
    with zipfile.ZipFile(epub) as book:
        spine = _spine(book)
        nav = BeautifulSoup(book.read("nav.xhtml").decode("utf-8"), "html.parser")
    assert spine[0] == "index.xhtml", "the book opens on its title page"
    title_page = BeautifulSoup(zipfile.ZipFile(epub).read("index.xhtml").decode(), "html.parser")
    assert norm(title_page.find("h1").get_text()) == BOOK.title
    apparatus = ["book/glossary.xhtml", "book/timeline.xhtml", "book/sources.xhtml", "book/changes.xhtml"]
    essays = [s for s in spine if s.startswith("book/") and s not in apparatus]
    assert spine[1 : 1 + len(essays)] == essays, f"the essays come first, together: {spine}"
    assert spine[-6:] == [*apparatus, "about.xhtml", "genindex.xhtml"]
    listed = [a["href"] for a in nav.select("nav a")]
    for page in spine:
        assert page in listed, f"{page} is missing from the table of contents ({listed})"


def test_epub_essay_is_verbatim_in_spine_order(epub: Path) -> None:
    got: list[str] = []
    with zipfile.ZipFile(epub) as book:
        for page in _spine(book):
            got += essay_paragraphs(BeautifulSoup(book.read(page).decode("utf-8"), "html.parser"))
    want = _seed_paragraphs()
    assert got == want
    assert " ".join(got).split(" ") == " ".join(want).split(" ")


def _pages(book: zipfile.ZipFile) -> dict[str, BeautifulSoup]:
    return {
        n: BeautifulSoup(book.read(n).decode("utf-8"), "html.parser") for n in book.namelist() if n.endswith(".xhtml")
    }


def _resolve(page: str, href: str) -> tuple[str, str]:
    parts = urlsplit(href)
    if not parts.path:
        return page, unquote(parts.fragment)
    base = page.rpartition("/")[0]
    path = os.path.normpath(f"{base}/{unquote(parts.path)}" if base else unquote(parts.path))
    return path, unquote(parts.fragment)


def test_epub_notes_are_epub3_footnotes_and_terms_link_to_the_glossary(epub: Path) -> None:
    with zipfile.ZipFile(epub) as book:
        pages = _pages(book)
    noterefs = terms = 0
    for name, page in pages.items():
        for ref in page.select("a.footnote-reference"):
            assert ref.get("epub:type") == "noteref" and ref.get("role") == "doc-noteref", f"{name}: {ref}"
            target, fragment = _resolve(name, ref["href"])
            assert target == name, f"{name}: a note marker leads off its page: {ref['href']}"
            note = page.find(id=fragment)
            assert note is not None and note.name == "aside", f"{name}: {ref['href']} leads to no note"
            assert note.get("epub:type") == "footnote" and note.get("role") == "doc-footnote"
            noterefs += 1
        for ref in page.select("a.reference.internal"):
            target, fragment = _resolve(name, ref["href"])
            assert target in pages, f"{name}: {ref['href']} leads to a page the EPUB lacks"
            if fragment:
                assert pages[target].find(id=fragment) is not None, f"{name}: {ref['href']}: no such id"
            if ref.find(class_="std-term"):
                assert target == "book/glossary.xhtml", f"{name}: term link {ref['href']}"
                assert pages[target].find(id=fragment).name == "dt"
                terms += 1
    assert noterefs == _notes_count(), "every note of conf/notes.toml is marked once in the text"
    assert terms >= 10, f"only {terms} term links in the EPUB"


# --- PDF ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(built_pdf: Path) -> Path:
    """The real book's PDF (conftest.py: built once, shared with the screenshots)."""
    return built_pdf


def test_pdf_has_every_character_and_no_overfull_line(pdf: Path) -> None:
    log = pdf.with_suffix(".log").read_text("utf-8", errors="replace")
    # TeX notes each character no font has; the reader would see a gap.
    assert "Missing character" not in log, [line for line in log.splitlines() if "Missing character" in line]
    assert "Overfull \\hbox" not in log, [line for line in log.splitlines() if "Overfull" in line]


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def test_pdf_has_title_contents_chapters_glossary_notes_and_sources(pdf: Path) -> None:
    info = _info(pdf)
    assert info["Title"] == BOOK.title
    assert int(info["Pages"]) >= 8
    raw = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = norm(raw)
    for heading in ("Contents", "Glossary", "Sources", "About this edition", "Index"):
        assert heading in text, f"the PDF has no {heading!r}"
    for seed in SEEDS:
        assert read_seed(seed).title in text  # the chapter heading, as written
    essays = tomllib.loads((ROOT / "conf" / "book.toml").read_text("utf-8")).get("essays", {})
    part_titles = [part["title"] for essay in essays.values() for part in essay.get("parts", [])]
    assert part_titles, "the book's essays have parts"
    for title in part_titles:
        assert title in text, f"part {title!r} is not in the PDF"
    # Each note's opening words are printed (as a footnote) ...
    notes = tomllib.loads((ROOT / "conf" / "notes.toml").read_text("utf-8"))
    for entries in notes.values():
        for note in entries if isinstance(entries, list) else []:
            plain = re.sub(r"\{[a-z:]+\}`([^`<]*?)\s*(?:<[^`>]*>)?`", r"\1", note["text"]).replace("*", "")
            opening = " ".join(plain.split()[:4])
            assert norm(opening) in text, f"note {note.get('id')}: {opening!r} is not in the PDF"
    # ... numbered through the book, not from 1 on every page of the web edition.
    tex = pdf.with_suffix(".tex").read_text("utf-8")
    numbers = [int(n) for n in re.findall(r"\\begin\{footnote\}\[(\d+)\]", tex)]
    assert numbers == list(range(1, _notes_count() + 1))
    assert "Editors’ notes" not in tex, "the notes' heading has nothing under it in print"


def test_pdf_reads_like_an_edition(pdf: Path) -> None:
    info = _info(pdf)
    assert info["Author"] == ", ".join(AUTHORS), "the essays' authors, never the editors"
    pages = subprocess.run(
        ["pdftotext", "-l", "2", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    first, second = pages.split("\f")[:2]
    shown = (BOOK.title, BOOK.subtitle, *AUTHORS, f"Edited, with notes and a glossary, by {BOOK.editor}")
    for words in (*shown, f"Edition {BOOK.version}"):
        assert words in norm(first), f"{words!r} is not on the title page"
    assert "Release" not in pages
    # The title page's verso: whose the essays are, and the editors' work, the licence linked.
    rights = norm(second)
    for seed in SEEDS:
        conf = FRONT.essays[seed.name].rights
        assert f"“{read_seed(seed).title}” © {conf.year} {conf.holder}." in rights
    assert f"© {BOOK.rights.year} {BOOK.rights.holder}, licensed under {BOOK.rights.licence}" in rights
    assert "which does not cover the essays" in rights
    links = subprocess.run(["pdfinfo", "-url", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert BOOK.rights.licence_url in links, "the licence's name links to the licence"
    third = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert third.startswith("Contents"), "the contents follow the copyright page, with no blank page between"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    # The web's way-finding lines: in print the parts are sections of their essay's chapter.
    assert "Part 1 of" not in text and "In 3 parts" not in text


def _part_titles() -> dict[str, list[str]]:
    """Each essay's title and the titles of its parts, in book order."""
    essays = tomllib.loads((ROOT / "conf" / "book.toml").read_text("utf-8")).get("essays", {})
    return {
        read_seed(seed).title: [part["title"] for part in essays.get(seed.name, {}).get("parts", [])] for seed in SEEDS
    }


def test_pdf_outline_is_the_book_front_matter_essays_back_matter(pdf: Path) -> None:
    """The outline lists each essay at the top level, its parts under it; no chapter called Contents."""
    outline = pdf_outline(pdf)
    top = [title for depth, title, _ in outline if depth == 0]
    essays = _part_titles()
    # Edition 1.1 follows a release, so its apparatus has the changes since then.
    apparatus = ["Glossary", "Timeline", "Sources", "Changes in this edition", "About this edition", "Index"]
    assert top == ["Introduction", *essays, *apparatus]
    assert "Contents" not in [title for _, title, _ in outline]
    for essay, parts in essays.items():
        at = next(i for i, (depth, title, _) in enumerate(outline) if depth == 0 and title == essay)
        under = []
        for depth, title, _ in outline[at + 1 :]:
            if depth == 0:
                break
            under.append((depth, title))
        assert under == [(1, part) for part in parts], f"{essay}: {under}"
    # The contents have roman page numbers; page 1 is the introduction's, and the numbers run on from there.
    from pypdf import PdfReader

    labels = PdfReader(pdf).page_labels
    introduction = next(page for _, title, page in outline if title == "Introduction")
    assert labels[introduction:] == [str(n) for n in range(1, len(labels) - introduction + 1)], labels
    contents = [label for label in labels[:introduction] if re.fullmatch(r"[ivx]+", label)]
    assert contents and contents == labels[introduction - len(contents) : introduction], labels[: introduction + 1]
    assert contents[0] == "i", contents


def _page_words(pdf: Path, tmp_path: Path) -> list[tuple[float, list[tuple[float, float, str]]]]:
    """Each page's height and words (top, left, text), as poppler places them."""
    out = tmp_path / "pages.html"
    subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), str(out)], check=True)
    page_re = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)
    word_re = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')
    return [
        (float(height), [(float(y), float(x), html.unescape(w)) for x, y, w in word_re.findall(body)])
        for height, body in page_re.findall(out.read_text("utf-8"))
    ]


def test_pdf_pages_of_an_essay_run_under_its_title_and_part(pdf: Path, tmp_path: Path) -> None:
    outline = pdf_outline(pdf)
    pages = _page_words(pdf, tmp_path)
    tops = [(title, page) for depth, title, page in outline if depth == 0]
    for essay, parts in _part_titles().items():
        at = next(i for i, (title, _) in enumerate(tops) if title == essay)
        first, end = tops[at][1], tops[at + 1][1]
        assert end - first >= 2, "the essay fills more than its opening page"
        # The chapter's opening page has no running head; every other page has the essay's and its part's.
        for number in range(first + 1, end):
            height, words = pages[number]
            head = norm(" ".join(w for _, w in sorted((left, w) for top, left, w in words if top < 0.08 * height)))
            assert head.startswith(essay), f"page {number + 1} runs under {head!r}, not the essay's title"
            assert any(head == f"{essay} {part}" for part in parts), f"page {number + 1}: {head!r} names no part"


def test_pdf_prints_every_paragraph_number_in_the_margin(pdf: Path, tmp_path: Path) -> None:
    """¶ 1 … ¶ n, the web's numbers, left of each essay paragraph's first line; no sentence only the web can use."""
    pages = _page_words(pdf, tmp_path)
    numbers: list[int] = []
    for _, words in pages:
        lines: dict[float, list[tuple[float, str]]] = {}
        for top, left, word in words:
            lines.setdefault(round(top), []).append((left, word))
        # The text block's left edge: where most lines begin.
        starts = Counter(round(min(line)[0]) for line in lines.values())
        body_left = starts.most_common(1)[0][0] if starts else 0
        for _, line in sorted(lines.items()):
            line.sort()
            if len(line) >= 2 and line[0][1] == "¶" and line[1][1].isdigit():
                assert line[0][0] < body_left - 5, f"¶ {line[1][1]} is not in the margin: {line[:3]}"
                numbers.append(int(line[1][1]))
    want = [n for seed in SEEDS for n in range(1, len(read_seed(seed).paragraphs) + 1)]
    assert numbers == want
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "address followed by" not in norm(text) and "-p4" not in text, "a sentence only the web can use"
    assert "add its number from the margin, as in ‘¶ 4’" in norm(text)


def _body_words(pdf: Path, tmp_path: Path) -> str:
    """The PDF's running text at body size: no footnotes, note markers, headers or footers.

    poppler gives each word's box; a word's height is its font's size, so the
    smaller footnotes and superscript markers drop out, and the running
    headers and footers are the lines outside the text block.
    """
    out = tmp_path / "words.html"
    subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), str(out)], check=True)
    page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
    word_re = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
    words: list[tuple[float, str]] = []
    for _, height, body in page_re.findall(out.read_text("utf-8")):
        for y0, y1, word in word_re.findall(body):
            top = float(y0)
            if 0.08 * float(height) < top < 0.92 * float(height):
                words.append((float(y1) - top, html.unescape(word)))
    body_size = Counter(round(h, 1) for h, _ in words).most_common(1)[0][0]
    kept = [w for h, w in words if abs(h - body_size) < 0.5]
    text = ""
    for word in kept:
        # TeX never hyphenates (essaybook.sty), so a hyphen ending a line is the author's.
        text += word if text.endswith("-") and len(text) > 1 and not text.endswith(" -") else " " + word
    ligatures = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}
    return norm("".join(ligatures.get(c, c) for c in text))


def _close_up(text: str) -> str:
    # A superscript marker leaves a space before the punctuation it preceded.
    return re.sub(r" (?=[.,;:)’])", "", text)


def test_pdf_essay_is_verbatim(pdf: Path, tmp_path: Path) -> None:
    text = _close_up(_body_words(pdf, tmp_path))
    at = 0
    for number, paragraph in enumerate(_seed_paragraphs(), 1):
        want = _close_up(paragraph)
        found = text.find(want, at)
        if found < 0:
            # Show how far the paragraph matches, to point at the first difference.
            words = want.split(" ")
            n = max(k for k in range(len(words) + 1) if text.find(" ".join(words[:k]), at) >= 0)
            start = text.find(" ".join(words[:n]), at)
            pytest.fail(
                f"paragraph {number} is not in the PDF word for word: it matches up to word {n} of {len(words)};\n"
                f"want: {' '.join(words[max(0, n - 5) : n + 8])!r}\n"
                f"got:  {text[start : start + 300]!r}"
            )
        at = found + len(want)
    # The author's plain hyphens and quotes are not typeset as dashes or curly quotes.
    for seed_text in _seed_paragraphs():
        for piece in re.findall(r"\S*[-'\"`]\S*", seed_text):
            assert piece in text or _close_up(piece) in text, piece


# --- single page --------------------------------------------------------------------


@pytest.fixture(scope="module")
def single(project: Path) -> BeautifulSoup:
    out = _build(project, "singlehtml")
    page = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    page.outdir = out  # type: ignore[attr-defined]
    return page


def test_single_page_has_unique_ids_and_every_link_on_it_lands(single: BeautifulSoup) -> None:
    ids = Counter(tag["id"] for tag in single.find_all(id=True))
    assert [i for i, n in ids.items() if n > 1] == [], "ids used twice on the single page"
    kinds: Counter[str] = Counter()
    for link in single.find_all("a", href=True):
        parts = urlsplit(link["href"])
        if parts.scheme or parts.netloc:
            continue
        if parts.path.startswith("_cite/"):
            # The citation files a reference manager imports: they are there.
            assert (single.outdir / parts.path).is_file(), f"{link['href']} is missing"  # type: ignore[attr-defined]
            continue
        if parts.path not in ("", "index.html"):
            # genindex and search are pages of their own, as in any single-page build.
            assert parts.path in ("genindex.html", "search.html"), f"link off the page: {link['href']}"
            continue
        fragment = unquote(parts.fragment)
        if not fragment:
            continue
        assert fragment in ids, f"{link['href']} ({link.get_text()!r}) lands nowhere"
        classes = set(link.get("class", []))
        if "footnote-reference" in classes:
            kinds["note"] += 1
            assert single.find(id=fragment).name == "aside"
        elif link.find(class_="std-term"):
            kinds["term"] += 1
            assert single.find(id=fragment).name == "dt"
        elif link.find_parent(class_="where-used"):
            kinds["where used"] += 1
    assert kinds["note"] == _notes_count()
    assert kinds["term"] >= 10 and kinds["where used"] >= 10, kinds


def test_single_page_holds_the_essay_verbatim(single: BeautifulSoup) -> None:
    assert essay_paragraphs(single) == _seed_paragraphs()


# --- link checking ---------------------------------------------------------------------


def test_linkcheck_without_network_checks_internal_links_only(project: Path) -> None:
    """``make linkcheck`` as CI runs it: internal references strictly, no external URL fetched."""
    out = project / "_build" / "linkcheck"
    result = build_html(
        project,
        out,
        doctrees=project / "_build" / "doctrees-linkcheck",
        builder="linkcheck",
        extra=["-D", r"linkcheck_ignore=^https?://"],
        env=ENV,
    )
    result.check()
    lines = [json.loads(line) for line in (out / "output.json").read_text("utf-8").splitlines()]
    external = [entry for entry in lines if entry["uri"].startswith(("http://", "https://"))]
    assert external, "the book cites no web address: nothing was checked"
    assert {e["status"] for e in external} == {"ignored"}, "an external URL was fetched"
