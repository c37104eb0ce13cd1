"""Sphinx extension for the glossary: the Anki deck in the built site, and hover text on terms.

- After every successful HTML build it writes the book's Anki deck to
  ``downloads/aws-ml-study-book-flashcards.apkg``; the glossary page links there with
  ``../../downloads/...`` (raw HTML, so Sphinx does not treat it as a document).
- Every ``{term}`` link in a chapter gets the term's definition as its ``title``, so hovering the
  link shows the definition and following it jumps to the glossary entry.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

from . import glossary
from .flashcards import DECK_FILE_NAME, write_deck

DOWNLOADS = "downloads"


def write_site_deck(app, exception) -> Path | None:
    """``build-finished`` handler: write the deck for an HTML build that succeeded."""
    if exception is not None or app.builder.format != "html":
        return None
    target = Path(app.builder.outdir) / DOWNLOADS
    target.mkdir(parents=True, exist_ok=True)
    path = target / DECK_FILE_NAME
    write_deck(path)
    return path


def _definitions_by_anchor(app) -> dict[str, str]:
    """``term-...`` anchor -> definition, from the std domain's registered glossary terms."""
    cached = getattr(app, "_mlbook_term_titles", None)
    if cached is None:
        registered = app.env.get_domain("std")._terms  # lower-case term -> (docname, anchor)
        cached = {}
        for entry in glossary.load():
            found = registered.get(entry["term"].lower())
            if found:
                cached[found[1]] = " ".join(entry["definition"].split())
        app._mlbook_term_titles = cached
    return cached


def add_term_titles(app, doctree, docname) -> int:
    """``doctree-resolved`` handler: give each resolved term reference its definition as title."""
    titles = _definitions_by_anchor(app)
    added = 0
    for ref in doctree.findall(nodes.reference):
        anchor = ref.get("refuri", "").rpartition("#")[2]
        is_term = any("std-term" in child.get("classes", []) for child in ref.children
                      if isinstance(child, nodes.Element))
        if is_term and anchor in titles and "reftitle" not in ref:
            ref["reftitle"] = titles[anchor]
            added += 1
    return added


def setup(app):
    app.connect("build-finished", write_site_deck)
    app.connect("doctree-resolved", add_term_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
