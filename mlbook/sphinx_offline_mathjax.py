"""Sphinx extension: serve MathJax 3 from the built site instead of a CDN, so math renders offline.

MathJax's files come from the ``django-static-mathjax`` wheel (plain static files, Apache-2.0,
no Django needed at run time), which pip installs like any other pinned requirement. They are
copied into ``_static/mathjax/`` of the *output* after the build: putting them in the book's own
``_static/`` folder would make Jupyter Book add every one of their .js files to every page.
"""

from __future__ import annotations

import shutil
from importlib.util import find_spec
from pathlib import Path

MATHJAX_PATH = "mathjax/tex-chtml.js"  # relative to the built site's _static/


def _mathjax_es5() -> Path:
    spec = find_spec("mathjax")
    es5 = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if es5 is None or not (es5 / "tex-chtml.js").is_file():
        raise RuntimeError(
            "MathJax files not found: install the pinned requirements (pip install -r requirements.txt), "
            "which include django-static-mathjax, the package that ships MathJax 3."
        )
    return es5


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    es5 = _mathjax_es5()
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(es5 / "tex-chtml.js", target / "tex-chtml.js")
    shutil.copytree(es5 / "output" / "chtml" / "fonts" / "woff-v2",
                    target / "output" / "chtml" / "fonts" / "woff-v2", dirs_exist_ok=True)


def setup(app):
    _mathjax_es5()  # fail at the start of the build, not after it, if the files are missing
    app.config.mathjax_path = MATHJAX_PATH
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
