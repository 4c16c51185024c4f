"""What Read the Docs' server-side search puts in its index for a page of the book.

On Read the Docs the search box queries an index that Read the Docs builds
itself, by parsing every HTML page the build wrote, not from Sphinx's
``searchindex.js``. Its rules are public ("Server side search integration" in
Read the Docs' developer documentation) and are followed here with the HTML
parser it uses (selectolax, pinned to Read the Docs' own version in
tests/requirements.txt):

1. the main node is the element of role ``main`` (else ``<main>``, else the
   parent of the first ``<h1>``, else ``<body>``);
2. irrelevant content is removed from it: ``script``, ``style``,
   ``template``, ``noscript``, ``nav``, roles ``navigation`` and ``search``,
   Sphinx's ``.headerlink`` permalinks, code line numbers and
   ``.toctree-wrapper``;
3. a ``<dt>`` with an id is a section (its text the title, the next
   ``<dd>``'s the content), and is then taken out of the page;
4. the content before the first heading is a section under the page's title;
   each heading ``h1``–``h6`` starts a section (its id the heading's or its
   parent's) that runs to the next heading.

A section's text is the text of its nodes **joined as they stand**: inline
elements are not separated (so ``state<a>[3]</a>.`` reads ``state[3].``),
block-level elements are set on their own lines, and every run of whitespace
becomes one space. That joining is what this module exists to reproduce:
whatever a page sets as text inside an author's sentence, the index holds as
part of the author's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from selectolax.parser import HTMLParser, Node

__all__ = ["MAX_CONTENT", "IndexedPage", "Section", "collapse", "essay_findings", "index_page"]

# Elements Read the Docs sets on their own lines: HTML's block-level elements.
BLOCKS = frozenset(
    "address article aside blockquote canvas dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav noscript ol p pre section table tfoot ul video".split()
)
IRRELEVANT = (
    "script",
    "style",
    "template",
    "noscript",
    "nav",
    "[role=navigation]",
    "[role=search]",
    ".headerlink",
    ".linenos",
    ".lineno",
    ".toctree-wrapper",
)
HEADINGS = frozenset(f"h{n}" for n in range(1, 7))


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    content: str


@dataclass(frozen=True)
class IndexedPage:
    title: str
    sections: list[Section]


# Read the Docs keeps at most this many characters of a piece of text (about a megabyte).
MAX_CONTENT = 1024 * 1024


def collapse(text: str) -> str:
    """Text as the index stores it: every run of whitespace (Python's notion) one space, none at the ends."""
    return " ".join(text.split())[:MAX_CONTENT]


def _main_node(tree: HTMLParser) -> Node:
    body = tree.body
    for selector in ("[role=main]", "main"):
        if (node := body.css_first(selector)) is not None:
            return node
    if (h1 := body.css_first("h1")) is not None:
        return _heading_box(h1).parent
    return body


def _heading_box(heading: Node) -> Node:
    """A heading, or the ``<header>`` that wraps it."""
    return heading.parent if heading.parent is not None and heading.parent.tag == "header" else heading


def _is_section_start(node: Node) -> bool:
    return node.tag in HEADINGS or node.tag == "header"


def _text(node: Node) -> str:
    """All the text under ``node``, its pieces joined with nothing between them."""
    return node.text(deep=True) if node.tag != "-text" else node.text(deep=False)


def _content(first: Node | None, levels: int) -> tuple[str, bool]:
    """The text of ``first`` and its following siblings up to the next section; and whether one started.

    Read the Docs looks ``levels`` deep for the next heading; below that an
    element's text is taken whole. Each level's text is collapsed on its own
    (so the spaces at its ends are lost) before it joins its neighbours.
    """
    parts: list[str] = []
    node, started = first, False
    while node is not None and not started:
        if _is_section_start(node):
            started = True
            break
        if levels <= 0 or node.child is None:
            text = _text(node)
        else:
            text, started = _content(node.child, levels - 1)
        if text:
            parts.append(f"\n{text}\n" if node.tag in BLOCKS else text)
        node = node.next
    return collapse("".join(parts)), started


def _term_sections(main: Node) -> list[Section]:
    """Each ``<dt>`` with an id and the ``<dd>`` after it, taken out of the page once read."""
    sections, read = [], []
    for dl in main.css("dl"):
        for dt in [n for n in dl.iter() if n.tag == "dt" and n.id]:
            dd = dt.next
            while dd is not None and dd.tag != "dd":
                dd = dd.next
            if dd is None:
                continue
            # A definition's own nested terms are sections of their own, not its text.
            copy = HTMLParser(dd.html).body.child
            for inner in copy.css("dl"):
                for term in inner.css("dt[id]"):
                    if term.attributes.get("id"):
                        following = term.next
                        while following is not None and following.tag != "dd":
                            following = following.next
                        if following is not None:
                            following.decompose()
                        term.decompose()
            sections.append(Section(str(dt.attributes.get("id")), collapse(dt.text()), collapse(copy.text())))
            read += [dd, dt]
    for node in read:
        node.decompose()
    return sections


def index_page(html: str) -> IndexedPage:
    """The page's title and sections as Read the Docs' search indexes them."""
    tree = HTMLParser(html)
    main = _main_node(tree)
    for selector in IRRELEVANT:
        for node in main.css(selector):
            node.decompose()
    h1 = main.css_first("h1")
    if h1 is not None:
        title = collapse(h1.text())
    else:
        tag = tree.css_first("title")
        title = collapse(tag.text()) if tag is not None else ""
    sections = _term_sections(main)
    # The page's opening, before any heading, searched three levels deep.
    opening, _ = _content(main.child, 3)
    if opening:
        sections.append(Section("", title, opening))
    for level in range(1, 7):
        for heading in main.css(f"h{level}"):
            ident = heading.attributes.get("id") or (heading.parent.attributes.get("id") if heading.parent else "")
            content, _ = _content(_heading_box(heading).next, 2)
            sections.append(Section(str(ident or ""), collapse(heading.text()), content))
    return IndexedPage(title, sections)


# --- the essays in the index -------------------------------------------------------

PARAGRAPH_ID = re.compile(r"(?P<slug>.+)-p(?P<n>[0-9]+)")


@dataclass
class EssayFindings:
    """How the essays' paragraphs fare in the index of every page of a build."""

    paragraphs: int = 0  # essay paragraphs found on the pages
    whole: int = 0  # indexed whole, in their own section, in reading order
    altered_words: int = 0  # words of the seed that the index holds otherwise (glued to a mark, split)
    problems: list[str] = field(default_factory=list)


def _spaced(words: Sequence[str]) -> str:
    """Words as one string in which a run of whole words is a plain substring: " a b c "."""
    return " " + " ".join(words) + " "


def _occurrences(haystack: str, needle: str) -> int:
    """How often ``needle`` occurs in ``haystack``, counting those that share a space with the one before."""
    count, at = 0, haystack.find(needle)
    while at >= 0:
        count += 1
        at = haystack.find(needle, at + 1)
    return count


def _apart(texts: Sequence[Sequence[str]]) -> str:
    """Several texts in one string, a newline between them, so that no run of words spans two."""
    return "\n".join(_spaced(t) for t in texts)


def essay_findings(outdir: Path, essays: Mapping[str, Sequence[str]], suffix: str = ".html") -> EssayFindings:
    """Check every essay paragraph of a built site against Read the Docs' index of its page.

    ``essays`` maps an essay's page name (slug) to its paragraphs as the seed
    gives them. A paragraph ``<slug>-p<n>`` must be indexed as its words, whole,
    in the section of the heading it stands under, after the paragraph before
    it; and no more often in the page's index than the page's seed text holds it.
    ``suffix`` names the pages: ``.xhtml`` for an unpacked EPUB, whose pages the
    same translator writes.
    """
    from bs4 import BeautifulSoup

    found = EssayFindings()
    for path in sorted(outdir.rglob("*" + suffix)):
        html = path.read_text("utf-8")
        page = BeautifulSoup(html, "html.parser")
        paragraphs = [p for box in page.select(".essay-text") for p in box.find_all("p", recursive=False)]
        if not paragraphs:
            continue
        where = path.relative_to(outdir).as_posix()
        index = index_page(html)
        sections = {s.id: _spaced(s.content.split()) for s in index.sections}
        everything = _apart([s.content.split() for s in index.sections])
        placed = []
        for p in paragraphs:
            match = PARAGRAPH_ID.fullmatch(p.get("id", ""))
            assert match and match["slug"] in essays, f"{where}: essay paragraph {p.get('id')!r} of no known essay"
            words = collapse(essays[match["slug"]][int(match["n"]) - 1]).split()
            heading = p.find_previous(re.compile(r"^h[1-6]$"))
            section = (heading.get("id") or heading.parent.get("id") or "") if heading else ""
            placed.append((p["id"], section, words))
        seed_text = _apart([words for _, _, words in placed])
        cursors: dict[str, int] = {}
        for ident, section, words in placed:
            found.paragraphs += 1
            haystack = sections.get(section)
            if haystack is None:
                found.problems.append(f"{where}#{ident}: no section {section!r} in the index")
                found.altered_words += len(words)
                continue
            needle = _spaced(words)
            at = haystack.find(needle, cursors.get(section, 0))
            if at < 0:
                matcher = SequenceMatcher(None, words, haystack.split(), autojunk=False)
                kept = sum(block.size for block in matcher.get_matching_blocks())
                found.altered_words += len(words) - kept
                found.problems.append(f"{where}#{ident}: not indexed whole in section {section!r}")
                continue
            # The next paragraph starts where this one ends, at the space they share.
            cursors[section] = at + len(needle) - 1
            indexed, expected = _occurrences(everything, needle), _occurrences(seed_text, needle)
            if indexed != expected:
                found.problems.append(
                    f"{where}#{ident}: indexed {indexed} times, its page's seed text holds it {expected}"
                )
                continue
            found.whole += 1
    return found
