"""Time what the book's budgets are about and print a table (measurement, not a test).

    python scripts/benchmark.py               # everything, including a fresh install (~1-2 min)
    python scripts/benchmark.py --skip-install

Budgets (from the foundation issue): each notebook < 10 s; nbval over all notebooks < 90 s on
2 workers; site build from stored outputs < 45 s; fresh install < 2 min and < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from mlbook import toc  # noqa: E402
from refresh_outputs import execute  # noqa: E402  (also sets one BLAS thread per kernel)

BUDGETS = {"notebook": 10, "nbval": 90, "site": 45, "install": 120}


def _timed(cmd, **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def _size_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sm", str(path)], capture_output=True, text=True, check=True).stdout
    return float(out.split()[0])


def fresh_install(tmp: Path) -> tuple[float, float, float]:
    """Seconds, size of the new venv, and how much of it is bytecode pip compiled at install."""
    venv = tmp / "venv"
    seconds = _timed([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    seconds += _timed(pip + ["-r", "requirements.txt"], cwd=ROOT)
    bytecode = sum(f.stat().st_size for f in venv.rglob("*.pyc")) / 2**20
    return seconds, _size_mb(venv), bytecode


def notebook_seconds(path: Path) -> float:
    return execute(nbformat.read(path, as_version=4), path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-install", action="store_true", help="do not time a fresh install")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_install:
            seconds, size, bytecode = fresh_install(tmp)
            rows.append(("fresh install (venv + requirements.txt)", seconds, BUDGETS["install"],
                         f"{size:.0f} MB on disk, of which {bytecode:.0f} MB .pyc bytecode (budget 1,000 MB)"))
        for nb in toc.notebooks():
            rows.append((f"notebook {nb.relative_to(ROOT)}", notebook_seconds(nb), BUDGETS["notebook"], ""))
        nbval = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile",
                 "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "chapters"]
        rows.append(("nbval, all notebooks, 2 workers", _timed(nbval, cwd=ROOT), BUDGETS["nbval"], ""))
        jb = str(Path(sys.executable).with_name("jupyter-book"))
        site = [jb, "build", str(ROOT), "--path-output", str(tmp / "site"), "-W", "-n", "--keep-going"]
        rows.append(("site build (stored outputs, -W -n)", _timed(site), BUDGETS["site"], ""))

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  {'budget':>7}  {'within':>6}  note")
    for what, seconds, budget, note in rows:
        print(f"{what:<{width}}  {seconds:8.1f}  {budget:7d}  {'yes' if seconds < budget else 'NO':>6}  {note}")
    print(f"\n{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
