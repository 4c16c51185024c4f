"""``sphinx-build``, in a process that ends without freeing what the build held: what ``make html`` runs.

Sphinx's logging keeps the application (and with it the environment: a
thousand essays' worth) alive to the end of the process, and at exit Python
frees it object by object, though the system takes a process's memory back
at once: 0.8 s of a 3 s no-op ``make html`` at 1,000 essays. So once the
build is over, the garbage there is gets collected (and finalized as usual)
and what is left is frozen (``gc.freeze()``), out of the exit's collection.
Python never promised ``__del__`` at exit for objects still alive, and
``atexit`` handlers still run. The build also tells the collector module
that the process ends with it (:mod:`.collector`): what was frozen during the
build stays frozen at its end, so that last collection walks only what is
newer, and garbage among the frozen (the doctrees an edit's build read and
wrote: nodes, which hold no file) is left to the system with the rest. Only
this command does it, in a process of its own: the extension leaves the
collector of a process that loads it as it found it::

    python -m essaybook.sphinx_ext.build [sphinx-build's arguments]
"""

from __future__ import annotations

import gc
import sys

from sphinx.cmd.build import main as sphinx_build

from . import collector

__all__ = ["leave_to_the_system", "main"]


def leave_to_the_system() -> None:
    """Collect the garbage there is, then freeze what is alive: the exit walks and frees none of it."""
    gc.collect()
    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    collector.for_a_process_that_ends_with_the_build()
    try:
        code = sphinx_build(sys.argv[1:] if argv is None else argv)
    finally:
        collector.the_process_goes_on()
    leave_to_the_system()
    return code


if __name__ == "__main__":
    sys.exit(main())
