"""The question bank is valid, and malformed questions are rejected with messages that help."""

import copy
import re

import pytest

from mlbook import questions, quiz
from mlbook.questions import QuestionBankError, validate_document

CHAPTERS = {"distributions", "evaluation-metrics"}


def _good():
    return {
        "chapter": "distributions",
        "questions": [
            {
                "id": "distributions-sample",
                "domain": "exploratory-data-analysis",
                "difficulty": "easy",
                "stem": "Which distribution counts events in a fixed interval at a known average rate?",
                "options": [
                    {"text": "Poisson", "correct": True, "explanation": "It models counts at a constant rate."},
                    {"text": "Normal", "correct": False, "explanation": "It is continuous, not a count."},
                    {"text": "Uniform", "correct": False, "explanation": "It gives equal weight to a range."},
                    {"text": "Bernoulli", "correct": False, "explanation": "It is a single yes/no trial."},
                ],
            }
        ],
    }


def test_the_whole_bank_is_valid_and_ids_are_unique():
    bank = questions.load_bank()
    ids = [q.id for q in bank]
    assert bank and len(ids) == len(set(ids))
    for q in bank:
        assert all(o.explanation.strip() for o in q.options), f"{q.id}: explain every option"
        assert 1 <= q.answer_count < len(q.options)


def test_a_valid_document_passes():
    (q,) = validate_document(_good(), "distributions.yaml", CHAPTERS)
    assert q.answer_count == 1 and q.chapter == "distributions"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d.update(chapter="no-such-chapter"), "chapter 'no-such-chapter' is not a notebook in _toc.yml"),
        (lambda d: d["questions"][0]["options"][1].pop("explanation"), r"at questions\[0\]\.options\[1\]: must contain \['explanation'\]"),
        (lambda d: d["questions"][0]["options"][0].update(correct=False), "no option marked correct"),
        (lambda d: [o.update(correct=True) for o in d["questions"][0]["options"]], "marks every option correct"),
        (lambda d: d["questions"][0]["options"][1].update(correct=True), r"must end with '\(Choose two\.\)'"),
        (lambda d: d["questions"][0].update(stem=d["questions"][0]["stem"] + " (Choose two.)"), "has one correct option"),
        (lambda d: d["questions"][0].update(domain="statistics"), r"at questions\[0\]\.domain: must be one of"),
        (lambda d: d["questions"][0]["options"].pop(), "must contain at least 4 items"),
        (lambda d: d["questions"][0]["options"][1].update(text="poisson"), "repeats an option"),
        (lambda d: d["questions"][0].update(id="Has Spaces"), r"at questions\[0\]\.id: must match pattern"),
    ],
)
def test_malformed_questions_are_rejected_clearly(mutate, message):
    doc = copy.deepcopy(_good())
    if "no-such-chapter" in message:
        source = "no-such-chapter.yaml"
    else:
        source = "distributions.yaml"
    mutate(doc)
    with pytest.raises(QuestionBankError, match=message):
        validate_document(doc, source, CHAPTERS)


def test_file_name_must_match_chapter_key():
    with pytest.raises(QuestionBankError, match="does not match the file name"):
        validate_document(_good(), "data/questions/metrics.yaml", CHAPTERS)


def test_unknown_chapter_names_the_file_it_expected():
    with pytest.raises(QuestionBankError, match=r"expected data/questions/distribution\.yaml.*distributions"):
        questions.load_chapter("distribution")


def test_quiz_html_is_deterministic_and_complete():
    first, second = quiz.render("distributions"), quiz.render("distributions")
    assert first == second, "quiz HTML must not change between runs (nbval compares it)"
    bank = questions.load_chapter("distributions")
    for q in bank:
        assert f'id="q-{q.id}"' in first
        for option in q.options:
            assert quiz._inline(option.explanation) in first
    assert first.count("<form") == len(bank)
    assert not re.search(r"<script[^>]+src=|https?://", first), "the quiz loads nothing from the network"


def test_multiple_response_questions_render_checkboxes():
    for chapter in CHAPTERS:
        for q in questions.load_chapter(chapter):
            html = quiz._question_html(q, 1, 1)
            assert ('type="checkbox"' in html) == (q.answer_count > 1)


def test_right_answers_are_not_always_in_the_same_place():
    bank = questions.load_bank()
    first_right = [next(i for i, k in enumerate(quiz.display_order(q)) if q.options[k].correct) for q in bank]
    assert len(set(first_right)) >= 3, f"shown positions of the right answers: {first_right}"
    for q in bank:
        assert sorted(quiz.display_order(q)) == list(range(len(q.options)))


def test_quiz_for_unknown_chapter_fails_clearly():
    with pytest.raises(QuestionBankError, match="No questions for chapter 'nope'"):
        quiz.show("nope")
