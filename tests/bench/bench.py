"""Benchmark: how the book's build time, size and memory grow with the number of essays.

Not a test: it asserts nothing about time. It generates books of near-copies of
the seed essay (:mod:`corpus`), builds them in ``tests/bench/work/`` and writes
``results/bench.md``, ``results/bench.json`` and ``results/bench.png``. Every
figure in a report comes from the same run, beside the machine's load average
at its start and end (other work on a shared machine slows a run down).

Compared with the same pages:

* a bare ``sphinx-build`` (myst-parser and furo, none of our extensions) over
  the MyST pages our converter wrote, copied into a plain project;
* MkDocs Material (in its own virtual environment, ``--mkdocs-python``) over
  the same essays as plain Markdown pages.

``make bench`` runs it; ``python tests/bench/bench.py --quick`` is a smaller run
for trying changes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import phases  # noqa: E402
import rtd  # noqa: E402
from corpus import edit_one, make_corpus  # noqa: E402

PY = sys.executable
WORK = HERE / "work"
RESULTS = HERE / "results"


def log(*args: Any) -> None:
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- running builds ---------------------------------------------------------------


def run(args: list[str], cwd: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run a command and time it; past ``timeout`` seconds it is stopped (with the processes it started)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"seconds": time.perf_counter() - start, "timeout": True, "stdout": "", "stderr": ""}
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err.decode()[-4000:]}")
    return {"seconds": wall, "stdout": out.decode(), "stderr": err.decode()}


def timed(args: list[str], cwd: Path, timeout: float | None = None) -> dict[str, Any]:
    """Like :func:`run`, through ``/usr/bin/time`` for the peak memory of the build alone."""
    report = cwd / ".time-report"
    report.unlink(missing_ok=True)
    result = run(["/usr/bin/time", "-f", "%M", "-o", str(report), *args], cwd, timeout)
    try:
        result["peak_rss_mb"] = int(report.read_text().strip().splitlines()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        result["peak_rss_mb"] = None
    return result


def sphinx(project: Path, out: Path, jobs: str = "1", timeout: float | None = None) -> dict[str, Any]:
    args = [PY, "-m", "sphinx", "-b", "html", "-q", "-j", jobs, "-d", str(out / ".doctrees"), "docs", str(out)]
    return timed(args, project, timeout)


def sphinx_pagefind(project: Path) -> dict[str, Any]:
    """An incremental build into a copy of the output with the Pagefind option on: its index added."""
    out = project / "_build-pagefind"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(project / "_build", out)
    args = [
        PY,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-D",
        "essaybook_pagefind=1",
        "-d",
        str(out / ".doctrees"),
        "docs",
        str(out),
    ]
    return timed(args, project)


# Pages written by every build, changed or not: Sphinx's index and search pages, sphinx-notfound-page's 404.
ALWAYS_WRITTEN = frozenset({"genindex.html", "search.html", "404.html"})


def html_mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.html")}


# --- projects ---------------------------------------------------------------------


def our_project(n: int) -> Path:
    """A copy of ``docs/`` beside a generated corpus of ``n`` essays."""
    dest = WORK / f"ours-{n}"
    shutil.rmtree(dest, ignore_errors=True)
    make_corpus(dest, n)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=lambda d, names: {"book", "_build"} & set(names))
    # Read the Docs' and the sitemap's settings are off here, as in a reader's checkout.
    return dest


def bare_project(ours: Path, n: int) -> Path:
    """The MyST pages our converter wrote, in a plain Sphinx project: myst-parser and furo only."""
    dest = WORK / f"bare-{n}"
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "docs").mkdir(parents=True)
    shutil.copytree(ours / "docs" / "book", dest / "docs" / "book")
    (dest / "docs" / "book" / ".essaybook-manifest.json").unlink(missing_ok=True)
    chapters = sorted(
        p.parent.relative_to(dest / "docs").as_posix() for p in (dest / "docs" / "book").glob("*/index.md")
    )
    (dest / "docs" / "conf.py").write_text(
        'project = "Bare"\nextensions = ["myst_parser"]\nhtml_theme = "furo"\nsmartquotes = False\n'
        'myst_enable_extensions = ["colon_fence", "attrs_block"]\nmyst_footnote_transition = False\n'
        "suppress_warnings = ['myst.xref_missing', 'ref.ref', 'ref.term']\n",
        "utf-8",
    )
    # The same hand-written pages, without our directives: the chapters' list as a plain toctree.
    toc = "\n".join(f"{c}/index" for c in chapters)
    index = (ROOT / "docs" / "index.md").read_text("utf-8")
    index = re.sub(
        r"```\{book-chapters\}\n((?::.*\n)*)```", lambda m: f"```{{toctree}}\n{m[1]}\n{toc}\n```", index, count=1
    )
    index = index.replace("{{ book_title }}", "Bare").replace("{{ book_subtitle }}", "Bare subtitle")
    (dest / "docs" / "index.md").write_text(re.sub(r"^---\n.*?\n---\n", "", index, flags=re.S), "utf-8")
    about = (ROOT / "docs" / "about.md").read_text("utf-8")
    (dest / "docs" / "about.md").write_text(re.sub(r"```\{seed-table\}\n```\n", "", about), "utf-8")
    return dest


_LABEL = re.compile(r"^\([A-Za-z0-9_-]+\)=\s*$", re.M)
_ROLE = re.compile(r"\{(?:term|ref|doc)\}`([^`<]*?)\s*(?:<[^`]*>)?`")


def to_markdown(myst: str) -> str:
    """The generated MyST as plain Markdown (escaping kept): what MkDocs reads."""
    out = []
    in_toctree = False
    for line in myst.splitlines():
        if line.startswith("% ") or _LABEL.match(line) or line.startswith("{.") or line.startswith(":class:"):
            continue
        if line.startswith("```{toctree}"):
            in_toctree = True
            continue
        if in_toctree:
            if line.startswith("```"):
                in_toctree = False
            elif line and not line.startswith(":"):
                out.append(f"- [{line}]({line}.md)")
            continue
        if line.startswith(":::") or line.startswith("```{"):
            continue
        out.append(_ROLE.sub(r"\1", line))
    return "\n".join(out) + "\n"


def mkdocs_project(ours: Path, n: int) -> Path:
    dest = WORK / f"mkdocs-{n}"
    shutil.rmtree(dest, ignore_errors=True)
    docs = dest / "docs"
    for page in sorted((ours / "docs" / "book").rglob("*.md")):
        target = docs / "book" / page.relative_to(ours / "docs" / "book")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_markdown(page.read_text("utf-8")), "utf-8")
    chapters = sorted(p.parent.name for p in (docs / "book").glob("*/index.md"))
    (docs / "index.md").write_text(
        "# Essays\n\n" + "\n".join(f"- [{c}](book/{c}/index.md)" for c in chapters) + "\n", "utf-8"
    )
    (dest / "mkdocs.yml").write_text(
        "site_name: Bench\ntheme:\n  name: material\n  features: [navigation.sections]\n"
        "markdown_extensions: [footnotes, attr_list, def_list]\nplugins: [search]\n",
        "utf-8",
    )
    return dest


# --- measures ---------------------------------------------------------------------


def median_build(fn, reps: int) -> dict[str, Any]:
    runs = [fn() for _ in range(reps)]
    secs = [r["seconds"] for r in runs]
    return {
        "median_s": statistics.median(secs),
        "timeout": any(r.get("timeout") for r in runs),
        "runs_s": secs,
        "peak_rss_mb": max((r.get("peak_rss_mb") or 0) for r in runs) or None,
    }


def clean_ours(project: Path, jobs: str = "1") -> dict[str, Any]:
    out = project / "_build"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(project / "docs" / "book", ignore_errors=True)
    return sphinx(project, out, jobs)


def clean_bare(project: Path, timeout: float | None = None) -> dict[str, Any]:
    out = project / "_build"
    shutil.rmtree(out, ignore_errors=True)
    return sphinx(project, out, timeout=timeout)


def clean_mkdocs(project: Path, mkdocs_python: str) -> dict[str, Any]:
    shutil.rmtree(project / "site", ignore_errors=True)
    return timed([mkdocs_python, "-m", "mkdocs", "build", "-q"], project)


def rebuild_ours(project: Path, edit: int | None = None) -> dict[str, Any]:
    out = project / "_build"
    before = html_mtimes(out)
    if edit is not None:
        edit_one(project, edit)
    result = sphinx(project, out)
    after = html_mtimes(out)
    changed = sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k))
    return {"seconds": result["seconds"], "rewritten": changed}


def converter(n: int) -> dict[str, Any]:
    from essaybook.core.pipeline import build_book

    dest = WORK / f"conv-{n}"
    make_corpus(dest, n)
    times = []
    for _ in range(3 if n < 1000 else 1):
        tracemalloc.start()
        start = time.perf_counter()
        book = build_book(dest / "seeds", dest / "conf", dest)
        times.append(time.perf_counter() - start)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    # tracemalloc slows Python down: the time is the best of runs without it.
    plain = math.inf
    for _ in range(3 if n < 1000 else 2):
        start = time.perf_counter()
        build_book(dest / "seeds", dest / "conf", dest)
        plain = min(plain, time.perf_counter() - start)
    return {
        "essays": n,
        "pages": len(book.pages),
        "seconds": plain,
        "traced_seconds": min(times),
        "peak_mb": peak / 2**20,
    }


def page_weight(out: Path, page: Path) -> dict[str, int]:
    """Bytes a reader downloads for one page: its HTML and the CSS, JS and fonts it references."""
    html = page.read_text("utf-8")
    files: set[Path] = set()
    for ref in re.findall(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"?#]+)', html):
        if "://" not in ref:
            files.add((page.parent / ref).resolve())
    for css in [f for f in files if f.suffix == ".css"]:
        for ref in re.findall(r"url\(['\"]?([^'\")?#]+)", css.read_text("utf-8", "replace")):
            if not ref.startswith("data:") and "://" not in ref:
                files.add((css.parent / ref).resolve())
    existing = [f for f in files if f.is_file()]
    return {
        "html": len(page.read_bytes()),
        "assets": sum(f.stat().st_size for f in existing),
        "total": len(page.read_bytes()) + sum(f.stat().st_size for f in existing),
        "files": len(existing) + 1,
    }


def search_weight(out: Path) -> int:
    """Bytes before the first search result with Sphinx's search: the page, its assets, the whole index."""
    page = out / "search.html"
    return page_weight(out, page)["total"] + (out / "searchindex.js").stat().st_size


