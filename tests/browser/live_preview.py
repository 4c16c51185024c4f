"""``make livehtml`` on a copy of the project: its sphinx-autobuild command, run and served on 127.0.0.1.

The command is the one the Makefile runs (read with ``make -n livehtml``), so the
browser test and the benchmark exercise what an editor types, in a copy whose
seeds and conf/ they may edit. The server is stopped by its process id.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def livehtml_command(port: int) -> list[str]:
    """The Makefile's ``livehtml`` command for ``port``, with the venv's programs as absolute paths."""
    dry = subprocess.run(
        ["make", "-n", "-s", "livehtml", f"PORT={port}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    text = dry.stdout.replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if "sphinx-autobuild" in line]
    args = shlex.split(line)
    assert args[0].endswith("sphinx-autobuild"), args
    # The copy has no venv of its own: the checkout's runs it.
    args[0] = str(Path(sys.executable).with_name("sphinx-autobuild"))
    return args


@dataclass
class LiveServer:
    url: str
    project: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")

    def builds(self) -> int:
        """How many builds have finished so far (sphinx-autobuild prints "Serving on" after each)."""
        return self.log().count("Serving on ")


@contextlib.contextmanager
def live_server(project: Path, timeout: float = 300) -> Iterator[LiveServer]:
    """Run ``make livehtml``'s command in ``project`` until the first build is served."""
    (project / "src").mkdir(exist_ok=True)  # watched by the command; the package itself is the checkout's
    port = free_port()
    log_path = project / "livehtml.log"
    with open(log_path, "wb") as log:
        # Its output goes to a file, which Python buffers: "Serving on" would wait
        # in the buffer for ever on a machine without PYTHONUNBUFFERED set.
        proc = subprocess.Popen(
            livehtml_command(port),
            cwd=project,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}/", project, proc, log_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"sphinx-autobuild stopped ({proc.returncode}):\n{server.log()[-4000:]}")
            if server.builds():
                try:
                    with urllib.request.urlopen(server.url + "index.html", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"no served book after {timeout} s:\n{server.log()[-4000:]}")
            time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def page_holding(outdir: Path, text: str, under: str = "book") -> str:
    """The built page (relative path) whose essay text holds ``text``."""
    for page in sorted((outdir / under).rglob("*.html")):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        words = " ".join(" ".join(p.get_text().split()) for p in soup.select(".essay-text p"))
        if text in words:
            return page.relative_to(outdir).as_posix()
    raise LookupError(f"no page under {under}/ holds {text!r}")


def last_words(seed: Path, count: int = 6) -> str:
    """The last words of a seed's last paragraph, as a page shows them."""
    paragraphs = [p for p in re.split(r"\n\s*\n", seed.read_text("utf-8").strip()) if p.strip()]
    return " ".join(paragraphs[-1].split()[-count:])


def append_to_seed(seed: Path, words: str) -> None:
    """Add ``words`` at the end of the seed's last paragraph, as an author's fix would."""
    seed.write_text(seed.read_text("utf-8").rstrip("\n") + f" {words}\n", "utf-8")


WAIT_FOR_TEXT = "(text) => document.body && document.body.innerText.includes(text)"


def wait_for_text(page, text: str, timeout: float = 180) -> float:
    """Wait, without reloading, until the open page shows ``text``; the seconds it took."""
    start = time.perf_counter()
    page.wait_for_function(WAIT_FOR_TEXT, arg=text, timeout=timeout * 1000, polling=50)
    return time.perf_counter() - start
