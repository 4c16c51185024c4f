"""The press as released: its sdist and wheel hold every file it reads, and a book started from the wheel builds.

The wheel is built from the sdist (``python -m build``), installed into a
fresh venv in a temporary folder, away from the checkout; that venv's
``essaybook new`` starts a book in an empty folder, an essay is dropped into
its ``seeds/``, and the commands its README gives (``make html``, ``make
epub``, ``make pdf``) build it, the book's Makefile installing the press
into the book's own ``.venv`` from the ``requirements.txt`` that ``new``
wrote (tests/pressbuild.py). Search in that book is tested in a browser
(tests/browser/test_new_book.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

from bs4 import BeautifulSoup

from pressbuild import ESSAY, ESSAY_FILE, ROOT, TITLE, clean_environ, package_files, sdist_files, wheel_files
from sitebuild import essay_paragraphs, norm

# The files the press reads at build time besides its modules, by the constants that name them.
READ_AT_BUILD_TIME = {
    "essaybook/core/schemas/book.schema.json",
    "essaybook/typeset/texinputs/essaybook.sty",
    "essaybook/typeset/texinputs/essaybook.lua",
    "essaybook/sphinx_ext/static/essaybook.css",
    "essaybook/sphinx_ext/static/essaybook-previews.js",
    "essaybook/sphinx_ext/static/essaybook-search.js",
    "essaybook/sphinx_ext/static/essaybook-readthedocs.js",
    "essaybook/sphinx_ext/static/essaybook-favicon.svg",
    "essaybook/sphinx_ext/web_static/essaybook-margins.css",
    "essaybook/sphinx_ext/web_static/essaybook-margins.js",
    "essaybook/sphinx_ext/templates/html/search.html",
    "essaybook/sphinx_ext/templates/epub3/content.opf.jinja",
    "essaybook/project_files/Makefile",
    "essaybook/project_files/docs/conf.py",
}


def _seed_paragraphs() -> list[str]:
    return [norm(p) for p in ESSAY.split("\n\n")[1:]]


def test_the_wheel_and_the_sdist_hold_every_file_of_the_package(press_dist) -> None:
    ours = package_files()
    assert READ_AT_BUILD_TIME <= ours, "the list above names files the package no longer has"
    data = {f for f in ours if not f.endswith(".py")}
    assert len(data) >= 25, sorted(data)
    in_wheel = wheel_files(press_dist.wheel)
    assert sorted(ours - in_wheel) == [], "files of the package the wheel leaves out (pyproject.toml package-data)"
    in_sdist = sdist_files(press_dist.sdist)
    assert sorted(f"src/{f}" for f in ours if f"src/{f}" not in in_sdist) == []
    assert {"pyproject.toml", "README.md"} <= in_sdist


def test_the_installed_press_is_the_wheels_not_the_checkouts(press_book) -> None:
    probe = "import essaybook, json, sys; print(json.dumps([essaybook.__file__, sys.path]))"
    run = subprocess.run(
        [str(press_book.python), "-c", probe],
        cwd=press_book.book,
        env=clean_environ(),
        capture_output=True,
        text=True,
        check=True,
    )
    module, path = json.loads(run.stdout)
    venv = press_book.python.parent.parent
    assert Path(module).is_relative_to(venv), module
    assert not [p for p in path if p and Path(p).resolve().is_relative_to(ROOT)], path
    # The book's own .venv, made by its Makefile, holds the press from the same wheel.
    requirement = (press_book.book / "requirements.txt").read_text("utf-8").splitlines()[-1]
    assert re.fullmatch(r"essaybook @ file:///\S+/essaybook-[0-9.]+-py3-none-any\.whl", requirement), requirement
    assert "a file on this machine" in press_book.new_output


def test_the_readmes_commands_build_html_epub_and_pdf_without_a_warning(press_book) -> None:
    venv = press_book.runs["make venv"]
    assert venv.returncode == 0, venv.stdout + venv.stderr
    # The Makefile writes the installed press's schemas after installing it (new wrote them already).
    assert ".essaybook/schemas: up to date" in venv.stdout, venv.stdout
    readme = {command: run for command, run in press_book.runs.items() if command != "make venv"}
    assert list(readme) == ["make html", "make epub", "make pdf"]
    for command, run in readme.items():
        out = run.stdout + run.stderr
        assert run.returncode == 0, f"{command} failed:\n{out[-6000:]}"
        problems = [line for line in out.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)]
        assert problems == [], f"{command}:\n" + "\n".join(problems)
    built = press_book.book / "_build"
    assert (built / "html" / "index.html").is_file()
    assert len(list((built / "epub").glob("*.epub"))) == 1
    assert len(list((built / "pdf").glob("*.pdf"))) == 1


def test_the_essay_is_verbatim_in_every_format(press_book) -> None:
    built = press_book.book / "_build"
    want = _seed_paragraphs()
    page = built / "html" / "book" / "on-trials" / "index.html"
    assert essay_paragraphs(BeautifulSoup(page.read_text("utf-8"), "html.parser")) == want
    (epub,) = (built / "epub").glob("*.epub")
    with zipfile.ZipFile(epub) as book:
        xhtml = book.read("book/on-trials/index.xhtml").decode("utf-8")
    assert essay_paragraphs(BeautifulSoup(xhtml, "html.parser")) == want
    (pdf,) = (built / "pdf").glob("*.pdf")
    text = norm(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout)
    for paragraph in want:
        assert paragraph in text, paragraph
    assert TITLE in text


def test_the_book_holds_no_copy_of_the_press(press_book) -> None:
    """Only the book's own files: a newer press brings newer assets without a copy to update."""
    made = {".venv", "_build", ".essaybook"}
    kept = sorted(
        p.relative_to(press_book.book).as_posix()
        for p in press_book.book.rglob("*")
        if p.is_file()
        and not made & set(p.relative_to(press_book.book).parts)
        and not p.relative_to(press_book.book).as_posix().startswith("docs/book/")
    )
    assert f"seeds/{ESSAY_FILE}" in kept
    assert [k for k in kept if k.endswith((".css", ".js", ".html", ".sty", ".lua", ".svg", ".json"))] == [
        "conf/sources.json"
    ]
    assert (press_book.book / "docs" / "conf.py").read_text("utf-8").count("\n") < 12
