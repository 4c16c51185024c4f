"""Where a build's time goes: one ``sphinx-build`` run, timed phase by phase.

Not a test, and not a profiler: a profiler's overhead lands on the many small
calls of the read and write phases and changes the proportions. Here a few
dozen functions of Sphinx and of the extension are wrapped with a clock, and
each phase is charged only for the time spent in it and not in a phase nested
inside it (resolving a page is not also counted as writing it). The run is
otherwise what ``make html`` runs, ``python -m essaybook.sphinx_ext.build`` (Sphinx's own
build, then an exit that frees nothing), in a child process of its own::

    python tests/bench/phases.py PROJECT OUT DOCTREES REPORT   # writes JSON to REPORT

``measure`` runs that and adds the time Python takes to start and to end (the
child's wall time less what it measured itself) and the publish step (``essaybook publish``
of the build into a second folder, as ``make html`` does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (phase, module, attribute path): the functions timed. Each is charged its own
# time less that of any timed function it calls.
WATCHED: list[tuple[str, str, str]] = [
    ("Sphinx set-up (extensions, conf.py, builder)", "sphinx.application", "Sphinx.__init__"),
    ("environment load", "sphinx.application", "Sphinx._load_existing_env"),
    ("converter: conf load", "essaybook.sphinx_ext.conversion", "load_book"),
    ("converter: other", "essaybook.sphinx_ext.conversion", "builder_inited"),
    ("converter: parse seeds", "essaybook.core.pipeline", "read_seed"),
    ("converter: parse seeds", "essaybook.core.pipeline", "parse_seed"),
    ("converter: conf load", "essaybook.core.pipeline", "load_edition"),
    ("converter: resolve anchors", "essaybook.core.pipeline", "resolve"),
    ("converter: render", "essaybook.core.pipeline", "render_book"),
    ("converter: render", "essaybook.core.pipeline", "render_chapter"),
    ("converter: render", "essaybook.core.pipeline", "render_apparatus"),
    ("converter: citeproc", "essaybook.core.render", "bibliography"),
    ("converter: citeproc", "essaybook.core.pipeline", "bibliography"),
    ("converter: write if changed", "essaybook.sphinx_ext.conversion", "write_pages"),
    ("outdated check", "sphinx.builders", "Builder.read"),
    ("outdated check", "sphinx.environment", "BuildEnvironment.check_dependents"),
    ("outdated check", "essaybook.sphinx_ext.incremental", "env_get_outdated"),
    ("outdated check", "essaybook.sphinx_ext.incremental", "env_get_updated"),
    ("navigation digest", "essaybook.sphinx_ext.navigation", "navigation_digest"),
    ("read", "sphinx.builders", "Builder._read_serial"),
    ("read", "sphinx.builders", "Builder._read_parallel"),
    ("consistency check", "sphinx.environment", "BuildEnvironment.check_consistency"),
    ("write: prepare", "sphinx.builders", "Builder.write"),
    ("navigation tree", "essaybook.sphinx_ext.navigation", "write_started"),
    ("resolve", "sphinx.environment", "BuildEnvironment.get_and_resolve_doctree"),
    ("resolve: glossary where-used", "essaybook.sphinx_ext.glossary", "WhereUsed.run"),
    ("write", "sphinx.builders", "Builder.write_documents"),
    ("write", "sphinx.builders.html", "StandaloneHTMLBuilder.write_doc"),
    ("search index", "sphinx.builders.html", "StandaloneHTMLBuilder.index_page"),
    ("search index", "sphinx.builders.html", "StandaloneHTMLBuilder.load_indexer"),
    ("search index", "sphinx.builders.html", "StandaloneHTMLBuilder.dump_search_index"),
    ("genindex, search and 404 pages", "sphinx.builders.html", "StandaloneHTMLBuilder.gen_indices"),
    ("genindex, search and 404 pages", "sphinx.builders.html", "StandaloneHTMLBuilder.gen_additional_pages"),
    ("genindex, search and 404 pages", "sphinx.builders.html", "StandaloneHTMLBuilder.gen_pages_from_extensions"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.copy_static_files"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.copy_extra_files"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.copy_image_files"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.copy_download_files"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.dump_inventory"),
    ("static files, inventory", "sphinx.builders.html", "StandaloneHTMLBuilder.write_buildinfo"),
]
# The converter's memo, where there is one (its loading is timed with the first lookup of each kind).
OPTIONAL: list[tuple[str, str, str]] = [
    ("converter: memo", "essaybook.core.memo", "Memo._load"),
    ("converter: memo", "essaybook.core.memo", "Memo.save"),
]
ENV_DUMP = "environment dump"
# The order of the report's rows.
ORDER = [
    "Python start-up, imports",
    "Sphinx set-up (extensions, conf.py, builder)",
    "converter: conf load",
    "converter: parse seeds",
    "converter: resolve anchors",
    "converter: citeproc",
    "converter: render",
    "converter: write if changed",
    "converter: memo",
    "converter: other",
    "environment load",
    "outdated check",
    "navigation digest",
    "read",
    ENV_DUMP,
    "consistency check",
    "write: prepare",
    "navigation tree",
    "resolve",
    "resolve: glossary where-used",
    "write",
    "search index",
    "genindex, search and 404 pages",
    "static files, inventory",
    "other (Sphinx)",
    "publish (essaybook publish)",
]


class Clock:
    """Exclusive time per phase: a timed call nested in another is charged to its own phase only."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.stack: list[list[float]] = []  # per active call: [start, time of nested timed calls]

    def wrap(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [time.perf_counter(), 0.0]
            self.stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self.stack.pop()
                spent = time.perf_counter() - frame[0]
                self.totals[phase] = self.totals.get(phase, 0.0) + spent - frame[1]
                if self.stack:
                    self.stack[-1][1] += spent

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


def _install(clock: Clock) -> None:
    import importlib

    for phase, module_name, path in WATCHED + OPTIONAL:
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part)
        if hasattr(owner, name):
            setattr(owner, name, clock.wrap(phase, getattr(owner, name)))
    # The environment is pickled by Sphinx's builder module; doctrees too (part of reading).
    import pickle

    import sphinx.builders
    from sphinx.environment import BuildEnvironment

    class _Pickle:
        def __getattr__(self, name: str) -> Any:
            return getattr(pickle, name)

        @staticmethod
        def dump(obj: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(obj, BuildEnvironment):
                return clock.wrap(ENV_DUMP, pickle.dump)(obj, *args, **kwargs)
            return pickle.dump(obj, *args, **kwargs)

    sphinx.builders.pickle = _Pickle()  # type: ignore[assignment]


def _child(project: Path, out: Path, doctrees: Path, report: Path) -> int:
    start = time.perf_counter()
    clock = Clock()
    sys.path.insert(0, str(project / "src"))
    # make html's command (it imports Sphinx's), imported before the clock is installed.
    from essaybook.sphinx_ext import build

    _install(clock)
    imported = time.perf_counter()
    os.chdir(project)
    args = ["-W", "--keep-going", "-n", "-q", "-b", "html", "-d", str(doctrees), "docs", str(out)]
    # make html's command: Sphinx's build, and an exit that frees nothing the build held.
    code = clock.wrap("build", build.main)(args)
    end = time.perf_counter()
    totals = dict(clock.totals)
    totals["other (Sphinx)"] = totals.pop("build", 0.0)
    totals["Python start-up, imports"] = imported - start
    report.write_text(json.dumps({"code": code, "in_process_s": end - start, "phases": totals}), "utf-8")
    return code


def measure(project: Path, out: Path, doctrees: Path, publish_to: Path | None = None) -> dict[str, Any]:
    """One timed build of ``project`` (and its publication into ``publish_to``); the seconds per phase."""
    report = project / ".phases.json"
    report.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, str(project), str(out), str(doctrees), str(report)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"timed build failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result = json.loads(report.read_text("utf-8"))
    phases: dict[str, float] = result["phases"]
    # The interpreter's own start, before the first line of this script ran.
    phases["Python start-up, imports"] += max(0.0, wall - result["in_process_s"])
    build = wall
    if publish_to is not None:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "essaybook", "publish", str(out), str(publish_to)],
            cwd=project,
            capture_output=True,
            check=True,
        )
        phases["publish (essaybook publish)"] = time.perf_counter() - start
    return {"build_s": build, "total_s": build + phases.get("publish (essaybook publish)", 0.0), "phases": phases}


