"""Shared fixtures. Sphinx's own test fixtures build the tiny projects in tests/roots/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test-* projects."""
    return ROOT / "tests" / "roots"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT
