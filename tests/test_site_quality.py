"""The site-quality extension (mlbook/sphinx_site_quality.py): its transforms on small inputs, and
what they must leave on the built pages (meta description, one Thebe script, no CDN assets,
favicon, FontAwesome subset that still has every icon the pages use)."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pydata_sphinx_theme
import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.builders.html._assets import _JavaScript

from mlbook import sphinx_site_quality as sq

PAGES = [
    "chapters/start-here/intro.html",
    "chapters/exploratory-data-analysis/distributions.html",
    "chapters/appendices/practice-exam.html",
]


# --- meta description -------------------------------------------------------------------------

def test_shorten_cuts_at_a_word_and_marks_the_cut():
    text = "word " * 60
    short = sq.shorten(text, 50)
    assert len(short) <= 50 and short.endswith("…") and not short.endswith(" …")
    assert sq.shorten("  two\n  lines  ") == "two lines"


def test_description_is_the_first_paragraph_of_the_text_not_a_box_before_it():
    doctree = publish_doctree(
        "Title\n=====\n\n.. note:: Not this note.\n\nThe *first* paragraph\nof the page.\n\n"
        "Second paragraph.\n"
    )
    assert sq.page_description(doctree) == "The first paragraph of the page."


def test_no_description_without_text():
    assert sq.page_description(None) is None
    assert sq.page_description(publish_doctree("Title\n=====\n\n.. note:: Only a note.\n")) is None


def test_description_tag_escapes_quotes_and_markup():
    tag = sq.description_tag('A "quoted" <b>word</b> & more')
    assert tag.startswith('<meta name="description" content="')
    assert "&quot;quoted&quot;" in tag and "&lt;b&gt;" in tag and "&amp;" in tag


# --- tables and figures in notebook outputs -----------------------------------------------------

def test_pandas_empty_header_cells_become_data_cells():
    frame = pd.DataFrame({"mean": [1.0], "var": [2.0]}, index=pd.Index(["normal"], name="dist"))
    html = frame.to_html()
    assert "<th></th>" in html  # pandas' corner and index-name gaps: what axe reports
    fixed = sq.fix_empty_header_cells(html)
    assert not re.search(r"<th[^>]*>\s*</th>", fixed)
    assert fixed.count("<td></td>") == html.count("<th></th>")
    assert "<th>mean</th>" in fixed and "<th>normal</th>" in fixed and "<th>dist</th>" in fixed
    assert sq.fix_empty_header_cells(fixed) == fixed


def test_styler_blank_header_cells_keep_their_attributes():
    html = '<tr><th class="blank level0" >&nbsp;</th><th class="col_heading">a</th></tr>'
    assert sq.fix_empty_header_cells(html) == (
        '<tr><td class="blank level0" >&nbsp;</td><th class="col_heading">a</th></tr>')


def test_empty_markdown_table_header_becomes_a_data_cell():
    html = '<tr class="row-odd"><th class="head"><p></p></th><th class="head"><p>a</p></th></tr>'
    assert sq.fix_empty_header_cells(html) == (
        '<tr class="row-odd"><td class="head"><p></p></td><th class="head"><p>a</p></th></tr>')


def test_rubric_headings_do_not_skip_levels():
    doctree = publish_doctree("Title\n=====\n\nText.\n",
                              settings_overrides={"doctitle_xform": False})
    section = next(iter(doctree.findall(nodes.section)))
    section += nodes.rubric("", "Group", level=3)
    box = nodes.container()
    box += nodes.rubric("", "Fine", level=2)
    section += box
    sq.clamp_rubric_levels(doctree)
    assert [r["level"] for r in doctree.findall(nodes.rubric)] == [2, 2]


def test_figure_titles_suptitle_first_and_no_code_in_the_alt_text():
    source = (
        'ax.set_title("Left panel")\nfig.suptitle("Whole figure")\n'
        'ax2.set_title(f"n = {n}")\nax3.set_title(f"Means of {n} waits")\n'
        "df.plot(title='From pandas')\n"
    )
    assert sq.figure_titles(source) == [
        "Whole figure", "Left panel", "Means of waits", "From pandas"]
    assert sq.figure_alt(source) == "Figure: Whole figure; Left panel; Means of waits; From pandas"


def test_figure_alt_falls_back_to_the_section():
    assert sq.figure_alt("plt.plot(x, y)", "Central limit theorem") == (
        "Figure for the section “Central limit theorem”")
    assert sq.figure_alt("plt.plot(x, y)") == "Figure produced by the code cell above"


class _Env:
    def __init__(self, path):
        self.path = path

    def doc2path(self, docname):
        return self.path


class _App:
    def __init__(self, path):
        self.env = _Env(path)


def _notebook_doctree(image_alt=None):
    """A page as myst-nb leaves it: a section with a code cell whose outputs are a table and a
    plot (cell_index points into the notebook)."""
    doctree = nodes.document(None, None)
    section = nodes.section()
    section += nodes.title(text="Shapes of data")
    cell = nodes.container(classes=["cell"], cell_index=1)
    output = nodes.container(classes=["cell_output"])
    output += nodes.raw("", "<table><tr><th></th><th>a</th></tr></table>", format="html")
    image = nodes.image(uri="_build/jupyter_execute/abc.png")
    if image_alt:
        image["alt"] = image_alt
    output += image
    cell += output
    section += cell
    doctree += section
    return doctree


def test_fix_outputs_names_the_plot_from_its_cell_and_fixes_the_table(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell('fig, ax = plt.subplots()\nax.set_title("Skewed incomes")'),
    ])
    path = tmp_path / "page.ipynb"
    nbformat.write(notebook, path)
    doctree = _notebook_doctree()
    sq.fix_outputs(_App(path), doctree, f"page-{id(doctree)}")
    image = next(iter(doctree.findall(nodes.image)))
    assert image["alt"] == "Figure: Skewed incomes"
    raw = next(iter(doctree.findall(nodes.raw)))
    assert raw.astext() == "<table><tr><td></td><th>a</th></tr></table>"


def test_fix_outputs_keeps_an_alt_text_the_author_gave(tmp_path):
    doctree = _notebook_doctree(image_alt="Histogram of incomes")
    sq.fix_outputs(_App(tmp_path / "page.md"), doctree, "page")
    assert next(iter(doctree.findall(nodes.image)))["alt"] == "Histogram of incomes"


# --- scripts -------------------------------------------------------------------------------------

def test_inline_script_added_twice_by_sphinx_is_kept_once():
    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript(None, body=body), _JavaScript("a.js"), _JavaScript("", body=body),
               _JavaScript("a.js")]
    kept = sq.dedupe_scripts(scripts)
    assert [str(s.filename) for s in kept] == ["None", "a.js"]


def test_local_scripts_are_deferred_but_not_what_inline_scripts_need():
    assert sq.deferred(_JavaScript("_static/copybutton.js")).attributes == {"defer": "defer"}
    for script in (_JavaScript("_static/documentation_options.js"), _JavaScript(None, body="x=1"),
                   _JavaScript("_static/thebe.js", **{"async": "async"}),
                   _JavaScript("https://example.org/a.js"),
                   _JavaScript("_static/cfg.js", type="text/x-mathjax-config")):
        assert sq.deferred(script) is script


def test_thebe_counts_as_enabled_only_with_its_button_or_always_load():
    assert not sq.thebe_enabled({"launch_buttons": {"binderhub_url": "x"}}, {"always_load": False})
    assert sq.thebe_enabled({"launch_buttons": {"thebe": True}}, {})
    assert sq.thebe_enabled({}, {"always_load": True})
    assert not sq.thebe_enabled({}, {})


# --- the rendered page ---------------------------------------------------------------------------

PAGE = """<html lang="en" data-content_root="../" data-theme="auto">
<head>
  <!-- So that users can add custom icons -->
  <script defer src="../_static/scripts/fontawesome.js?digest=1"></script>
    <script src="../_static/searchtools.js"></script>
    <script src="../_static/language_data.js"></script>
    <script src="../searchindex.js"></script>
