"""The hostile seeds in Chromium: not one script from a seed ever runs.

``tests/test_hostile_build.py`` reads the built HTML of the hostile corpus
(``tests/fixtures/hostile/``, each seed with one marker word ``zqxNNN``) and
finds no script or event handler there. Reading is not running: this opens
every chapter of that book in a real browser, searches every seed's marker
word and lands on the hit, and opens the previews of term links and note
markers placed right beside the payloads, while watching for anything a
payload could do.

The watch has three layers, so that one blind spot does not hide a run:

* an init script, in every document and frame before any of the page's own,
  replaces ``alert``, ``confirm``, ``prompt``, ``print`` and ``open`` with
  recorders and records every ``javascript:`` link or form that is followed;
* Playwright reports every dialog (dismissed at once), uncaught page error,
  popup window and ``javascript:`` frame navigation;
* after load the page itself is read: no ``<script>`` beyond the ones the
  book's own index page has, no ``on*`` attribute, no frame.

The control tests feed a real payload to the same watch, so a zero here means
nothing ran, not that nothing was looked at.

The book is made of the 111 fixture seeds with the project's glossary and
sources, plus (in its temporary copy of ``conf/``) a glossary entry whose
aliases are words the payloads use (``alert``, ``script``, ...) and one note
per seed anchored at its marker word: so term links and note markers sit
inside the payloads, and their previews clone text from pages full of them.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from sitebuild import ROOT, build_html, copy_project

pytestmark = pytest.mark.browser

HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
MARKER = re.compile(r"zqx\d{3}")
BOOK_TOML = (
    '[book]\ntitle = "Hostile seeds"\nrights = { holder = "The Essay Book editors", year = "2026" }\nversion = "0"\n'
)
# Words around the payloads ("onerror=alert(1)", "<script>", ...), so term links land inside them.
PAYLOAD_TERM = """
[[terms]]
term = "alert"
aliases = ["script", "paragraph", "line", "text"]
definition = \"\"\"
A word the hostile seeds put around their payloads: <script>alert(1)</script> stays text here too.
\"\"\"
"""
NOTE = """
[[notes]]
id = "note-{marker}"
seed = "{seed}"
anchor = "{marker}"
text = \"\"\"
The marker {marker} of this seed; see {{term}}`alert`.
\"\"\"
sources = ["{source}"]
"""
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PREVIEWS_PER_PAGE = 5
TRIGGERS = ".essay-text a.reference.internal:has(> span.std-term), .essay-text a.footnote-reference"
POPUP = ".essaybook-preview"

# Runs before any script of every document and frame. Kept on a non-enumerable,
# non-writable property so a page script cannot reset it by assignment.
RECORDER = r"""
(() => {
  const calls = [];
  Object.defineProperty(window, "__essaybookCalls", { value: calls });
  const note = (what) => calls.push(String(what).slice(0, 200));
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function (...args) {
      note(`${name}(${args.map(String).join(", ")})`);
      return null;
    };
  }
  const scriptUrl = (url) => /^\s*(javascript|vbscript):/i.test(String(url || "").replace(/[\x00-\x20]/g, ""));
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a[href], area[href]");
    if (link && scriptUrl(link.getAttribute("href"))) note(`javascript: link followed: ${link.getAttribute("href")}`);
  }, true);
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const action = form && form.getAttribute("action");
    if (scriptUrl(action)) note(`javascript: form submitted: ${action}`);
  }, true);
})();
"""

# What a page is after load: its scripts (path of src, or inline text), handlers, frames.
READ_PAGE = """() => ({
    scripts: [...document.scripts].map(s => s.src ? 'src ' + new URL(s.src).pathname.split('/').pop()
                                                  : 'inline ' + s.textContent.replace(/\\s+/g, ' ').trim()),
    handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
        .filter(a => /^on/i.test(a.name)).map(a => `<${el.localName} ${a.name}="${a.value.slice(0, 60)}">`)),
    frames: document.querySelectorAll('iframe, frame, object, embed').length,
})"""


# --- the book --------------------------------------------------------------------------


@dataclass
class HostileBook:
    out: Path
    url: str
    pages: dict[str, str]  # seed file -> its chapter page, relative to the site root
    markers: dict[str, str]  # seed file -> its marker word


def _seeds() -> list[Path]:
    return sorted(HOSTILE.glob("*.txt"))


def _marker(seed: Path) -> str:
    found = set(MARKER.findall(seed.read_text("utf-8", errors="replace")))
    assert len(found) == 1, f"{seed.name}: expected one marker word zqxNNN, found {sorted(found)}"
    return found.pop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A page left mid-fetch (the next search, the next chapter) hangs up: not the book's fault.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBook]:
    """The 111 hostile seeds built as one book (no generated giants) and served on 127.0.0.1."""
    seeds = _seeds()
    assert len(seeds) == 111, f"the hostile corpus has {len(seeds)} seeds"
    markers = {s.name: _marker(s) for s in seeds}
    assert len(set(markers.values())) == len(seeds), "marker words repeat"
    project = copy_project(tmp_path_factory.mktemp("hostile-browser"), seeds=seeds)
    conf = project / "conf"
    (conf / "book.toml").write_text(BOOK_TOML, "utf-8")
    source = json.loads((conf / "sources.json").read_text("utf-8"))[0]["id"]
    notes = [NOTE.format(marker=markers[s.name], seed=s.name, source=source) for s in seeds]
    (conf / "notes.toml").write_text("".join(notes), "utf-8")
    (conf / "timeline.toml").unlink()  # its events belong to the real book's notes
    with (conf / "glossary.toml").open("a", encoding="utf-8") as glossary:
        glossary.write(PAYLOAD_TERM)
    out = build_html(project).check()

    chapters = {}
    for seed in seeds:
        found = [p for p in (out / "book").glob("*/index.html") if markers[seed.name] in p.read_text("utf-8")]
        assert len(found) == 1, f"{seed.name}: its marker is on {len(found)} chapter pages"
        chapters[seed.name] = found[0].relative_to(out).as_posix()

    handler = functools.partial(_QuietHandler, directory=str(out))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostileBook(out, f"http://127.0.0.1:{server.server_address[1]}/", chapters, markers)
    finally:
        server.shutdown()
        server.server_close()


# --- the watch -------------------------------------------------------------------------


@dataclass
class Watch:
    """Everything a page did that a payload could have caused, across its navigations."""

    page: object
    events: list[str] = field(default_factory=list)

    def calls(self) -> list[str]:
        """The recorder's calls in the current document (read before leaving it)."""
        return self.page.evaluate("() => [...(window.__essaybookCalls || [])]")

    def problems(self, reference_scripts: list[str] | None = None) -> list[str]:
        found = list(self.events) + [f"recorded call: {c}" for c in self.calls()]
        state = self.page.evaluate(READ_PAGE)
        if reference_scripts is not None and state["scripts"] != reference_scripts:
            extra = [s[:120] for s in state["scripts"] if s not in reference_scripts]
            found.append(f"scripts differ from the book's index page: extra {extra}, all {state['scripts']}")
        found += [f"event handler attribute {h}" for h in state["handlers"]]
        if state["frames"] or len(self.page.frames) != 1:
            found.append(f"{state['frames']} frame/object/embed elements, {len(self.page.frames)} frames")
        return found


