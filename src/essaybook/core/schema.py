"""Check the editorial layer's data files against their JSON Schemas.

The schemas in ``schemas/`` are the one description of what ``conf/`` may
hold. The build checks each file against its schema with the ``jsonschema``
library, and each file names its schema on its first line (``#:schema …``, the
directive Taplo and Tombi read), so an editor's editor completes and checks
keys while they type. This module turns the library's findings into the
book's problems, each at a file, line and column, saying what is wrong and
what to do; the schemas carry the hints (``x-hint``) beside the rules.

Neither TOML's nor JSON's standard parser keeps positions, so the locators
here find the line of a table, an entry or a key in the raw text; they are
only used to point at problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .problems import Problem

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["JsonLocator", "TomlLocator", "check", "schema_path", "schema_texts"]

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a table",
    "null": "nothing",
}


def _type_of(value: Any, json_file: bool) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object" if json_file else "a table"
    return type(value).__name__


@cache
def _validator(name: str) -> Draft202012Validator:
    # Imported when a file is first checked: a build whose conf/ comes from the
    # converter's memo checks nothing, and the library takes a while to import.
    from jsonschema import Draft202012Validator

    text = resources.files(__package__).joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def schema_path(name: str) -> str:
    """Where a schema lies in the package, for the ``#:schema`` line of a file in ``conf/``."""
    return f"src/essaybook/core/schemas/{name}.schema.json"


def schema_texts() -> dict[str, str]:
    """Every schema as the package holds it, by file name (``book.schema.json``, …)."""
    folder = resources.files(__package__).joinpath("schemas")
    return {
        f.name: f.read_text("utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".json")
    }


# --- locating ------------------------------------------------------------------------

_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')
_HEADER = re.compile(r"\s*(\[\[?)(.*?)(\]\]?)\s*(?:#.*)?$")


def _split_keys(text: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g is not None) for m in _KEY.finditer(text))


class TomlLocator:
    """Lines of tables, entries of arrays of tables, and keys, in a TOML file's text."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self._headers: dict[tuple[tuple[str, ...], bool], list[int]] = {}
        self._starts: list[int] = []
        for n, line in enumerate(self.lines, 1):
            m = _HEADER.match(line)
            if m and len(m[1]) == len(m[3]) and not line.lstrip().startswith("#"):
                self._headers.setdefault((_split_keys(m[2]), m[1] == "[["), []).append(n)
                self._starts.append(n)

    def headers(self, keys: tuple[str, ...], array: bool) -> list[int]:
        return self._headers.get((keys, array), [])

    def header_lines(self) -> dict[tuple[tuple[str, ...], bool], list[int]]:
        """Every table header: its keys and whether it is an array's, and the lines it is on."""
        return dict(self._headers)

    def key(self, name: str, table_line: int) -> tuple[int, int] | None:
        """The line and column of ``name =`` in the table whose header is at ``table_line`` (0: the top)."""
        pattern = re.compile(
            r"\s*(?:" + re.escape(name) + r'|"' + re.escape(name) + r'"|\'' + re.escape(name) + r"')\s*="
        )
        end = next((s for s in self._starts if s > table_line), len(self.lines) + 1)
        for n in range(table_line + 1, end):
            m = pattern.match(self.lines[n - 1])
            if m:
                return n, len(self.lines[n - 1]) - len(self.lines[n - 1].lstrip()) + 1
        return None

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The line and column where the value at ``path`` (as the parsed data nests it) is written.

        Tables are found by their headers (``[a."b"]``, ``[[a.b]]``); a table
        that has no header of its own (only deeper ones) is passed through; a
        key is found in the table it belongs to. Whatever cannot be found is
        reported at the nearest enclosing place that can.
        """
        line, column = 0, 0
        keys: list[str] = []
        for i, part in enumerate(path):
            if isinstance(part, int):
                hits = self.headers(tuple(keys), True)
                if part >= len(hits):
                    break
                line, column = hits[part], 1
                continue
            keys.append(part)
            if hits := self.headers(tuple(keys), False):
                line, column = hits[0], 1
                continue
            if i + 1 < len(path) and isinstance(path[i + 1], int) and self.headers(tuple(keys), True):
                continue
            if found := self.key(part, line):
                line, column = found
                break
            if hits := self.headers(tuple(keys), True):
                # A misspelt array of tables ([[term]] for [[terms]]) is an unknown key.
                line, column = hits[0], 1
                break
            if not any(k[: len(keys)] == tuple(keys) for k, _ in self._headers):
                break  # neither a table nor a key: the place that holds it is as near as we get
        return max(line, 1), column


class JsonLocator:
    """Lines of a JSON array's items and of their keys."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[tuple[int, int]] = []  # (start, end) offsets of each top-level item
        depth, start, in_string, escaped = 0, 0, False, False
        for at, c in enumerate(text):
            if in_string:
                if escaped:
                    escaped = False
                elif c == "\\":
                    escaped = True
                elif c == '"':
                    in_string = False
                continue
            if c == '"':
                in_string = True
            elif c in "[{":
                depth += 1
                if depth == 2:
                    start = at
            elif c in "]}":
                if depth == 2:
                    self.items.append((start, at + 1))
                depth -= 1

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        if not path or not isinstance(path[0], int) or path[0] >= len(self.items):
            return 1, 0
        start, end = self.items[path[0]]
        if len(path) > 1 and isinstance(path[1], str):
            m = re.compile(r'"' + re.escape(path[1]) + r'"\s*:').search(self.text, start, end)
            if m:
                return self._line_col(m.start())
        return self._line_col(start)