</head><body>
<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">
<img src="../_static/logo.svg" class="logo__image only-light" alt="Home"/>
<button class="btn search-button-field search-button__button" title="Search" aria-label="Search">
 <span>Search</span><kbd>Ctrl</kbd>+<kbd>K</kbd></button>
<button class="btn search-button search-button__button" title="Search" aria-label="Search">
 <i class="fa-solid fa-magnifying-glass"></i></button></div>
<form class="bd-search d-flex"
      action="../search.html" method="get"><input type="search" aria-label="Search"/></form>
<details class="hide above-input"><summary aria-label="Toggle hidden content">
<p>Show code cell source</p></summary></details>
</body></html>"""


def test_page_fixes():
    fixed = sq.fix_page_html(PAGE, logo_size=(120, 120))
    assert "fontawesome.js" not in fixed and "custom icons" not in fixed
    assert "searchtools.js" not in fixed and "searchindex.js" not in fixed
    assert "language_data.js" not in fixed
    assert "data-theme" not in fixed.split(">", 1)[0]
    field = re.search(r"<button[^>]*search-button-field[^>]*>", fixed).group(0)
    assert "aria-label" not in field  # named by its visible text "Search Ctrl+K"
    icon = re.search(r'<button class="btn search-button [^>]*>', fixed).group(0)
    assert 'aria-label="Search"' in icon  # an icon-only button keeps its label
    assert re.search(r'<div id="pst-primary-sidebar"[^>]* role="navigation" aria-label="Book">',
                     fixed)
    assert re.search(r'<form class="bd-search[^>]* role="search">', fixed)
    assert "<summary>" in fixed
    assert '<i class="fa-solid fa-magnifying-glass" aria-hidden="true">' in fixed
    assert 'class="logo__image only-light" alt="Home" width="120" height="120"/>' in fixed
    assert sq.fix_page_html(fixed, logo_size=(120, 120)) == fixed


def test_search_page_keeps_its_search_scripts():
    fixed = sq.fix_page_html(PAGE, search_page=True)
    assert "searchtools.js" in fixed and "searchindex.js" in fixed
    assert "searchtools.js" in sq.fix_page_html(PAGE, search_as_you_type=True)


# --- FontAwesome subset --------------------------------------------------------------------------

THEME_CSS = (
    '.fa-rocket:before{content:"\\f135"}.fa-github:before{content:"\uf09b"}'
    '.fa-xmark:before,.fa-close:before{content:"\\f00d"}'
    'html{--pst-icon-bell:"\uf0f3"}.admonition-title:after{content:var(--pst-icon-bell)}'
    '.onthispage:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}'
    '.quote:before{content:"\u201c"}'
)


def test_icon_codepoints_are_the_used_classes_and_the_theme_css_icons():
    assert sq.used_icon_classes(['<i class="fas fa-rocket"></i>', 'e.classList="fa-solid fa-close"']
                                ) == {"solid", "rocket", "close"}
    points = sq.icon_codepoints([THEME_CSS], {"rocket", "close", "solid"})
    assert points == {0xF135, 0xF00D, 0xF0F3, 0xF107}  # not github's 0xF09B, nor the quote mark


def test_unused_icon_rules_and_full_font_faces_are_stripped():
    css = THEME_CSS + (
        '@font-face{font-family:x;src:url(../vendor/fontawesome/webfonts/fa-solid-900.woff2)}'
        '@font-face{font-family:y;src:url(other.woff2)}@media (min-width:1px){.fa-github:before'
        '{content:"\\f09b"}.keep{color:red}}'
    )
    stripped = sq.strip_unused_icon_rules(css, {"rocket", "close"})
    assert ".fa-rocket:before" in stripped and ".fa-xmark:before,.fa-close:before" in stripped
    assert ".fa-github" not in stripped and "fontawesome/webfonts" not in stripped
    assert "other.woff2" in stripped and ".keep{color:red}" in stripped
    assert ".onthispage:after" in stripped and "--pst-icon-bell" in stripped


# --- the built site ------------------------------------------------------------------------------

def _page(built_site, page):
    path = built_site / page
    if not path.is_file():
        pytest.fail(f"{page} was not built")
    return path.read_text()


@pytest.mark.parametrize("page", PAGES)
def test_built_page_has_its_first_paragraph_as_meta_description(built_site, page):
    html = _page(built_site, page)
    found = re.findall(r'<meta name="description" content="([^"]*)"', html)
    assert len(found) == 1, f"{page}: {len(found)} meta descriptions"
    description = found[0]
    assert 40 <= len(description) <= sq.DESCRIPTION_LIMIT
    article = re.search(r'<article class="bd-article">(.*?)</article>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", article).split())
    start = description.rstrip("…")[:40].replace("&#x27;", "'").replace("&quot;", '"')
    assert start.replace("&amp;", "&") in text.replace("&amp;", "&"), f"{page}: {description!r}"


@pytest.mark.parametrize("page", PAGES)
def test_built_page_scripts_once_offline_and_with_a_favicon(built_site, page):
    html = _page(built_site, page)
    assert html.count("const THEBE_JS_URL") <= 1
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(inline) == len(set(inline)), "an inline script is emitted twice"
    assets = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assets += re.findall(r'<link[^>]*\shref="([^"]+)"', html)
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], "CDN asset"
    assert "fontawesome.js" not in html
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon, "no favicon link"
    assert ((built_site / page).parent / icon.group(1)).resolve().is_file()


@pytest.mark.parametrize("page", PAGES)
def test_built_page_has_one_search_field_in_the_sidebar(built_site, page):
    html = _page(built_site, page)
    header = re.search(r'<header id="pst-header".*?</header>', html, re.S)
    assert header is None or "search-button-field" not in header.group(0), \
        "a second search field in a bar across the top (navbar_persistent)"
    assert html.count('search-button-field') == 1


def test_mathjax_only_on_pages_with_math(built_site):
    for page in sorted(built_site.glob("chapters/**/*.html")):
        html = page.read_text()
        has_math = 'class="math' in html
        assert ("mathjax/tex-chtml.js" in html) == has_math, page.name


def test_built_chapter_outputs_have_alt_text_and_no_empty_headers(built_site):
    html = _page(built_site, PAGES[1])
    plots = re.findall(r'<img alt="([^"]*)" src="[^"]*_images/', html)
    assert plots, "no plot on the chapter"
    assert all(alt.startswith("Figure") and ".png" not in alt for alt in plots), plots
    assert not re.search(r"<th[^>]*>\s*</th>", html)


def test_icon_subset_has_every_icon_the_pages_use(built_site):
    from fontTools.ttLib import TTFont

    static = built_site / "_static"
    fonts = {p.name: p for p in (static / sq.ICONS_DIR).glob("*.woff")}
    assert {"fa-solid-900.woff", "fa-brands-400.woff"} <= set(fonts)
    assert all(p.stat().st_size < 20_000 for p in fonts.values())  # FontAwesome: 150 KB each
    covered = set()
    for path in fonts.values():
        covered |= set(TTFont(str(path)).getBestCmap())
    theme_css = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
                 / "static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    pages = [p.read_text() for p in built_site.rglob("*.html")]
    used = sq.used_icon_classes(pages)
    needed = sq.icon_codepoints([theme_css], used)
    assert len(needed) >= 10
    assert not needed - covered, sorted(hex(p) for p in needed - covered)
    # The built stylesheet keeps the rules of the icons in use and drops the others.
    built_css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "fontawesome/webfonts" not in built_css
    for name in used:
        if f".fa-{name}:before" in theme_css:
            assert f".fa-{name}:before" in built_css, name
    assert len(built_css) < 0.85 * len(theme_css)
    icons_css = (static / sq.ICONS_CSS).read_text()
    assert all(name in icons_css for name in fonts)
