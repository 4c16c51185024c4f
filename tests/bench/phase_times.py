"""Where one ``sphinx-build`` spends its time: the build run in this process with timers round its phases.

Not a test. ``python phase_times.py SPHINX-ARGS...`` runs ``sphinx-build SPHINX-ARGS``
(as ``make html`` runs it) after wrapping the functions that make up each phase
with a wall-clock timer, and prints one JSON object on its last line: seconds
per phase, and the whole run from the start of this process. Wrapping costs a
few microseconds per call; the per-page ones (resolving a page, our sidebar)
are called a few thousand times at most.

The phases, in build order (Sphinx 9): start-up (imports, configuration,
extensions), environment load (unpickling the last build's), our converter at
builder-inited (parse and render, then write the changed pages), the outdated
check, reading, the consistency check, the environment dump, writing (loading
the search index, then per page: loading and resolving its doctree, our
sidebar, rendering), the index pages, the search page and other pages, the
search index dump, and what runs at build-finished (our search index in pieces).
"""

from __future__ import annotations

import functools
import json
import pickle
import sys
import time
from collections import defaultdict
from typing import Any

START = time.perf_counter()
TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(label: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - t
            CALLS[label] += 1

    return wrapper


def wrap(owner: Any, name: str, label: str) -> None:
    setattr(owner, name, timed(label, getattr(owner, name)))


def main(argv: list[str]) -> int:
    import sphinx.application
    import sphinx.builders
    import sphinx.builders.html
    import sphinx.environment
    from sphinx.cmd.build import build_main

    import essaybook.navigation
    import essaybook.search
    import essaybook.sphinxext

    TIMES["start-up: imports"] = time.perf_counter() - START

    app_cls = sphinx.application.Sphinx
    builder = sphinx.builders.Builder
    html = sphinx.builders.html.StandaloneHTMLBuilder
    env = sphinx.environment.BuildEnvironment
    ext = essaybook.sphinxext

    wrap(app_cls, "__init__", "start-up: Sphinx() (config, extensions, env load, builder-inited)")
    wrap(app_cls, "_load_existing_env", "environment load (unpickle)")
    wrap(ext, "build_book", "converter: parse, check, render")
    wrap(ext, "write_pages", "converter: write changed pages")
    wrap(ext, "builder_inited", "converter: total (builder-inited)")
    wrap(app_cls, "build", "build: total")
    wrap(env, "get_outdated_files", "outdated check (sources' dates)")
    wrap(builder, "read", "read: total (outdated check, purge, read, env-updated)")
    wrap(builder, "_read_serial", "read: parse changed pages")
    wrap(builder, "_read_parallel", "read: parse changed pages")
    wrap(env, "check_dependents", "resolve: dependents")
    wrap(env, "check_consistency", "resolve: consistency check")
    wrap(builder, "write", "write: total")
    wrap(html, "prepare_writing", "write: prepare (load search index, …)")
    wrap(html, "copy_assets", "write: copy static files")
    wrap(builder, "write_documents", "write: pages (resolve + render + write)")
    wrap(env, "get_and_resolve_doctree", "write: per page, load doctree and resolve references")
    wrap(essaybook.navigation, "html_page_context", "write: per page, our sidebar")
    wrap(html, "finish", "finish: total")
    wrap(html, "gen_indices", "finish: general index page")
    wrap(html, "gen_additional_pages", "finish: search page and other pages")
    wrap(html, "dump_search_index", "search index: Sphinx's searchindex.js")
    wrap(html, "dump_inventory", "finish: objects.inv")
    wrap(essaybook.search, "build_finished", "search index: the pieces (build-finished)")

    dump = pickle.dump

    def timed_dump(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(obj, env):
            return dump(obj, *args, **kwargs)
        t = time.perf_counter()
        try:
            return dump(obj, *args, **kwargs)
        finally:
            TIMES["environment dump (pickle)"] += time.perf_counter() - t

    pickle.dump = timed_dump
    status = build_main(argv)
    TIMES["whole run"] = time.perf_counter() - START
    print(json.dumps({"status": status, "seconds": TIMES, "calls": CALLS}))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
