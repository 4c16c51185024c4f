"""The W3C Nu HTML Checker, as the site tests run it.

``vnu.jar`` is pinned in ``tests/vnu/package-lock.json`` and installed with
``npm ci --ignore-scripts`` (``make vnu``; :func:`command` does the same when
it is missing), then run with the system's Java. There is no list of errors
to forgive: markup Sphinx or furo would write wrongly is corrected when the
page is written (``essaybook.sphinx_ext.a11y``), so every error is the project's to fix.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sitebuild import ROOT

__all__ = ["JAR", "Missing", "command", "errors", "report", "uri"]

VNU_DIR = ROOT / "tests" / "vnu"
JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class Missing(Exception):
    """Java or npm is not installed."""


def command() -> list[str]:
    """The command that runs the checker; installs it from tests/vnu (as ``make vnu`` does) if needed."""
    needed = ["java"] if JAR.is_file() else ["java", "npm"]
    missing = [tool for tool in needed if shutil.which(tool) is None]
    if missing:
        raise Missing(
            f"the HTML checker needs {' and '.join(missing)}, which is not installed: install Java 11 or newer "
            "and npm (Debian: apt-get install default-jre-headless npm), then run make vnu"
        )
    if not JAR.is_file():
        proc = subprocess.run(
            ["npm", "ci", "--prefix", str(VNU_DIR), "--ignore-scripts", "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0 and JAR.is_file(), f"could not install vnu-jar (make vnu):\n{proc.stderr}"
    # A large stack: the checker recurses over deeply nested or very long pages.
    return ["java", "-Xss8m", "-jar", str(JAR)]


def errors(cmd: list[str], files: Iterable[Path]) -> dict[str, list[dict]]:
    """The checker's errors, by file URI (``file:/tmp/...``), in one run (one JVM) over all files."""
    files = list(files)
    proc = subprocess.run(
        [*cmd, "--errors-only", "--format", "json", *map(str, files)], capture_output=True, text=True, timeout=900
    )
    # vnu exits 1 when it found errors and writes its JSON report on stderr.
    assert proc.returncode in (0, 1), f"vnu failed ({proc.returncode}): {proc.stderr[-2000:]}"
    messages = json.loads(proc.stderr)["messages"]
    assert all("url" in m for m in messages), [m for m in messages if "url" not in m]
    by_file: dict[str, list[dict]] = {uri(f): [] for f in files}
    for m in messages:
        by_file.setdefault(m["url"], []).append(m)
    return by_file


def uri(file: Path) -> str:
    """A file's URI as the checker spells it."""
    return file.resolve().as_uri().replace("file:///", "file:/")


def report(messages: list[dict], limit: int = 40) -> str:
    return "\n".join(
        f"{m['url'].rsplit('/html/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract')!r}]"
        for m in messages[:limit]
    )
