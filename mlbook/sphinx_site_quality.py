"""Sphinx extension: fixes for what Lighthouse and axe-core find on a stock Jupyter Book site.

Each fix is a small pure function (tested in tests/test_site_quality.py) wired to one Sphinx event:

* ``doctree-resolved``: pandas' empty header cells (``<th></th>``, axe ``empty-table-header``) in
  HTML outputs become ``<td></td>`` (so do those of Markdown tables, on the rendered page);
  headings in Markdown outputs no longer skip levels; a plot output without alt text gets one from
  the figure titles in its cell's code. The stored notebook outputs are not touched, only what the
  page shows.
* ``html-page-context``: a ``<meta name="description">`` from the page's first paragraph (SEO);
  inline scripts that Sphinx 7.4 emits twice are emitted once (sphinx-thebe's ``const THEBE_JS_URL``
  twice is a console SyntaxError), and sphinx-thebe's files are left off when no Thebe button can
  use them; the page's own scripts load with ``defer`` instead of blocking the first paint;
  MathJax is left off pages that have no math.
* page rendering (the theme's templates): the FontAwesome JavaScript kit (1.5 MB, 540 KB gzipped,
  on every page) is dropped: the icons show through the theme's own CSS and FontAwesome's web fonts,
  subset after the build to the few icons the site uses; the search buttons' accessible names
  contain their visible text (axe ``label-content-name-mismatch``); the primary sidebar, which holds
  the logo and the search button, is a navigation landmark and the search form a search landmark
  (axe ``region``); the search index and tools load only on the search page (the theme loads them
  everywhere for search-as-you-type, which the book does not use); the logo has its size.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from docutils import nodes

DESCRIPTION_LIMIT = 160  # characters: what search engines show
PRIVATE_USE = (0xE000, 0xF8FF)  # where FontAwesome puts its icons
FA_FONTS = {  # face in the theme's CSS -> FontAwesome font file (without suffix)
    ("Font Awesome 6 Free", 900): "fa-solid-900",
    ("Font Awesome 6 Free", 400): "fa-regular-400",
    ("Font Awesome 6 Brands", 400): "fa-brands-400",
}
FA_WEBFONTS = "_static/vendor/fontawesome/webfonts"  # where pydata-sphinx-theme ships them
ICONS_DIR = "mlbook-icons"  # under _static/ of the built site: the subset fonts and their CSS
ICONS_CSS = f"{ICONS_DIR}/icons.css"
# Scripts that must run before the inline scripts that follow them (which cannot be deferred).
BLOCKING_SCRIPTS = {"_static/documentation_options.js"}


# --- meta description -------------------------------------------------------------------------

def _in_body_flow(node: nodes.Node) -> bool:
    """True for a paragraph of the page's own text: under sections only, not in a cell or box."""
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.document):
        if not isinstance(parent, nodes.section):
            return False
        parent = parent.parent
    return True


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Collapse whitespace; cut at a word boundary to at most ``limit`` characters, with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-–—(")
    return cut + "…"


def page_description(doctree: nodes.Node | None, limit: int = DESCRIPTION_LIMIT) -> str | None:
    """The first paragraph of the page's text (after the title), shortened for a meta tag."""
    if doctree is None:
        return None
    for para in doctree.findall(nodes.paragraph):
        if _in_body_flow(para):
            text = shorten(para.astext(), limit)
            if text:
                return text
    return None


def description_tag(description: str) -> str:
    return f'<meta name="description" content="{html_lib.escape(description, quote=True)}" />\n'


# --- tables and images in notebook outputs ------------------------------------------------------

_EMPTY_TH = re.compile(
    r"<th(\s[^>]*)?>((?:\s|&nbsp;|&#160;|<p>\s*</p>)*)</th>", re.IGNORECASE)


def fix_empty_header_cells(html: str) -> str:
    """Turn empty ``<th>`` cells (pandas' corner and index-name gaps) into ``<td>`` cells.

    A header cell with no text names nothing, so screen readers announce an empty header (axe
    ``empty-table-header``); an empty data cell is what it really is.
    """
    return _EMPTY_TH.sub(lambda m: f"<td{m.group(1) or ''}>{m.group(2)}</td>", html)


_TITLE_CALL = re.compile(
    r"""(suptitle|set_title|plt\.title|\btitle\s*=)\s*\(?\s*[rbuRBU]?([fF]?)("|')(.+?)\3""",
)


def figure_titles(source: str) -> list[str]:
    """The literal titles a plotting cell gives its figure (``suptitle`` first, then ``set_title``,
    ``plt.title`` and ``title=``).

    An f-string's placeholders are dropped ("Means of {n} waits" -> "Means of waits"), so the alt
    text never shows code; a title that is mostly placeholders ("n = {n}") is left out.
    """
    found = sorted(_TITLE_CALL.findall(source), key=lambda m: m[0] != "suptitle")
    titles = []
    for _, is_f, _, text in found:
        if is_f:
            text = re.sub(r"\{[^{}]*\}", "", text)
            if not re.search(r"[^\W\d_]{3,}", text):
                continue
        text = " ".join(text.replace("\\n", " ").split()).strip(" ,:;=")
        if text and text not in titles:
            titles.append(text)
    return titles


def figure_alt(source: str, section_title: str | None = None) -> str:
    """Alt text for a plot output: its titles, else the section it belongs to."""
    titles = figure_titles(source)
    if titles:
        return "Figure: " + "; ".join(titles)
    if section_title:
        return f"Figure for the section “{section_title}”"
    return "Figure produced by the code cell above"


def _section_title(node: nodes.Node) -> str | None:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section) and parent.children and isinstance(
                parent[0], nodes.title):
            return parent[0].astext()
        parent = parent.parent
    return None


