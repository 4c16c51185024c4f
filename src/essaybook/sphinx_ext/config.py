"""The extension's configuration values, declared once, and how the book's metadata fills Sphinx's.

Every ``essaybook_*`` value a book's ``conf.py`` may set is in :data:`VALUES`,
with its default, the rebuild it needs when it changes, and its types; the
extension's ``setup`` registers them from there. Settings Sphinx already has
(``project``, ``copyright``, ``epub_publisher``, …) are filled from
``conf/book.toml`` by :func:`set_default`, unless ``conf.py`` or ``-D`` set
them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sphinx.application import Sphinx
from sphinx.config import ENUM

__all__ = ["VALUES", "register", "set_default"]


class Value(NamedTuple):
    name: str
    default: Any
    rebuild: str  # what Sphinx does again when the value changes: "env" (read every page), "html" (write), "" (nothing)
    types: Any
    doc: str


VALUES: tuple[Value, ...] = (
    Value("essaybook_seeds_dir", "../seeds", "env", frozenset({str}), "the seeds' folder, relative to conf.py"),
    Value(
        "essaybook_conf_dir", "../conf", "env", frozenset({str}), "the editorial layer's folder, relative to conf.py"
    ),
    Value(
        "essaybook_output_dir",
        "book",
        "env",
        frozenset({str}),
        "where the generated pages go, inside the source folder",
    ),
    Value(
        "essaybook_fast_navigation", True, "html", frozenset({bool}), "the sidebar resolved once per build (navigation)"
    ),
    Value("essaybook_nav_max_entries", 20, "html", frozenset({int}), "a longer list shows only the neighbourhood"),
    Value("essaybook_nav_neighbours", 5, "html", frozenset({int}), "entries shown each side of the current one"),
    Value("essaybook_pagefind", False, "", frozenset({bool}), "also index the site with Pagefind"),
    # Which search index the search page loads (search.shards). Only the
    # search page and the index files depend on them, and every HTML build
    # writes both: no page needs reading or writing again ("").
    Value("essaybook_search", "auto", "", ENUM("auto", "whole", "sharded"), "whole index, shards, or by size"),
    Value("essaybook_search_whole_max", 50_000, "", frozenset({int}), "the largest index loaded whole, in bytes"),
    # Where the PDF of this version is served (docs/conf.py sets it on Read the Docs); "" for none.
    Value("essaybook_pdf_url", "", "html", frozenset({str}), "the PDF's address, named in the citation tags"),
    Value("essaybook_description", "", "html", frozenset({str}), "every web page's description"),
)


def register(app: Sphinx) -> None:
    for value in VALUES:
        app.add_config_value(value.name, value.default, value.rebuild, types=value.types, description=value.doc)


def set_default(config: Any, name: str, value: Any) -> None:
    """Fill a configuration value from book.toml unless ``conf.py`` or ``-D`` set it.

    Sphinx keeps what ``conf.py`` set to itself; its public view is each
    value's default (``config.values``) and the command line's overrides
    (``config.overrides``). A value still at its default was not set, or was
    set to the default, which reads the same: either way book.toml fills it.
    """
    if name in config.overrides or not _at_default(config, name):
        return
    setattr(config, name, value)


def _at_default(config: Any, name: str) -> bool:
    default = config.values[name].default
    if callable(default):
        default = default(config)
    return getattr(config, name) == default
