"""Sphinx configuration for the essay book.

The book's title, version and rights come from ``conf/book.toml`` (read by
the ``essaybook`` extension), so editors never edit this file. Read
the Docs builds from this folder with plain ``sphinx-build``; ``make html``
runs the same command, so both make the same book.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

# Let a plain checkout build without installing the package first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from essaybook.core.how_to_cite import readthedocs_pdf_url

extensions = [
    "myst_parser",
    "essaybook",
    "sphinxext.opengraph",
    "notfound.extension",
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
]
html_favicon = "_static/essaybook-favicon.svg"

html_theme = "furo"
# The site's address, ending in "/" (Read the Docs sets it, e.g. ".../en/latest/").
# Unset in a local build: then no page claims an address it does not have.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
if html_baseurl and not html_baseurl.endswith("/"):
    html_baseurl += "/"
# Where Read the Docs serves this version's PDF (formats: pdf in .readthedocs.yaml),
# named in the pages' citation tags; "" elsewhere, where there is none to name.
essaybook_pdf_url = readthedocs_pdf_url(os.environ)
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

# Builds are reproducible: no build date in the pages.
today_fmt = "%Y"

# --- the web site around the book --------------------------------------------
# A sitemap only where the site has an address: its entries must be absolute
# URLs, and a local build has none to give. robots.txt (written by
# essaybook.sphinx_ext.site) names the sitemap when there is one.
if html_baseurl:
    extensions.append("sphinx_sitemap")
sitemap_url_scheme = "{link}"  # the canonical URL already holds language and version
sitemap_excludes = ["404.html", "search.html"]
ogp_site_url = html_baseurl
ogp_social_cards = {"enable": False}  # no images drawn at build time
# The 404 page's links are absolute: under Read the Docs' /en/latest/, or the
# root of `make serve` locally.
notfound_urls_prefix = urlparse(html_baseurl).path or "/"
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>\n"
        "<p>There is no page at this address: it may have moved when the book was rebuilt. "
        f'Start again from the <a href="{notfound_urls_prefix}index.html">title page</a>, '
        "or search the book.</p>"
    ),
}

# --- EPUB -------------------------------------------------------------------------
# Title, author, publisher, description and a stable identifier come from
# conf/book.toml (essaybook.sphinx_ext.epub); the date is SOURCE_DATE_EPOCH when set.
epub_uid = "bookid"
epub_scheme = "URN"
epub_show_urls = "no"  # the sources print their addresses already

# --- PDF (LaTeX) ------------------------------------------------------------
# LuaLaTeX prints essays in any script: HarfBuzz shapes them, luaotfload falls
# back through the Noto fonts, babel orders right-to-left text and breaks Thai
# and CJK lines (README: why not XeLaTeX). essaybook.sphinx_ext.latex sets the fonts, the
# page (essaybook.sty), the title page and the document information from
# conf/book.toml. Sphinx escapes "--", "``" and "''", so TeX never turns a
# seed's hyphens or quotes into dashes or curly quotes.
latex_engine = "lualatex"
latex_show_urls = "no"
latex_show_pagerefs = False
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    "figure_align": "htbp",
}

# --- link checking -------------------------------------------------------------
# `make linkcheck` checks every web address the sources cite only when asked
# (EXTERNAL=1): CI has no network. Internal references are checked by every
# build (-n), and by linkcheck's own pass over local links.
linkcheck_timeout = 20
linkcheck_retries = 2
