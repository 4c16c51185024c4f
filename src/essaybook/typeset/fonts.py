"""The fonts the PDF may use, in the order LuaLaTeX falls back through them, and their package.

The PDF is typeset by LuaLaTeX: luaotfload falls back from font to font
for characters the main font lacks, HarfBuzz shapes the scripts that need
it, babel orders right-to-left text inside English sentences and breaks
Thai lines, and essaybook.lua breaks CJK lines (no spaces between words).
Why not XeLaTeX is in the README. The fonts are listed here, once, so the
tests can check that each is installed and that .ci/system-packages and
.readthedocs.yaml install it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PDF_LANGUAGES", "PdfFont", "latex_fonts", "pdf_fonts"]


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
# and checksums (from the CJK package the PDF needs anyway: DejaVu's mono is
# in fonts-dejavu-core on Debian 12 but fonts-dejavu-mono on Ubuntu 24.04).
PDF_SERIF = PdfFont("Noto Serif", _NOTO)
PDF_SANS = PdfFont("Noto Sans", _NOTO)
PDF_MONO = PdfFont("Noto Sans Mono CJK SC", _CJK)

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


def _fallback(name: str, fonts: tuple[PdfFont, ...], bold: bool) -> str:
    # A face without a bold stands in for its bold, as a browser's would.
    entries = ", ".join('"' + f.spec(bold) + '"' for f in fonts)
    return r"\directlua{luaotfload.add_fallback(" + '"' + name + '", {' + entries + "})}"


def latex_fonts() -> str:
    """The preamble's font setup: main faces with their fallbacks, and babel's languages by script."""
    lines = [
        _fallback("essayserif", PDF_FALLBACK_SERIF, bold=False),
        _fallback("essayserifbold", PDF_FALLBACK_SERIF, bold=True),
        _fallback("essaysans", PDF_FALLBACK_SANS, bold=False),
        _fallback("essaysansbold", PDF_FALLBACK_SANS, bold=True),
    ]
    for command, font, fallback in (
        ("setmainfont", PDF_SERIF, "essayserif"),
        ("setsansfont", PDF_SANS, "essaysans"),
        ("setmonofont", PDF_MONO, "essaysans"),
    ):
        options = [
            f"RawFeature={{fallback={fallback}}}",
            f"BoldFeatures={{RawFeature={{fallback={fallback}bold}}}}",
        ]
        if font is PDF_MONO:
            options.append("Scale=MatchLowercase")
        lines.append(rf"\{command}{{{font.family}}}[{', '.join(options)}]")
    for language, (serif, sans) in PDF_LANGUAGES.items():
        lines.append(rf"\babelprovide[import, onchar=ids fonts]{{{language}}}")
        lines.append(rf"\babelfont[{language}]{{rm}}[Renderer=HarfBuzz]{{{serif.family}}}")
        lines.append(rf"\babelfont[{language}]{{sf}}[Renderer=HarfBuzz]{{{sans.family}}}")
    return "\n".join(lines)