# --- checking ----------------------------------------------------------------------


def _where(path: tuple[str | int, ...], data: Any, file: str) -> str:
    """How an editor names the place: [book], [essays."a.txt"], [[terms]] entry 3, source 'x'."""
    if not path:
        return file
    if isinstance(path[0], int):  # a JSON array of sources
        item = data[path[0]] if isinstance(data, list) and path[0] < len(data) else None
        ident = item.get("id") if isinstance(item, dict) else None
        return f"source '{ident}'" if isinstance(ident, str) else f"source {path[0] + 1}"
    out = ""
    keys: list[str] = []
    for part in path:
        if isinstance(part, int):
            out = f"[[{'.'.join(keys)}]] entry {part + 1}"
            continue
        keys.append(f'"{part}"' if not re.fullmatch(r"[A-Za-z0-9_-]+", part) else part)
        out = f"[{'.'.join(keys)}]"
    return out


def _hint(error: ValidationError, fallback: str) -> str:
    return str(error.schema.get("x-hint", fallback)) if isinstance(error.schema, dict) else fallback


def _problems(
    error: ValidationError, data: Any, file: str, locate, json_file: bool
) -> Iterator[tuple[tuple[str | int, ...], Problem]]:
    """The book's problems for one of the library's errors, each with the path of the value it is about."""
    path = tuple(error.absolute_path)
    kind = error.validator
    parent, name = path[:-1], path[-1] if path else None

    def at(p: tuple[str | int, ...], code: str, message: str, hint: str) -> tuple[tuple[str | int, ...], Problem]:
        line, column = locate(p)
        return p, Problem(file, line, column, code, message, hint)

    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        # A key an earlier version of the schema had: said so, with what took its place.
        replaced = error.schema.get("x-replaced", {})
        for key in sorted(k for k in error.instance if k not in allowed):
            if key in replaced:
                yield at(
                    (*path, key),
                    "conf.replaced-key",
                    f"'{key}' in {_where(path, data, file)} is no longer read",
                    str(replaced[key]),
                )
                continue
            yield at(
                (*path, key),
                "conf.unknown-key",
                f"unknown key '{key}' in {_where(path, data, file)}",
                "check its spelling; the keys allowed here are: " + ", ".join(allowed) if allowed else "remove it",
            )
    elif kind == "required":
        for key in error.validator_value:
            if key not in error.instance:
                hint = _hint_for(error.schema, key, json_file)
                yield at(path, "conf.missing-key", f"{_where(path, data, file)} has no '{key}'", hint)
    elif kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        if json_file and "object" in expected:
            want = want.replace("a table", "an object")
        yield at(
            path,
            "conf.type",
            f"'{name}' in {_where(parent, data, file)} should be {want}, not {_type_of(error.instance, json_file)}",
            _hint(error, "fix the value's type"),
        )
    elif kind == "oneOf":
        yield at(
            path,
            "conf.invalid",
            f"{_where(path, data, file)} does not fit any allowed form",
            str(error.schema.get("x-hint-oneOf", "see the schema named at the top of the file")),
        )
    else:
        code = str(error.schema.get("x-code", "conf.invalid")) if isinstance(error.schema, dict) else "conf.invalid"
        shown = json.dumps(error.instance, ensure_ascii=False)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        label = f"'{name}'" if isinstance(name, str) else f"item {name + 1}" if isinstance(name, int) else "value"
        yield at(
            path,
            code,
            f"{label} in {_where(parent, data, file)} is not valid: {shown}",
            _hint(error, error.message),
        )


def _hint_for(schema: dict[str, Any], key: str, json_file: bool) -> str:
    spec = schema.get("properties", {}).get(key, {})
    description = spec.get("description") if isinstance(spec, dict) else None
    add = f'add "{key}": … to it' if json_file else f"add {key} = … to it"
    return f"{add} ({description[0].lower()}{description[1:].rstrip('.')})" if description else add


def check(data: Any, schema: str, file: str, text: str) -> list[tuple[tuple[str | int, ...], Problem]]:
    """Every way ``data`` (parsed from ``text``, the file ``file``) breaks the schema ``schema``.

    Each problem comes with the path of the value it is about, so the caller
    can set aside just the entries that are wrong and check the rest further.
    """
    json_file = file.endswith(".json")
    locate = (JsonLocator(text) if json_file else TomlLocator(text)).locate
    errors = sorted(_validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    # The library reports a missing key once per missing key, each time with
    # the whole list of required keys: the same problem comes up repeatedly.
    return list(dict.fromkeys(found for e in errors for found in _problems(e, data, file, locate, json_file)))
