"""An editorial lint: what an editor should look at, though nothing stops the book from building.

The book builds as long as the seeds and ``conf/`` are well formed
(:mod:`essaybook.core.edition`); this module reports what is well formed and
still worth a look, each as a finding with a file, line, column and a
``lint.<kind>`` code:

* a glossary entry no essay and no note uses (``lint.unused-term``);
* a source no note and no glossary entry cites (``lint.uncited-source``);
* an address without https, in ``sources.json`` or an essay's first
  publication (``lint.http-url``): for each, an https address of the same
  resource should be looked for; one that has none can be acknowledged in
  ``conf/lint.toml``, with the reason, and an acknowledgement that no longer
  matches anything is itself reported (``lint.stale-acceptance``);
* an essay without an author, a first publication or a rights statement in
  ``book.toml`` (``lint.no-author``, ``lint.no-first-publication``,
  ``lint.no-rights``);
* a release's snapshot in ``conf/releases/`` that is not what its git tag
  holds (``lint.release-snapshot``), and an edition whose version is
  released already (tagged) though its editorial layer or seeds have changed
  since (``lint.released-version``): the record of changes would be wrong;
* quotation marks or brackets that a paragraph of a seed (or its title)
  opens and does not close, or closes without opening
  (``lint.unbalanced-quote``, ``lint.unbalanced-bracket``). This is a fact
  about the text, never fixed: seeds are never edited.

A note without a source is not among them: ``notes.schema.json`` requires
every note to cite one, so such a note is an error of the edition already,
and one check says so.

Telling a quotation mark from an apostrophe: ’ and ' inside a word
(don’t, Trotsky’s) are apostrophes; at the start of a word before a letter
or digit, ’ is one too (’tis, ’90s); at the end of a word (Trotskyists’)
it closes a quotation if one is open, and is an apostrophe otherwise. A
quotation that runs over several paragraphs is marked, by the usual
convention, with an opening mark at the start of each paragraph and a
closing one only at its end: a paragraph that leaves a quotation open is
not reported when the next paragraph opens with the same mark.

Everything here is a function of data; ``essaybook check`` prints the
findings as warnings, and the Sphinx build logs them at INFO level only, so
a build with ``-W`` never fails for them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .edition import Edition, _read
from .pipeline import Book
from .problems import Problem, ProblemsError
from .releases import RELEASE_FILE, SNAPSHOTS, History
from .schema import JsonLocator, TomlLocator
from .seeds import Essay
from .terms import TermMatcher

__all__ = [
    "Acceptance",
    "balance",
    "http_urls",
    "lint",
    "lint_book",
    "load_acceptances",
    "missing_provenance",
    "read_conf_texts",
    "unbalanced",
    "uncited_sources",
    "unused_terms",
]

LINT_FILE = "lint.toml"


@dataclass(frozen=True)
class Acceptance:
    """A finding the editors looked at and accept, with why (``conf/lint.toml``)."""

    code: str
    url: str
    reason: str
    line: int = 0


# --- the editorial layer -------------------------------------------------------------------


class _Places:
    """Where things are written in conf/, for pointing at them; the entry's line when the text is not at hand."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._toml = {n: TomlLocator(t) for n, t in texts.items() if n.endswith(".toml")}
        self._json = {n: JsonLocator(t) for n, t in texts.items() if n.endswith(".json")}

    def at(self, file: str, path: tuple[str | int, ...], fallback: int) -> tuple[int, int]:
        locator = self._toml.get(file) or self._json.get(file)
        if locator is None:
            return fallback, 1
        line, column = locator.locate(path)
        return (line, column or 1) if line > 1 or fallback <= 1 else (fallback, 1)


def unused_terms(edition: Edition, essays: Sequence[Essay], conf: str = "conf") -> list[Problem]:
    """Glossary entries used in no essay's paragraphs and in no note."""
    matcher = TermMatcher(edition.terms)
    used: set[str] = set()
    for essay in essays:
        for p in essay.paragraphs:
            used |= matcher.terms_in(p.text)
    for note in edition.notes:
        used |= matcher.terms_in(note.text)
    return [
        Problem(
            f"{conf}/glossary.toml",
            t.line,
            1,
            "lint.unused-term",
            f"the glossary entry '{t.term}' is used by no essay and no note",
            "remove the entry, or add the form the essays use to its aliases",
        )
        for t in edition.terms
        if t.key not in used
    ]


