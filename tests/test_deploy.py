"""What operators deploy: the Dockerfile, the compose files, the systemd unit and the lock.

No Docker daemon is needed: the files are read as Docker, Compose and systemd read them,
and their commands (the image's health check, the entrypoint that never lets exit
status 2 restart) are run here for real. Where `docker info` answers, the image is also
built and `--check`ed.
"""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.requirements import Requirement

from tests.helpers import ROOT

DIGEST = re.compile(r"^python:3\.11-slim@sha256:[0-9a-f]{64}$")


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) as Docker reads them: comments dropped, `\\` lines joined."""
    joined = re.sub(r"\\\n(\s*#.*\n)*", " ", path.read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            found.append((keyword.upper(), " ".join(arguments.split())))
    return found


def env_of(arguments: str) -> dict[str, str]:
    """`ENV A=1 B=2` as a mapping."""
    return dict(word.split("=", 1) for word in shlex.split(arguments))


DOCKERFILE = instructions(ROOT / "Dockerfile")


def the(keyword: str) -> list[str]:
    return [arguments for found, arguments in DOCKERFILE if found == keyword]


def image_env() -> dict[str, str]:
    return {name: value for arguments in the("ENV") for name, value in env_of(arguments).items()}


def test_the_image_runs_unprivileged_with_its_database_in_a_volume() -> None:
    [base] = the("FROM")
    assert DIGEST.match(base), f"the base image is not pinned by digest: {base}"
    [user] = the("USER")
    assert user not in {"root", "0"} and not user.startswith(("root:", "0:"))
    [volume] = the("VOLUME")
    data = PurePosixPath(volume.strip('[]"'))
    database = PurePosixPath(image_env()["TANDEM_DATABASE_PATH"])
    assert database.is_relative_to(data), f"{database} is outside the volume {data}"
    # The folder exists and belongs to the user before the image switches to it: a new
    # named volume starts as a copy of it, owner included.
    switch = DOCKERFILE.index(("USER", user))
    prepared = [
        i
        for i, (keyword, arguments) in enumerate(DOCKERFILE)
        if keyword == "RUN"
        and f"mkdir {data}" in arguments
        and f"chown {user}:{user} {data}" in arguments
    ]
    assert prepared and prepared[0] < switch
    assert DOCKERFILE.index(("VOLUME", volume)) < switch


def test_the_image_installs_exactly_the_lock() -> None:
    runs = " ".join(the("RUN"))
    assert "pip install --require-hashes -r /tmp/run.txt" in runs
    assert "requirements/run.txt /tmp/run.txt" in the("COPY")
    # The project itself adds no dependency and builds with the locked setuptools.
    assert "pip install --no-deps --no-build-isolation /tmp/tandem" in runs
    assert the("ENTRYPOINT") == ['["python", "-m", "bot"]']


def test_dockerignore_keeps_secrets_data_and_environments_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".env", ".venv*", "data"} <= set(ignored)


class Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads the check's exit status."""


@pytest.fixture
def health() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def health_check(port: int) -> int:
    """The image's HEALTHCHECK command as Docker runs it (`sh -c`, with the port in the
    environment), its `python` the one running the tests."""
    [check] = the("HEALTHCHECK")
    command = check.split(" CMD ", 1)[1]
    assert "/healthz" in command and "${TANDEM_METRICS_PORT}" in command
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "TANDEM_METRICS_PORT": str(port)}
    return subprocess.run(["sh", "-c", command], env=env, timeout=30, check=False).returncode


def test_the_health_check_asks_healthz_on_the_metrics_port(
    health: ThreadingHTTPServer,
) -> None:
    assert image_env()["TANDEM_METRICS_PORT"] == "9108"
    port = health.server_address[1]
    Health.status = 200
    assert health_check(port) == 0
    Health.status = 503
    try:
        assert health_check(port) != 0
    finally:
        Health.status = 200
    health.shutdown()
    health.server_close()
    assert health_check(port) != 0  # nothing answers


def compose(name: str) -> dict[str, object]:
    loaded = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_one_sqlite_bot_on_a_named_volume() -> None:
    spec = compose("compose.yaml")
    services = spec["services"]
    assert isinstance(services, dict) and list(services) == ["tandem"]
    tandem = services["tandem"]
    assert tandem["env_file"] == ".env"
    [mount] = tandem["volumes"]
    volume, data = mount.split(":")
    assert volume in spec["volumes"]  # a named volume, not a folder of the host
    database = PurePosixPath(tandem["environment"]["TANDEM_DATABASE_PATH"])
    assert database.is_relative_to(data)
    assert "TANDEM_DATABASE_URL" not in tandem["environment"]
    assert tandem["entrypoint"] == ["no-restart-on-exit-2", "python", "-m", "bot"]
    assert tandem["restart"] == "unless-stopped"


