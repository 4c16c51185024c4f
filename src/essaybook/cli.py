"""The command line: start a book, check and convert without Sphinx, publish a finished build.

``new`` starts a book (:mod:`essaybook.project` writes it); ``schemas``
writes the press's JSON Schemas where a book's ``#:schema`` lines point.
``check`` validates every seed and the editorial layer and prints every
problem (exit 1 if any), then what an editor should look at though nothing
is wrong (:mod:`essaybook.core.lint`), as warnings (exit 0, or 1 with
``--strict``); ``convert`` writes the pages as the Sphinx build
would; ``release`` keeps this edition's editorial layer as a release's
snapshot in ``conf/releases/`` (or, with ``--from``, a tagged release's), so
later editions can say what changed even where git has no history
(:mod:`essaybook.core.releases`); ``publish`` brings a finished build into
place, only after the build succeeded (so a failed build never touches the
last good one) and touching only the files that changed; ``clean`` removes
generated pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from .core.problems import Problem, ProblemsError
from .core.write import remove_pages, sync_tree, write_pages

ROOT = Path.cwd()


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of .txt essays (default: seeds)")
    parser.add_argument("--conf", type=Path, default=Path("conf"), help="editorial layer folder (default: conf)")


def _history(args: argparse.Namespace):
    from .core.releases import History

    return History(args.conf, args.seeds, str(args.conf))


def cmd_check(args: argparse.Namespace) -> int:
    from .core.lint import lint_book  # not for publish, which needs none of the converter
    from .core.pipeline import build_book

    history = _history(args)
    book = build_book(args.seeds, args.conf, history=history)
    findings = lint_book(book, args.conf, str(args.conf), history)
    for line in book.skipped:
        print(f"note: {line}")
    for finding in findings:
        print(f"{finding.location}: warning: {finding.describe()}", file=sys.stderr)
    if book.previous is not None:
        print(f"note: edition {book.edition.book.version} is compared with {book.previous.origin}")
    print(
        f"ok: {len(book.chapters)} essays, {len(book.pages)} pages, "
        f"{len(book.edition.terms)} glossary terms, {len(book.edition.notes)} notes; "
        f"{len(findings)} finding{'' if len(findings) == 1 else 's'} for the editors"
    )
    return 1 if findings and args.strict else 0


def cmd_convert(args: argparse.Namespace) -> int:
    from .core.pipeline import build_book

    book = build_book(args.seeds, args.conf, history=_history(args))
    report = write_pages(args.out, book.pages)
    print(f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.removed)} removed")
    return 0


def _refuse(where: str, message: str, hint: str) -> ProblemsError:
    return ProblemsError([Problem(where, 0, 0, "release.refused", message, hint)])


def cmd_release(args: argparse.Namespace) -> int:
    """Write ``conf/releases/<version>/``: this edition's layer as released, or (``--from``) a tagged release's."""
    from .core.changes import CONF_FILES, version_key
    from .core.pipeline import build_book
    from .core.releases import tag_version, write_snapshot

    history = _history(args)
    if args.tag:
        version = tag_version(args.tag)
        release = history.from_git(version) if version else None
        files = history.git_files(version) if release is not None and release.tag == args.tag else None
        if release is None or files is None:
            raise _refuse(
                args.tag,
                f"git has no release tagged {args.tag} with this book's conf/ and seeds/",
                "name a tag of a release (git tag -l), in a clone that has its history (git fetch --tags --unshallow)",
            )
        folder = write_snapshot(history.snapshot_dir / release.version, files, release.layer, args.tag, release.commit)
        print(f"{folder}: the snapshot of edition {release.version} (tag {args.tag}, commit {release.commit[:12]})")
        return 0
    book = build_book(args.seeds, args.conf, history=history)
    edition = book.edition.book
    conf_book = f"{args.conf}/book.toml"
    if not edition.date:
        raise _refuse(conf_book, f"edition {edition.version} has no date", 'give the release\'s date = "YYYY-MM-DD"')
    if book.previous is not None and version_key(book.previous.version) >= version_key(edition.version):
        raise _refuse(conf_book, "the version is not above the last release's", "raise version in book.toml")
    tagged = history.tags.get(edition.version)
    if tagged is not None:
        raise _refuse(
            conf_book,
            f"edition {edition.version} is released already (tag {tagged[0]})",
            "raise the version in book.toml for a new edition",
        )
    files = {name: (args.conf / name).read_text("utf-8") for name in CONF_FILES if (args.conf / name).is_file()}
    tag = f"v{edition.version}"
    folder = write_snapshot(history.snapshot_dir / edition.version, files, book.layer, tag)
    # The snapshot this edition is compared with stays; older ones are in the history of those two.
    keep = {edition.version} | ({book.previous.version} if book.previous else set())
    for version, old in history.snapshots().items():
        if version not in keep and version_key(version) < version_key(edition.version):
            shutil.rmtree(old)
            print(f"{old}: removed (the snapshot of edition {version}, which this one no longer compares with)")
    print(f"{folder}: the snapshot of edition {edition.version}")
    print(f"Now commit it and tag the commit: git add {history.snapshot_dir} && git commit && git tag {tag}")
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


def cmd_new(args: argparse.Namespace) -> int:
    """Write a new book into a new or empty folder; 2 for a folder in use or an answer that cannot be used."""
    from . import project

    folder: Path = args.folder
    ask = sys.stdin.isatty()
    try:
        # Before any question: an answer is no use for a folder new will not write into.
        project.check_folder(folder, force=args.force)
        title = _answer(args.title, "title", "Title of the book", lambda s: project.check_name(s, "title"), ask)
        author = _answer(args.author, "author", "Author of the essays", lambda s: project.check_name(s, "author"), ask)
        language = _answer(
            args.language, "language", "Language (a tag: en, fr, pt-BR)", project.check_language, ask, "en"
        )
        press = project.check_name(args.press, "press requirement") if args.press is not None else None
        requirement = press or project.press_requirement()
        book = project.NewBook(title, author, language, _this_year(), requirement)
        replaced = project.write_book(folder, project.book_files(book), force=args.force)
    except (ValueError, project.FolderNotEmpty) as err:
        print(f"error: {err}. Nothing was written.", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("\nNothing was written.", file=sys.stderr)
        return 2
    project.write_schemas(folder)
    print(f"Wrote the book “{title}” into {folder}/ with essaybook {project.press_version()}.")
    if replaced:
        print(f"  Replaced: {', '.join(replaced)}")
    print(f"  seeds/{project.SAMPLE_ESSAY} is a placeholder essay: replace it with your own (README.md says how).")
    print(f"  requirements.txt names the press as: {requirement}")
    if " @ file:" in requirement:
        print("  That is a file on this machine: to build elsewhere (Read the Docs too), see requirements.txt.")
    print(f"Next:\n  cd {folder}\n  make html")
    return 0


def _answer(
    given: str | None, flag: str, prompt: str, check: Callable[[str], str], ask: bool, default: str | None = None
) -> str:
    """The value given on the command line, else asked for in a terminal, else the default."""
    if given is not None:
        return check(given)
    if not ask:
        if default is not None:
            return default
        raise ValueError(f"give --{flag} (there is no terminal to ask in)")
    while True:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ")
        if not answer.strip() and default is not None:
            return default
        try:
            return check(answer)
        except ValueError as err:
            print(f"  {err}", file=sys.stderr)


def _this_year() -> int:
    # SOURCE_DATE_EPOCH, when set, stands for "now" (https://reproducible-builds.org/specs/source-date-epoch/).
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC).year if epoch.isdigit() else date.today().year


def cmd_schemas(args: argparse.Namespace) -> int:
    from .project import SCHEMAS, write_schemas

    changed = write_schemas(args.book)
    where = args.book / SCHEMAS
    print(
        f"{where}: {len(changed)} schema{'' if len(changed) == 1 else 's'} written"
        if changed
        else f"{where}: up to date"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="essaybook", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("new", help="start a book in a new folder: essays, editorial layer, pages, Makefile, README")
    p.add_argument("folder", type=Path, help="the new book's folder (new or empty)")
    p.add_argument("--title", help="the book's title (asked for in a terminal)")
    p.add_argument("--author", help="the essays' author, who edits the book (asked for in a terminal)")
    p.add_argument("--language", help="the book's language, a tag such as en, fr or pt-BR (default: en)")
    p.add_argument(
        "--press",
        metavar="REQUIREMENT",
        help="how requirements.txt names the press, e.g. 'essaybook @ git+https://…@v1.0' "
        "(default: where this press was installed from)",
    )
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p.set_defaults(func=cmd_new)
    p = sub.add_parser("schemas", help="write the press's JSON Schemas where a book's #:schema lines point")
    p.add_argument("--book", type=Path, default=Path("."), help="the book's folder (default: .)")
    p.set_defaults(func=cmd_schemas)
    p = sub.add_parser("check", help="validate seeds and conf/, print every problem and what editors should look at")
    _common(p)
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on findings for the editors, too")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("convert", help="write the MyST pages without building")
    _common(p)
    p.add_argument("--out", type=Path, default=Path("docs/book"), help="where pages go (default: docs/book)")
    p.set_defaults(func=cmd_convert)
    p = sub.add_parser(
        "release", help="keep this edition (or, with --from TAG, a tagged release) as a snapshot in conf/releases/"
    )
    _common(p)
    p.add_argument("--from", dest="tag", help="the git tag of a past release to keep, e.g. v1.0")
    p.set_defaults(func=cmd_release)
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
