"""Plot build time against the number of essays from bench.json (run with the bench venv's Python)."""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(path: str) -> None:
    res = json.loads(Path(path).read_text("utf-8"))
    rows = sorted(res["builds"].values(), key=lambda r: r["essays"])
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    series = [
        ("ours -j 1", lambda r: r["ours_j1"]["median_s"]),
        ("ours -j auto", lambda r: r.get("ours_jauto", {}).get("median_s")),
        ("bare Sphinx + myst + furo", lambda r: r.get("bare", {}).get("median_s")),
        ("MkDocs Material", lambda r: r.get("mkdocs", {}).get("median_s")),
    ]
    for label, get in series:
        pts = [(r["essays"], get(r)) for r in rows if get(r)]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("essays (each 4 pages)")
    ax.set_ylabel("clean build, wall seconds")
    ax.set_title(f"Build time against book size ({res['started']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(Path(path).with_name("bench.png"))


if __name__ == "__main__":
    main(sys.argv[1])