_CELL_SOURCES: dict[int, dict[str, list[str]]] = {}  # per Sphinx app: docname -> cell sources


def _cell_source(app, docname: str, cell: nodes.Element) -> str:
    """The code of a notebook cell: from the page's notebook, found by the cell's index."""
    index = cell.get("cell_index")
    path = Path(app.env.doc2path(docname))
    if index is None or path.suffix != ".ipynb":
        return ""
    cache = _CELL_SOURCES.setdefault(id(app), {})
    if docname not in cache:
        import nbformat  # only needed for notebook pages

        notebook = nbformat.read(path, as_version=4)
        cache[docname] = ["".join(c.get("source", "")) for c in notebook.cells]
    sources = cache[docname]
    return sources[index] if 0 <= index < len(sources) else ""


def clamp_rubric_levels(doctree: nodes.Node) -> None:
    """A Markdown heading inside an output or a box becomes a rubric that keeps its level ("###"
    straight under the page title is an h3 after an h1): no deeper than one below its section,
    so heading levels never skip (axe ``heading-order``)."""
    for rubric in doctree.findall(nodes.rubric):
        level = rubric.get("level")
        if not isinstance(level, int):
            continue
        depth, parent = 0, rubric.parent
        while parent is not None:
            depth += isinstance(parent, nodes.section)
            parent = parent.parent
        rubric["level"] = min(level, depth + 1)


def fix_outputs(app, doctree: nodes.document, docname: str) -> None:
    """Empty table headers, heading levels and missing alt text in one page's outputs."""
    clamp_rubric_levels(doctree)
    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("format") == "html" and "<th" in raw.astext():
            fixed = fix_empty_header_cells(raw.astext())
            if fixed != raw.astext():
                raw.replace(raw[0], nodes.Text(fixed))
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        cell = image.parent
        while cell is not None and "cell" not in cell.get("classes", []):
            cell = cell.parent
        if cell is None:
            continue  # not a notebook output: Sphinx/myst already warn about images without alt
        image["alt"] = figure_alt(_cell_source(app, docname, cell), _section_title(cell))


# --- scripts on each page -----------------------------------------------------------------------

def _script_key(script) -> tuple:
    attributes = getattr(script, "attributes", {})
    return (getattr(script, "filename", str(script)) or "", tuple(sorted(attributes.items())))


def dedupe_scripts(scripts: list) -> list:
    """Drop repeated scripts. Sphinx 7.4 re-adds registry scripts as ``filename=''`` next to the
    ``filename=None`` copies extensions added, so each inline script would be emitted twice."""
    seen, kept = set(), []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    return kept


