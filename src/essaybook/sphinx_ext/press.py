"""The press: everything ``extensions = ["essaybook"]`` brings a book besides the conversion.

A book's ``conf.py`` names the extension and may stop there. This module
loads the extensions a book needs (MyST-Parser; OpenGraph tags; the 404
page; the sitemap when the site has an address), adds the press's own
stylesheet, scripts, favicon and search template from the package, so a book
holds no copy of them and a newer press brings newer ones, and gives the
settings a book rarely changes their values.

Each value here is a default: ``conf.py`` or ``-D`` still set it
(:func:`.config.set_default`; a value ``conf.py`` sets to Sphinx's own
default reads as unset). Two are not defaults, because the book's promise
depends on them: ``smartquotes`` stays off (a seed's quotes, dashes and dots
are the author's), and the MyST syntax the generated pages use is added to
whatever ``myst_enable_extensions`` lists. A book's own ``_templates/`` and
``_static/`` beside ``conf.py`` are used when they exist, and win over the
press's files of the same name.

Read the Docs names the site's address in ``READTHEDOCS_CANONICAL_URL``:
it becomes ``html_baseurl`` (canonical links), the OpenGraph site, the
sitemap (loaded only then: its entries must be absolute) and the 404 page's
root. A local build has no address and claims none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

from ..core.how_to_cite import readthedocs_pdf_url
from .config import set_default

__all__ = ["STATIC", "TEMPLATES", "config_inited", "load_after", "load_before", "site_address"]

HERE = Path(__file__).resolve().parent
# What every HTML builder copies into _static/, the EPUB's too (as html_static_path did).
STATIC = HERE / "static"
TEMPLATES = HERE / "templates" / "html"

# The MyST syntax the generated pages and the hand-written ones use.
MYST_SYNTAX = ("colon_fence", "attrs_block")

# Settings a book rarely changes, each a default conf.py may override.
DEFAULTS: dict[str, Any] = {
    "html_theme": "furo",
    "html_favicon": str(STATIC / "essaybook-favicon.svg"),
    # The generated pages are not the book's sources: the seeds and conf/ are.
    "html_copy_source": False,
    "html_show_sourcelink": False,
    # Builds are reproducible: no build date in the pages.
    "today_fmt": "%Y",
    "exclude_patterns": ["_build", "Thumbs.db", ".DS_Store"],
    # The notes are listed under a heading of their own (essaybook.core.render).
    "myst_footnote_transition": False,
    # Title, authors, publisher, description and a stable identifier come from
    # conf/book.toml (essaybook.sphinx_ext.epub); the date is SOURCE_DATE_EPOCH when set.
    "epub_uid": "bookid",
    "epub_scheme": "URN",
    "epub_show_urls": "no",  # the sources print their addresses already
    # `make linkcheck EXTERNAL=1` fetches every address the sources cite: each gets
    # 20 seconds and two attempts before it counts as broken.
    "linkcheck_timeout": 20,
    "linkcheck_retries": 2,
    "ogp_social_cards": {"enable": False},  # no images drawn at build time
    "sitemap_url_scheme": "{link}",  # the canonical address already holds language and version
    "sitemap_excludes": ["404.html", "search.html"],
}

# LaTeX settings the PDF starts from; conf.py's latex_elements win where they set a key
# (essaybook.sphinx_ext.latex owns the rest: fonts, page, title page).
LATEX_ELEMENTS = {"papersize": "a4paper", "pointsize": "11pt", "figure_align": "htbp"}


def site_address(environ: Mapping[str, str]) -> str:
    """The site's address as Read the Docs gives it, ending in "/"; "" in a local build, which has none."""
    address = environ.get("READTHEDOCS_CANONICAL_URL", "")
    if address and not address.endswith("/"):
        address += "/"
    return address


def load_before(app: Sphinx) -> None:
    """The extensions the book's pages are read with, loaded before the press registers anything."""
    app.setup_extension("myst_parser")


