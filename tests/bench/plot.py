"""Plot bench.json (run with the bench venv's Python): clean HTML builds, and Read the Docs' three formats."""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def html_panel(ax, res) -> None:
    rows = sorted(res.get("builds", {}).values(), key=lambda r: r["essays"])
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
    ax.set_title("make html, clean")
    ax.set_ylabel("wall seconds")


def rtd_panel(ax, res) -> None:
    rows = [r for n, r in res.get("rtd", {}).items() if n != "essay"]
    rows.sort(key=lambda r: r["essays"])
    for fmt in ("html", "pdf", "epub"):
        pts = [(r["essays"], r["formats"][fmt]["seconds"]) for r in rows if fmt in r["formats"]]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=fmt)
        if fmt == "pdf":
            est = [(r["essays"], r["pdf_estimated"]["seconds"]) for r in rows if "pdf_estimated" in r]
            if est:
                ax.plot(*zip(*est, strict=True), marker="o", linestyle="none", fillstyle="none", label="pdf, estimated")
    totals = []
    for r in rows:
        seconds = sum(f["seconds"] for f in r["formats"].values())
        if "pdf" not in r["formats"] and "pdf_estimated" in r:
            seconds += r["pdf_estimated"]["seconds"]
        totals.append((r["essays"], seconds))
    if totals:
        ax.plot(*zip(*totals, strict=True), marker="s", color="black", label="all three")
    ax.axhline(900, color="red", linestyle="--", label="Read the Docs' 15 min")
    ax.set_title("Read the Docs' build, clean, per format")


def main(path: str) -> None:
    res = json.loads(Path(path).read_text("utf-8"))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), dpi=120)
    html_panel(axes[0], res)
    rtd_panel(axes[1], res)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("essays")
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
    fig.suptitle(f"Build time against book size ({res['started']})")
    fig.tight_layout()
    fig.savefig(Path(path).with_name("bench.png"))


if __name__ == "__main__":
    main(sys.argv[1])
