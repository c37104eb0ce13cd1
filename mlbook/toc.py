"""Read ``_toc.yml``: the parts and pages the book lists."""

from __future__ import annotations

from pathlib import Path

import yaml

from .data import book_root

PAGE_SUFFIXES = (".ipynb", ".md")


def _entries(node):
    """Yield every ``file:`` entry of a jupyter-book toc, depth first."""
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for key in ("root", "parts", "chapters", "sections"):
            value = node.get(key)
            if key == "root" and isinstance(value, str):
                yield value
            elif isinstance(value, list):
                for child in value:
                    yield from _entries(child)


def load_toc(root: Path | None = None) -> dict:
    root = root or book_root()
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def page_files(root: Path | None = None) -> list[Path]:
    """Every page the toc lists, resolved to the file on disk (``.ipynb`` or ``.md``).

    An entry with no matching file is returned with the ``.ipynb`` suffix so callers can report it.
    """
    root = root or book_root()
    pages = []
    for entry in _entries(load_toc(root)):
        base = root / entry
        found = [base.with_suffix(s) for s in PAGE_SUFFIXES if base.with_suffix(s).is_file()]
        pages.append(found[0] if found else base.with_suffix(".ipynb"))
    return pages


def part_captions(root: Path | None = None) -> list[str]:
    return [part["caption"] for part in load_toc(root).get("parts", [])]


def notebooks(root: Path | None = None) -> list[Path]:
    return [p for p in page_files(root) if p.suffix == ".ipynb"]


def chapter_keys(root: Path | None = None) -> set[str]:
    """Names of the notebooks in the toc, e.g. ``distributions``: the question bank's chapter keys."""
    return {p.stem for p in notebooks(root)}