def load_after(app: Sphinx) -> None:
    """The press's files and the web site's extensions, after the press's own handlers are connected.

    Order matters where handlers share a priority: the 404 page's and the
    OpenGraph handlers run after the press's (navigation, descriptions).
    """
    # Priority 800 is where conf.py's html_css_files and html_js_files go, after every
    # extension's and the theme's: a book's own, added there, follow ours.
    app.add_css_file("essaybook.css", priority=800)
    # On Read the Docs the sidebar's search field opens Read the Docs' own search (its
    # addons, when their search is on): not deferred, to be listening before they report.
    app.add_js_file("essaybook-readthedocs.js", priority=800)
    # Previews of terms and notes, and search results that land on the matching paragraph:
    # deferred, so they run after searchtools.js and before the search page starts its query.
    app.add_js_file("essaybook-previews.js", priority=800, defer="defer")
    app.add_js_file("essaybook-search.js", priority=800, defer="defer")
    app.connect("config-inited", config_inited, priority=450)
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("notfound.extension")
    # A sitemap's entries are absolute addresses: only a site with an address has one.
    # conf.py (read before any extension loads) or Read the Docs gives it.
    if app.config.html_baseurl or site_address(os.environ):
        app.setup_extension("sphinx_sitemap")


def config_inited(app: Sphinx, config: Config) -> None:
    """Give every setting the press defaults its value, unless conf.py or -D set it."""
    _keep_smartquotes_off(config)
    for name, value in DEFAULTS.items():
        if name in config:  # sitemap_* only where the sitemap is loaded
            # A copy: an extension that appends to a list changes this build's, not the next one's.
            set_default(config, name, deepcopy(value))
    config.myst_enable_extensions = _with_syntax(config.myst_enable_extensions)
    for key, value in LATEX_ELEMENTS.items():
        config.latex_elements.setdefault(key, value)

    # The book's own templates and files, when it has them, then the press's.
    confdir = Path(app.confdir)
    if (confdir / "_templates").is_dir():
        set_default(config, "templates_path", ["_templates"])
    if (confdir / "_static").is_dir():
        set_default(config, "html_static_path", ["_static"])
    if str(TEMPLATES) not in map(str, config.templates_path):
        config.templates_path = [*config.templates_path, str(TEMPLATES)]
    if str(STATIC) not in map(str, config.html_static_path):
        # Sphinx copies these folders in order, a later file replacing an earlier one.
        config.html_static_path = [str(STATIC), *config.html_static_path]

    set_default(config, "html_baseurl", site_address(os.environ))
    address = config.html_baseurl
    # Where Read the Docs serves this version's PDF (formats: pdf in .readthedocs.yaml),
    # named in the pages' citation tags; "" elsewhere, where there is none to name.
    set_default(config, "essaybook_pdf_url", readthedocs_pdf_url(os.environ))
    set_default(config, "ogp_site_url", address)
    # The 404 page's links are absolute: under Read the Docs' /en/latest/, or the
    # root of `make serve` locally.
    prefix = urlsplit(address).path or "/"
    set_default(config, "notfound_urls_prefix", prefix)
    set_default(
        config,
        "notfound_context",
        {
            "title": "Page not found",
            "body": (
                "<h1>Page not found</h1>\n"
                "<p>There is no page at this address: it may have moved when the book was rebuilt. "
                f'Start again from the <a href="{config.notfound_urls_prefix}index.html">title page</a>, '
                "or search the book.</p>"
            ),
        },
    )


def _keep_smartquotes_off(config: Config) -> None:
    # A seed's quotes, dashes and dots are the author's: never "improved".
    if config.overrides.get("smartquotes") not in (None, False, "0"):
        raise ConfigError(
            "essaybook: smartquotes must stay off: it would turn the essays' straight quotes, "
            "hyphens and dots into curly quotes, dashes and ellipses (remove -D smartquotes)"
        )
    config.smartquotes = False


def _with_syntax(extensions: Any) -> Any:
    """``myst_enable_extensions`` with the syntax the book's pages need, in the type conf.py gave."""
    missing = [name for name in MYST_SYNTAX if name not in extensions]
    if isinstance(extensions, (set, frozenset)):
        return {*extensions, *missing}
    return [*extensions, *missing]
