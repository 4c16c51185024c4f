"""Every pinned tool installs on every Python the project says it supports.

``pyproject.toml`` promises Python 3.11 and later; Debian 12's own Python is
3.11.2. A pin whose release needs a later patch release (``Requires-Python
>=3.11.5``) installs here and fails on such a machine, at ``make html``'s
first step. The installed distributions carry their ``Requires-Python``, so
each pin is checked against the oldest release the project accepts.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
FILES = ["docs/requirements.txt", "tests/requirements.txt"]


def _oldest_python() -> Version:
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    found = re.fullmatch(r">=\s*(\d+)\.(\d+)(?:\.(\d+))?", spec.strip())
    assert found, f"requires-python is {spec!r}: this test reads only the form '>=X.Y[.Z]'"
    major, minor, patch = found.groups()
    return Version(f"{major}.{minor}.{patch or 0}")


def _pins() -> list[tuple[str, Requirement]]:
    pins = []
    for name in FILES:
        for line in (ROOT / name).read_text("utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                pins.append((name, Requirement(line)))
    return pins


PINS = _pins()


def test_the_pins_were_read() -> None:
    assert len(PINS) > 30
    assert all(str(r.specifier).startswith("==") for _, r in PINS), "every tool is pinned to one version"


@pytest.mark.parametrize(("where", "pin"), PINS, ids=[r.name for _, r in PINS])
def test_a_pin_installs_on_the_oldest_python_supported(where: str, pin: Requirement) -> None:
    if pin.marker is not None and not pin.marker.evaluate():
        pytest.skip(f"{pin} is not for this platform")
    dist = metadata.distribution(pin.name)
    assert pin.specifier.contains(dist.version), f"{where}: {pin} is pinned, {dist.version} is installed"
    needs = dist.metadata.get("Requires-Python") or ""
    oldest = _oldest_python()
    assert SpecifierSet(needs).contains(oldest), (
        f"{where}: {pin} needs Python {needs}, but pyproject.toml accepts Python {oldest} "
        f"(Debian 12 has 3.11.2): pin a release that supports it, or raise requires-python"
    )
