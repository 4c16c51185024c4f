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
from docutils import nodes
from docutils.utils import new_document

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


def _start_writing(builder: str = "html", parallel: int = 1) -> None:
    """The reading over, the writing starts, as Sphinx calls the two (only the parts they read)."""
    collector.env_updated(None, None)
    collector.write_started(SimpleNamespace(parallel=parallel), SimpleNamespace(name=builder))


def test_the_reading_is_done_with_the_collector_paused_and_what_exists_frozen() -> None:
    collector.env_before_read_docs(SimpleNamespace(parallel=1), None, ["a"])
    assert gc.get_freeze_count() > 0
    assert not gc.isenabled()


def test_pages_read_in_parallel_are_read_with_the_collector_on() -> None:
    # Forked from this process, the readers would inherit a pause and never collect.
    collector.env_before_read_docs(SimpleNamespace(parallel=2), None, ["a"])
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("pages_read", "builder", "parallel", "frozen_while_writing", "torn_down"),
    [
        (0, "html", 1, True, False),
        (1, "html", 1, True, False),
        (collector.KEEP_FROZEN_MAX, "html", 2, True, False),
        # A long build writing page by page: frozen, each page torn down once written.
        (collector.KEEP_FROZEN_MAX + 1, "html", 1, True, True),
        (collector.KEEP_FROZEN_MAX + 1, "dirhtml", 1, True, True),
        # Any other long build: everything handed back before the writing.
        (collector.KEEP_FROZEN_MAX + 1, "html", 2, False, False),
        (collector.KEEP_FROZEN_MAX + 1, "epub", 1, False, False),
        (collector.KEEP_FROZEN_MAX + 1, "latex", 1, False, False),
    ],
)
def test_what_waits_to_be_written_stays_frozen_unless_a_long_build_cannot_free_its_pages(
    pages_read: int, builder: str, parallel: int, frozen_while_writing: bool, torn_down: bool
) -> None:
    collector.env_before_read_docs(None, None, [f"p{i}" for i in range(pages_read)])
    _start_writing(builder, parallel)
    assert (gc.get_freeze_count() > 0) is frozen_while_writing
    # Frozen, the writing is done with the collector paused (run every COLLECT_EVERY pages); thawed, it is not.
    assert gc.isenabled() is not frozen_while_writing
    assert collector._STATE["tear_down"] is torn_down


def test_an_edits_writing_has_the_collector_back_after_a_few_pages() -> None:
    collector.env_before_read_docs(None, None, ["edited"])
    _start_writing()
    for page in range(collector.KEEP_FROZEN_MAX):
        collector.doctree_resolved(None, None, f"p{page}")
        assert not gc.isenabled(), f"collector back after {page + 1} pages written"
    # A build that writes every page (a template changed) frees their garbage from here.
    collector.doctree_resolved(None, None, "one-more")
    assert gc.isenabled()


def _doctree(name: str) -> nodes.document:
    doctree = new_document(name)
    section = nodes.section(ids=[name])
    section += nodes.paragraph(text=f"The page {name}.")
    doctree += section
    doctree.note_explicit_target(section)
    return doctree


def test_a_long_builds_pages_are_torn_down_once_written_and_freed_without_a_collection() -> None:
    collector.env_before_read_docs(None, None, [f"p{i}" for i in range(collector.KEEP_FROZEN_MAX + 1)])
    first, second = _doctree("first"), _doctree("second")
    gc.freeze()  # as the reading leaves them
    gone = weakref.ref(first[0][0])
    _start_writing()
    collector.doctree_resolved(None, first, "first")
    assert len(first.children) == 1, "a page was torn down before it was written"
    # The next page is being written: the one before it is written, and torn down.
    collector.doctree_resolved(None, second, "second")
    assert not first.__dict__ and len(second.children) == 1
    assert gone() is None, "a written page's node outlived it, frozen"
    assert not gc.isenabled()
    # The builder's extra pages come after the last one: it is torn down too.
    collector.html_collect_pages(None)
    assert not second.__dict__