SEARCH_QUERIES = ["difference", "trotsky stalin", "goatee", '"tash and beard"']


def search_in_browser(out: Path, page: str, selector: str, queries: list[str] = SEARCH_QUERIES) -> dict[str, Any]:
    """Serve ``out`` on 127.0.0.1 and, per query, what Chromium transferred before the first result showed.

    What the server sent (headers and bodies) for every request that arrived
    before the first result appeared, whoever asked (Pagefind searches in a
    Web Worker), in a fresh browser context each time (nothing cached); see
    ``first_result_transfer``.
    """
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from urllib.parse import quote_plus

    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, first_result_transfer, serving
    from playwright.sync_api import sync_playwright

    found: dict[str, Any] = {}
    served: list = []
    with serving(out, log=served) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for query in queries:
                context = browser.new_context()
                try:
                    got = first_result_transfer(context, f"{url}{page}?q={quote_plus(query)}", served, selector)
                    found[query] = {"bytes": got["bytes"], "requests": got["requests"], "seconds": got["ms"] / 1000}
                except Exception as err:  # a query with no result must not lose the others
                    found[query] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
                finally:
                    context.close()
        finally:
            browser.close()
    return found


def index_files(out: Path) -> dict[str, Any]:
    """What each search index weighs on disk: Sphinx's whole file, the pieces, Pagefind's folder."""

    def folder(p: Path) -> dict[str, int] | None:
        if not p.is_dir():
            return None
        files = [f for f in p.rglob("*") if f.is_file()]
        return {"files": len(files), "bytes": sum(f.stat().st_size for f in files)}

    return {
        "searchindex_bytes": (out / "searchindex.js").stat().st_size,
        "pieces": folder(out / "_searchindex"),
        "pagefind": folder(out / "pagefind"),
    }


