"""The tree shows its layers: the contracts in pyproject.toml hold, and the names say one job each.

``lint-imports`` checks the import-linter contracts (the core free of Sphinx,
the package's layers, the core's stages along the pipeline, no cycles). The
two scans below say the same from the source itself, so a contract edited
away in ``pyproject.toml`` does not silently let a module through.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "essaybook"
BUILD_LIBRARIES = {"sphinx", "docutils", "furo", "myst_parser"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imported_roots(path: Path) -> set[str]:
    """The top-level packages a module imports, at its head or inside a function."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and "4 kept" in run.stdout, run.stdout


def test_only_the_extension_imports_the_build_libraries() -> None:
    modules = _modules()
    assert {"essaybook.core.seeds", "essaybook.sphinx_ext.conversion", "essaybook.typeset.fonts"} <= set(modules)
    touching = {name for name, path in modules.items() if _imported_roots(path) & BUILD_LIBRARIES}
    assert "essaybook.sphinx_ext.conversion" in touching  # the scan sees them
    outside = sorted(n for n in touching if n != "essaybook.sphinx_ext" and not n.startswith("essaybook.sphinx_ext."))
    assert outside == [], (
        f"these modules import Sphinx, docutils, furo or MyST-Parser outside essaybook.sphinx_ext: {outside}"
    )


def test_no_two_modules_share_a_name() -> None:
    stems = Counter(p.stem for p in PACKAGE.rglob("*.py") if p.stem not in {"__init__", "__main__"})
    assert [s for s, n in stems.items() if n > 1] == []
    # Names that read as the same job: one module per word.
    stems = set(stems)
    for group in ({"cite", "citation", "citing"}, {"search", "searchindex"}, {"sphinxext", "formats"}):
        assert len(stems & group) == 0, f"{sorted(stems & group)}: old, confusable names"