def uncited_sources(edition: Edition, conf: str = "conf") -> list[Problem]:
    """Sources no note and no glossary entry cites."""
    cited = {s for n in edition.notes for s in n.sources} | {s for t in edition.terms for s in t.sources}
    return [
        Problem(
            f"{conf}/sources.json",
            s.line,
            1,
            "lint.uncited-source",
            f"the source '{s.id}' is cited by no note and no glossary entry",
            "cite it where it is used, or remove it from sources.json",
        )
        for s in edition.sources
        if s.id not in cited
    ]


def _plain_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "http"


def http_urls(
    edition: Edition, texts: Mapping[str, str] | None = None, conf: str = "conf"
) -> list[tuple[str, Problem]]:
    """Every address without https, as (address, finding)."""
    places = _Places(texts or {})
    out: list[tuple[str, Problem]] = []
    hint = (
        "look for an https address of the same page and use it; if there is none, "
        f"acknowledge this one in {conf}/{LINT_FILE} with the reason"
    )
    for index, s in enumerate(edition.sources):
        if _plain_http(s.url):
            line, column = places.at("sources.json", (index, "URL"), s.line)
            message = f"the source '{s.id}' is cited at an address without https: {s.url}"
            out.append((s.url, Problem(f"{conf}/sources.json", line, column, "lint.http-url", message, hint)))
    licences = [(("book", "rights", "licence_url"), edition.book.rights.licence_url, "the editors' licence", 1)]
    licences += [
        (("essays", seed, "rights", "licence_url"), essay.rights.licence_url, f"the licence of {seed}", essay.line)
        for seed, essay in edition.essays.items()
        if essay.rights is not None
    ]
    for path, url, what, fallback in licences:
        if _plain_http(url):
            line, column = places.at("book.toml", path, fallback)
            message = f"{what} is given at an address without https: {url}"
            out.append((url, Problem(f"{conf}/book.toml", line, column, "lint.http-url", message, hint)))
    for seed, essay in edition.essays.items():
        first = essay.first_published
        if first is not None and _plain_http(first.url):
            line, column = places.at("book.toml", ("essays", seed, "first_published", "url"), essay.line)
            message = f"the first publication of {seed} is given at an address without https: {first.url}"
            out.append((first.url, Problem(f"{conf}/book.toml", line, column, "lint.http-url", message, hint)))
    return out


def missing_provenance(
    edition: Edition, essays: Sequence[Essay], texts: Mapping[str, str] | None = None, conf: str = "conf"
) -> list[Problem]:
    """Essays whose author, first publication or rights book.toml does not give."""
    places = _Places(texts or {})
    out = []
    for essay in essays:
        entry = edition.essays.get(essay.name)
        if entry is not None:
            where = (f"{conf}/book.toml", *places.at("book.toml", ("essays", essay.name), entry.line))
        else:
            where = (essay.path, 1, 0)
        table = f'[essays."{essay.name}"'
        if entry is None or not entry.author:
            out.append(
                Problem(
                    *where,
                    "lint.no-author",
                    f"{essay.path} has no author: the book says the author is unknown",
                    f"give its author under {table}] in {conf}/book.toml, if it is known",
                )
            )
        if entry is None or entry.first_published is None:
            out.append(
                Problem(
                    *where,
                    "lint.no-first-publication",
                    f"{essay.path} has no first publication: the book says there is no record of one",
                    f"give where and when it first appeared under {table}.first_published] "
                    f"in {conf}/book.toml, if it is known",
                )
            )
        if entry is None or entry.rights is None:
            out.append(
                Problem(
                    *where,
                    "lint.no-rights",
                    f"{essay.path} has no rights statement: the book says its copyright holder is not recorded",
                    f'give its copyright holder and year under {table}.rights] in {conf}/book.toml (holder = "…", '
                    'year = "YYYY"), and a licence or permission only if one is known',
                )
            )
    return out


# --- quotation marks and brackets ------------------------------------------------------------

_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSING_BRACKETS = {v: k for k, v in _BRACKETS.items()}
# Each opening mark and the marks that may close it.
_QUOTES = {
    "“": "”",
    "‘": "’",
    "„": "“”",  # German and others open low, close with “ (or ” in Polish, Hungarian)
    "‚": "‘’",
    "«": "»",
    "‹": "›",
    '"': '"',
    "'": "'",
}
_NAMES = {
    "(": "an opening parenthesis",
    ")": "a closing parenthesis",
    "[": "an opening bracket",
    "]": "a closing bracket",
    "{": "an opening brace",
    "}": "a closing brace",
    "“": "an opening double quotation mark",
    "”": "a closing double quotation mark",
    "‘": "an opening single quotation mark",
    "’": "a closing single quotation mark",
    "„": "a low opening double quotation mark",
    "‚": "a low opening single quotation mark",
    "«": "an opening guillemet",
    "»": "a closing guillemet",
    "‹": "an opening single guillemet",
    "›": "a closing single guillemet",
    '"': "a straight double quotation mark",
    "'": "a straight single quotation mark",
}


