"""The search index in pieces (essaybook.sphinx_ext.search.shards): what the cutting keeps, and when a build uses it.

The lookups below are the search script's, written again in Python: a word is
in the range whose first word is the last one not after it (in JavaScript's
order), and a query of length n reads every title file whose shortest title is
at most 2n long.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx.search import js_index

from essaybook.sphinx_ext.search.shards import (
    DOC_CHUNK,
    FOLDER,
    SLUG,
    js_length,
    page_folder,
    parse_searchindex,
    shard_index,
)
from sitebuild import build_in_process

WORDS = ["a", "ab", "abc", "abd", "b", "bé", "z", "ﬀ", "𝒜x", "ｚ", "\uffef", "trotski", "trotskyist"]


def _index(n_docs: int = 250, spread: int = 1) -> dict:
    docnames = [f"book/e{i:04d}/index" for i in range(n_docs)]
    terms = {}
    for k, word in enumerate(WORDS * spread):
        word = word if spread == 1 else f"{word}{k}"
        pages = sorted({(k * 7 + j * 13) % n_docs for j in range(1 + k % 40)})
        terms[word] = pages[0] if len(pages) == 1 else pages
    return {
        "docnames": docnames,
        "filenames": [d + ".md" for d in docnames],
        "titles": [f"Title {i}" for i in range(n_docs)],
        "terms": terms,
        "titleterms": {"titl": list(range(n_docs)), "𝒜x": 3},
        "objects": {"": [[7, 0, 1, "term-goatee", "goatee"]]},
        "objnames": {"0": ["std", "term", "glossary term"]},
        "objtypes": {"0": "std:term"},
        "envversion": {"sphinx": 65},
        "alltitles": {"x" * n: [[n % n_docs, None]] for n in range(1, 120)}
        | {"𝒜𝒜": [[1, "s"], [0, None], [9, "t"]], "Part three": [[i, f"e{i:04d}-part-3"] for i in range(0, n_docs, 3)]},
        "indexentries": {"goatee": [[7, "term-goatee", True]], "see goatee beard": [[7, "term-goatee", False]]},
    }


def _dumps_size(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be")


def _range_of(ranges: list[list[str]], word: str) -> int:
    return max(i for i, (first, _) in enumerate(ranges) if _utf16(first) <= _utf16(word))


def _load(files: dict[str, bytes], name: str):
    return json.loads(files[name])


def _unplace(groups: list, docnames: list[str]) -> list:
    out = []
    for *head, gaps in groups:
        for page in _ungap(gaps):
            anchor = head[0]
            if isinstance(anchor, str):
                anchor = anchor.replace(SLUG, page_folder(docnames[page]))
            out.append([page, anchor, *head[1:]])
    return sorted(out, key=json.dumps)


def _ungap(gaps: list[int]) -> list[int]:
    out, page = [], 0
    for gap in gaps:
        page += gap
        out.append(page)
    return out


@pytest.mark.parametrize("limit", [60, 400, 16_000])
def test_every_word_is_in_the_range_the_manifest_names(limit):
    index = _index(spread=20)
    files = shard_index(index, limit=limit)
    manifest = _load(files, "manifest.json")
    assert manifest["terms"][0][0] == ""
    firsts = [_utf16(first) for first, _ in manifest["terms"]]
    assert firsts == sorted(firsts) and len(set(firsts)) == len(firsts)
    if limit == 60:
        assert len(manifest["terms"]) > 10, "a small limit must cut the words into many files"
    for key in ("terms", "titleterms"):
        for word, pages in index[key].items():
            part = _load(files, manifest["terms"][_range_of(manifest["terms"], word)][1])
            expected = [pages] if isinstance(pages, int) else pages
            assert _ungap(part[key][word]) == expected, (key, word)


def test_longer_words_that_begin_with_a_word_are_in_its_ranges():
    index = _index(spread=20)
    files = shard_index(index, limit=200)
    ranges = _load(files, "manifest.json")["terms"]
    for prefix in ("a", "ab", "trotski", "𝒜", "b"):
        first, last = _range_of(ranges, prefix), _range_of(ranges, prefix + "\uffff")
        held = {w for _, name in ranges[first : last + 1] for w in _load(files, name)["terms"]}
        wanted = {w for w in index["terms"] if w.startswith(prefix)}
        assert wanted and wanted <= held, (prefix, wanted - held)


@pytest.mark.parametrize("query_length", [1, 2, 5, 30, 59, 60, 200])
def test_a_query_reads_every_title_it_could_match(query_length):
    """Sphinx matches a title or index entry only when it is at most twice the query's length."""
    index = _index()
    files = shard_index(index, limit=300)
    manifest = _load(files, "manifest.json")
    assert len(manifest["titles"]) > 3
    read = [_load(files, name) for shortest, name in manifest["titles"] if shortest <= 2 * query_length]
    for kind in ("alltitles", "indexentries"):
        held = {k: _unplace(v, index["docnames"]) for part in read for k, v in part[kind].items()}
        for key, value in index[kind].items():
            if js_length(key) <= 2 * query_length:
                assert held.get(key) == sorted(value, key=json.dumps), (kind, key)
    # A title shared by many pages, its anchors made of each page's folder, weighs a few bytes a page.
    shared = next(_load(files, n) for _, n in manifest["titles"] if "Part three" in _load(files, n)["alltitles"])
    assert shared["alltitles"]["Part three"][0][0] == SLUG + "-part-3"
    assert len(_dumps_size(shared["alltitles"]["Part three"])) < 4 * len(index["alltitles"]["Part three"])
    everything = [_load(files, name) for _, name in manifest["titles"]]
    assert sum(len(p["alltitles"]) for p in everything) == len(index["alltitles"])


