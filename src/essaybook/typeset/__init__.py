"""The print side: the TeX inputs the PDF loads, and the fonts it may use.

Free of Sphinx, like :mod:`essaybook.core`: the LaTeX builder
(:mod:`essaybook.sphinx_ext.latex`) copies :data:`TEXINPUTS`' files beside
the book's ``.tex`` and writes :func:`essaybook.typeset.fonts.latex_fonts`
into its preamble; the tests check every font against the system packages.

* ``texinputs/essaybook.sty``: the page, the headings, the notes;
* ``texinputs/essaybook.lua``: line breaking for CJK and over-long words,
  and a framed code point for a character no font has.
"""

from pathlib import Path

TEXINPUTS = Path(__file__).parent / "texinputs"