def _watch(context: object) -> Watch:
    page = context.new_page()
    watch = Watch(page)

    def dialog(d: object) -> None:
        watch.events.append(f"dialog {d.type}: {d.message[:100]!r}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda e: watch.events.append(f"page error: {e}"))
    page.on("popup", lambda p: watch.events.append(f"popup window: {p.url}"))
    page.on(
        "framenavigated",
        lambda f: (
            watch.events.append(f"javascript: navigation: {f.url}") if f.url.lower().startswith("javascript:") else None
        ),
    )
    return watch


@pytest.fixture(scope="module")
def watched(browser: object, hostile: HostileBook) -> Iterator[object]:
    """A desktop context whose every document runs the recorder first."""
    context = browser.new_context(base_url=hostile.url, **DESKTOP)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORDER)
    yield context
    context.close()


def _scripts_of(context: object, page: str, expected: str) -> list[str]:
    """The scripts a page of the book loads with no seed text in play."""
    watch = _watch(context)
    watch.page.goto(page, wait_until="load")
    assert watch.problems() == []
    scripts = watch.page.evaluate(READ_PAGE)["scripts"]
    assert any(s.endswith(expected) for s in scripts), scripts
    watch.page.close()
    return scripts


@pytest.fixture(scope="module")
def reference_scripts(watched: object) -> list[str]:
    """The scripts of the book's index page, which holds no seed text."""
    return _scripts_of(watched, "index.html", "essaybook-previews.js")


@pytest.fixture(scope="module")
def search_scripts(watched: object) -> list[str]:
    """The scripts of the search page before any query (its results are added as elements, never as scripts)."""
    return _scripts_of(watched, "search.html", "searchtools.js")


def _report(failures: list[str], what: str) -> str:
    return f"{len(failures)} {what}:\n" + "\n".join(failures[:40])


# --- the control: the watch sees a payload that does run ----------------------------------


@pytest.mark.parametrize(
    "payload, expected",
    [
        ("<img src=x onerror=alert(1)>", "recorded call: alert(1)"),
        ("<img src=x onerror=confirm('c')>", "recorded call: confirm(c)"),
        ("<svg><image href=x onerror=print()></image></svg>", "recorded call: print()"),
        ("<img src=x onerror=window.open('about:blank')>", "recorded call: open(about:blank)"),
        ("<img src=x onerror=undefinedFunction()>", "page error"),
        ("<p>inert text</p><script>1</script>", "scripts differ"),
        ("<b onclick=x>inert until clicked</b>", "event handler attribute <b onclick"),
        ("<iframe srcdoc='<p>x'></iframe>", "1 frame/object/embed"),
    ],
)
def test_the_watch_catches_a_payload_that_runs(watched, reference_scripts, payload, expected):
    watch = _watch(watched)
    watch.page.goto("index.html", wait_until="load")
    assert watch.problems(reference_scripts) == [], "the book's index page itself trips the watch"
    watch.page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", payload)
    # An image's error event fires when the browser gets round to it: on a busy
    # machine, later than any fixed pause. Poll for what the watch should see.
    deadline = time.monotonic() + 10
    problems = watch.problems(reference_scripts)
    while not any(p.startswith(expected) for p in problems) and time.monotonic() < deadline:
        watch.page.wait_for_timeout(50)
        problems = watch.problems(reference_scripts)
    watch.page.close()
    assert any(p.startswith(expected) for p in problems), f"{payload!r} ran unseen: {problems}"


def test_the_watch_catches_a_javascript_link_and_a_dialog(browser, watched, hostile):
    watch = _watch(watched)
    watch.page.goto("index.html", wait_until="load")
    watch.page.evaluate(
        "() => { const a = document.createElement('a'); a.id = 'bad'; a.textContent = 'x';"
        " a.href = 'java\\tscript:void(0)'; document.body.prepend(a); }"
    )
    watch.page.click("#bad")
    assert any(c.startswith("javascript: link followed") for c in watch.calls()), watch.calls()
    watch.page.close()
    # Without the recorder a payload's alert() is a real dialog, which the dialog layer sees.
    bare = browser.new_context(base_url=hostile.url)
    try:
        watch = _watch(bare)
        watch.page.set_content("<img src=x onerror=alert(1)>")
        watch.page.wait_for_timeout(200)
        assert watch.events == ["dialog alert: '1'"], watch.events
    finally:
        bare.close()


# --- the hostile book --------------------------------------------------------------------


def test_no_chapter_runs_a_script_from_its_seed(watched, hostile, reference_scripts):
    """Every chapter loads with only the book's scripts, no handler, no frame, and nothing runs."""
    watch = _watch(watched)
    failures: list[str] = []
    started = time.monotonic()
    for seed, path in hostile.pages.items():
        watch.events.clear()
        watch.page.goto(path, wait_until="load")
        failures += [f"{seed} ({path}): {p}" for p in watch.problems(reference_scripts)]
    watch.page.close()
    print(f"\nhostile chapters checked in Chromium: {len(hostile.pages)} in {time.monotonic() - started:.1f} s")
    assert len(hostile.pages) == 111
    assert failures == [], _report(failures, "events on chapter pages")


