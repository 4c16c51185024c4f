"""The essay as a book: plain-text essays to a searchable, annotated Sphinx book.

The package draws the pipeline:

* :mod:`essaybook.core` converts seeds and the editorial layer into MyST
  pages, and never imports Sphinx, docutils, furo or MyST-Parser;
* :mod:`essaybook.typeset` is the print side: the TeX inputs and the fonts;
* :mod:`essaybook.sphinx_ext` is the Sphinx extension, and the only place
  that touches Sphinx, docutils, furo or MyST-Parser;
* :mod:`essaybook.project` is the book ``essaybook new`` starts;
* :mod:`essaybook.cli` is the command line (``python -m essaybook``).

``pyproject.toml``'s import-linter contracts keep it so (``make lint``).
"""

__version__ = "0.1.0"


def setup(app):
    """Sphinx's entry point, so a book's ``conf.py`` says ``extensions = ["essaybook"]``."""
    from .sphinx_ext import setup as setup_extension

    return setup_extension(app)
