"""Every notebook in the toc has the shape ../shared/CONVENTIONS.md asks for and clean stored outputs."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

from mlbook import questions, toc
from mlbook.data import book_root

ROOT = book_root()
sys.path.insert(0, str(ROOT / "scripts"))
from refresh_outputs import is_clean  # noqa: E402

NOTEBOOKS = toc.notebooks()
# Chapters are the notebooks of the four domain parts; front matter and appendices have other shapes.
CHAPTERS = [p for p in NOTEBOOKS if p.parent.name not in {"start-here", "appendices"}]
MIN_QUESTIONS = 6
MAX_CODE_LINE = 88  # what the site's code column shows without a scroll bar


def _ids(paths):
    return [p.stem for p in paths]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _markdown(nb):
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
class TestChapterShape:
    def test_opens_with_title_purpose_and_domain(self, path):
        first = _read(path).cells[0]
        assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell must be '# Title'"
        body = first.source.split("\n", 1)[1] if "\n" in first.source else ""
        assert len(re.sub(r"\*\*Exam domain:\*\*.*", "", body).strip()) > 80, "say what the reader will be able to do"
        assert "**Exam domain:**" in first.source, "name the exam domain in a '**Exam domain:**' line"

    def test_setup_cell_is_folded_seeded_and_styled(self, path):
        setup = _read(path).cells[1]
        assert setup.cell_type == "code", "the second cell is the setup cell"
        assert "hide-input" in setup.metadata.get("tags", []), "tag the setup cell hide-input"
        assert "use_book_style()" in setup.source, "apply the book's plotting defaults"
        assert re.search(r"default_rng\((\d+|SEED)\)", setup.source), "seed one numpy Generator in the setup cell"

    def test_sections_carry_exam_tips(self, path):
        text = "\n".join(_markdown(_read(path)))
        assert len(re.findall(r"^## ", text, flags=re.M)) >= 4, "a chapter has several sections"
        assert "```{tip}" in text, "each section ends with a tip admonition"

    def test_claims_are_checked_with_asserts(self, path):
        asserts = sum(len(re.findall(r"^\s*assert ", c.source, flags=re.M)) for c in _code(_read(path)))
        assert asserts >= 5, f"only {asserts} assert statements: check the chapter's claims in code"

    def test_ends_with_questions_and_next_steps(self, path):
        nb = _read(path)
        headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## Check yourself" in c.source]
        assert headings, "add a '## Check yourself' section"
        after = nb.cells[headings[0] + 1]
        assert after.cell_type == "code" and f'quiz.show("{path.stem}")' in after.source, (
            f'the cell after "Check yourself" must call quiz.show("{path.stem}")'
        )
        assert any("## Where to go next" in m for m in _markdown(nb)), "add a '## Where to go next' section"

    def test_has_enough_questions(self, path):
        assert len(questions.load_chapter(path.stem)) >= MIN_QUESTIONS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
class TestStoredOutputs:
    def test_metadata_is_clean(self, path):
        problems = is_clean(_read(path))
        assert not problems, f"run scripts/refresh_outputs.py on it: {problems}"

    def test_every_code_cell_ran(self, path):
        unrun = [i for i, c in enumerate(_code(_read(path)), 1) if c.execution_count is None]
        assert not unrun, f"code cells never executed: {unrun}"

    def test_no_errors_or_warnings_in_outputs(self, path):
        for cell in _code(_read(path)):
            for out in cell.outputs:
                assert out.output_type != "error", f"stored error {out.get('ename')} in:\n{cell.source[:200]}"
                text = out.get("text", "") if out.output_type == "stream" else str(out.get("data", {}).get("text/plain", ""))
                assert not (out.output_type == "stream" and out.name == "stderr"), f"stderr output:\n{text[:300]}"
                assert not re.search(r"\w*Warning\b|Traceback", text), f"warning in output:\n{text[:300]}"

    def test_code_lines_fit_the_page(self, path):
        long = [line for c in _code(_read(path)) for line in c.source.splitlines() if len(line) > MAX_CODE_LINE]
        assert not long, f"code lines over {MAX_CODE_LINE} characters (black -l 88 helps): {long[:3]}"

    def test_no_object_reprs_with_addresses(self, path):
        for cell in _code(_read(path)):
            for out in cell.outputs:
                plain = str(out.get("data", {}).get("text/plain", ""))
                assert not re.search(r"<matplotlib\.|at 0x[0-9a-f]+>", plain), (
                    f"end the cell with plt.show() or a semicolon: {plain[:120]}"
                )