def _search_finished(page) -> None:
    page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " if (!s || !/^(Search finished|Your search did not match)/.test(s.textContent.trim())) return false;"
        " return [...document.querySelectorAll('ul.search > li.kind-text, ul.search > li.kind-title')]"
        "   .every(li => li.querySelector('p.context')); }"
    )


def test_searching_each_marker_finds_its_seed_and_lands_quietly(watched, hostile, reference_scripts, search_scripts):
    """Each marker word: its chapter is a result, summaries built from the pages run nothing, landing neither."""
    watch = _watch(watched)
    failures: list[str] = []
    started = time.monotonic()
    for seed, path in hostile.pages.items():
        marker = hostile.markers[seed]
        watch.events.clear()
        watch.page.goto(f"search.html?q={quote_plus(marker)}", wait_until="load")
        _search_finished(watch.page)
        links = watch.page.eval_on_selector_all("ul.search > li > a", "as => as.map(a => a.href)")
        wanted = [h for h in links if urlsplit(h).path.endswith("/" + path)]
        if not wanted:
            failures.append(f"{seed}: searching {marker} does not list {path}: {links}")
            continue
        failures += [f"{seed}: results for {marker}: {p}" for p in watch.problems(search_scripts)]
        if "find=" not in urlsplit(wanted[0]).query:
            failures.append(f"{seed}: result link without ?find=: {wanted[0]}")
        watch.events.clear()
        watch.page.click(f"ul.search > li > a[href='{wanted[0]}']")
        watch.page.wait_for_url(wanted[0], wait_until="load")
        try:
            watch.page.wait_for_selector("mark.essaybook-mark", timeout=3_000)
        except PlaywrightTimeout:
            failures.append(f"{seed}: landing on {wanted[0]} marks no hit")
        failures += [f"{seed}: landed on {path}: {p}" for p in watch.problems(reference_scripts)]
    watch.page.close()
    print(f"\nhostile searches run: {len(hostile.pages)} (each landed) in {time.monotonic() - started:.1f} s")
    assert failures == [], _report(failures, "search failures")


def test_previews_beside_the_payloads_open_and_run_nothing(watched, hostile, reference_scripts):
    """Hover and keyboard focus on term links and note markers inside the seed text open their popups quietly."""
    watch = _watch(watched)
    page = watch.page
    failures: list[str] = []
    opened = pages_with = 0
    started = time.monotonic()
    for seed, path in hostile.pages.items():
        watch.events.clear()
        page.goto(path, wait_until="load")
        triggers = page.locator(TRIGGERS)
        count = min(triggers.count(), PREVIEWS_PER_PAGE)
        pages_with += count > 0
        for i in range(count):
            trigger = triggers.nth(i)
            for how in ("hover", "focus"):
                if how == "hover":
                    trigger.hover()
                else:
                    page.mouse.move(1, 1)
                    page.keyboard.press("Shift")  # keyboard use makes the next focus :focus-visible
                    trigger.focus()
                try:
                    page.wait_for_function(
                        "el => { const id = el.getAttribute('aria-describedby');"
                        " const p = id && document.getElementById(id);"
                        " return p && p.matches('.essaybook-preview') && p.textContent.trim().length > 0; }",
                        arg=trigger.element_handle(),
                        timeout=3_000,
                    )
                    opened += 1
                except PlaywrightTimeout:
                    failures.append(f"{seed}: {how} on trigger {i + 1} opened no preview")
                page.keyboard.press("Escape")
                page.wait_for_selector(POPUP, state="detached")
        failures += [f"{seed} ({path}) after previews: {p}" for p in watch.problems(reference_scripts)]
    page.close()
    print(
        f"\nhostile previews opened: {opened} on {pages_with} chapters in {time.monotonic() - started:.1f} s"
        " (hover and keyboard focus)"
    )
    assert pages_with >= 100, f"only {pages_with} chapters have a term link or note marker in the seed text"
    assert failures == [], _report(failures, "preview failures")
