"""Any essay, every format: the hostile seeds and the scripts corpus as one PDF and one EPUB.

The book here holds every seed of ``tests/fixtures/hostile/`` (markup,
control characters, bidi overrides, 10,000-letter words), the generated
giants of the hostile test (a 1 MB paragraph, 10,000 paragraphs), titles of
200 characters with nowhere to break, and ``tests/fixtures/scripts/``: real
sentences in Cyrillic, Greek, Georgian, Armenian, Chinese, Japanese, Korean,
Arabic, Hebrew, Persian, Devanagari, Bengali, Tamil, Thai and Vietnamese,
with emoji, mathematics, combining marks, soft hyphens and ligatures.

The PDF is made the way Read the Docs makes it: ``sphinx -b latex`` without
``-W`` in ``docs/``, then ``latexmk -r latexmkrc -pdf -f`` in the LaTeX
folder, with no Makefile. It must come out without a TeX error, without a
character missing from the fonts, without a line running off the page, and
``pdftotext`` must give back every word of every seed (``_words_back`` says
how words are compared, and why that comparison is fair). The EPUB, built
as ``make epub`` builds it, must pass epubcheck without a warning and hold
every paragraph verbatim, in reading order.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import ace_check
from essaybook.core.seeds import Essay, default_slug, parse_seed
from readthedocs_index import essay_findings
from sitebuild import ROOT, SOURCE_DATE_EPOCH, build_html, copy_project, essay_paragraphs, norm, pdf_outline
from test_formats import _spine, epubcheck
from test_hostile_build import GENERATED, HOSTILE

SCRIPTS = ROOT / "tests" / "fixtures" / "scripts"
SLUG = "every-script"  # the Read the Docs project slug latexmk names the PDF after
BOOK_TOML = """[book]
title = "Essays in Every Script"
subtitle = "The hostile seeds and the scripts corpus"
editor = "The Essay Book editors"
rights = { holder = "The Essay Book editors", year = "2026" }
version = "3.0"

[essays."001-cyrillic.txt"]
author = "Авторы разные"
"""
# Titles of 200 characters that no line breaker knows where to break.
UNBREAKABLE_TITLES = {
    "902-title-200-latin.txt": "Permanentrevolution" * 10 + "Permanentr",
    "903-title-200-digits.txt": "1917" * 50,
}
# The characters no font the PDF uses has, which it prints as their code
# point in a frame (essaybook.lua), copied as the character: a private-use
# character, two of CJK Extension B, which Noto's CJK fonts leave out, and
# the compass emoji of Unicode 11, newer than Symbola's emoji (Noto Color
# Emoji has it, as a picture a reader could not copy).
NO_FONT_HAS = {0xE000, 0x20000, 0x2A6A5, 0x1F9ED}
# An overfull line this much too wide is a rounding, not a line off the page.
OVERFULL_TOLERANCE_PT = 1.0


def _need(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} is missing: install the system packages .ci/system-packages lists (make system-packages)"
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A project holding every seed of the corpus; the parsed essays in book order."""
    seeds = sorted(HOSTILE.glob("*.txt")) + sorted(SCRIPTS.glob("*.txt"))
    project = copy_project(tmp_path_factory.mktemp("scripts"), seeds=seeds)
    conf = project / "conf"
    # The real book's notes, and the timeline of what they tell, belong to its own essay.
    (conf / "notes.toml").unlink(missing_ok=True)
    (conf / "timeline.toml").unlink(missing_ok=True)
    (conf / "book.toml").write_text(BOOK_TOML, "utf-8")
    # Another book, never released: the real book's releases are not its own.
    shutil.rmtree(conf / "releases")
    generated = {**GENERATED, **{n: f"{t}\n\nA title of {len(t)} characters.\n" for n, t in UNBREAKABLE_TITLES.items()}}
    for name, text in generated.items():
        (project / "seeds" / name).write_text(text, "utf-8")
    paths = sorted((project / "seeds").glob("*.txt"))
    essays = [parse_seed(p.read_bytes(), p.name) for p in paths]
    return {"project": project, "essays": essays}


# --- the PDF, as Read the Docs makes it --------------------------------------------


