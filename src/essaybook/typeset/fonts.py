"""The fonts the PDF may use, in the order LuaLaTeX falls back through them, and their package.

The PDF is typeset by LuaLaTeX: luaotfload falls back from font to font
for characters the main font lacks, HarfBuzz shapes the scripts that need
it, babel orders right-to-left text inside English sentences and breaks
Thai lines, and essaybook.lua breaks CJK lines (no spaces between words).
Why not XeLaTeX is in the README. The fonts are listed here, once, so the
tests can check that each is installed and that .ci/system-packages and
.readthedocs.yaml install it.

A book loads only the fonts its characters need. luaotfload loads every
font of a fallback list at every size the main font is used at, whether a
character falls back to it or not: the whole list, with the CJK fonts, made
a one-essay English PDF peak at 3 GB and take 95 s of CPU. So the list a
book gets (:func:`latex_fonts`) holds, in the same order, only the fonts
luaotfload would pick for one of the book's characters: the first font of
the full list that covers a character the main font lacks. Every character
falls back to the same font as with the full list; a character no font has
is printed as its code point (essaybook.lua), as before. Which characters a
font covers is read from the installed font files
(:mod:`essaybook.typeset.coverage`), the book's characters by the core
(:func:`essaybook.core.pipeline.book_code_points`); choosing is pure, here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass

__all__ = [
    "PDF_LANGUAGES",
    "Coverage",
    "FontChoice",
    "PdfFont",
    "choose_fonts",
    "fallbacks_for",
    "latex_babel",
    "latex_fonts",
    "pdf_fonts",
]

# Which code points a font family has (its regular face's); an empty container for a font not installed.
Coverage = Callable[[str], Container[int]]


# Scripts whose letters change shape and order with their neighbours, which
# luaotfload leaves to HarfBuzz. The others (Latin, Greek, Cyrillic, CJK,
# symbols) it shapes itself ("node" mode), fifteen times faster: HarfBuzz
# mode took 33 s of CPU for a 200 kB paragraph of English, node mode 2 s.
HARFBUZZ_SCRIPTS = frozenset({
    "arab", "hebr", "syrc", "thaa", "nko ", "mong", "deva", "beng", "guru", "gujr", "taml", "telu",
    "knda", "mlym", "sinh", "thai", "lao ", "khmr", "mymr", "tibt", "java", "bali", "lana",
})  # fmt: skip


@dataclass(frozen=True)
class PdfFont:
    """A font family the PDF may use and the Debian/Ubuntu package that installs it.

    ``script`` is the OpenType script it is shaped with when it stands in
    for the main font: left to guess, luaotfload shapes a fallback font as
    if it were Latin, and Tamil's two-part vowels come apart around a
    dotted circle. ``bold`` says whether the family has a bold face.
    """

    family: str
    package: str
    script: str = ""
    bold: bool = True

    def spec(self, bold: bool = False) -> str:
        """The font as luaotfload names it in a fallback list: its shaper, and its script if known."""
        name = f"{self.family} Bold" if bold and self.bold else self.family
        mode = "harf" if self.script in HARFBUZZ_SCRIPTS else "node"
        return f"{name}:mode={mode};" + (f"script={self.script};" if self.script else "")


_NOTO = "fonts-noto-core"
_CJK = "fonts-noto-cjk"

# The main faces: serif for all text, sans for headings, mono for file names
# and checksums. Noto Mono (Latin, Greek, Cyrillic; no bold) falls back to
# Noto Sans and then the sans list: the CJK package's mono would load a
# 20 MB font into every PDF, an English one too. (DejaVu's mono is in
# fonts-dejavu-core on Debian 12 but fonts-dejavu-mono on Ubuntu 24.04.)
PDF_SERIF = PdfFont("Noto Serif", _NOTO)
PDF_SANS = PdfFont("Noto Sans", _NOTO)
PDF_MONO = PdfFont("Noto Mono", "fonts-noto-mono", bold=False)

# Scripts babel handles itself, by language: right-to-left order (Arabic,
# Persian, Hebrew) and Thai's line breaking, by patterns, since Thai leaves
# no space between words. Each is switched to by its characters (babel's
# onchar=ids fonts), and babel gives the font its script. Persian and Urdu
# share the Arabic letters, so "arabic" sets them too. Chinese, Japanese and
# Korean are not here: babel's line breaking for them asks for the whole
# font at every character (a 50 kB paragraph took 700 MB more per language);
# essaybook.lua breaks their lines instead, and they fall back to Noto CJK.
PDF_LANGUAGES: dict[str, tuple[PdfFont, PdfFont]] = {
    "arabic": (PdfFont("Noto Naskh Arabic", _NOTO), PdfFont("Noto Sans Arabic", _NOTO)),
    "hebrew": (PdfFont("Noto Serif Hebrew", _NOTO), PdfFont("Noto Sans Hebrew", _NOTO)),
    "thai": (PdfFont("Noto Serif Thai", _NOTO), PdfFont("Noto Sans Thai", _NOTO)),
}
# The letters that make babel switch to each language (its onchar=ids
# ranges): a book with none of them sets up no such language.
_LANGUAGE_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "hebrew": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "thai": ((0x0E00, 0x0E7F),),
}

# Every other character falls back through these, in order, to the first
# font that has it: the scripts of the world's larger languages (also those
# babel handles, for characters outside its ranges), then mathematics,
# symbols, historic scripts, and emoji in Symbola, whose outlines (unlike
# Noto Color Emoji's bitmaps) a reader can search and copy.
# (Noto name, OpenType script, whether Noto has a sans of it)
_SCRIPTS = (
    ("Georgian", "geor", True), ("Armenian", "armn", True), ("Devanagari", "deva", True),
    ("Bengali", "beng", True), ("Tamil", "taml", True), ("Gujarati", "gujr", True),
    ("Gurmukhi", "guru", True), ("Kannada", "knda", True), ("Malayalam", "mlym", True),
    ("Telugu", "telu", True), ("Sinhala", "sinh", True), ("Khmer", "khmr", True), ("Lao", "lao ", True),
    ("Myanmar", "mymr", True), ("Tibetan", "tibt", False), ("Ethiopic", "ethi", True),
    ("Hebrew", "hebr", True), ("Thai", "thai", True),
)  # fmt: skip
_OTHERS = (
    ("Cuneiform", "xsux"), ("Egyptian Hieroglyphs", "egyp"), ("Gothic", "goth"), ("Ogham", "ogam"),
    ("Runic", "runr"), ("Linear B", "linb"), ("Old Italic", "ital"), ("Phoenician", "phnx"),
    ("Coptic", "copt"), ("Glagolitic", "glag"), ("Syriac", "syrc"), ("Thaana", "thaa"),
    ("Mongolian", "mong"), ("Yi", "yi  "), ("Cherokee", "cher"), ("Canadian Aboriginal", "cans"),
    ("Tifinagh", "tfng"), ("NKo", "nko "), ("Javanese", "java"), ("Balinese", "bali"),
    ("Tai Tham", "lana"), ("Vai", "vai "),
)  # fmt: skip
# Symbols come before the CJK fonts, which have many of them too but share
# one glyph between look-alikes (① and ➀), so a reader copying one would get
# the other.
_SYMBOLS = (
    PdfFont("Noto Sans Math", _NOTO, bold=False),
    PdfFont("Noto Sans Symbols", _NOTO),
    PdfFont("Noto Sans Symbols2", _NOTO, bold=False),
    PdfFont("Noto Music", _NOTO, bold=False),
)
_HISTORIC = (
    *(PdfFont(f"Noto Sans {name}", _NOTO, script, bold=False) for name, script in _OTHERS),
    PdfFont("Symbola", "fonts-symbola", bold=False),
)
PDF_FALLBACK_SERIF: tuple[PdfFont, ...] = (
    *(PdfFont(f"Noto Serif {name}", _NOTO, script) for name, script, _ in _SCRIPTS),
    PdfFont("Noto Naskh Arabic", _NOTO, "arab"),
    *_SYMBOLS,
    PdfFont("Noto Serif CJK SC", _CJK, "hani"),
    *_HISTORIC,
)
PDF_FALLBACK_SANS: tuple[PdfFont, ...] = (
    *(PdfFont(f"Noto {'Sans' if sans else 'Serif'} {name}", _NOTO, script) for name, script, sans in _SCRIPTS),
    PdfFont("Noto Sans Arabic", _NOTO, "arab"),
    *_SYMBOLS,
    PdfFont("Noto Sans CJK SC", _CJK, "hani"),
    *_HISTORIC,
)


def pdf_fonts() -> list[PdfFont]:
    """Every font the PDF may use, each family once."""
    every = [PDF_SERIF, PDF_SANS, PDF_MONO, *(f for pair in PDF_LANGUAGES.values() for f in pair)]
    every += [*PDF_FALLBACK_SERIF, *PDF_FALLBACK_SANS]
    return list({f.family: f for f in every}.values())


def _printed(cp: int) -> bool:
    """Whether a character of the book reaches the page as a glyph (control characters never do)."""
    return unicodedata.category(chr(cp)) != "Cc"


def fallbacks_for(
    code_points: Iterable[int], main: PdfFont, chain: tuple[PdfFont, ...], coverage: Coverage
) -> tuple[PdfFont, ...]:
    """The fonts of ``chain``, in its order, that luaotfload would fall back to for one of ``code_points``.

    A character goes to the main font when it has it, else to the first font
    of the chain that has it: a font is needed when it is that first font for
    at least one character. Coverage is asked for only until every character
    has a font.
    """
    main_has = coverage(main.family)
    left = {cp for cp in code_points if _printed(cp) and cp not in main_has}
    chosen: list[PdfFont] = []
    for font in chain:
        if not left:
            break
        has = coverage(font.family)
        found = {cp for cp in left if cp in has}
        if found:
            chosen.append(font)
            left -= found
    return tuple(chosen)


@dataclass(frozen=True)
class FontChoice:
    """The fonts one book's PDF loads: each main face's fallbacks, babel's languages, its right-to-left text."""

    serif: tuple[PdfFont, ...]
    sans: tuple[PdfFont, ...]
    mono: tuple[PdfFont, ...]
    languages: tuple[str, ...]
    bidi: bool = True

    def families(self) -> set[str]:
        """Every family the PDF may load."""
        every = {PDF_SERIF.family, PDF_SANS.family, PDF_MONO.family}
        every |= {f.family for f in (*self.serif, *self.sans, *self.mono)}
        every |= {f.family for lang in self.languages for f in PDF_LANGUAGES[lang]}
        return every


