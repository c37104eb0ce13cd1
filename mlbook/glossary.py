"""The glossary: every term a chapter defines, defined once (data/glossary.yaml).

Each entry names the chapter that defines the term; that chapter links the term where it first
uses it with a MyST ``{term}`` role, and the glossary page renders the entries as a Sphinx
``glossary`` directive (a definition list whose terms those roles resolve to).
"""

from __future__ import annotations

import json
import re

from IPython.display import Markdown

from . import toc
from .data import check_schema, load_yaml

SOURCE = "data/glossary.yaml"
# {term}`Shard` or {term}`shards <Shard>`: the target is the text in <...>, else the whole text.
_ROLE = re.compile(r"\{term\}`([^`]*)`")


class GlossaryError(ValueError):
    """data/glossary.yaml does not match its schema, repeats a term or names an unknown chapter."""


def load() -> list[dict]:
    """Every entry, validated against data/schemas/glossary.schema.json, the toc and each other."""
    entries = load_yaml("glossary.yaml")
    return validate(entries)


def validate(entries, chapters: set[str] | None = None) -> list[dict]:
    """Check parsed glossary entries; return them or raise GlossaryError saying what to fix."""
    check_schema(entries, "glossary.schema.json", SOURCE, GlossaryError)
    chapters = toc.chapter_keys() if chapters is None else chapters
    seen: dict[str, str] = {}
    for entry in entries:
        names = [entry["term"], *entry.get("aliases", [])]
        for name in names:
            key = name.lower()
            if key in seen:
                raise GlossaryError(
                    f"{SOURCE}: '{name}' (in the entry for '{entry['term']}') is already used "
                    f"by the entry for '{seen[key]}' (terms and aliases are compared "
                    "case-insensitively). "
                    "Define each term once; merge the entries or drop the alias."
                )
            seen[key] = entry["term"]
        if entry["chapter"] not in chapters:
            raise GlossaryError(
                f"{SOURCE}: '{entry['term']}' points to chapter '{entry['chapter']}', which is "
                f"not a notebook in _toc.yml (known: {', '.join(sorted(chapters))}). Name the "
                "chapter that defines the term."
            )
        if entry.get("aws") and not entry.get("source"):
            raise GlossaryError(
                f"{SOURCE}: '{entry['term']}' is an AWS term (aws: true) but has no 'source'; add "
                "the https URL of the AWS documentation page that defines it."
            )
    return entries


def term_roles(markdown: str) -> list[str]:
    """The targets of the ``{term}`` roles in a Markdown text, in order."""
    if not isinstance(markdown, str):
        raise TypeError(
            f"term_roles() takes the Markdown text as a str, got {type(markdown).__name__}."
        )
    targets = []
    for content in _ROLE.findall(markdown):
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
        targets.append((explicit.group(2) if explicit else content).strip())
    return targets


def chapter_titles() -> dict[str, str]:
    """Each toc notebook's title (its first '# ' heading), by chapter key."""
    titles = {}
    for path in toc.notebooks():
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        first = "".join(cells[0]["source"]) if cells else ""
        heading = re.match(r"#\s+(.+)", first)
        titles[path.stem] = heading.group(1).strip() if heading else path.stem
    return titles


def _chapter_link(chapter: str, from_folder: str, titles: dict[str, str]) -> str:
    path = {p.stem: p for p in toc.notebooks()}[chapter]
    link = path.name if path.parent.name == from_folder else f"../{path.parent.name}/{path.name}"
    return f"[{titles[chapter]}]({link})"


def as_markdown(from_folder: str = "appendices") -> Markdown:
    """The glossary as a MyST ``{glossary}`` directive, sorted, each entry linked to its chapter.

    On the website (Markdown outputs are parsed as MyST) it becomes a definition list whose terms
    the chapters' ``{term}`` roles point to; ``from_folder`` is the folder of the page showing it.
    """
    if not isinstance(from_folder, str) or not from_folder or "/" in from_folder:
        raise ValueError(
            f"from_folder is the name of the folder under chapters/ that holds the page, e.g. "
            f"'appendices'; got {from_folder!r}."
        )
    entries = sorted(load(), key=lambda e: (e["term"].casefold(), e["term"]))
    titles = chapter_titles()
    lines = ["````{glossary}"]
    for e in entries:
        definition = " ".join(e["definition"].split())
        seealso = f"Defined in {_chapter_link(e['chapter'], from_folder, titles)}"
        if e.get("source"):
            seealso += f"; [AWS documentation]({e['source']})"
        lines += [e["term"], f"  {definition} {seealso}.", ""]
    lines[-1:] = ["````"]
    return Markdown("\n".join(lines))
