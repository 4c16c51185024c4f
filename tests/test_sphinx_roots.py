"""The Sphinx extension on tiny projects (tests/roots/test-*), asserting on doctrees and warnings.

Sphinx's test fixtures build a root in place unless told to copy it; every
build here copies (``copy_test_root`` or its own ``srcdir``), since the
extension writes generated pages into the source folder. The seeds in
``test-book`` are short enough that the expected links and uses below were
worked out by hand from them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docutils import nodes
from sphinx import addnodes

from essaybook.sphinx_ext.errors import EssayBookError

ROOTS = Path(__file__).parent / "roots"
book = pytest.mark.sphinx("html", testroot="book", copy_test_root=True)

PARTS = ["book/parts/part-1", "book/parts/part-2", "book/parts/part-3"]


def essay_paragraphs(doctree: nodes.document) -> list[nodes.paragraph]:
    """The essay's own paragraphs (on web pages the notes follow them inside the same box)."""
    boxes = [n for n in doctree.findall(nodes.container) if "essay-text" in n["classes"]]
    return [p for box in boxes for p in box.children if isinstance(p, nodes.paragraph)]


def term_xrefs(doctree: nodes.document) -> list[list[str]]:
    """Per essay paragraph, the targets of its {term} cross-references (unresolved doctree)."""
    return [
        [x["reftarget"] for x in p.findall(addnodes.pending_xref) if x["reftype"] == "term"]
        for p in essay_paragraphs(doctree)
    ]


def seed_text(app, name: str) -> str:
    return (Path(app.srcdir) / "seeds" / name).read_text("utf-8")


def test_roots_are_never_built_in_place() -> None:
    for root in ROOTS.glob("test-*"):
        assert not (root / "book").exists(), f"{root} holds generated pages: a build ran in the repository"
        assert not (root / "_build").exists()


@pytest.mark.sphinx("html", testroot="book", srcdir="book-nitpicky", confoverrides={"nitpicky": True})
def test_builds_cleanly_in_a_copy(app) -> None:
    app.build()
    assert app._warning.getvalue() == ""
    srcdir = Path(app.srcdir).resolve()
    assert ROOTS.resolve() not in srcdir.parents
    assert (srcdir / "book" / "parts" / "part-1.md").is_file()
    assert not (ROOTS / "test-book" / "book").exists()
    assert {d for d in app.env.found_docs if d.startswith("book/")} == {
        "book/parts/index",
        *PARTS,
        "book/essay-002-plain/index",
        "book/glossary",
        "book/sources",
    }
    # The chapters are in the book's table of contents, in seed order.
    assert app.env.toctree_includes["index"][:2] == ["book/parts/index", "book/essay-002-plain/index"]
    assert app.env.toctree_includes["book/parts/index"] == PARTS


@book
def test_parts_are_documents_with_their_paragraphs(app) -> None:
    app.build()
    seed = [" ".join(p.split()) for p in seed_text(app, "001_parts.txt").split("\n\n")[1:]]
    expected = {PARTS[0]: [1, 2], PARTS[1]: [3, 4], PARTS[2]: [5]}
    for doc, numbers in expected.items():
        doctree = app.env.get_doctree(doc)
        paragraphs = essay_paragraphs(doctree)
        assert [p["ids"] for p in paragraphs] == [[f"parts-p{n}"] for n in numbers]
        # The text, exactly: *Stars* and `ticks` in the seed stay characters.
        assert [" ".join(words(p).split()) for p in paragraphs] == [seed[n - 1] for n in numbers]
        (box,) = [n for n in doctree.findall(nodes.container) if "essay-text" in n["classes"]]
        kinds = {type(n).__name__ for n in box.findall()}
        assert kinds <= {"container", "target", "paragraph", "Text", "pending_xref", "inline", "footnote_reference"}
    assert app.env.titles[PARTS[1]].astext() == "Arguing"


