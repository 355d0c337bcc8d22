"""Security headers and deploy checks (docs/security.md): CSP, private pages, HTTPS settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilot import plotly_css, signin
from pilot.models import Batch, Extract, Recipe, Recommendation

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _paths_without_arguments(patterns, prefix=""):
    """Every URL of the site that takes no argument, except the admin's own pages."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                yield from _paths_without_arguments(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "pw-for-tests-1")


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy(client, staff_user):
    client.force_login(staff_user)
    for path in ("/", "/accounts/login/", "/staff/", "/staff/data/", "/admin/"):
        policy = _directives(client.get(path, follow=True).headers["Content-Security-Policy"])
        for directive in ("default-src", "script-src", "style-src", "connect-src"):
            assert policy[directive] == "'self'", (path, directive)
        assert policy["frame-ancestors"] == policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_it_allows_inline_code_only_on_the_third_party_queue_dashboard(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/django_rq/")
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == policy["style-src"] == "'self' 'unsafe-inline'"


def test_the_templates_hold_no_inline_script_or_style():
    """What the policy forbids must not be in our pages (e-mails are not web pages)."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "emails" in template.parts:
            continue
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"<style", r"\son\w+="):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_the_plotly_stylesheet_matches_the_bundled_plotly_js():
    """static/css/plotly.css replaces the <style> plotly.js would inject (blocked by the CSP)."""
    bundle = plotly_css.BUNDLE.read_text(encoding="utf-8")
    assert plotly_css.CSS.read_text(encoding="utf-8") == plotly_css.stylesheet(bundle), (
        "static/js/plotly.min.js changed: run `python -m pilot.plotly_css`"
    )
    # The maplibre stylesheet inside the bundle is skipped when an element has its id.
    maplibre = re.search(r'getElementById\("([0-9a-f]{64})"\)\)\{var e=document', bundle)
    head = (ROOT / "templates" / "_plotly_head.html").read_text()
    assert maplibre and f'id="{maplibre.group(1)}"' in head


@pytest.mark.django_db
def test_every_page_without_arguments_is_private_for_a_signed_in_user(client, superuser):
    client.force_login(superuser)
    checked = []
    for path in _paths_without_arguments(get_resolver().url_patterns):
        response = client.get(path)
        if response.status_code in (200, 302, 403):
            cache = response.headers.get("Cache-Control", "")
            assert "private" in cache and "no-store" in cache, (path, cache)
            checked.append(path)
    assert {"/", "/staff/", "/staff/data/", "/dashboard/", "/me/"} <= set(checked)


@pytest.mark.django_db
def test_pages_with_arguments_are_private_too(client, participant, staff_user):
    recipe = Recipe.objects.create(external_id="R1", title="Soup")
    batch = Batch.objects.create(
        study=participant.study, iso_year=2026, iso_week=48, status=Batch.Status.SENT
    )
    Recommendation.objects.create(
        batch=batch,
        participant=participant,
        recipe=recipe,
        rank=1,
        model_version=participant.arm.model_version,
    )
    extract = Extract.objects.create(kind="recipes", name="r.csv", status="imported")
    client.force_login(participant.user)
    pages = [reverse("my-batch", args=[batch.pk])]
    responses = [client.get(page) for page in pages]
    client.force_login(staff_user)
    for page in (
        reverse("data-extract", args=[extract.pk]),
        f"/admin/pilot/extract/{extract.pk}/change/",
    ):
        responses.append(client.get(page))
    for response in responses:
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "no-store" in cache


@pytest.mark.django_db
def test_the_signin_confirm_page_naming_the_user_is_private(client, participant):
    token = signin.create_signin_link(participant.user).rstrip("/").rsplit("/", 1)[1]
    response = client.get(reverse("signin-link", args=[token]))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_the_public_landing_page_stays_cacheable(client):
    assert "Cache-Control" not in client.get("/").headers


@pytest.mark.django_db
def test_it_redirects_to_https_and_sends_hsts_when_configured(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response.url == "https://testserver/accounts/login/"
    secure = client.get("/accounts/login/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def _settings_in_fresh_interpreter(code: str, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "ENV_FILE": "", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_it_reads_the_https_settings_from_the_environment():
    code = (
        "import pilot.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = _settings_in_fresh_interpreter(
        code,
        SECRET_KEY="x",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="yes",
        SECURE_HSTS_PRELOAD="1",
        PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "600",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]
    bad = _settings_in_fresh_interpreter(code, SECRET_KEY="x", SECURE_HSTS_SECONDS="a year")
    assert "SECURE_HSTS_SECONDS='a year' is not a whole number" in bad.stderr


def _readme_production_exports() -> str:
    """The `export ...` lines of the README's "Running it for real" block, as written."""
    section = README.split("## Running it for real", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    exports = [line for line in section.splitlines() if line.startswith("export ")]
    assert len(exports) >= 4, section
    return "\n".join(exports)


def test_check_deploy_is_clean_with_the_readme_production_settings():
    script = (
        f"{_readme_production_exports()}\n"
        f"exec {sys.executable} manage.py check --deploy --fail-level WARNING"
    )
    clean = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "ENV_FILE": ""}
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
