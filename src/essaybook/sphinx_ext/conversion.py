"""The conversion inside the Sphinx build: seeds and ``conf/`` to pages, before Sphinx reads any.

Read the Docs runs plain ``sphinx-build`` without ``make``, so conversion has
to happen inside Sphinx: at ``config-inited`` ``conf/book.toml`` is read (it
fills the book's title, authors, version and copyright), and at
``builder-inited``, before Sphinx looks for source files, the seeds and
``conf/`` are converted by :mod:`essaybook.core.pipeline` and the pages
written (only those that changed). A build whose inputs are as the last
conversion left them converts nothing: the result is kept in the memo.

The conversion's facts that pages show (the chapters, their titles, authors
and reading times, the seeds' checksums) are kept per build environment in a
:class:`State` that the directives, the glossary and the incremental
bookkeeping read. What the extension keeps in the (pickled) environment is
set up here too, and purged and merged for parallel reads; and each generated
page is checked to hold only what the converter means to emit, in case
escaping ever fails: defence in depth for untrusted text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..core import how_to_cite as citation
from ..core.edition import Book as BookMeta
from ..core.edition import load_book
from ..core.memo import MEMO_FOLDER, Memo, digest
from ..core.pipeline import Book, build_book, input_stats, seed_files
from ..core.problems import ProblemsError
from ..core.reading import human_date, reading_minutes
from ..core.releases import History
from ..core.render import APPARATUS, UNKNOWN_AUTHOR, author_line, chapter_docs, names
from ..core.rights import BookRights, book_rights
from ..core.write import MANIFEST, write_pages
from .config import set_default
from .errors import fail

logger = logging.getLogger(__name__)

__all__ = ["Seen", "State", "book_authors", "book_metadata", "state_of", "users"]


@dataclass
class Seen:
    """What one builder, writing into one folder, last wrote from this environment.

    Builders share the environment (one doctrees folder), but each writes its
    own output: an HTML build after an EPUB build must still know which of
    its own pages show what the EPUB build read. So every record of "what the
    last build wrote" is kept per builder, and what a build reads or removes
    is noted for every other builder until it writes.
    """

    nav: str | None = None  # the navigation digest its pages show
    tocs: dict[str, str] = field(default_factory=dict)  # per page: its title and contents, as its parents show them
    where: dict[str, str] = field(default_factory=dict)  # per page: what the glossary's "Used in" shows of it
    citations: str | None = None  # what its pages' citations show
    rights: str | None = None  # the rights its pages' footers state (essaybook.sphinx_ext.notices)
    seeds: str | None = None  # what its pages' tables of seeds show (essaybook.sphinx_ext.directives)
    read_since: set[str] = field(default_factory=set)  # pages other builders read since it last wrote
    removed_since: set[str] = field(default_factory=set)  # pages removed since it last wrote


@dataclass
class State:
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
    rights: BookRights  # the essays' and the editors' rights statements
    convert: Callable[[], Book]  # the conversion, if the build needs the book and it was not made
    changed: set[str] = field(default_factory=set)
    # The pages this builder's output may show stale: read in this build, or by another
    # builder since this one last wrote (essaybook.sphinx_ext.incremental).
    reread: set[str] = field(default_factory=set)
    new_tocs: set[str] = field(default_factory=set)  # of those, the pages whose title or contents changed
    seen: Seen | None = None  # what this builder last wrote, kept in the environment
    nav_digest: str = ""  # every title and toctree of the book, as this build writes them
    files_to_rebuild: dict[str, set[str]] | None = None  # Sphinx's own table, while this build narrows it
    builder: Any = None  # this build's builder, for what transforms make as it would (relative links)
    converted: Book | None = None

    @property
    def book(self) -> Book:
        """The converted book: only pages being read need it (term uses, the glossary's aliases, the timeline)."""
        if self.converted is None:
            self.converted = self.convert()
        return self.converted


def _facts(book: Book, prefix: str, base: str) -> dict[str, Any]:
    """What the pages of the book and the hand-written ones show of the conversion, for :class:`State`."""
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
        "rights": book_rights(edition, book.chapters),
    }


@dataclass(frozen=True)
class _Converted:
    """A conversion's result as Sphinx uses it, kept in the memo while none of its inputs changes.

    While the seeds, ``conf/`` and the generated pages are as the last
    conversion left them (:func:`essaybook.core.pipeline.input_stats`), a build
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
_STATES: WeakKeyDictionary[BuildEnvironment, State] = WeakKeyDictionary()


def state_of(env: BuildEnvironment) -> State:
    return _STATES[env]


# --- configuration and conversion ---------------------------------------------


def paths(app: Sphinx) -> tuple[Path, Path, Path]:
    confdir = Path(app.confdir)
    return (
        (confdir / app.config.essaybook_seeds_dir).resolve(),
        (confdir / app.config.essaybook_conf_dir).resolve(),
        (Path(app.srcdir) / app.config.essaybook_output_dir).resolve(),
    )


def project_root(app: Sphinx) -> Path:
    """The folder problem locations are relative to: the project's root."""
    return Path(app.confdir).resolve().parent


