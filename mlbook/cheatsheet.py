"""The cheat sheet: service limits, SageMaker algorithms and metric formulas, rendered from data/.

    from mlbook import cheatsheet
    cheatsheet.limits_markdown()       # data/service_limits.yaml, one table per service
    cheatsheet.algorithms_markdown()   # data/sagemaker_algorithms.yaml
    cheatsheet.metrics_markdown()      # data/metrics.yaml, classification and regression tables
    cheatsheet.verify_metrics()        # every formula's `check` against its scikit-learn function

Every row keeps the documentation link it came from and the chapter that uses it. The tables are
Markdown that the site parses as MyST (``nb_render_markdown_format: myst``), so ``$...$`` is math.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from IPython.display import Markdown

from . import algorithms, toc
from .data import check_schema, load_yaml

METRICS_FILE = "metrics.yaml"
LIMITS_FILE = "service_limits.yaml"
ALGORITHMS_CHAPTER = "sagemaker-algorithms"
SKLEARN_PAGE = "https://scikit-learn.org/stable/modules/generated/sklearn.metrics.{}.html"

# The fixed small example every formula is checked on: 12 cases with ties in the scores (ROC AUC
# and average precision count ties), a 0.5 threshold for the labels, and regression targets that
# are never zero (MAPE divides by them).
EXAMPLE = {
    "y": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    "p": [0.9, 0.8, 0.8, 0.6, 0.3, 0.7, 0.4, 0.4, 0.2, 0.2, 0.1, 0.6],
    "threshold": 0.5,
    "y_reg": [3.0, -0.5, 2.0, 7.0, 4.2, 10.0],
    "yhat_reg": [2.5, 0.0, 2.0, 8.0, 3.9, 12.5],
}


class CheatSheetError(ValueError):
    """A data file the cheat sheet renders is malformed, or a formula disagrees with sklearn."""


def _cell(value) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _chapter_links() -> dict[str, Path]:
    """Chapter key -> its notebook in the toc; _chapter() links to it."""
    return {path.stem: path for path in toc.notebooks()}


@lru_cache(maxsize=None)
def _title(path: Path) -> str:
    """The notebook's short title: its '# Title' up to a colon, else its file name in words."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    first = "".join(cells[0].get("source", "")).split("\n", 1)[0] if cells else ""
    if not first.startswith("# "):
        return path.stem.replace("-", " ").capitalize()
    return first[2:].split(":", 1)[0].strip()


def _chapter(key: str, links: dict[str, Path], from_folder: str) -> str:
    """A Markdown link to chapter ``key`` that works on the site and in JupyterLab."""
    path = links[key]
    link = path.name if path.parent.name == from_folder else f"../{path.parent.name}/{path.name}"
    return f"[{_cell(_title(path))}]({link})"


def _check_chapters(rows, field: str, source: str) -> None:
    chapters = toc.chapter_keys()
    for i, row in enumerate(rows):
        if row[field] not in chapters:
            raise CheatSheetError(
                f"{source}: row [{i}] '{row.get('id', row.get('key'))}' names chapter "
                f"'{row[field]}', which is not a notebook in _toc.yml. Name the chapter that "
                "uses it."
            )


def _check_unique(rows, field: str, source: str) -> None:
    values = [row[field] for row in rows]
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise CheatSheetError(f"{source}: {field}s used more than once: {', '.join(twice)}.")


# --- service limits -----------------------------------------------------------------------------

def load_limits(rows=None) -> list[dict]:
    """data/service_limits.yaml validated: schema, unique ids, chapters in the toc."""
    source = f"data/{LIMITS_FILE}"
    rows = load_yaml(LIMITS_FILE) if rows is None else rows
    check_schema(rows, "service_limits.schema.json", source, CheatSheetError)
    _check_unique(rows, "id", source)
    _check_chapters(rows, "chapter", source)
    return rows


def _value(row) -> str:
    value = row["value"]
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (int, float)):
        text = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    else:
        text = str(value)
    return text + (f" {row['unit']}" if row.get("unit") else "")


def limits_markdown(rows=None, from_folder: str = "appendices") -> Markdown:
    """One table per service (in file order): limit, value, adjustable, chapter and source."""
    rows = load_limits(rows)
    links = _chapter_links()
    lines = []
    for service in dict.fromkeys(row["service"] for row in rows):
        lines += [f"### {service}", "", "| Limit or default | Value | Adjustable | See |",
                  "|---|---|---|---|"]
        for row in (r for r in rows if r["service"] == service):
            note = _cell(row.get("note", "")).rstrip(".")
            limit = _cell(row["limit"]) + (f" ({note})" if note else "")
            adjustable = {True: "yes", False: "no"}.get(row.get("adjustable"), "")
            see = f"{_chapter(row['chapter'], links, from_folder)}; [AWS docs]({row['source']})"
            lines.append(f"| {limit} | {_cell(_value(row))} | {adjustable} | {see} |")
        lines.append("")
    return Markdown("\n".join(lines))


# --- SageMaker built-in algorithms -------------------------------------------------------------

