"""An Anki deck built from the glossary and the question bank (genanki).

Two sub-decks: "Glossary" (front: the term; back: its definition and chapter) and "Questions"
(front: the stem and lettered options; back: the correct option(s) and every option's
explanation). The deck is deterministic: model and deck ids come from fixed strings, each note's
guid from its term or question id, the notes' timestamps are fixed and the zip entries carry a
fixed date, so the same data always gives the same bytes and re-importing an updated deck into
Anki updates the notes instead of duplicating them.

    python -m mlbook.flashcards out/aws-ml-study-book-flashcards.apkg
"""

from __future__ import annotations

import hashlib
import html
import itertools
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

import genanki

from . import glossary, questions

DECK_FILE_NAME = "aws-ml-study-book-flashcards.apkg"
DECK_NAME = "AWS ML study book"
# Fixed, so two builds of the same data are byte-identical (2026-01-01T00:00:00Z).
TIMESTAMP = 1_767_225_600.0
_ZIP_DATE = (2026, 1, 1, 0, 0, 0)
_LETTERS = "ABCDEFGHIJ"

_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.45;
        color: #1a1a1a; background: #ffffff; text-align: left; max-width: 42em; margin: auto; }
.nightMode .card, .card.nightMode { color: #eeeeee; background: #1e1e1e; }
.term { font-size: 1.6em; font-weight: 600; text-align: center; }
.meta { font-size: 0.8em; opacity: 0.75; margin-top: 1em; }
.options { list-style: none; padding-left: 0; }
.options li { margin: 0.3em 0; }
.correct { font-weight: 600; }
"""


class FlashcardsError(ValueError):
    """The deck cannot be written where it was asked to go."""


def stable_id(name: str) -> int:
    """A fixed id in [2**30, 2**31) derived from ``name`` (Anki wants stable model/deck ids)."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    return (1 << 30) + int(digest, 16) % (1 << 30)


TERM_MODEL = genanki.Model(
    stable_id("mlbook.flashcards.model.term"),
    "AWS ML study book: term",
    fields=[{"name": "Term"}, {"name": "Definition"}, {"name": "Chapter"}],
    templates=[{
        "name": "Term to definition",
        "qfmt": '<div class="term">{{Term}}</div>',
        "afmt": ('{{FrontSide}}<hr id="answer">{{Definition}}'
                 '<div class="meta">Chapter: {{Chapter}}</div>'),
    }],
    css=_CSS,
)

QUESTION_MODEL = genanki.Model(
    stable_id("mlbook.flashcards.model.question"),
    "AWS ML study book: exam question",
    fields=[{"name": "Id"}, {"name": "Question"}, {"name": "Options"}, {"name": "Answer"},
            {"name": "Explanation"}, {"name": "Chapter"}],
    templates=[{
        "name": "Question to answer",
        "qfmt": "{{Question}}{{Options}}",
        "afmt": ('{{FrontSide}}<hr id="answer"><div class="correct">{{Answer}}</div>{{Explanation}}'
                 '<div class="meta">{{Id}} · chapter: {{Chapter}}</div>'),
    }],
    css=_CSS,
)


def _text(value: str) -> str:
    """Plain text as HTML: whitespace collapsed, escaped, inline `code` as <code>."""
    escaped = html.escape(" ".join(value.split()))
    parts = escaped.split("`")
    if len(parts) % 2 == 1:  # balanced backticks only
        escaped = "".join(p if i % 2 == 0 else f"<code>{p}</code>" for i, p in enumerate(parts))
    return escaped


def term_note(entry: dict, titles: dict[str, str]) -> genanki.Note:
    return genanki.Note(
        model=TERM_MODEL,
        fields=[_text(entry["term"]), _text(entry["definition"]), _text(titles[entry["chapter"]])],
        guid=genanki.guid_for("mlbook-glossary", entry["term"].lower()),
        tags=["glossary", entry["chapter"]],
    )


def question_note(q: questions.Question, titles: dict[str, str]) -> genanki.Note:
    letters = _LETTERS[: len(q.options)]
    options = "".join(f"<li>{k}. {_text(o.text)}</li>" for k, o in zip(letters, q.options))
    correct = [f"{k}. {_text(o.text)}" for k, o in zip(letters, q.options) if o.correct]
    answer = ("Answer: " if len(correct) == 1 else "Answers: ") + "<br>".join(correct)
    explanation = "".join(
        f"<li>{'✓' if o.correct else '✗'} {k}. {_text(o.explanation)}</li>"
        for k, o in zip(letters, q.options)
    )
    return genanki.Note(
        model=QUESTION_MODEL,
        fields=[q.id, _text(q.stem), f'<ol class="options">{options}</ol>', answer,
                f'<ul class="options">{explanation}</ul>', _text(titles[q.chapter])],
        guid=genanki.guid_for("mlbook-question", q.id),
        tags=["question", q.chapter, f"domain-{q.domain}".replace(" ", "-"), q.difficulty],
    )


def build_package(entries: list[dict] | None = None,
                  bank: list[questions.Question] | None = None) -> genanki.Package:
    """The deck as a genanki Package: the glossary (sorted), then the question bank in order."""
    entries = glossary.load() if entries is None else entries
    bank = questions.load_bank() if bank is None else bank
    titles = glossary.chapter_titles()
    terms = genanki.Deck(stable_id("mlbook.flashcards.deck.glossary"), f"{DECK_NAME}::Glossary")
    for entry in sorted(entries, key=lambda e: e["term"].casefold()):
        terms.add_note(term_note(entry, titles))
    exam = genanki.Deck(stable_id("mlbook.flashcards.deck.questions"), f"{DECK_NAME}::Questions")
    for q in bank:
        exam.add_note(question_note(q, titles))
    return genanki.Package([terms, exam])


def check_path(path) -> Path:
    """The deck's path, or FlashcardsError saying why it cannot be written there."""
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise FlashcardsError(f"The deck path must be a file path (str or Path), got {path!r}.")
    path = Path(path)
    if path.suffix != ".apkg":
        raise FlashcardsError(
            f"{path}: an Anki deck package must end in .apkg (Anki imports it by that suffix); "
            f"for example {path.with_suffix('.apkg').name}."
        )
    if not path.parent.is_dir():
        raise FlashcardsError(
            f"{path}: the folder {path.parent} does not exist; create it first or choose "
            "another one."
        )
    if path.is_dir():
        raise FlashcardsError(f"{path} is a folder; give the path of the .apkg file to write.")
    return path


def write_deck(path, entries: list[dict] | None = None,
               bank: list[questions.Question] | None = None) -> dict:
    """Write the deck to ``path`` (.apkg, in an existing folder); return the number of notes."""
    path = check_path(path)
    package = build_package(entries, bank)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db)
        try:
            # genanki's own write_to_file stamps the notes with the current time and the zip
            # entries with the temp file's mtime; write the same database with fixed ones.
            package.write_to_db(conn.cursor(), TIMESTAMP, itertools.count(int(TIMESTAMP * 1000)))
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
            for name, data in (("collection.anki2", db.read_bytes()), ("media", b"{}")):
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, data)
    counts = {"terms": len(package.decks[0].notes), "questions": len(package.decks[1].notes)}
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(f"usage: python -m mlbook.flashcards OUT.apkg  (e.g. {DECK_FILE_NAME})",
              file=sys.stderr)
        return 2
    try:
        counts = write_deck(argv[0])
    except FlashcardsError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"wrote {argv[0]}: {counts['terms']} terms, {counts['questions']} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
