"""Find and load the book's data files (``data/`` at the top of the repository)."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import fastjsonschema  # compiles schemas to Python; importing jsonschema costs ~2 s per notebook
import yaml

_ROOT_MARKER = "_toc.yml"


class BookLayoutError(RuntimeError):
    """The repository layout is not what the helpers expect."""


def book_root() -> Path:
    """The repository root: ``$MLBOOK_ROOT`` if set, else the folder above this package."""
    env = os.environ.get("MLBOOK_ROOT")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent)
    for root in candidates:
        if (root / _ROOT_MARKER).is_file():
            return root
    raise BookLayoutError(
        f"Cannot find the book's root (a folder holding {_ROOT_MARKER}); looked in "
        + ", ".join(str(c) for c in candidates)
        + ". Install the helpers from a clone of the book (pip install -e .) "
        "or set MLBOOK_ROOT to the clone's folder."
    )


def data_dir() -> Path:
    return book_root() / "data"


def data_path(name: str) -> Path:
    """Path of ``data/<name>``; raises FileNotFoundError listing what exists if it is missing."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"A data file name must be a non-empty string, got {name!r}.")
    path = data_dir() / name
    if not path.is_file():
        folder = path.parent if path.parent.is_dir() else data_dir()
        available = sorted(
            str(p.relative_to(data_dir())) for p in folder.iterdir() if p.is_file()
        )
        raise FileNotFoundError(
            f"No data file 'data/{name}'. Files in data/{folder.relative_to(data_dir()).as_posix() + '/' if folder != data_dir() else ''}: "
            f"{', '.join(available) or '(none)'}. Check the spelling, or add the file with its source "
            "and licence in data/README.md."
        )
    return path


def load_yaml(name: str):
    """Parse ``data/<name>`` as YAML; a syntax error names the file and line."""
    path = data_path(name)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ValueError(f"data/{name} is not valid YAML: {err}") from err


class DataFileError(ValueError):
    """A data file does not match its schema."""


@lru_cache(maxsize=None)
def _validator(schema_name: str):
    schema = json.loads((data_dir() / "schemas" / schema_name).read_text(encoding="utf-8"))
    return fastjsonschema.compile(schema)


def check_schema(document, schema_name: str, source: str, error: type[ValueError] = DataFileError) -> None:
    """Raise ``error`` naming ``source`` and the failing field if ``document`` breaks the schema."""
    try:
        _validator(schema_name)(document)
    except fastjsonschema.JsonSchemaValueException as err:
        # fastjsonschema says "data.questions[0].options must ...": name the field, drop "data".
        where = err.name.removeprefix("data").lstrip(".") or "(top level)"
        message = err.message.removeprefix(err.name).strip()
        raise error(f"{source}: at {where}: {message}") from None
