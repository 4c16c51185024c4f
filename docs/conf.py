"""Sphinx configuration of the book: the press, essaybook, brings everything else.

The book's title, authors, version and language come from ``../conf/book.toml``;
the essays from ``../seeds/``. What a book may change here is listed in
essaybook's README ("What conf.py may change").
"""

extensions = ["essaybook"]
