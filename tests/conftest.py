"""Shared fixtures. Sphinx's own test fixtures build the tiny projects in tests/roots/."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

# Sphinx colours its output when CI is set (sphinx.util.console); the tests read
# that output, so every build they run, in process or not, writes plain text.
os.environ["NO_COLOR"] = "1"

# sphinx-sitemap starts a multiprocessing Manager at every HTML build of a site with an
# address. Forked from this process, such a server would hold open every pipe the tests
# have open, the Playwright driver's among them: the driver then never sees its input
# close, and the session never ends. A fork server starts clean (sphinx-build, one
# process per build, never meets this; Sphinx's own parallel builds fork explicitly).
multiprocessing.set_start_method("forkserver", force=True)

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test-* projects."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def book_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real project (docs/, conf/, seeds/) to build in, so the checkout's docs/ is never written."""
    from sitebuild import copy_project

    return copy_project(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="session")
def built_book(book_project: Path) -> Path:
    """The real book built once per session as ``make html`` builds it; its HTML folder.

    The build must succeed without a warning. Tests only read this folder.
    """
    from sitebuild import SOURCE_DATE_EPOCH, build_html

    result = build_html(book_project, book_project / "_build" / "html", env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    return result.check()


@pytest.fixture(scope="session")
def built_pdf(book_project: Path) -> Path:
    """The real book's PDF, built once per session as ``make pdf`` builds it (no warning, no TeX error)."""
    from sitebuild import SOURCE_DATE_EPOCH, build_pdf

    return build_pdf(book_project, env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})


@pytest.fixture(scope="session")
def press_dist(tmp_path_factory: pytest.TempPathFactory):
    """The press's sdist and the wheel built from it, as a release makes them (tests/pressbuild.py)."""
    from pressbuild import build_dist

    return build_dist(tmp_path_factory.mktemp("press"))


@pytest.fixture(scope="session")
def press_book(press_dist, tmp_path_factory: pytest.TempPathFactory):
    """A book started by the wheel's press in a fresh venv, an essay dropped in, its README's commands run.

    The commands' results are kept, not asserted: tests/test_package.py reads them.
    """
    from pressbuild import new_book_build

    return new_book_build(press_dist.wheel, tmp_path_factory.mktemp("new-book"))
