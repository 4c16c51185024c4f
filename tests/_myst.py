"""Read MyST with the real parser, outside Sphinx, the way a test can check it.

The escaping and rendering tests need to know what the MyST parser makes of
a page, not what we expect it to: this parses with myst-parser's docutils
parser and every syntax extension that could read plain text as markup
switched on, so a character that slips through unescaped shows up as a node.
``{term}`` is Sphinx's role; here it is a stand-in that parses its text the
way Sphinx's cross-reference roles do and keeps the target, so rendered
paragraphs can be checked too.
"""

from __future__ import annotations

import importlib.util
import io

from docutils import nodes, utils
from docutils.core import publish_doctree
from docutils.parsers.rst import roles
from myst_parser.parsers.docutils_ import Parser
from sphinx.util.nodes import split_explicit_title

EXTENSIONS = [
    "colon_fence",
    "dollarmath",
    "amsmath",
    "deflist",
    "fieldlist",
    "substitution",
    "attrs_block",
    "attrs_inline",
    "html_image",
    "html_admonition",
    "tasklist",
    "strikethrough",
    "replacements",
    "smartquotes",
]
if importlib.util.find_spec("linkify_it"):
    EXTENSIONS.append("linkify")


def _term_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    _, title, target = split_explicit_title(utils.unescape(text))
    return [nodes.inline(rawtext, title, classes=["term"], reftarget=target)], []


def doctree(myst: str) -> tuple[nodes.document, str]:
    """The doctree of a MyST text and whatever the parser reported."""
    # Registered on every call: a Sphinx app built in this process restores
    # docutils' role registry as it was before it, which may predate ours.
    roles.register_local_role("term", _term_role)
    warnings = io.StringIO()
    document = publish_doctree(
        myst,
        parser=Parser(),
        settings_overrides={
            "myst_enable_extensions": EXTENSIONS,
            "warning_stream": warnings,
            "report_level": 1,
            "halt_level": 5,
            "smart_quotes": False,
            # Sphinx's MyST parser has no line length limit (docutils' own
            # parser stops at 10,000 characters): a long paragraph is one line.
            "line_length_limit": 10**9,
        },
    )
    return document, warnings.getvalue()


def tagnames(node: nodes.Node) -> set[str]:
    return {n.tagname if not isinstance(n, nodes.Text) else "#text" for n in node.findall()}
