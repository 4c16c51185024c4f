"""Python's garbage collector kept off what a build holds to its end.

A build of a thousand essays holds millions of objects for most of its run:
the modules imported, the environment (loaded from its pickle, or grown page
by page), the converted book, the doctrees read. CPython's collector walks
every one of them at each full collection, and a long build triggers dozens,
each longer than the last as the environment grows: at 1,000 essays about
50 s of a 233 s clean build, and 0.75 s of a 4 s edit's build (measured with
``gc.callbacks``).

``gc.freeze()`` is Python's own way to take long-lived objects out of
collection; a collection then walks only what is newer than the last freeze.
So from the start of the reading the collector is paused, and runs only
between pages, every ``COLLECT_EVERY`` pages read: it frees what those pages
dropped and the rest (the environment so far, the doctrees read) is frozen.
Each object is walked once, not at every full collection while it lives.

An edit's build (at most ``KEEP_FROZEN_MAX`` pages read) then writes with the
collector paused: it makes the search index, its pieces and a few pages from
the whole environment, and each full collection walked all of that (at 1,000
essays four of them, 0.3 s of a seed's edit). A page written leaves its
doctree in cycles only the collector frees, so the pause lasts
``KEEP_FROZEN_MAX`` pages written: a build that writes more (a template
changed: every page, none read) has the collector back from there.

A long build that writes page by page, one page after the other (the
``html`` builder without ``-j``), keeps everything frozen and the collector
paused while it writes, running it every ``COLLECT_EVERY`` pages written; the
doctree of each page, once written, is torn down (:func:`tear_down`: its
nodes drop their references), so it is freed without a collection although
it was frozen with the rest, and so are the continuation pages' nodes
(:mod:`.paging`). Any other long build (parallel writing, the EPUB, the PDF's
one document) hands everything back to the collector before it writes.
At 1,000 essays, ``-j 1``, the collections took 68 s of a 232 s clean build
and now take 6 s (the reading's 3 s) of 148 s; the peak memory went from
1.6 GB to 2.0 GB.

At the end of the build ``gc.unfreeze()`` hands everything back and a pause
ends: the process is left as it was found, and one that goes on (a test run)
frees what it drops. All of it happens inside Sphinx's build, which ends with
``build-finished`` even when it fails.

``make html``'s own process (:mod:`.build`) ends with its build, and asks for
more (:func:`for_a_process_that_ends_with_the_build`): no collection while
Sphinx sets up and loads the environment from its pickle, which makes no
garbage, only objects that live to the end (at 1,000 essays two full
collections, 0.3 s of an edit's build), then, as the builder starts, a freeze
of all of it, so the conversion's collections walk only what the conversion
makes; and at the end what the build leaves is frozen, not collected (see
:mod:`.build`).
"""

from __future__ import annotations

import gc
from typing import Any

from sphinx.application import Sphinx

__all__ = [
    "build_finished",
    "builder_inited",
    "doctree_resolved",
    "env_before_read_docs",
    "env_purge_doc",
    "env_updated",
    "for_a_process_that_ends_with_the_build",
    "html_collect_pages",
    "tear_down",
    "the_process_goes_on",
    "write_started",
]

# Pages this build reads, has passed between while reading, and has written; whether this module
# paused the collector, and whether the process ends with the build (and is still setting it up).
_STATE: dict[str, Any] = {
    "between": 0,
    "reading": 0,
    "written": 0,
    "paused": False,
    "process_ends": False,
    "setting_up": False,
    "tear_down": False,  # a long build writing page by page: each page's doctree torn down once written
    "last": None,  # the doctree of the page being written
}
# While the collector is paused, it runs every so many pages read or written: each run walks
# what those pages made, once (what lives on is frozen after it), and their garbage waits no longer.
COLLECT_EVERY = 10
# The builders that write a page per doctree, which nothing reads once the page is written.
PAGE_BY_PAGE = frozenset({"html", "dirhtml"})

# An edit's build reads a few pages: their doctrees may stay frozen until the end;
# and writes a few: their garbage may wait for the end.
KEEP_FROZEN_MAX = 50


def _collect_and_freeze() -> None:
    # A full collection walks only what is not frozen: what is newer than the last freeze.
    gc.collect()
    gc.freeze()


def _count(key: str) -> int:
    """One more page read or written: every ``COLLECT_EVERY``, collect what the last ones dropped, freeze the rest."""
    _STATE[key] += 1
    if _STATE[key] % COLLECT_EVERY == 0:
        _collect_and_freeze()
    return _STATE[key]


def _pause() -> None:
    if gc.isenabled():
        gc.disable()
        _STATE["paused"] = True


