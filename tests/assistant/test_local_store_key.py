"""`helpdesk run`'s HELPDESK_STORE_KEY: generated once into var/local-secrets.env, never lost."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography.fernet import Fernet

from bot.assistant.local_desk import local_secrets, store_key


def test_a_key_is_generated_once_and_kept_for_every_next_run(tmp_path: Path) -> None:
    first = store_key(tmp_path, {})
    key = first["HELPDESK_STORE_KEY"]
    Fernet(key.encode())  # a key Fernet takes
    secrets = tmp_path / "local-secrets.env"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert store_key(tmp_path, {}) == first


def test_the_key_survives_the_desk_secrets_being_generated_again(tmp_path: Path) -> None:
    key = store_key(tmp_path, {})["HELPDESK_STORE_KEY"]
    secrets = tmp_path / "local-secrets.env"
    # A file from before the desk had all its secrets: they are all generated again.
    secrets.write_text(f"HELPDESK_DESK_STAFF_TOKEN=\nHELPDESK_STORE_KEY={key}", encoding="utf-8")

    values = local_secrets(secrets)

    assert values["HELPDESK_DESK_STAFF_TOKEN"] and values["HELPDESK_STORE_KEY"] == key
    assert store_key(tmp_path, {}) == {"HELPDESK_STORE_KEY": key}


def test_a_key_is_appended_on_a_line_of_its_own(tmp_path: Path) -> None:
    secrets = tmp_path / "local-secrets.env"
    secrets.write_text("HELPDESK_DESK_STAFF_TOKEN=abc", encoding="utf-8")
    key = store_key(tmp_path, {})["HELPDESK_STORE_KEY"]
    lines = secrets.read_text(encoding="utf-8").splitlines()
    assert lines == ["HELPDESK_DESK_STAFF_TOKEN=abc", f"HELPDESK_STORE_KEY={key}"]


def test_a_key_in_the_environment_wins_and_nothing_is_written(tmp_path: Path) -> None:
    assert store_key(tmp_path, {"HELPDESK_STORE_KEY": "set-by-the-office"}) == {}
    assert not (tmp_path / "local-secrets.env").exists()
