"""A laptop checkout needs no exported variable: `make run` writes .env with a secret key,
every command reads it, and the server it starts shows the product's own error pages."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _clean_env(**extra) -> dict:
    """The environment of a new shell: no DEBUG, no SECRET_KEY, no DATABASE_URL."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {**keep, **extra}


@pytest.fixture
def env_file(tmp_path):
    """A .env as `make .env` writes it, in a folder of its own."""
    path = tmp_path / ".env"
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), f"ENV_FILE={path}", str(path)],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return path


def manage(*args, env_file: Path, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_clean_env(ENV_FILE=str(env_file), VAR_DIR=str(env_file.parent / "var"), **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_writes_a_private_env_file_with_a_strong_secret_key(env_file, tmp_path):
    lines = [line for line in env_file.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 1 and lines[0].startswith("SECRET_KEY=")
    assert len(lines[0].removeprefix("SECRET_KEY=")) >= 50
    assert env_file.stat().st_mode & 0o077 == 0  # only the owner can read it
    before = env_file.read_text()
    subprocess.run(["make", "-s", "-C", str(ROOT), f"ENV_FILE={env_file}", str(env_file)])
    assert env_file.read_text() == before  # never replaced: links already sent keep working


def test_git_ignores_the_env_file():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0


def test_manage_py_help_lists_the_projects_commands_with_only_the_env_file(env_file):
    result = manage("help", env_file=env_file)
    assert result.returncode == 0, result.stderr
    assert "[pilot]" in result.stdout
    assert "    demo\n" in result.stdout and "    import_extract\n" in result.stdout
    for command in ("demo", "import_extract"):
        usage = manage(command, "--help", env_file=env_file)
        assert usage.returncode == 0, usage.stderr
        assert f"usage: manage.py {command}" in usage.stdout


def test_the_readme_import_examples_run_as_written(env_file, tmp_path):
    folder = tmp_path / "var"
    folder.mkdir()
    assert manage("migrate", "--noinput", env_file=env_file).returncode == 0
    (tmp_path / "recipes.csv").write_text("recipe_id,title,ingredients\nR1,Soup,leek|potato\n")
    result = manage(
        "import_extract", "recipes", str(tmp_path / "recipes.csv"), "--dry-run", env_file=env_file
    )
    assert result.returncode == 0, result.stderr
    assert "DRY RUN: nothing written" in result.stdout and "1 rows read" in result.stdout


def test_an_environment_variable_wins_over_the_env_file(env_file):
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_clean_env(
            ENV_FILE=str(env_file),
            SECRET_KEY="from-the-shell",
            DJANGO_SETTINGS_MODULE="pilot.settings",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "from-the-shell", result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served(env_file):
    """`make serve` (what `make run` ends with) on a free port, on an empty database."""
    port = _free_port()
    (env_file.parent / "var" / "static").mkdir(parents=True)
    server = subprocess.Popen(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "serve",
            f"PORT={port}",
            f"BIN={Path(sys.executable).parent}",
        ],
        env=_clean_env(ENV_FILE=str(env_file), VAR_DIR=str(env_file.parent / "var")),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: make, runserver and its reloader
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, "the server stopped while starting"
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_run_command_serves_the_products_own_404_and_500_pages(served):
    status, body = _get(served + "/no-such-page/")
    assert status == 404
    assert "There is nothing here" in body and "Recipe Pilot" in body
    assert "Using the URLconf" not in body  # Django's debug page
    # The database was never migrated: reading the session fails, and the page says sorry.
    status, body = _get(served + "/staff/", Cookie="sessionid=" + "a" * 32)
    assert status == 500
    assert "Something went wrong" in body and "Traceback" not in body
    # Static files are served without DEBUG.
    status, css = _get(served + "/static/css/site.css")
    assert status == 200 and "--accent" in css