def _wordy(c: str) -> bool:
    """A letter, a digit or a combining mark: a character words are made of."""
    return bool(c) and (c.isalnum() or unicodedata.category(c).startswith("M"))


@dataclass(frozen=True)
class Mark:
    offset: int
    char: str
    problem: str  # "unclosed" | "unopened" | "mismatched"
    partner: int = -1  # for "mismatched": the offset of the mark it does not match


def balance(text: str) -> list[Mark]:
    """The quotation marks and brackets of one paragraph that are not balanced within it."""
    found: list[Mark] = []
    brackets: list[tuple[int, str]] = []
    quotes: list[tuple[int, str]] = []
    straight_double: int | None = None
    # Guillemets point either way: «French» or »German«. The first one decides.
    pairs = dict(_QUOTES)
    if next((c for c in text if c in "«»"), "«") == "»":
        del pairs["«"]
        pairs["»"] = "«"
    for i, c in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if c in _BRACKETS:
            brackets.append((i, c))
        elif c in _CLOSING_BRACKETS:
            if brackets and brackets[-1][1] == _CLOSING_BRACKETS[c]:
                brackets.pop()
            elif brackets:
                found.append(Mark(i, c, "mismatched", brackets.pop()[0]))
            else:
                found.append(Mark(i, c, "unopened"))
        elif c == '"':
            straight_double = i if straight_double is None else None
        elif c in "’'" and _wordy(before) and _wordy(after):
            continue  # inside a word: an apostrophe (don’t, Trotsky’s)
        elif c in "’'" and not _wordy(before) and _wordy(after):
            if c == "'":
                quotes.append((i, c))  # a straight one before a word opens a quotation (or is 'tis's)
            # ’ before a word is an apostrophe (’tis, ’90s): the opening mark is ‘.
        elif c in "’'" and not (quotes and c in pairs[quotes[-1][1]]) and _wordy(before):
            continue  # after a word, closing nothing: an apostrophe (the Trotskyists’ views)
        elif c in "“”„‘’‚‹›«»'":
            if quotes and c in pairs[quotes[-1][1]]:
                quotes.pop()
            elif c in pairs:
                quotes.append((i, c))
            elif any(c in pairs[q] for _, q in quotes):
                # It closes an outer quotation: the inner one was left open.
                while c not in pairs[quotes[-1][1]]:
                    inner = quotes.pop()
                    found.append(Mark(inner[0], inner[1], "unclosed"))
                quotes.pop()
            else:
                found.append(Mark(i, c, "unopened"))
    found += [Mark(i, c, "unclosed") for i, c in brackets]
    found += [Mark(i, c, "unclosed") for i, c in quotes]
    if straight_double is not None:
        found.append(Mark(straight_double, '"', "unclosed"))
    return sorted(found, key=lambda m: m.offset)


def _opens_with(text: str, mark: str) -> bool:
    return text.lstrip().startswith(mark)


def unbalanced(essay: Essay) -> list[Problem]:
    """Every quotation mark and bracket of a seed left unbalanced in its paragraph (or title)."""
    units: list[tuple[str, int, int, object]] = [(essay.title, essay.title_line, essay.title_indent, None)]
    units += [(p.text, p.line, 0, p) for p in essay.paragraphs]
    out = []
    for n, (text, line0, indent, paragraph) in enumerate(units):
        following = units[n + 1][0] if paragraph is not None and n + 1 < len(units) else ""
        for mark in balance(text):
            if mark.problem == "unclosed" and mark.char not in _BRACKETS and _opens_with(following, mark.char):
                continue  # a quotation that goes on into the next paragraph, marked as is usual
            if paragraph is not None:
                line, column = paragraph.position(mark.offset)  # type: ignore[attr-defined]
            else:
                line, column = line0, mark.offset + 1 + indent
            out.append(_mark_problem(essay, mark, line, column, text, paragraph))
    return out