def deferred(script):
    """The same local script with ``defer``, unless it is inline, async/deferred or must block."""
    from sphinx.builders.html._assets import _JavaScript

    if not isinstance(script, _JavaScript) or not script.filename:
        return script
    name = str(script.filename)
    attributes = dict(script.attributes)
    if "://" in name or name in BLOCKING_SCRIPTS or {"async", "defer"} & attributes.keys():
        return script
    if attributes.get("type", "text/javascript") not in ("text/javascript", "module"):
        return script
    attributes["defer"] = "defer"
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def _page_has_math(app, pagename: str, doctree) -> bool:
    domain = app.env.get_domain("math")
    if domain.data.get("has_equations", {}).get(pagename):
        return True
    if doctree is None:
        return False
    # MathJax also typesets \( \) and \[ \] in HTML outputs (processHtmlClass output_area).
    return any(
        r.get("format") == "html" and re.search(r"\\\(|\\\[|\$\$", r.astext())
        for r in doctree.findall(nodes.raw)
    )


def _is_mathjax(app, script) -> bool:
    name = str(getattr(script, "filename", "") or "")
    body = getattr(script, "attributes", {}).get("body", "")
    return (bool(name) and name.endswith(str(app.config.mathjax_path))) or body.startswith(
        "window.MathJax =")


def thebe_enabled(theme_options: dict, thebe_config: dict) -> bool:
    """Whether a page can start Thebe: a launch button for it, or Thebe loaded on every page."""
    launch = (theme_options or {}).get("launch_buttons") or {}
    always = (thebe_config or {}).get("always_load")
    return bool(launch.get("thebe")) or always is True or str(always).lower() == "true"


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    body = getattr(asset, "attributes", {}).get("body", "")
    return name.endswith(("sphinx-thebe.js", "sphinx-thebe.css")) or "THEBE_JS_URL" in body


def page_context(app, pagename, templatename, context, doctree) -> None:
    description = page_description(doctree) or getattr(app, "_mlbook_description", None)
    metatags = context.get("metatags", "")
    if description and 'name="description"' not in metatags:
        context["metatags"] = metatags + description_tag(description)
    scripts = context.get("script_files")
    if scripts is None:
        return
    scripts = dedupe_scripts(list(scripts))
    if not thebe_enabled(app.config.html_theme_options, getattr(app.config, "thebe_config", {})):
        # sphinx-thebe's assets are on every page, but without a Thebe button nothing uses them.
        scripts = [s for s in scripts if not _is_thebe(s)]
        if context.get("css_files") is not None:
            context["css_files"] = [c for c in context["css_files"] if not _is_thebe(c)]
    if not _page_has_math(app, pagename, doctree):
        scripts = [s for s in scripts if not _is_mathjax(app, s)]
    if pagename != "search":  # the search page's own scripts call doctools' functions at once
        scripts = [deferred(s) for s in scripts]
    context["script_files"] = scripts


# --- the rendered page --------------------------------------------------------------------------

def _start_tags(html: str, tag: str, marker: str, edit) -> str:
    """Apply ``edit`` to every ``<tag ...>`` start tag that contains ``marker``."""
    def one(match):
        text = match.group(0)
        return edit(text) if marker in text else text
    return re.sub(rf"<{tag}\b[^>]*>", one, html)


def _drop_attribute(name: str):
    return lambda tag: re.sub(rf'\s{name}="[^"]*"', "", tag, count=1)


def _add_attributes(attributes: str):
    def edit(tag):
        first = attributes.split("=", 1)[0]
        if f" {first}=" in tag:
            return tag
        return re.sub(r"\s*(/?)>$", lambda m: f" {attributes}{m.group(1)}>", tag)
    return edit


_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)'
    r'"></script>')