@dataclass(frozen=True)
class _Front:
    book: BookMeta
    authors: list[str]  # the essays' authors, each once, in reading order
    memo: Memo  # what the last conversion computed, beside the doctrees (essaybook.core.memo)
    history: History  # where the previous release is read (essaybook.core.releases)
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


def config_inited(app: Sphinx, config: Any) -> None:
    """Take the book's title, authors, version and the editors' copyright from ``conf/book.toml``."""
    seeds_dir, conf_dir, out_dir = paths(app)
    memo = Memo(Path(app.doctreedir) / MEMO_FOLDER)
    history = History(conf_dir, seeds_dir, os.path.relpath(conf_dir, project_root(app)))
    # Taken before anything is read: a file written while this build reads it
    # then differs from what is recorded, and the next build converts again.
    # The previous release is an input too: a tag fetched or a snapshot written changes the book.
    inputs = digest(
        input_stats(seeds_dir, conf_dir),
        history.fingerprint(),
        str(seeds_dir),
        str(conf_dir),
        str(out_dir),
        str(project_root(app)),
    )
    last = memo.get(_CONVERTED, inputs)
    if last is not None and _page_stats(out_dir, last.pages) == last.pages:
        book, authors = last.book, last.authors
    else:
        last = None
        try:
            front = load_book(conf_dir, os.path.relpath(conf_dir, project_root(app)), memo)
        except ProblemsError as err:
            raise fail(err) from None
        book = front.book
        authors = front.authors(p.name for p in seed_files(seeds_dir))
    _BOOKS[app] = _Front(book, authors, memo, history, inputs, last)
    for name, value in (
        ("project", book.title),
        ("author", names(authors) or UNKNOWN_AUTHOR),
        # Sphinx's own copyright line names the editors' rights only; the pages say whose the essays are.
        ("copyright", f"{book.rights.year}, {book.rights.holder}"),
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


def builder_inited(app: Sphinx) -> None:
    seeds_dir, conf_dir, out_dir = paths(app)
    front = _BOOKS[app]
    memo = front.memo
    prefix = str(app.config.essaybook_output_dir).strip("/") + "/"

    def convert() -> Book:
        try:
            return build_book(seeds_dir, conf_dir, project_root(app), memo, front.history)
        except ProblemsError as err:
            raise fail(err) from None

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
            raise fail(err) from None
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
    # (essaybook_builds: a Seen per builder and output folder.)
    names = ("essaybook_uses", "essaybook_users", "essaybook_facts", "essaybook_builds", "essaybook_toctrees")
    for name in names:
        if not hasattr(app.env, name):
            setattr(app.env, name, {})
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False
    _STATES[app.env] = State(**converted.facts, convert=convert, converted=book, builder=app.builder)


def _provenance(chapter) -> tuple[str, str, tuple[str, ...]]:
    conf = chapter.conf
    pub = conf.first_published if conf else None
    author = conf.author if conf else ""
    if pub is None:
        return author, "", ()
    return author, pub.date, (pub.title, pub.container, pub.url, pub.relation)


def env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Convert the book before any page is read, if any is."""
    if docnames:
        # Reading needs the book; converted here, before parallel readers are forked, it is done once.
        _ = state_of(env).book


# --- what the environment keeps ------------------------------------------------


_ALLOWED = (nodes.paragraph, nodes.Text, nodes.target, addnodes.pending_xref, nodes.inline, nodes.footnote_reference)


def check_generated(app: Sphinx, doctree: nodes.document) -> None:
    """Warn if an essay's text on a generated page holds anything the converter never emits."""
    if not app.env.docname.startswith(state_of(app.env).prefix):
        return
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


def env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.essaybook_uses.pop(docname, None)
    env.essaybook_toctrees.pop(docname, None)
    for kept in env.essaybook_users.values():
        kept.discard(docname)


def env_merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = other.essaybook_uses
    env.essaybook_uses.update({d: theirs[d] for d in docnames if d in theirs})
    toctrees = other.essaybook_toctrees
    env.essaybook_toctrees.update({d: toctrees[d] for d in docnames if d in toctrees})
    for kind, kept in other.essaybook_users.items():
        mine = users(env, kind)
        mine.update(kept & docnames)


def users(env: BuildEnvironment, kind: str) -> set[str]:
    """The pages that show a kind of the conversion's facts (their directives record them)."""
    return env.essaybook_users.setdefault(kind, set())