def _mark_problem(essay: Essay, mark: Mark, line: int, column: int, text: str, paragraph) -> Problem:
    kind = "lint.unbalanced-bracket" if mark.char in "()[]{}" else "lint.unbalanced-quote"
    unit = "the title" if paragraph is None else f"the paragraph that starts at line {paragraph.line}"
    name = _NAMES.get(mark.char, repr(mark.char))
    if mark.problem == "unclosed":
        message = f"{name} ({mark.char}) is not closed in {unit}"
        if mark.char == "'":
            message += " (unless it is an apostrophe, as in 'tis)"
    elif mark.problem == "unopened":
        message = f"{name} ({mark.char}) closes nothing opened before it in {unit}"
    else:
        other = text[mark.partner]
        message = f"{name} ({mark.char}) stands where {_NAMES.get(other, other)} ({other}) should be closed, in {unit}"
    hint = "a fact about the text, reported for the editors to know: seeds are never edited"
    return Problem(essay.path, line, column, kind, message, hint)


# --- all of it ----------------------------------------------------------------------------------


def lint(
    edition: Edition,
    essays: Sequence[Essay],
    texts: Mapping[str, str] | None = None,
    accepted: Iterable[Acceptance] = (),
    conf: str = "conf",
) -> list[Problem]:
    """Every finding, sorted by file and place; acknowledged ones left out, stale acknowledgements added."""
    texts = texts or {}
    findings = unused_terms(edition, essays, conf) + uncited_sources(edition, conf)
    findings += missing_provenance(edition, essays, texts, conf)
    for essay in essays:
        findings += unbalanced(essay)
    accepted = list(accepted)
    used: set[int] = set()
    for url, problem in http_urls(edition, texts, conf):
        match = next((i for i, a in enumerate(accepted) if a.code == problem.code and a.url == url), None)
        if match is None:
            findings.append(problem)
        else:
            used.add(match)
    for i, a in enumerate(accepted):
        if i not in used:
            findings.append(
                Problem(
                    f"{conf}/{LINT_FILE}",
                    a.line,
                    1,
                    "lint.stale-acceptance",
                    f"the acknowledgement of {a.url} ({a.code}) matches no finding",
                    "remove it: the address is no longer cited, or is now https",
                )
            )
    return sorted(findings)


def read_conf_texts(conf_dir: Path) -> dict[str, str]:
    """The text of each file of conf/, for pointing at what a finding is about."""
    out = {}
    for name in ("book.toml", "glossary.toml", "notes.toml", "sources.json"):
        try:
            out[name] = (conf_dir / name).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return out


def load_acceptances(conf_dir: Path, display: str = "conf") -> list[Acceptance]:
    """The findings the editors acknowledge (``conf/lint.toml``, optional); raise with its problems."""
    problems: list[Problem] = []
    f = _read(conf_dir, display, LINT_FILE, "lint", problems, required=False)
    if problems:
        raise ProblemsError(problems)
    if f is None:
        return []
    return [
        Acceptance(d["code"], d["url"], d["reason"], f.line("accept", i))
        for i, d in enumerate(f.data.get("accept", []))
    ]


def release_findings(book: Book, history: History, conf: str = "conf") -> list[Problem]:
    """Snapshots that are not what their tags hold, and a released version whose layer has changed since."""
    out = []
    for version in history.snapshots():
        tagged = history.from_git(version)
        if tagged is None:
            continue
        try:
            kept = history.from_snapshot(version)
        except ProblemsError as err:
            out += err.problems
            continue
        if kept.layer != tagged.layer:
            out.append(
                Problem(
                    f"{conf}/{SNAPSHOTS}/{version}/{RELEASE_FILE}",
                    1,
                    1,
                    "lint.release-snapshot",
                    f"the snapshot of edition {version} is not what {tagged.origin} holds",
                    f"write it again from the tag: essaybook release --from {tagged.tag}",
                )
            )
    version = book.edition.book.version
    released = history.from_git(version) if version in history.tags else None
    if released is not None:
        if book.layer != released.layer:
            out.append(
                Problem(
                    f"{conf}/book.toml",
                    1,
                    1,
                    "lint.released-version",
                    f"edition {version} is released already ({released.origin}), and its notes, glossary, "
                    "timeline, sources or essays have changed since",
                    "raise version (and date) in book.toml: a new edition, whose changes page lists these",
                )
            )
    return out


def lint_book(book: Book, conf_dir: Path, conf_display: str = "conf", history: History | None = None) -> list[Problem]:
    """The findings of a converted book, with the acknowledgements in ``conf_dir``; raise if those are malformed.

    With a ``history``, also the findings about its releases (:func:`release_findings`).
    """
    accepted = load_acceptances(conf_dir, conf_display)
    essays = [c.essay for c in book.chapters]
    findings = lint(book.edition, essays, read_conf_texts(conf_dir), accepted, conf_display)
    if history is not None:
        findings = sorted(findings + release_findings(book, history, conf_display))
    return findings
