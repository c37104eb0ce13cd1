import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlbook import aws
from mlbook.data import book_root

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, driven by Playwright (Playwright's own browser download is not used).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]


@pytest.fixture
def clean_aws(monkeypatch):
    """Each AWS test starts with no stand-in running and restores the environment afterwards."""
    if aws._current is not None:
        aws._current.stop()
    monkeypatch.delenv(aws.REAL_AWS_VARIABLE, raising=False)
    yield
    if aws._current is not None:
        aws._current.stop()


def _build_site(out: Path) -> dict:
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", str(book_root()), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    return {"returncode": result.returncode, "stdout": result.stdout[-4000:],
            "stderr": result.stderr[-4000:]}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The website built from the stored outputs (-W -n: warnings are errors): its html folder.

    Built once per test run: under pytest-xdist the workers share one build through a lock in the
    run's common temporary folder, so the browser tests and the build checks never build twice.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out, record = shared / "built-site", shared / "built-site.json"
    with open(shared / "built-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.is_file():
            record.write_text(json.dumps(_build_site(out)))
        result = json.loads(record.read_text())
    assert result["returncode"] == 0, (
        f"site build failed:\n{result['stdout']}\n{result['stderr']}"
    )
    html = out / "_build" / "html"
    # Jupyter Book 2.x exits 0 having built nothing: the pages themselves are the proof.
    assert (html / "index.html").is_file(), "no index.html was built"
    return html


@pytest.fixture(scope="session")
def site_url(built_site):
    """Base URL ('http://127.0.0.1:<port>/') of the built site, served gzipped like GitHub Pages."""
    from mlbook.site_server import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module.

    Without /usr/bin/chromium (or Playwright) the browser tests are skipped on a workstation and
    fail in CI (the CI variable is set), where .ci/run installs them.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    reason = None
    if not CHROMIUM.is_file():
        reason = (f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
                  "(sudo apt-get install chromium)")
    elif sync_playwright is None:
        reason = "Playwright is missing: pip install -r requirements-test.txt"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
