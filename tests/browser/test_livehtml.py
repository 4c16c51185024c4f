"""``make livehtml``: an editor saves a note or a seed, and the open page shows the change by itself.

The Makefile's own sphinx-autobuild command (live_preview.py) runs on a copy of
the project, on a free port on 127.0.0.1. Chromium opens the pages that show a
note and the essay's last paragraph; the test edits ``conf/notes.toml``, then
the seed, in the copy, and waits, never reloading, until each page shows the new
words. It also checks that each save caused one build: the converter's output
folder (docs/book) must not set off builds of its own.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_preview import LiveServer, append_to_seed, last_words, live_server, page_holding, wait_for_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from sitebuild import copy_project

    project = copy_project(tmp_path_factory.mktemp("live"))
    with live_server(project) as server:
        yield server


def _settled_builds(server: LiveServer, quiet: float = 3.0, timeout: float = 60) -> int:
    """The number of finished builds once none has started for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last = (server.log().count("Rebuilding..."), server.builds())
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = (server.log().count("Rebuilding..."), server.builds())
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet and now[0] + 1 == now[1]:
            return now[1]
    raise AssertionError(f"builds never settled:\n{server.log()[-3000:]}")


def test_a_saved_note_and_a_saved_seed_show_on_the_open_page(browser, live):
    out = live.project / "_build" / "livehtml"
    (seed,) = sorted((live.project / "seeds").glob("*.txt"))
    notes_file = live.project / "conf" / "notes.toml"
    first_note = tomllib.loads(notes_file.read_text("utf-8"))["notes"][0]
    note_page = page_holding(out, first_note["anchor"])
    end_page = page_holding(out, last_words(seed))
    builds = _settled_builds(live)

    context = browser.new_context(base_url=live.url)
    try:
        tabs = {}
        for path in {note_page, end_page}:
            tabs[path] = context.new_page()
            tabs[path].goto(path)
        reloads = {path: [] for path in tabs}
        for path, tab in tabs.items():
            tab.on("framenavigated", lambda frame, path=path: reloads[path].append(frame.url))

        note_words = "Livepreview checks this note."
        text = notes_file.read_text("utf-8")
        assert text.count('text = """\n') >= 1
        notes_file.write_text(text.replace('text = """\n', f'text = """\n{note_words} ', 1), "utf-8")
        seconds = wait_for_text(tabs[note_page], note_words)
        print(f"\nnote saved: shown on {note_page} after {seconds:.1f} s")
        builds_after_note = _settled_builds(live)
        assert builds_after_note == builds + 1, live.log()[-3000:]

        seed_words = "Livepreview checks this seed."
        append_to_seed(seed, seed_words)
        seconds = wait_for_text(tabs[end_page], seed_words)
        print(f"seed saved: shown on {end_page} after {seconds:.1f} s")
        assert _settled_builds(live) == builds_after_note + 1, live.log()[-3000:]

        # The pages changed because the server told them to reload, not because the test did.
        assert reloads[note_page] and reloads[end_page], reloads
        log = live.log()
        assert "docs/book" not in "".join(line for line in log.splitlines() if "Detected changes" in line), log
        assert "Sphinx exited with exit code" not in log, log
    finally:
        context.close()


def test_the_command_is_the_makefiles():
    """The test runs what `make livehtml` runs: it watches seeds and conf, and ignores the converter's output."""
    from live_preview import livehtml_command

    args = livehtml_command(8000)
    watched = [args[i + 1] for i, a in enumerate(args) if a == "--watch"]
    ignored = [args[i + 1] for i, a in enumerate(args) if a == "--ignore"]
    assert {"seeds", "conf"} <= set(watched), args
    assert "docs/book" in ignored and args[1:3] == ["docs", "_build/livehtml"], args
    assert args[args.index("--host") + 1] == "127.0.0.1", args
    assert Path(args[0]).is_file(), args
