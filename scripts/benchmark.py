"""Time what the book's budgets are about and print a table (measurement, not a test).

    python scripts/benchmark.py               # everything, including a fresh install (~1-2 min)
    python scripts/benchmark.py --skip-install
    python scripts/benchmark.py --only-site-quality [--runs 1]   # just the Lighthouse/axe table

Site quality (recorded, not asserted): Lighthouse 12 (npm ci installs it; node_modules/.bin) and
axe-core on the intro, a chapter with plots and the practice exam, served with gzip by
mlbook.site_server, next to the same pages built by a stock Jupyter Book (our page sources with a
default _config.yml); desktop and mobile presets, the median of --runs runs each.

Budgets (from the foundation issue): each notebook < 10 s; nbval over all notebooks < 90 s on
2 workers; site build from stored outputs < 45 s; fresh install < 2 min and < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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


# --- site quality: Lighthouse and axe-core, our site next to a stock Jupyter Book ---------------

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SITE_PAGES = {  # page type -> source (without suffix), relative to the book
    "intro": "chapters/start-here/intro",
    "chapter with plots": "chapters/exploratory-data-analysis/distributions",
    "practice exam": "chapters/appendices/practice-exam",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def _chromium() -> str:
    found = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not found:
        raise SystemExit("site quality: no chromium (apt-get install chromium, or set CHROME_PATH)")
    return found


def _page_sources() -> dict[str, Path]:
    """The page types whose source exists (the practice exam may not be written yet)."""
    found = {}
    for name, stem in SITE_PAGES.items():
        for suffix in (".ipynb", ".md"):
            if (ROOT / f"{stem}{suffix}").is_file():
                found[name] = ROOT / f"{stem}{suffix}"
                break
    return found


def build_site(out: Path, book: Path = ROOT, strict: bool = True) -> Path:
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    cmd = [jb, "build", str(book), "--path-output", str(out)]
    cmd += ["-W", "-n", "--keep-going"] if strict else []
    subprocess.run(cmd, check=strict, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    html = out / "_build" / "html"
    if not (html / "index.html").is_file():
        raise SystemExit(f"site quality: the build in {out} made no index.html")
    return html


def make_stock_book(tmp: Path, sources: dict[str, Path]) -> Path:
    """The same pages as a stock Jupyter Book: default config (stored outputs shown, as ours)."""
    book = tmp / "stock-book"
    pages = [p.relative_to(ROOT) for p in sources.values()]
    for page in pages:
        (book / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / page, book / page)
    (book / "_config.yml").write_text(
        'title: "Stock Jupyter Book"\nauthor: stock\nexecute:\n  execute_notebooks: "off"\n')
    toc = ["format: jb-book", f"root: {pages[0].with_suffix('')}", "chapters:"]
    toc += [f"  - file: {page.with_suffix('')}" for page in pages[1:]]
    (book / "_toc.yml").write_text("\n".join(toc) + "\n")
    return book


def lighthouse(url: str, preset: str, chromium: str) -> dict:
    cmd = [str(LIGHTHOUSE), url, f"--chrome-path={chromium}", "--output=json", "--quiet",
           f"--only-categories={','.join(CATEGORIES)}",
           f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    scores["KiB"] = report["audits"]["total-byte-weight"]["numericValue"] / 1024
    return scores


def lighthouse_median(url: str, preset: str, chromium: str, runs: int) -> dict:
    results = [lighthouse(url, preset, chromium) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def axe_violations(urls: list[str], chromium: str) -> dict[str, str]:
    """axe-core's violations per page (desktop viewport, light mode): 'rules/nodes'."""
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text()
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for url in urls:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            page.add_script_tag(content=axe)
            violations = page.evaluate("async () => (await axe.run(document)).violations")
            nodes = sum(len(v["nodes"]) for v in violations)
            found[url] = f"{len(violations)}/{nodes}" + (
                " " + ",".join(v["id"] for v in violations) if violations else "")
            page.close()
        browser.close()
    return found


def site_quality(ours: Path, tmp: Path, runs: int) -> list[tuple]:
    """Rows (site, page, preset, scores..., KiB, axe) for our site and a stock build of it."""
    from mlbook.site_server import serve

    if not LIGHTHOUSE.is_file() or not AXE.is_file():
        raise SystemExit("site quality: run `npm ci` first (Lighthouse, axe-core in node_modules)")
    chromium = _chromium()
    sources = _page_sources()
    stock = build_site(tmp / "stock-site", make_stock_book(tmp, sources), strict=False)
    rows = []
    for site, html in (("ours", ours), ("stock", stock)):
        with serve(html) as base:
            urls = {name: base + str(src.relative_to(ROOT).with_suffix(".html"))
                    for name, src in sources.items()}
            axe = axe_violations(list(urls.values()), chromium)
            for name, url in urls.items():
                for preset in ("desktop", "mobile"):
                    scores = lighthouse_median(url, preset, chromium, runs)
                    rows.append((site, name, preset, *(scores[c] for c in CATEGORIES),
                                 scores["KiB"], axe[url]))
    return rows


def print_site_quality(rows: list[tuple], runs: int) -> None:
    head = ("site", "page", "preset", "perf", "a11y", "best pr.", "SEO", "KiB", "axe rules/nodes")
    widths = [max(len(str(r[i])) if not isinstance(r[i], float) else 6 for r in rows + [head])
              for i in range(len(head))]
    print(f"\nSite quality: Lighthouse (median of {runs}), served with gzip; axe-core violations")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for row in rows:
        cells = [f"{v:.0f}" if isinstance(v, float) else str(v) for v in row]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    print("(stock: the same page sources with a default _config.yml; its MathJax comes from a "
          "CDN, which an offline machine cannot reach)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-install", action="store_true", help="do not time a fresh install")
    parser.add_argument("--skip-site-quality", action="store_true", help="no Lighthouse/axe table")
    parser.add_argument("--only-site-quality", action="store_true",
                        help="only the Lighthouse/axe table (builds the site, untimed)")
    parser.add_argument("--site", type=Path, help="with --only-site-quality: an already built "
                        "_build/html folder to measure instead of building one")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset")
    args = parser.parse_args()
    if args.only_site_quality:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            ours = args.site or build_site(tmp / "site")
            print_site_quality(site_quality(ours, tmp, args.runs), args.runs)
        return 0
    rows = []
    quality = []
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
        if not args.skip_site_quality:
            quality = site_quality(tmp / "site" / "_build" / "html", tmp, args.runs)

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'seconds':>8}  {'budget':>7}  {'within':>6}  note")
    for what, seconds, budget, note in rows:
        print(f"{what:<{width}}  {seconds:8.1f}  {budget:7d}  {'yes' if seconds < budget else 'NO':>6}  {note}")
    if quality:
        print_site_quality(quality, args.runs)
    print(f"\n{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
