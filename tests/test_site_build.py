"""The website builds from the stored outputs with no warning, and every toc page becomes HTML.

The build is the session fixture ``built_site`` (tests/conftest.py), shared with the browser tests.
"""

from mlbook import toc
from mlbook.data import book_root

ROOT = book_root()


def test_every_toc_page_is_built(built_site):
    missing = [
        str(p.relative_to(ROOT)) for p in toc.page_files()
        if not (built_site / p.relative_to(ROOT).with_suffix(".html")).is_file()
    ]
    assert not missing, f"pages without HTML: {missing}"


def test_chapters_carry_their_quiz_and_launch_buttons(built_site):
    for nb in toc.notebooks():
        page = (built_site / nb.relative_to(ROOT).with_suffix(".html")).read_text()
        assert "mybinder.org/v2/gh/" in page and "colab.research.google.com" in page, (
            f"{nb.name}: launch buttons")
        assert f"_sources/{nb.relative_to(ROOT)}" in page or ".ipynb" in page, (
            f"{nb.name}: download button")
        if nb.parent.name not in {"start-here", "appendices"}:
            assert f'id="mlbook-quiz-{nb.stem}"' in page, f"{nb.name}: the quiz did not render"


def test_stored_outputs_are_shown_not_re_executed(built_site):
    page = (built_site / "chapters/exploratory-data-analysis/distributions.html").read_text()
    assert "cell_output" in page, "the built page shows no stored output"