_FONTAWESOME_JS = re.compile(
    r'(?:\s*<!-- So that users can add custom icons -->)?'
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')


# The theme writes data-theme="auto" on <html> (no stylesheet rule matches it) and leaves it so
# until its deferred script runs: resolve "auto" to light or dark before the first paint instead.
RESOLVE_THEME_JS = (
    "(function(){var d=document.documentElement,t=d.dataset.theme;"
    "if(t!=='light'&&t!=='dark'){d.dataset.theme="
    "matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';}})();"
)


def fix_page_html(html: str, *, search_page: bool = False, search_as_you_type: bool = False,
                  logo_size: tuple[int, int] | None = None) -> str:
    """The template-level fixes on one rendered page (idempotent)."""
    html = _FONTAWESOME_JS.sub("", html)
    # Empty header cells of tables written in Markdown (outputs and text) too.
    html = fix_empty_header_cells(html)
    # Without JavaScript, no data-theme at all selects the theme's light colours.
    html = _start_tags(html, "html", 'data-theme="auto"', _drop_attribute("data-theme"))
    if not search_page and not search_as_you_type:
        html = _SEARCH_SCRIPTS.sub("", html)
    # A button's accessible name must contain its visible text ("Search Ctrl+K"): let the name
    # come from the text instead of aria-label="Search".
    html = _start_tags(html, "button", "search-button-field", _drop_attribute("aria-label"))
    # myst-nb's "Show code cell source" summary carries aria-label="Toggle hidden content".
    html = _start_tags(html, "summary", 'aria-label="Toggle hidden content"',
                       _drop_attribute("aria-label"))
    html = _start_tags(html, "div", 'id="pst-primary-sidebar"',
                       _add_attributes('role="navigation" aria-label="Book"'))
    html = _start_tags(html, "form", "bd-search", _add_attributes('role="search"'))
    # Icon-font glyphs are private-use characters: nothing for a screen reader to read.
    for tag in ("i", "span"):
        html = re.sub(rf'<{tag}\s+class="(?:[^"]*\s)?fa-[^"]*"[^>]*>',
                      lambda m: _add_attributes('aria-hidden="true"')(m.group(0)), html)
    if logo_size:
        width, height = logo_size
        html = _start_tags(html, "img", "logo__image",
                           _add_attributes(f'width="{width}" height="{height}"'))
    return html


def _logo_size(app) -> tuple[int, int] | None:
    logo = app.config.html_logo
    if not logo or "://" in str(logo):
        return None
    path = Path(app.confdir) / logo
    if not path.is_file():
        return None
    if path.suffix.lower() == ".svg":
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
        return (round(float(box.group(1))), round(float(box.group(2)))) if box else None
    try:
        from PIL import Image

        with Image.open(path) as image:
            return image.size
    except Exception:  # noqa: BLE001 - an unreadable logo just keeps the theme's markup
        return None


def _wrap_renderer(app) -> None:
    """Run :func:`fix_page_html` on each page the HTML builder renders from the theme."""
    if app.builder.format != "html" or not hasattr(app.builder, "templates"):
        return
    templates = app.builder.templates
    render = templates.render
    options = app.builder.theme_options if hasattr(app.builder, "theme_options") else {}
    search_as_you_type = str(options.get("search_as_you_type", False)).lower() == "true"
    logo_size = _logo_size(app)

    def render_fixed(template, context):
        return fix_page_html(
            render(template, context), search_page=context.get("pagename") == "search",
            search_as_you_type=search_as_you_type, logo_size=logo_size)

    templates.render = render_fixed


# --- FontAwesome, subset to the icons in use ----------------------------------------------------

_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_FA_SELECTOR = re.compile(r"^\.fa-([\w-]+):{1,2}before$")
_CSS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _css_string_chars(value: str) -> list[int]:
    """The code points written in CSS strings (raw characters or ``\\f135`` escapes)."""
    points = []
    for string in _CSS_STRING.findall(value):
        for escape, char in re.findall(r"\\([0-9a-fA-F]{1,6})\s?|(.)", string):
            points.append(int(escape, 16) if escape else ord(char))
    return points


def icon_codepoints(css_texts: list[str], used_classes: set[str]) -> set[int]:
    """The icon code points a site needs: those of the ``fa-*`` classes it uses, and every
    private-use character its CSS writes anywhere but in FontAwesome's class table (the theme's
    admonition, link and breadcrumb icons)."""
    wanted: set[int] = set()
    for css in css_texts:
        for selectors, body in _CSS_RULE.findall(css):
            names = [s.strip() for s in selectors.split(",")]
            matches = [_FA_SELECTOR.match(s) for s in names]
            if names and all(matches):
                if used_classes & {m.group(1) for m in matches}:
                    wanted.update(_css_string_chars(body))
                continue
            wanted.update(p for p in _css_string_chars(body)
                          if PRIVATE_USE[0] <= p <= PRIVATE_USE[1])
    return wanted


def strip_unused_icon_rules(css: str, used_classes: set[str]) -> str:
    """Drop FontAwesome's rules for icons the site does not use (about 2,000 of them, a third of
    the theme's render-blocking stylesheet) and its @font-face rules for the full web fonts (the
    subset's own rules replace them)."""
    def keep(match):
        selectors, body = match.group(1), match.group(2)
        if selectors.strip() == "@font-face" and "fontawesome/webfonts" in body:
            return ""
        names = [s.strip() for s in selectors.split(",")]
        matches = [_FA_SELECTOR.match(s) for s in names]
        if names and all(matches) and not used_classes & {m.group(1) for m in matches}:
            return ""
        return match.group(0)
    return _CSS_RULE.sub(keep, css)


_FA_CLASS = re.compile(r"\bfa-([a-z0-9][a-z0-9-]*)")


def used_icon_classes(texts) -> set[str]:
    return {name for text in texts for name in _FA_CLASS.findall(text)}


def _subset_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    webfonts = out / FA_WEBFONTS
    if not webfonts.is_dir():
        return
    from fontTools import subset
    from sphinx.util import logging

    static = out / "_static"
    css_files = {p: p.read_text(encoding="utf-8", errors="replace") for p in static.rglob("*.css")
                 if ICONS_DIR not in p.parts and "mathjax" not in p.parts}
    scripts = [p.read_text(encoding="utf-8", errors="replace") for p in static.rglob("*.js")
               if p.name != "fontawesome.js" and "mathjax" not in p.parts]
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*.html")]
    used = used_icon_classes(pages + scripts)
    points = icon_codepoints(list(css_files.values()), used)
    for path, css in css_files.items():
        stripped = strip_unused_icon_rules(css, used)
        if stripped != css:
            path.write_text(stripped, encoding="utf-8")
    target = static / ICONS_DIR
    target.mkdir(parents=True, exist_ok=True)
    faces = []
    for (family, weight), name in FA_FONTS.items():
        source = webfonts / f"{name}.ttf"
        if not source.is_file():
            continue
        options = subset.Options()
        options.flavor = "woff"  # woff2 would need the brotli package
        options.layout_features = ["*"]
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(points))
        subsetter.subset(font)
        subset.save_font(font, str(target / f"{name}.woff"), options)
        faces.append(
            f'@font-face{{font-family:"{family}";font-style:normal;font-weight:{weight};'
            f'font-display:block;src:url({name}.woff) format("woff")}}')
    (target / "icons.css").write_text(
        "/* FontAwesome subset to the icons this site uses (mlbook.sphinx_site_quality). */\n"
        + "\n".join(faces) + "\n")
    logging.getLogger(__name__).info(
        f"[site quality] FontAwesome subset to {len(points)} icons in _static/{ICONS_DIR}/")


