"""The built website in a real browser (Debian's chromium driven by Playwright).

Every page of ``_toc.yml`` and the search page is opened from a local server that serves the site
gzipped, as GitHub Pages does (mlbook.site_server); the checks then hold the site to what a reader
gets: no console error or failed request, images that load and have alt text, pages light enough to
read on a slow connection, a search that finds chapters, launch and download buttons that point at
the right notebook, a quiz that works, readable text in dark mode, no axe-core violation, and a
practice exam that draws and scores the exam's domains.

All the tests of the site are in this one file so that, under ``pytest-xdist --dist loadfile``, the
site is served and the browser started once.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import nbformat
import pytest
import yaml

from mlbook import toc
from mlbook.data import book_root

ROOT = book_root()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
MAX_PAGE_BYTES = 1_500_000  # page and assets as transferred (gzipped), with nothing cached
PAGES = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in toc.page_files()]
CHAPTER = "chapters/exploratory-data-analysis/distributions"  # has plots, maths and a quiz
AXE_PAGES = [
    "chapters/start-here/intro.html",
    "chapters/exploratory-data-analysis/distributions.html",
    "chapters/appendices/practice-exam.html",
]
EXAM_PAGE = "chapters/appendices/practice-exam.html"
WCAG_AA = 4.5  # minimum contrast ratio of body text

# Wait until what a reader sees is complete: images decoded, web fonts in, MathJax typeset (at
# most 15 s: an image that never loads is then reported by the image check).
_SETTLED = """async () => {
  const images = Promise.all([...document.images].map(i => i.complete ? null : new Promise(
    r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  const maths = window.MathJax && MathJax.startup && MathJax.startup.promise;
  const done = Promise.all([images, maths, document.fonts.ready]).catch(() => null);
  await Promise.race([done, new Promise(r => setTimeout(r, 15000))]);
}"""

_PAGE_FACTS = """() => {
  const imgs = [...document.images].map(i => ({
    src: i.getAttribute('src'), width: i.naturalWidth, alt: i.getAttribute('alt')}));
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  // encodedBodySize: the body as served (gzipped), also for assets then taken from the cache;
  // an asset fetched twice (the logo) is downloaded once.
  const sizes = new Map(entries.map(e => [e.name, e.encodedBodySize || 0]));
  return {imgs, bytes: [...sizes]};
}"""


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def open_page(context, url):
    """A new tab at ``url``, loaded and settled; its console errors and failed requests listed."""
    page = context.new_page()
    problems = {"console": [], "requests": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["console"].append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: problems["requests"].append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: problems["requests"].append(f"{r.url}: HTTP {r.status}")
            if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.evaluate(_SETTLED)
    return page, problems


@pytest.fixture(scope="module")
def page_reports(context, site_url):
    """Open every toc page and search.html once; what each showed, for the checks below.

    A shared browser cache keeps this fast; page weights still count every asset, because the
    Resource Timing API reports an asset's served size also when it came from the cache.
    """
    reports = {}
    for path in PAGES + ["search.html"]:
        page, problems = open_page(context, site_url + path)
        reports[path] = {**problems, **page.evaluate(_PAGE_FACTS)}
        page.close()
    return reports


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n  " + "\n  ".join(items) for page, items in failures.items())


def test_every_page_has_no_console_error(page_reports):
    failures = {p: r["console"] for p, r in page_reports.items() if r["console"]}
    assert not failures, f"console errors on {len(failures)} page(s):\n{report(failures)}"


def test_every_page_has_no_failed_request(page_reports):
    failures = {p: r["requests"] for p, r in page_reports.items() if r["requests"]}
    assert not failures, f"failed requests on {len(failures)} page(s):\n{report(failures)}"


def _image_problems(img: dict) -> list[str]:
    problems = []
    if not img["width"]:
        problems.append("did not load")
    alt = (img["alt"] or "").strip()
    if not alt:
        problems.append("has no alt text")
    elif re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt, re.I):
        # myst-nb falls back to the file's path when an output image has no alt text.
        problems.append(f"has a file name for alt text ({alt[-40:]})")
    return [f"<img src={img['src']}> {p}" for p in problems]


def test_every_image_loads_and_has_alt_text(page_reports):
    assert page_reports[f"{CHAPTER}.html"]["imgs"], "the chapter with plots shows no <img>"
    failures = {}
    for path, r in page_reports.items():
        found = [problem for img in r["imgs"] for problem in _image_problems(img)]
        if found:
            failures[path] = found
    count = sum(len(v) for v in failures.values())
    assert not failures, f"{count} image problem(s) on {len(failures)} page(s):\n{report(failures)}"


def test_every_page_weighs_at_most_1_5_mb(page_reports):
    failures = {}
    for path, r in page_reports.items():
        total = sum(size for _, size in r["bytes"])
        if total > MAX_PAGE_BYTES:
            biggest = sorted(r["bytes"], key=lambda e: -e[1])[:3]
            failures[path] = [f"{total / 1e6:.2f} MB transferred; largest: " + ", ".join(
                f"{urllib.parse.urlsplit(u).path.rsplit('/', 1)[-1]} {s / 1e3:.0f} kB"
                for u, s in biggest)]
    assert all(sum(s for _, s in r["bytes"]) > 0 for r in page_reports.values()), "no sizes seen"
    assert not failures, (
        f"{len(failures)} page(s) over {MAX_PAGE_BYTES / 1e6} MB (gzipped):\n{report(failures)}"
    )


@pytest.mark.parametrize("term, chapter", [
    ("SMOTE", "chapters/exploratory-data-analysis/imbalanced-data.html"),
    ("shard", "chapters/data-engineering/kinesis.html"),
])
def test_search_lists_the_chapter_that_covers_a_term(context, site_url, term, chapter):
    page, _ = open_page(context, f"{site_url}search.html?q={term}")
    page.wait_for_function(
        "() => /finished|did not match/.test("
        "(document.querySelector('#search-results p.search-summary') || {}).textContent || '')"
    )
    found = page.eval_on_selector_all(
        "#search-results ul.search li a", "links => links.map(a => a.href)")
    page.close()
    paths = [urllib.parse.urlsplit(u).path.lstrip("/") for u in found]
    assert chapter in paths, f"searching {term!r} did not list {chapter}; it listed {paths}"


def _repository() -> tuple[str, str, str]:
    """owner, name and branch of the repository in _config.yml."""
    repo = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    parts = urllib.parse.urlsplit(repo["url"]).path.strip("/").removesuffix(".git").split("/")
    return parts[0], parts[1], repo.get("branch", "main")


def test_launch_buttons_open_this_chapters_notebook(context, site_url):
    owner, name, branch = _repository()
    notebook = f"{CHAPTER}.ipynb"
    page, _ = open_page(context, f"{site_url}{CHAPTER}.html")
    links = page.eval_on_selector_all(
        ".dropdown-launch-buttons a", "links => links.map(a => [a.textContent.trim(), a.href])")
    page.close()
    by_label = {label: urllib.parse.urlsplit(href) for label, href in links}
    assert {"Binder", "Colab", "Studio Lab"} <= set(by_label), f"launch menu: {list(by_label)}"

    binder = by_label["Binder"]
    assert (binder.netloc, binder.path) == ("mybinder.org", f"/v2/gh/{owner}/{name}/{branch}")
    urlpath = urllib.parse.parse_qs(binder.query).get("urlpath", [""])[0]
    assert urlpath.endswith(f"tree/{notebook}"), f"Binder opens {urlpath!r}, not {notebook}"
    expected = {
        "Colab": ("colab.research.google.com", f"/github/{owner}/{name}/blob/{branch}/{notebook}"),
        "Studio Lab": ("studiolab.sagemaker.aws",
                       f"/import/github/{owner}/{name}/blob/{branch}/{notebook}"),
    }
    for label, (host, path) in expected.items():
        url = by_label[label]
        assert (url.netloc, url.path) == (host, path), f"{label} opens {url.geturl()}"


def test_download_button_fetches_the_notebook(context, site_url):
    page, _ = open_page(context, f"{site_url}{CHAPTER}.html")
    href = page.get_attribute(".dropdown-download-buttons a.btn-download-source-button", "href")
    url = urllib.parse.urljoin(page.url, href)
    response = page.request.get(url)
    page.close()
    assert url.endswith(f"{Path(CHAPTER).name}.ipynb"), f"the download button fetches {url}"
    assert response.status == 200, f"{url}: HTTP {response.status}"
    notebook = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(notebook)
    assert notebook.cells, "the downloaded notebook has no cells"


def _form_state(form):
    return form.evaluate("""f => ({
      result: f.querySelector('.result').textContent,
      resultClass: f.querySelector('.result').className,
      hiddenWhy: [...f.querySelectorAll('.why')].filter(w => !w.checkVisibility()).length,
      correctMarked: [...f.querySelectorAll('label[data-correct="1"]')]
        .every(l => l.classList.contains('right')),
    })""")


def test_quiz_marks_a_wrong_then_a_right_answer(context, site_url):
    page, _ = open_page(context, f"{site_url}{CHAPTER}.html")
    form = page.locator(".mlbook-quiz form").first
    labels = form.locator("label")
    correct = [labels.nth(i).get_attribute("data-correct") == "1" for i in range(labels.count())]
    assert any(correct) and not all(correct), f"first question's options: {correct}"

    form.locator("label[data-correct='0'] input").first.check()
    form.locator("button").click()
    state = _form_state(form)
    assert "wrong" in state["resultClass"] and state["result"].startswith("Not quite"), state
    assert state["hiddenWhy"] == 0, "an option's explanation is not shown after checking"
    assert state["correctMarked"], "the correct option is not marked after a wrong answer"

    for i, right in enumerate(correct):
        labels.nth(i).locator("input").set_checked(right)
    form.locator("button").click()
    state = _form_state(form)
    page.close()
    assert "right" in state["resultClass"] and state["result"] == "Correct.", state


_CONTRAST = """sel => {
  const parse = c => {
    const m = c.match(/^rgba?\\(([^)]+)\\)$/);
    if (!m) throw new Error('cannot parse colour ' + c);
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]))
    .concat([1]);
  const lum = c => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const el = document.querySelector(sel);
  if (!el) return null;
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];  // the canvas, if nothing is opaque
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(parse(getComputedStyle(el).color), bg);
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return {ratio: (hi + 0.05) / (lo + 0.05), background: lum(bg),
          fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round)};
}"""

TEXT_SAMPLES = {
    "body text": "article.bd-article section > p",
    "quiz question": ".mlbook-quiz legend",
    "quiz option": ".mlbook-quiz label",
    "quiz details": ".mlbook-quiz .meta",
}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_text_is_readable_in_light_and_dark_mode(context, site_url, mode):
    page, _ = open_page(context, f"{site_url}{CHAPTER}.html")
    page.evaluate(f"""() => {{
      localStorage.setItem('theme', '{mode}'); localStorage.setItem('mode', '{mode}');
      document.documentElement.dataset.theme = '{mode}';
      document.documentElement.dataset.mode = '{mode}';
    }}""")
    results = {name: page.evaluate(_CONTRAST, sel) for name, sel in TEXT_SAMPLES.items()}
    page_background = page.evaluate(_CONTRAST, "article.bd-article")["background"]
    page.close()
    missing = [name for name, r in results.items() if r is None]
    assert not missing, f"no element for {missing} on {CHAPTER}.html"
    # The switch took effect: a dark page has a dark background (relative luminance < 0.2).
    assert (page_background < 0.2) == (mode == "dark"), f"{mode} mode background: {page_background}"
    low = {name: r for name, r in results.items() if r["ratio"] < WCAG_AA}
    assert not low, f"{mode} mode: contrast below {WCAG_AA}: " + "; ".join(
        f"{name} {r['ratio']:.2f} ({r['fg']} on {r['bg']})" for name, r in low.items())


@pytest.mark.parametrize("path", [p for p in AXE_PAGES if p in PAGES] or AXE_PAGES[:1])
def test_no_accessibility_violations(context, site_url, path):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install axe-core with `npm ci --omit=dev` in {ROOT}")
    page, _ = open_page(context, site_url + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document)).violations.map(v => ({
      id: v.id, impact: v.impact, help: v.helpUrl.split('?')[0],
      targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length}))""")
    page.close()
    assert not violations, f"{path}: {len(violations)} axe violation(s):\n" + "\n".join(
        f"  {v['id']} ({v['impact']}, {v['count']} element(s)): {', '.join(v['targets'])} "
        f"- {v['help']}" for v in violations)


