"""How bad input stops the build: every problem logged where editors look, then one error.

The core collects every problem in the seeds and ``conf/`` with its file,
line and column (:mod:`essaybook.core.problems`). Here each becomes an error
in Sphinx's own ``file:line: ERROR: …`` form, with the type ``essaybook`` and
the problem's code as its subtype, and the exception that stops the build
only sums them up.
"""

from __future__ import annotations

from sphinx.errors import SphinxError
from sphinx.util import logging

from ..core.problems import ProblemsError

logger = logging.getLogger(__name__)

__all__ = ["EssayBookError", "fail"]


class EssayBookError(SphinxError):
    category = "Essay book input error"


def fail(err: ProblemsError) -> EssayBookError:
    """Log every problem where editors and tools look for it, then stop the build.

    Each problem is an error in Sphinx's own ``file:line: ERROR: …`` form, with
    a type and subtype; the exception that stops the build only sums them up.
    """
    for problem in err.problems:
        logger.error(problem.text, location=problem.location, type="essaybook", subtype=problem.code)
    count = len(err.problems)
    return EssayBookError(
        f"{count} problem{'s' if count != 1 else ''} in the seeds or conf/ (listed above as ERROR). "
        "Nothing was written and the last good build is untouched: fix them and build again."
    )