def algorithms_markdown(rows=None, from_folder: str = "appendices") -> Markdown:
    """One row per built-in algorithm: problem type, learning, training inputs, hardware."""
    rows = algorithms.load_table() if rows is None else algorithms.check_rows(rows)
    links = _chapter_links()
    if ALGORITHMS_CHAPTER not in links:
        raise CheatSheetError(f"the chapter '{ALGORITHMS_CHAPTER}' is not in _toc.yml; the "
                              "algorithm table links to it.")
    lines = [f"Chapter: {_chapter(ALGORITHMS_CHAPTER, links, from_folder)}.", "",
             "| Algorithm | Problem type (learning) | Training content types (input modes) "
             "| Trains on | Serves on |", "|---|---|---|---|---|"]
    for row in rows:
        inputs = "; ".join(f"`{t['content_type']}` ({', '.join(t['input_modes'])})"
                           for t in row["training_inputs"])
        lines.append(
            f"| [{_cell(row['name'])}]({row['source']}) | {row['problem_type']} "
            f"({row['learning']}) | {inputs} | {', '.join(row['training_hardware'])} | "
            f"{', '.join(row['inference_hardware']) or 'not stated'} |"
        )
    return Markdown("\n".join(lines) + "\n")


# --- metrics ------------------------------------------------------------------------------------

def _sklearn_function(name: str):
    import sklearn.metrics

    return getattr(sklearn.metrics, name, None)


def load_metrics(rows=None) -> list[dict]:
    """data/metrics.yaml validated: schema, unique ids, chapters, real scikit-learn functions."""
    source = f"data/{METRICS_FILE}"
    rows = load_yaml(METRICS_FILE) if rows is None else rows
    check_schema(rows, "metrics.schema.json", source, CheatSheetError)
    _check_unique(rows, "id", source)
    _check_chapters(rows, "chapter", source)
    for i, row in enumerate(rows):
        where = f"{source}: row [{i}] '{row['id']}'"
        if not callable(_sklearn_function(row["sklearn"])):
            raise CheatSheetError(f"{where}: sklearn.metrics has no function '{row['sklearn']}'; "
                                  "give the name of the function that computes the metric.")
        if row["source"] != SKLEARN_PAGE.format(row["sklearn"]):
            raise CheatSheetError(f"{where}: source must be the API page of {row['sklearn']}: "
                                  f"{SKLEARN_PAGE.format(row['sklearn'])}")
    return rows


def _namespace(row, example) -> tuple[dict, tuple]:
    """Names the `check` expression sees, and the positional arguments for scikit-learn."""
    import numpy as np
    from sklearn.metrics import confusion_matrix

    y = np.asarray(example["y"])
    p = np.asarray(example["p"], dtype=float)
    names = {"np": np, **row.get("sklearn_args", {})}
    if row["inputs"] == "labels":
        y_pred = (p >= example["threshold"]).astype(int)
        tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, y_pred, labels=[0, 1]).ravel())
        names.update(tp=tp, fp=fp, fn=fn, tn=tn, y=y, y_pred=y_pred)
        return names, (y, y_pred)
    if row["inputs"] == "scores":
        names.update(y=y, p=p)
        return names, (y, p)
    y_reg = np.asarray(example["y_reg"], dtype=float)
    yhat = np.asarray(example["yhat_reg"], dtype=float)
    names.update(y=y_reg, yhat=yhat, n=len(y_reg))
    return names, (y_reg, yhat)


def check_metric(row: dict, example: dict | None = None) -> tuple[float, float]:
    """(value of the row's `check` formula, value of its scikit-learn function) on the example."""
    names, args = _namespace(row, EXAMPLE if example is None else example)
    safe = {"sum": sum, "len": len, "abs": abs, "min": min, "max": max}
    try:
        # One namespace (globals), so generator expressions in `check` see the names too.
        mine = float(eval(row["check"], {"__builtins__": safe, **names}))  # noqa: S307 (own data)
    except Exception as err:  # a typo in the data file: say which row and why
        raise CheatSheetError(f"data/{METRICS_FILE}: '{row['id']}': check {row['check']!r} "
                              f"cannot be evaluated: {type(err).__name__}: {err}") from None
    theirs = float(_sklearn_function(row["sklearn"])(*args, **row.get("sklearn_args", {})))
    return mine, theirs


def verify_metrics(rows=None, example: dict | None = None) -> int:
    """Check every formula against scikit-learn; raise naming the first that disagrees."""
    rows = load_metrics(rows)
    for row in rows:
        mine, theirs = check_metric(row, example)
        if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-12):
            raise CheatSheetError(
                f"data/{METRICS_FILE}: '{row['id']}': the formula gives {mine!r} but "
                f"sklearn.metrics.{row['sklearn']} gives {theirs!r}; fix the formula and its check."
            )
    return len(rows)


def metrics_markdown(rows=None, from_folder: str = "appendices") -> Markdown:
    """A table per kind (classification, regression): metric, formula, question, function."""
    rows = load_metrics(rows)
    links = _chapter_links()
    lines = []
    for kind in dict.fromkeys(row["kind"] for row in rows):
        group = [r for r in rows if r["kind"] == kind]
        chapters = ", ".join(_chapter(c, links, from_folder)
                             for c in dict.fromkeys(r["chapter"] for r in group))
        lines += [f"### {kind.capitalize()}", "", f"Chapter: {chapters}.", "",
                  "| Metric | Formula | What it answers; scikit-learn function |", "|---|---|---|"]
        for row in group:
            args = ", ".join(f"{k}={v!r}" for k, v in row.get("sklearn_args", {}).items())
            answers = _cell(row["answers"]) + (f" {_cell(row['note'])}" if row.get("note") else "")
            lines.append(f"| {_cell(row['name'])} | ${row['formula']}$ | {answers} "
                         f"[`{row['sklearn']}({args})`]({row['source']}) |")
        lines.append("")
    return Markdown("\n".join(lines))