def test_practice_exam_draws_and_scores_every_domain(context, site_url):
    if EXAM_PAGE not in PAGES:
        pytest.skip(f"{EXAM_PAGE} is not in _toc.yml yet")
    exam = pytest.importorskip("mlbook.exam", reason="mlbook.exam (the practice exam) not there")
    expected = exam.allocate("MLS-C01")
    page, _ = open_page(context, site_url + EXAM_PAGE)
    root = page.locator("div.mlbook-exam")
    root.locator("select[name=exam]").select_option("MLS-C01")
    root.locator("button.mlbook-exam-start").click()
    questions = root.locator("fieldset.mlbook-exam-question")
    drawn = questions.evaluate_all("qs => qs.map(q => q.dataset.domain)")
    assert len(drawn) == sum(expected.values()) == 65, f"{len(drawn)} questions drawn"
    assert {d: drawn.count(d) for d in expected} == expected, "questions per domain"
    assert all(d in expected for d in drawn), f"unknown domains: {set(drawn) - set(expected)}"

    questions.evaluate_all("qs => qs.forEach(q => q.querySelector('input').click())")
    root.locator("button.mlbook-exam-finish").click()
    rows = root.locator("tr.mlbook-exam-score").evaluate_all(
        "rows => rows.map(r => [r.dataset.domain, r.querySelectorAll('td')[1].textContent])")
    # Right answers, from the options the page marks correct once the exam is finished.
    right = questions.evaluate_all("""qs => qs.map(q => {
      const inputs = [...q.querySelectorAll('input')];
      const correct = inputs.filter(i => i.dataset.correct === '1');
      return [q.dataset.domain, correct.length === 1 && correct[0] === inputs[0]];
    })""")
    scores = {d: f"{sum(ok for dd, ok in right if dd == d)} / {n}" for d, n in expected.items()}
    assert dict(rows) == scores, "score rows per domain (domain: right / questions)"

    links = sorted(set(root.locator("a.mlbook-exam-chapter").evaluate_all(
        "links => links.map(a => a.href)")))
    assert links, "no chapter links after finishing"
    broken = [u for u in links if page.request.get(u).status != 200]
    page.close()
    assert not broken, f"chapter links that do not resolve: {broken}"
