"""Checks on the deployment files: Dockerfile, entrypoint, docker-compose.yml.

None of these tests needs a database or a Docker daemon.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENTRYPOINT = REPO_ROOT / "docker" / "entrypoint.sh"


def _clean_env(**overrides: str) -> dict[str, str]:
    """The current environment without the Django variables the test settings set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "POSTGRES_")) and key != "DATABASE_URL"
    }
    env.update(overrides)
    return env


def _compose_config(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    docker_compose = shutil.which("docker-compose")
    if docker_compose is None:
        pytest.skip("docker-compose is not installed: cannot validate docker-compose.yml")
    # An empty env file, so a developer's local .env cannot change the outcome.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config", "-q"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid_with_secret_key(tmp_path: Path) -> None:
    result = _compose_config(tmp_path, _clean_env(DJANGO_SECRET_KEY="compose-config-test-key"))
    assert result.returncode == 0, result.stderr


def test_compose_gives_the_workers_a_cache_and_checks_their_health() -> None:
    compose = COMPOSE_FILE.read_text()
    assert "image: redis:7" in compose
    assert "DJANGO_CACHE_URL: redis://cache:6379/0" in compose
    assert "http://127.0.0.1:8000/health/" in compose


def test_compose_file_requires_secret_key(tmp_path: Path) -> None:
    result = _compose_config(tmp_path, _clean_env())
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_dockerfile_starts_through_entrypoint_without_baked_secret() -> None:
    dockerfile = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm\b", dockerfile, re.MULTILINE)
    assert re.search(r"^ENTRYPOINT .*docker/entrypoint\.sh", dockerfile, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000\b", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root\b)\S+", dockerfile, re.MULTILINE), "image must not run as root"
    assert "collectstatic --noinput" in dockerfile
    # The build-time secret key must not be persisted in the image's environment.
    assert not re.search(r"^(ENV|ARG)\b.*DJANGO_SECRET_KEY", dockerfile, re.MULTILINE)


def test_entrypoint_migrates_then_runs_gunicorn_with_three_workers() -> None:
    script = ENTRYPOINT.read_text()
    commands = [
        line.strip()
        for line in script.replace("\\\n", " ").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    migrate = next(i for i, line in enumerate(commands) if "manage.py migrate" in line)
    gunicorn = next(i for i, line in enumerate(commands) if line.startswith("exec gunicorn"))
    assert migrate < gunicorn, "migrations must run before gunicorn starts"
    assert "--noinput" in commands[migrate]
    gunicorn_line = commands[gunicorn]
    assert "klientstod.wsgi:application" in gunicorn_line
    assert re.search(r"--workers[ =]3\b", gunicorn_line)
    assert "--bind 0.0.0.0:8000" in gunicorn_line


def _manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_off_without_secret_key_fails_clearly() -> None:
    env = _clean_env(DJANGO_SETTINGS_MODULE="klientstod.settings", DJANGO_DEBUG="0")
    result = _manage_check(env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_off_with_secret_key_passes_check(tmp_path: Path) -> None:
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="klientstod.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="deployment-test-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    result = _manage_check(env)
    assert result.returncode == 0, result.stderr


def test_a_cache_url_gives_the_workers_one_shared_cache() -> None:
    def backend(**env: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; "
                "print(settings.CACHES['default']['BACKEND'], "
                "settings.CACHES['default'].get('LOCATION', ''))",
            ],
            cwd=REPO_ROOT,
            env=_clean_env(DJANGO_SETTINGS_MODULE="klientstod.settings", DJANGO_DEBUG="1", **env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert backend() == "django.core.cache.backends.locmem.LocMemCache"
    assert backend(DJANGO_CACHE_URL="redis://cache:6379/1") == (
        "django.core.cache.backends.redis.RedisCache redis://cache:6379/1"
    )
