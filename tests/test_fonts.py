"""The PDF loads the fonts its book's characters need, and no other.

Table-driven tests of the choice (:func:`essaybook.typeset.fonts.choose_fonts`,
pure: what each font covers is given), the same choice against the fonts
installed here (:mod:`essaybook.typeset.coverage`), the core's count of a
book's characters, and our essay's LaTeX as Read the Docs writes it: it
names no fallback font and no babel language, and every character it prints
is in its main faces. The many-scripts book's PDF, with its fonts chosen the
same way, is checked for missing glyphs and every word in
``tests/test_scripts_formats.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from essaybook.core.memo import Memo
from essaybook.core.pipeline import book_code_points
from essaybook.typeset.coverage import CodePointRanges, installed_coverage, read_cmap
from essaybook.typeset.fonts import (
    EVERY_FONT,
    PDF_FALLBACK_SERIF,
    PDF_MONO,
    PDF_SANS,
    PDF_SERIF,
    choose_fonts,
    fallbacks_for,
    latex_babel,
    latex_fonts,
)
from sitebuild import ROOT, copy_project, sphinx

LATIN = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | {0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026}
CYRILLIC = set(range(0x400, 0x500))
CJK = set(range(0x4E00, 0xA000)) | set(range(0x3000, 0x3100))
MATH = {0x2200, 0x2211, 0x222B}
EMOJI = {0x1F600}
# What each font "has" in the table tests: the main faces Latin and Cyrillic, as Noto's do.
TABLE = {
    "Noto Serif": LATIN | CYRILLIC,
    "Noto Sans": LATIN | CYRILLIC,
    "Noto Mono": LATIN | CYRILLIC,
    "Noto Serif Georgian": set(range(0x10A0, 0x1100)) | {0x2013},
    "Noto Sans Georgian": set(range(0x10A0, 0x1100)),
    "Noto Naskh Arabic": set(range(0x600, 0x700)),
    "Noto Sans Math": MATH | {0x2211},
    "Noto Sans Symbols": {0x2211},
    "Noto Serif CJK SC": CJK | LATIN | MATH,
    "Noto Sans CJK SC": CJK | LATIN | MATH,
    "Symbola": EMOJI | MATH,
}


def table(family: str) -> set[int]:
    return TABLE.get(family, set())


def names(fonts) -> list[str]:
    return [f.family for f in fonts]


@pytest.mark.parametrize(
    ("text", "serif", "languages"),
    [
        ("Trotskyists on the “Differences” — ¶ 3…", [], ()),
        ("Троцкисты", [], ()),
        ("漢字と仮名", ["Noto Serif CJK SC"], ()),
        ("∑ and ∫", ["Noto Sans Math"], ()),  # both in Math, which comes before CJK and Symbola
        ("ქართული and 😀", ["Noto Serif Georgian", "Symbola"], ()),
        ("العربية", ["Noto Naskh Arabic"], ("arabic",)),
        ("\ue000", [], ()),  # no font has it: essaybook.lua prints its code point, as before
        ("tab\there\nnewline", [], ()),  # control characters are never glyphs
    ],
)
def test_the_fonts_chosen_are_the_first_that_cover_each_character(text, serif, languages) -> None:
    choice = choose_fonts(map(ord, text), table)
    assert names(choice.serif) == serif
    assert choice.languages == languages


@pytest.mark.parametrize(
    ("text", "bidi"),
    [
        ("Trotskyists on the “Differences” — ¶ 3…", False),
        ("Троцкисты, 漢字, ∑, 😀, ١٢٣", False),  # Arabic-Indic digits alone keep the line's direction
        ("שלום", True),
        ("العربية", True),
        ("ܫܠܡܐ", True),  # Syriac
        ("a\u202eb", True),  # a right-to-left override in English text
        ("a\u200fb", True),  # a right-to-left mark
    ],
)
def test_babel_orders_right_to_left_text_only_in_a_book_that_has_some(text, bidi) -> None:
    choice = choose_fonts(map(ord, text), table)
    assert choice.bidi is bidi
    assert latex_babel(choice) == (r"\usepackage[bidi=basic]{babel}" if bidi else r"\usepackage{babel}")


def test_each_character_falls_back_to_the_font_the_whole_list_would_give_it() -> None:
    """The chosen list keeps the whole list's order, so every character lands where it did before."""
    text = "Latin ∑ ∫ 漢 😀 ქ \ue000"
    chosen = fallbacks_for(map(ord, text), PDF_SERIF, PDF_FALLBACK_SERIF, table)
    for cp in map(ord, text):
        if cp in table("Noto Serif"):
            continue
        whole = next((f.family for f in PDF_FALLBACK_SERIF if cp in table(f.family)), None)
        picked = next((f.family for f in chosen if cp in table(f.family)), None)
        assert picked == whole, f"U+{cp:04X}"
    order = [f.family for f in PDF_FALLBACK_SERIF]
    assert [order.index(f.family) for f in chosen] == sorted(order.index(f.family) for f in chosen)


def test_a_latin_book_loads_no_fallback_and_no_language() -> None:
    text = "".join(map(chr, LATIN))
    tex = latex_fonts(choose_fonts(map(ord, text), table))
    assert "add_fallback" not in tex and "babel" not in tex and "CJK" not in tex
    assert tex.splitlines() == [
        r"\setmainfont{Noto Serif}",
        r"\setsansfont{Noto Sans}",
        r"\setmonofont{Noto Mono}[Scale=MatchLowercase]",
    ]


def test_mono_falls_back_to_sans_first() -> None:
    """Noto Mono has no Georgian: a file name in Georgian is set in the sans list's Georgian font."""
    choice = choose_fonts(map(ord, "ქ"), table)
    assert names(choice.mono) == ["Noto Sans Georgian"]
    assert names(choice.serif) == ["Noto Serif Georgian"]
    assert names(choose_fonts(map(ord, "x Ж"), table).mono) == []