@pytest.fixture(scope="module")
def rtd_pdf(corpus: dict) -> dict:
    """Run Read the Docs' two PDF commands; the PDF, its log and how long each step took."""
    project: Path = corpus["project"]
    for tool in ("latexmk", "lualatex", "xindy", "pdftotext", "pdfinfo"):
        _need(tool)
    out = project / "_build" / "latex"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("READTHEDOCS", "SPHINX", "XINDY", "LATEX"))}
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    start = time.monotonic()
    sphinx = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-T",
            "-b",
            "latex",
            "-d",
            "_build/doctrees",
            "-D",
            "language=en",
            ".",
            str(out),
        ],
        cwd=project / "docs",
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert sphinx.returncode == 0, sphinx.stderr[-6000:]
    sphinx_seconds = time.monotonic() - start
    (tex,) = out.glob("*.tex")
    start = time.monotonic()
    latexmk = subprocess.run(
        ["latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-", f"-jobname={SLUG}", "-interaction=nonstopmode"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return {
        "sphinx": sphinx,
        "latexmk": latexmk,
        "tex": tex,
        "pdf": out / f"{SLUG}.pdf",
        "log": (out / f"{SLUG}.log").read_text("utf-8", errors="replace"),
        "seconds": {"sphinx": sphinx_seconds, "latexmk": time.monotonic() - start},
    }


def test_read_the_docs_pdf_step_builds_with_lualatex_without_an_error(rtd_pdf: dict) -> None:
    latexmk = rtd_pdf["latexmk"]
    assert rtd_pdf["pdf"].is_file(), latexmk.stdout[-4000:] + latexmk.stderr[-4000:]
    assert latexmk.returncode == 0, latexmk.stdout[-4000:] + latexmk.stderr[-4000:]
    log = rtd_pdf["log"]
    # Sphinx's latexmkrc makes -pdf run LuaLaTeX (with HarfBuzz: LuaHBTeX).
    assert log.startswith("This is LuaHBTeX"), log[:200]
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert errors == [], errors[:20]
    # xindy ran (with the options latexmkrc now has without the Makefile) and the index is there.
    assert "Running 'internal xindy -L english -C utf8" in latexmk.stdout
    assert (rtd_pdf["pdf"].parent / f"{SLUG}.ind").stat().st_size > 0


def test_lualatex_runs_twice_however_long_the_contents(rtd_pdf: dict) -> None:
    """latexmk stops after LuaLaTeX's second run: no page number after the contents moves with their length."""
    from pypdf import PdfReader

    labels = PdfReader(rtd_pdf["pdf"]).page_labels
    contents = [label for label in labels if re.fullmatch(r"[ivxlc]+", label)]
    # The first run has no contents yet: with more than a page of them, the second run's pages differ.
    assert len(contents) >= 2, f"the contents take {len(contents)} page(s): this book would show nothing"
    runs = re.findall(r"^Running '(?:lua|pdf)latex", rtd_pdf["latexmk"].stdout, re.MULTILINE)
    assert len(runs) == 2, rtd_pdf["latexmk"].stdout[-4000:]


def test_no_character_is_missing_from_the_fonts(rtd_pdf: dict) -> None:
    log = rtd_pdf["log"]
    missing = [line for line in log.splitlines() if "Missing character" in line]
    assert missing == [], missing[:20]
    # The only characters printed as a framed code point are those no installed font has.
    boxed = {int(cp, 16) for cp in re.findall(r"essaybook: no font has U\+([0-9A-F]+)", log)}
    assert boxed == NO_FONT_HAS, {f"U+{cp:04X}" for cp in boxed ^ NO_FONT_HAS}


def test_the_fonts_loaded_are_those_the_scripts_need(rtd_pdf: dict) -> None:
    """The LaTeX names the fallback fonts of the scripts the corpus holds (the PDF's cost follows the book):
    CJK, emoji, Arabic with babel; with no character missing (above), none it needs is left out."""
    tex = rtd_pdf["tex"].read_text("utf-8")
    for family in ("Noto Serif CJK SC", "Symbola", "Noto Naskh Arabic", "Noto Serif Tamil"):
        assert f'"{family}:mode=' in tex, family
    assert r"\babelprovide[import, onchar=ids fonts]{thai}" in tex
    assert r"\setmonofont{Noto Mono}" in tex
    # Scripts the corpus does not hold: their fonts are not loaded.
    for family in ("Noto Sans Yi", "Noto Serif Tibetan", "Noto Sans Vai"):
        assert f'"{family}' not in tex, family


def test_no_line_runs_off_the_page(rtd_pdf: dict) -> None:
    """Long words and titles break (or shrink, in running heads): TeX reports no overfull line."""
    log = rtd_pdf["log"]
    assert "Infinite glue shrinkage" not in log
    overfull = [
        match.group(0)
        for match in re.finditer(r"Overfull \\hbox \(([\d.]+)pt too wide\)[^\n]*", log)
        if float(match.group(1)) > OVERFULL_TOLERANCE_PT
    ]
    assert overfull == [], overfull[:20]


def test_pdf_document_information_names_the_author_not_the_editors(rtd_pdf: dict) -> None:
    out = subprocess.run(["pdfinfo", str(rtd_pdf["pdf"])], capture_output=True, text=True, check=True).stdout
    info = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}
    assert info["Title"] == "Essays in Every Script"
    assert info["Author"] == "Авторы разные"
    assert info["Subject"] == "The hostile seeds and the scripts corpus"
    assert info["Creator"].startswith("LaTeX") and info["Producer"].startswith("LuaTeX")


def _page_text(pdf: Path, page: int) -> str:
    """One page of the PDF as pdftotext reads it."""
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_pdf_opens_on_a_title_page_like_an_edition(rtd_pdf: dict, corpus: dict) -> None:
    first, second, third = (_page_text(rtd_pdf["pdf"], n) for n in (1, 2, 3))
    assert norm(first).split(" ") == norm(
        "Essays in Every Script The hostile seeds and the scripts corpus Авторы разные "
        "Edited, with notes and a glossary, by The Essay Book editors Edition 3.0"
    ).split(" ")
    # Its verso: whose the essays are (no holder is recorded for any: one sentence, not a page of titles)
    # and the editors' work.
    assert norm(second) == (
        f"No copyright holder is recorded for any of the {len(corpus['essays'])} essays in this edition. "
        "Editorial matter (part titles, notes, glossary, timeline and apparatus) © 2026 The Essay Book editors."
    )
    assert third.startswith("Contents"), "no blank page after the copyright page"
    assert "Release" not in first + second + third


def test_pdf_outline_has_a_chapter_per_essay(rtd_pdf: dict, corpus: dict) -> None:
    """A book of many essays: each essay a top-level entry of the outline, in order, before the back matter."""
    top = [title for depth, title, _ in pdf_outline(rtd_pdf["pdf"]) if depth == 0]
    essays = [essay.title for essay in corpus["essays"]]

    # The outline's titles are hyperref's text strings: without the characters that have no
    # glyph (a soft hyphen, a bidi control), which are compared as _skeleton compares text.
    def plain(title: str) -> str:
        return "".join(_skeleton(title)[0].split())

    assert [plain(t) for t in top] == [
        plain(t) for t in [*essays, "Glossary", "Sources", "About this edition", "Index"]
    ]


# --- every word back from the PDF -------------------------------------------------------

# Characters Unicode calls default-ignorable: they have no glyph (a zero-width
# joiner, a bidi control, a variation selector, a soft hyphen that did not
# break the line), so no text extraction can give them back.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_LAM_ALEF = re.compile("\u0644([\u0622\u0623\u0625\u0627])")
# Pairs Unicode mirrors in right-to-left text ("Bidi_Mirrored"), each folded to its first.
_MIRRORED = str.maketrans({b: a for a, b in ("()", "[]", "{}", "<>", "«»", "‹›", "⟨⟩", "⌈⌉", "⌊⌋", "≤≥")})


def _ignorable(char: str) -> bool:
    cp = ord(char)
    return unicodedata.category(char) == "Cf" or any(a <= cp <= b for a, b in _IGNORABLE_RANGES)


def _skeleton(text: str) -> tuple[str, Counter[str]]:
    """Text as compared: its base characters (whitespace kept) and, apart, its combining marks.

    * NFKC, then NFD: the PDF gives back what the glyph stands for, and a
      font draws ﬁ, ＡＢＣ, ㎏ and Arabic's presentation forms for the letters
      they are compatible with; a precomposed é and e + ◌́ are one glyph.
    * Without default-ignorable characters, which have no glyph.
    * Mirrored brackets and quotes as one: inside right-to-left text the
      PDF holds the mirrored glyph (« drawn as »), and pdftotext gives back
      the character of the glyph drawn.
    * Combining marks (Mn, Mc, Me) counted apart: pdftotext places a mark by
      its position on the page, which for a mark above or below its letter
      (Thai tone marks, Arabic tanween, Indic vowel signs) is not always
      next to the letter it belongs to. Every mark must still come back.
    """
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text)).translate(_MIRRORED)
    base, marks = [], Counter()
    for char in text:
        if _ignorable(char):
            continue
        if unicodedata.category(char) in ("Mn", "Mc", "Me"):
            marks[char] += 1
        else:
            base.append(char)
    return "".join(base), marks


