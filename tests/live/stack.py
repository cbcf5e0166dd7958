"""Real server processes for tests that need websockets end to end: ``coproduce serve`` on loopback ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(condition: bool, reason: str) -> None:
    """Skip, saying why, when something outside the project is missing; on CI, fail instead."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def database_url_of(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (e.g. pytest-django's test database)."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return (
        f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:"
        f"{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"
    )


class Server:
    """``coproduce serve`` in a subprocess; its output goes to a log file shown when a test fails."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path, workers: int = 1):
        self.port = port
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "coproduce.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server on {self.port} exited:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server on {self.port} did not start:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def server_env(
    *, database_url: str, data_dir: Path, redis_url: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a test server: configured as an operator would run a development server.

    Not a pytest run (no PYTEST_VERSION), so settings apply their real rules: with a database URL and
    Redis that means production unless COPRODUCE_PRODUCTION=0, and a SECRET_KEY, which is the test
    process's own so that sessions made here are valid there.
    """
    from django.conf import settings

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_VERSION")
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "COPRODUCE_DATA_DIR": str(data_dir),
            "COPRODUCE_PRODUCTION": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": "60",
            "PYTHONPATH": str(PROJECT_ROOT / "src"),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env