def test_compose_on_postgres_keeps_the_password_out_of_urls_and_runs_every_shard_once() -> None:
    spec = compose("compose.postgres.yaml")
    services = spec["services"]
    assert isinstance(services, dict)
    bots = [service for name, service in services.items() if name.startswith("tandem")]
    assert len(bots) == 2
    shards = []
    for bot in bots:
        env = bot["environment"]
        url = urlsplit(env["TANDEM_DATABASE_URL"])
        assert url.scheme == "postgresql" and url.password is None
        assert env["PGPASSWORD"].startswith("${POSTGRES_PASSWORD")
        shards += [int(shard) for shard in env["TANDEM_SHARD_IDS"].split(",")]
        assert bot["entrypoint"][0] == "no-restart-on-exit-2"
        assert bot["restart"] == "unless-stopped"
        assert int(env["TANDEM_SHARD_COUNT"]) == len(bots)
    assert sorted(shards) == list(range(len(bots)))
    text = (ROOT / "compose.postgres.yaml").read_text(encoding="utf-8")
    assert not re.search(r"postgres(ql)?://[^/\s]*:[^/\s]*@", text), "a password in a URL"


def unit() -> dict[str, list[str]]:
    """Each `Key=value` of the systemd unit; keys may repeat, as systemd allows."""
    found: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "tandem.service").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_systemd_unit_restarts_crashes_but_not_exit_2_and_writes_only_its_data() -> None:
    keys = unit()
    assert keys["Restart"] == ["on-failure"]
    assert keys["RestartPreventExitStatus"] == ["2"]
    assert keys["User"][0] not in {"root", "0"}
    assert keys["ProtectSystem"] == ["strict"]
    [database] = [
        value.split("=", 1)[1]
        for value in keys["Environment"]
        if value.startswith("TANDEM_DATABASE_PATH=")
    ]
    writable = [PurePosixPath(path) for path in keys["ReadWritePaths"][0].split()]
    assert any(PurePosixPath(database).is_relative_to(path) for path in writable)
    assert keys["WorkingDirectory"] and keys["EnvironmentFile"]


NO_RESTART = str(ROOT / "deploy" / "no-restart-on-exit-2")


def test_the_entrypoint_is_in_the_image() -> None:
    assert "deploy/no-restart-on-exit-2 /usr/local/bin/no-restart-on-exit-2" in the("COPY")


@pytest.mark.parametrize("status", [0, 1, 3])
def test_no_restart_on_exit_2_passes_every_other_status(status: int) -> None:
    done = subprocess.run(
        [NO_RESTART, "sh", "-c", f"exit {status}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stderr) == (status, "")


def started(*command: str) -> subprocess.Popen[str]:
    """The entrypoint running `command`, once the command said `up`."""
    process = subprocess.Popen(
        [NO_RESTART, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "up\n"
    return process


def stopped(process: subprocess.Popen[str]) -> tuple[int, str]:
    """`docker stop`: SIGTERM, and how soon and how it ended (Docker kills after 30 s)."""
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=30)
    assert time.monotonic() - began < 10
    return process.returncode, errors


def test_after_exit_2_it_waits_for_docker_stop_instead_of_exiting() -> None:
    """Exiting would hand the container to the restart policy: a login loop."""
    process = started("sh", "-c", "echo up; echo 'tandem: Discord rejected the token' >&2; exit 2")
    time.sleep(0.5)
    assert process.poll() is None  # still there: nothing for Docker to restart
    status, errors = stopped(process)
    assert status == 0
    assert errors.splitlines() == [
        "tandem: Discord rejected the token",
        "no-restart-on-exit-2: not restarting after exit status 2 (see the line above);"
        " fix the setting, then recreate the container (docker compose up -d)",
    ]


def test_sigterm_reaches_the_bot_so_it_stops_cleanly(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    bot = (
        "import pathlib, signal, sys, time\n"
        "def stop(*_):\n"
        f"    pathlib.Path({str(clean)!r}).write_text('stopped')\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )
    assert stopped(started(sys.executable, "-c", bot)) == (0, "")
    assert clean.read_text() == "stopped"


def locked(name: str) -> dict[str, str]:
    """Package -> pinned version of requirements/<name>, each pin with its hashes."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    pins = {}
    for entry in re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2]):
        requirement = entry.split(";")[0].split("\\")[0].strip()
        assert "--hash=sha256:" in entry, f"{requirement} has no hash"
        package, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned"
        pins[package] = version
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_pins_every_dependency_within_pyproject_ranges() -> None:
    """A dependency added to pyproject.toml without `scripts/lock` fails here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    run, dev = locked("run.txt"), locked("dev.txt")
    wanted = {
        "run.txt": project["project"]["dependencies"] + project["build-system"]["requires"],
        "dev.txt": project["project"]["optional-dependencies"]["dev"],
    }
    for name, requirements in wanted.items():
        pins = run if name == "run.txt" else dev
        for line in requirements:
            requirement = Requirement(line)
            version = pins.get(canonical(requirement.name))
            assert version is not None, f"{requirement.name} is not in {name}: run scripts/lock"
            assert requirement.specifier.contains(version), f"{name}: {requirement} {version}"
    # The runtime runs what the tests ran against.
    assert {package: dev[package] for package in run} == run


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        answer = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return False
    return answer.returncode == 0


@pytest.mark.skipif(not docker_answers(), reason="no Docker daemon answers `docker info`")
def test_the_image_builds_and_checks_its_settings_and_database() -> None:
    tag = "tandem-test:deploy"
    subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=1800)
    checked = subprocess.run(
        ["docker", "run", "--rm", tag, "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "settings and database OK (SQLite /data/tandem.db" in checked.stderr
