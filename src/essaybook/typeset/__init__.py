"""The print side: the TeX inputs the PDF loads, and the fonts it may use.

Free of Sphinx, like :mod:`essaybook.core`: the LaTeX builder
(:mod:`essaybook.sphinx_ext.latex`) copies :data:`TEXINPUTS`' files beside
the book's ``.tex`` and writes :func:`essaybook.typeset.fonts.latex_fonts`
into its preamble; the tests check every font against the system packages.

* ``texinputs/essaybook.sty``: the page, the headings, the notes;
* ``texinputs/essaybook.lua``: line breaking for CJK and over-long words,
  and a framed code point for a character no font has.

:data:`PDF_PACKAGES` names the Debian/Ubuntu packages that make the PDF,
once: every book's ``.readthedocs.yaml`` installs them (``essaybook new``
writes the list; the tests hold this project's to it and to
``.ci/system-packages``).
"""

from pathlib import Path

__all__ = ["PDF_PACKAGES", "TEXINPUTS"]

TEXINPUTS = Path(__file__).parent / "texinputs"

# LuaLaTeX, latexmk, the LaTeX packages the page loads, xindy for the index,
# fontconfig, by which LuaLaTeX finds the fonts, and the fonts of
# essaybook.typeset.fonts (the tests check that these install every one).
PDF_PACKAGES: tuple[str, ...] = (
    "latexmk",
    "texlive-luatex",
    "texlive-latex-recommended",
    "texlive-latex-extra",
    "texlive-pictures",
    "texlive-fonts-recommended",
    "texlive-lang-other",
    "xindy",
    "fontconfig",
    "fonts-noto-core",
    "fonts-noto-cjk",
    "fonts-noto-mono",
    "fonts-symbola",
)
