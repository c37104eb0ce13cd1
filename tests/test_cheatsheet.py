"""The cheat sheet (mlbook.cheatsheet): every data row is on the page with its source link, every
metric formula agrees numerically with its scikit-learn function, and bad input is rejected."""

import copy
import re

import pytest

from mlbook import algorithms, cheatsheet
from mlbook.algorithms import AlgorithmTableError
from mlbook.cheatsheet import CheatSheetError
from mlbook.data import book_root, load_yaml

ROOT = book_root()
APPENDICES = ROOT / "chapters" / "appendices"
LIMITS = load_yaml("service_limits.yaml")
ALGORITHMS = load_yaml("sagemaker_algorithms.yaml")
METRICS = load_yaml("metrics.yaml")

# A second example, unlike cheatsheet.EXAMPLE: other class balance, ties, threshold and targets.
OTHER_EXAMPLE = {
    "y": [0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0],
    "p": [0.15, 0.95, 0.35, 0.55, 0.45, 0.7, 0.05, 0.55, 0.6, 0.25, 0.85, 0.45, 0.1, 0.3, 0.2],
    "threshold": 0.42,
    "y_reg": [12.0, 15.5, 9.0, 20.0, 11.25, 14.0, 17.5],
    "yhat_reg": [11.0, 16.0, 10.5, 18.0, 11.0, 15.5, 17.0],
}


def _words(text) -> str:
    return " ".join(str(text).split())


def _shown(value) -> str:
    """How a limit's value reads on the page: 8,760; 0.5; yes; or the text itself."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else _words(value)


def _sections(markdown: str) -> dict[str, str]:
    """'### Heading' -> the text under it."""
    parts = re.split(r"^### (.+)$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


def _row_with(rows: list[str], *needles: str) -> str | None:
    return next((r for r in rows if all(n in r for n in needles)), None)


# --- every row on the page, with its source link ------------------------------------------------

def test_every_limit_is_under_its_service_with_value_chapter_and_source():
    sections = _sections(cheatsheet.limits_markdown().data)
    assert list(sections) == list(dict.fromkeys(r["service"] for r in LIMITS))
    for row in LIMITS:
        rows = _table_rows(sections[row["service"]])
        line = _row_with(rows, _words(row["limit"]), f"]({row['source']})")
        assert line, f"{row['id']}: no row with its limit text and source link"
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[1] == f"{_shown(row['value'])} {row.get('unit', '')}".strip(), row["id"]
        assert re.search(rf"\]\([./\w-]*{row['chapter']}\.ipynb\)", line), f"{row['id']}: chapter"
    assert sum(len(_table_rows(s)) - 1 for s in sections.values()) == len(LIMITS)


def test_every_algorithm_row_has_its_properties_and_source():
    rows = _table_rows(cheatsheet.algorithms_markdown().data)
    assert len(rows) - 1 == len(ALGORITHMS)
    for alg in ALGORITHMS:
        line = _row_with(rows, f"[{alg['name']}]({alg['source']})")
        assert line, f"{alg['key']}: no row linking its name to {alg['source']}"
        assert f"{alg['problem_type']} ({alg['learning']})" in line
        for inp in alg["training_inputs"]:
            assert f"`{inp['content_type']}` ({', '.join(inp['input_modes'])})" in line
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[-2] == ", ".join(alg["training_hardware"])
        assert cells[-1] == (", ".join(alg["inference_hardware"]) or "not stated")


def test_every_metric_is_under_its_kind_with_formula_function_and_source():
    sections = _sections(cheatsheet.metrics_markdown().data)
    assert set(sections) == {m["kind"].capitalize() for m in METRICS}
    for metric in METRICS:
        rows = _table_rows(sections[metric["kind"].capitalize()])
        line = _row_with(rows, f"| {metric['name']} |", f"${metric['formula']}$",
                         f"[`{metric['sklearn']}(", f"]({metric['source']})")
        assert line, f"{metric['id']}: row with name, formula, function and source link missing"
        assert _words(metric["answers"]) in line
    assert sum(len(_table_rows(s)) - 1 for s in sections.values()) == len(METRICS)


@pytest.mark.parametrize("render", ["limits_markdown", "algorithms_markdown", "metrics_markdown"])
def test_chapter_links_point_to_existing_notebooks(render):
    markdown = getattr(cheatsheet, render)().data
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", markdown)
    assert links, "the tables link the chapters"
    missing = sorted({link for link in links if not (APPENDICES / link).resolve().is_file()})
    assert not missing, f"links to notebooks that do not exist: {missing}"


def test_the_page_shows_the_current_data():
    """The stored outputs of the notebook are the rendering of today's data files."""
    import nbformat

    nb = nbformat.read(APPENDICES / "cheat-sheet.ipynb", as_version=4)
    stored = [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if "text/markdown" in o.get("data", {})]
    assert stored == [cheatsheet.limits_markdown().data, cheatsheet.algorithms_markdown().data,
                      cheatsheet.metrics_markdown().data], "run scripts/refresh_outputs.py on it"


# --- the formulas, numerically ------------------------------------------------------------------

@pytest.mark.parametrize("example", [cheatsheet.EXAMPLE, OTHER_EXAMPLE], ids=["book", "other"])
@pytest.mark.parametrize("metric", METRICS, ids=[m["id"] for m in METRICS])
def test_formula_matches_scikit_learn(metric, example):
    mine, theirs = cheatsheet.check_metric(metric, example)
    assert mine == pytest.approx(theirs, rel=1e-9, abs=1e-12), metric["check"]


