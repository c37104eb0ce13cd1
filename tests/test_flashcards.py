"""The Anki deck: one note per glossary term and per question, matching the data, deterministic,
written by the site build; bad output paths are refused."""

import copy
import html
import json
import sqlite3
import zipfile
from types import SimpleNamespace

import pytest
import yaml

from mlbook import flashcards, glossary, questions, sphinx_flashcards
from mlbook.data import book_root

ENTRIES = glossary.load()
BANK = questions.load_bank()
SEP = "\x1f"  # Anki's field separator


def _read(apkg):
    """(notes as (guid, model id, [fields], tags), decks json, card count) of an .apkg file."""
    with zipfile.ZipFile(apkg) as z:
        assert set(z.namelist()) == {"collection.anki2", "media"}
        db_bytes = z.read("collection.anki2")
        assert json.loads(z.read("media")) == {}
    db = apkg.with_suffix(".anki2")
    db.write_bytes(db_bytes)
    conn = sqlite3.connect(db)
    try:
        notes = [(g, m, f.split(SEP), t) for g, m, f, t in
                 conn.execute("select guid, mid, flds, tags from notes order by id")]
        decks = json.loads(conn.execute("select decks from col").fetchone()[0])
        cards = conn.execute("select count(*) from cards").fetchone()[0]
    finally:
        conn.close()
    return notes, decks, cards


def _plain(field):
    return html.unescape(field.replace("<code>", "`").replace("</code>", "`"))


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / flashcards.DECK_FILE_NAME
    counts = flashcards.write_deck(path)
    return path, counts, _read(path)


def test_one_note_and_card_per_term_and_question(deck):
    _, counts, (notes, decks, cards) = deck
    assert counts == {"terms": len(ENTRIES), "questions": len(BANK)}
    assert len(notes) == len(ENTRIES) + len(BANK) == cards
    names = sorted(d["name"] for d in decks.values())
    assert f"{flashcards.DECK_NAME}::Glossary" in names
    assert f"{flashcards.DECK_NAME}::Questions" in names


def test_term_notes_match_the_glossary(deck):
    _, _, (notes, _, _) = deck
    terms = {_plain(f[0]): f for _, mid, f, _ in notes if mid == flashcards.TERM_MODEL.model_id}
    titles = glossary.chapter_titles()
    assert set(terms) == {e["term"] for e in ENTRIES}
    for e in ENTRIES:
        fields = terms[e["term"]]
        assert _plain(fields[1]) == " ".join(e["definition"].split())
        assert _plain(fields[2]) == titles[e["chapter"]]


def test_question_notes_match_the_bank(deck):
    _, _, (notes, _, _) = deck
    by_id = {f[0]: f for _, mid, f, _ in notes if mid == flashcards.QUESTION_MODEL.model_id}
    assert set(by_id) == {q.id for q in BANK}
    for q in BANK:
        _, stem, options, answer, explanation, _ = by_id[q.id]
        assert _plain(stem) == " ".join(q.stem.split())
        for o in q.options:
            text = " ".join(o.text.split())
            assert text in _plain(options)
            assert (text in _plain(answer)) == o.correct, (q.id, text)
            assert " ".join(o.explanation.split()) in _plain(explanation)


def test_guids_are_unique_and_follow_the_term_or_question(deck, tmp_path):
    _, _, (notes, _, _) = deck
    guids = [g for g, *_ in notes]
    assert len(set(guids)) == len(guids)
    # Editing a definition keeps the note's guid, so Anki updates the card instead of adding one.
    edited = copy.deepcopy(ENTRIES)
    edited[0]["definition"] = "A different definition, long enough for the schema."
    flashcards.write_deck(tmp_path / "edited.apkg", entries=edited, bank=BANK[:1])
    notes2, _, _ = _read(tmp_path / "edited.apkg")
    by_term = {_plain(f[0]): (g, f) for g, _, f, _ in notes}
    g2, f2 = next((g, f) for g, _, f, _ in notes2 if _plain(f[0]) == edited[0]["term"])
    assert g2 == by_term[edited[0]["term"]][0]
    assert _plain(f2[1]) == edited[0]["definition"] != _plain(by_term[edited[0]["term"]][1][1])


def test_the_same_data_gives_the_same_bytes(deck, tmp_path):
    path, _, _ = deck
    again = tmp_path / "again.apkg"
    flashcards.write_deck(again)
    assert again.read_bytes() == path.read_bytes()


