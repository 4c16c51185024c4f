"""Seed text reaches the reader exactly: checked against the real MyST parser with Hypothesis.

For any text the seed parser accepts, ``escape_text`` followed by myst-parser
(every syntax extension that could misread text switched on) gives back
paragraphs of plain text only, holding exactly the seed's paragraphs. The same
holds for ``render_paragraph`` with term links and note markers placed in it.

``ESSAYBOOK_FUZZ_EXAMPLES`` sets how many examples each property tries
(300 by default; ``make fuzz`` runs 10,000).
"""

from __future__ import annotations

import os
import string

from docutils import nodes
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _myst import doctree, tagnames
from essaybook.core.edition import _WORDS, Term
from essaybook.core.escape import escape_text
from essaybook.core.render import render_paragraph
from essaybook.core.seeds import parse_seed
from essaybook.core.terms import TermMatcher

EXAMPLES = int(os.environ.get("ESSAYBOOK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UNICODE_SPACES = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# What a seed may hold: anything but the control characters (other than tab
# and newline), lone surrogates and U+FFFE/U+FFFF, which the seed parser rejects.
ANY = st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t\n", exclude_characters="\ufffe\uffff")
# Markdown's syntax is ASCII punctuation, digits, layout and line starts: draw
# those often, so that constructs actually form.
SYNTAX = st.sampled_from([*string.punctuation, *UNICODE_SPACES, " ", " ", "\t", "\n", "\n", "1", "a", "A"])
SNIPPETS = st.sampled_from(
    [
        "**",
        "__",
        "```",
        "~~~",
        ":::",
        "{note}",
        "{term}`x`",
        "[^1]",
        "[^1]: ",
        "(x)=",
        "<div>",
        "</div>",
        "<!--",
        "&amp;",
        "&#65;",
        "&#x2028;",
        "$$",
        "\\(",
        "{{ x }}",
        "{#id}",
        "{.cls}",
        "- [ ] ",
        "1. ",
        "1) ",
        "> ",
        "# ",
        "---",
        "===",
        "    ",
        "https://example.org",
        "www.example.org",
        "x@example.org",
        "\\",
        "  \n",
        "\\\n",
        "|a|b|\n|-|-|",
        "term\n: def",
        ":field: body",
        "% c",
        "+++",
        "(c)",
        "--",
        "...",
        "![i](x)",
        "<img src=x>",
        "\\begin{align}",
        "~~s~~",
        "+ ",
        "* ",
        "\u00a0\n",
        "\n\u2028\n",
    ]
)
TEXT = st.lists(st.one_of(st.text(ANY, max_size=8), st.text(SYNTAX, max_size=8), SNIPPETS), max_size=24).map("".join)


def seed_paragraphs(text: str) -> list[str]:
    """The paragraphs the seed parser makes of text (after a title line)."""
    try:
        return [p.text for p in parse_seed(("Title\n\n" + text).encode(), "x.txt").paragraphs]
    except Exception:  # no paragraph at all: "title without paragraph"
        return []


def check_plain(myst: str, paragraphs: list[str]) -> None:
    document, warnings = doctree(myst)
    assert warnings == ""
    assert tagnames(document) <= {"document", "paragraph", "#text"}, document.pformat()
    assert [p.astext() for p in document.children] == paragraphs, myst


@FUZZ
@given(TEXT)
@example("a *b* `c` [d](e) <f> &amp; $g$ {{h}} ~~i~~")
@example("1. x\n- y\n> z\n# h\n    code\n---")
@example("\u00a0\n\u2028\n\u3000x\u3000")
@example(":::{note}\nx\n:::\n```{raw} html\n<script>\n```")
def test_escape_text_is_read_back_as_the_same_text(text: str) -> None:
    # Loose, as the brief of the escaper states it: any text, whitespace normalised.
    document, warnings = doctree(escape_text(text))
    assert warnings == ""
    assert tagnames(document) <= {"document", "paragraph", "#text"}, document.pformat()
    assert " ".join(document.astext().split()) == " ".join(text.split())
    # Exact: each paragraph of the seed, escaped, is read back as that paragraph,
    # and the whole text splits into the same paragraphs in MyST as in the seed parser.
    check_plain(escape_text(text), seed_paragraphs(text))
    for paragraph in seed_paragraphs(text):
        check_plain(escape_text(paragraph), [paragraph])


# --- render_paragraph with term links and note markers --------------------------

WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzÉéßſK"), min_size=1, max_size=6)
TERM = st.lists(WORD, min_size=1, max_size=3).map(" ".join).filter(lambda t: bool(_WORDS.fullmatch(t)))
GAP = st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\t\n"])


@st.composite
def paragraphs_with_terms(draw):
    terms = draw(st.lists(TERM, min_size=1, max_size=4, unique_by=lambda t: " ".join(t.casefold().split())))
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            words = draw(st.sampled_from(terms)).split()
            # A term as a seed writes it: any case, any layout between its words.
            shown = words[0]
            for w in words[1:]:
                shown += draw(GAP) + w
            if draw(st.booleans()):
                shown = shown.upper()
            pieces.append(shown)
        else:
            pieces.append(draw(TEXT))
        pieces.append(draw(st.sampled_from(["", " ", "\n", ". ", "’s ", "*", "`", "<", "\\"])))
    paragraphs = seed_paragraphs("".join(pieces))
    if not paragraphs:
        paragraphs = ["x"]
    text = draw(st.sampled_from(paragraphs))
    matcher = TermMatcher([Term(t, "d") for t in terms])
    matches = list(matcher.finditer(text))
    links = [m for m in matches if draw(st.booleans())]
    # Notes end where an anchor ends: right after a character that is not a space.
    ends = [i + 1 for i, c in enumerate(text) if not c.isspace()]
    notes = sorted(draw(st.lists(st.sampled_from(ends), max_size=3))) if ends else []
    return text, links, notes


@FUZZ
@given(paragraphs_with_terms())
def test_render_paragraph_is_read_back_as_the_same_text(case) -> None:
    text, links, notes = case
    ids = [f"n{i}" for i in range(len(notes))]
    myst = render_paragraph(text, links, list(zip(notes, ids, strict=True)))
    definitions = "".join(f"\n\n[^{i}]: A note." for i in ids)
    document, warnings = doctree(myst + definitions)
    assert warnings == ""
    first = document.children[0]
    assert isinstance(first, nodes.paragraph)
    assert tagnames(first) <= {"paragraph", "#text", "inline", "footnote_reference"}, first.pformat()

    # Links: one term node per link, in order, showing the seed's words, pointing at the entry.
    terms = list(first.findall(nodes.inline))
    assert [(t["reftarget"], t.astext()) for t in terms] == [
        (m.term.term, text[m.start : m.end].replace("\n", " ")) for m in links
    ]
    # Markers: one per note, in order.
    assert [r["refid"] for r in first.findall(nodes.footnote_reference)] == ids

    # Text: the paragraph's words, unchanged; a soft wrap inside a link is a space.
    shown = list(text)
    for m in links:
        for i in range(m.start, m.end):
            if shown[i] == "\n":
                shown[i] = " "
    shown_text = "".join(shown)
    expected = layout(shown_text)
    got = ""
    at = []  # where each marker is, as an offset in the text read back
    for node in first.children:
        if isinstance(node, nodes.footnote_reference):
            at.append(len(got))
        else:
            got += node.astext()
    assert got == expected, myst
    # Each marker right after its anchor's end, or after the link that end falls in.
    moved = [next((m.end for m in links if m.start < end < m.end), end) for end in notes]
    assert at == [len(layout(shown_text[:end])) for end in moved], myst


def layout(text: str) -> str:
    """What Markdown keeps of text: spaces and tabs at line edges are layout."""
    return "\n".join(line.strip(" \t") for line in text.split("\n"))
