"""An optional chunked search index (Pagefind) for books too large for Sphinx's search.

Sphinx's search page downloads the whole ``searchindex.js`` before it shows a
result: about 2 KB per essay, so some 2 MB for a book of a thousand essays.
Pagefind splits its index into small chunks and fetches only those a query
needs. With ``essaybook_pagefind = True`` in ``conf.py`` (and the ``pagefind``
extra installed: ``pip install 'essaybook[pagefind]'``), every successful HTML
build ends by running Pagefind over the output, indexing each page's main
column, and writes ``pagefind.html``, a search page that uses it. Sphinx's own
search stays as it is and remains the default; Pagefind runs offline (its
binary comes with the PyPI package).
"""

from __future__ import annotations

import subprocess
import sys
from html import escape
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

__all__ = ["PAGE", "build_finished"]

PAGE = "pagefind.html"

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Search — {title}</title>
<link rel="stylesheet" href="pagefind/pagefind-ui.css">
<script src="pagefind/pagefind-ui.js"></script>
</head>
<body>
<main style="max-width: 46rem; margin: 2rem auto; padding: 0 1rem">
<p><a href="index.html">{title}</a></p>
<h1>Search</h1>
<div id="search"></div>
</main>
<script>
window.addEventListener("DOMContentLoaded", () => {{
  const ui = new PagefindUI({{ element: "#search", showSubResults: true, showImages: false }});
  const q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
}});
</script>
</body>
</html>
"""


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or not app.config.essaybook_pagefind or app.builder.name not in {"html", "dirhtml"}:
        return
    outdir = Path(app.outdir)
    args = [sys.executable, "-m", "pagefind", "--site", str(outdir), "--root-selector", "article", "--silent"]
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False)
    except OSError as err:
        raise ExtensionError(f"essaybook_pagefind: could not run Pagefind: {err}") from err
    if done.returncode != 0:
        raise ExtensionError(
            f"essaybook_pagefind: Pagefind failed ({done.returncode}); is the 'pagefind[bin]' package installed "
            f"(pip install 'essaybook[pagefind]')?\n{done.stderr.strip() or done.stdout.strip()}"
        )
    page = _PAGE.format(lang=escape(app.config.language or "en"), title=escape(app.config.project))
    (outdir / PAGE).write_text(page, "utf-8")
    logger.info("essaybook: Pagefind index written to %s and its search page to %s", outdir / "pagefind", PAGE)