def words(paragraph: nodes.paragraph) -> str:
    """A paragraph's text without the numbers of its note markers."""
    return "".join(
        t.astext() for t in paragraph.findall(nodes.Text) if not isinstance(t.parent, nodes.footnote_reference)
    )


@book
def test_first_use_per_part_is_a_term_link(app) -> None:
    app.build()
    trotsky, stalin, goatee, tash, socialism = (
        "Leon Trotsky",
        "Joseph Stalin",
        "goatee",
        "tash",
        "socialism in one country",
    )
    assert term_xrefs(app.env.get_doctree(PARTS[0])) == [[trotsky, stalin, goatee], [tash, socialism]]
    assert term_xrefs(app.env.get_doctree(PARTS[1])) == [[stalin, trotsky], [goatee]]
    assert term_xrefs(app.env.get_doctree(PARTS[2])) == [[trotsky]]
    # Resolved: each becomes a link to the glossary entry, with the seed's words as its text.
    resolved = app.env.get_and_resolve_doctree(PARTS[0], app.builder, tags=app.tags)
    links = [(r.astext(), r["refuri"]) for p in essay_paragraphs(resolved) for r in p.findall(nodes.reference)]
    assert links == [
        ("Trotsky", "../glossary.html#term-Leon-Trotsky"),
        ("Stalin", "../glossary.html#term-Joseph-Stalin"),
        ("goatee beard", "../glossary.html#term-goatee"),
        ("tash", "../glossary.html#term-tash"),
        ("socialism in one country", "../glossary.html#term-socialism-in-one-country"),
    ]


@book
def test_an_essay_without_an_editorial_entry_is_one_linked_chapter(app) -> None:
    app.build()
    doctree = app.env.get_doctree("book/essay-002-plain/index")
    assert app.env.titles["book/essay-002-plain/index"].astext() == "A Plain Essay"
    assert [p["ids"] for p in essay_paragraphs(doctree)] == [["essay-002-plain-p1"], ["essay-002-plain-p2"]]
    assert term_xrefs(doctree) == [["Joseph Stalin"], ["tash"]]
    assert "book/essay-002-plain/index" not in app.env.toctree_includes  # no parts


def where_used(app) -> dict[str, list[str]]:
    """Glossary entry -> the targets its 'Used in' paragraph links to."""
    doctree = app.env.get_and_resolve_doctree("book/glossary", app.builder, tags=app.tags)
    out = {}
    for item in doctree.findall(nodes.definition_list_item):
        term = next(iter(item.findall(nodes.term))).astext()
        (used,) = [p for p in item.findall(nodes.paragraph) if "where-used" in p["classes"]]
        assert not list(used.findall(addnodes.pending_xref)), "every where-used link resolves"
        out[term] = [r["refuri"] for r in used.findall(nodes.reference)]
        out[term + " (text)"] = used.astext()
    return out


@book
def test_where_used_links_each_using_paragraph(app) -> None:
    app.build()
    used = where_used(app)
    p1, p2, p3 = (f"parts/part-{n}.html" for n in (1, 2, 3))
    plain = "essay-002-plain/index.html"
    assert used["Leon Trotsky"] == [
        p1,
        f"{p1}#parts-p1",
        f"{p1}#parts-p2",
        f"{p1}#vienna",
        p2,
        f"{p2}#parts-p3",
        p3,
        f"{p3}#parts-p5",
    ]
    # The first note on part 1 names Trotsky too: it is linked after the paragraphs, by its number.
    assert used["Leon Trotsky (text)"].startswith(
        "Used in: Meeting ¶\u00a01, ¶\u00a02, note\u00a01; Arguing ¶\u00a03; Again ¶\u00a05"
    )
    assert used["Joseph Stalin"] == [
        p1,
        f"{p1}#parts-p1",
        f"{p1}#parts-p2",
        p2,
        f"{p2}#parts-p3",
        plain,
        f"{plain}#essay-002-plain-p1",
        f"{plain}#essay-002-plain-p2",
    ]
    assert used["goatee"] == [p1, f"{p1}#parts-p1", p2, f"{p2}#parts-p4"]
    assert used["tash"] == [p1, f"{p1}#parts-p2", plain, f"{plain}#essay-002-plain-p2"]
    assert used["socialism in one country"] == [p1, f"{p1}#parts-p2"]
    assert used["working class"] == []
    assert used["working class (text)"] == "Used in: no essay of this edition."


