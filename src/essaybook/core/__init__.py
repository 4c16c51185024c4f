"""The conversion: seeds and the editorial layer in, MyST pages out, free of Sphinx.

Nothing here imports Sphinx, docutils, furo or MyST-Parser (an import-linter
contract in ``pyproject.toml`` says so), so each stage is a plain function of
its inputs, tested without a build. The stages, in the order the pipeline
runs them, each using only those below it::

    seeds/*.txt ──seeds──▶ Essay ─┐
    conf/ ──schema, edition──▶ Edition ─┴─render──▶ MyST pages ──write──▶ docs/book/
                                           (terms, bibliography, timeline, escape)

* :mod:`.problems` (every stage's problems, with file, line and column),
  :mod:`.memo` (what the last conversion computed) and :mod:`.write`
  (pages to disk: all or nothing, only what changed);
* :mod:`.escape` (text to MyST that renders as exactly that text: the one
  place that knows MyST's syntax), :mod:`.reading` (words, reading time,
  dates), :mod:`.timeline` (the timeline's layout, as SVG and TikZ);
* :mod:`.seeds` (bytes to an :class:`~.seeds.Essay`), :mod:`.schema` (conf/
  against its JSON Schemas), :mod:`.bibliography` (the sources through a
  CSL processor);
* :mod:`.edition` (the editorial layer, resolved against the essays);
* :mod:`.terms` (one matcher for every glossary term), :mod:`.rights` (whose
  each part of the book is, in words) and :mod:`.changes` (what changed
  between two editions);
* :mod:`.render` (essays and edition to pages), :mod:`.how_to_cite` (the
  edition's and each essay's citation, in every form) and :mod:`.releases`
  (the previous release, from git or its snapshot in ``conf/releases/``);
* :mod:`.pipeline` (the whole conversion) and, above it, :mod:`.lint` (what
  an editor should look at).
"""