def table(columns: dict[str, dict[str, Any]]) -> list[str]:
    """A Markdown table: a row per phase, a column per measured build."""
    names = list(columns)
    seen = {p for c in columns.values() for p in c["phases"]}
    rows = [p for p in ORDER if p in seen] + sorted(seen - set(ORDER))
    lines = ["| phase | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for phase in rows:
        cells = []
        for name in names:
            value = columns[name]["phases"].get(phase)
            cells.append("–" if value is None else f"{value:.2f}")
        lines.append(f"| {phase} | " + " | ".join(cells) + " |")
    lines.append("| **total (wall)** | " + " | ".join(f"**{columns[n]['total_s']:.2f}**" for n in names) + " |")
    return lines


if __name__ == "__main__":
    sys.exit(_child(*(Path(a) for a in sys.argv[1:5])))


# --- in the benchmark (bench.py) ---------------------------------------------------


def _html_mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.html")}


def rebuilds(project: Path, n: int) -> dict[str, Any]:
    """``make html`` (a build into a staging folder, then ``essaybook publish``) after no edit, after one
    note's text changed and after one seed's text changed, each timed phase by phase.

    The project has been built clean into ``_build`` (its doctrees in ``_build/.doctrees``); a first
    build with ``make html``'s options publishes the book and is not counted.
    """
    from corpus import edit_note, edit_one

    out, doctrees, site = project / "_build", project / "_doctrees", project / "_site"
    # The benchmark's clean builds keep their doctrees in the output folder, which
    # make html keeps elsewhere (and publishing would copy): moved beside it.
    if (out / ".doctrees").is_dir():
        shutil.rmtree(doctrees, ignore_errors=True)
        shutil.move(out / ".doctrees", doctrees)
    shutil.rmtree(site, ignore_errors=True)
    measure(project, out, doctrees, site)
    runs: dict[str, Any] = {"load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    for name, edit in (
        ("noop", None),
        ("note", lambda: edit_note(project, n // 2)),
        ("seed", lambda: edit_one(project, n // 2)),
    ):
        if edit is not None:
            edit()
        before = _html_mtimes(out)
        runs[name] = measure(project, out, doctrees, site)
        after = _html_mtimes(out)
        runs[name]["rewritten"] = sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k))
    return runs


_RUNS = {"noop": "no-op", "note": "one note edited", "seed": "one seed edited"}


def report_lines(builds: dict[str, dict[str, Any]]) -> list[str]:
    """The benchmark report's section on ``make html`` after an edit: a summary per size, phases at the largest two."""
    rows = {n: row for n, row in builds.items() if "make_html" in row}
    if not rows:
        return []
    lines = [
        "## `make html` after an edit (build and publish, as an editor runs it)",
        "",
        "Wall seconds of `make html`'s two commands (`python -m essaybook.sphinx_ext.build -W --keep-going -n`",
        "into the staging folder, then `essaybook publish`), timed phase by phase by `tests/bench/phases.py`.",
        "",
        "| essays | clean build (-j 1) | no-op | one note edited | one seed edited | no-op / clean | edit / clean "
        "| load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, row in rows.items():
        clean = row["ours_j1"]["median_s"]
        runs = row["make_html"]
        edit = max(runs["note"]["total_s"], runs["seed"]["total_s"])
        lines.append(
            f"| {n} | {clean:.2f} s | {runs['noop']['total_s']:.2f} s | {runs['note']['total_s']:.2f} s "
            f"| {runs['seed']['total_s']:.2f} s | {runs['noop']['total_s'] / clean:.1%} | {edit / clean:.1%} "
            f"| {runs['load']} |"
        )
    lines.append("")
    for n, row in rows.items():
        runs = row["make_html"]
        lines.append(
            f"- {n} essays, pages written besides the index, search and 404 pages: "
            + "; ".join(
                f"{_RUNS[k]}: {', '.join(p for p in runs[k]['rewritten'] if p not in ALWAYS) or 'none'}" for k in _RUNS
            )
        )
    big = [n for n in rows if n in ("100", "1000")] or list(rows)[-2:]
    columns = {f"{n}, {_RUNS[k]}": rows[n]["make_html"][k] for n in big for k in _RUNS}
    lines += ["", f"### Where the time goes at {' and '.join(big)} essays (seconds)", ""]
    lines += table(columns)
    lines.append("")
    return lines


ALWAYS = frozenset({"genindex.html", "search.html", "404.html"})


def target_lines(builds: dict[str, dict[str, Any]]) -> list[tuple[bool | None, str]]:
    """Issue 12 §1's targets for an edit and a no-op, from the ``make_html`` runs: (met, text)."""
    out: list[tuple[bool | None, str]] = []
    big = builds.get("1000", {}).get("make_html")
    if big:
        note, noop = big["note"]["total_s"], big["noop"]["total_s"]
        out.append((note <= 5, f"at 1,000 essays one note edited → make html ≤ 5 s: {note:.2f} s"))
        out.append((noop <= 3, f"at 1,000 essays a no-op make html ≤ 3 s: {noop:.2f} s"))
    mid = builds.get("300", {})
    if "make_html" in mid:
        clean = mid["ours_j1"]["median_s"]
        runs = mid["make_html"]
        for k in ("note", "seed"):
            share = runs[k]["total_s"] / clean
            out.append((share <= 0.08, f"at 300 essays {_RUNS[k]} costs ≤ 8 % of a clean build: {share:.1%}"))
        share = runs["noop"]["total_s"] / clean
        out.append((share <= 0.05, f"at 300 essays a no-op costs ≤ 5 % of a clean build: {share:.1%}"))
    one = builds.get("1", {}).get("make_html")
    if one:
        for k in ("note", "seed"):
            r = one[k]["total_s"] / one["noop"]["total_s"]
            out.append((r <= 1.3, f"at 1 essay {_RUNS[k]} costs ≤ 1.3 × a no-op: {r:.2f} ×"))
    return out
