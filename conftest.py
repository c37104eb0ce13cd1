"""Collect only the notebooks the book lists in _toc.yml (drafts and checkpoints are skipped)."""

from pathlib import Path

from mlbook import toc

_BOOK_NOTEBOOKS = {p.resolve() for p in toc.notebooks()}


def pytest_ignore_collect(collection_path: Path, config):
    if collection_path.suffix == ".ipynb":
        return collection_path.resolve() not in _BOOK_NOTEBOOKS
    if collection_path.name in {"_build", ".ipynb_checkpoints", ".venv"}:
        return True
    return None
