"""``sphinx-build``, in a process that ends without freeing what the build held: what ``make html`` runs.

Sphinx's logging keeps the application (and with it the environment: a
thousand essays' worth) alive to the end of the process, and at exit Python
frees it object by object, though the system takes a process's memory back
at once: 0.8 s of a 3 s no-op ``make html`` at 1,000 essays. So the build
tells the collector module that the process ends with it
(:mod:`.collector`), which then freezes (``gc.freeze()``) what the build
leaves, out of the exit's collection, rather than collect it: garbage among
it (pages' nodes, the writer's and the search index's leftovers) is left to
the system with the rest. Python never promised ``__del__`` at exit for
objects still alive, ``atexit`` handlers (``weakref.finalize`` among them)
still run, and every file the build writes is closed once written. Only this
command does it, in a process of its own: the extension leaves the collector
of a process that loads it as it found it::

    python -m essaybook.sphinx_ext.build [sphinx-build's arguments]
"""

from __future__ import annotations

import gc
import sys

from sphinx.cmd.build import main as sphinx_build

from . import collector

__all__ = ["leave_to_the_system", "main"]


def leave_to_the_system() -> None:
    """Collect the garbage made since the build froze what it left, then freeze the rest: the exit walks none of it."""
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
