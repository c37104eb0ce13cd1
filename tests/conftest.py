import pytest

from mlbook import aws


@pytest.fixture
def clean_aws(monkeypatch):
    """Each AWS test starts with no stand-in running and restores the environment afterwards."""
    if aws._current is not None:
        aws._current.stop()
    monkeypatch.delenv(aws.REAL_AWS_VARIABLE, raising=False)
    yield
    if aws._current is not None:
        aws._current.stop()
