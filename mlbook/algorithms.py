"""The SageMaker built-in algorithms table (``data/sagemaker_algorithms.yaml``) and checks against it.

    from mlbook import algorithms
    rows = algorithms.load_table()                      # every algorithm, validated
    algorithms.algorithm("xgboost")                     # one row; 'XGBoost' works too
    algorithms.check_training_content_type("factorization-machines", "text/csv")
    # -> UnsupportedInputError: Factorization Machines does not accept ... It accepts: ...

The checks only look things up in the table; the SageMaker SDK call or boto3 request that uses
the answer stays in the notebook.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from .data import check_schema, load_yaml

TABLE_FILE = "sagemaker_algorithms.yaml"
SCHEMA_FILE = "sagemaker_algorithms.schema.json"
INPUT_MODES = ("File", "Pipe")


class AlgorithmTableError(ValueError):
    """data/sagemaker_algorithms.yaml breaks its schema or the table's own rules."""


class UnknownAlgorithmError(ValueError):
    """A name that is not a built-in algorithm in the table."""


class UnsupportedInputError(ValueError):
    """A training content type or input mode that the algorithm does not accept."""


def _normalize(name: str) -> str:
    """'K-Means', 'k means', 'K_MEANS' -> 'k-means' (case, spaces and underscores ignored)."""
    return "-".join(str(name).lower().replace("_", " ").replace("-", " ").split())


def base_content_type(content_type: str) -> str:
    """'text/csv; label_size=1' -> 'text/csv': the MIME type without parameters, lower case."""
    if not isinstance(content_type, str) or "/" not in content_type:
        raise UnsupportedInputError(
            f"A content type looks like 'text/csv' or 'application/x-recordio-protobuf', got "
            f"{content_type!r}."
        )
    return content_type.split(";", 1)[0].strip().lower()


def check_rows(rows, source: str = f"data/{TABLE_FILE}") -> list[dict]:
    """Validate the table: schema, unique keys and names, and the rules the chapter relies on."""
    check_schema(rows, SCHEMA_FILE, source, AlgorithmTableError)
    seen: dict[str, str] = {}
    for i, row in enumerate(rows):
        where = f"{source}: row [{i}] '{row['key']}'"
        for value in {row["key"], _normalize(row["name"])}:
            if value in seen and seen[value] != row["key"]:
                raise AlgorithmTableError(
                    f"{where}: '{value}' is already used by '{seen[value]}'; keys and names must "
                    "be unique."
                )
            seen[value] = row["key"]
        if row["key"] in [r["key"] for r in rows[:i]]:
            raise AlgorithmTableError(f"{where}: the key is used twice; give each row its own key.")
        has_label = row["label"] is not None
        if (row["learning"] != "unsupervised") != has_label:
            raise AlgorithmTableError(
                f"{where}: learning is {row['learning']!r} but label is "
                f"{'set' if has_label else 'null'}; supervised algorithms (and those with a "
                "supervised mode) say where the label goes, unsupervised ones have label: null."
            )
        framework = row["image_uris_framework"]
        if framework is None and "image_note" not in row:
            raise AlgorithmTableError(
                f"{where}: image_uris_framework is null, so add an image_note saying how to get "
                "the container image."
            )
        if framework is not None and framework != row["key"]:
            raise AlgorithmTableError(
                f"{where}: the key must equal image_uris_framework ({framework!r}) so both name "
                "the same algorithm."
            )
        types = [base_content_type(t["content_type"]) for t in row["training_inputs"]]
        if len(set(types)) != len(types):
            raise AlgorithmTableError(
                f"{where}: a training content type is listed twice; list it once with all its "
                "input modes."
            )
        hps = row["hyperparameters"]
        both = set(hps["required"]) & set(hps["key"])
        if both:
            raise AlgorithmTableError(
                f"{where}: {sorted(both)} listed as both required and key hyperparameters; keep "
                "each in one list."
            )
    return rows


@lru_cache(maxsize=1)
def _table() -> tuple:
    return tuple(check_rows(load_yaml(TABLE_FILE)))


def load_table() -> list[dict]:
    """Every row of data/sagemaker_algorithms.yaml, validated (fresh copies; read once)."""
    import copy

    return [copy.deepcopy(row) for row in _table()]


def names(rows=None) -> list[str]:
    """The algorithm keys in table order."""
    return [row["key"] for row in (rows if rows is not None else _table())]


def algorithm(name: str, rows=None) -> dict:
    """One row by key ('kmeans') or name ('K-Means'); unknown names get close matches listed."""
    rows = rows if rows is not None else load_table()
    if not isinstance(name, str) or not name.strip():
        raise UnknownAlgorithmError(
            f"Name a built-in algorithm such as 'xgboost' or 'Linear Learner', got {name!r}."
        )
    wanted = _normalize(name)
    for row in rows:
        if wanted in (row["key"], _normalize(row["name"])):
            return row
    choices = {row["key"]: row["key"] for row in rows}
    choices.update({_normalize(row["name"]): row["key"] for row in rows})
    close = []
    contained = [c for c in choices if len(wanted) >= 3 and wanted in c]
    for match in contained + difflib.get_close_matches(wanted, list(choices), n=5, cutoff=0.6):
        if choices[match] not in close:
            close.append(choices[match])
    hint = f" Close matches: {', '.join(close)}." if close else ""
    raise UnknownAlgorithmError(
        f"{name!r} is not a built-in algorithm in data/{TABLE_FILE}.{hint} Known algorithms: "
        f"{', '.join(names(rows))}."
    )


def _accepted(row: dict) -> str:
    return "; ".join(
        f"{t['content_type']} ({', '.join(t['input_modes'])})" for t in row["training_inputs"]
    )


def check_training_content_type(
    name: str, content_type: str, input_mode: str = "File", rows=None
) -> dict:
    """Return the matching training_inputs entry, or raise saying what the algorithm accepts.

    Parameters after ';' (such as label_size=1) are ignored, as SageMaker's algorithms read them
    as options of the same MIME type.
    """
    row = algorithm(name, rows)
    if input_mode not in INPUT_MODES:
        raise UnsupportedInputError(
            f"Input mode {input_mode!r} is not one the table records; use 'File' or 'Pipe' "
            f"(TrainingInputMode is case-sensitive). {row['name']} accepts: {_accepted(row)}."
        )
    wanted = base_content_type(content_type)
    for entry in row["training_inputs"]:
        if entry["content_type"] == wanted:
            if input_mode in entry["input_modes"]:
                return dict(entry)
            same_mode = [
                t["content_type"] for t in row["training_inputs"] if input_mode in t["input_modes"]
            ]
            alternatives = (
                f" In {input_mode} mode it accepts: {', '.join(same_mode)}."
                if same_mode
                else f" It has no {input_mode} mode at all."
            )
            raise UnsupportedInputError(
                f"{row['name']} accepts {wanted} only in {' or '.join(entry['input_modes'])} "
                f"mode, not {input_mode}.{alternatives}"
            )
    raise UnsupportedInputError(
        f"{row['name']} does not accept training content type {wanted!r}. It accepts: "
        f"{_accepted(row)}."
    )