def test_a_long_builds_writing_collects_every_few_pages(monkeypatch) -> None:
    # Counted on a stand-in: the real frozen count also falls whenever a frozen object is freed.
    calls: list[str] = []
    stand_in = SimpleNamespace(
        collect=lambda: calls.append("collect"), freeze=lambda: calls.append("freeze"), isenabled=lambda: False
    )
    collector._STATE.update(written=0, tear_down=True)
    monkeypatch.setattr(collector, "gc", stand_in)
    for page in range(collector.COLLECT_EVERY - 1):
        collector.doctree_resolved(None, _doctree(f"p{page}"), f"p{page}")
    assert calls == []
    collector.doctree_resolved(None, _doctree("last"), "last")
    assert calls == ["collect", "freeze"]


def test_the_end_of_an_edits_build_has_the_collector_back() -> None:
    collector.env_before_read_docs(None, None, [])
    _start_writing()
    assert not gc.isenabled()
    collector.build_finished(None, None)
    assert gc.isenabled()


def test_a_process_that_turned_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        collector.env_before_read_docs(None, None, [])
        _start_writing()
        for page in range(collector.KEEP_FROZEN_MAX + 1):
            collector.doctree_resolved(None, None, f"p{page}")
        collector.build_finished(None, None)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_between_pages_read_the_collector_runs_every_few_pages(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        collector, "gc", SimpleNamespace(collect=lambda: calls.append("collect"), freeze=lambda: calls.append("freeze"))
    )
    collector._STATE["between"] = 0
    for _ in range(collector.COLLECT_EVERY - 1):
        collector.env_purge_doc(None, None, "next")
    assert calls == []
    collector.env_purge_doc(None, None, "next")
    assert calls == ["collect", "freeze"]


def test_between_pages_garbage_is_collected_not_frozen() -> None:
    collector.env_before_read_docs(None, None, ["a", "b"])
    dropped = Cycle()
    gone = weakref.ref(dropped)
    del dropped
    for _ in range(collector.COLLECT_EVERY):
        collector.env_purge_doc(None, None, "next")
    assert gone() is None, "garbage was frozen instead of collected"
    assert gc.get_freeze_count() > 0


def test_the_end_of_the_build_hands_everything_back() -> None:
    collector.env_before_read_docs(None, None, [])
    collector.build_finished(None, None)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


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


def test_a_long_build_tearing_its_pages_down_writes_what_any_build_writes(tmp_path, make_app, monkeypatch) -> None:
    """Every page read is a long build's here; each page's doctree, and each continuation page's, is torn down."""
    sys.path.insert(0, str(Path(__file__).parent / "bench"))
    from corpus import make_corpus

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = Path(__file__).parents[1]
    built: dict[str, Path] = {}
    modes: dict[str, set[bool]] = {}
    # A long build written in parallel (forked writers write what this process resolved) tears nothing down.
    for name, keep, parallel in (("edit", collector.KEEP_FROZEN_MAX, 1), ("long", 0, 1), ("parallel", 0, 2)):
        work = make_corpus(tmp_path / name, 6)
        shutil.copytree(root / "docs", work / "docs", ignore=lambda d, n: {"book", "_build"} & set(n))
        monkeypatch.setattr(collector, "KEEP_FROZEN_MAX", keep)
        monkeypatch.setattr(collector, "COLLECT_EVERY", 2)
        app = make_app(
            "html",
            srcdir=work / "docs",
            freshenv=True,
            parallel=parallel,
            confoverrides={"essaybook_page_bytes": 3000},
        )
        modes[name] = set()
        app.connect("doctree-resolved", lambda app, *args, m=modes[name]: m.add(collector._STATE["tear_down"]))
        app.build()
        assert app.statuscode == 0
        built[name] = Path(app.outdir)
    assert modes == {"edit": {False}, "long": {True}, "parallel": {False}}
    assert list(built["long"].rglob("*-page-*.html")), "nothing was cut: the continuation pages would go untested"
    files = {
        name: {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        for name, out in built.items()
    }
    for name in ("long", "parallel"):
        assert sorted(files[name]) == sorted(files["edit"]), name
        assert [p for p in files["edit"] if p != ".buildinfo" and files[name][p] != files["edit"][p]] == [], name