def search_comparison(sizes: list[int]) -> dict[str, Any]:
    """The default search (auto), Sphinx's whole index, the index in pieces and Pagefind, per size."""
    rows: dict[str, Any] = {}
    for n in sizes:
        log(f"search comparison: {n} essays")
        project = our_project(n)
        out = project / "_build"
        row: dict[str, Any] = {"essays": n, "clean_build_s": clean_ours(project, "auto")["seconds"]}
        page = (out / "search.html").read_text("utf-8")
        row["auto_chose"] = "sharded" if 'name="essaybook-search-index"' in page else "whole"
        row["default"] = search_in_browser(out, "search.html", "#search-results li")
        for mode in ("whole", "sharded"):
            args = [PY, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", "-D", f"essaybook_search={mode}"]
            args += ["-d", str(out / ".doctrees"), "docs", str(out)]
            row[f"{mode}_rebuild_s"] = run(args, project)["seconds"]
            row[f"{mode}_files"] = index_files(out)
            row[mode] = search_in_browser(out, "search.html", "#search-results li")
        pf = sphinx_pagefind(project)
        row["pagefind_rebuild_s"] = pf["seconds"]
        row["pagefind_files"] = index_files(project / "_build-pagefind")
        row["pagefind"] = search_in_browser(project / "_build-pagefind", "pagefind.html", ".pagefind-ui__result")
        shutil.rmtree(project / "_build-pagefind", ignore_errors=True)
        rows[str(n)] = row
    return rows


def search_report(rows: dict[str, Any]) -> list[str]:
    lines = [
        "| essays | engine | " + " | ".join(f"“{q}”" for q in SEARCH_QUERIES) + " | index on disk |",
        "|---|---|" + "---|" * len(SEARCH_QUERIES) + "---|",
    ]

    def cell(m: dict[str, Any]) -> str:
        if "error" in m:
            return f"no result ({m['error'][:40]})"
        return f"{m['bytes'] / 1000:.0f} kB, {m['requests']} req., {m['seconds']:.2f} s"

    for n, row in rows.items():
        for engine in ("default", "whole", "sharded", "pagefind"):
            if engine not in row:
                continue
            files = row.get(f"{engine}_files") or {}
            if engine == "whole":
                disk = f"{files.get('searchindex_bytes', 0) / 1000:.0f} kB in 1 file"
            elif engine in ("sharded", "pagefind") and files.get("pieces" if engine == "sharded" else "pagefind"):
                f = files["pieces" if engine == "sharded" else "pagefind"]
                disk = f"{f['bytes'] / 1000:.0f} kB in {f['files']} files"
            else:
                disk = ""
            name = f"default (auto: {row['auto_chose']})" if engine == "default" else engine
            cells = " | ".join(cell(row[engine][q]) for q in SEARCH_QUERIES)
            lines.append(f"| {n} | {name} | {cells} | {disk} |")
    return lines


# --- the editor's loop: where a rebuild's time goes, and save to reload ----------------


def edit_note_words(project: Path, index: int) -> str:
    """Change the text of one note of essay ``index`` in conf/notes.toml, as an editor would; the new words."""
    notes = project / "conf" / "notes.toml"
    text = notes.read_text("utf-8")
    at = text.index(f'id = "c{index:04d}-')
    words = f"Edited note {time.time_ns()}."
    at = text.index('text = "', at) + len('text = "')
    notes.write_text(text[:at] + words + " " + text[at:], "utf-8")
    return words


def phase_runs(n: int) -> dict[str, Any]:
    """``make html`` after no edit, one note edited and one seed edited, at ``n`` essays, phase by phase."""
    project = our_project(n)
    log(f"phases at {n} essays: clean build first (-j auto, not timed by phase)")
    clean = clean_ours(project, "auto")
    return {"essays": n, "clean_s": clean["seconds"], **phases.rebuilds(project, n)}


def save_to_reload(n: int) -> dict[str, Any]:
    """Seconds from saving a seed, then a note, to the new words on the open page, under ``make livehtml``."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS
    from live_preview import append_to_seed, last_words, live_server, page_holding, wait_for_text
    from playwright.sync_api import sync_playwright

    project = our_project(n)
    index = n // 2
    seed = project / "seeds" / f"e{index:04d}.txt"
    found: dict[str, Any] = {"essays": n, "load_start": load()}
    start = time.perf_counter()
    with live_server(project) as server, sync_playwright() as pw:
        found["first_build_s"] = time.perf_counter() - start
        out = project / "_build" / "livehtml"
        essay = f"book/essay-{index:04d}"
        end_page = page_holding(out, last_words(seed), under=essay)
        notes = (project / "conf" / "notes.toml").read_text("utf-8")
        anchor = notes.split(f'id = "c{index:04d}-', 1)[1].split('anchor = "', 1)[1].split('"\n', 1)[0]
        note_page = page_holding(out, anchor.replace('\\"', '"'), under=essay)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(server.url + end_page)
            words = f"Saved seed {time.time_ns()}."
            t = time.perf_counter()
            append_to_seed(seed, words)
            wait_for_text(tab, words)
            found["seed_s"] = time.perf_counter() - t
            tab.goto(server.url + note_page)
            time.sleep(2)  # let the seed's build settle before the next save
            t = time.perf_counter()
            words = edit_note_words(project, index)
            wait_for_text(tab, words)
            found["note_s"] = time.perf_counter() - t
        finally:
            browser.close()
    found["load_end"] = load()
    return found


def editor_loop_report(res: dict[str, Any]) -> str:
    lines = [
        "# The editor's loop: where a rebuild's time goes, and save to reload",
        "",
        f"Run {res['started']} on {os.cpu_count()} CPUs; load average {res['load_start']} at the start, "
        f"{res.get('load_end', '(unfinished)')} at the end (a shared machine: other work slows a run).",
        "",
        "## `make html` after an edit, phase by phase (seconds; tests/bench/phases.py)",
        "",
    ]
    columns = {
        f"{p['essays']}, {label}": p[kind]
        for p in res.get("phases", [])
        for kind, label in (("noop", "no-op"), ("note", "one note edited"), ("seed", "one seed edited"))
    }
    if columns:
        lines += phases.table(columns)
    lines += ["", "## Save to reload under `make livehtml` (Chromium; from the file write to the new words shown)", ""]
    lines += ["| essays | first build | seed saved | note saved |", "|---|---|---|---|"]
    for r in res.get("live", []):
        lines.append(f"| {r['essays']} | {r['first_build_s']:.1f} s | {r['seed_s']:.1f} s | {r['note_s']:.1f} s |")
    return "\n".join(lines) + "\n"


def editor_loop_only(out: Path, phase_sizes: list[int], live_sizes: list[int]) -> int:
    res: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "load_start": load()}
    out.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        (out / "editor-loop.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n", "utf-8")
        (out / "editor-loop.md").write_text(editor_loop_report(res), "utf-8")

    res["live"] = []
    for n in live_sizes:
        log(f"save to reload at {n} essays")
        res["live"].append(save_to_reload(n))
        save()
    res["phases"] = []
    for n in phase_sizes:
        res["phases"].append(phase_runs(n))
        save()
    res["load_end"] = load()
    save()
    log(f"done: {out / 'editor-loop.md'}")
    return 0


def slope(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.log(b[1] / a[1]) / math.log(b[0] / a[0])


# --- Read the Docs: every format, clean, by its own commands ---------------------------


def essay_project() -> Path:
    """The real book (our essay, its notes, glossary and sources), as a reader's checkout has it."""
    dest = WORK / "rtd-essay"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in ("seeds", "conf"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=lambda d, names: {"book", "_build"} & set(names))
    return dest


def _linear(points: list[tuple[int, float]], n: int) -> float:
    """The value at ``n`` on the line through the two largest of ``points`` (essays, value)."""
    (a, ya), (b, yb) = sorted(points)[-2:]
    return yb + (yb - ya) / (b - a) * (n - b)


def largest_pages(out: Path, count: int = 5) -> list[tuple[str, int]]:
    """The heaviest HTML pages of a build: (path, bytes)."""
    pages = [(p.relative_to(out).as_posix(), p.stat().st_size) for p in out.rglob("*.html")]
    return sorted(pages, key=lambda x: -x[1])[:count]


def rtd_builds(sizes: list[int], budget_s: float) -> dict[str, Any]:
    """Read the Docs' clean build of html, pdf and epub at each size, our essay first; the PDF where affordable.

    The PDF is measured at a size only when the line through the two largest
    sizes measured so far says it ends within what is left of ``budget_s``;
    past that it is estimated on that line (time, CPU and memory), and the
    report says so.
    """
    t0 = time.perf_counter()
    rows: dict[str, Any] = {}
    pdf_points: dict[str, list[tuple[int, float]]] = {"seconds": [], "cpu_s": [], "peak_rss_mb": []}
    for n in ["essay", *sizes]:
        project = essay_project() if n == "essay" else our_project(n)
        essays = 1 if n == "essay" else n
        formats: tuple[str, ...] = rtd.FORMATS
        estimate = None
        if n != "essay" and len(pdf_points["seconds"]) >= 2:
            estimate = {k: _linear(v, essays) for k, v in pdf_points.items()}
            left = budget_s - (time.perf_counter() - t0)
            if estimate["seconds"] > left:
                formats = tuple(f for f in rtd.FORMATS if f != "pdf")
        log(f"Read the Docs build at {n} essays: {', '.join(formats)}")
        row = {"essays": essays, "load_at_start": load(), **rtd.rtd_build(project, formats)}
        html_out = project / "_readthedocs" / "html"
        if html_out.is_dir():
            row["largest_pages"] = largest_pages(html_out)
        row["load_at_end"] = load()
        pdf = row["formats"].get("pdf")
        if pdf and pdf.get("ok"):
            if n != "essay":
                for key in pdf_points:
                    pdf_points[key].append((essays, pdf[key]))
        elif "pdf" not in formats and estimate is not None:
            row["pdf_estimated"] = {
                **estimate,
                "from": [e for e, _ in sorted(pdf_points["seconds"])[-2:]],
            }
        rows[str(n)] = row
        # Keep the disk free: a thousand essays' three formats take gigabytes.
        for folder in (project / "_readthedocs", project / "docs" / "_build"):
            shutil.rmtree(folder, ignore_errors=True)
    return rows


def rtd_total(row: dict[str, Any]) -> tuple[float, float, float, bool]:
    """(seconds, CPU seconds, peak MB, whether the PDF is estimated) of a row's three formats together."""
    formats = row["formats"]
    seconds = sum(f["seconds"] for f in formats.values())
    cpu = sum(f["cpu_s"] for f in formats.values())
    peak = max((f["peak_rss_mb"] for f in formats.values()), default=0.0)
    est = row.get("pdf_estimated")
    if est and "pdf" not in formats:
        seconds += est["seconds"]
        cpu += est["cpu_s"]
        peak = max(peak, est["peak_rss_mb"])
    return seconds, cpu, peak, bool(est and "pdf" not in formats)


def rtd_report(rows: dict[str, Any]) -> list[str]:
    if not rows:
        return []
    lines = [
        "## Read the Docs: html, pdf and epub, clean, by its own commands",
        "",
        "Each size built from a clean checkout as Read the Docs builds it (`tests/bench/rtd.py`: its commands, in",
        "`docs/`, one doctree folder for the three; LuaLaTeX with an empty font cache). Wall and CPU seconds, and the",
        "peak memory of the whole process tree (lualatex and xindy included), per format and for the three together,",
        f"against Read the Docs' limits of {rtd.LIMIT_S} s and {rtd.LIMIT_MB / 1024:.0f} GB. “essay” is the real book.",
        "",
        "| essays | html | pdf (sphinx + latexmk) | epub | all three | peak memory "
        "| PDF pages, LuaLaTeX runs, fallback fonts | largest HTML page | load average (start → end) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def fmt(f: dict[str, Any] | None) -> str:
        if not f:
            return "–"
        bad = "" if f.get("ok", True) else " FAILED"
        return f"{f['seconds']:.0f} s (CPU {f['cpu_s']:.0f} s), {f['peak_rss_mb']:.0f} MB{bad}"

    for n, row in rows.items():
        formats = row["formats"]
        pdf = formats.get("pdf")
        if pdf is None and row.get("pdf_estimated"):
            est = row["pdf_estimated"]
            pdf_cell = (
                f"est. {est['seconds']:.0f} s (CPU {est['cpu_s']:.0f} s), {est['peak_rss_mb']:.0f} MB "
                f"(line through {est['from'][0]} and {est['from'][1]} essays)"
            )
        else:
            pdf_cell = fmt(pdf)
        seconds, cpu, peak, estimated = rtd_total(row)
        facts = "–"
        if pdf and "latexmk" in pdf:
            fonts = pdf.get("fallback_fonts") or []
            facts = (
                f"{pdf.get('pages')} pages, {pdf['latexmk'].get('lualatex_runs')} runs, "
                f"{len(fonts)} fallback fonts{': ' + ', '.join(fonts) if 0 < len(fonts) <= 6 else ''}"
            )
        big = row.get("largest_pages") or [("–", 0)]
        lines.append(
            f"| {n} | {fmt(formats.get('html'))} | {pdf_cell} | {fmt(formats.get('epub'))} "
            f"| {'est. ' if estimated else ''}{seconds:.0f} s (CPU {cpu:.0f} s) | {peak:.0f} MB | {facts} "
            f"| {big[0][0]} {big[0][1] / 1000:.0f} kB | {row['load_at_start']} → {row['load_at_end']} |"
        )
    lines += [
        "",
        "A PDF not measured is estimated on the line through the two largest sizes whose PDF was (LuaLaTeX's time",
        "grows with the pages; its memory is the fonts' and the document's, so the line overstates it). CPU seconds",
        "are the work done whatever the machine's load; on a machine with other work, wall seconds are more.",
        "",
    ]
    return lines


def rtd_targets(rows: dict[str, Any]) -> list[tuple[bool | None, str]]:
    out: list[tuple[bool | None, str]] = []
    essay = rows.get("essay", {}).get("formats", {}).get("pdf")
    if essay and essay.get("ok"):
        out.append((essay["peak_rss_mb"] <= 1024, f"our essay's PDF peaks at ≤ 1 GB: {essay['peak_rss_mb']:.0f} MB"))
    thirty = rows.get("30", {}).get("formats", {})
    if thirty.get("pdf", {}).get("ok") and "html" in thirty:
        r = thirty["pdf"]["seconds"] / thirty["html"]["seconds"]
        rc = thirty["pdf"]["cpu_s"] / thirty["html"]["cpu_s"]
        out.append((r <= 4, f"at 30 essays the PDF costs ≤ 4 × the HTML build: {r:.2f} × wall ({rc:.2f} × CPU)"))
    big = rows.get("1000")
    if big:
        seconds, _, peak, estimated = rtd_total(big)
        how = " (the PDF estimated)" if estimated else ""
        out.append((seconds <= 720, f"at 1,000 essays the three formats ≤ 12 min: {seconds / 60:.1f} min{how}"))
        out.append((peak <= 4096, f"at 1,000 essays the peak memory ≤ 4 GB: {peak / 1024:.2f} GB{how}"))
        page, size = (big.get("largest_pages") or [("–", 0)])[0]
        out.append(
            (size <= 300_000, f"at 1,000 essays no HTML page over 300 kB: the largest {page}, {size / 1000:.0f} kB")
        )
    return out


# --- the run ----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, for trying changes")
    parser.add_argument("--mkdocs-python", default=str(HERE / ".venv-mkdocs" / "bin" / "python"))
    parser.add_argument("--budget", type=float, default=27 * 60, help="seconds; optional runs are skipped past it")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--search",
        action="store_true",
        help="only compare the search engines (default, whole, pieces, Pagefind) at 1, 100 and 1,000 essays",
    )
    parser.add_argument(
        "--editor-loop",
        action="store_true",
        help="only the phases of a no-op and a one-note rebuild (100, 1,000 essays) and save-to-reload (1, 100)",
    )
    parser.add_argument("--sizes", help="essays per book of the HTML builds, e.g. 1,100 (default 1,10,100,300,1000)")
    parser.add_argument(
        "--rtd-sizes", help="essays per book of the Read the Docs builds (default 1,30,100,300,1000; 'none' skips them)"
    )
    parser.add_argument(
        "--rtd-budget", type=float, default=45 * 60, help="seconds for the measured PDFs; a larger one is estimated"
    )
    parser.add_argument("--rtd-only", action="store_true", help="only the Read the Docs builds")
    opts = parser.parse_args()
    if opts.editor_loop:
        return editor_loop_only(opts.out, [10] if opts.quick else [100, 1000], [1] if opts.quick else [1, 100])
    if opts.search:
        return search_only(opts.out, [1, 10] if opts.quick else [1, 100, 1000])
    # Builds run in their project folders: a relative path would not be found there.
    opts.mkdocs_python = str(Path(opts.mkdocs_python).absolute())

    t0 = time.perf_counter()
    sizes = [1, 10, 30] if opts.quick else [1, 10, 100, 300, 1000]
    if opts.sizes:
        sizes = sorted({int(x) for x in opts.sizes.split(",")})
    rtd_sizes = [1, 10, 30] if opts.quick else [1, 30, 100, 300, 1000]
    if opts.rtd_sizes:
        rtd_sizes = [] if opts.rtd_sizes == "none" else sorted({int(x) for x in opts.rtd_sizes.split(",")})
    if opts.rtd_only:
        sizes = []
    big = sizes[-1] if sizes else 0
    mid = 10 if opts.quick else 100
    if sizes and mid not in sizes:
        mid = sizes[1] if len(sizes) > 1 else sizes[0]
    reps_small = 3
    WORK.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_start": load()},
        "quick": opts.quick,
        "skipped": [],
    }
    have_mkdocs = Path(opts.mkdocs_python).exists()
    if not have_mkdocs:
        res["skipped"].append(f"MkDocs: no interpreter at {opts.mkdocs_python} (make bench creates it)")

    converter_sizes = [1, 10, 30] if opts.quick else [1, 100, 1000]
    if opts.sizes:
        converter_sizes = sizes
    if sizes:
        log("converter alone")
        res["converter"] = [converter(n) for n in converter_sizes]
        c = res["converter"]
        if len(c) >= 2:
            res["converter_exponent"] = slope((c[-2]["essays"], c[-2]["seconds"]), (c[-1]["essays"], c[-1]["seconds"]))

    builds: dict[str, dict[str, Any]] = {}
    projects: dict[int, Path] = {}
    for n in sizes:
        reps = reps_small if n <= 10 else 1
        log(f"{n} essays: ours -j 1 x{reps}")
        project = projects[n] = our_project(n)
        row: dict[str, Any] = {"essays": n, "load_at_start": load()}
        row["ours_j1"] = median_build(lambda p=project: clean_ours(p, "1"), reps)
        out = project / "_build"
        row["pages"] = len(list(out.rglob("*.html")))
        row["largest_pages"] = largest_pages(out)
        index = out / "searchindex.js"
        row["searchindex_bytes"] = index.stat().st_size
        row["searchindex_bytes_per_essay"] = index.stat().st_size / n
        middle = sorted((out / "book").glob("essay-*/index.html"))[n // 2]
        row["chapter_page"] = page_weight(out, middle)
        row["chapter_page_name"] = middle.relative_to(out).as_posix()
        row["search_bytes_before_first_result"] = search_weight(out)
        if n in (1, big):
            log(f"{n} essays: search, bytes before the first result (the default search, then Pagefind)")
            try:
                row["search_default"] = search_in_browser(out, "search.html", "#search-results li")
                pf = sphinx_pagefind(project)
                row["pagefind_seconds"] = pf["seconds"]
                row["search_pagefind"] = search_in_browser(
                    project / "_build-pagefind", "pagefind.html", ".pagefind-ui__result"
                )
                shutil.rmtree(project / "_build-pagefind", ignore_errors=True)
            except Exception as err:  # a missing browser must not lose the rest of the report
                res["skipped"].append(f"search in a browser at {n} essays: {type(err).__name__}: {err}")
        if n == mid or n == big:
            log(f"{n} essays: no-op rebuild, then one essay edited")
            row["noop"] = rebuild_ours(project)
            row["edit"] = rebuild_ours(project, edit=n // 2)
        log(f"{n} essays: make html after no edit, one note edited, one seed edited (phase by phase)")
        row["make_html"] = phases.rebuilds(project, n)
        if n > 1:
            log(f"{n} essays: ours -j auto x{reps}")
            row["ours_jauto"] = median_build(lambda p=project: clean_ours(p, "auto"), reps)
        # The bare project needs our generated pages: rebuild them if an -j auto run removed them.
        if not (project / "docs" / "book").is_dir():
            clean_ours(project, "auto")
        bare = bare_project(project, n)
        last = builds.get("300", {}).get("bare")
        if n == big and not opts.quick and last:
            # Stock furo's sidebar makes the bare build quadratic: 300 essays took minutes already.
            guess = last["median_s"] * (n / 300) ** 2
            res["skipped"].append(
                f"bare Sphinx at {n} essays: at 300 essays it took {'more than ' if last['timeout'] else ''}"
                f"{last['median_s']:.0f} s, so at {n} about {guess / 60:.0f} min or more (it grows as the square "
                f"of the book), far past the {opts.budget / 60:.0f} min budget of the whole run"
            )
        else:
            log(f"{n} essays: bare Sphinx x{reps}")
            cap = 240 if n >= 300 else None
            row["bare"] = median_build(lambda p=bare, c=cap: clean_bare(p, c), reps)
            bare_out = bare / "_build"
            bare_middle = bare_out / row["chapter_page_name"]
            if bare_middle.is_file():
                row["bare_chapter_page"] = page_weight(bare_out, bare_middle)
        if have_mkdocs:
            log(f"{n} essays: MkDocs Material x{reps}")
            mk = mkdocs_project(project, n)
            try:
                row["mkdocs"] = median_build(lambda p=mk: clean_mkdocs(p, opts.mkdocs_python), reps)
            except RuntimeError as err:
                res["skipped"].append(f"MkDocs at {n} essays failed: {str(err)[-500:]}")
        if n in (1, mid):
            # Last: it makes the project afresh for make livehtml.
            log(f"{n} essays: save to reload under make livehtml (a seed, then a note)")
            try:
                row["live"] = save_to_reload(n)
            except Exception as err:  # a missing browser must not lose the rest of the report
                res["skipped"].append(f"save to reload at {n} essays: {type(err).__name__}: {err}")
        builds[str(n)] = row
        res["builds"] = builds
        res["elapsed_s"] = time.perf_counter() - t0
        write(res, opts.out)  # a partial report survives an interrupted run
    if rtd_sizes:
        res["rtd"] = rtd_builds(rtd_sizes, opts.rtd_budget)
    res["machine"]["load_end"] = load()
    res["elapsed_s"] = time.perf_counter() - t0
    write(res, opts.out)
    if have_mkdocs:
        subprocess.run([opts.mkdocs_python, str(HERE / "plot.py"), str(opts.out / "bench.json")], check=False)
    log(f"done in {res['elapsed_s'] / 60:.1f} min: {opts.out / 'bench.md'}")
    return 0


def search_only(out: Path, sizes: list[int]) -> int:
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    load_start = load()
    rows = search_comparison(sizes)
    res = {"started": started, "load_start": load_start, "load_end": load(), "rows": rows}
    out.mkdir(parents=True, exist_ok=True)
    (out / "search.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n", "utf-8")
    lines = [
        "# Search: bytes transferred before the first result",
        "",
        f"Run {started} on {os.cpu_count()} CPUs; load average {load_start} at the start, "
        f"{res['load_end']} at the end.",
        "What Python's http.server on 127.0.0.1 sent (headers and bodies, no compression) for every request that",
        "arrived before the first result showed in Chromium, whoever asked (the page, its scripts, a Web Worker),",
        "in a fresh browser context per query (nothing cached). Time is from navigation to the first result.",
        "",
        *search_report(rows),
        "",
    ]
    (out / "search.md").write_text("\n".join(lines), "utf-8")
    log(f"done: {out / 'search.md'}")
    return 0


def _fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "–"
    return f"{x:.2f} {unit}" if x < 100 else f"{x:.0f} {unit}"


def write(res: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(res, indent=1, sort_keys=True) + "\n", "utf-8")
    (out / "bench.md").write_text(report(res), "utf-8")


def report(res: dict[str, Any]) -> str:
    b = res.get("builds", {})
    m = res["machine"]
    lines = [
        "# Build benchmark",
        "",
        f"Run {res['started']} on {m['cpus']} CPUs, Python {m['python']}; "
        f"load average (1, 5, 15 min) {m['load_start']} at the start and {m.get('load_end', '(run unfinished)')} "
        "at the end. The machine is shared: a load above 0 means other work ran meanwhile and slowed this run.",
        "Corpus: near-copies of the seed essay (one page each, its parts as sections, its notes; the glossary,",
        "sources and timeline of the book), words varied per copy.",
        "",
        "## Clean builds (median wall seconds; one run at 100 essays and more)",
        "",
        "| essays | pages | ours -j 1 | ours -j auto | bare Sphinx (myst + furo) | MkDocs Material | ours / bare "
        "| peak RSS ours | load average at start |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in b.items():
        ours = row["ours_j1"]["median_s"]
        auto = row.get("ours_jauto", {}).get("median_s")
        bare = row.get("bare", {}).get("median_s")
        mk = row.get("mkdocs", {}).get("median_s")
        stopped = row.get("bare", {}).get("timeout")
        ratio = f"{'< ' if stopped else ''}{ours / bare:.2f}" if bare else "–"
        bare_cell = f"stopped after {bare:.0f} s" if stopped else _fmt(bare)
        lines.append(
            f"| {n} | {row['pages']} | {_fmt(ours)} | {_fmt(auto)} | {bare_cell} | {_fmt(mk)} | {ratio} "
            f"| {_fmt(row['ours_j1'].get('peak_rss_mb'), 'MB')} | {row.get('load_at_start', '')} |"
        )
    lines += [
        "",
        "Bare Sphinx is stopped after 4 minutes from 300 essays on (its stock furo sidebar makes it quadratic).",
        "`-j auto` is 2 processes on this 2-core machine: when other work holds a core (load average above 1),",
        "the extra worker only competes with it, and `-j auto` can come out slower than `-j 1`.",
    ]
    lines += ["", "## Rebuilds", ""]
    for n, row in b.items():
        if "noop" in row:
            ours = row["ours_j1"]["median_s"]
            noop, edit = row["noop"], row["edit"]
            lines.append(
                f"- {n} essays, no-op rebuild: {noop['seconds']:.2f} s ({noop['seconds'] / ours:.0%} of the clean "
                f"build), HTML pages rewritten: {len(noop['rewritten'])} {noop['rewritten']}"
            )
            lines.append(
                f"- {n} essays, one essay edited: {edit['seconds']:.2f} s, HTML pages rewritten "
                f"({len(edit['rewritten'])}): {', '.join(edit['rewritten'])}"
            )
    lines += [
        "",
        "## The converter alone (parse, check, render in memory)",
        "",
        "| essays | pages | seconds | peak traced MB |",
        "|---|---|---|---|",
    ]
    for c in res.get("converter", []):
        lines.append(f"| {c['essays']} | {c['pages']} | {c['seconds']:.3f} | {c['peak_mb']:.1f} |")
    if "converter_exponent" in res:
        lines.append(
            f"\nGrowth exponent (log-log slope) between the two largest sizes: {res['converter_exponent']:.2f}."
        )
    lines += [
        "",
        "## What a reader downloads",
        "",
        "| essays | searchindex.js | per essay | chapter page (HTML + CSS + JS + fonts) | bare Sphinx chapter page |",
        "|---|---|---|---|---|",
    ]
    for n, row in b.items():
        cp = row["chapter_page"]
        bare = row.get("bare_chapter_page", {}).get("total")
        lines.append(
            f"| {n} | {row['searchindex_bytes'] / 1024:.0f} KB | {row['searchindex_bytes_per_essay'] / 1024:.1f} KB "
            f"| {cp['total'] / 1024:.0f} KB (HTML {cp['html'] / 1024:.0f} KB) | "
            f"{f'{bare / 1024:.0f} KB' if bare else '–'} |"
        )
    lines += [
        "",
        "### Search: bytes sent before the first result shows (Chromium, counted by the server)",
        "",
        'The default search page (`essaybook_search = "auto"`: Sphinx\'s whole index for a small book,',
        "the index in pieces for a large one) against the opt-in Pagefind index (`essaybook_pagefind = True`).",
        "",
        "| essays | search | " + " | ".join(f"“{q}”" for q in SEARCH_QUERIES) + " |",
        "|---|---|" + "---|" * len(SEARCH_QUERIES),
    ]
    for n, row in b.items():
        for key, name in (("search_default", "default"), ("search_pagefind", "Pagefind")):
            if key not in row:
                continue

            def cell(m: dict[str, Any]) -> str:
                if "error" in m:
                    return "no result"
                return f"{m['bytes'] / 1000:.0f} kB, {m['requests']} requests, {m['seconds']:.1f} s"

            lines.append(f"| {n} | {name} | " + " | ".join(cell(row[key][q]) for q in SEARCH_QUERIES) + " |")
    lines += ["", "The four engines side by side at 1, 100 and 1,000 essays: `bench.py --search` (results/search.md)."]
    lines += ["", *phases.report_lines(b)]
    live = {n: row["live"] for n, row in b.items() if "live" in row}
    if live:
        lines += [
            "## Save to reload under `make livehtml`",
            "",
            "Seconds from writing the file to the new words on the page open in Chromium (never reloaded by",
            "the benchmark: sphinx-autobuild's script reloads it).",
            "",
            "| essays | first build | seed saved | note saved | load average |",
            "|---|---|---|---|---|",
        ]
        for n, r in live.items():
            lines.append(
                f"| {n} | {r['first_build_s']:.1f} s | {r['seed_s']:.1f} s | {r['note_s']:.1f} s | {r['load_start']} |"
            )
        lines.append("")
    lines += ["", *rtd_report(res.get("rtd", {}))]
    lines += ["", "## Targets", ""]
    lines += targets(res)
    if res["skipped"]:
        lines += ["", "## Skipped", ""] + [f"- {s}" for s in res["skipped"]]
    lines += ["", f"Total run time {res.get('elapsed_s', 0) / 60:.1f} min.", ""]
    return "\n".join(lines)


def targets(res: dict[str, Any]) -> list[str]:
    b = res.get("builds", {})
    out = []

    def line(ok: bool | None, text: str) -> None:
        out.append(f"- {'met' if ok else 'NOT met' if ok is not None else 'not measured'}: {text}")

    one = b.get("1", {})
    if "bare" in one:
        r = one["ours_j1"]["median_s"] / one["bare"]["median_s"]
        line(r <= 1.25, f"clean build at 1 essay ≤ 1.25 × bare Sphinx: {r:.2f}")
    for n, row in b.items():
        if "noop" in row:
            pages = [p for p in row["noop"]["rewritten"] if p not in ALWAYS_WRITTEN]
            line(
                not pages,
                f"no-op rebuild at {n} essays rewrites 0 of the book's pages: {len(pages)} {pages} "
                f"(besides {', '.join(sorted(ALWAYS_WRITTEN))}, which Sphinx and sphinx-notfound-page write "
                "on every build)",
            )
    big = b.get("1000")
    if big:
        mk = big.get("mkdocs", {}).get("median_s")
        ours = min(big["ours_j1"]["median_s"], big.get("ours_jauto", {}).get("median_s", math.inf))
        line(
            mk is not None and ours < mk,
            f"at 1,000 essays faster than MkDocs Material: ours {ours:.1f} s, MkDocs {mk or 0:.1f} s "
            "(Zensical's 13.4 s was measured elsewhere)",
        )
        small = b.get("1", {}).get("chapter_page", {}).get("total")
        if small:
            r = big["chapter_page"]["total"] / small
            line(r <= 1.5, f"chapter page at 1,000 essays ≤ 1.5 × at 1 essay: {r:.2f}")
    big_search = big.get("search_default") if big else None
    if big_search:
        worst = max((m.get("bytes", math.inf) for m in big_search.values()), default=math.inf)
        line(worst <= 300_000, f"default search at 1,000 essays: first result within 300 kB: {worst / 1000:.0f} kB")
    if "converter_exponent" in res:
        e = res["converter_exponent"]
        line(e <= 1.1, f"converter growth exponent 100 → 1,000 essays ≤ 1.1: {e:.2f}")
    if "100" in b and "1000" in b:
        e = slope((100, b["100"]["ours_j1"]["median_s"]), (1000, b["1000"]["ours_j1"]["median_s"]))
        out.append(f"- for information: clean build (-j 1) growth exponent 100 → 1,000 essays: {e:.2f}")
    slower = [
        n for n, row in b.items() if "ours_jauto" in row and row["ours_jauto"]["median_s"] > row["ours_j1"]["median_s"]
    ]
    if any("ours_jauto" in row for row in b.values()):
        line(not slower, f"-j auto never slower than -j 1: slower at {slower or 'no size'}")
    for ok, text in phases.target_lines(b):
        line(ok, text)
    if big and big.get("largest_pages"):
        page, size = big["largest_pages"][0]
        line(
            size <= 300_000,
            f"at 1,000 essays (make html) no HTML page over 300 kB: the largest {page}, {size / 1000:.0f} kB",
        )
    for ok, text in rtd_targets(res.get("rtd", {})):
        line(ok, text)
    return out


if __name__ == "__main__":
    sys.exit(main())
