"""The errata: claims often repeated in study notes that are wrong or out of date (data/errata.yaml)."""

from __future__ import annotations

from IPython.display import Markdown

from . import toc
from .data import check_schema, load_yaml


class ErrataError(ValueError):
    """data/errata.yaml does not match its schema or names a chapter the book does not have."""


def load() -> list[dict]:
    """Every erratum, validated against data/schemas/errata.schema.json and the toc."""
    entries = load_yaml("errata.yaml")
    check_schema(entries, "errata.schema.json", "data/errata.yaml", ErrataError)
    chapters = toc.chapter_keys()
    ids = [e["id"] for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ErrataError(f"data/errata.yaml: ids used more than once: {', '.join(duplicates)}.")
    for entry in entries:
        if entry["chapter"] not in chapters:
            raise ErrataError(
                f"data/errata.yaml: '{entry['id']}' points to chapter '{entry['chapter']}', which is not "
                "a notebook in _toc.yml. Name the chapter whose code shows the truth."
            )
    return entries


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def as_markdown(from_folder: str = "appendices") -> Markdown:
    """The errata as one table per chapter, with links that work on the site and in JupyterLab."""
    paths = {p.stem: p for p in toc.notebooks()}
    entries = load()
    lines = []
    for chapter in sorted({e["chapter"] for e in entries}):
        path = paths[chapter]
        link = path.name if path.parent.name == from_folder else f"../{path.parent.name}/{path.name}"
        lines += [f"### [{chapter.replace('-', ' ').capitalize()}]({link})", "",
                  "| Often claimed | What is true |", "|---|---|"]
        for e in (e for e in entries if e["chapter"] == chapter):
            truth = _cell(e["truth"]) + (f" ([source]({e['source']}))" if e.get("source") else "")
            lines.append(f"| {_cell(e['claim'])} | {truth} |")
        lines.append("")
    return Markdown("\n".join(lines))
