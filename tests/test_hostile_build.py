"""Every hostile seed, built as one book: each reaches the reader exactly, and as text only.

``tests/fixtures/hostile/`` holds valid seeds full of Markdown, MyST, reST,
HTML, Jinja and Unicode that a careless converter would read as markup (its
README lists what each one tries). Unit tests check the escaping against the
parser; this builds all of them, with two generated giants, into one real
book with the project's ``docs/`` and glossary, and reads the HTML back:

* the build passes ``-W --keep-going -n`` without a warning;
* each page's h1 and its ``.essay-text`` paragraphs say exactly what
  :func:`essaybook.core.seeds.parse_seed` says the seed says: nothing lost,
  nothing added (only the whitespace HTML itself collapses is normalised);
* inside ``.essay-text`` there are only the elements the converter emits
  (paragraphs, term links, note markers), and nowhere on the page is there
  a script, an event handler or a script URL the theme did not put there;
* Read the Docs' search (:mod:`readthedocs_index`) indexes every paragraph
  whole, once, in its own section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

import htmlcheck
from essaybook.core.seeds import Essay, default_slug, parse_seed
from readthedocs_index import essay_findings
from sitebuild import (
    ROOT,
    broken_links,
    build_html,
    copy_project,
    essay_paragraphs,
    heading_text,
    next_chain,
    norm,
    soup,
)

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
BOOK_TOML = (
    '[book]\ntitle = "Hostile seeds"\nrights = { holder = "The Essay Book editors", year = "2026" }\nversion = "0"\n'
)

# What the converter emits inside .essay-text, and the attributes each may carry.
ALLOWED = {
    "p": {"id"},
    "a": {"class", "href", "id", "role", "aria-label", "data-n"},
    "span": {"class"},
    "sup": {"class"},
}
TERM_HREF = re.compile(r"\.\./glossary\.html#(?P<id>term-[A-Za-z0-9_.-]+)")
NOTE_HREF = re.compile(r"#[A-Za-z][A-Za-z0-9_-]*")
SPAN_CLASSES = ({"xref", "std", "std-term"}, {"fn-bracket"})
SCHEMES = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
# Browsers ignore these inside a URL scheme, so "java\tscript:" is still one.
URL_NOISE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200d\u2060\ufeff]")


def _giant_paragraph() -> str:
    """About 1 MB of one paragraph, soft-wrapped, with markup and a glossary word on every line."""
    line = "The proletariat *is* not **bold**; <b>nor</b> {{ 7*7 }} `code` [link](javascript:x) &amp; \\*"
    lines = [f"{line} {i}" for i in range(1_000_000 // (len(line) + 7))]
    return "\n".join(lines)


def _many_paragraphs() -> str:
    markup = [
        "# h",
        "- item",
        "> quote",
        "<script>alert(1)</script>",
        "{{ config }}",
        "```",
        ":::{note}",
        "$$",
        "Stalinism",
    ]
    return "\n\n".join(f"{markup[i % len(markup)]} paragraph {i}" for i in range(10_000))


GENERATED = {
    "900-giant-paragraph.txt": "A paragraph of one megabyte\n\n" + _giant_paragraph() + "\n",
    "901-ten-thousand-paragraphs.txt": "Ten thousand paragraphs\n\n" + _many_paragraphs() + "\n",
}


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> dict:
    seeds = sorted(HOSTILE.glob("*.txt"))
    project = copy_project(tmp_path_factory.mktemp("hostile"), seeds=seeds, conf=None)
    conf = project / "conf"
    # The real book's notes and the timeline of their events belong to its own essay.
    for name in ("book.toml", "notes.toml", "timeline.toml"):
        (conf / name).unlink(missing_ok=True)
    (conf / "book.toml").write_text(BOOK_TOML, "utf-8")
    for name, text in GENERATED.items():
        (project / "seeds" / name).write_text(text, "utf-8")
    out = build_html(project).check()
    essays = {p.name: parse_seed(p.read_bytes(), p.name) for p in sorted((project / "seeds").glob("*.txt"))}
    return {"out": out, "essays": essays}


def _page(hostile_book: dict, name: str) -> Path:
    return hostile_book["out"] / "book" / default_slug(name.rsplit(".", 1)[0]) / "index.html"


def test_corpus_is_complete() -> None:
    seeds = sorted(HOSTILE.glob("*.txt"))
    listed = re.findall(r"^(\d{3}-[\w-]+\.txt) — ", (HOSTILE / "README.md").read_text("utf-8"), re.MULTILINE)
    assert [p.name for p in seeds] == listed
    assert len(seeds) == 111


def test_every_seed_is_a_chapter_in_file_name_order(hostile_book: dict) -> None:
    out = hostile_book["out"]
    names = sorted(hostile_book["essays"])
    assert len(names) == 113
    links = [a["href"] for a in soup(out / "index.html").select(".book-contents a.reference.internal")]
    chapters = [h for h in links if re.fullmatch(r"book/[^/]+/index\.html", h)]
    assert chapters == [_page(hostile_book, n).relative_to(out).as_posix() for n in names]


def _seed_ids() -> list[str]:
    return sorted([p.name for p in HOSTILE.glob("*.txt")] + list(GENERATED))


@pytest.mark.parametrize("name", _seed_ids())
def test_seed_reaches_the_page_exactly(hostile_book: dict, name: str) -> None:
    essay: Essay = hostile_book["essays"][name]
    page = soup(_page(hostile_book, name))
    assert [heading_text(h) for h in page.find_all("h1")] == [norm(essay.title)]
    # The tab title too, after the theme's ``striptags`` filter, which collapses
    # all Unicode whitespace (a no-break space, a line separator) as str.split() does.
    assert norm(page.title.get_text()).startswith(" ".join(essay.title.split()) + " - ")
    got = essay_paragraphs(page)
    want = [norm(p.text) for p in essay.paragraphs]
    assert len(got) == len(want), f"{len(want)} paragraphs in the seed, {len(got)} on the page"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"paragraph {i + 1} (line {essay.paragraphs[i].line}) differs"


def _check_essay_markup(box: Tag, where: str, terms: set[str]) -> int:
    """Assert the essay text holds only the converter's markup; the number of term links."""
    links = 0
    for node in box.descendants:
        if isinstance(node, Comment) or (isinstance(node, NavigableString) and type(node) is not NavigableString):
            raise AssertionError(f"{where}: {type(node).__name__} inside the essay text: {str(node)[:80]!r}")
        if not isinstance(node, Tag):
            continue
        assert node.name in ALLOWED, f"{where}: <{node.name}> inside the essay text"
        extra = set(node.attrs) - ALLOWED[node.name]
        assert not extra, f"{where}: <{node.name}> carries {sorted(extra)}"
        classes = set(node.get("class") or [])
        if node.name == "p":
            assert node.parent is box, f"{where}: a nested paragraph"
        elif node.name == "a":
            if classes == {"para-num"}:
                # The paragraph's number: a link to the paragraph itself, its number drawn by CSS.
                number = node["data-n"]
                assert node["href"] == f"#{node.parent['id']}" and node["aria-label"] == f"Paragraph {number}"
                assert node.parent["id"].endswith(f"-p{number}") and not node.get_text(), f"{where}: {node}"
            elif classes == {"reference", "internal"}:
                match = TERM_HREF.fullmatch(node["href"])
                assert match, f"{where}: link to {node['href']!r}"
                assert match["id"] in terms, f"{where}: {node['href']} is no glossary entry"
                links += 1
            else:
                # A note's marker: its number, too, is drawn by CSS from data-n.
                assert "footnote-reference" in classes and NOTE_HREF.fullmatch(node["href"]), f"{where}: {node}"
                assert node["aria-label"] == f"Note {node['data-n']}" and not node.get_text(), f"{where}: {node}"
            if not {"para-num", "footnote-reference"} & classes:
                assert not {"aria-label", "data-n"} & set(node.attrs), f"{where}: {node}"
        elif node.name == "span":
            assert classes in SPAN_CLASSES, f"{where}: span of class {classes}"
            assert node.parent.name == "a", f"{where}: a span outside a link"
    return links


