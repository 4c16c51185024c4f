"""Whose each page is, said where a reader looks: the footer of every web page and the ``{rights}`` directive.

The essays are their authors'; only the editorial matter is the editors'
(:mod:`essaybook.core.rights` words both). An essay's pages end with two
lines, the essay's rights and the editors'; every other page with the
editors' line; the single page, which holds every essay, with all of them.
The theme's own "Copyright ©" line, which would claim the whole page for the
editors, is hidden where these lines stand. ``{rights}`` (the title page and
*About this edition*) states every essay's rights by its title, then the
editors'.

The statements are facts of the conversion (:class:`.conversion.State`), so
a page showing them is read again, and every page written again, when they
change (:mod:`.incremental`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

from ..core.rights import Statement
from . import reaches
from .conversion import state_of, users

__all__ = ["HTML_TEMPLATES", "RightsDirective", "config_inited", "html_page_context", "latex_rights", "rights_html"]

# Our page template: the theme's, with the rights after its footer.
HTML_TEMPLATES = Path(__file__).parent / "templates" / "html"


def config_inited(app: Sphinx, config: Config) -> None:
    """Put the page template that adds the rights lines after the theme's footer where Sphinx finds templates."""
    if str(HTML_TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(HTML_TEMPLATES)]


def rights_html(statement: Statement) -> str:
    """A statement as HTML: its text escaped, the licence's name linked to the licence."""
    before, licence, after = statement.pieces()
    if not licence:
        return escape(before)
    link = f'<a href="{escape(statement.licence_url, quote=True)}">{escape(licence)}</a>'
    return escape(before) + link + escape(after)


def page_statements(app: Sphinx, pagename: str) -> list[Statement]:
    """The statements a page's footer shows: its essay's and the editors', or the editors' alone."""
    rights = state_of(app.env).rights
    slug = state_of(app.env).slugs.get(pagename)
    if slug is not None and slug in rights.essays:
        return [rights.essays[slug][0], rights.editors_one]
    if app.builder.name == "singlehtml":
        return list(rights.listing)
    return [rights.editors, Statement("Each essay’s rights are stated at the foot of its pages.")]


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Give every web page its rights lines (``essaybook_rights``), in place of the theme's copyright line."""
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    if app.config.html_theme == "furo":
        reaches.check("furo footer")
    lines = "".join(f"<p>{rights_html(s)}</p>" for s in page_statements(app, pagename))
    context["essaybook_rights"] = lines
    context["show_copyright"] = False


class RightsDirective(SphinxDirective):
    """Every essay's rights, by its title (those not recorded in one sentence), then the editors': ``{rights}``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        users(self.env, "rights").add(self.env.docname)
        rights = state_of(self.env).rights
        out: list[nodes.Node] = []
        for statement in rights.listing:
            para = nodes.paragraph(classes=["rights-statement"])
            before, licence, after = statement.pieces()
            para += nodes.Text(before)
            if licence:
                para += nodes.reference(licence, licence, refuri=statement.licence_url)
                para += nodes.Text(after)
            out.append(para)
        return out


def latex_rights(statements: list[Statement], escape_tex) -> str:
    """The PDF's copyright page, the title page's verso: a paragraph per statement, the licence linked.

    ``essaybookrights`` (``essaybook.sty``) sets the page; its body is not a
    macro's argument, so ``\\href`` reads the address as it is written.
    """
    paragraphs = []
    for statement in statements:
        before, licence, after = statement.pieces()
        text = escape_tex(before)
        if licence:
            text += rf"\href{{{_url(statement.licence_url)}}}{{{escape_tex(licence)}}}" + escape_tex(after)
        paragraphs.append(text)
    return "\\begin{essaybookrights}\n" + "\n\n".join(paragraphs) + "\n\\end{essaybookrights}"


def _url(url: str) -> str:
    # hyperref reads # and % in an address only escaped; braces and backslashes are percent-encoded
    # (the address means the same), since TeX would group or start a command at them.
    url = url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return url.replace("%", "\\%").replace("#", "\\#")