@book
def test_aliases_are_indexed_as_see_entries_on_the_term(app) -> None:
    app.build()
    entries = app.env.domains.index_domain.entries["book/glossary"]
    see = {(value, target) for kind, value, target, _, _ in entries if kind == "see"}
    assert ("Trotsky; Leon Trotsky", "term-Leon-Trotsky") in see
    assert ("goatee beard; goatee", "term-goatee") in see
    doctree = app.env.get_doctree("book/glossary")
    ids = {i for node in doctree.findall() if isinstance(node, nodes.Element) for i in node["ids"]}
    assert {target for _, target in see} <= ids, "every alias entry points at an anchor that exists"


@book
def test_footnotes_with_references_and_source_links(app) -> None:
    app.build()
    part1 = app.env.get_and_resolve_doctree(PARTS[0], app.builder, tags=app.tags)
    notes = {f["ids"][0]: f for f in part1.findall(nodes.footnote)}
    assert sorted(notes) == ["beard", "vienna"]
    refs = [r["refid"] for r in part1.findall(nodes.footnote_reference)]
    assert refs == ["vienna", "beard"]
    # The marker anchored inside "goatee beard" comes after the whole link.
    (p1,) = [p for p in essay_paragraphs(part1) if "parts-p1" in p["ids"]]
    kinds = [type(n).__name__ for n in p1.children]
    assert kinds[kinds.index("footnote_reference", kinds.index("footnote_reference") + 1) - 1] == "reference"
    assert [r["refuri"] for r in notes["vienna"].findall(nodes.reference)] == ["../sources.html#source-service"]
    assert [r["refuri"] for r in notes["beard"].findall(nodes.reference)] == ["../sources.html#source-carr"]
    part3 = app.env.get_and_resolve_doctree(PARTS[2], app.builder, tags=app.tags)
    (third,) = part3.findall(nodes.footnote)
    assert [r.astext() for r in third.findall(nodes.reference)] == ["Service 2009", "Carr 1958"]
    assert not list(app.env.get_and_resolve_doctree(PARTS[1], app.builder, tags=app.tags).findall(nodes.footnote))
    sources = app.env.get_doctree("book/sources")
    assert {"source-service", "source-carr"} <= {i for n in sources.findall(nodes.Element) for i in n.get("ids", [])}


# --- errors -----------------------------------------------------------------------------


def copy_root(tmp_path: Path, name: str = "book") -> Path:
    srcdir = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", srcdir)
    return srcdir


def build_error(make_app, srcdir: Path) -> str:
    """Every problem is logged as a Sphinx error; the exception sums them up."""
    warnings = io.StringIO()
    with pytest.raises(EssayBookError) as info:
        make_app("html", srcdir=srcdir, warning=warnings)
    assert not (srcdir / "book").exists()  # nothing was written
    return re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue()) + str(info.value)


@pytest.mark.parametrize(
    ("anchor", "code", "words"),
    [
        ("in Moscow.", "conf.anchor-missing", "is not in"),
        ("Trotsky", "conf.anchor-ambiguous", "occurs 5 times in"),
    ],
    ids=["missing", "ambiguous"],
)
def test_anchor_errors_name_entry_seed_and_phrase(tmp_path: Path, make_app, anchor: str, code: str, words: str) -> None:
    srcdir = copy_root(tmp_path)
    notes = srcdir / "conf" / "notes.toml"
    notes.write_text(notes.read_text("utf-8").replace('anchor = "in Vienna."', f'anchor = "{anchor}"'), "utf-8")
    message = build_error(make_app, srcdir)
    line = next(x for x in message.splitlines() if f"[essaybook.{code}]" in x)
    assert line.startswith("book/conf/notes.toml:1: ERROR: note 'vienna': anchor “" + anchor + "” " + words)
    assert "seeds/001_parts.txt" in line


