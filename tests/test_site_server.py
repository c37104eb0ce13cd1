"""mlbook.site_server serves a built site like GitHub Pages: types, gzip, 404s, folder checks."""

import gzip
import http.client
import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from mlbook import site_server
from mlbook.site_server import SiteFolderError, serve

INDEX = "<!doctype html><title>Book</title><p>" + "hello " * 200 + "</p>"
FILES = {
    "index.html": INDEX.encode(),
    "_static/app.js": b"console.log('x');\n" * 50,
    "_static/site.css": b"body{color:#123456}\n" * 50,
    "_static/logo.svg": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * 500 + b"</svg>",
    "_static/font.woff2": bytes(range(256)) * 4,
    "_static/figure.png": b"\x89PNG\r\n\x1a\n" + bytes(600),
    "_sources/chapter.ipynb": json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5,
                                          "metadata": {}, "pad": "x" * 500}).encode(),
    "downloads/deck.apkg": b"PK\x03\x04" + bytes(600),
    "chapters/index.html": b"<p>chapters</p>",
}


@pytest.fixture
def site(tmp_path):
    for name, data in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path.parent / "secret.txt").write_text("outside the site")
    return tmp_path


def get(base, path, gzip_ok=True, method="GET"):
    """(status, headers, raw body) for one request; raw means as sent, before any decoding."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    headers = {"Accept-Encoding": "gzip, deflate, br"} if gzip_ok else {}
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_base_url_is_local_with_a_free_port(site):
    with serve(site) as base, serve(site) as other:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        assert base != other, "two servers must get two different free ports"


def test_index_is_served_gzipped_when_the_client_accepts_it(site):
    with serve(site) as base:
        status, headers, body = get(base, "/")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["content-encoding"] == "gzip"
        assert int(headers["content-length"]) == len(body) < len(FILES["index.html"])
        assert gzip.decompress(body) == FILES["index.html"]
        assert "accept-encoding" in headers["vary"].lower()


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_no_gzip_unless_the_client_accepts_it(site, accept):
    url = urllib.parse.urlsplit
    with serve(site) as base:
        conn = http.client.HTTPConnection(url(base).hostname, url(base).port, timeout=10)
        conn.request("GET", "/index.html", headers={"Accept-Encoding": accept} if accept else {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert body == FILES["index.html"]


@pytest.mark.parametrize("path, kind, compressed", [
    ("_static/app.js", "text/javascript; charset=utf-8", True),
    ("_static/site.css", "text/css; charset=utf-8", True),
    ("_static/logo.svg", "image/svg+xml", True),
    ("_sources/chapter.ipynb", "application/x-ipynb+json; charset=utf-8", True),
    ("_static/font.woff2", "font/woff2", False),
    ("_static/figure.png", "image/png", False),
    ("downloads/deck.apkg", "application/octet-stream", False),
])
def test_content_types_and_which_assets_are_compressed(site, path, kind, compressed):
    with serve(site) as base:
        status, headers, body = get(base, "/" + path)
    assert status == 200
    assert headers["content-type"] == kind
    assert (headers.get("content-encoding") == "gzip") is compressed
    assert (gzip.decompress(body) if compressed else body) == FILES[path]


def test_head_sends_headers_only(site):
    with serve(site) as base:
        status, headers, body = get(base, "/_static/app.js", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) > 0


@pytest.mark.parametrize("path", [
    "/missing.html", "/_static/nothing.js", "/_static/", "/../secret.txt", "/%2e%2e/secret.txt",
])
def test_missing_files_and_escapes_are_404(site, path):
    with serve(site) as base:
        status, _, body = get(base, path)
    assert status == 404
    assert b"outside the site" not in body


def test_a_folder_serves_its_index_and_redirects_without_slash(site):
    with serve(site) as base:
        status, headers, _ = get(base, "/chapters")
        assert status == 301 and headers["location"] == "/chapters/"
        status, _, body = get(base, "/chapters/", gzip_ok=False)
        assert status == 200 and body == FILES["chapters/index.html"]


def test_serves_requests_in_parallel(site):
    with serve(site) as base, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: get(base, "/_static/app.js")[0], range(32)))
    assert results == [200] * 32


def test_the_server_stops_when_the_block_ends(site):
    with serve(site) as base:
        pass
    with pytest.raises(OSError):
        get(base, "/")


def test_rejects_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(SiteFolderError, match="no such folder.*Build the site first"):
        with serve(tmp_path / "nowhere"):
            pass


def test_rejects_a_folder_without_index_html(tmp_path):
    (tmp_path / "page.html").write_text("<p>not a site</p>")
    with pytest.raises(SiteFolderError, match="no index.html.*_build/html"):
        with serve(tmp_path):
            pass


@pytest.mark.parametrize("header, expected", [
    ("gzip", True), ("deflate, gzip;q=0.5", True), ("GZIP", True), ("*", True),
    ("gzip;q=0", False), ("gzip;q=0.0", False), ("br, deflate", False), ("", False), (None, False),
])
def test_accept_encoding_parsing(header, expected):
    assert site_server.accepts_gzip(header) is expected
