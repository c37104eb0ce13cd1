"""The table of contents and the files on disk agree, and follow the book plan."""

from pathlib import Path

import pytest

from mlbook import toc
from mlbook.data import book_root, load_yaml

ROOT = book_root()
PLAN = load_yaml("book_plan.yaml")


def test_every_toc_entry_has_a_file():
    missing = [str(p.relative_to(ROOT)) for p in toc.page_files() if not p.is_file()]
    assert not missing, f"_toc.yml lists pages with no .ipynb/.md file: {missing}"


def test_every_page_file_is_in_the_toc():
    listed = {p.resolve() for p in toc.page_files()}
    on_disk = {
        p.resolve()
        for p in (ROOT / "chapters").rglob("*")
        if p.suffix in toc.PAGE_SUFFIXES and ".ipynb_checkpoints" not in p.parts
    }
    orphans = sorted(str(p.relative_to(ROOT)) for p in on_disk - listed)
    assert not orphans, f"pages not listed in _toc.yml (add them or delete them): {orphans}"


def test_toc_lists_no_page_twice():
    pages = [str(p) for p in toc.page_files()]
    assert len(pages) == len(set(pages))


def test_parts_follow_the_plan_in_order():
    plan_captions = [part["caption"] for part in PLAN]
    captions = toc.part_captions()
    assert captions, "the toc has no parts"
    unknown = [c for c in captions if c not in plan_captions]
    assert not unknown, f"toc parts not in data/book_plan.yaml: {unknown}"
    assert captions == sorted(captions, key=plan_captions.index), "toc parts are out of the plan's order"


def test_pages_sit_in_their_parts_folder_with_planned_names():
    plan = {part["caption"]: part for part in PLAN}
    for part in toc.load_toc()["parts"]:
        planned = plan[part["caption"]]
        for chapter in part["chapters"]:
            path = Path(chapter["file"])
            assert path.parts[:2] == ("chapters", planned["folder"]), (
                f"{chapter['file']} belongs under chapters/{planned['folder']}/"
            )
            assert path.name in planned["pages"], f"{path.name} is not a planned page of {part['caption']}"


def test_root_page_is_the_intro():
    assert toc.load_toc()["root"] == "chapters/start-here/intro"


@pytest.mark.parametrize("bad", ["chapters/nowhere/missing"])
def test_a_missing_page_is_reported(tmp_path, bad):
    (tmp_path / "_toc.yml").write_text(f"format: jb-book\nroot: {bad}\n")
    pages = toc.page_files(tmp_path)
    assert pages == [tmp_path / f"{bad}.ipynb"] and not pages[0].exists()
