"""The web site around the HTML book: each page's language and description, the 404 page, robots.txt.

* every page declares the book's language as ``conf/book.toml`` gives it,
  region and all (en-GB), though Sphinx is given the language alone;
* every page is described by the book's description, for search engines and
  link previews (``description`` and OpenGraph), unless ``conf.py`` sets one;
* the 404 page's scripts are rooted where its links are;
* every page names the version of Read the Docs' addons API it reads, so
  that on Read the Docs the sidebar's search can hand over to theirs
  (``static/essaybook-readthedocs.js``);
* ``robots.txt`` at the site's root, naming the sitemap when the site's
  address is known.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from .config import set_default
from .conversion import book_metadata

__all__ = ["config_inited", "html_page_context", "page_language", "readthedocs_addons", "write_robots"]


def config_inited(app: Sphinx, config: Config) -> None:
    """Describe the web pages by the book's description, from ``conf/book.toml``."""
    book = book_metadata(app)
    # Never empty: without it sphinxext-opengraph quotes each page's first
    # 200 characters of seed text, cutting an escaped "&gt;" into invalid HTML.
    set_default(config, "essaybook_description", book.description or book.subtitle or book.title)


def page_language(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Every web page declares the book's language as book.toml gives it, region and all (en-GB)."""
    context["language"] = book_metadata(app).language


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Describe every web page by the book's description, for search engines and link previews.

    Runs before sphinxext-opengraph, which then keeps this ``description``
    rather than quoting the page's first lines (on a part page, a line of
    navigation), and takes ``og:description`` from the page's metadata.
    Also roots the 404 page's scripts where its links are rooted.
    """
    prefix = getattr(app.config, "notfound_urls_prefix", None)
    if pagename == getattr(app.config, "notfound_pagename", None) and prefix:
        # sphinx-notfound-page makes the 404 page's links absolute, as it must
        # work at any depth; the scripts' notion of the site's root must follow.
        context["content_root"] = prefix
    description = app.config.essaybook_description
    if not description or app.builder.name.startswith("epub"):
        return
    # Pages made from a template alone (the 404 page) have no metatags yet.
    tag = f'<meta name="description" content="{escape(description, quote=True)}" />'
    context["metatags"] = (context.get("metatags") or "") + "\n" + tag
    meta = dict(context.get("meta") or {})
    meta.setdefault("og:description", description)
    context["meta"] = meta


# The version of Read the Docs' addons API whose data the page reads (essaybook-readthedocs.js):
# the addons hand a page their data only when it names the version it reads.
READTHEDOCS_ADDONS_API = "1"


def readthedocs_addons(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Let a web page read Read the Docs' addons' data, to know whether their search is on."""
    if app.builder.name.startswith("epub"):
        return
    tag = f'<meta name="readthedocs-addons-api-version" content="{READTHEDOCS_ADDONS_API}" />'
    context["metatags"] = (context.get("metatags") or "") + "\n" + tag


def write_robots(app: Sphinx, exception: Exception | None) -> None:
    """Write ``robots.txt``: every page may be crawled; the sitemap is named when there is one."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    lines = ["User-agent: *", "Allow: /"]
    base = app.config.html_baseurl
    if base and "sphinx_sitemap" in app.extensions:
        lines.append(f"Sitemap: {base.rstrip('/')}/{app.config.sitemap_filename}")
    (Path(app.outdir) / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
