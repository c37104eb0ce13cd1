"""The question bank: one YAML file per chapter under ``data/questions/``.

Each file is checked against ``data/schemas/questions.schema.json`` (shape) and then for what a
schema cannot say: the file name equals its ``chapter`` key, the chapter is a notebook in the
toc, ids are unique, and the number of correct options matches what the stem asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import toc
from .data import check_schema, data_dir

QUESTIONS_DIR = "questions"
_CHOOSE = {2: "two", 3: "three"}


class QuestionBankError(ValueError):
    """A question file is missing, malformed, or refers to a chapter the book does not have."""


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    id: str
    chapter: str
    domain: str
    difficulty: str
    stem: str
    options: tuple[Option, ...]

    @property
    def answer_count(self) -> int:
        return sum(o.correct for o in self.options)


def bank_files() -> list[Path]:
    return sorted((data_dir() / QUESTIONS_DIR).glob("*.yaml"))


def validate_document(doc, source: str, chapters: set[str] | None = None) -> list[Question]:
    """Check one parsed question file; return its questions or raise QuestionBankError."""
    check_schema(doc, "questions.schema.json", source, QuestionBankError)
    chapter = doc["chapter"]
    expected = Path(source).stem
    if Path(source).suffix and chapter != expected:
        raise QuestionBankError(
            f"{source}: 'chapter: {chapter}' does not match the file name; name the file {chapter}.yaml "
            f"or set 'chapter: {expected}'."
        )
    chapters = toc.chapter_keys() if chapters is None else chapters
    if chapter not in chapters:
        raise QuestionBankError(
            f"{source}: chapter '{chapter}' is not a notebook in _toc.yml "
            f"(known: {', '.join(sorted(chapters))}). Add the chapter to the toc first, or fix the key."
        )
    questions = []
    for q in doc["questions"]:
        options = tuple(Option(**o) for o in q["options"])
        n_correct = sum(o.correct for o in options)
        if n_correct == 0:
            raise QuestionBankError(f"{source}: question '{q['id']}' has no option marked correct: true.")
        if n_correct == len(options):
            raise QuestionBankError(f"{source}: question '{q['id']}' marks every option correct.")
        texts = [o.text.strip().lower() for o in options]
        if len(set(texts)) != len(texts):
            raise QuestionBankError(f"{source}: question '{q['id']}' repeats an option.")
        asks = re.search(r"\(Choose (two|three)\.\)", q["stem"])
        if n_correct > 1 and (not asks or asks.group(1) != _CHOOSE.get(n_correct)):
            raise QuestionBankError(
                f"{source}: question '{q['id']}' has {n_correct} correct options, so its stem must end "
                f"with '(Choose {_CHOOSE.get(n_correct, n_correct)}.)' as the exam's do."
            )
        if n_correct == 1 and asks:
            raise QuestionBankError(
                f"{source}: question '{q['id']}' says '{asks.group(0)}' but has one correct option."
            )
        questions.append(Question(q["id"], chapter, q["domain"], q["difficulty"], q["stem"], options))
    return questions


def load_chapter(chapter: str) -> list[Question]:
    """The questions of one chapter, validated."""
    path = data_dir() / QUESTIONS_DIR / f"{chapter}.yaml"
    if not path.is_file():
        have = ", ".join(p.stem for p in bank_files()) or "(none)"
        raise QuestionBankError(
            f"No questions for chapter '{chapter}': expected data/{QUESTIONS_DIR}/{chapter}.yaml. "
            f"Chapters with questions: {have}. The key is the notebook's file name without .ipynb."
        )
    return validate_document(_parse(path), f"data/{QUESTIONS_DIR}/{path.name}")


def load_bank() -> list[Question]:
    """Every question in the bank, validated, with ids unique across chapters."""
    chapters = toc.chapter_keys()
    seen: dict[str, str] = {}
    questions = []
    for path in bank_files():
        source = f"data/{QUESTIONS_DIR}/{path.name}"
        for q in validate_document(_parse(path), source, chapters):
            if q.id in seen:
                raise QuestionBankError(f"{source}: question id '{q.id}' is also used in {seen[q.id]}.")
            seen[q.id] = source
            questions.append(q)
    return questions


def _parse(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise QuestionBankError(f"data/{QUESTIONS_DIR}/{path.name} is not valid YAML: {err}") from None
