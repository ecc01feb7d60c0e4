"""Production serving: debug off, collected static files served by WhiteNoise,
gunicorn started by `make serve`."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from clinic.settings import BASE_DIR

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
BOOTSTRAP_CSS = "bootstrap/css/bootstrap.min.css"
HASHED_BOOTSTRAP_CSS = re.compile(
    r"/static/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css"
)


@pytest.fixture
def collected(settings, tmp_path):
    """The production storage, with the static files collected into a tmp root."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    call_command("collectstatic", "--no-input", verbosity=0)
    return settings.STATIC_ROOT


def test_whitenoise_serves_a_hashed_static_file_with_debug_off(collected):
    url = static(BOOTSTRAP_CSS)
    assert HASHED_BOOTSTRAP_CSS.fullmatch(url), url
    # A fresh client: WhiteNoise reads the collected root when its middleware starts.
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    max_age = re.search(r"max-age=(\d+)", response["Cache-Control"])
    assert int(max_age.group(1)) >= 365 * 24 * 3600
    body = b"".join(response.streaming_content)
    assert body == (collected / url.removeprefix("/static/")).read_bytes()


def test_whitenoise_serves_the_gzip_copy_to_a_browser_that_takes_it(collected):
    response = Client().get(static(BOOTSTRAP_CSS), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def make_serve(env: dict, **kwargs):
    """`make serve` in the project with only these variables (and PATH) set. It runs
    this interpreter's tools, and `-o` keeps make from rebuilding their venv: that is
    `make venv`'s business, and minutes long."""
    bin_dir = Path(sys.executable).parent
    return subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            f"BIN={bin_dir}",
            "-o",
            f"{bin_dir}/.installed",
        ]
        + ["serve"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_make_serve_refuses_to_start_without_a_secret_key(tmp_path, secret_key):
    env = {"HOME": str(tmp_path)}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    started = time.monotonic()
    process = make_serve(env)
    output, _ = process.communicate(timeout=10)
    assert process.returncode != 0
    assert "make serve needs DJANGO_SECRET_KEY" in output
    # Refused before anything ran: no migrate, no collectstatic, no server.
    assert "migrate" not in output
    assert time.monotonic() - started < 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, server: subprocess.Popen, deadline: float):
    """GET url, retrying while the server is still starting, until the deadline;
    at once if the server has stopped."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.headers, response.read()
        except (ConnectionError, urllib.error.URLError):
            if server.poll() is not None:
                pytest.fail(f"make serve stopped:\n{server.stdout.read()}")
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_make_serve_runs_gunicorn_serving_pages_and_static_files(tmp_path):
    port = free_port()
    env = {
        "HOME": str(tmp_path),  # gunicorn's control socket goes under it
        "DJANGO_SECRET_KEY": "smoke-test-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    # Its own process group: make, its shell and gunicorn all stop together.
    process = make_serve(env, start_new_session=True)
    try:
        # About 18 s on a quiet machine, most of it migrate; a busy one takes longer.
        deadline = time.monotonic() + 120
        status, _, page = fetch(
            f"http://127.0.0.1:{port}/accounts/login/", process, deadline
        )
        assert status == 200
        css = HASHED_BOOTSTRAP_CSS.search(page.decode())
        assert css, page.decode()
        status, headers, body = fetch(
            f"http://127.0.0.1:{port}{css[0]}", process, deadline
        )
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert b"Bootstrap" in body[:500]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert "Listening at: http://0.0.0.0:" in output, output
    assert "GET /accounts/login/ HTTP/1.1" in output  # the access log, on stdout