def _scripts(page: BeautifulSoup) -> list[str]:
    return [
        s["src"].split("?")[0].lstrip("./") if s.get("src") else norm(s.get_text()) for s in page.find_all("script")
    ]


def test_pages_hold_only_what_the_converter_and_theme_emit(hostile_book: dict, built_book: Path) -> None:
    reference = soup(built_book / "book" / "trotsky-and-stalin" / "index.html")
    theme_scripts = _scripts(reference)
    essay_pages = [p for p in next_chain(built_book) if soup(p).select(".essay-text")]
    theme_tags = {t.name for p in essay_pages for t in soup(p).find_all(True)}
    assert theme_scripts and "script" in theme_tags
    glossary = soup(hostile_book["out"] / "book" / "glossary.html")
    terms = {dt["id"] for dt in glossary.select("dl.glossary > dt[id]")}
    assert len(terms) >= 12
    links = 0
    for name in _seed_ids():
        path = _page(hostile_book, name)
        page = soup(path)
        boxes = page.select(".essay-text")
        assert len(boxes) == 1, f"{name}: {len(boxes)} essay-text blocks"
        links += _check_essay_markup(boxes[0], name, terms)
        assert _scripts(page) == theme_scripts, f"{name}: scripts differ from the real book's"
        tags = {t.name for t in page.find_all(True)}
        assert tags <= theme_tags, f"{name}: elements no page of the real book has: {sorted(tags - theme_tags)}"
        assert page.find("base") is None and page.find("meta", attrs={"http-equiv": True}) is None, name
    # The generated giants use glossary words, so terms are linked in this book too.
    assert links >= 2, f"only {links} glossary links in the whole hostile book"


