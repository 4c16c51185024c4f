"""Search that stays small at any size: Sphinx's own index, whole or in shards, and Pagefind.

* :mod:`.shards`: at the end of an HTML build, Sphinx's index cut into files
  a query fetches a few of, and the search page told which to load;
* :mod:`.kept_entries`: the index kept whole across incremental builds;
* :mod:`.pagefind`: the opt-in Pagefind index.
"""
