"""Keep a local Spark session's JVM output out of the notebook, and its files out of the repo.

The JVM that PySpark starts writes log lines, warnings and progress bars straight to the file
descriptors it inherits from the Python process (1 and 2), not through ``sys.stdout``: Jupyter
shows them in some front ends and not in others, so stored outputs could never match. The
notebook keeps its ``SparkSession.builder`` visible and only wraps the line that launches the
JVM:

    from mlbook import spark as spark_helper
    with spark_helper.jvm_output_to(workdir / "spark-jvm.log"):
        spark = SparkSession.builder.master("local[2]")....getOrCreate()

The JVM keeps writing to that log file for the rest of its life; Python's own output goes back to
where it went before the block.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path


class SparkHelperError(ValueError):
    """A helper was called with something it cannot use."""


def _check_log_path(log_path) -> Path:
    if not isinstance(log_path, (str, os.PathLike)) or not str(log_path).strip():
        raise SparkHelperError(
            f"log_path must be a file path (str or pathlib.Path), got {log_path!r}: pass the "
            "file the JVM should write its log to, for example workdir / 'spark-jvm.log'."
        )
    path = Path(log_path)
    if path.is_dir():
        raise SparkHelperError(
            f"log_path {path.name!r} is a folder: pass a file inside it, for example "
            f"{path.name}/spark-jvm.log."
        )
    if not path.parent.is_dir():
        raise SparkHelperError(
            f"The folder for the JVM log, {path.parent.name!r}, does not exist: create it first "
            "(Path.mkdir(parents=True)) or pass a file in an existing folder."
        )
    return path


@contextmanager
def jvm_output_to(log_path):
    """Inside the block, file descriptors 1 and 2 point at ``log_path`` (appended to).

    A child process started in the block (PySpark's JVM gateway) inherits them and keeps writing
    there after the block ends; the Python process gets its own descriptors back.
    """
    path = _check_log_path(log_path)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for fd in saved:
            os.dup2(log_fd, fd)
        yield path
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        os.close(log_fd)


def spark_files_in(folder) -> list[str]:
    """Names of the files a Spark session leaves behind when it is not configured away.

    ``spark-warehouse`` (default ``spark.sql.warehouse.dir``), ``metastore_db`` and
    ``derby.log`` (an embedded Hive metastore) appear in the working folder; the notebook asserts
    this list is empty for the repository after it stops its session.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SparkHelperError(f"{folder.name!r} is not a folder: pass the folder to check.")
    return sorted(
        name
        for name in ("spark-warehouse", "metastore_db", "derby.log")
        if (folder / name).exists()
    )