def test_a_book_whose_characters_are_not_known_gets_every_font() -> None:
    tex = latex_fonts()
    for font in EVERY_FONT.serif + EVERY_FONT.sans:
        assert f'"{font.family}:' in tex or f'"{font.family} Bold:' in tex
    assert tex.count(r"\babelprovide") == 3
    assert latex_babel() == r"\usepackage[bidi=basic]{babel}"


# --- the fonts installed here ---------------------------------------------------------------


@pytest.fixture(scope="module")
def installed():
    return installed_coverage()


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        ("Plain English, ‘quoted’ — with dashes… and ¶ signs.", set(), {"Noto Serif CJK SC", "Symbola"}),
        ("中文和日本語", {"Noto Serif CJK SC"}, {"Symbola"}),
        ("emoji 😀", {"Symbola"}, {"Noto Serif CJK SC"}),
        ("தமிழ்", {"Noto Serif Tamil"}, {"Noto Serif CJK SC"}),
        ("\ue000", set(), {"Noto Serif CJK SC", "Symbola"}),
    ],
)
def test_installed_fonts_cover_the_text_with_what_it_needs(installed, text, wanted, unwanted) -> None:
    choice = choose_fonts(map(ord, text), installed)
    serif = set(names(choice.serif))
    assert wanted <= serif and not unwanted & serif
    # Every character some installed font has is covered by the main face or a chosen font.
    fonts = [PDF_SERIF, *choice.serif]
    every = [PDF_SERIF, *PDF_FALLBACK_SERIF]
    for cp in map(ord, text):
        if any(cp in installed(f.family) for f in every):
            assert any(cp in installed(f.family) for f in fonts), f"U+{cp:04X}"


def test_coverage_is_read_from_the_font_files_and_kept_in_the_memo(tmp_path: Path) -> None:
    memo = Memo(tmp_path)
    coverage = installed_coverage(memo)
    serif = coverage(PDF_SERIF.family)
    assert ord("A") in serif and ord("Ж") in serif and 0x4E00 not in serif
    assert len(coverage("No Such Font Family")) == 0
    memo.save()
    kept = Memo(tmp_path)
    again = installed_coverage(kept)(PDF_SERIF.family)
    assert (again.starts, again.ends) == (serif.starts, serif.ends)
    assert kept._new["fonts"], "read from the memo, not the file"


def test_code_point_ranges_hold_exactly_their_code_points() -> None:
    ranges = CodePointRanges([5, 1, 2, 3, 9, 10])
    assert (ranges.starts, ranges.ends) == ((1, 5, 9), (3, 5, 10))
    assert [cp for cp in range(12) if cp in ranges] == [1, 2, 3, 5, 9, 10]
    assert len(ranges) == 6 and "a" not in ranges


def test_book_code_points_reads_seeds_and_every_string_of_conf(tmp_path: Path) -> None:
    seeds, conf = tmp_path / "seeds", tmp_path / "conf"
    seeds.mkdir()
    conf.mkdir()
    (seeds / "ж.txt").write_bytes("\ufeffTitle\n\nText 漢\n".encode() + b"\xff")
    (conf / "book.toml").write_text('[book]\ntitle = "caf\\u00e9"\n', "utf-8")
    (conf / "sources.json").write_text('[{"id": "x", "title": "\\u03a9"}]', "utf-8")
    (conf / "notes.toml").write_text("not = toml = at all ☃", "utf-8")
    got = book_code_points(seeds, conf)
    for char in "Title漢жé Ω☃\ufffd":
        assert ord(char) in got, char
    assert 0xFEFF not in got, "a leading BOM is not text"
    assert ord("\\") not in got, "an escape counts as the character it stands for"


# --- our essay, as Read the Docs writes its LaTeX ---------------------------------------------


def test_our_essays_latex_names_no_font_it_does_not_need(tmp_path: Path, installed) -> None:
    project = copy_project(tmp_path)
    out = tmp_path / "latex"
    sphinx(
        ["-T", "-b", "latex", "-d", "_build/doctrees", "-D", "language=en", ".", str(out)],
        cwd=project / "docs",
        outdir=out,
    ).check()
    (tex,) = out.glob("*.tex")
    text = tex.read_text("utf-8")
    assert "add_fallback" not in text, "our essay needs no fallback font"
    assert r"\babelprovide" not in text and r"\babelfont" not in text
    assert re.findall(r"\\set(main|sans|mono)font\{([^}]*)\}", text) == [
        ("main", PDF_SERIF.family),
        ("sans", PDF_SANS.family),
        ("mono", PDF_MONO.family),
    ]
    # Nothing was left out: every character of the LaTeX is in the main faces.
    body = {ord(c) for c in text if not c.isspace()}
    missing = {cp for cp in body if cp not in installed(PDF_SERIF.family) and cp not in installed(PDF_SANS.family)}
    assert missing == set(), [f"U+{cp:04X}" for cp in sorted(missing)]
    # And the seeds' own characters are all counted.
    assert {ord(c) for p in (ROOT / "seeds").glob("*.txt") for c in p.read_text("utf-8") if c != "\n"} <= (
        book_code_points(ROOT / "seeds", ROOT / "conf")
    )


def test_read_cmap_reads_a_collection_face() -> None:
    """The CJK fonts are collections (.ttc): the face fontconfig names is the one read."""
    from essaybook.typeset.coverage import font_faces

    faces = font_faces()
    file, index = faces["Noto Serif CJK SC"]
    assert file.endswith(".ttc")
    assert 0x4E00 in read_cmap(file, index)