def test_js_length_counts_utf16_units():
    assert [js_length(t) for t in ("abc", "é", "𝒜𝒜", "")] == [3, 1, 4, 0]


def test_pages_are_named_in_chunks_and_objects_carry_their_pages():
    index = _index(n_docs=250)
    files = shard_index(index)
    manifest = _load(files, "manifest.json")
    assert manifest["count"] == 250 and manifest["chunk"] == DOC_CHUNK
    pages = [p for name in manifest["docs"] for p in _load(files, name)]
    assert pages == [[d, t] for d, t in zip(index["docnames"], index["titles"], strict=True)]
    assert manifest["known"] == {"7": ["book/e0007/index", "Title 7"]}
    assert manifest["objects"] == index["objects"]
    assert manifest["definitions"] is None
    with_definitions = shard_index(index, definitions={"book/e0007#term-goatee": "A small beard."})
    name = _load(with_definitions, "manifest.json")["definitions"]
    assert _load(with_definitions, name) == {"book/e0007#term-goatee": "A small beard."}


def test_files_are_named_by_their_content_and_small():
    index = _index(spread=20)
    files = shard_index(index, limit=400)
    assert files == shard_index(index, limit=400), "the same index must give the same files"
    for name, data in files.items():
        if name == "manifest.json":
            continue
        assert name.split("-")[1].removesuffix(".json") in __import__("hashlib").sha256(data).hexdigest()
        part = json.loads(data)
        items = sum(len(v) for v in part.values()) if isinstance(part, dict) else len(part)
        assert len(data) <= 400 + 64 or items == 1 or name.startswith("d-"), (name, len(data))


def test_the_index_sphinx_writes_reads_back():
    index = _index()
    assert parse_searchindex(js_index.dumps(index)) == json.loads(json.dumps(index))


# --- builds ------------------------------------------------------------------------


def _build(dest: Path, **overrides: object) -> Path:
    return build_in_process(dest, **overrides)


def _loads_whole_index(out: Path) -> bool:
    page = (out / "search.html").read_text("utf-8")
    whole = 'src="searchindex.js"' in page
    pieces = f'<meta name="essaybook-search-index" content="{FOLDER}/manifest.json">' in page
    assert whole != pieces, "the search page must load exactly one index"
    return whole


def test_a_small_book_keeps_sphinx_whole_index(tmp_path):
    out = _build(tmp_path)
    assert _loads_whole_index(out)
    # The search page leaves out what it never uses; other pages keep it.
    search, about = ((out / p).read_text("utf-8") for p in ("search.html", "about.html"))
    for name in ("pygments.css", "essaybook-previews.js"):
        assert name not in search and name in about, name
    assert (out / "searchindex.js").stat().st_size < 50_000
    assert not (out / FOLDER).exists()


def test_auto_cuts_the_index_once_it_would_pass_the_limit(tmp_path):
    out = _build(tmp_path, essaybook_search_whole_max=5_000)
    assert not _loads_whole_index(out)
    assert (out / FOLDER / "manifest.json").is_file()


def test_the_pieces_match_the_index_and_a_noop_build_rewrites_none(tmp_path):
    out = _build(tmp_path, essaybook_search="sharded")
    assert not _loads_whole_index(out)
    folder = out / FOLDER
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    named = {n for _, n in manifest["terms"]} | {n for _, n in manifest["titles"]} | set(manifest["docs"])
    named.add(manifest["definitions"])
    assert {p.name for p in folder.iterdir()} == named | {"manifest.json"}
    index = parse_searchindex((out / "searchindex.js").read_text("utf-8"))
    assert manifest["count"] == len(index["docnames"])
    dates = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    _build(tmp_path, essaybook_search="sharded")
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == dates
    # The glossary's index entries (its aliases) survive a build that does not write it again.
    assert "comintern" in index["indexentries"]
    assert parse_searchindex((out / "searchindex.js").read_text("utf-8"))["indexentries"] == index["indexentries"]
    # Back to the whole index: the pieces go.
    _build(tmp_path, essaybook_search="whole")
    assert _loads_whole_index(out) and not folder.exists()


def test_an_unknown_choice_is_an_error(tmp_path):
    with pytest.raises(AssertionError, match="essaybook_search"):
        _build(tmp_path, essaybook_search="pagefind")
