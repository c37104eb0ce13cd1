"""mlbook.spark sends a child process's output to a log file and restores the kernel's own."""

import os
import subprocess
import sys

import pytest

from mlbook import spark


def test_a_child_started_in_the_block_writes_to_the_log(tmp_path, capfd):
    log = tmp_path / "jvm.log"
    with spark.jvm_output_to(log) as path:
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; print('out line'); print('err line', file=sys.stderr)",
            ]
        )
    child.wait()
    os.write(1, b"after the block\n")
    assert path == log
    text = log.read_text()
    assert "out line" in text and "err line" in text
    captured = capfd.readouterr()
    assert "out line" not in captured.out and "err line" not in captured.err
    assert "after the block" in captured.out


def test_descriptors_are_restored_after_an_error(tmp_path, capfd):
    with pytest.raises(RuntimeError):
        with spark.jvm_output_to(tmp_path / "jvm.log"):
            raise RuntimeError("launch failed")
    os.write(2, b"visible again\n")
    assert "visible again" in capfd.readouterr().err


def test_the_log_is_appended_to(tmp_path):
    log = tmp_path / "jvm.log"
    log.write_text("earlier\n")
    with spark.jvm_output_to(log):
        os.write(1, b"later\n")
    assert log.read_text() == "earlier\nlater\n"


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(spark.SparkHelperError, match="does not exist: create it first"):
        with spark.jvm_output_to(tmp_path / "nowhere" / "jvm.log"):
            pass


def test_a_folder_is_not_a_log_file(tmp_path):
    with pytest.raises(spark.SparkHelperError, match="is a folder"):
        with spark.jvm_output_to(tmp_path):
            pass


@pytest.mark.parametrize("bad", [None, "", 3])
def test_log_path_must_be_a_path(bad):
    with pytest.raises(spark.SparkHelperError, match="log_path must be a file path"):
        with spark.jvm_output_to(bad):
            pass


def test_spark_files_in_lists_only_spark_leftovers(tmp_path):
    assert spark.spark_files_in(tmp_path) == []
    (tmp_path / "derby.log").write_text("")
    (tmp_path / "spark-warehouse").mkdir()
    (tmp_path / "other.txt").write_text("")
    assert spark.spark_files_in(tmp_path) == ["derby.log", "spark-warehouse"]
    with pytest.raises(spark.SparkHelperError, match="is not a folder"):
        spark.spark_files_in(tmp_path / "other.txt")
