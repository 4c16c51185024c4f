"""The book built as Read the Docs builds it: its commands, clean, each format measured.

Read the Docs builds every version from a clean checkout, in every format
``.readthedocs.yaml`` names, with 15 minutes and 7 GB for the whole build
(its Community plan's documented limits). This runs its command sequence in
``docs/`` (``sphinx.configuration`` there), one format after the other
sharing ``_build/doctrees`` as it does:

* html: ``python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=en . OUT/html``
  (``fail_on_warning: true`` adds ``-W --keep-going``);
* pdf: ``python -m sphinx -T -b latex -d _build/doctrees -D language=en . OUT/latex``, then in that
  folder ``latexmk -r latexmkrc -pdf -f -dvi- -ps- -jobname=SLUG -interaction=nonstopmode``;
* epub: ``python -m sphinx -T -W --keep-going -b epub -d _build/doctrees -D language=en . OUT/epub``.

Each step's wall time, CPU time and peak memory of its whole process tree
(:mod:`treerss`: lualatex and xindy included) is recorded. LuaLaTeX starts
with an empty font cache (``TEXMFVAR`` in a new folder), as on Read the
Docs, where every build starts on a new machine image.

    python tests/bench/rtd.py PROJECT [--formats html,pdf,epub]   # prints JSON
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from treerss import measure  # noqa: E402

SLUG = "essay-book"
FORMATS = ("html", "pdf", "epub")
# Read the Docs' Community plan: the whole build, every format.
LIMIT_S = 900
LIMIT_MB = 7 * 1024


def _sphinx(python: str, builder: str, out: str, warnings_fail: bool) -> list[str]:
    args = [python, "-m", "sphinx", "-T"]
    if warnings_fail:
        args += ["-W", "--keep-going"]
    return [*args, "-b", builder, "-d", "_build/doctrees", "-D", "language=en", ".", out]


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READTHEDOCS", "SPHINX", "XINDY", "LATEX"))}
    env.update(
        READTHEDOCS="True",
        READTHEDOCS_PROJECT=SLUG,
        READTHEDOCS_VERSION="latest",
        READTHEDOCS_LANGUAGE="en",
        READTHEDOCS_CANONICAL_URL=f"https://{SLUG}.readthedocs.io/en/latest/",
        TEXMFVAR=str(cache),
        TEXMFCACHE=str(cache),
        NO_COLOR="1",
    )
    return env


def _step(args: list[str], cwd: Path, env: dict[str, str], timeout: float | None) -> dict[str, Any]:
    got = measure(args, cwd, env, timeout)
    ok = got["returncode"] == 0 and not got["timeout"]
    step = {k: got[k] for k in ("seconds", "cpu_s", "peak_rss_mb", "returncode", "timeout")}
    if not ok:
        step["error"] = (got["stdout"][-2000:] + got["stderr"][-3000:]).strip()
    # latexmk says "Run number 1 of rule 'lualatex'" (older: 'pdflatex', which runs LuaLaTeX here) per pass.
    runs = re.findall(r"Run number \d+ of rule '(?:pdf|lua)?latex", got["stdout"] + got["stderr"])
    if args[0] == "latexmk":
        step["lualatex_runs"] = len(runs)
    return step


def rtd_build(
    project: Path, formats: tuple[str, ...] = FORMATS, python: str = sys.executable, timeout: float | None = None
) -> dict[str, Any]:
    """Build ``project`` clean as Read the Docs does, format by format; the measures of each step and in total."""
    docs = project / "docs"
    out = project / "_readthedocs"
    for folder in (out, docs / "_build", docs / "book"):
        shutil.rmtree(folder, ignore_errors=True)
    cache = Path(tempfile.mkdtemp(prefix="essaybook-texmfvar-"))
    env = _env(cache)
    result: dict[str, Any] = {"formats": {}}
    try:
        for fmt in formats:
            steps: dict[str, Any] = {}
            if fmt == "html":
                steps["sphinx"] = _step(_sphinx(python, "html", str(out / "html"), True), docs, env, timeout)
            elif fmt == "epub":
                steps["sphinx"] = _step(_sphinx(python, "epub", str(out / "epub"), True), docs, env, timeout)
            elif fmt == "pdf":
                latex = docs / "_build" / "latex"
                steps["sphinx"] = _step(_sphinx(python, "latex", str(latex), False), docs, env, timeout)
                if steps["sphinx"]["returncode"] == 0:
                    args = ["latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-", f"-jobname={SLUG}"]
                    steps["latexmk"] = _step([*args, "-interaction=nonstopmode"], latex, env, timeout)
                    pdf, log = latex / f"{SLUG}.pdf", latex / f"{SLUG}.log"
                    steps["pdf_bytes"] = pdf.stat().st_size if pdf.is_file() else None
                    steps["pages"] = _pdf_pages(pdf) if pdf.is_file() else None
                    if log.is_file():
                        steps["missing_characters"] = log.read_text("utf-8", "replace").count("Missing character")
                    texs = sorted(latex.glob("*.tex"))
                    steps["fallback_fonts"] = _fallback_fonts(texs[0]) if len(texs) == 1 else None
            else:
                raise ValueError(f"unknown format {fmt!r}")
            measured = [s for s in steps.values() if isinstance(s, dict)]
            steps["seconds"] = sum(s["seconds"] for s in measured)
            steps["cpu_s"] = sum(s["cpu_s"] for s in measured)
            steps["peak_rss_mb"] = max(s["peak_rss_mb"] for s in measured)
            steps["ok"] = all(s["returncode"] == 0 and not s["timeout"] for s in measured)
            result["formats"][fmt] = steps
            if not steps["ok"]:
                break
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    done = result["formats"].values()
    result["seconds"] = sum(f["seconds"] for f in done)
    result["cpu_s"] = sum(f["cpu_s"] for f in done)
    result["peak_rss_mb"] = max((f["peak_rss_mb"] for f in done), default=0)
    result["ok"] = all(f["ok"] for f in done) and len(result["formats"]) == len(formats)
    return result


def _pdf_pages(pdf: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else None


def _fallback_fonts(tex: Path) -> list[str]:
    """The font families the LaTeX names in its fallback lists (each loaded at every size used)."""
    text = tex.read_text("utf-8", "replace")
    found = re.findall(r'"([^":]+?)(?: Bold)?:mode=', "".join(x for x in text.splitlines() if "add_fallback" in x))
    return sorted(set(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--formats", default=",".join(FORMATS))
    opts = parser.parse_args()
    print(json.dumps(rtd_build(opts.project.resolve(), tuple(opts.formats.split(","))), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