# --- wiring -------------------------------------------------------------------------------------

def _remember_book_description(app) -> None:
    """The book's ``description`` from _config.yml, for pages without text (index, search)."""
    config = Path(app.srcdir) / "_config.yml"
    if config.is_file():
        import yaml

        description = (yaml.safe_load(config.read_text()) or {}).get("description")
        if isinstance(description, str) and description.strip():
            app._mlbook_description = shorten(description)


def _one_search_field(app, config) -> None:
    """No second search field in a bar across the top of every page.

    sphinx-book-theme keeps its search field in the sidebar and leaves ``navbar_persistent`` empty
    in its theme.conf, but pydata-sphinx-theme 0.17 fills that option with the search field when
    ``html_theme_options`` does not name it, which turns on the top bar the book theme never shows.
    """
    options = config.html_theme_options
    if config.html_theme == "sphinx_book_theme" and "navbar_persistent" not in options:
        options["navbar_persistent"] = []


def _builder_inited(app) -> None:
    _remember_book_description(app)
    _wrap_renderer(app)


def setup(app):
    # After every extension has added its files (priority > 500) and MathJax its scripts.
    app.connect("config-inited", _one_search_field)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", fix_outputs)
    app.connect("html-page-context", page_context, priority=900)
    app.connect("build-finished", _subset_fonts)
    app.add_css_file(ICONS_CSS, priority=900)
    app.add_js_file(None, body=RESOLVE_THEME_JS, priority=1)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
