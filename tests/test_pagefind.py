"""The optional Pagefind index (``essaybook_pagefind``): off by default, a chunked index when on."""

from __future__ import annotations

import json
from pathlib import Path

from sitebuild import build_in_process


def _build(dest: Path, **overrides: object) -> Path:
    return build_in_process(dest, **overrides)


def test_pagefind_is_off_by_default(tmp_path: Path) -> None:
    out = _build(tmp_path)
    assert (out / "searchindex.js").is_file()
    assert not (out / "pagefind").exists()
    assert not (out / "pagefind.html").exists()


def test_pagefind_indexes_every_page_beside_sphinx_search(tmp_path: Path) -> None:
    out = _build(tmp_path, essaybook_pagefind=True)
    # Sphinx's search stays.
    assert (out / "searchindex.js").is_file() and (out / "search.html").is_file()
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    (language,) = entry["languages"].values()
    pages = [p for p in out.rglob("*.html") if p.parent.name != "pagefind" and "<article" in p.read_text("utf-8")]
    assert language["page_count"] == len(pages)
    # The index is in chunks, fetched as a query needs them.
    assert list((out / "pagefind" / "index").iterdir())
    page = (out / "pagefind.html").read_text("utf-8")
    assert 'src="pagefind/pagefind-ui.js"' in page and "new PagefindUI(" in page
