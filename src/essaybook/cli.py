"""The command line: check and convert without Sphinx, publish a finished build.

``check`` validates every seed and the editorial layer and prints every
problem (exit 1 if any), then what an editor should look at though nothing
is wrong (:mod:`essaybook.core.lint`), as warnings (exit 0, or 1 with
``--strict``); ``convert`` writes the pages as the Sphinx build
would; ``publish`` brings a finished build into place, only after the build
succeeded (so a failed build never touches the last good one) and touching
only the files that changed; ``clean`` removes generated pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core.problems import ProblemsError
from .core.write import remove_pages, sync_tree, write_pages

ROOT = Path.cwd()


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of .txt essays (default: seeds)")
    parser.add_argument("--conf", type=Path, default=Path("conf"), help="editorial layer folder (default: conf)")


def cmd_check(args: argparse.Namespace) -> int:
    from .core.lint import lint_book  # not for publish, which needs none of the converter
    from .core.pipeline import build_book

    book = build_book(args.seeds, args.conf)
    findings = lint_book(book, args.conf, str(args.conf))
    for line in book.skipped:
        print(f"note: {line}")
    for finding in findings:
        print(f"{finding.location}: warning: {finding.describe()}", file=sys.stderr)
    print(
        f"ok: {len(book.chapters)} essays, {len(book.pages)} pages, "
        f"{len(book.edition.terms)} glossary terms, {len(book.edition.notes)} notes; "
        f"{len(findings)} finding{'' if len(findings) == 1 else 's'} for the editors"
    )
    return 1 if findings and args.strict else 0


def cmd_convert(args: argparse.Namespace) -> int:
    from .core.pipeline import build_book

    book = build_book(args.seeds, args.conf)
    report = write_pages(args.out, book.pages)
    print(f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.removed)} removed")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Bring the destination in line with a finished build, touching only the files that changed."""
    src, dest = args.src, args.dest
    # A missing folder is reported like an empty one, not as a traceback.
    if not src.is_dir() or not any(src.iterdir()):
        print(f"error: {src} holds no build", file=sys.stderr)
        return 1
    report = sync_tree(src, dest)
    print(
        f"{dest}: {len(report.written)} files written, {len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )
    return 0


def cmd_clean(args: argparse.Namespace) -> int:
    removed = remove_pages(args.out)
    print(f"{len(removed)} generated pages removed")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="essaybook", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate seeds and conf/, print every problem and what editors should look at")
    _common(p)
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on findings for the editors, too")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("convert", help="write the MyST pages without building")
    _common(p)
    p.add_argument("--out", type=Path, default=Path("docs/book"), help="where pages go (default: docs/book)")
    p.set_defaults(func=cmd_convert)
    p = sub.add_parser("publish", help="make DEST hold the finished build SRC, touching only changed files")
    p.add_argument("src", type=Path)
    p.add_argument("dest", type=Path)
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("clean", help="remove the generated pages (and only those)")
    p.add_argument("--out", type=Path, default=Path("docs/book"))
    p.set_defaults(func=cmd_clean)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ProblemsError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
