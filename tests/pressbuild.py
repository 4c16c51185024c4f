"""The press as someone else gets it: a release's sdist and wheel, installed into a fresh venv, starting a book.

:func:`build_dist` makes the sdist and, from it, the wheel, as ``python -m
build`` does for a release (so the wheel proves the sdist holds every file
too), from a copy of what a release packs: ``pyproject.toml``, ``README.md``
and ``src/``. :func:`install` puts the wheel into a new virtual environment in
a temporary folder, away from the checkout. :func:`start_book` runs that
environment's ``essaybook new`` in an empty folder, as an editor would, and
:func:`readme_commands` reads the commands the new book's README gives, which
:func:`run_make` runs there: the book's Makefile makes its own ``.venv`` from
its ``requirements.txt``.

Both installs take the versions ``docs/requirements.txt`` pins
(``PIP_CONSTRAINT``), so a new release of a dependency cannot change what
the tests see; the book's files say nothing of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "essaybook"
PINS = ROOT / "docs" / "requirements.txt"

__all__ = [
    "AUTHOR",
    "ESSAY",
    "ESSAY_FILE",
    "TITLE",
    "Dist",
    "NewBookBuild",
    "build_dist",
    "clean_environ",
    "install",
    "new_book_build",
    "package_files",
    "readme_commands",
    "run_make",
    "sdist_files",
    "start_book",
    "wheel_files",
]


@dataclass(frozen=True)
class Dist:
    sdist: Path
    wheel: Path


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without what would tie a child to the checkout or to its own venv."""
    drop = ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "READTHEDOCS", "SPHINX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    # A venv's bin/ on PATH would stand in for the book's own.
    venv_bin = str(Path(sys.prefix) / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.update({"NO_COLOR": "1", "PIP_CONSTRAINT": str(PINS), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}, **extra)
    return env


def _run(args: list[str], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        args, cwd=cwd, env=env or clean_environ(), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, (
        f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    )
    return proc.stdout


def build_dist(dest: Path) -> Dist:
    """The sdist and the wheel built from it, from a copy of what a release packs."""
    source = dest / "source"
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = dest / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=dest)
    (sdist,) = out.glob("essaybook-*.tar.gz")
    (wheel,) = out.glob("essaybook-*.whl")
    return Dist(sdist, wheel)


def package_files() -> set[str]:
    """Every file of the package in the checkout, as a path inside the installed package (essaybook/...)."""
    return {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


def wheel_files(wheel: Path) -> set[str]:
    """The files the wheel's RECORD lists."""
    with zipfile.ZipFile(wheel) as whl:
        (record,) = [n for n in whl.namelist() if n.endswith(".dist-info/RECORD")]
        return {line.split(",")[0] for line in whl.read(record).decode("utf-8").splitlines() if line}


def sdist_files(sdist: Path) -> set[str]:
    """The files of the sdist, as paths inside its top folder."""
    with tarfile.open(sdist) as tar:
        return {m.name.split("/", 1)[1] for m in tar.getmembers() if m.isfile()}


def install(wheel: Path, venv: Path) -> Path:
    """A new virtual environment holding the wheel and what it needs; its python."""
    _run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=venv.parent)
    return python


def start_book(venv: Path, folder: Path, *args: str) -> str:
    """``essaybook new FOLDER ARGS`` from the venv, in FOLDER's parent, with no terminal to ask in."""
    proc = subprocess.run(
        [str(venv / "bin" / "essaybook"), "new", folder.name, *args],
        cwd=folder.parent,
        env=clean_environ(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def readme_commands(readme: Path) -> list[str]:
    """The ``make`` commands of the README's shell blocks, in order, without their comments."""
    blocks = re.findall(r"^```sh\n(.*?)^```", readme.read_text("utf-8"), re.MULTILINE | re.DOTALL)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.startswith("make ")]


def run_make(book: Path, command: str, timeout: int = 1200) -> subprocess.CompletedProcess[str]:
    """One of the README's ``make`` commands, run in the book as its reader would."""
    return subprocess.run(
        command.split(), cwd=book, env=clean_environ(), capture_output=True, text=True, timeout=timeout, check=False
    )


# --- an editor's first book --------------------------------------------------------

TITLE = "Trials of a Plain Text"
AUTHOR = "Ada Example"
ESSAY_FILE = "on-trials.txt"
# Written for this test: an essay an editor might drop into seeds/, with the
# characters a book must keep exactly, and a rare word to search for.
ESSAY = """\
On Trials -- "Plain" Text & Other <Things>

A quinquennial review found that *nothing* here is markup: not {{ braces }},
not [brackets](like-links), not # a heading, not 50% of anything.

The second paragraph says 'so long' -- with straight quotes -- and ends... here.
"""


@dataclass(frozen=True)
class NewBookBuild:
    """A book started by an installed press, an essay dropped in, and its README's commands run."""

    book: Path
    python: Path  # the venv's, which holds the press from the wheel
    new_output: str
    runs: dict[str, subprocess.CompletedProcess[str]]


def new_book_build(wheel: Path, work: Path) -> NewBookBuild:
    python = install(wheel, work / "press-venv")
    editor = work / "editor"
    editor.mkdir()
    book = editor / "mybook"
    output = start_book(python.parent.parent, book, "--title", TITLE, "--author", AUTHOR)
    (book / "seeds" / ESSAY_FILE).write_text(ESSAY, "utf-8")
    # The install first, on its own: what pip says of this machine's own configuration
    # (its package indexes) is not the book's build speaking.
    runs = {"make venv": run_make(book, "make venv")}
    runs |= {cmd: run_make(book, cmd) for cmd in readme_commands(book / "README.md") if cmd != "make serve"}
    return NewBookBuild(book, python, output, runs)