# Every fallback font and every language: what a book whose characters are not known gets.
EVERY_FONT = FontChoice(PDF_FALLBACK_SERIF, PDF_FALLBACK_SANS, (PDF_SANS, *PDF_FALLBACK_SANS), tuple(PDF_LANGUAGES))


def choose_fonts(code_points: Iterable[int], coverage: Coverage) -> FontChoice:
    """The fonts a book with these characters needs, out of every font the PDF may use."""
    cps = frozenset(code_points)
    languages = tuple(
        lang for lang, ranges in _LANGUAGE_RANGES.items() if any(a <= cp <= b for cp in cps for a, b in ranges)
    )
    return FontChoice(
        serif=fallbacks_for(cps, PDF_SERIF, PDF_FALLBACK_SERIF, coverage),
        sans=fallbacks_for(cps, PDF_SANS, PDF_FALLBACK_SANS, coverage),
        mono=fallbacks_for(cps, PDF_MONO, (PDF_SANS, *PDF_FALLBACK_SANS), coverage),
        languages=languages,
        bidi=any(unicodedata.bidirectional(chr(cp)) in _RIGHT_TO_LEFT for cp in cps),
    )


# Characters that make a run of text right-to-left: letters of Hebrew, Arabic, Syriac and the
# like, and the marks that embed or override a right-to-left run.
_RIGHT_TO_LEFT = frozenset({"R", "AL", "RLE", "RLO", "RLI"})


