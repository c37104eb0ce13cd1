"""Data files parse, match their schemas, stay small, are documented, and agree with the pages."""

import json
import re

import jsonschema
import pytest
import yaml

from mlbook import errata, questions, toc
from mlbook.data import book_root, data_dir, data_path, load_yaml

ROOT = book_root()
DATA = data_dir()
SCHEMAS = {  # file (glob) -> schema
    "book_plan.yaml": "book_plan.schema.json",
    "exams.yaml": "exams.schema.json",
    "errata.yaml": "errata.schema.json",
    "questions/*.yaml": "questions.schema.json",
    "ai_services.yaml": "ai_services.schema.json",
    "sagemaker_algorithms.yaml": "sagemaker_algorithms.schema.json",
    "service_limits.yaml": "service_limits.schema.json",
    "glossary.yaml": "glossary.schema.json",
    "metrics.yaml": "metrics.schema.json",
}
MAX_BYTES = 1_000_000


def _schema(name):
    return json.loads((DATA / "schemas" / name).read_text())


def _data_files():
    return sorted(p for p in DATA.rglob("*") if p.is_file())


@pytest.mark.parametrize("pattern,schema", SCHEMAS.items())
def test_yaml_files_match_their_schema(pattern, schema):
    files = sorted(DATA.glob(pattern))
    assert files, f"no data file matches {pattern}"
    for path in files:
        jsonschema.validate(yaml.safe_load(path.read_text()), _schema(schema))


def test_every_yaml_file_has_a_schema():
    covered = {p for pattern in SCHEMAS for p in DATA.glob(pattern)}
    unchecked = [str(p.relative_to(DATA)) for p in DATA.rglob("*.yaml") if p not in covered]
    assert not unchecked, f"add a schema for: {unchecked}"


def test_schemas_are_valid_json_schemas():
    for path in (DATA / "schemas").glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_data_files_are_small():
    big = [f"{p.relative_to(DATA)} ({p.stat().st_size} bytes)" for p in _data_files() if p.stat().st_size > MAX_BYTES]
    assert not big, f"data files over 1 MB: {big}"


def test_data_readme_describes_every_file():
    readme = (DATA / "README.md").read_text()
    undocumented = [
        str(p.relative_to(DATA))
        for p in _data_files()
        if p.suffix in {".yaml", ".csv", ".json", ".parquet"}
        and p.parent.name not in {"questions", "schemas"}
        and f"`{p.name}`" not in readme
    ]
    assert not undocumented, f"describe these in data/README.md with source and licence: {undocumented}"


def test_exam_weights_add_up_and_parts_exist():
    plan_captions = {part["caption"] for part in load_yaml("book_plan.yaml")}
    for exam in load_yaml("exams.yaml"):
        assert sum(d["weight"] for d in exam["domains"]) == 100, exam["code"]
        assert [d["number"] for d in exam["domains"]] == list(range(1, len(exam["domains"]) + 1))
        for domain in exam["domains"]:
            assert set(domain["parts"]) <= plan_captions, domain["parts"]


def test_question_domains_are_the_mls_domains():
    mls = next(e for e in load_yaml("exams.yaml") if e["code"] == "MLS-C01")
    enum = _schema("questions.schema.json")["properties"]["questions"]["items"]["properties"]["domain"]["enum"]
    assert sorted(d["id"] for d in mls["domains"]) == sorted(enum)


def test_intro_tables_match_exams_data():
    intro = (ROOT / "chapters/start-here/intro.md").read_text()
    for exam in load_yaml("exams.yaml"):
        assert exam["source"] in intro, f"the intro must cite {exam['code']}'s exam guide"
        for d in exam["domains"]:
            row = re.search(rf"^\| {d['number']}\. {re.escape(d['name'])} \| (\d+) %", intro, flags=re.M)
            assert row, f"intro has no row for {exam['code']} domain {d['number']} '{d['name']}'"
            assert int(row.group(1)) == d["weight"], f"{exam['code']} domain {d['number']} weight differs"


def test_errata_entries_point_to_existing_chapters():
    entries = errata.load()
    assert {e["chapter"] for e in entries} <= toc.chapter_keys()


def test_service_limits_have_unique_ids_and_existing_chapters():
    rows = load_yaml("service_limits.yaml")
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    unknown = {row["chapter"] for row in rows} - toc.chapter_keys()
    assert not unknown, f"service_limits.yaml names chapters that are not in _toc.yml: {unknown}"
    untyped = [row["id"] for row in rows if isinstance(row["value"], (int, float)) and not row.get("unit")]
    assert not untyped, f"numeric limits need a unit: {untyped}"


def test_errata_rejects_an_unknown_chapter(monkeypatch):
    bad = [{"id": "x-claim", "claim": "Something often said.", "truth": "What is really true.", "chapter": "nope"}]
    monkeypatch.setattr(errata, "load_yaml", lambda name: bad)
    with pytest.raises(errata.ErrataError, match="chapter 'nope'"):
        errata.load()


def test_errata_rejects_a_malformed_entry(monkeypatch):
    monkeypatch.setattr(errata, "load_yaml", lambda name: [{"id": "x", "claim": "short"}])
    with pytest.raises(errata.ErrataError, match=r"data/errata.yaml: at \[0\]: must contain"):
        errata.load()


def test_every_chapter_has_questions():
    have = {p.stem for p in questions.bank_files()}
    chapters = {p.stem for p in toc.notebooks() if p.parent.name not in {"start-here", "appendices"}}
    assert chapters <= have, f"chapters without data/questions/<chapter>.yaml: {sorted(chapters - have)}"


def test_missing_data_file_error_lists_what_exists():
    with pytest.raises(FileNotFoundError, match=r"No data file 'data/exam.yaml'.*exams\.yaml"):
        data_path("exam.yaml")


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_data_file_name_must_be_given(bad):
    with pytest.raises(ValueError, match="non-empty string"):
        data_path(bad)


def test_invalid_yaml_is_reported_with_the_file(tmp_path, monkeypatch):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: x\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.yaml").write_text("a: [1, 2\n")
    monkeypatch.setenv("MLBOOK_ROOT", str(tmp_path))
    with pytest.raises(ValueError, match="data/broken.yaml is not valid YAML"):
        load_yaml("broken.yaml")
