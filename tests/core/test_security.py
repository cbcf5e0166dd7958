"""Security headers and production settings."""

import os
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_allowing_only_our_own_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/sign-out/")
    assert response.status_code == 403


def _production_settings(**env):
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.DEMO_MODE]))"
    )
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coproduce.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True)


def test_production_settings_use_secure_cookies_and_hsts_and_never_demo_mode():
    result = _production_settings(COPRODUCE_PRODUCTION="1", SECRET_KEY="x" * 50, COPRODUCE_DEMO="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[true, true, 31536000, false]"


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "coproduce.settings", "COPRODUCE_PRODUCTION": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