def _lam_alef(text: str) -> str:
    # pdftotext writes the text of a glyph that stands for two characters in
    # reverse inside right-to-left text: the lam-alef ligature (لا) comes out
    # as alef-lam. Both sides are turned the same way round.
    return _LAM_ALEF.sub("\\1\u0644", text)


def _words_back(pdf_text: str, essays: list[Essay]) -> tuple[list[str], Counter[str]]:
    """Every word of every seed that is not in the PDF text in book order, and the marks that are short.

    The text is ``pdftotext -raw``: in the order the PDF draws it, which
    LuaTeX does in reading (logical) order in every direction; pdftotext's
    default layout order regroups right-to-left lines by position and
    scrambles them. Whitespace is dropped on both sides: Thai, Chinese and
    Japanese have no spaces, so lines break inside their words, and
    pdftotext may split or join words at a line's end or a thin space.
    Each seed word (its skeleton, see ``_skeleton``) must then be found after
    the previous one, within a page's reach of it (running heads and page
    numbers are cropped off, ``_text_block``), starting at the essay's
    chapter heading; a soft hyphen may come back as the hyphen of a line
    broken there.
    """
    stream, pdf_marks = _skeleton(pdf_text)
    stream = _lam_alef("".join(stream.split()))
    reach = 6000
    missing: list[str] = []
    seed_marks: Counter[str] = Counter()
    at = 0
    for essay in essays:
        texts = [essay.title] + [p.text for p in essay.paragraphs]
        title = _lam_alef("".join(_skeleton(essay.title)[0].split()))
        # The title first appears in the contents: its chapter heading is the next one.
        heading = stream.find(title, at)
        if heading >= 0 and essay is essays[0]:
            heading = stream.find(title, heading + len(title))
        if heading < 0:
            missing.append(f"{essay.name}: title not found")
            continue
        at = heading
        for number, text in enumerate(texts):
            seed_marks += _skeleton(text)[1]
            for raw_word in text.split():
                word = _lam_alef(_skeleton(raw_word)[0])
                if not word:
                    continue
                end = _find(stream, word, raw_word, at, at + reach + 2 * len(word))
                if end < 0:
                    missing.append(f"{essay.name} paragraph {number}: {raw_word[:80]!r}")
                    continue
                at = end
    short = Counter({m: n - pdf_marks[m] for m, n in seed_marks.items() if pdf_marks[m] < n})
    return missing, short


