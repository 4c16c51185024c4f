"""Sphinx configuration for the essay book.

The book's title, version and copyright come from ``conf/book.toml`` (read by
the ``essaybook.sphinxext`` extension), so editors never edit this file. Read
the Docs builds from this folder with plain ``sphinx-build``; ``make html``
runs the same command, so both make the same book.
"""

import os
import sys
from pathlib import Path

# Let a plain checkout build without installing the package first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

extensions = [
    "myst_parser",
    "essaybook.sphinxext",
]

# Paths are relative to this folder.
essaybook_seeds_dir = "../seeds"
essaybook_conf_dir = "../conf"
essaybook_output_dir = "book"

# A seed's quotes, dashes and dots are the author's: never "improve" them.
smartquotes = False

myst_enable_extensions = ["colon_fence", "attrs_block"]
myst_heading_anchors = 0
myst_footnote_transition = False

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["essaybook.css"]
# Our own small scripts (no CDN: the book reads offline): previews of terms and
# notes, and search results that land on the matching paragraph. Deferred, so
# they run after searchtools.js and before the search page starts its query.
html_js_files = [
    ("essaybook-previews.js", {"defer": "defer"}),
    ("essaybook-search.js", {"defer": "defer"}),
    ("essaybook-a11y.js", {"defer": "defer"}),
]
html_favicon = "_static/essaybook-favicon.svg"

html_theme = "furo"
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

# Builds are reproducible: no build date in the pages.
today_fmt = "%Y"
