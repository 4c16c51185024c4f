"""The essay as a book: plain-text essays to a searchable, annotated Sphinx book."""

__version__ = "0.1.0"