def test_part_anchor_error(tmp_path: Path, make_app) -> None:
    srcdir = copy_root(tmp_path)
    conf = srcdir / "conf" / "book.toml"
    conf.write_text(conf.read_text("utf-8").replace("The second part begins", "The second part starts"), "utf-8")
    message = build_error(make_app, srcdir)
    assert "book/conf/book.toml:13: ERROR: part 2 “Arguing”: no paragraph of" in message
    assert "starts with “The second part starts”" in message


def test_bad_seeds_stop_the_build_naming_file_and_line(tmp_path: Path, make_app) -> None:
    srcdir = copy_root(tmp_path)
    (srcdir / "seeds" / "003_bad.txt").write_bytes(b"Title\n\nA \x1b[31m coloured line.\n")
    (srcdir / "seeds" / "004_empty.txt").write_bytes(b"\n\n")
    message = build_error(make_app, srcdir)
    assert "book/seeds/003_bad.txt:3:3: ERROR: control character U+001B" in message
    assert "book/seeds/004_empty.txt:1: ERROR: the seed is empty" in message
    assert "2 problems" in message and "Nothing was written" in message


def test_sphinx_build_exits_non_zero(tmp_path: Path) -> None:
    srcdir = copy_root(tmp_path)
    (srcdir / "seeds" / "003_bad.txt").write_bytes(b"Title\n\nNot UTF-8: \xe9.\n")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(srcdir), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "book/seeds/003_bad.txt:3:12: ERROR: not UTF-8: byte 0xE9 at byte offset 18" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


# --- incremental rebuilds ------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="book", srcdir="book-incremental")
def test_seed_added_then_removed(app, make_app) -> None:
    app.build()
    srcdir = Path(app.srcdir)
    new = "book/essay-003-new/index"
    assert new not in app.env.found_docs

    (srcdir / "seeds" / "003_new.txt").write_text("A New Essay\n\nA late essay on the goatee.\n", "utf-8")
    app.cleanup()  # one application at a time: each registers Sphinx's nodes globally
    again = make_app("html", srcdir=srcdir)
    again.build()
    assert again._warning.getvalue() == ""
    assert new in again.env.found_docs
    assert again.env.toctree_includes["index"][:3] == ["book/parts/index", "book/essay-002-plain/index", new]
    assert term_xrefs(again.env.get_doctree(new)) == [["goatee"]]
    # The glossary was re-resolved: its entry now lists the new essay.
    assert "essay-003-new/index.html#essay-003-new-p1" in where_used(again)["goatee"]

    (srcdir / "seeds" / "003_new.txt").unlink()
    again.cleanup()
    last = make_app("html", srcdir=srcdir)
    last.build()
    assert last._warning.getvalue() == ""
    assert new not in last.env.found_docs
    assert not (srcdir / "book" / "essay-003-new").exists()
    assert new not in last.env.toctree_includes["index"]
    assert not any("essay-003-new" in uri for uri in where_used(last)["goatee"])


def test_book_metadata_error_stops_the_build(tmp_path: Path, make_app) -> None:
    srcdir = copy_root(tmp_path)
    conf = srcdir / "conf" / "book.toml"
    conf.write_text(conf.read_text("utf-8").replace('version = "0.1"', "version = 0.1"), "utf-8")
    message = build_error(make_app, srcdir)
    assert "conf/book.toml:4:1: ERROR: 'version' in [book] should be text, not a number" in message


