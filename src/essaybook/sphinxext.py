"""The Sphinx side of the book: convert at build start, link terms back to their uses.

Read the Docs runs plain ``sphinx-build`` without ``make``, so conversion has
to happen inside Sphinx: at ``builder-inited``, before Sphinx looks for source
files, the seeds and ``conf/`` are converted and the pages written (only those
that changed). Everything else here is Sphinx-native bookkeeping:

* *where used*: each essay page's term uses are collected into the build
  environment at ``doctree-read`` (merged for parallel reads, purged with the
  page) and written under each glossary entry by a post-transform, as ordinary
  cross-references, so every builder (HTML, single page, EPUB, LaTeX) links them;
* two directives for hand-written pages: ``book-chapters`` (the chapters'
  table of contents, in seed order) and ``seed-table`` (each seed with its
  SHA-256), whose pages are re-read when the seeds change;
* a check that a generated page holds only what the converter means to emit,
  in case escaping ever fails: defence in depth for untrusted text.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import ENUM
from sphinx.directives.other import TocTree
from sphinx.domains import ObjType
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxError
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__, citation, navigation, pagefind, search
from .a11y import TableWrapperIds, repair_pages
from .edition import Book as BookMeta
from .edition import load_book
from .margins import PARAGRAPH_ID, BookHTMLTranslator, SideNotes, add_margin_styles
from .memo import MEMO_FOLDER, Memo, digest
from .pipeline import Book, build_book, input_stats, seed_files
from .problems import ProblemsError
from .reading import human_date, reading_minutes
from .render import APPARATUS, GLOSSARY, UNKNOWN_AUTHOR, author_line, chapter_docs, names, note_label
from .searchindex import keep_index_entries
from .write import MANIFEST, prune_empty_parents, write_pages

logger = logging.getLogger(__name__)

__all__ = ["setup"]


ENV_VERSION = 2


class EssayBookError(SphinxError):
    category = "Essay book input error"


@dataclass
class _State:
    prefix: str  # docname prefix of generated pages, e.g. "book/"
    chapters: list[str]  # chapter docnames in reading order
    seeds: list[tuple[str, str, str, int]]  # (file name, title, sha256, paragraphs)
    # Per chapter: (docname, author line, minutes to read). The minutes, not the words: the
    # contents show the minutes, and a page is read again only when what it shows changes.
    contents: list[tuple[str, str, int]]
    provenance: list[
        tuple[str, str, str, tuple[str, ...]]
    ]  # per chapter: (docname, author, date, (where, url, relation))
    slugs: dict[str, str]  # chapter page docname -> the essay's slug
    apparatus: list[str]  # the generated pages of the apparatus, e.g. ["glossary", "timeline", "sources"]
    citations: str  # a digest of all that the citations show: items, style, language, paragraph counts
    convert: Callable[[], Book]  # the conversion, if the build needs the book and it was not made
    changed: set[str] = field(default_factory=set)
    reread: set[str] = field(default_factory=set)  # the pages read in this build
    new_tocs: set[str] = field(default_factory=set)  # read pages whose title or contents changed
    converted: Book | None = None

    @property
    def book(self) -> Book:
        """The converted book: only pages being read need it (term uses, the glossary's aliases, the timeline)."""
        if self.converted is None:
            self.converted = self.convert()
        return self.converted


def _facts(book: Book, prefix: str, base: str) -> dict[str, Any]:
    """What the pages of the book and the hand-written ones show of the conversion, for :class:`_State`."""
    edition = book.edition.book
    cited = [
        citation.items_for(edition, citation.authors(book.chapters), book.chapters, base, prefix),
        edition.citation_style,
        edition.language,
        {c.slug: c.paragraph_count for c in book.chapters},
    ]
    chapters = [prefix + chapter_docs(c)[0] for c in book.chapters]
    return {
        "prefix": prefix,
        "chapters": chapters,
        "seeds": [(c.essay.name, c.essay.title, c.essay.sha256, c.paragraph_count) for c in book.chapters],
        "contents": [
            (doc, author_line(c.conf.author if c.conf else ""), reading_minutes(c.words))
            for doc, c in zip(chapters, book.chapters, strict=True)
        ],
        "provenance": [(doc, *_provenance(c)) for doc, c in zip(chapters, book.chapters, strict=True)],
        "slugs": {prefix + doc: c.slug for c in book.chapters for doc in chapter_docs(c)},
        "apparatus": [name for name in APPARATUS if f"{name}.md" in book.pages],
        "citations": digest(json.dumps(cited, sort_keys=True, ensure_ascii=False)),
    }


@dataclass(frozen=True)
class _Converted:
    """A conversion's result as Sphinx uses it, kept in the memo while none of its inputs changes.

    While the seeds, ``conf/`` and the generated pages are as the last
    conversion left them (:func:`essaybook.pipeline.input_stats`), a build
    takes this instead of converting: no file is read. The book itself is
    converted (from the memo) only if some page is read again.
    """

    book: BookMeta
    authors: list[str]
    facts: dict[str, Any]
    skipped: list[str]
    essays: int
    pages: dict[str, tuple[int, int, int]]  # each generated page (and the manifest) as written: size, time, inode


def _page_stats(out_dir: Path, names) -> dict[str, tuple[int, int, int]] | None:
    stats = {}
    for name in names:
        try:
            st = (out_dir / name).stat()
        except OSError:
            return None
        stats[name] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return stats


# One state per build environment; parallel readers are forked and inherit it.
_STATES: WeakKeyDictionary[BuildEnvironment, _State] = WeakKeyDictionary()


def _state(env: BuildEnvironment) -> _State:
    return _STATES[env]


# --- events -------------------------------------------------------------------


def _paths(app: Sphinx) -> tuple[Path, Path, Path]:
    confdir = Path(app.confdir)
    return (
        (confdir / app.config.essaybook_seeds_dir).resolve(),
        (confdir / app.config.essaybook_conf_dir).resolve(),
        (Path(app.srcdir) / app.config.essaybook_output_dir).resolve(),
    )


def _fail(err: ProblemsError) -> EssayBookError:
    """Log every problem where editors and tools look for it, then stop the build.

    Each problem is an error in Sphinx's own ``file:line: ERROR: …`` form, with
    a type and subtype; the exception that stops the build only sums them up.
    """
    for problem in err.problems:
        logger.error(problem.text, location=problem.location, type="essaybook", subtype=problem.code)
    count = len(err.problems)
    return EssayBookError(
        f"{count} problem{'s' if count != 1 else ''} in the seeds or conf/ (listed above as ERROR). "
        "Nothing was written and the last good build is untouched: fix them and build again."
    )


def _base(app: Sphinx) -> Path:
    """The folder problem locations are relative to: the project's root."""
    return Path(app.confdir).resolve().parent


@dataclass(frozen=True)
class _Front:
    book: BookMeta
    authors: list[str]  # the essays' authors, each once, in reading order
    memo: Memo  # what the last conversion computed, beside the doctrees (essaybook.memo)
    inputs: str  # the inputs as they were before this build read any of them
    unchanged: _Converted | None  # the last conversion, when no input changed since


_CONVERTED = "converted"  # the memo's kind for _Converted, keyed by the inputs' stats


# conf/book.toml, read and checked once per build (at config-inited).
_BOOKS: WeakKeyDictionary[Sphinx, _Front] = WeakKeyDictionary()


def book_metadata(app: Sphinx) -> BookMeta:
    """The book's metadata, for the other handlers that fill configuration from it."""
    return _BOOKS[app].book


def book_authors(app: Sphinx) -> list[str]:
    """The authors of the book's essays (the editors are not among them), in reading order."""
    return _BOOKS[app].authors


def set_default(config: Any, name: str, value: Any) -> None:
    """Fill a configuration value from book.toml unless conf.py or ``-D`` set it."""
    if name not in config._raw_config and name not in config._overrides:
        setattr(config, name, value)


def config_inited(app: Sphinx, config: Any) -> None:
    """Take the book's title, authors, version and copyright from ``conf/book.toml``."""
    seeds_dir, conf_dir, out_dir = _paths(app)
    memo = Memo(Path(app.doctreedir) / MEMO_FOLDER)
    # Taken before anything is read: a file written while this build reads it
    # then differs from what is recorded, and the next build converts again.
    inputs = digest(input_stats(seeds_dir, conf_dir), str(seeds_dir), str(conf_dir), str(out_dir), str(_base(app)))
    last = memo.get(_CONVERTED, inputs)
    if last is not None and _page_stats(out_dir, last.pages) == last.pages:
        book, authors = last.book, last.authors
    else:
        last = None
        try:
            front = load_book(conf_dir, os.path.relpath(conf_dir, _base(app)), memo)
        except ProblemsError as err:
            raise _fail(err) from None
        book = front.book
        authors = front.authors(p.name for p in seed_files(seeds_dir))
    _BOOKS[app] = _Front(book, authors, memo, inputs, last)
    for name, value in (
        ("project", book.title),
        ("author", names(authors) or UNKNOWN_AUTHOR),
        ("copyright", book.copyright),
        ("version", book.version),
        ("release", book.version),
        # Sphinx gets the language without its region: its catalogues for regions (en_GB) break
        # its search page's script, and Read the Docs passes "-D language=en" anyway. The pages
        # still say the book's own tag (en-GB): see page_language.
        ("language", book.language.split("-")[0].lower()),
        ("html_title", book.title),
    ):
        set_default(config, name, value)
    # Only the hand-written title page enables substitutions (in its front
    # matter); generated pages, which hold seed text, never do.
    config.myst_substitutions = {
        **getattr(config, "myst_substitutions", {}),
        "book_title": book.title,
        "book_subtitle": book.subtitle,
        "book_byline": author_line(names(authors)),
        "book_editor": book.editor,
        "book_edition": " · ".join(
            x for x in (f"Edition {book.version}", human_date(book.date, book.language) if book.date else "") if x
        ),
        "book_introduction": book.introduction.strip(),
    }


def page_language(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Every web page declares the book's language as book.toml gives it, region and all (en-GB)."""
    context["language"] = book_metadata(app).language


def builder_inited(app: Sphinx) -> None:
    seeds_dir, conf_dir, out_dir = _paths(app)
    front = _BOOKS[app]
    memo = front.memo
    prefix = str(app.config.essaybook_output_dir).strip("/") + "/"

    def convert() -> Book:
        try:
            return build_book(seeds_dir, conf_dir, _base(app), memo)
        except ProblemsError as err:
            raise _fail(err) from None

    book = None
    if front.unchanged is not None:
        converted = front.unchanged
        written, unchanged, removed = 0, len(converted.pages) - 1, 0
        logger.info("essaybook: no seed or file of conf/ changed since the last conversion: nothing converted")
    else:
        book = convert()
        try:
            report = write_pages(out_dir, book.pages, str(app.config.essaybook_output_dir))
        except ProblemsError as err:
            raise _fail(err) from None
        written, unchanged, removed = len(report.written), len(report.unchanged), len(report.removed)
        stats = _page_stats(out_dir, [*book.pages, MANIFEST])
        converted = _Converted(
            front.book,
            front.authors,
            _facts(book, prefix, app.config.html_baseurl or ""),
            book.skipped,
            len(book.chapters),
            stats or {},
        )
        if stats is not None:
            memo.put(_CONVERTED, front.inputs, converted)
        memo.save()
    for line in converted.skipped:
        logger.info("essaybook: %s", line)
    counts = (converted.essays, written, unchanged, removed)
    logger.info("essaybook: %d essays, %d pages written, %d unchanged, %d removed", *counts)
    # What this extension keeps in the (pickled) environment: term uses per
    # page, the pages using each directive, and the facts those directives show.
    names = ("essaybook_uses", "essaybook_users", "essaybook_facts", "essaybook_where", "essaybook_tocs")
    for name in (*names, "essaybook_toctrees"):
        if not hasattr(app.env, name):
            setattr(app.env, name, {})
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False
    _STATES[app.env] = _State(**converted.facts, convert=convert, converted=book)


def _provenance(chapter) -> tuple[str, str, tuple[str, ...]]:
    conf = chapter.conf
    pub = conf.first_published if conf else None
    author = conf.author if conf else ""
    if pub is None:
        return author, "", ()
    return author, pub.date, (pub.title, pub.container, pub.url, pub.relation)


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read hand-written pages whose directives list what changed."""
    state = _state(app.env)
    state.changed = added | changed | removed
    _remove_outputs(app, {doc for doc in removed if doc.startswith(state.prefix)})
    users: dict[str, set[str]] = env.essaybook_users
    facts = {
        "chapters": state.chapters,
        "seeds": state.seeds,
        "contents": state.contents,
        "provenance": state.provenance,
        "apparatus": state.apparatus,
    }
    # Only a digest of each is kept: the facts of a thousand essays would be
    # tens of thousands of objects to load, scan and free at every build.
    digests = {kind: digest(repr(value)) for kind, value in facts.items()}
    old = env.essaybook_facts
    env.essaybook_facts = digests  # type: ignore[attr-defined]
    stale = [kind for kind in digests if old.get(kind) != digests[kind]]
    return sorted({doc for kind in stale for doc in users.get(kind, ()) if doc in env.found_docs})


def _remove_outputs(app: Sphinx, docnames: set[str]) -> None:
    """Delete the built pages of generated pages that are gone (a removed seed).

    Sphinx never deletes output, so an incremental build would keep publishing
    an essay after its seed was removed.
    """
    outfile = getattr(app.builder, "get_outfilename", None)
    if outfile is None:
        return
    outdir = Path(app.outdir).resolve()
    for doc in sorted(docnames):
        page = Path(outfile(doc)).resolve()
        if outdir not in page.parents or not page.is_file():
            continue
        page.unlink()
        prune_empty_parents(page, outdir)


def env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Note which pages this build reads: only theirs can differ from what the last build wrote."""
    state = _state(env)
    state.reread = set(docnames)
    if docnames:
        # Reading needs the book; converted here, before parallel readers are forked, it is done once.
        _ = state.book


def env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write again (without re-reading) the pages that show what changed.

    Every page shows the chapters and their titles (sidebar, previous and next
    links), which Sphinx only refreshes on the pages it re-reads, so when a
    page was added or removed or a title or toctree changed, every page is
    written again, or a page left alone would link a removed essay. An edit
    inside an essay changes none of that. The glossary lists every use of
    every term (:class:`WhereUsed`), so it is written again when what it
    shows of a page read in this build changed: its title, its uses, or
    where their anchors are; not for every edit of an essay.
    """
    state = _state(app.env)
    # Each record is brought up to date at every build, whatever is written:
    # the next build compares with what this one wrote.
    _note_tocs(env, state)
    used_in_changed = _where_used_changed(env, state)
    if navigation.navigation_changed(env):
        return sorted(env.found_docs)
    glossary = state.prefix + GLOSSARY
    if glossary in env.found_docs and used_in_changed:
        return [glossary]
    return []


def _note_tocs(env: BuildEnvironment, state: _State) -> None:
    """Find the pages read in this build whose title or table of contents changed.

    Sphinx writes again every page whose toctree lists a page it re-read, in
    case the listed title or sections changed; :func:`write_started` limits
    that to the pages whose title or contents did change.
    """
    tocs: dict[str, str] = env.essaybook_tocs
    state.new_tocs = set()
    for doc in state.reread & env.found_docs:
        title, toc = env.titles.get(doc), env.tocs.get(doc)
        record = digest(
            title.astext() if title is not None else "",
            toc.pformat() if toc is not None else "",
            tuple(env.toctree_includes.get(doc, ())),
            repr(env.toc_secnumbers.get(doc)),
        )
        if tocs.get(doc) != record:
            state.new_tocs.add(doc)
        tocs[doc] = record
    for doc in set(tocs) - env.found_docs:
        del tocs[doc]


def _where_used_changed(env: BuildEnvironment, state: _State) -> bool:
    """Whether the glossary's "Used in" lists differ from the last build's."""
    records: dict[str, str] = env.essaybook_where
    order = [d for c in state.chapters for d in _chapter_pages(env, c)]
    changed = False
    for doc in order:
        if doc in state.reread or doc not in records:
            record = _where_record(env, doc)
            changed |= records.get(doc) != record
            records[doc] = record
    listed = digest(tuple(order))
    changed |= records.get("") != listed
    records[""] = listed
    for doc in set(records) - {"", *order}:
        del records[doc]
        changed = True
    return changed


def _where_record(env: BuildEnvironment, doc: str) -> str:
    """What the glossary shows of a page: its title, its uses, and the anchors they link."""
    anonlabels = env.domains.standard_domain.anonlabels
    uses = _uses(env, doc)
    title = env.titles[doc].astext() if doc in env.titles else doc
    return digest(title, tuple(uses), tuple(anonlabels.get(label) for _, label, _ in uses if label))


def _uses(env: BuildEnvironment, doc: str) -> list[tuple[str, str, int]]:
    """A page's term uses: (term, label of the paragraph or note, its number; negative for a note).

    The environment keeps each page's uses as one JSON string: a thousand
    essays have hundreds of thousands of uses, which as tuples would be most
    of the objects the environment loads, the garbage collector scans and the
    interpreter frees at the end of every build, even one that reads nothing.
    """
    kept = env.essaybook_uses.get(doc)
    return [tuple(u) for u in json.loads(kept)] if kept else []  # type: ignore[misc]


def write_started(app: Sphinx, builder: Any) -> None:
    """Write the pages whose toctree lists a re-read page only if that page's title or contents changed.

    Sphinx adds them (``files_to_rebuild``) just after this event; in this
    book their toctree shows the titles of pages that changed only in their
    text. The environment was saved before writing began, so the table is
    swapped for this build only, and put back when it ends.
    """
    env = app.env
    state = _STATES.get(env)
    if state is None:
        return
    everything = env.files_to_rebuild
    app._essaybook_files_to_rebuild = everything  # type: ignore[attr-defined]
    env.files_to_rebuild = {doc: parents for doc, parents in everything.items() if doc in state.new_tocs}


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    everything = getattr(app, "_essaybook_files_to_rebuild", None)
    if everything is not None:
        app.env.files_to_rebuild = everything
        app._essaybook_files_to_rebuild = None  # type: ignore[attr-defined]


_ALLOWED = (nodes.paragraph, nodes.Text, nodes.target, addnodes.pending_xref, nodes.inline, nodes.footnote_reference)


def doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    state = _state(app.env)
    env = app.env
    docname = env.docname
    # Every page's sidebar shows the toctrees' captions and entries, which the
    # environment keeps nowhere else: navigation.navigation_changed compares them.
    toctrees = [sorted(t.attributes.items()) for t in doctree.findall(addnodes.toctree)]
    if toctrees:
        env.essaybook_toctrees[docname] = digest(repr(toctrees))
    if not docname.startswith(state.prefix):
        return
    uses: list[tuple[str, str, int]] = []
    matcher = state.book.matcher
    for box in doctree.findall(nodes.container):
        if "essay-text" not in box["classes"]:
            continue
        for node in box.findall(lambda n: not isinstance(n, (*_ALLOWED, nodes.container))):
            logger.warning(
                "a generated page holds a %s element, which the converter never emits: "
                "seed text may have been read as markup; report this as a bug",
                node.tagname,
                location=node,
                type="essaybook",
                subtype="unsafe-node",
            )
        for para in box.findall(nodes.paragraph):
            match = next((m for i in para["ids"] if (m := PARAGRAPH_ID.fullmatch(i))), None)
            if match is None:
                continue
            for key in sorted(matcher.terms_in(_words(para))):
                uses.append((key, match.group(0), int(match["n"])))
    slug = state.slugs.get(docname)
    labels = env.domains.standard_domain.labels
    anonlabels = env.domains.standard_domain.anonlabels
    for number, note in enumerate(doctree.findall(nodes.footnote), 1):
        if slug is None or not note["ids"] or not note["names"]:
            continue
        # Each note is a cross-reference target, "<slug>-note-<id>", like the
        # paragraphs: the glossary and the sources page link to it.
        label = note_label(slug, note["names"][0])
        labels[label] = (docname, note["ids"][0], f"note {number}")
        anonlabels[label] = (docname, note["ids"][0])
        for key in sorted(matcher.terms_in(note.astext())):
            uses.append((key, label, -number))
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("reftype") != "term" or any(
            isinstance(a, (nodes.container, nodes.footnote)) for a in _ancestors(ref)
        ):
            continue
        uses.append((ref["reftarget"].lower(), "", 0))
    if uses:
        env.essaybook_uses[docname] = json.dumps(sorted(set(uses)), ensure_ascii=False, separators=(",", ":"))


def _words(paragraph: nodes.Element) -> str:
    """A paragraph's text without its note markers: a marker's number glued to
    the word before it ("Trotsky" + "1") would hide that word from the matcher."""
    return "".join(
        t.astext() for t in paragraph.findall(nodes.Text) if not isinstance(t.parent, nodes.footnote_reference)
    )


class AliasIndex(SphinxTransform):
    """Index each glossary alias as "see" its entry, on the entry's own anchor.

    Sphinx indexes a glossary term at the term; an ``index`` directive for the
    aliases would add anchors of its own away from the entry, so the alias
    entries join the term's index node. This runs before Sphinx's domains
    collect index entries (priority 850).
    """

    default_priority = 840

    def apply(self, **kwargs: Any) -> None:
        state = _STATES.get(self.env)
        if state is None or self.env.docname != state.prefix + GLOSSARY:
            return
        entries = {t.key: t for t in state.book.edition.terms}
        for term in self.document.findall(nodes.term):
            entry = entries.get(term.astext().lower())
            index = next(iter(term.findall(addnodes.index)), None)
            if entry is None or index is None or not term["ids"]:
                continue
            for alias in entry.aliases:
                index["entries"].append(("see", f"{alias}; {entry.term}", term["ids"][0], "", None))


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.essaybook_uses.pop(docname, None)
    env.essaybook_toctrees.pop(docname, None)
    for users in env.essaybook_users.values():
        users.discard(docname)


def env_merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = other.essaybook_uses
    env.essaybook_uses.update({d: theirs[d] for d in docnames if d in theirs})
    toctrees = other.essaybook_toctrees
    env.essaybook_toctrees.update({d: toctrees[d] for d in docnames if d in toctrees})
    for kind, users in other.essaybook_users.items():
        mine = _users(env, kind)
        mine.update(users & docnames)


def _users(env: BuildEnvironment, kind: str) -> set[str]:
    return env.essaybook_users.setdefault(kind, set())


# --- where used ---------------------------------------------------------------


class WhereUsed(SphinxPostTransform):
    """Under each glossary entry, link every paragraph that uses the term."""

    # Before ReferencesResolver (10), so the links added here get resolved.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        state = _state(self.env)
        docname = state.prefix + GLOSSARY
        if self.env.docname == docname:
            pages: list[nodes.Node] = [self.document]
        else:
            # The single page and LaTeX assemble the whole book into the root
            # document, whose post-transforms run once, under the root's name.
            pages = [n for n in self.document.findall(addnodes.start_of_file) if n.get("docname") == docname]
        if not pages:
            return
        self._links = _Links(self.env, docname)
        order = {doc: i for i, doc in enumerate(d for c in state.chapters for d in _chapter_pages(self.env, c))}
        by_term: dict[str, dict[str, list[tuple[str, int]]]] = {}
        for doc in self.env.essaybook_uses:
            if doc == docname or doc not in order:
                continue
            for key, label, number in _uses(self.env, doc):
                by_term.setdefault(key, {}).setdefault(doc, []).append((label, number))
        for glossary in (g for page in pages for g in page.findall(addnodes.glossary)):
            for item in glossary.findall(nodes.definition_list_item):
                terms = [t for t in item.children if isinstance(t, nodes.term)]
                definition = next((d for d in item.children if isinstance(d, nodes.definition)), None)
                if not terms or definition is None:
                    continue
                key = terms[0].astext().lower()
                definition += self._used_in(docname, by_term.get(key, {}), order)

    def _used_in(self, fromdoc: str, pages: dict[str, list[tuple[str, int]]], order: dict[str, int]) -> nodes.paragraph:
        para = nodes.paragraph(classes=["where-used"])
        para += nodes.emphasis(text="Used in: ")
        if not pages:
            para += nodes.Text("no essay of this edition.")
            return para
        for i, doc in enumerate(sorted(pages, key=order.__getitem__)):
            if i:
                para += nodes.Text("; ")
            title = self.env.titles[doc].astext() if doc in self.env.titles else doc
            para += self._links.doc(doc, title)
            # Paragraphs by their number (¶ 4), then notes (note 2), as the page shows them.
            paragraphs = sorted({(n, label) for label, n in pages[doc] if label and n > 0})
            notes = sorted({(-n, label) for label, n in pages[doc] if label and n < 0})
            places = [(label, f"¶\u00a0{n}") for n, label in paragraphs]
            places += [(label, f"note\u00a0{n}") for n, label in notes]
            for j, (label, text) in enumerate(places):
                para += nodes.Text(", " if j else " ")
                para += self._links.ref(label, text)
        para += nodes.Text(".")
        return para


class _Links:
    """Links from one page, made as Sphinx's standard domain resolves ``{doc}`` and ``{ref}`` with a title.

    A book of a thousand essays has some hundred thousand term uses, each a
    link under its glossary entry; resolving each as a pending cross-reference
    costs a lookup, a copy and a replacement per link, and computing the same
    relative address again and again. The nodes made here are those the
    domain's resolver makes (``make_refnode``, ``StandardDomain.build_reference_node``),
    with each page's address computed once. A target the domain does not know
    stays a pending cross-reference, so Sphinx reports it as it would.
    """

    def __init__(self, env: BuildEnvironment, fromdoc: str) -> None:
        self.env = env
        self.fromdoc = fromdoc
        self.builder = env._app.builder
        self.anonlabels = env.domains.standard_domain.anonlabels
        self.uris: dict[str, str] = {}

    def _uri(self, doc: str) -> str:
        if doc not in self.uris:
            self.uris[doc] = self.builder.get_relative_uri(self.fromdoc, doc)
        return self.uris[doc]

    def doc(self, doc: str, text: str) -> nodes.Node:
        if doc not in self.env.all_docs:
            return _xref(self.fromdoc, "doc", "/" + doc, text)
        ref = nodes.reference("", "", internal=True)
        ref["refuri"] = self._uri(doc)
        ref += nodes.inline(text, text, classes=["doc"])
        return ref

    def ref(self, label: str, text: str) -> nodes.Node:
        doc, anchor = self.anonlabels.get(label, ("", ""))
        if not doc:
            return _xref(self.fromdoc, "ref", label, text)
        ref = nodes.reference("", "", internal=True)
        if doc == self.fromdoc:
            ref["refid"] = anchor
        else:
            ref["refuri"] = self._uri(doc) + ("#" + anchor if anchor else "")
        ref += nodes.inline(text, text, classes=["std", "std-ref"])
        return ref


def _chapter_pages(env: BuildEnvironment, chapter_index: str) -> list[str]:
    pages = [chapter_index]
    pages += env.toctree_includes.get(chapter_index, [])
    return pages


def _xref(fromdoc: str, reftype: str, target: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype=reftype, reftarget=target, refexplicit=True, refwarn=True, refdoc=fromdoc
    )
    ref += nodes.inline(text=text, classes=["std", f"std-{reftype}"])
    return ref


# --- directives for hand-written pages ---------------------------------------


class BookChapters(TocTree):
    """The book's contents: each essay with its author and reading time, in seed order: ``{book-chapters}``.

    The chapters are also a (hidden) toctree, which gives the book its order,
    its sidebar and its previous and next links.
    """

    has_content = False

    def run(self) -> list[nodes.Node]:
        _users(self.env, "chapters").add(self.env.docname)
        _users(self.env, "contents").add(self.env.docname)
        state = _state(self.env)
        self.content = StringList(["/" + doc for doc in state.chapters], source="book-chapters")
        self.options["hidden"] = True
        toc = super().run()
        listing = nodes.bullet_list(classes=["book-contents"])
        for doc, author, minutes in state.contents:
            item = nodes.list_item()
            line = nodes.paragraph()
            line += _doc_ref(self.env.docname, doc)
            line += nodes.inline(text=f" {author} · {minutes} min read", classes=["book-contents-meta"])
            item += line
            listing += item
        return [*toc, listing]


def _doc_ref(fromdoc: str, doc: str) -> addnodes.pending_xref:
    """A link to a page whose title is not known yet (its first build): Sphinx fills the title in."""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + doc, refexplicit=False, refdoc=fromdoc
    )
    ref += nodes.inline(text=doc)
    return ref


class Apparatus(TocTree):
    """A toctree of the editors' apparatus: the generated pages the book has, then those listed: ``{apparatus}``.

    The glossary and sources are always there; the timeline only when the
    editors dated some events, so a hand-written page never links a page
    the book does not have.
    """

    def run(self) -> list[nodes.Node]:
        _users(self.env, "apparatus").add(self.env.docname)
        state = _state(self.env)
        generated = ["/" + state.prefix + name for name in state.apparatus]
        self.content = StringList([*generated, *self.content], source="apparatus")
        return super().run()


class Provenance(SphinxDirective):
    """Where each essay comes from: its author, its first publication, the editors' copy: ``{provenance}``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        _users(self.env, "provenance").add(self.env.docname)
        language = self.config.language or "en"
        out: list[nodes.Node] = []
        for doc, author, date, (title, container, url, relation) in (
            (d, a, dt, pub or ("", "", "", "")) for d, a, dt, pub in _state(self.env).provenance
        ):
            para = nodes.paragraph(classes=["provenance"])
            para += _doc_ref(self.env.docname, doc)
            para += nodes.Text(f", {author_line(author)}," if author else ", author unknown,")
            if container or url or date:
                para += nodes.Text(" was first published")
                if title:
                    para += nodes.Text(" as “")
                    para += nodes.Text(title)
                    para += nodes.Text("”")
                if container:
                    para += nodes.Text(" in ")
                    para += nodes.emphasis(text=container)
                if date:
                    para += nodes.Text(f", {human_date(date, language)}")
                if url:
                    para += nodes.Text(", at ")
                    para += nodes.reference(url, url, refuri=url)
                para += nodes.Text(".")
            else:
                para += nodes.Text(" was received by the editors with no record of an earlier publication.")
            if relation:
                para += nodes.Text(" " + relation.strip())
            out.append(para)
        return out


class SeedTable(SphinxDirective):
    """A table of the seeds: file, title, paragraphs, SHA-256: ``{seed-table}``."""

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        _users(self.env, "seeds").add(self.env.docname)
        table = nodes.table(classes=["seed-table", *self.options.get("class", [])])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (20, 35, 10, 35):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row("Seed file", "Title", "Paragraphs", "SHA-256", code=())
        group += head
        body = nodes.tbody()
        for name, title, sha, count in _state(self.env).seeds:
            body += _row(name, title, str(count), sha, code=(0, 3))
        group += body
        return [table]


def _row(*cells: str, code: tuple[int, ...]) -> nodes.row:
    row = nodes.row()
    for i, text in enumerate(cells):
        entry = nodes.entry()
        entry += nodes.paragraph("", "", nodes.literal(text=text) if i in code else nodes.Text(text))
        row += entry
    return row


def index_glossary_terms(app: Sphinx) -> None:
    """List glossary terms among search results (Sphinx leaves them out by default).

    The domain instance has its own copy of ``object_types``, so this changes this
    build only; the search page shows each entry's definition as its summary.
    """
    domain = app.env.domains.standard_domain
    term = domain.object_types["term"]
    domain.object_types["term"] = ObjType(term.lname, *term.roles, searchprio=1)


def _no_collection_at_exit() -> None:
    """At the interpreter's exit, leave what is alive to the operating system.

    At exit Python runs its cycle collector over everything still alive (the
    environment's tables of contents, Sphinx's application), which for a
    thousand essays takes most of a second after the build has finished;
    freezing the objects at that point skips it. It happens only when the
    process ends (atexit), so a long-running process that builds books (a test
    session) keeps collecting as usual; files and logs are closed and flushed
    by their own atexit handlers and context managers, not by the collector.
    """
    if not getattr(_no_collection_at_exit, "registered", False):
        atexit.register(gc.freeze)
        _no_collection_at_exit.registered = True  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict[str, Any]:
    _no_collection_at_exit()
    app.add_config_value("essaybook_seeds_dir", "../seeds", "env", types=frozenset({str}))
    app.add_config_value("essaybook_conf_dir", "../conf", "env", types=frozenset({str}))
    app.add_config_value("essaybook_output_dir", "book", "env", types=frozenset({str}))
    app.add_config_value("essaybook_fast_navigation", True, "html", types=frozenset({bool}))
    app.add_config_value("essaybook_nav_max_entries", 20, "html", types=frozenset({int}))
    app.add_config_value("essaybook_nav_neighbours", 5, "html", types=frozenset({int}))
    app.add_config_value("essaybook_pagefind", False, "", types=frozenset({bool}))
    # Which search index the search page loads (essaybook.search). Only the
    # search page and the index files depend on them, and every HTML build
    # writes both: no page needs reading or writing again ("").
    app.add_config_value("essaybook_search", "auto", "", types=ENUM("auto", "whole", "sharded"))
    app.add_config_value("essaybook_search_whole_max", 50_000, "", types=frozenset({int}))
    app.add_directive("book-chapters", BookChapters)
    app.add_directive("provenance", Provenance)
    app.add_directive("apparatus", Apparatus)
    app.add_directive("seed-table", SeedTable)
    app.add_transform(AliasIndex)
    app.add_post_transform(WhereUsed)
    app.add_post_transform(SideNotes)
    app.add_post_transform(TableWrapperIds)
    for builder in ("html", "dirhtml", "singlehtml"):
        app.set_translator(builder, BookHTMLTranslator)
    # The converter places {timeline} on the timeline page: its directive comes with it.
    app.setup_extension("essaybook.figures")
    # ... and {how-to-cite}, at the head of each essay.
    app.setup_extension("essaybook.citing")
    app.connect("config-inited", config_inited)
    app.connect("builder-inited", builder_inited)
    app.connect("builder-inited", index_glossary_terms)
    app.connect("builder-inited", repair_pages)
    app.connect("builder-inited", add_margin_styles)
    app.connect("builder-inited", keep_index_entries)
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("env-before-read-docs", env_before_read_docs)
    app.connect("env-get-updated", env_get_updated)
    app.connect("write-started", write_started)
    app.connect("build-finished", build_finished)
    app.connect("doctree-read", doctree_read)
    app.connect("env-purge-doc", env_purge_doc)
    app.connect("env-merge-info", env_merge_info)
    app.connect("write-started", navigation.write_started)
    # Before furo's handler (priority 500), which calls toctree().
    app.connect("html-page-context", navigation.html_page_context, priority=400)
    app.connect("html-page-context", page_language)
    app.connect("html-page-context", search.html_page_context)
    app.connect("build-finished", search.build_finished)
    # After sphinx-notfound-page's own (400, registered later), before furo's (500).
    app.connect("html-page-context", navigation.notfound_page_context, priority=450)
    app.connect("build-finished", pagefind.build_finished)
    return {
        "version": __version__,
        # What this extension keeps in the environment changes form: Sphinx reads
        # every page again when it differs from the environment's (2: uses as JSON).
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