def test_examples_are_not_degenerate():
    """Swapped or dropped confusion-matrix cells must change the value, so counts must differ."""
    for example in (cheatsheet.EXAMPLE, OTHER_EXAMPLE):
        names, _ = cheatsheet._namespace({"inputs": "labels"}, example)
        counts = [names[k] for k in ("tp", "fp", "fn", "tn")]
        assert len(set(counts)) == 4 and min(counts) > 0, counts
        assert len(set(example["p"])) < len(example["p"]), "ties in the scores test ROC/PR ties"


def test_verify_metrics_checks_every_row():
    assert cheatsheet.verify_metrics() == len(METRICS)
    assert cheatsheet.verify_metrics(example=OTHER_EXAMPLE) == len(METRICS)


@pytest.mark.parametrize("metric_id,wrong", [
    ("precision", "tp / (tp + fn)"),
    ("specificity", "tn / (tn + fn)"),
    ("f-beta", "(1 + beta) * tp / ((1 + beta) * tp + beta * fn + fp)"),
    ("roc-auc", "np.mean([a > b for a in p[y == 1] for b in p[y == 0]])"),
    ("log-loss", "-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))"),
    ("mape", "np.sum(np.abs(y - yhat)) / np.sum(np.abs(y))"),
    ("r2", "1 - np.sum((y - yhat) ** 2) / np.sum(y ** 2)"),
])
def test_a_wrong_formula_fails(metric_id, wrong):
    rows = copy.deepcopy(METRICS)
    next(r for r in rows if r["id"] == metric_id)["check"] = wrong
    with pytest.raises(CheatSheetError, match=rf"'{metric_id}': the formula gives .* but"):
        cheatsheet.verify_metrics(rows)


# --- bad input is rejected with a clear message -------------------------------------------------

def _metrics_with(**changes):
    rows = copy.deepcopy(METRICS)
    rows[0].update(changes)
    return rows


@pytest.mark.parametrize("changes,message", [
    ({"formula": r"\lvert x | y \rvert"}, r"at \[0\]\.formula"),
    ({"formula": "$x$"}, r"at \[0\]\.formula"),
    ({"kind": "ranking"}, r"at \[0\]\.kind"),
    ({"inputs": "probabilities"}, r"at \[0\]\.inputs"),
    ({"source": "https://example.com/accuracy"}, r"at \[0\]\.source"),
    ({"chapter": "no-such-chapter"}, "names chapter 'no-such-chapter', which is not a notebook"),
    ({"sklearn": "accuracy_scor"}, "sklearn.metrics has no function 'accuracy_scor'"),
    ({"sklearn": "precision_score"}, "source must be the API page of precision_score"),
])
def test_bad_metric_rows_are_rejected(changes, message):
    with pytest.raises(CheatSheetError, match=message):
        cheatsheet.load_metrics(_metrics_with(**changes))


def test_a_metric_row_without_a_check_is_rejected():
    rows = copy.deepcopy(METRICS)
    del rows[1]["check"]
    with pytest.raises(CheatSheetError, match=r"data/metrics.yaml: at \[1\]: must contain"):
        cheatsheet.load_metrics(rows)


def test_duplicate_metric_ids_are_rejected():
    rows = copy.deepcopy(METRICS)
    rows[1]["id"] = rows[0]["id"]
    with pytest.raises(CheatSheetError, match=f"ids used more than once: {rows[0]['id']}"):
        cheatsheet.load_metrics(rows)


@pytest.mark.parametrize("check", ["tp / (tp + false_pos)", "__import__('os').getcwd()", "tp /"])
def test_a_check_that_cannot_be_evaluated_is_named(check):
    with pytest.raises(CheatSheetError, match=r"'accuracy': check .* cannot be evaluated"):
        cheatsheet.verify_metrics(_metrics_with(check=check))


@pytest.mark.parametrize("changes,message", [
    ({"chapter": "nowhere"}, "names chapter 'nowhere'"),
    ({"source": "http://example.com/limits"}, r"at \[0\]\.source"),
    ({"value": None}, r"at \[0\]\.value"),
])
def test_bad_limit_rows_are_rejected(changes, message):
    rows = copy.deepcopy(LIMITS)
    rows[0].update(changes)
    with pytest.raises(CheatSheetError, match=message):
        cheatsheet.limits_markdown(rows)


def test_duplicate_limit_ids_are_rejected():
    rows = copy.deepcopy(LIMITS)
    rows[1]["id"] = rows[0]["id"]
    with pytest.raises(CheatSheetError, match="ids used more than once"):
        cheatsheet.load_limits(rows)


def test_bad_algorithm_rows_are_rejected():
    rows = copy.deepcopy(ALGORITHMS)
    rows[0]["training_hardware"] = ["TPU"]
    with pytest.raises(AlgorithmTableError, match=r"at \[0\]\.training_hardware"):
        cheatsheet.algorithms_markdown(rows)


def test_the_algorithm_table_needs_its_chapter(monkeypatch):
    monkeypatch.setattr(cheatsheet, "_chapter_links", lambda: {})
    with pytest.raises(CheatSheetError, match="'sagemaker-algorithms' is not in _toc.yml"):
        cheatsheet.algorithms_markdown(algorithms.load_table())
