"""The garbage collector kept off what a build holds (essaybook.sphinx_ext.collector).

The functions are called as Sphinx calls them, on the real ``gc`` module, and
one tiny book is built to see them connected: objects frozen while it builds,
its pages written with the collector paused, everything handed back when it ends. And ``make html``'s command
(essaybook.sphinx_ext.build) is Sphinx's, set up with the collector paused and ending with what is alive frozen.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from essaybook.sphinx_ext import collector


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    collector.the_process_goes_on()
    collector.build_finished(None, None)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


class Cycle:
    """Garbage only the collector frees: it refers to itself."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize(
    ("pages_read", "frozen_while_writing"),
    [(0, True), (1, True), (collector.KEEP_FROZEN_MAX, True), (collector.KEEP_FROZEN_MAX + 1, False)],
)
def test_what_waits_to_be_written_is_frozen_only_for_a_few_pages(pages_read: int, frozen_while_writing: bool) -> None:
    collector.env_before_read_docs(None, None, [f"p{i}" for i in range(pages_read)])
    assert gc.get_freeze_count() > 0
    collector.env_updated(None, None)
    assert (gc.get_freeze_count() > 0) is frozen_while_writing
    # An edit's writing (a few pages read) is done with the collector paused; a long build's is not.
    assert gc.isenabled() is not frozen_while_writing


def test_an_edits_writing_has_the_collector_back_after_a_few_pages() -> None:
    collector.env_before_read_docs(None, None, ["edited"])
    collector.env_updated(None, None)
    for page in range(collector.KEEP_FROZEN_MAX):
        collector.doctree_resolved(None, None, f"p{page}")
        assert not gc.isenabled(), f"collector back after {page + 1} pages written"
    # A build that writes every page (a template changed) frees their garbage from here.
    collector.doctree_resolved(None, None, "one-more")
    assert gc.isenabled()


def test_the_end_of_an_edits_build_has_the_collector_back() -> None:
    collector.env_before_read_docs(None, None, [])
    collector.env_updated(None, None)
    assert not gc.isenabled()
    collector.build_finished(None, None)
    assert gc.isenabled()


