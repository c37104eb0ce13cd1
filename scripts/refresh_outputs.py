"""Re-run notebooks in a fresh kernel, store their outputs, and strip metadata noise.

    python scripts/refresh_outputs.py chapters/modeling/evaluation-metrics.ipynb
    python scripts/refresh_outputs.py --all          # every notebook in _toc.yml
    python scripts/refresh_outputs.py --check FILE   # exit 1 if FILE's metadata is not clean

Outputs are what nbval later compares, so run this after every edit of a notebook and commit
the result. Execution counts are renumbered 1..n, widget state and kernel-specific metadata go,
and only cell tags are kept.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mlbook import toc  # noqa: E402

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

# One BLAS/OpenMP thread per kernel, as in scripts/run-tests: two kernels on two cores then do not
# fight over threads (a several-fold slowdown), and thread-count-dependent results (t-SNE) match.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
for _name, _value in ONE_THREAD.items():
    os.environ.setdefault(_name, _value)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    count = 0
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags")
        cell.metadata = nbformat.from_dict({"tags": tags} if tags else {})
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            merged = []
            for out in cell.outputs:
                if "execution_count" in out:
                    out.execution_count = count
                # One stream output per run of print()s: how the kernel chunks them varies.
                if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                        and merged[-1].name == out.name):
                    merged[-1].text += out.text
                else:
                    merged.append(out)
            cell.outputs = merged
    return nb


def is_clean(nb: nbformat.NotebookNode) -> list[str]:
    """Problems that clean() would fix; empty when the notebook is ready to commit."""
    problems = []
    extra = set(nb.metadata) - {"kernelspec", "language_info"}
    if extra:
        problems.append(f"notebook metadata has {sorted(extra)}")
    expected = 0
    for cell in nb.cells:
        if set(cell.get("metadata", {})) - {"tags"}:
            problems.append(f"cell {cell.get('id')} has metadata {sorted(cell.metadata)}")
        if cell.cell_type == "code":
            expected += 1
            if cell.execution_count != expected:
                problems.append(f"code cell {expected} has execution_count {cell.execution_count}")
                break
    return problems


def execute(nb: nbformat.NotebookNode, path: Path, timeout: int = 120) -> float:
    """Run nb in a fresh kernel started in the notebook's folder; return the seconds it took."""
    started = time.perf_counter()
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - started


def refresh(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    seconds = execute(nb, path)
    nbformat.write(clean(nb), path)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook listed in _toc.yml")
    parser.add_argument("--check", action="store_true", help="only report metadata noise; do not run")
    args = parser.parse_args()
    paths = toc.notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name one or more notebooks, or pass --all")
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(map(str, missing))}")
    status = 0
    for path in paths:
        if args.check:
            problems = is_clean(nbformat.read(path, as_version=4))
            for problem in problems:
                print(f"{path}: {problem}")
            status |= bool(problems)
        else:
            print(f"{path}: ran in {refresh(Path(path)):.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
