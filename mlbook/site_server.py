"""Serve the built website on 127.0.0.1 the way GitHub Pages does, for the browser tests and the
Lighthouse benchmark.

``with serve("_build/html") as url:`` starts a threaded HTTP server on a free port and yields its
base URL (``http://127.0.0.1:<port>/``); leaving the block stops it. Like GitHub Pages it serves
``index.html`` for a folder, answers 404 for anything missing (no folder listings), sends the usual
content types, and gzips text assets (HTML, CSS, JavaScript, JSON, SVG, notebooks) when the client
accepts gzip, so page weights measured through it are the weights readers download.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import http.server
import os
import posixpath
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

# Explicit types for what the site serves; Python's mimetypes table lacks several (.woff2, .ipynb,
# .apkg) and varies between systems.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".ipynb": "application/x-ipynb+json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    # An Anki deck is a zip file with no registered media type: served as a download.
    ".apkg": "application/octet-stream",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Compressed like GitHub Pages does: text formats only (images, fonts and archives already are).
_COMPRESSIBLE_PREFIXES = (
    "text/", "application/json", "application/x-ipynb+json", "application/xml", "image/svg+xml",
)


class SiteFolderError(ValueError):
    """The folder given to :func:`serve` is not a built site."""


def content_type(path: str | os.PathLike) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), DEFAULT_CONTENT_TYPE)


def accepts_gzip(header: str | None) -> bool:
    """True if an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it)."""
    for item in (header or "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "*"):
            continue
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def _check_folder(folder: str | os.PathLike) -> Path:
    path = Path(folder)
    if not path.is_dir():
        raise SiteFolderError(
            f"Cannot serve {str(path)!r}: no such folder. Build the site first "
            "(bash scripts/build-site, or jupyter-book build . --path-output <dir>) and pass its "
            "_build/html folder."
        )
    if not (path / "index.html").is_file():
        raise SiteFolderError(
            f"Cannot serve {str(path)!r}: it has no index.html, so it is not a built site. "
            "Pass the _build/html folder that jupyter-book build writes."
        )
    return path.resolve()


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "mlbook-site"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    root: Path  # set on the subclass made by serve()
    _gzip_cache: dict
    _cache_lock: threading.Lock

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # quiet: tests and the benchmark report what matters themselves

    def _resolve(self) -> tuple[Path | None, str | None]:
        """The file for the request path, or (None, redirect target) for a folder without '/'."""
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        parts = [p for p in posixpath.normpath(url_path).split("/") if p not in ("", ".", "..")]
        target = self.root.joinpath(*parts)
        if target.is_dir():
            if not url_path.endswith("/"):
                return None, url_path + "/"
            target = target / "index.html"
        try:
            target.resolve().relative_to(self.root)  # no symlink out of the site
        except ValueError:
            return None, None
        return (target if target.is_file() else None), None

    def _send(self, head_only: bool) -> None:
        target, redirect = self._resolve()
        if redirect is not None:
            self.send_response(301)
            self.send_header("Location", redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target is None:
            body = b"404: not found\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head_only:
                self.wfile.write(body)
            return
        kind = content_type(target)
        stat = target.stat()
        compress = kind.startswith(_COMPRESSIBLE_PREFIXES)
        gzipped = compress and accepts_gzip(self.headers.get("Accept-Encoding"))
        body = self._gzipped(target, stat.st_mtime_ns) if gzipped else target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        if compress:
            self.send_header("Vary", "Accept-Encoding")
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _gzipped(self, target: Path, mtime_ns: int) -> bytes:
        key = (target, mtime_ns)
        with self._cache_lock:
            cached = self._gzip_cache.get(key)
        if cached is None:
            cached = gzip.compress(target.read_bytes(), compresslevel=6, mtime=0)
            with self._cache_lock:
                self._gzip_cache[key] = cached
        return cached

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._send(head_only=False)

    def do_HEAD(self):  # noqa: N802
        self._send(head_only=True)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # a browser opens several connections at once


@contextlib.contextmanager
def serve(folder: str | os.PathLike, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the built site in ``folder`` on a free port; yield the base URL ending in '/'."""
    root = _check_folder(folder)
    handler = type(
        "SiteHandler", (_Handler,),
        {"root": root, "_gzip_cache": {}, "_cache_lock": threading.Lock()},
    )
    server = _Server((host, 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="mlbook-site-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
