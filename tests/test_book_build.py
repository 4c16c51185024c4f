"""The real book, built end to end as a reader's checkout and Read the Docs build it.

The unit and Sphinx-project tests check each stage; these check what a reader
gets: the essay word for word across its pages, its glossary, notes, checksum
and canonical links, the EPUB, essays added to ``seeds/`` later, and rebuilds.
Every build runs in a copy of the project in a temporary folder.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from essaybook.core.seeds import default_slug, read_seed
from sitebuild import (
    ROOT,
    SOURCE_DATE_EPOCH,
    build_html,
    copy_project,
    essay_paragraphs,
    heading_text,
    next_chain,
    norm,
    soup,
    sphinx,
)

SEED = "000_4ba1c0995a320183.txt"
# The checksum of the essay as it was handed over; the seed must stay byte for byte that file.
SEED_SHA256 = "8efee8a6aff601ad57abb79a5ef7a34482f68bc2a13c69cf1365e6bc93a89d03"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / SEED


def _target(page: Path, href: str) -> tuple[Path, str]:
    """The file and fragment an href on ``page`` points at."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, f"{page}: {href} is not an internal link"
    file = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    return file, unquote(parts.fragment)


def _assert_points_at_something(page: Path, href: str) -> tuple[Path, BeautifulSoup]:
    file, fragment = _target(page, href)
    assert file.is_file(), f"{page.name}: {href} leads to a missing file"
    target = soup(file)
    if fragment:
        assert target.find(id=fragment) is not None, f"{page.name}: {href}: no id {fragment!r} in {file.name}"
    return file, target


# --- the seed -------------------------------------------------------------------


def test_seed_is_the_original_byte_for_byte() -> None:
    data = (ROOT / "seeds" / SEED).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256, "seeds/ no longer holds the essay as it was received"
    if SHARED_SEED.exists():
        assert data == SHARED_SEED.read_bytes(), f"seeds/{SEED} differs from {SHARED_SEED}"


def test_about_page_shows_the_checksum_of_each_seed(built_book: Path) -> None:
    rows = soup(built_book / "about.html").select("table.seed-table tbody tr")
    shown = {norm(r.find_all("td")[0].get_text()): norm(r.find_all("td")[-1].get_text()) for r in rows}
    seeds = sorted(p for p in (ROOT / "seeds").glob("*.txt"))
    assert shown == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds}
    assert shown[SEED] == SEED_SHA256


def test_about_pages_provenance_is_a_paragraph_per_essay_its_runs_of_text_one_node(built_book: Path) -> None:
    # Every node of About is walked again at each seed's edit: a sentence is not cut into pieces.
    from docutils import nodes

    doctree = pickle.loads((built_book.parent / "doctrees" / "about.doctree").read_bytes())
    (listing,) = [n for n in doctree.findall(nodes.container) if "provenance-list" in n["classes"]]
    assert len(listing.children) == len(list((ROOT / "seeds").glob("*.txt")))
    for para in listing.children:
        assert isinstance(para, nodes.paragraph)
        kinds = [isinstance(child, nodes.Text) for child in para.children]
        assert not any(a and b for a, b in pairwise(kinds)), para.pformat()
        assert " was first published" in para.astext() or " was received by the editors" in para.astext()


# --- the essay, word for word ----------------------------------------------------


def test_essay_reads_verbatim_on_one_page_with_its_parts_as_sections(built_book: Path) -> None:
    essay = read_seed(ROOT / "seeds" / SEED)
    chain = next_chain(built_book)
    got: list[str] = []
    pages_with_text = []
    for page in chain:
        texts = essay_paragraphs(soup(page))
        if texts:
            pages_with_text.append(page.relative_to(built_book).as_posix())
        got += texts
    # A short essay reads on one page; its three parts are headed sections there, titled by the editors.
    assert pages_with_text == ["book/trotsky-and-stalin/index.html"]
    page = soup(built_book / pages_with_text[0])
    sections = page.select("section.editorial-title > h2")
    assert [heading_text(h) for h in sections] == [
        "Power as the difference",
        "Appearance and doctrine",
        "One country or many",
    ]
    assert not list((built_book / "book" / "trotsky-and-stalin").glob("part-*.html"))
    want = [norm(p.text) for p in essay.paragraphs]
    assert got == want
    # The same words in the same order, whatever the paragraphing.
    assert " ".join(got).split(" ") == " ".join(want).split(" ")


