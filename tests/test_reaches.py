"""Every reach into another project's internals matches the installed version, and a changed one stops the build.

For each reach listed in ``essaybook.sphinx_ext.reaches`` (and citeproc-py's in
``essaybook.core.bibliography``): its shape check passes on the pinned
versions; the same check, shown the thing reached into as it would be after a
change, names what changed; the build then stops with an error naming the
project and its version. The bounds the list gives are those pyproject.toml
declares, and the README's table lists every reach.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import furo
import pytest
from packaging.requirements import Requirement
from sphinx.errors import ExtensionError

from essaybook.core import bibliography
from essaybook.sphinx_ext import reaches

ROOT = Path(__file__).resolve().parents[1]
NAMES = [r.name for r in reaches.REACHES]


@pytest.fixture(autouse=True)
def _fresh_checks():
    reaches._checked.cache_clear()
    yield
    reaches._checked.cache_clear()


@pytest.mark.parametrize("name", NAMES)
def test_each_reach_matches_the_installed_version(name: str) -> None:
    assert reaches.problem(name) is None
    reaches.check(name)


def _without(needle: str):
    """Every file read as it is, except that ``needle`` is gone from it: a release that changed it."""
    read = reaches._read

    def changed(package: str, *path: str) -> str:
        return read(package, *path).replace(needle, "")

    return changed


# Per reach, a change of the thing reached into, as the check reads it.
CHANGES = {
    "furo.get_navigation_tree": ("setattr", furo, "get_navigation_tree", lambda html, depth: html),
    "furo landmarks": ("read", '<aside class="sidebar-drawer">'),
    "furo footer": ("read", "{%- if show_copyright %}"),
    "furo search template": ("read", "{% block scripts -%}"),
    "Sphinx searchtools.js": ("read", "_performSearch: ("),
    "Sphinx search indexer": ("setattr", reaches, "_source", lambda obj: ""),
    "Sphinx EPUB package template": ("read", "<dc:date>"),
    "Sphinx EPUB navigation and pages": ("read", '<nav epub:type="toc">'),
    "Sphinx latexmkrc": ("read", "export XINDYOPTS = "),
    "Sphinx LaTeX context": ("read", "<%= maketitle %>"),
}


def test_every_reach_has_a_change_to_catch() -> None:
    assert sorted(CHANGES) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_changed_internal_stops_the_build_naming_the_project(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    change = CHANGES[name]
    if change[0] == "read":
        monkeypatch.setattr(reaches, "_read", _without(change[1]))
    else:
        monkeypatch.setattr(change[1], change[2], change[3])
    assert reaches.problem(name)
    reach = next(r for r in reaches.REACHES if r.name == name)
    with pytest.raises(ExtensionError, match=rf"relies on {reach.distribution} [0-9][^ ]*'s internals"):
        reaches.check(name)


def test_a_changed_furo_stops_a_real_build(tmp_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check runs where the reach is used: an HTML build with furo stops instead of mending nothing."""
    import shutil

    srcdir = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "roots" / "test-book", srcdir)
    (srcdir / "conf.py").write_text((srcdir / "conf.py").read_text("utf-8") + 'html_theme = "furo"\n', "utf-8")
    monkeypatch.setattr(reaches, "_read", _without('<aside class="sidebar-drawer">'))
    with pytest.raises(ExtensionError, match="furo"):
        make_app("html", srcdir=srcdir).build()


def test_citeproc_matches_and_a_changed_one_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert bibliography.citeproc_problem() is None
    from citeproc import model

    monkeypatch.setattr(model.Name, "get_option", lambda self, name: None)
    assert "get_option" in bibliography.citeproc_problem()
    with pytest.raises(bibliography.CiteprocChanged, match=r"citeproc-py [0-9]"):
        bibliography.Bibliography([{"id": "a", "type": "book", "title": "A"}], "chicago-author-date", "en-GB")


def test_formatting_leaves_citeproc_as_it_found_it() -> None:
    from citeproc import model, source

    def mended() -> tuple:
        return tuple(
            vars(getattr(source if module == "source" else model, cls))[name]
            for module, cls, name in bibliography._CITEPROC_SHAPE
            if name in vars(getattr(source if module == "source" else model, cls))
        )

    before = mended()
    assert len(before) == len(bibliography._CITEPROC_SHAPE)
    bibliography.Bibliography(
        [{"id": "a", "type": "book", "title": "A"}, {"id": "b", "type": "book", "title": "B"}],
        "chicago-author-date",
        "en-GB",
    )
    assert mended() == before


@pytest.mark.parametrize(
    ("module", "cls", "name"), [("model", "Sort", "sort"), ("source", "CitationItem", "reference")]
)
def test_a_changed_sort_or_item_is_named(monkeypatch: pytest.MonkeyPatch, module: str, cls: str, name: str) -> None:
    import importlib

    owner = getattr(importlib.import_module(f"citeproc.{module}"), cls)
    monkeypatch.setattr(
        owner, name, property(lambda self, other=None: None) if module == "source" else lambda self: None
    )
    assert f"citeproc.{module}.{cls}.{name}(" in bibliography.citeproc_problem()


def _bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {(r := Requirement(d)).name.lower(): str(r.specifier) for d in project["dependencies"]}


@pytest.mark.parametrize("name", NAMES)
def test_each_reach_gives_the_bound_pyproject_declares(name: str) -> None:
    reach = next(r for r in reaches.REACHES if r.name == name)
    declared = _bounds()[reach.distribution]
    assert sorted(declared.split(",")) == sorted(reach.bound.split(","))
    assert "<" in declared, f"{reach.distribution}: a reach into its internals needs an upper bound"
    assert "<" in _bounds()["citeproc-py"]


def test_the_readme_lists_every_reach() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme[readme.index("## Reaches into other projects") :]
    rows = re.findall(r"^\| ([^|]+?) \|", table, re.MULTILINE)
    assert {*NAMES, "citeproc-py model"} <= {r.strip() for r in rows}