def latex_babel(choice: FontChoice = EVERY_FONT) -> str:
    """The preamble's babel: with its bidi algorithm only for a book with right-to-left text.

    babel's ``bidi=basic`` reorders every paragraph in Lua whether it has
    right-to-left text or not: about a tenth of a LuaLaTeX run of an English
    book, for nothing.
    """
    return r"\usepackage[bidi=basic]{babel}" if choice.bidi else r"\usepackage{babel}"


def _fallback(name: str, fonts: tuple[PdfFont, ...], bold: bool) -> str:
    # A face without a bold stands in for its bold, as a browser's would.
    entries = ", ".join('"' + f.spec(bold) + '"' for f in fonts)
    return r"\directlua{luaotfload.add_fallback(" + '"' + name + '", {' + entries + "})}"


def latex_fonts(choice: FontChoice = EVERY_FONT) -> str:
    """The preamble's font setup: main faces with the fallbacks ``choice`` names, and babel's languages."""
    lines: list[str] = []
    for command, font, name, fonts in (
        ("setmainfont", PDF_SERIF, "essayserif", choice.serif),
        ("setsansfont", PDF_SANS, "essaysans", choice.sans),
        ("setmonofont", PDF_MONO, "essaymono", choice.mono),
    ):
        options = []
        if fonts:
            # A list without fonts is left out: luaotfload has nothing to fall back to.
            lines.append(_fallback(name, fonts, bold=False))
            lines.append(_fallback(f"{name}bold", fonts, bold=True))
            options.append(f"RawFeature={{fallback={name}}}")
            options.append(f"BoldFeatures={{RawFeature={{fallback={name}bold}}}}")
        if font is PDF_MONO:
            options.append("Scale=MatchLowercase")
        lines.append(rf"\{command}{{{font.family}}}" + (f"[{', '.join(options)}]" if options else ""))
    for language in choice.languages:
        serif, sans = PDF_LANGUAGES[language]
        lines.append(rf"\babelprovide[import, onchar=ids fonts]{{{language}}}")
        lines.append(rf"\babelfont[{language}]{{rm}}[Renderer=HarfBuzz]{{{serif.family}}}")
        lines.append(rf"\babelfont[{language}]{{sf}}[Renderer=HarfBuzz]{{{sans.family}}}")
    return "\n".join(lines)
