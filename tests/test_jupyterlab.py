"""A chapter runs in a real JupyterLab, as a reader runs it: Run > Run All Cells, then the quiz.

The venv's ``jupyter lab`` is started on 127.0.0.1 (free port, random token) over a temporary copy
of one fast chapter, so the repository's notebook is never written; Debian's chromium, driven by
Playwright, opens it, runs every cell from the menu, waits for the kernel, and checks that no cell
shows an error and that the quiz (trusted, since this session produced it) answers a click.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat
import pytest

from mlbook.data import book_root

ROOT = book_root()
CHAPTER = ROOT / "chapters" / "exploratory-data-analysis" / "distributions.ipynb"
START_TIMEOUT = 60  # seconds for JupyterLab to answer (usually 5-10 s)
RUN_TIMEOUT = 90_000  # milliseconds for Run All Cells (the chapter takes about 4 s in nbval)
# JupyterLab shows a traceback and text written to stderr (warnings, logging) alike as an output
# of this MIME type; the chapter stores no such output, so any here is a regression.
STDERR_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

# User settings for this session only: every cell in the DOM (no windowing), and no network calls
# or pop-ups for news and updates.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False, "fetchNews": "false"},
}

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
# The input prompts ('[3]:', '[*]:', '[ ]:') of the open notebook's code cells, whether a kernel
# (not "No Kernel") is idle, and whether an output shows an error.
STATE = """s => {
  const prompts = [...document.querySelectorAll(s.panel + ' .jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.textContent.trim());
  const status = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .map(e => e.textContent.trim());
  const idle = !!document.querySelector(s.idle) &&
    status.some(t => / \\| Idle$/.test(t) && !t.startsWith('No Kernel'));
  return {prompts, idle, error: !!document.querySelector(s.panel + ' ' + s.stderr)};
}"""
# Open: every code cell rendered and the kernel started.
READY = "s => { const r = (%s)(s); return r.idle && r.prompts.length === s.n; }" % STATE
CLEARED = "s => (%s)(s).prompts.every(p => p === '[ ]:')" % STATE
# Done when the kernel is idle and every code cell shows an execution count, or an error stopped
# the run (Run All Cells then skips the cells after the failing one).
FINISHED = """s => {
  const r = (%s)(s), stopped = r.error && !r.prompts.includes('[*]:');
  const allRun = r.prompts.every(p => /^\\[\\d+\\]:$/.test(p));
  return r.idle && r.prompts.length === s.n && (allRun || stopped);
}""" % STATE


def menu(page, name: str, item: str) -> None:
    """Choose ``item`` in JupyterLab's menu ``name``, as a reader does."""
    page.get_by_role("menuitem", name=name, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token, notebook name) of a JupyterLab serving a copy of the chapter."""
    home = tmp_path_factory.mktemp("jupyterlab")
    work, settings = home / "notebooks", home / "settings"
    work.mkdir()
    shutil.copy2(CHAPTER, work / CHAPTER.name)
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "MLBOOK_ROOT": str(ROOT),  # the helpers find data/ even if mlbook is not installed editable
        # The reader's own Jupyter and IPython configuration, kernels and trust database stay out.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    log = (home / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--allow-root",  # CI containers often run as root
         # Offline: no update check, no extension manager asking PyPI.
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"

    def log_tail() -> str:
        log.flush()
        return (home / "jupyterlab.log").read_text(errors="replace")[-3000:]

    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with {server.returncode}:\n{log_tail()}")
            try:
                if _get(f"{base}api/status?token={token}") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer in {START_TIMEOUT} s:\n{log_tail()}")
            time.sleep(0.25)
        yield base, token, CHAPTER.name
    finally:
        # Shut down through the API (stops the kernels too), then make sure the server is gone.
        try:
            request = urllib.request.Request(f"{base}api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5).close()
            server.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if server.poll() is not None:
                    break
                os.killpg(server.pid, sig)  # the server and the kernels it started
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        log.close()


def test_chapter_runs_in_jupyterlab_and_its_quiz_works(browser, lab):
    base, token, name = lab
    before = hashlib.sha256(CHAPTER.read_bytes()).hexdigest()
    stored = nbformat.read(CHAPTER, as_version=4)
    code_cells = sum(cell.cell_type == "code" for cell in stored.cells)
    assert not [o for cell in stored.cells if cell.cell_type == "code" for o in cell.outputs
                if o.output_type == "error" or o.get("name") == "stderr"], (
        f"{CHAPTER.name} stores an error or stderr output; pick a chapter without one")

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{base}lab/tree/{name}?token={token}")
        notebook = page.locator(f"{PANEL} .jp-Notebook")
        where = {"n": code_cells, "panel": PANEL, "idle": IDLE, "stderr": STDERR_OUTPUT}
        page.wait_for_function(READY, arg=where)
        # Clear the stored outputs and counts first, so what follows is this run's.
        menu(page, "Edit", "Clear Outputs of All Cells")
        page.wait_for_function(CLEARED, arg=where)
        menu(page, "Run", "Run All Cells")
        page.wait_for_function(FINISHED, arg=where, timeout=RUN_TIMEOUT)
        prompts = page.evaluate(STATE, where)["prompts"]
        errors = notebook.locator(STDERR_OUTPUT).all_inner_texts()
        assert not errors, "cells showed errors or stderr output:\n" + "\n---\n".join(
            e[-1500:] for e in errors)
        not_run = [i for i, p in enumerate(prompts, 1) if not re.fullmatch(r"\[\d+\]:", p)]
        assert not not_run, f"code cells not run (1-based): {not_run}; prompts: {prompts}"

        form = notebook.locator(".mlbook-quiz form").first
        labels = form.locator("label")
        correct = [labels.nth(i).get_attribute("data-correct") == "1"
                   for i in range(labels.count())]
        assert any(correct), "the quiz's first question has no correct option"
        for i, right in enumerate(correct):
            labels.nth(i).locator("input").set_checked(right)
        form.locator("button").click()
        result = form.locator(".result")
        assert result.inner_text() == "Correct.", (
            f"the quiz did not answer the click: {result.inner_text()!r} (did its script run?)")
    finally:
        page.close()
    assert hashlib.sha256(CHAPTER.read_bytes()).hexdigest() == before, "the chapter was modified"