def test_no_event_handler_or_script_url_anywhere(hostile_book: dict) -> None:
    out: Path = hostile_book["out"]
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 113
    for path in pages:
        html = path.read_text("utf-8")
        for tag in BeautifulSoup(html, "html.parser").find_all(True):
            for attr, value in tag.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                where = f"{path.relative_to(out)}: <{tag.name} {attr}={value[:60]!r}>"
                assert not attr.lower().startswith("on"), where
                if attr.lower() in {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset"}:
                    assert not SCHEMES.match(URL_NOISE.sub("", value)), where


def test_every_link_leads_somewhere(hostile_book: dict) -> None:
    """Term links, paragraph links under each glossary entry (thousands here), navigation: all resolve."""
    broken, followed = broken_links(hostile_book["out"])
    assert followed > 5_000, f"only {followed} links followed"
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(broken[:50])


def test_read_the_docs_indexes_every_paragraph_whole(hostile_book: dict) -> None:
    essays = {
        default_slug(name.rsplit(".", 1)[0]): [p.text for p in essay.paragraphs]
        for name, essay in hostile_book["essays"].items()
    }
    found = essay_findings(hostile_book["out"], essays)
    assert found.paragraphs == sum(len(p) for p in essays.values()) > 10_000
    assert found.problems[:20] == []
    assert (found.whole, found.altered_words) == (found.paragraphs, 0)


def test_every_page_is_valid_html(hostile_book: dict) -> None:
    """Hostile text leaves the pages valid HTML (bidi controls, BOMs, 1 MB of text included)."""
    try:
        command = htmlcheck.command()
    except htmlcheck.Missing as err:
        pytest.fail(str(err))
    pages = sorted(hostile_book["out"].rglob("*.html"))
    found = [m for messages in htmlcheck.errors(command, pages).values() for m in messages]
    assert found == [], f"{len(found)} HTML errors:\n{htmlcheck.report(found)}"
