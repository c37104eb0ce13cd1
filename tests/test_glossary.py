"""The glossary: valid entries, each term linked from its chapter, no role to an unknown term."""

import copy
import re
from pathlib import Path, PurePosixPath

import nbformat
import pytest

from mlbook import glossary, sphinx_flashcards, toc
from mlbook.data import book_root
from mlbook.flashcards import DECK_FILE_NAME

ROOT = book_root()
ENTRIES = glossary.load()
PAGE = ROOT / "chapters" / "appendices" / "glossary.ipynb"
CHAPTERS = {"kinesis", "evaluation-metrics"}


def _markdown(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def _entry(**fields):
    entry = {"term": "Shard", "definition": "The unit of capacity of a Kinesis data stream.",
             "chapter": "kinesis"}
    entry.update(fields)
    return entry


# --- the data ------------------------------------------------------------------------------

def test_every_chapter_defines_terms():
    chapters = {p.stem for p in toc.notebooks()
                if p.parent.name not in {"start-here", "appendices"}}
    by_chapter = {c: [e["term"] for e in ENTRIES if e["chapter"] == c] for c in chapters}
    empty = sorted(c for c, terms in by_chapter.items() if not terms)
    assert not empty, f"chapters that define no glossary term: {empty}"
    assert len(ENTRIES) >= 120


def test_terms_are_unique_case_insensitively():
    names = [n.lower() for e in ENTRIES for n in [e["term"], *e.get("aliases", [])]]
    assert len(names) == len(set(names))


def test_aws_terms_carry_their_documentation_page():
    missing = [e["term"] for e in ENTRIES if e.get("aws") and not e.get("source", "").startswith(
        "https://")]
    assert not missing, missing


@pytest.mark.parametrize("entries,message", [
    ([_entry(), _entry(term="shard")], "already used by the entry for 'Shard'"),
    ([_entry(), _entry(term="Partition key", aliases=["SHARD"])], "'SHARD'"),
    ([_entry(chapter="no-such-chapter")], "not a notebook in _toc.yml"),
    ([_entry(aws=True)], "has no 'source'"),
    ([_entry(source="http://example.com/x")], "source"),
    ([{"term": "Shard", "chapter": "kinesis"}], "definition"),
    ([_entry(term="`Shard`")], "term"),
    ([_entry(term="Shard <x>")], "term"),
    ([_entry(extra="x")], "{'extra'}"),
    ([], "(top level)"),
])
def test_bad_entries_are_rejected_with_a_clear_message(entries, message):
    with pytest.raises(glossary.GlossaryError) as err:
        glossary.validate(copy.deepcopy(entries), chapters=CHAPTERS)
    assert message in str(err.value)
    assert "data/glossary.yaml" in str(err.value)


def test_a_good_entry_passes():
    entries = [_entry(aws=True, source="https://docs.aws.amazon.com/streams/latest/dev/x.html",
                      aliases=["shards"]), _entry(term="Recall", chapter="evaluation-metrics")]
    assert glossary.validate(entries, chapters=CHAPTERS) == entries


# --- the {term} roles in the chapters -------------------------------------------------------

def test_term_roles_reads_both_forms():
    text = "A {term}`shard <Shard>` and {term}`Partition key`, not {doc}`x` or `{term}`."
    assert glossary.term_roles(text) == ["Shard", "Partition key"]
    with pytest.raises(TypeError, match="str"):
        glossary.term_roles(None)


@pytest.mark.parametrize("chapter", sorted({e["chapter"] for e in ENTRIES}))
def test_every_term_is_linked_from_its_own_chapter(chapter):
    path = {p.stem: p for p in toc.notebooks()}[chapter]
    linked = {t.lower() for cell in _markdown(path) for t in glossary.term_roles(cell)}
    unlinked = [e["term"] for e in ENTRIES
                if e["chapter"] == chapter and e["term"].lower() not in linked]
    assert not unlinked, (
        f"{path.name} defines these glossary terms but never links them with a {{term}} role "
        f"where it introduces them: {unlinked}"
    )


def test_every_term_role_names_a_defined_term():
    defined = {e["term"].lower() for e in ENTRIES}
    unknown = [
        f"{path.name}: {target}"
        for path in toc.page_files()
        for cell in _markdown(path)
        for target in glossary.term_roles(cell)
        if target.lower() not in defined
    ]
    assert not unknown, f"{{term}} roles naming no glossary entry: {unknown}"


def test_roles_sit_in_markdown_cells_only():
    for path in toc.notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert "{term}`" not in cell.source, f"{path.name}: a {{term}} role in a code cell"


# --- the rendered page ----------------------------------------------------------------------

def test_page_is_a_sorted_glossary_directive_with_chapter_links():
    text = glossary.as_markdown().data
    lines = text.splitlines()
    assert lines[0] == "````{glossary}" and lines[-1] == "````"
    terms = [line for line in lines[1:-1] if line and not line.startswith(" ")]
    assert terms == sorted((e["term"] for e in ENTRIES), key=str.casefold)
    definitions = [line for line in lines if line.startswith("  ")]
    assert len(definitions) == len(ENTRIES)
    here = PurePosixPath("chapters/appendices")
    for line in definitions:
        link = re.search(r"Defined in \[[^\]]+\]\(([^)]+)\)", line)
        assert link, f"no chapter link: {line[:80]}"
        target = ROOT / (here / link.group(1)).as_posix()
        assert target.resolve().is_file(), f"the link {link.group(1)} points to no notebook"
    sourced = [e for e in ENTRIES if e.get("source")]
    assert text.count("[AWS documentation](") == len(sourced)


def test_page_links_each_entry_to_its_own_chapter():
    text = glossary.as_markdown().data
    for e in ENTRIES[:: max(1, len(ENTRIES) // 25)]:
        block = text.split(f"\n{e['term']}\n", 1)[1].split("\n", 1)[0]
        assert f"/{e['chapter']}.ipynb)" in block, e["term"]


def test_as_markdown_rejects_a_bad_folder():
    for bad in ("", "chapters/appendices", None):
        with pytest.raises(ValueError, match="folder under chapters/"):
            glossary.as_markdown(bad)


def test_the_glossary_page_shows_the_current_data():
    nb = nbformat.read(PAGE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any("glossary.as_markdown()" in c.source for c in code)
    stored = [o.data["text/markdown"] for c in code for o in c.outputs if "data" in o
              and "text/markdown" in o.data]
    assert stored == [glossary.as_markdown().data], (
        "the stored glossary is out of date: run scripts/refresh_outputs.py "
        "chapters/appendices/glossary.ipynb"
    )


def test_the_page_links_the_deck_where_the_site_build_writes_it():
    text = "\n".join(_markdown(PAGE))
    hrefs = re.findall(r'<a href="([^"]+\.apkg)"', text)
    assert hrefs, "the glossary page must link the Anki deck with a raw HTML <a>"
    for href in hrefs:
        on_site = PurePosixPath("chapters/appendices") / href
        parts = []
        for part in on_site.parts:
            parts = parts[:-1] if part == ".." else [*parts, part]
        assert parts == [sphinx_flashcards.DOWNLOADS, DECK_FILE_NAME], href
    assert "Import" in text and "Anki" in text