def test_essay_title_is_the_chapter_heading(built_book: Path) -> None:
    essay = read_seed(ROOT / "seeds" / SEED)
    chain = next_chain(built_book)
    headings = [heading_text(h) for page in chain for h in soup(page).find_all("h1")]
    assert essay.title in headings, f"no h1 reads {essay.title!r}; h1s: {headings}"


# --- glossary, links, notes -------------------------------------------------------


def _glossary_entries(built_book: Path) -> list[tuple[str, BeautifulSoup]]:
    page = soup(built_book / "book" / "glossary.html")
    return [(dt["id"], dt.find_next_sibling("dd")) for dt in page.select("dl.glossary > dt[id]")]


def test_glossary_has_defined_terms(built_book: Path) -> None:
    entries = _glossary_entries(built_book)
    assert len(entries) >= 12, f"only {len(entries)} glossary entries"
    for term_id, dd in entries:
        assert dd is not None, f"{term_id} has no definition"
        definition = [p for p in dd.find_all("p", recursive=False) if "where-used" not in (p.get("class") or [])]
        assert definition and len(norm(definition[0].get_text())) >= 40, f"{term_id} has no real definition"


def test_essay_pages_link_many_glossary_terms(built_book: Path) -> None:
    glossary = (built_book / "book" / "glossary.html").resolve()
    ids = {term_id for term_id, _ in _glossary_entries(built_book)}
    linked = set()
    for page in next_chain(built_book):
        # The essay's own words: its paragraphs, not the notes beside them nor the paragraph numbers.
        for a in soup(page).select(".essay-text > p a[href]"):
            if {"footnote-reference", "para-num"} & set(a.get("class") or []):
                continue
            file, fragment = _target(page, a["href"])
            assert file == glossary and fragment in ids, f"{page.name}: essay link {a['href']} is not a glossary term"
            linked.add(fragment)
    assert len(linked) >= 10, f"only {len(linked)} distinct terms linked from the essay: {sorted(linked)}"


def test_every_glossary_entry_lists_where_it_is_used(built_book: Path) -> None:
    page = built_book / "book" / "glossary.html"
    for term_id, dd in _glossary_entries(built_book):
        used = dd.select("p.where-used")
        assert len(used) == 1, f"{term_id}: expected one 'Used in' line"
        links = used[0].select("a[href]")
        assert links, f"{term_id}: 'Used in' links to nothing: {norm(used[0].get_text())!r}"
        for a in links:
            _, target = _assert_points_at_something(page, a["href"])
            # A use is on an essay page, and a link lands on a paragraph of seed text or on a note.
            assert target.select(".essay-text"), f"{term_id}: {a['href']} is not an essay page"
            _, fragment = _target(page, a["href"])
            if fragment:
                place = target.find(id=fragment)
                paragraph = place.name == "p" and "essay-text" in (place.parent.get("class") or [])
                note = place.name == "aside" and "footnote" in (place.get("class") or [])
                assert paragraph or note, f"{term_id}: {a['href']}"
                assert norm(a.get_text()).startswith("¶" if paragraph else "note"), a


def test_notes_link_both_ways(built_book: Path) -> None:
    count = 0
    for page in next_chain(built_book):
        html = soup(page)
        for ref in html.select(".essay-text a.footnote-reference"):
            count += 1
            assert ref.get("id"), f"{page.name}: note marker without an id, so no backlink can return to it"
            _, fragment = _target(page, ref["href"])
            note = html.find(id=fragment)
            assert note is not None and note.name == "aside" and "footnote" in note["class"], (
                f"{page.name}: marker {ref['href']} leads to no note"
            )
            assert norm(note.get_text()).strip("[]0123456789 "), f"{page.name}: note {fragment} is empty"
            backlinks = [_target(page, a["href"])[1] for a in note.select("a[role=doc-backlink]")]
            assert ref["id"] in backlinks, f"{page.name}: note {fragment} does not link back to its marker"
    assert count >= 8, f"only {count} editors' notes in the essay"


# --- Read the Docs ---------------------------------------------------------------

RTD_URL = "https://example.readthedocs.io/en/latest/"


