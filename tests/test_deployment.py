"""Checks on the deployment files: Dockerfile, entrypoint, docker-compose.yml.

None of these tests needs a database or a Docker daemon. The compose file is read
through ``docker-compose config`` (which validates and resolves it); the entrypoint
is run with stand-ins for ``python`` and ``gunicorn``; the Dockerfile is read into
its instructions and checked for what the image does.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.urls import resolve
from packaging.specifiers import SpecifierSet

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENTRYPOINT = REPO_ROOT / "docker" / "entrypoint.sh"

PERSONNUMMER_KEY = base64.urlsafe_b64encode(b"compose-config-test-key-00000000").decode()
COMPOSE_SECRETS = {
    "DJANGO_SECRET_KEY": "compose-config-test-key-" + "x" * 40,
    "KLIENTSTOD_PERSONNUMMER_KEYS": PERSONNUMMER_KEY,
    "KLIENTSTOD_PERSONNUMMER_INDEX_KEY": "compose-config-test-index-key",
}


def _clean_env(**overrides: str) -> dict[str, str]:
    """The current environment without the variables the test settings set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "POSTGRES_", "KLIENTSTOD_")) and key != "DATABASE_URL"
    }
    env.update(overrides)
    return env


# --- docker-compose.yml --------------------------------------------------------------


