"""Python's garbage collector kept off what a build holds to its end.

A build of a thousand essays holds millions of objects for most of its run:
the modules imported, the environment (loaded from its pickle, or grown page
by page), the converted book. CPython's collector walks every one of them at
each full collection, and a long build triggers dozens, each longer than the
last as the environment grows: at 1,000 essays about 50 s of a 233 s clean
build, and 0.75 s of a 4 s edit's build (measured with ``gc.callbacks``).

``gc.freeze()`` is Python's own way to take long-lived objects out of
collection; it is called where what exists will live to the end of the
build: when the reading starts (the modules, the loaded environment, the
converted book), between two pages read once a full collection has run
(collecting first, so the page just read, now garbage, is freed: what is left
is the environment so far), and when every page is read. Full collections
then walk only what is newer than the last freeze. All of it happens inside
Sphinx's build, which ends with ``build-finished`` even when it fails.

Sphinx keeps each page's doctree in memory from its reading to its writing.
An edit's build reads a few pages, and what it holds is frozen for the
writing too; when more than ``KEEP_FROZEN_MAX`` pages were read, everything is
handed back to the collector before the writing: frozen, what the writing
drops would outlive it until the build ends (measured: a clean build's peak
memory grew by a half, even with Sphinx's doctrees read back one by one).
At 1,000 essays a clean build's collections now take 39 s instead of 50 s
(the reading's 8 s), a note's edit 0.6 s instead of 0.75 s (with the memo read
while the collector is paused, :mod:`essaybook.core.memo`).

An edit's writing is also done with the collector paused: it makes the
search index, its pieces and a few pages from the whole environment (loaded
as the writing starts, after the freeze), and each full collection then
walked all of that: at 1,000 essays four of them, 0.3 s of a seed's edit. A
page written holds its doctree in a cycle only the collector frees, so the
pause lasts ``KEEP_FROZEN_MAX`` pages written: a build that writes more (a
template changed: every page, none read) has the collector back from there.

At the end of the build ``gc.unfreeze()`` hands everything back, a pause ends
and so does the watch on full collections: the process is left as it was found, and one that
goes on (a test run) frees what it drops. (What the end of a ``make html``
process saves is :mod:`.build`'s.)

``make html``'s own process (:mod:`.build`) ends with its build, and asks for
more (:func:`for_a_process_that_ends_with_the_build`): no collection while
Sphinx sets up and loads the environment from its pickle, which makes no
garbage, only objects that live to the end (at 1,000 essays two full
collections, 0.3 s of an edit's build), then, as the builder starts, a freeze
of all of it, so the conversion's collections walk only what the conversion
makes; and what is frozen at the end stays frozen, so the last collection
(:func:`.build.leave_to_the_system`) walks only what is newer (0.2 to 0.3 s).
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
    "the_process_goes_on",
]

# Whether a full collection ran since the last freeze, how many pages this build reads and
# has written, whether this module paused the collector, and whether the process ends with
# the build (and is still setting it up).
_STATE: dict[str, Any] = {
    "collected": False,
    "reading": 0,
    "written": 0,
    "paused": False,
    "process_ends": False,
    "setting_up": False,
}

# An edit's build reads a few pages: their doctrees may stay frozen until the end;
# and writes a few: their garbage may wait for the end.
KEEP_FROZEN_MAX = 50


def _after_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        _STATE["collected"] = True


def _collect_and_freeze() -> None:
    # A full collection walks only what is not frozen: what is newer than the last freeze.
    gc.collect()
    gc.freeze()
    _STATE["collected"] = False


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
    """The reading starts: freeze what exists, and watch for full collections until the build ends."""
    _STATE["reading"] = len(docnames)
    _STATE["collected"] = False
    gc.freeze()
    if _after_collection not in gc.callbacks:
        gc.callbacks.append(_after_collection)


def env_purge_doc(app: Sphinx, env: Any, docname: str) -> None:
    """Between two pages read, after a full collection: collect the last page's doctree, freeze the rest."""
    if _STATE["collected"]:
        _collect_and_freeze()


def env_updated(app: Sphinx, env: Any) -> list[str]:
    """Every page read: freeze what the build holds for the writing, unless many pages wait to be written."""
    _STATE["written"] = 0
    if _STATE["reading"] > KEEP_FROZEN_MAX:
        gc.unfreeze()
    else:
        _collect_and_freeze()
        _pause()
    return []


def doctree_resolved(app: Sphinx, doctree: Any, docname: str) -> None:
    """A page is being written: past ``KEEP_FROZEN_MAX`` of them, the collector frees their garbage again."""
    _STATE["written"] += 1
    if _STATE["written"] > KEEP_FROZEN_MAX:
        _resume()


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Hand every object back to the collector, and stop watching it: the process is as it was."""
    while _after_collection in gc.callbacks:
        gc.callbacks.remove(_after_collection)
    _resume()
    # Sphinx purges removed pages before the next build's reading starts: no freeze from this build's flag.
    _STATE["collected"] = False
    if not _STATE["process_ends"]:
        gc.unfreeze()