def test_different_data_gives_a_different_deck(deck, tmp_path):
    path, _, _ = deck
    other = tmp_path / "other.apkg"
    flashcards.write_deck(other, entries=ENTRIES[1:], bank=BANK)
    assert other.read_bytes() != path.read_bytes()
    assert len(_read(other)[0]) == len(ENTRIES) - 1 + len(BANK)


def test_ids_are_derived_from_fixed_strings():
    assert flashcards.stable_id("x") == flashcards.stable_id("x") != flashcards.stable_id("y")
    assert 1 << 30 <= flashcards.stable_id("mlbook") < 1 << 31
    assert flashcards.TERM_MODEL.model_id != flashcards.QUESTION_MODEL.model_id


def test_text_is_escaped_as_html():
    assert flashcards._text("a <b> & `c`\n d") == "a &lt;b&gt; &amp; <code>c</code> d"


@pytest.mark.parametrize("make_path,message", [
    (lambda tmp: tmp / "deck.zip", "must end in .apkg"),
    (lambda tmp: tmp / "deck", "must end in .apkg"),
    (lambda tmp: tmp / "missing" / "deck.apkg", "does not exist"),
    (lambda tmp: (tmp / "dir.apkg").mkdir() or tmp / "dir.apkg", "is a folder"),
    (lambda tmp: 42, "file path"),
    (lambda tmp: "  ", "file path"),
])
def test_bad_paths_are_refused(tmp_path, make_path, message):
    with pytest.raises(flashcards.FlashcardsError, match=message):
        flashcards.write_deck(make_path(tmp_path))


def test_command_line(tmp_path, capsys):
    assert flashcards.main([]) == 2
    assert flashcards.main([str(tmp_path / "x.txt")]) == 1
    assert ".apkg" in capsys.readouterr().err
    out = tmp_path / "cli.apkg"
    assert flashcards.main([str(out)]) == 0
    assert f"{len(ENTRIES)} terms, {len(BANK)} questions" in capsys.readouterr().out
    assert zipfile.is_zipfile(out)


# --- the Sphinx extension --------------------------------------------------------------------

def _app(tmp_path, fmt="html"):
    return SimpleNamespace(builder=SimpleNamespace(format=fmt, outdir=str(tmp_path)))


def test_site_build_writes_the_deck(tmp_path, deck):
    path = sphinx_flashcards.write_site_deck(_app(tmp_path), None)
    expected = tmp_path / sphinx_flashcards.DOWNLOADS / flashcards.DECK_FILE_NAME
    assert path == expected and expected.is_file()
    assert expected.read_bytes() == deck[0].read_bytes()


@pytest.mark.parametrize("fmt,exception", [("html", RuntimeError("build failed")), ("latex", None)])
def test_no_deck_for_failed_or_non_html_builds(tmp_path, fmt, exception):
    assert sphinx_flashcards.write_site_deck(_app(tmp_path, fmt), exception) is None
    assert not (tmp_path / sphinx_flashcards.DOWNLOADS).exists()


def test_extension_is_registered_for_the_site():
    calls = []
    app = SimpleNamespace(connect=lambda event, handler: calls.append((event, handler)))
    meta = sphinx_flashcards.setup(app)
    assert calls == [("build-finished", sphinx_flashcards.write_site_deck),
                     ("doctree-resolved", sphinx_flashcards.add_term_titles)]
    assert meta["parallel_read_safe"]
    config = yaml.safe_load((book_root() / "_config.yml").read_text(encoding="utf-8"))
    assert "mlbook.sphinx_flashcards" in config["sphinx"]["extra_extensions"]


def test_term_links_get_the_definition_as_hover_text():
    from docutils import nodes

    shard = next(e for e in ENTRIES if e["term"] == "Shard")
    terms = {"shard": ("chapters/appendices/glossary", "term-Shard")}
    std = SimpleNamespace(_terms=terms)
    app = SimpleNamespace(env=SimpleNamespace(get_domain=lambda name: std))
    doc = nodes.paragraph()
    term_ref = nodes.reference(refuri="../appendices/glossary.html#term-Shard")
    term_ref += nodes.inline("", "shards", classes=["xref", "std", "std-term"])
    other_ref = nodes.reference(refuri="../appendices/glossary.html#term-Shard")
    other_ref += nodes.inline("", "a doc link", classes=["std", "std-doc"])
    doc += [term_ref, other_ref]
    assert sphinx_flashcards.add_term_titles(app, doc, "chapters/data-engineering/kinesis") == 1
    assert term_ref["reftitle"] == " ".join(shard["definition"].split())
    assert "reftitle" not in other_ref