def _compose_config(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    docker_compose = shutil.which("docker-compose")
    if docker_compose is None:
        pytest.skip("docker-compose is not installed: cannot validate docker-compose.yml")
    # An empty env file, so a developer's local .env cannot change the outcome.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def compose(tmp_path: Path) -> dict[str, Any]:
    """The compose file as docker-compose resolves it, with the required secrets given."""
    result = _compose_config(tmp_path, _clean_env(**COMPOSE_SECRETS))
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.parametrize("missing", sorted(COMPOSE_SECRETS))
def test_compose_file_requires_each_secret(tmp_path: Path, missing: str) -> None:
    given = {key: value for key, value in COMPOSE_SECRETS.items() if key != missing}
    result = _compose_config(tmp_path, _clean_env(**given))
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_connects_the_web_service_to_its_database_and_cache(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    web = services["web"]
    env = web["environment"]

    database = urlsplit(env["DATABASE_URL"])
    db = services[database.hostname]
    assert db["image"].startswith("postgres:")
    assert database.username == db["environment"]["POSTGRES_USER"]
    assert database.password == db["environment"]["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == db["environment"]["POSTGRES_DB"]
    # The web service waits until the database answers.
    assert web["depends_on"][database.hostname]["condition"] == "service_healthy"

    cache = urlsplit(env["DJANGO_CACHE_URL"])
    assert cache.scheme == "redis"
    assert services[cache.hostname]["image"].startswith("redis:")
    assert cache.hostname in web["depends_on"]


def test_compose_environment_is_enough_for_the_app_to_pass_its_checks(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    """The web service's environment, as given, starts the production settings."""
    env = {key: str(value) for key, value in compose["services"]["web"]["environment"].items()}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"  # no database server here
    result = _manage_check(_clean_env(DJANGO_SETTINGS_MODULE="klientstod.settings", **env))
    assert result.returncode == 0, result.stderr
    backend = _settings_value(
        env, "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']"
    )
    assert backend == "django.core.cache.backends.redis.RedisCache redis://cache:6379/0"


def test_compose_health_check_asks_the_health_page_on_the_served_port(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    web = compose["services"]["web"]
    command = web["healthcheck"]["test"]
    assert command[0] == "CMD"
    url = urlsplit(re.search(r"https?://[^'\"\s]+", " ".join(command[1:])).group())
    assert resolve(url.path).view_name == "klientstod:health"
    served = _gunicorn_bind_port(tmp_path)
    assert url.port == served
    assert [port["target"] for port in web["ports"]] == [served]


# --- docker/entrypoint.sh ------------------------------------------------------------


def _run_entrypoint(
    tmp_path: Path, *args: str, migrate_fails: bool = False
) -> tuple[int, list[list[str]]]:
    """Run the entrypoint with ``python`` and ``gunicorn`` stand-ins that log their calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    log.write_text("")
    for name in ("python", "gunicorn", "echo-args"):
        stub = bin_dir / name
        status = 1 if (name == "python" and migrate_fails) else 0
        stub.write_text(
            f'#!/bin/sh\nprintf "%s\\n" "$(basename "$0")\t$*" >> "$CALLS_LOG"\nexit {status}\n'
        )
        stub.chmod(0o755)
    result = subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), *args],
        cwd=tmp_path,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "CALLS_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    calls = [
        [line.split("\t")[0], *shlex.split(line.split("\t")[1])]
        for line in log.read_text().splitlines()
    ]
    return result.returncode, calls


def _gunicorn_bind_port(tmp_path: Path) -> int:
    _, calls = _run_entrypoint(tmp_path)
    gunicorn = calls[-1]
    bind = gunicorn[gunicorn.index("--bind") + 1]
    return int(bind.rsplit(":", 1)[1])


def test_entrypoint_migrates_then_serves_the_app_with_three_workers(tmp_path: Path) -> None:
    status, calls = _run_entrypoint(tmp_path)
    assert status == 0
    assert [call[0] for call in calls] == ["python", "gunicorn"], calls
    assert calls[0][1:] == ["manage.py", "migrate", "--noinput"]
    gunicorn = calls[1][1:]
    app = gunicorn[0]
    module, attribute = app.split(":")
    assert module == settings.WSGI_APPLICATION.rsplit(".", 1)[0]
    assert attribute == settings.WSGI_APPLICATION.rsplit(".", 1)[1]
    assert gunicorn[gunicorn.index("--workers") + 1] == "3"
    host, port = gunicorn[gunicorn.index("--bind") + 1].rsplit(":", 1)
    assert host == "0.0.0.0"  # reachable from outside the container
    assert port == "8000"


def test_entrypoint_does_not_serve_when_migrations_fail(tmp_path: Path) -> None:
    status, calls = _run_entrypoint(tmp_path, migrate_fails=True)
    assert status != 0
    assert [call[0] for call in calls] == ["python"]


def test_entrypoint_arguments_replace_the_server_after_migrating(tmp_path: Path) -> None:
    status, calls = _run_entrypoint(tmp_path, "echo-args", "createsuperuser")
    assert status == 0
    assert calls == [
        ["python", "manage.py", "migrate", "--noinput"],
        ["echo-args", "createsuperuser"],
    ]


# --- Dockerfile ----------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    arguments: str

    def words(self) -> list[str]:
        """The arguments as a list: the JSON (exec) form, or split like a shell would."""
        if self.arguments.startswith("["):
            return json.loads(self.arguments)
        return shlex.split(self.arguments)


def dockerfile_instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


@pytest.fixture(scope="module")
def image() -> list[Instruction]:
    """The instructions of the final stage."""
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    last_from = max(i for i, ins in enumerate(instructions) if ins.keyword == "FROM")
    return instructions[last_from:]


def _shell_commands(instruction: Instruction) -> list[list[str]]:
    """A RUN line's commands, split on ``&&``, ``;`` and ``|``."""
    commands: list[list[str]] = [[]]
    lexer = shlex.shlex(instruction.arguments, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    for token in lexer:
        if token in ("&&", ";", "||", "|"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def _image_path(image: list[Instruction], path: str) -> PurePosixPath:
    """Where ``path`` lands in the image, relative paths taken from the WORKDIR."""
    workdir = PurePosixPath("/")
    for instruction in image:
        if instruction.keyword == "WORKDIR":
            workdir = workdir / instruction.arguments
    return workdir / path


def _copies(image: list[Instruction]) -> list[tuple[list[str], PurePosixPath]]:
    copies = []
    for instruction in image:
        if instruction.keyword == "COPY":
            words = [w for w in instruction.words() if not w.startswith("--")]
            copies.append((words[:-1], _image_path(image, words[-1])))
    return copies


def test_image_python_meets_the_projects_requirement(image: list[Instruction]) -> None:
    base = image[0].words()[0]
    match = re.fullmatch(r"python:(\d+\.\d+)[-.\w]*", base)
    assert match, f"not an official Python image: {base}"
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(requires["requires-python"]).contains(f"{match.group(1)}.0")


def test_image_runs_as_an_unprivileged_user_made_in_the_image(image: list[Instruction]) -> None:
    users = [ins.words()[0] for ins in image if ins.keyword == "USER"]
    assert users, "the image would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    made = [
        command
        for ins in image
        if ins.keyword == "RUN"
        for command in _shell_commands(ins)
        if command[0] == "useradd"
    ]
    assert any(command[-1] == user for command in made), f"no useradd for {user}"
    # Nothing runs after the switch to the unprivileged user that could undo it.
    switched = max(i for i, ins in enumerate(image) if ins.keyword == "USER")
    assert not [ins for ins in image[switched:] if ins.keyword == "RUN"]


def test_build_context_holds_everything_the_image_copies(image: list[Instruction]) -> None:
    ignored = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for sources, _ in _copies(image):
        for source in sources:
            assert (REPO_ROOT / source).exists(), f"COPY {source}: not in the repository"
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), (
                f"COPY {source}: excluded from the build context by .dockerignore"
            )


def test_image_holds_every_app_template_static_and_translation(
    image: list[Instruction],
) -> None:
    copied = {PurePosixPath(source).parts[0] for sources, _ in _copies(image) for source in sources}
    needed = {"manage.py"}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        installed = path.is_relative_to(Path(sys.prefix).resolve())  # a virtualenv in the repo
        if path.is_relative_to(REPO_ROOT) and not installed:
            needed.add(path.relative_to(REPO_ROOT).parts[0])
    extra_dirs = [
        *(d for t in settings.TEMPLATES for d in t["DIRS"]),
        *settings.STATICFILES_DIRS,
        *settings.LOCALE_PATHS,
    ]
    needed |= {Path(d).resolve().relative_to(REPO_ROOT).parts[0] for d in extra_dirs}
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"


def test_image_starts_through_the_entrypoint_tested_here(image: list[Instruction]) -> None:
    entrypoints = [ins for ins in image if ins.keyword == "ENTRYPOINT"]
    assert entrypoints
    words = entrypoints[-1].words()
    assert entrypoints[-1].arguments.startswith("["), "exec form, so signals reach gunicorn"
    script = PurePosixPath(words[-1])
    copied_from = [sources for sources, destination in _copies(image) if destination == script]
    assert copied_from == [[str(ENTRYPOINT.relative_to(REPO_ROOT))]]


def test_image_exposes_the_port_the_entrypoint_serves(
    image: list[Instruction], tmp_path: Path
) -> None:
    exposed = [
        int(word.split("/")[0]) for ins in image if ins.keyword == "EXPOSE" for word in ins.words()
    ]
    assert exposed == [_gunicorn_bind_port(tmp_path)]


def test_static_files_are_collected_at_build_time_without_keeping_the_key(
    image: list[Instruction],
) -> None:
    collecting = [
        command
        for ins in image
        if ins.keyword == "RUN"
        for command in _shell_commands(ins)
        if "collectstatic" in command
    ]
    assert collecting, "static files are not collected in the image"
    command = collecting[0]
    # The throwaway key is given to that command only, as a variable assignment.
    assignments = [w for w in command[: command.index("python")] if "=" in w]
    assert any(w.startswith("DJANGO_SECRET_KEY=") for w in assignments)
    assert "--noinput" in command
    # The build-time secret key is not persisted in the image's environment.
    for ins in image:
        if ins.keyword in ("ENV", "ARG"):
            assert "DJANGO_SECRET_KEY" not in ins.arguments


# --- The settings a container starts with --------------------------------------------


def _manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_value(env: dict[str, str], expression: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings as s; print(*[{expression}])"],
        cwd=REPO_ROOT,
        env=_clean_env(DJANGO_SETTINGS_MODULE="klientstod.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


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
        KLIENTSTOD_PERSONNUMMER_KEYS=PERSONNUMMER_KEY,
        KLIENTSTOD_PERSONNUMMER_INDEX_KEY="deployment-test-index-key",
    )
    result = _manage_check(env)
    assert result.returncode == 0, result.stderr


def test_a_cache_url_gives_the_workers_one_shared_cache() -> None:
    cache = "s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION', '')"
    assert _settings_value({"DJANGO_DEBUG": "1"}, cache) == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    assert (
        _settings_value({"DJANGO_DEBUG": "1", "DJANGO_CACHE_URL": "redis://cache:6379/1"}, cache)
        == "django.core.cache.backends.redis.RedisCache redis://cache:6379/1"
    )


# --- The lockfiles -------------------------------------------------------------------


def _locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Each package of a pip-compile lockfile: its version and its hashes."""
    text = path.read_text().replace("\\\n", " ")
    locked = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement, *options = line.split()
            name, version = requirement.split("==")
            hashes = [o.removeprefix("--hash=") for o in options if o.startswith("--hash=")]
            locked[canonical(name)] = (version, hashes)
    return locked


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    return {canonical(r.split("==")[0]): r.split("==")[1] for r in requirements}


def test_lockfiles_hold_the_pins_of_pyproject_and_agree() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    runtime = _locked(REPO_ROOT / "requirements.lock")
    dev = _locked(REPO_ROOT / "requirements-dev.lock")
    for locked, pins in [
        (runtime, _pins(project["dependencies"])),
        (dev, _pins(project["dependencies"] + project["optional-dependencies"]["dev"])),
    ]:
        stale = {name: pin for name, pin in pins.items() if locked.get(name, ("",))[0] != pin}
        assert not stale, f"pyproject.toml pins these differently from its lockfile: {stale}"
        assert all(hashes for _, hashes in locked.values()), "a package without its hashes"
    # The runtime packages are the same in both; the dev lockfile adds to them.
    assert {name: dev.get(name) for name in runtime} == runtime


def test_image_installs_its_dependencies_from_the_lockfile_only(
    image: list[Instruction],
) -> None:
    copied_lock = next(
        i
        for i, ins in enumerate(image)
        if ins.keyword == "COPY" and "requirements.lock" in ins.words()
    )
    installs = [
        (i, command)
        for i, ins in enumerate(image)
        if ins.keyword == "RUN"
        for command in _shell_commands(ins)
        if command[:2] == ["pip", "install"]
    ]
    locked = [(i, c) for i, c in installs if "--require-hashes" in c]
    assert len(locked) == 1
    where, command = locked[0]
    assert command[command.index("-r") + 1] == "requirements.lock"
    assert copied_lock < where
    # Anything else pip installs brings no dependency of its own.
    assert all("--no-deps" in c for _, c in installs if c is not command)


def test_compose_runs_the_reminder_job_with_the_apps_environment(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    worker = services["worker"]
    assert worker["command"][:3] == ["python", "manage.py", "send_reminders"]
    assert "--every" in worker["command"]
    # The same settings as the web service, and only after it migrated the database.
    assert worker["environment"] == services["web"]["environment"]
    assert worker["depends_on"]["web"]["condition"] == "service_healthy"
    assert worker["restart"] == "unless-stopped"