def _rtd_build(tmp_path: Path, builder: str) -> Path:
    """Read the Docs' own command (its build log shows it), run in docs/ of a fresh copy."""
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    args = ["-T", "-W", "--keep-going", "-b", builder, "-d", "_build/doctrees", "-D", "language=en", ".", str(out)]
    env = {"READTHEDOCS": "True", "READTHEDOCS_CANONICAL_URL": RTD_URL, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    return sphinx(args, cwd=project / "docs", env=env, outdir=out).check()


def test_read_the_docs_html_has_canonical_links(tmp_path: Path) -> None:
    out = _rtd_build(tmp_path, "html")
    pages = sorted(p for p in out.rglob("*.html") if "_static" not in p.parts)
    assert len(pages) >= 8
    for page in pages:
        links = soup(page).select('link[rel="canonical"]')
        assert len(links) == 1, f"{page.name}: {len(links)} canonical links"
        assert links[0]["href"] == RTD_URL + page.relative_to(out).as_posix()


def test_read_the_docs_epub_builds_without_warnings(tmp_path: Path) -> None:
    out = _rtd_build(tmp_path, "epub")
    books = list(out.glob("*.epub"))
    assert len(books) == 1 and books[0].stat().st_size > 10_000


# --- essays added later, rebuilds -------------------------------------------------

# Written by the test, not fixtures: each is a plain essay a contributor might
# drop into seeds/, with punctuation the book must keep exactly.
LATE_ESSAY = """\
A Late Essay -- On "Proletariat" & Other Words...

The proletariat -- so the pamphlets say -- is "the class that has nothing
to lose but its chains"; but ask a Trotskyist what *that* means, and you
will hear 3 answers, 2 of them <contradictory>.

# Not a heading. {{ not a substitution }} 50% of readers skip this; the other 50%... well.

Said the vanguard: 'Onward!' Said the proletariat: 'After lunch.'
"""

EARLY_ESSAY = """\
Zebra-Striped Thoughts (a Fragment)

Stalinism, internationalism & socialism in one country: three phrases, one
argument -- and a footnote-shaped bracket [^1] that is only text.

_Underscores_ stay; so do `backticks`, \\backslashes\\ and a lone : colon.
"""


def _grow(project: Path) -> Path:
    """Add the two essays to a copied project's seeds/ and build it; the HTML folder."""
    # Written in the opposite order to their names: the book follows names, not creation.
    (project / "seeds" / "010_late.txt").write_text(LATE_ESSAY, "utf-8")
    (project / "seeds" / "002_early.txt").write_text(EARLY_ESSAY, "utf-8")
    return build_html(project, project / "_build" / "html").check()


@pytest.fixture(scope="module")
def grown_book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real book with two more essays in seeds/, built once; tests may rebuild it but change no source."""
    project = copy_project(tmp_path_factory.mktemp("grown"))
    return {"project": project, "out": _grow(project)}


def _chapter_of(seed_name: str) -> str:
    return f"book/{default_slug(seed_name.rsplit('.', 1)[0])}/index.html"


def test_added_essays_become_chapters_in_file_name_order(grown_book: dict) -> None:
    out: Path = grown_book["out"]
    chapters = [a["href"] for a in soup(out / "index.html").select(".book-contents a.reference.internal")]
    chapter_pages = [h for h in chapters if h.endswith("/index.html") and h.startswith("book/")]
    order = ["book/trotsky-and-stalin/index.html", _chapter_of("002_early.txt"), _chapter_of("010_late.txt")]
    assert chapter_pages == order
    chain = [p.relative_to(out).as_posix() for p in next_chain(out)]
    assert [c for c in chain if c in order] == order


@pytest.mark.parametrize("name", ["002_early.txt", "010_late.txt"])
def test_added_essay_is_verbatim_with_terms_linked(grown_book: dict, name: str) -> None:
    project: Path = grown_book["project"]
    out: Path = grown_book["out"]
    essay = read_seed(project / "seeds" / name)
    page = soup(out / _chapter_of(name))
    assert [heading_text(h) for h in page.find_all("h1")] == [essay.title]
    assert essay_paragraphs(page) == [norm(p.text) for p in essay.paragraphs]
    terms = {norm(a.get_text()): a["href"] for a in page.select(".essay-text a.reference.internal")}
    expected = {
        "002_early.txt": ["Stalinism", "internationalism", "socialism in one country"],
        "010_late.txt": ["proletariat", "Trotskyist", "vanguard"],
    }[name]
    for word in expected:
        assert word in terms and "glossary.html#term-" in terms[word], f"{word!r} is not linked: {terms}"
    glossary = soup(out / "book" / "glossary.html")
    used_in = {a["href"].split("#")[0] for a in glossary.select("p.where-used a[href]")}
    assert _chapter_of(name).removeprefix("book/") in used_in


def _mtimes(folder: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob(pattern)}


def test_noop_rebuild_reads_and_writes_nothing(grown_book: dict) -> None:
    project: Path = grown_book["project"]
    out: Path = grown_book["out"]
    generated = project / "docs" / "book"
    md_before, html_before = _mtimes(generated, "*.md"), _mtimes(out, "*.html")
    again = build_html(project, out)
    again.check()
    assert "essaybook: 3 essays, 0 pages written" in again.stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", again.stdout)
    status = [line for line in plain.splitlines() if "updating environment" in line or "changed" in line]
    assert "updating environment: 0 added, 0 changed, 0 removed" in plain, status
    assert "targets for 0 source files that are out of date" in again.stdout
    assert _mtimes(generated, "*.md") == md_before
    html_after = _mtimes(out, "*.html")
    # Sphinx writes its additional pages (index, search, 404...) on every build;
    # the page of every document (every .md source) must stay untouched.
    documents = {
        p.relative_to(project / "docs").with_suffix(".html").as_posix() for p in (project / "docs").rglob("*.md")
    }
    assert len(documents) >= 8 and documents <= html_after.keys()
    changed = sorted(k for k in documents if html_before.get(k) != html_after.get(k))
    assert changed == [], f"a no-op build rewrote {changed}"


def test_removed_seed_leaves_the_book_and_the_html(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = _grow(project)
    gone = _chapter_of("010_late.txt")
    assert (out / gone).is_file()
    (project / "seeds" / "010_late.txt").unlink()
    build_html(project, out).check()
    slug = default_slug("010_late")
    assert not (project / "docs" / "book" / slug).exists(), "the removed essay's generated pages are still there"
    assert not (out / "book" / slug).exists(), "the removed essay's HTML is still published"
    chain = [p.relative_to(out).as_posix() for p in next_chain(out)]
    assert gone not in chain and _chapter_of("002_early.txt") in chain
    for page in out.rglob("*.html"):
        assert f"{slug}/" not in page.read_text("utf-8"), f"{page.relative_to(out)} still links the removed essay"
    assert not re.search(r"A Late Essay", (out / "searchindex.js").read_text("utf-8"))


# --- the author ---------------------------------------------------------------------


def test_the_author_is_named_wherever_the_book_names_one_and_never_called_anonymous(built_book: Path) -> None:
    """The essay's author (book.toml) on the title page, at the head of the essay, in About and the metadata."""
    from essaybook.core.edition import load_book

    front = load_book(ROOT / "conf")
    (author,) = front.authors([SEED])
    for page in ("index.html", "book/trotsky-and-stalin/index.html", "about.html"):
        main = norm(soup(built_book / page).select_one("[role=main]").get_text())
        assert f"by {author}" in main, f"{page} does not name the author"
    given, family = author.rsplit(" ", 1)
    for page in ("index.html", "book/trotsky-and-stalin/index.html"):
        html = soup(built_book / page)
        assert html.find("meta", attrs={"name": "author"})["content"] == author, page
        # Highwire's form, family name first, as Zotero and Google Scholar read it.
        cited = [m["content"] for m in html.find_all("meta", attrs={"name": "citation_author"})]
        assert cited == [f"{family}, {given}"], page
    # The editors are named as editors, never as authors.
    title = norm(soup(built_book / "index.html").select_one("[role=main]").get_text())
    assert f"Edited, with notes and a glossary, by {front.book.editor}" in title
    for page in built_book.rglob("*.html"):
        text = page.read_text("utf-8")
        for word in ("Anonymous", "anonymous", "unattributed", "Unattributed"):
            assert word not in text, f"{page.relative_to(built_book)} says {word!r}"
