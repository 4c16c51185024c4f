"""Sources through the CSL processor: named styles, labels, and the mends to citeproc-py."""

from __future__ import annotations

import pytest

from essaybook.core.bibliography import Bibliography, locale_for, style_exists

TROTSKY = {
    "id": "trotsky-pr",
    "type": "book",
    "title": "The Permanent Revolution",
    "author": [{"family": "Trotsky", "given": "Leon"}],
    "translator": [{"family": "Shachtman", "given": "Max"}],
    "issued": {"date-parts": [[1931]]},
    "original-date": {"date-parts": [[1930]]},
    "publisher": "Pioneer Publishers",
    "URL": "https://example.org/tpr",
}
POST = {
    "id": "post",
    "type": "post-weblog",
    "title": "A Post",
    "author": [{"family": "Murphy", "given": "Paul Austin"}],
    "issued": {"date-parts": [[2014, 3]]},
    "container-title": "A Blog",
}
ARMED = {
    "id": "armed",
    "type": "book",
    "title": "The Prophet Armed",
    "author": [{"family": "Deutscher", "given": "Isaac"}],
    "issued": {"date-parts": [[1954]]},
}
OTHER = {**ARMED, "id": "other", "title": "Another Book"}


def test_chicago_author_date_entries_and_labels() -> None:
    bib = Bibliography([TROTSKY, POST], "chicago-author-date")
    assert bib.style_title.startswith("Chicago Manual of Style")
    assert [f.id for f in bib.formatted] == ["post", "trotsky-pr"]  # by author
    post, trotsky = bib.formatted
    assert (trotsky.label, post.label) == ("Trotsky [1930] 1931", "Murphy 2014")
    # Full given names (the style says initialize="false"), the translator credited, the address a link.
    assert trotsky.entry == (
        "Trotsky\\, Leon\\. \\(1930\\) 1931\\. *The Permanent Revolution*\\. Translated by Max Shachtman\\. "
        "Pioneer Publishers\\. <https://example.org/tpr>\\."
    )
    # US English puts the full stop inside the closing quotation mark.
    assert "“A Post\\.”" in post.entry


def test_british_english_keeps_punctuation_outside_quotes() -> None:
    (post,) = Bibliography([POST], "chicago-author-date", "en-GB").formatted
    assert "‘A Post’\\." in post.entry


def test_same_author_and_year_get_year_suffixes() -> None:
    bib = Bibliography([ARMED, OTHER], "chicago-author-date")
    assert sorted(f.label for f in bib.formatted) == ["Deutscher 1954a", "Deutscher 1954b"]
    # The suffix follows the bibliography's order (by title here).
    assert bib.by_id["other"].label == "Deutscher 1954a"


NEWS = {
    "id": "news",
    "type": "article-newspaper",
    "title": "Ice Axe Emerges",
    "author": [{"family": "Borger", "given": "Julian"}],
    "container-title": "The Guardian",
    "issued": {"date-parts": [[2017, 9, 13]]},
}


@pytest.mark.parametrize(
    ("item", "ends"),
    [
        # CSL prints a variable's label only where the work has the variable: no edition, no "Edition".
        (NEWS, ", September 13."),
        ({**NEWS, "edition": "late"}, ", September 13. Late Edition."),
        ({**NEWS, "edition": "2"}, ", September 13. 2nd ed."),
    ],
    ids=["without-edition", "named-edition", "numbered-edition"],
)
def test_a_label_is_printed_only_with_its_variable(item: dict, ends: str) -> None:
    (news,) = Bibliography([item], "chicago-author-date").formatted
    assert news.text.endswith(ends), news.text


def test_a_title_in_another_language_keeps_its_case() -> None:
    german = {**NEWS, "language": "de", "title": "Vor hundert Jahren forderte der Rat die Republik"}
    (news,) = Bibliography([german], "chicago-author-date").formatted
    assert "Vor hundert Jahren forderte der Rat die Republik" in news.text
    (english,) = Bibliography([NEWS], "chicago-author-date").formatted
    assert "Ice Axe Emerges" in english.text


@pytest.mark.parametrize(
    ("style", "label"),
    [("apa", "Trotsky, 1930/1931"), ("modern-language-association", "Trotsky, The Permanent Revolution")],
)
def test_other_named_styles(style: str, label: str) -> None:
    (formatted,) = Bibliography([TROTSKY], style).formatted
    assert formatted.label == label


def test_entries_are_plain_text_never_markup() -> None:
    hostile = {"id": "x", "type": "book", "title": "*Not emphasis* <b>nor HTML</b> {role}`x`"}
    (formatted,) = Bibliography([hostile], "chicago-author-date").formatted
    entry = formatted.entry
    # Every ASCII punctuation mark of the data is escaped; only the style's italics are MyST's.
    assert "\\*Not" in entry and "\\<b\\>" in entry and "\\{role\\}\\`x\\`" in entry
    assert "<b>" not in entry and "`x`" not in entry
    # The label goes inside a role: nothing in it may close the role or start its target.
    assert not set("`<>") & set(formatted.label)


@pytest.mark.parametrize(
    ("language", "locale"), [("en", "en-US"), ("en-GB", "en-GB"), ("fr", "fr-FR"), ("xx", "en-US")]
)
def test_locale_for(language: str, locale: str) -> None:
    assert locale_for(language) == locale


def test_style_exists() -> None:
    assert style_exists("chicago-author-date") and not style_exists("no-such-style")


@pytest.mark.parametrize(
    "style", ["chicago-author-date", "apa", "modern-language-association", "harvard-cite-them-right"]
)
def test_the_lazy_sort_orders_as_citeproc_does(style: str) -> None:
    """Keys rendered when a comparison reaches them sort the book's sources as citeproc-py's own sort does."""
    import json
    import random
    from pathlib import Path

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.model import Sort
    from citeproc.source.json import CiteProcJSON

    from essaybook.core.bibliography import _lazy_sort, _style_file

    items = json.loads((Path(__file__).resolve().parents[1] / "conf" / "sources.json").read_text("utf-8"))
    random.Random(0).shuffle(items)  # the input's order decides ties
    csl = CitationStylesStyle(_style_file(style), locale="en-US")
    bib = CitationStylesBibliography(csl, CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    layout = csl.root.bibliography.layout
    sort = layout.getparent().find("cs:sort", layout.nsmap)
    assert sort is not None, f"{style} sorts its bibliography"
    theirs = [item.key for item in Sort.sort(sort, list(bib.items), layout)]
    assert [item.key for item in _lazy_sort(sort, list(bib.items), layout)] == theirs
    assert theirs != [item["id"].lower() for item in items]