def _find(stream: str, word: str, raw_word: str, start: int, stop: int) -> int:
    """Where the word ends in stream[start:stop], or -1."""
    if "\u00ad" not in raw_word:
        found = stream.find(word, start, stop)
        return found + len(word) if found >= 0 else -1
    pieces = [_lam_alef(_skeleton(piece)[0]) for piece in raw_word.split("\u00ad")]
    match = re.compile("-?".join(re.escape(piece) for piece in pieces)).search(stream, start, stop)
    return match.end() if match else -1


def _text_block(pdf: Path) -> str:
    """``pdftotext -raw`` of each page's text block: running heads and page numbers cropped off.

    They would otherwise come between the halves of a word or paragraph that
    runs over a page break.
    """
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    crop = ["-x", "0", "-y", str(round(0.08 * height)), "-W", str(round(width) + 1), "-H", str(round(0.84 * height))]
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", *crop, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdftotext_gives_back_every_word_of_every_seed(rtd_pdf: dict, corpus: dict) -> None:
    essays: list[Essay] = corpus["essays"]
    missing, short = _words_back(_text_block(rtd_pdf["pdf"]), essays)
    words = sum(len(t.split()) for e in essays for t in [e.title, *(p.text for p in e.paragraphs)])
    assert words > 150_000, "the corpus is the whole hostile book and the scripts corpus"
    assert missing == [], f"{len(missing)} of {words} words are not in the PDF:\n" + "\n".join(missing[:40])
    assert short == Counter(), {f"U+{ord(m):04X}": n for m, n in short.items()}


