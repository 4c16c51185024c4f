"""Ace by DAISY, the EPUB accessibility checker, run on an EPUB the tests built.

Ace is pinned in ``tests/ace/package-lock.json`` and installed by ``make ace``
(which ``make test`` runs) with ``npm ci --ignore-scripts``: Puppeteer then
downloads no browser, and Ace drives Debian's Chromium, named by
``PUPPETEER_EXECUTABLE_PATH``. Ace checks the package (EPUB Accessibility
metadata) and runs axe-core over every content document; its report lists
each violation with its impact (minor, moderate, serious, critical).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["ACE", "Missing", "violations"]

ACE = Path(__file__).resolve().parent / "ace" / "node_modules" / ".bin" / "ace-cli"


class Missing(Exception):
    """Ace or Chromium is not installed; the message says how to install it."""


def violations(epub: Path, workdir: Path) -> tuple[list[str], dict]:
    """Every violation Ace reports for ``epub``, one line each, and its whole report."""
    if not ACE.exists():
        raise Missing(f"Ace is not installed ({ACE}): run 'make ace' (needs npm)")
    chromium = shutil.which("chromium")
    if chromium is None:
        raise Missing("Ace drives Chromium, which is missing: apt-get install chromium")
    out = workdir / "ace-report"
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": chromium,
        "PUPPETEER_SKIP_DOWNLOAD": "1",
        # Ace keeps its settings and logs under the user's folders; a test leaves them alone.
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_STATE_HOME": str(workdir / "state"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
    }
    proc = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report_file = out / "report.json"
    assert proc.returncode == 0 and report_file.is_file(), (
        f"Ace failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    )
    report = json.loads(report_file.read_text("utf-8"))
    found = [
        f"{doc['earl:testSubject']['url']}: {a['earl:test']['earl:impact']} {a['earl:test']['dct:title']}: "
        f"{a['earl:result']['dct:description']}"
        for doc in report.get("assertions", [])
        for a in doc.get("assertions", [])
        if a.get("earl:result", {}).get("earl:outcome") == "fail"
    ]
    return found, report