def _resume() -> None:
    # Only a pause of this module's ends here: a process that turned the collector off keeps it off.
    if _STATE["paused"]:
        gc.enable()
        _STATE["paused"] = False


def for_a_process_that_ends_with_the_build() -> None:
    """Pause the collector until the builder starts, and keep frozen at the end what is frozen then.

    Only for a process that ends when the build does (:mod:`.build`); it calls
    :func:`the_process_goes_on` after the build, whatever happened, so nothing
    of this outlives it.
    """
    _STATE["process_ends"] = True
    _STATE["setting_up"] = gc.isenabled()
    _pause()


def the_process_goes_on() -> None:
    """Undo :func:`for_a_process_that_ends_with_the_build`: a pause not ended yet ends."""
    if _STATE["setting_up"]:
        _STATE["setting_up"] = False
        _resume()
    _STATE["process_ends"] = False


def builder_inited(app: Sphinx) -> None:
    """The set-up is over: freeze what it made (the environment loaded among it), and collect again."""
    if _STATE["setting_up"]:
        _STATE["setting_up"] = False
        gc.freeze()
        _resume()


def env_before_read_docs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """The reading starts: freeze what exists, and pause the collector (it runs between pages).

    Not with ``-j``: the pages may then be read in processes forked from this
    one, which would inherit the pause and never collect.
    """
    _STATE["reading"] = len(docnames)
    _STATE["between"] = 0
    gc.freeze()
    if getattr(app, "parallel", 1) <= 1:
        _pause()


def env_purge_doc(app: Sphinx, env: Any, docname: str) -> None:
    """Between two pages read, every ``COLLECT_EVERY``: collect what the last ones dropped, freeze the rest."""
    _count("between")


def env_updated(app: Sphinx, env: Any) -> list[str]:
    """Every page read: freeze what the build holds for the writing (:func:`write_started` may hand it back)."""
    _STATE["written"] = 0
    _collect_and_freeze()
    _pause()
    return []


def write_started(app: Sphinx, builder: Any) -> None:
    """The writing starts: a long build keeps what it holds frozen only if it can tear its pages down.

    It can when it writes one page after the other in this process: not with
    ``-j``, where this process resolves the pages and forked writers write
    them (even if Sphinx then writes serially, for an extension not safe in
    parallel: everything is handed back then, as before).
    """
    if _STATE["reading"] <= KEEP_FROZEN_MAX:
        return
    if builder.name in PAGE_BY_PAGE and app.parallel <= 1:
        # Each page's doctree is torn down once written (doctree_resolved): freed by its references, frozen or not.
        _STATE["tear_down"] = True
    else:
        gc.unfreeze()
        _resume()


def doctree_resolved(app: Sphinx, doctree: Any, docname: str) -> None:
    """A page is being written: the page before it is written (serial writing), and may be torn down."""
    if _STATE["tear_down"]:
        _tear_down_last()
        _STATE["last"] = doctree
        # What the last pages' writing left (the writer's cycles) is freed; what lives on is frozen.
        _count("written")
    else:
        _STATE["written"] += 1
        if _STATE["written"] > KEEP_FROZEN_MAX:
            _resume()


def tear_down(tree: Any) -> None:
    """Drop every attribute of every node of a tree no one will read again, its parent and children among them.

    A doctree is a web of cycles (parents and children, the document and its
    index of ids), so only a collection frees it, one that walks everything
    not frozen. Without its references each node is freed as soon as nothing
    else refers to it, frozen or not.
    """
    for node in list(tree.findall()):
        node.__dict__.clear()


def _tear_down_last() -> None:
    last, _STATE["last"] = _STATE["last"], None
    if last is not None:
        tear_down(last)


def html_collect_pages(app: Sphinx) -> list[Any]:
    """Every page is written (the builder's extra pages come next): the last one's doctree is torn down.

    A long build's collector stays paused to its end: the next collection
    would walk what the last pages hold for their continuation pages (5 s at
    1,000 essays: the glossary's), which :mod:`.paging` tears down once each
    is written; it would free 70 MB of the 2 GB such a build holds.
    """
    _tear_down_last()
    return []


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Hand every object back to the collector, and stop watching it: the process is as it was.

    Unless the process ends with the build: then what is not frozen yet is
    frozen as it is, uncollected (a long build's last pages, continuation
    pages and search index: 7 s of walking at 1,000 essays, to free what the
    exit frees anyway).
    """
    _tear_down_last()
    _STATE["tear_down"] = False
    _resume()
    if _STATE["process_ends"]:
        gc.freeze()
    else:
        gc.unfreeze()
