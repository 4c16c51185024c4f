"""What a build reads and writes again after an edit: only what shows the edit.

Sphinx re-reads the pages whose source changed and writes those it re-read,
plus, by its own rules, pages whose toctree lists one of them. The book adds
what Sphinx cannot know: hand-written pages whose directives show the
conversion's facts (read again when those facts change, or, for the table
of seeds, written again), every page when the navigation changed (titles,
toctrees) or the rights its footer states, the glossary when its "Used in"
lists changed, and no parent page when only an essay's text changed. Built
pages of a removed essay are deleted, since Sphinx never deletes output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..core.memo import digest
from ..core.render import GLOSSARY
from ..core.write import prune_empty_parents
from . import navigation
from .conversion import _STATES, Seen, State, state_of
from .glossary import where_used_changed

__all__ = [
    "build_finished",
    "builder_key",
    "env_before_read_docs",
    "env_get_outdated",
    "env_get_updated",
    "write_started",
]


def builder_key(app: Sphinx) -> str:
    """Which output a build writes: its builder, and the folder it writes into."""
    return f"{app.builder.name} {Path(app.outdir).resolve()}"


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Delete this builder's output of removed pages; re-read the hand-written pages that show what changed."""
    state = state_of(app.env)
    state.changed = added | changed | removed
    builds: dict[str, Seen] = env.essaybook_builds
    state.seen = seen = builds.setdefault(builder_key(app), Seen())
    for other in builds.values():
        if other is not seen:
            other.removed_since |= removed
    gone = removed | seen.removed_since
    seen.removed_since = set()
    _remove_outputs(app, {doc for doc in gone if doc.startswith(state.prefix) and doc not in env.found_docs})
    users: dict[str, set[str]] = env.essaybook_users
    facts = {
        "chapters": state.chapters,
        "contents": state.contents,
        "provenance": state.provenance,
        "apparatus": state.apparatus,
        "rights": state.rights,
    }
    # Only a digest of each is kept: the facts of a thousand essays would be
    # tens of thousands of objects to load, scan and free at every build.
    digests = {kind: digest(repr(value)) for kind, value in facts.items()}
    old = env.essaybook_facts
    env.essaybook_facts = digests  # type: ignore[attr-defined]
    stale = [kind for kind in digests if old.get(kind) != digests[kind]]
    return sorted({doc for kind in stale for doc in users.get(kind, ()) if doc in env.found_docs})


def env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Note the pages whose output may be stale: those read now, and those other builders read since this one wrote.

    Sphinx writes the pages it reads; a page another builder read (it changed
    then, and the environment now holds it as changed) is written by neither
    Sphinx nor its source's time for this builder, so it is noted here.
    """
    state = state_of(env)
    seen = state.seen
    assert seen is not None, "env-get-outdated comes first"
    for other in env.essaybook_builds.values():
        if other is not seen:
            other.read_since.update(docnames)
    state.reread = set(docnames) | seen.read_since
    seen.read_since = set()


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


def env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write again (without re-reading) the pages that show what changed.

    Every page shows the chapters and their titles (sidebar, previous and next
    links), which Sphinx only refreshes on the pages it re-reads, so when a
    page was added or removed or a title or toctree changed, every page is
    written again, or a page left alone would link a removed essay. An edit
    inside an essay changes none of that. The glossary lists every use of
    every term (:class:`WhereUsed`), so it is written again when what it
    shows of a page read in this build changed: its title, its uses, or
    where their anchors are; not for every edit of an essay. A page with the
    table of seeds is written again when a seed's checksum, title or
    paragraphs changed.
    """
    state = state_of(app.env)
    seen = state.seen
    assert seen is not None, "env-get-outdated comes first"
    # Each record is brought up to date at every build, whatever is written:
    # this builder's next build compares with what this one wrote.
    _note_tocs(env, state, seen)
    used_in_changed = where_used_changed(env, state, seen.where)
    state.nav_digest = navigation.navigation_digest(env)
    nav_changed = seen.nav != state.nav_digest
    seen.nav = state.nav_digest
    # Every page's footer states the rights (essaybook.sphinx_ext.notices).
    rights = digest(repr(state.rights))
    rights_changed = seen.rights != rights
    seen.rights = rights
    # The table of seeds is filled in when its page is written (essaybook.sphinx_ext.directives).
    seeds = digest(repr(state.seeds))
    seeds_changed = seen.seeds != seeds
    seen.seeds = seeds
    if nav_changed or rights_changed:
        return sorted(env.found_docs)
    write = state.reread & env.found_docs
    if seeds_changed:
        write |= env.essaybook_users.get("seeds", set()) & env.found_docs
    glossary = state.prefix + GLOSSARY
    if glossary in env.found_docs and used_in_changed:
        write.add(glossary)
    return sorted(write)


def _note_tocs(env: BuildEnvironment, state: State, seen: Seen) -> None:
    """Find the pages read in this build whose title or table of contents changed.

    Sphinx writes again every page whose toctree lists a page it re-read, in
    case the listed title or sections changed; :func:`write_started` limits
    that to the pages whose title or contents did change.
    """
    tocs = seen.tocs
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
    state.files_to_rebuild = everything = env.files_to_rebuild
    env.files_to_rebuild = {doc: parents for doc, parents in everything.items() if doc in state.new_tocs}


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Put Sphinx's table back whole, so no later build (of any builder) misses a page it lists."""
    state = _STATES.get(app.env)
    if state is not None and state.files_to_rebuild is not None:
        app.env.files_to_rebuild = state.files_to_rebuild
        state.files_to_rebuild = None
