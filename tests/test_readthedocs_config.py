"""``.readthedocs.yaml`` is valid, and installs what the PDF needs: the packages the tests install.

Read the Docs checks its configuration against a JSON schema before it
builds; check-jsonschema (a test requirement) ships a copy of that schema,
taken from readthedocs.org (``check_jsonschema/builtin_schemas/vendor/
readthedocs.json``, with its licence beside it). The PDF's TeX packages and
fonts are listed once for the tests, in ``.ci/system-packages``, and Read the
Docs' ``build.apt_packages`` must name the same ones, which are
``essaybook.typeset.PDF_PACKAGES``, the list every new book's file names; every
font the PDF falls back through (``essaybook.typeset.fonts``) must be installed,
by one of them.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml

from essaybook.typeset import PDF_PACKAGES
from essaybook.typeset.fonts import pdf_fonts

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text("utf-8"))


def _schema() -> dict:
    return json.loads((files("check_jsonschema.builtin_schemas.vendor") / "readthedocs.json").read_text("utf-8"))


def _system_packages() -> dict[str, str]:
    """Each package .ci/system-packages lists, with the probe that finds it (cmd:, tex:, lib:, font:)."""
    script = (ROOT / ".ci" / "system-packages").read_text("utf-8")
    return dict(re.findall(r'^\s*"([a-z0-9][a-z0-9.+-]+)\s+([a-z]+:[^"]+?)"', script, re.MULTILINE))


def test_readthedocs_yaml_is_valid_against_read_the_docs_schema() -> None:
    schema = _schema()
    assert schema["title"] == "Read the Docs"
    jsonschema.validate(CONFIG, schema, cls=jsonschema.Draft202012Validator)
    # The schema is no rubber stamp: a misspelt key is refused.
    broken = {**CONFIG, "build": {**CONFIG["build"], "apt_package": ["x"]}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken))


def test_read_the_docs_installs_what_the_pdf_needs() -> None:
    assert {"pdf", "epub"} <= set(CONFIG["formats"])
    apt = CONFIG["build"]["apt_packages"]
    listed = _system_packages()
    pdf = {
        name
        for name, probe in listed.items()
        if probe.startswith(("tex:", "font:")) or probe in ("cmd:lualatex", "cmd:latexmk", "cmd:xindy", "cmd:fc-list")
    }
    assert pdf, ".ci/system-packages lists the PDF's packages"
    assert sorted(apt) == sorted(pdf)
    # Read the Docs takes package names only (no versions, options or URLs).
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", name) for name in apt)


def test_the_pdf_packages_are_one_list_every_book_shares() -> None:
    # essaybook new writes the same list into each new book's .readthedocs.yaml (tests/test_new.py).
    assert CONFIG["build"]["apt_packages"] == list(PDF_PACKAGES)


def test_every_font_the_pdf_uses_is_installed_by_a_listed_package() -> None:
    apt = set(CONFIG["build"]["apt_packages"])
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    installed = {name.strip() for line in families.splitlines() for name in line.split(",")}
    fonts = pdf_fonts()
    assert len(fonts) > 40
    missing = [f.family for f in fonts if f.family not in installed]
    assert missing == [], f"fonts the PDF uses that are not installed (make system-packages): {missing}"
    assert {f.package for f in fonts} <= apt
    # A font with a bold face really has one.
    full_names = subprocess.run(["fc-list", ":", "fullname"], capture_output=True, text=True, check=True).stdout
    no_bold = [f.family for f in fonts if f.bold and f"{f.family} Bold" not in full_names]
    assert no_bold == []


def test_make_pdf_checks_the_pdf_packages_alone_before_building() -> None:
    """``make pdf`` on a fresh machine installs (or names) LuaLaTeX and the fonts, not the tests' browser."""
    script = ROOT / ".ci" / "system-packages"
    chosen = subprocess.run([script, "--list", *PDF_PACKAGES], capture_output=True, text=True, check=True)
    assert chosen.stdout.split() == list(PDF_PACKAGES)
    unknown = subprocess.run([script, "--check", "latexmk", "no-such-package"], capture_output=True, text=True)
    assert unknown.returncode == 2
    assert "'no-such-package' is not a package this project lists" in unknown.stderr
    # The PDF's build waits for the check (a dry run of make pdf itself would run its sub-make).
    assert re.search(r"^pdf: pdf-packages ", (ROOT / "Makefile").read_text("utf-8"), re.MULTILINE)
    dry_run = subprocess.run(
        ["make", "-n", "pdf-packages"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert ".ci/system-packages $(" in dry_run and "from essaybook.typeset import PDF_PACKAGES" in dry_run, dry_run


@pytest.mark.parametrize("target", ["html", "epub", "test"])
def test_make_compiles_our_modules_before_a_build_once_one_changed(target: str) -> None:
    """Where PYTHONDONTWRITEBYTECODE is set, every build's Python would compile the package again."""
    module = "src/essaybook/core/memo.py"
    # -W: as if the module had just been edited, without touching it.
    dry_run = subprocess.run(
        ["make", "-n", "-W", module, target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    compiled = [i for i, line in enumerate(dry_run) if "-m compileall -q -x /project_files/ src" in line]
    ran = [i for i, line in enumerate(dry_run) if "-m essaybook.sphinx_ext.build" in line or "-m pytest" in line]
    assert compiled and ran and compiled[0] < ran[0], dry_run


def test_the_new_books_files_are_never_compiled() -> None:
    """The wheel packs project_files/ whole (pyproject.toml): a __pycache__ there would ship in it."""
    project_files = ROOT / "src" / "essaybook" / "project_files"
    assert list(project_files.rglob("*.py")), "no module there: the test would prove nothing"
    assert list(project_files.rglob("__pycache__")) == []