def test_a_process_that_turned_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        collector.env_before_read_docs(None, None, [])
        collector.env_updated(None, None)
        for page in range(collector.KEEP_FROZEN_MAX + 1):
            collector.doctree_resolved(None, None, f"p{page}")
        collector.build_finished(None, None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_between_pages_nothing_is_done_until_a_full_collection_ran(monkeypatch) -> None:
    # Counted on a stand-in: the real frozen count also falls whenever a frozen object is freed.
    calls: list[str] = []
    monkeypatch.setattr(
        collector, "gc", SimpleNamespace(collect=lambda: calls.append("collect"), freeze=lambda: calls.append("freeze"))
    )
    collector._STATE["collected"] = False
    collector.env_purge_doc(None, None, "next")
    assert calls == []
    collector._STATE["collected"] = True
    collector.env_purge_doc(None, None, "next")
    assert calls == ["collect", "freeze"]
    assert not collector._STATE["collected"]


def test_between_pages_garbage_is_collected_not_frozen() -> None:
    collector.env_before_read_docs(None, None, ["a", "b"])
    dropped = Cycle()
    gone = weakref.ref(dropped)
    del dropped
    collector._STATE["collected"] = True  # as after a full collection while the page was read
    collector.env_purge_doc(None, None, "next")
    assert gone() is None, "garbage was frozen instead of collected"
    assert gc.get_freeze_count() > 0


def test_a_full_collection_is_noticed() -> None:
    collector.env_before_read_docs(None, None, ["a"])
    gc.collect(1)
    assert not collector._STATE["collected"]
    gc.collect()
    assert collector._STATE["collected"]


def test_the_end_of_the_build_hands_everything_back() -> None:
    collector.env_before_read_docs(None, None, [])
    assert collector._after_collection in gc.callbacks
    collector.build_finished(None, None)
    assert gc.get_freeze_count() == 0
    assert collector._after_collection not in gc.callbacks


# Its own copy, read afresh: a build that reads nothing freezes only for its writing.
@pytest.mark.sphinx("html", testroot="book", srcdir="book-collector", freshenv=True)
def test_a_build_freezes_while_it_runs_and_thaws_at_its_end(app) -> None:
    seen: list[int] = []
    writing: list[bool] = []
    app.connect("doctree-read", lambda app, doctree: seen.append(gc.get_freeze_count()))
    app.connect("html-page-context", lambda app, *args: writing.append(gc.isenabled()))
    app.build()
    assert seen and min(seen) > 0
    # The tiny book is an edit's size: its writing is done with the collector paused, until the end.
    assert writing and not any(writing)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert collector._after_collection not in gc.callbacks


def test_make_htmls_build_passes_sphinx_its_arguments_and_exit_code(tmp_path) -> None:
    project = tmp_path / "book"
    shutil.copytree(Path(__file__).parent / "roots" / "test-book", project)
    command = [sys.executable, "-m", "essaybook.sphinx_ext.build", "-q", "-W", "-b", "html"]
    ok = subprocess.run([*command, ".", "_build/html"], cwd=project, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert (project / "_build" / "html" / "index.html").is_file()
    missing = subprocess.run([*command, "no-such-folder", "out"], cwd=project, capture_output=True, text=True)
    assert missing.returncode != 0
    assert "no-such-folder" in missing.stderr


def test_make_htmls_build_ends_with_what_is_alive_frozen(monkeypatch) -> None:
    from essaybook.sphinx_ext import build

    calls: list[list[str]] = []
    monkeypatch.setattr(build, "sphinx_build", lambda argv: calls.append(argv) or 3)
    dropped = Cycle()
    gone = weakref.ref(dropped)
    del dropped
    assert build.main(["-b", "html", "-W", "docs", "out"]) == 3
    assert calls == [["-b", "html", "-W", "docs", "out"]]
    assert gc.get_freeze_count() > 0
    assert gone() is None, "garbage was frozen instead of collected"


def test_a_book_that_fails_to_convert_leaves_nothing_frozen(tmp_path, make_app) -> None:
    from essaybook.sphinx_ext.errors import EssayBookError

    srcdir = tmp_path / "book"
    shutil.copytree(Path(__file__).parent / "roots" / "test-book", srcdir)
    notes = srcdir / "conf" / "notes.toml"
    notes.write_text(notes.read_text("utf-8") + "\n[[notes]]\nid = 1\n", "utf-8")
    with pytest.raises(EssayBookError):
        make_app("html", srcdir=srcdir)
    assert gc.get_freeze_count() == 0
    assert collector._after_collection not in gc.callbacks


def test_make_htmls_process_is_set_up_with_the_collector_paused_and_frozen_as_the_builder_starts() -> None:
    collector.for_a_process_that_ends_with_the_build()
    assert not gc.isenabled()
    alive = Cycle()  # what the set-up made and keeps: the loaded environment
    collector.builder_inited(None)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert not any(o is alive for o in gc.get_objects()), "what the set-up made is not frozen"
    # Once only: a second builder of the same process changes nothing.
    frozen = gc.get_freeze_count()
    collector.builder_inited(None)
    assert gc.isenabled() and gc.get_freeze_count() >= frozen


def test_make_htmls_process_keeps_frozen_at_the_end_what_its_build_froze() -> None:
    collector.for_a_process_that_ends_with_the_build()
    collector.builder_inited(None)
    collector.env_before_read_docs(None, None, ["edited"])
    collector.env_updated(None, None)
    collector.build_finished(None, None)
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    assert collector._after_collection not in gc.callbacks
    # Any other process's build still hands everything back.
    collector.the_process_goes_on()
    collector.build_finished(None, None)
    assert gc.get_freeze_count() == 0


def test_a_set_up_that_never_reaches_the_builder_leaves_the_collector_on() -> None:
    collector.for_a_process_that_ends_with_the_build()
    assert not gc.isenabled()
    collector.the_process_goes_on()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_process_that_turned_the_collector_off_keeps_it_off_through_the_set_up() -> None:
    gc.disable()
    try:
        collector.for_a_process_that_ends_with_the_build()
        collector.builder_inited(None)
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
        collector.the_process_goes_on()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_make_htmls_build_runs_sphinx_with_the_set_up_paused_and_leaves_nothing_of_it(monkeypatch) -> None:
    from essaybook.sphinx_ext import build

    during: list[bool] = []
    monkeypatch.setattr(build, "sphinx_build", lambda argv: during.append(gc.isenabled()) or 0)
    assert build.main(["docs", "out"]) == 0
    assert during == [False]
    assert gc.isenabled() and not collector._STATE["process_ends"]

    def fails(argv: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "sphinx_build", fails)
    with pytest.raises(KeyboardInterrupt):
        build.main(["docs", "out"])
    assert gc.isenabled() and not collector._STATE["process_ends"]


def test_make_htmls_process_builds_a_book_frozen_from_its_builder_to_its_end(tmp_path, make_app) -> None:
    srcdir = tmp_path / "book"
    shutil.copytree(Path(__file__).parent / "roots" / "test-book", srcdir)
    collected: list[int] = []
    watch = lambda phase, info: phase == "stop" and collected.append(info["generation"])  # noqa: E731
    gc.callbacks.append(watch)
    collector.for_a_process_that_ends_with_the_build()
    try:
        app = make_app("html", srcdir=srcdir, freshenv=True)
        # Sphinx set itself up without a collection, and its builder froze what that made.
        assert collected == []
        assert gc.isenabled() and gc.get_freeze_count() > 0
        app.build()
        assert app.statuscode == 0
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(watch)
        collector.the_process_goes_on()
