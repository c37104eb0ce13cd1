# Sourced by build-site and run-tests: make .venv (or $MLBOOK_VENV) with the pinned requirements
# ($MLBOOK_REQUIREMENTS, default requirements.txt; run-tests uses requirements-test.txt).
# Re-installs only when a requirements file or pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${MLBOOK_VENV:-.venv}"
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "warning: the book is pinned and tested on Python 3.11; $("$PYTHON" --version) may not install or match the stored outputs" >&2
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating $VENV ..."
  "$PYTHON" -m venv "$VENV"
fi
REQUIREMENTS="${MLBOOK_REQUIREMENTS:-requirements.txt}"
stamp="$VENV/.mlbook-requirements"
wanted="$(cat "$REQUIREMENTS" requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "Installing the pinned requirements into $VENV ..."
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$wanted" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
# One BLAS/OpenMP thread per kernel (see scripts/refresh_outputs.py): two nbval workers on two
# cores would otherwise oversubscribe them several times over.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