@pytest.mark.sphinx("html", testroot="book", srcdir="book-parallel", parallel=2)
def test_parallel_build_merges_where_used(app) -> None:
    """Term uses collected in worker processes reach the glossary (env-merge-info)."""
    app.build()
    assert app._warning.getvalue() == ""
    assert app.parallel == 2
    used = where_used(app)
    assert used["goatee"] == [
        "parts/part-1.html",
        "parts/part-1.html#parts-p1",
        "parts/part-2.html",
        "parts/part-2.html#parts-p4",
    ]
    assert used["tash (text)"].startswith("Used in: Meeting ¶\u00a02; A Plain Essay ¶\u00a02")


def test_index_entries_restored_from_a_loaded_search_index() -> None:
    """Sphinx forgets the index entries of pages it does not write again (sphinx-doc/sphinx#12599)."""
    from essaybook.sphinx_ext.search.kept_entries import restore_index_entries

    frozen = {
        "docnames": ["a", "b", "c"],
        "indexentries": {
            "trotsky": [[0, "term-Trotsky", True], [2, "x", False]],
            "stalin": [[1, "term-Stalin", False]],
        },
    }
    assert restore_index_entries(frozen, {"a", "b"}) == {
        "a": [("trotsky", "term-Trotsky", "main")],
        "b": [("stalin", "term-Stalin", "")],
    }
    assert restore_index_entries({}, {"a"}) == {}


@pytest.mark.parametrize("builder", ["html", "singlehtml"])
def test_where_used_links_are_those_sphinx_resolves(
    tmp_path: Path, make_app, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    """The glossary's links, made directly, are the bytes Sphinx writes for the same links left to its resolver."""
    from essaybook.sphinx_ext import glossary

    def built(name: str) -> bytes:
        app = make_app(builder, srcdir=copy_root(tmp_path / name))
        app.build()
        assert app._warning.getvalue() == ""
        page = "book/glossary.html" if builder == "html" else "index.html"
        html = (Path(app.outdir) / page).read_bytes()
        app.cleanup()
        return html

    direct = built("direct")
    assert b'class="where-used"' in direct
    monkeypatch.setattr(
        glossary._Links, "doc", lambda self, doc, text: glossary._xref(self.fromdoc, "doc", "/" + doc, text)
    )
    monkeypatch.setattr(
        glossary._Links, "ref", lambda self, label, text: glossary._xref(self.fromdoc, "ref", label, text)
    )
    assert built("resolved") == direct


def test_words_no_page_holds_are_dropped() -> None:
    from types import SimpleNamespace

    from essaybook.sphinx_ext.search.kept_entries import drop_unused_words

    indexer = SimpleNamespace(_mapping={"kept": {"a"}, "gone": set()}, _title_mapping={"old": set(), "title": {"b"}})
    drop_unused_words(indexer)
    assert indexer._mapping == {"kept": {"a"}} and indexer._title_mapping == {"title": {"b"}}


@book
def test_note_markers_stay_out_of_sphinx_search_index(app) -> None:
    """Sphinx indexes the doctree's words: a note's number is no word of the essay."""
    from sphinx.search import WordCollector
    from sphinx.search.en import SearchEnglish

    app.build()
    doctree = app.env.get_doctree(PARTS[0])
    refs = list(doctree.findall(nodes.footnote_reference))
    assert len(refs) == 2 and all("no-search" in r["classes"] for r in refs)
    collector = WordCollector(doctree, SearchEnglish({}))
    for paragraph in essay_paragraphs(doctree):
        paragraph.walk(collector)
    words = [
        w
        for p in essay_paragraphs(doctree)
        for t in p.findall(nodes.Text)
        if not isinstance(t.parent, nodes.footnote_reference)
        for w in SearchEnglish({}).split(t.astext())
    ]
    assert collector.found_words == words
    assert not {r.astext() for r in refs} & set(collector.found_words)
