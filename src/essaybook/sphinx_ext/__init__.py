"""The Sphinx extension: everything of the book that touches Sphinx, docutils, furo or MyST-Parser.

``extensions = ["essaybook"]`` in a book's ``conf.py`` loads it (the package's
``setup`` hands over to this one). It only registers; each concern has its
module:

* :mod:`.config`: the ``essaybook_*`` configuration values, declared once;
* :mod:`.conversion`: ``conf/book.toml`` and the seeds converted into pages
  at the start of the build (:mod:`essaybook.core` does the converting), and
  what the build keeps of it in the environment;
* :mod:`.incremental`: what a build reads and writes again after an edit;
* :mod:`.glossary`: "Used in" under each entry, aliases in the index;
* :mod:`.directives`: the hand-written pages' directives; :mod:`.notices`:
  whose each page is, in its footer and the ``{rights}`` directive;
* :mod:`.citations`: how to cite the edition and each essay, the citation
  files and tags; :mod:`.figures`: the timeline;
* the HTML writer's additions: :mod:`.margins` (paragraph numbers, notes in
  the margin), :mod:`.a11y` (repairs to the theme's markup),
  :mod:`.navigation` (the sidebar, resolved once), :mod:`.site` (language,
  description, robots.txt), :mod:`.search` (the index in shards, Pagefind);
* each builder's extras: :mod:`.epub`, :mod:`.latex` (with
  :mod:`essaybook.typeset`), and :mod:`.assembled` (the single page and LaTeX);
* :mod:`.collector`: Python's garbage collector kept off what the build
  holds to its end; :mod:`.build`: the ``sphinx-build`` ``make html`` runs,
  whose process ends without freeing what the build held;
* :mod:`.press`: what else a book gets by naming the extension (MyST-Parser,
  OpenGraph, the 404 page, the sitemap; the press's stylesheet, scripts and
  templates; defaults for the settings a book rarely changes), so its
  ``conf.py`` can be one line.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from .. import __version__
from . import (
    a11y,
    assembled,
    citations,
    collector,
    config,
    conversion,
    directives,
    epub,
    figures,
    glossary,
    incremental,
    latex,
    margins,
    navigation,
    notices,
    paging,
    press,
    site,
)
from .search import kept_entries, pagefind, shards

__all__ = ["setup"]

# What this extension keeps in the environment changes form: Sphinx reads
# every page again when it differs from the environment's (3: records per builder; 4: note
# markers out of the search index; 5: the seed table filled in when written).
ENV_VERSION = 5


def setup(app: Sphinx) -> dict[str, Any]:
    press.load_before(app)
    config.register(app)

    app.add_node(
        figures.timeline_figure,
        html=(figures.visit_html, None),
        latex=(figures.visit_latex, None),
        text=(figures.skip, None),
        man=(figures.skip, None),
        texinfo=(figures.skip, None),
    )
    app.add_node(citations.citation_block, override=True)
    app.add_node(directives.seed_table, override=True)
    # Only web pages hold it (margins.SideNotes): their translators write it.
    app.add_node(
        margins.sidenote_fold,
        html=(margins.visit_sidenote_fold, margins.depart_sidenote_fold),
    )

    app.add_directive("book-chapters", directives.BookChapters)
    app.add_directive("provenance", directives.Provenance)
    app.add_directive("apparatus", directives.Apparatus)
    app.add_directive("seed-table", directives.SeedTable)
    app.add_directive("rights", notices.RightsDirective)
    # The converter places {timeline} on the timeline page and {how-to-cite} at the head of each essay.
    app.add_directive("timeline", figures.TimelineDirective)
    app.add_directive("how-to-cite", citations.HowToCite)

    app.add_transform(glossary.AliasIndex)
    app.add_transform(margins.MarksOutOfSearch)
    app.add_post_transform(glossary.WhereUsed)
    app.add_post_transform(margins.SideNotes)
    app.add_post_transform(a11y.TableWrapperIds)
    app.add_post_transform(citations.PlaceCitations)
    app.add_post_transform(directives.FillSeedTable)
    app.add_post_transform(latex.PrintedBook)
    app.add_post_transform(latex.PrintedNotes)
    app.add_post_transform(latex.PrintedListings)
    app.add_post_transform(latex.PrintedSeedTable)
    app.add_post_transform(latex.PrintedWayfinding)
    app.add_post_transform(assembled.OnePage)
    app.add_post_transform(paging.PagedListings)

    for builder in ("html", "dirhtml", "singlehtml"):
        app.set_translator(builder, margins.BookHTMLTranslator)
    app.add_builder(epub.EpubBuilder, override=True)
    app.add_builder(latex.LaTeXBuilder, override=True)
    app.add_latex_package("tikz")
    app.add_latex_package("adjustbox")

    app.connect("config-inited", conversion.config_inited)
    # After the conversion's handler (priority 500), which checks book.toml first.
    app.connect("config-inited", epub.config_inited, priority=600)
    app.connect("config-inited", site.config_inited, priority=600)
    app.connect("config-inited", latex.configure_latex, priority=600)
    app.connect("config-inited", notices.config_inited, priority=600)
    # First: the set-up Sphinx did is frozen before anything of ours runs.
    app.connect("builder-inited", collector.builder_inited, priority=0)
    app.connect("builder-inited", citations.builder_inited)
    app.connect("builder-inited", conversion.builder_inited)
    app.connect("builder-inited", glossary.index_glossary_terms)
    app.connect("builder-inited", a11y.repair_pages)
    app.connect("builder-inited", margins.add_margin_styles)
    app.connect("builder-inited", kept_entries.keep_index_entries)
    app.connect("builder-inited", latex.check_latex_engine)
    app.connect("env-get-outdated", incremental.env_get_outdated)
    app.connect("env-before-read-docs", conversion.env_before_read_docs)
    app.connect("env-before-read-docs", incremental.env_before_read_docs)
    app.connect("env-before-read-docs", collector.env_before_read_docs)
    app.connect("env-purge-doc", conversion.env_purge_doc)
    app.connect("env-purge-doc", collector.env_purge_doc)
    app.connect("env-updated", collector.env_updated, priority=900)
    app.connect("env-merge-info", conversion.env_merge_info)
    app.connect("doctree-read", navigation.record_toctrees)
    app.connect("doctree-read", conversion.check_generated)
    app.connect("doctree-read", glossary.collect_uses)
    app.connect("doctree-read", assembled.drop_virtual_includes)
    app.connect("doctree-resolved", collector.doctree_resolved)
    app.connect("env-get-updated", citations.env_get_updated)
    app.connect("env-get-updated", incremental.env_get_updated)
    app.connect("write-started", collector.write_started)
    app.connect("write-started", incremental.write_started)
    app.connect("write-started", navigation.write_started)
    # Before furo's handler (priority 500), which calls toctree().
    app.connect("html-page-context", navigation.html_page_context, priority=400)
    # After sphinx-notfound-page's own (400, registered later), before furo's (500).
    app.connect("html-page-context", navigation.notfound_page_context, priority=450)
    # Before sphinxext-opengraph, which then keeps this description.
    app.connect("html-page-context", site.html_page_context, priority=450)
    app.connect("html-page-context", citations.html_page_context)
    app.connect("html-page-context", notices.html_page_context)
    app.connect("html-page-context", site.page_language)
    app.connect("html-page-context", site.readthedocs_addons)
    app.connect("html-page-context", shards.html_page_context)
    app.connect("html-collect-pages", collector.html_collect_pages, priority=0)
    app.connect("html-collect-pages", paging.collect_pages)
    app.connect("build-finished", citations.write_files)
    app.connect("build-finished", incremental.build_finished)
    app.connect("build-finished", navigation.build_finished)
    app.connect("build-finished", shards.build_finished)
    app.connect("build-finished", pagefind.build_finished)
    app.connect("build-finished", site.write_robots)
    app.connect("build-finished", collector.build_finished, priority=900)
    press.load_after(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
