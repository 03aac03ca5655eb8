"""deploy/Dockerfile: the pinned, hash-checked install, the package without its dependencies,
a user of its own, and every file `COPY` names present and let through by the ignore file."""

from __future__ import annotations

import fnmatch
import re

from tests.deploy.reading import DEPLOY, ROOT

DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
# Instructions, their continuation lines joined.
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def instructions(kind: str) -> list[str]:
    return [line[len(kind) + 1 :] for line in INSTRUCTIONS if line.startswith(kind + " ")]


def test_it_builds_on_python_310_slim_from_the_hash_checked_lock_then_the_package_alone() -> None:
    assert instructions("FROM") == ["python:3.10-slim"]
    runs = " && ".join(instructions("RUN"))
    assert "pip install --require-hashes -r /tmp/requirements.lock" in runs
    assert "pip install --no-deps --no-build-isolation /src" in runs
    assert runs.index("--require-hashes") < runs.index("--no-deps")


def test_it_runs_as_its_own_user_the_manifests_name_and_never_as_root() -> None:
    assert instructions("USER") == ["10001:10001"]
    assert "useradd --create-home --home-dir /home/helpdesk --uid 10001" in DOCKERFILE
    after = INSTRUCTIONS[[line.split()[0] for line in INSTRUCTIONS].index("USER") :]
    assert not [line for line in after if line.startswith("RUN ")]  # nothing runs as root after


def test_every_file_it_copies_is_in_the_repository_and_not_ignored() -> None:
    ignore = [
        line.strip()
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for copy in instructions("COPY"):
        *sources, _ = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            # The last matching rule wins; "!" lets a path back in.
            kept = False
            for rule in ignore:
                pattern = rule.removeprefix("!").rstrip("/")
                if fnmatch.fnmatch(source, pattern) or pattern == "**":
                    kept = rule.startswith("!")
            assert kept, source


def test_the_entrypoint_is_the_command_line_on_the_images_project_folder() -> None:
    assert instructions("WORKDIR") == ["/app"]
    assert instructions("ENTRYPOINT") == ['["helpdesk", "--root", "/app"]']
    # The models volume's mount point, writable by that user (docs/deploy.md, "The model").
    assert "mkdir -p /app/models" in DOCKERFILE and "chown helpdesk:helpdesk /app/models" in (
        DOCKERFILE
    )


def test_no_secret_is_set_in_the_image() -> None:
    for setting in instructions("ENV") + instructions("ARG"):
        assert not re.search(r"TOKEN|SECRET|PASSWORD|_KEY|DATABASE_URL", setting), setting
