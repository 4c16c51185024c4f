"""Where a build's time goes: one ``sphinx-build`` run, timed phase by phase.

Not a test, and not a profiler: a profiler's overhead lands on the many small
calls of the read and write phases and changes the proportions. Here a few
dozen functions of Sphinx and of the extension are wrapped with a clock, and
each phase is charged only for the time spent in it and not in a phase nested
inside it (resolving a page is not also counted as writing it). The run is
otherwise the ordinary ``python -m sphinx``, in a child process of its own::

    python tests/bench/phases.py PROJECT OUT DOCTREES REPORT   # writes JSON to REPORT

``measure`` runs that and adds the time Python takes to start (the child's wall
time less what it measured itself) and the publish step (``essaybook publish``
of the build into a second folder, as ``make html`` does).
"""

from __future__ import annotations

import json
import os
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
    ("converter: conf load", "essaybook.sphinxext", "load_book"),
    ("converter: other", "essaybook.sphinxext", "builder_inited"),
    ("converter: parse seeds", "essaybook.pipeline", "read_seed"),
    ("converter: parse seeds", "essaybook.pipeline", "parse_seed"),
    ("converter: conf load", "essaybook.pipeline", "load_edition"),
    ("converter: resolve anchors", "essaybook.pipeline", "resolve"),
    ("converter: render", "essaybook.pipeline", "render_book"),
    ("converter: render", "essaybook.pipeline", "render_chapter"),
    ("converter: render", "essaybook.pipeline", "render_apparatus"),
    ("converter: citeproc", "essaybook.render", "bibliography"),
    ("converter: citeproc", "essaybook.pipeline", "bibliography"),
    ("converter: write if changed", "essaybook.sphinxext", "write_pages"),
    ("outdated check", "sphinx.builders", "Builder.read"),
    ("outdated check", "sphinx.environment", "BuildEnvironment.check_dependents"),
    ("outdated check", "essaybook.sphinxext", "env_get_outdated"),
    ("outdated check", "essaybook.sphinxext", "env_get_updated"),
    ("navigation digest", "essaybook.navigation", "navigation_changed"),
    ("read", "sphinx.builders", "Builder._read_serial"),
    ("read", "sphinx.builders", "Builder._read_parallel"),
    ("consistency check", "sphinx.environment", "BuildEnvironment.check_consistency"),
    ("write: prepare", "sphinx.builders", "Builder.write"),
    ("navigation tree", "essaybook.navigation", "write_started"),
    ("resolve", "sphinx.environment", "BuildEnvironment.get_and_resolve_doctree"),
    ("resolve: glossary where-used", "essaybook.sphinxext", "WhereUsed.run"),
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
    ("converter: memo", "essaybook.memo", "Memo._load"),
    ("converter: memo", "essaybook.memo", "Memo.save"),
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
    import sphinx.cmd.build

    sys.path.insert(0, str(project / "src"))
    _install(clock)
    imported = time.perf_counter()
    os.chdir(project)
    args = ["-W", "--keep-going", "-n", "-q", "-b", "html", "-d", str(doctrees), "docs", str(out)]
    code = clock.wrap("build", sphinx.cmd.build.build_main)(args)
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
