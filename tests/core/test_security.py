"""Security headers and production settings."""

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_every_page_sends_a_content_security_policy_allowing_only_our_own_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self';" in policy + ";", "connections only to this same site (websockets too)"
    assert "ws:" not in policy and "wss:" not in policy
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


# --- How a deployment is recognised. Settings are read in a fresh process with a crafted environment,
# as an operator's shell would give it (not a pytest run: no PYTEST_VERSION).

SETTINGS_SEEN = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'production': settings.PRODUCTION, 'development_key': "
    "settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY, 'secure_cookies': "
    "[settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE], 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'ssl_redirect': settings.SECURE_SSL_REDIRECT, 'hosts': settings.ALLOWED_HOSTS, "
    "'demo': settings.DEMO_MODE}))"
)
OPERATOR_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "COPRODUCE_PRODUCTION",
    "COPRODUCE_DEMO",
    "PYTEST_VERSION",
)
PUBLIC = {
    "DATABASE_URL": "postgres://coproduce:secret@db.internal:5432/coproduce",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "coproduce.example.org",
}


def settings_with(tmp_path, **env):
    """Start Django in a new process with only these operator settings; (returncode, seen or stderr)."""
    clean = {k: v for k, v in os.environ.items() if k not in OPERATOR_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_SEEN],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "coproduce.settings",
            "COPRODUCE_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
    )
    if result.returncode:
        return result.returncode, result.stderr
    return 0, json.loads(result.stdout)


def test_a_real_deployment_without_a_secret_key_refuses_to_start(tmp_path):
    """The reported case: DATABASE_URL, REDIS_URL and ALLOWED_HOSTS set, COPRODUCE_PRODUCTION forgotten."""
    returncode, stderr = settings_with(tmp_path, **PUBLIC)
    assert returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set to a long random string in production" in stderr


def test_a_real_deployment_is_production_without_saying_so(tmp_path):
    returncode, seen = settings_with(
        tmp_path,
        **{**PUBLIC, "ALLOWED_HOSTS": "coproduce.example.org,testserver"},
        SECRET_KEY="k" * 50,
        COPRODUCE_DEMO="1",
    )
    assert returncode == 0, seen
    assert seen == {
        "production": True,
        "development_key": False,
        "secure_cookies": [True, True],
        "hsts": 31536000,
        "ssl_redirect": True,
        "hosts": ["coproduce.example.org"],  # never Django's "testserver" in production
        "demo": False,
    }


@pytest.mark.parametrize(
    "signal",
    [
        {"DATABASE_URL": PUBLIC["DATABASE_URL"]},
        {"REDIS_URL": PUBLIC["REDIS_URL"]},
        {"ALLOWED_HOSTS": "coproduce.example.org"},
    ],
    ids=["database", "redis", "public host"],
)
def test_any_one_sign_of_a_deployment_turns_production_on(tmp_path, signal):
    returncode, seen = settings_with(tmp_path, SECRET_KEY="k" * 50, **signal)
    assert returncode == 0, seen
    assert (seen["production"], seen["secure_cookies"], seen["hsts"]) == (True, [True, True], 31536000)


def test_the_embedded_defaults_run_with_the_development_key_on_loopback_only(tmp_path):
    returncode, seen = settings_with(tmp_path, COPRODUCE_DEMO="1")
    assert returncode == 0, seen
    assert (seen["production"], seen["development_key"], seen["demo"]) == (False, True, True)
    assert seen["hosts"] == ["127.0.0.1", "localhost"]


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_URL": PUBLIC["DATABASE_URL"], "COPRODUCE_PRODUCTION": "0"},
        {"ALLOWED_HOSTS": "coproduce.example.org", "COPRODUCE_PRODUCTION": "0"},
        {"ALLOWED_HOSTS": "*", "COPRODUCE_PRODUCTION": "0"},
    ],
    ids=["shared database", "public host", "any host"],
)
def test_the_development_key_is_refused_beyond_the_embedded_database_on_loopback(tmp_path, env):
    returncode, stderr = settings_with(tmp_path, **env)
    assert returncode != 0
    assert "SECRET_KEY must be set: the development key is allowed only with the embedded SQLite" in stderr
    # ... and an explicit copy of the public key is the same key.
    returncode, stderr = settings_with(
        tmp_path, SECRET_KEY="coproduce-embedded-development-key-not-for-production", **env
    )
    assert returncode != 0


def test_development_against_a_shared_database_must_say_so_and_bring_its_own_key(tmp_path):
    returncode, seen = settings_with(
        tmp_path, DATABASE_URL=PUBLIC["DATABASE_URL"], COPRODUCE_PRODUCTION="0", SECRET_KEY="k" * 50
    )
    assert returncode == 0, seen
    assert (seen["production"], seen["secure_cookies"], seen["hosts"]) == (
        False,
        [False, False],
        ["127.0.0.1", "localhost"],
    )


def test_testserver_is_a_host_only_in_a_test_run(settings):
    assert "testserver" in settings.ALLOWED_HOSTS  # this run
    assert settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY, "a test run makes up its own key"


def test_serving_beyond_loopback_with_the_development_key_is_refused(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in OPERATOR_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "serve", "--host", "0.0.0.0", "--port", "9"],
        env={**clean, "COPRODUCE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Refusing to serve on 0.0.0.0 with the development SECRET_KEY" in result.stderr