def test_words_back_finds_a_word_that_is_not_there() -> None:
    essay = parse_seed(b"Title\n\nOne two three.\n", "x.txt")
    assert _words_back("Title\nTitle\nOne two three.", [essay]) == ([], Counter())
    missing, _ = _words_back("Title\nTitle\nOne three.", [essay])
    assert missing == ["x.txt paragraph 1: 'two'"]
    # Words out of order are missing too.
    missing, _ = _words_back("Title\nTitle\ntwo One three.", [essay])
    assert missing, "the second word was found before the first"
    # A mark the PDF dropped is short.
    marked = parse_seed("Title\n\nCafe\u0301.\n".encode(), "y.txt")
    assert _words_back("Title\nTitle\nCafé.", [marked]) == ([], Counter())
    assert _words_back("Title\nTitle\nCafe.", [marked])[1] == Counter({"\u0301": 1})


# --- the EPUB ----------------------------------------------------------------------------


def _build_epub(project: Path) -> Path:
    """The project's EPUB, built as ``make epub`` builds it."""
    out = build_html(
        project,
        project / "_build" / "epub",
        doctrees=project / "_build" / "doctrees-epub",
        builder="epub",
        env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH},
    ).check()
    (book,) = out.glob("*.epub")
    return book


@pytest.fixture(scope="module")
def epub(corpus: dict) -> Path:
    return _build_epub(corpus["project"])


def test_epubcheck_finds_no_error_and_no_warning(epub: Path, tmp_path: Path) -> None:
    epubcheck(epub, tmp_path, timeout=1200)


@pytest.fixture(scope="module")
def ace_epub(corpus: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus's EPUB without the two generated giants, for Ace.

    Ace reads each content document's ids with xmldom and XPath before it checks
    anything, and on the giants' pages (10,000 paragraphs; one paragraph of a
    megabyte) that alone ran past 15 minutes; every seed of the corpus's
    folders, in every script, is here, from the same project and ``conf/``.
    """
    project: Path = corpus["project"]
    seeds = [p for p in sorted((project / "seeds").glob("*.txt")) if p.name not in GENERATED]
    return _build_epub(copy_project(tmp_path_factory.mktemp("scripts-ace"), seeds=seeds, conf=project / "conf"))


def test_ace_finds_no_accessibility_violation(ace_epub: Path, tmp_path: Path) -> None:
    """Ace by DAISY on every script and every hostile seed: no violation of any impact."""
    try:
        found, report = ace_check.violations(ace_epub, tmp_path)
    except ace_check.Missing as err:
        pytest.fail(str(err))
    assert found == [], f"{len(found)} violations:\n" + "\n".join(found[:50])
    assert report["earl:result"]["earl:outcome"] == "pass"
    with zipfile.ZipFile(ace_epub) as book:
        pages = len(_spine(book))
    assert len(report["assertions"]) >= pages > 120, "Ace checked every content document"


def test_epub_holds_every_paragraph_verbatim_in_reading_order(epub: Path, corpus: dict) -> None:
    got: list[str] = []
    with zipfile.ZipFile(epub) as book:
        for page in _spine(book):
            got += essay_paragraphs(BeautifulSoup(book.read(page).decode("utf-8"), "html.parser"))
    want = [norm(p.text) for essay in corpus["essays"] for p in essay.paragraphs]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"paragraph {i + 1} of the book differs"


def test_every_script_is_indexed_whole_by_read_the_docs_rules(epub: Path, corpus: dict, tmp_path: Path) -> None:
    """The pages as Read the Docs' search would index them (the EPUB's pages: one translator writes both)."""
    with zipfile.ZipFile(epub) as book:
        book.extractall(tmp_path)
    essays = {default_slug(e.name.rsplit(".", 1)[0]): [p.text for p in e.paragraphs] for e in corpus["essays"]}
    found = essay_findings(tmp_path, essays, suffix=".xhtml")
    assert found.paragraphs == sum(len(p) for p in essays.values()) > 10_000
    assert found.problems[:20] == []
    assert (found.whole, found.altered_words) == (found.paragraphs, 0)


def test_epub_loses_no_character(epub: Path, corpus: dict) -> None:
    """The EPUB is strict UTF-8 and holds no U+FFFD but the seeds' own: nothing was replaced on the way."""
    with zipfile.ZipFile(epub) as book:
        text = "".join(book.read(n).decode("utf-8", errors="strict") for n in book.namelist() if n.endswith(".xhtml"))
    essays: list[Essay] = corpus["essays"]
    assert sum(e.title.count("\ufffd") for e in essays) == 0, "a title with U+FFFD would count more than once"
    own = sum(p.text.count("\ufffd") for e in essays for p in e.paragraphs)
    assert own >= 1, "the corpus holds a replacement character of its own"
    assert text.count("\ufffd") == own
