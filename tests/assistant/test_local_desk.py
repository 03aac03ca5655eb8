import stat
from pathlib import Path

from bot.assistant.local_desk import local_secrets, plan
from bot.desk.settings import parse_tokens


def test_the_built_in_desk_gets_generated_secrets_kept_for_the_next_run(tmp_path: Path) -> None:
    first = plan(tmp_path, {}, port=8123)
    assert first.start_builtin
    assert first.secrets_file is not None
    assert stat.S_IMODE(first.secrets_file.stat().st_mode) == 0o600
    roles = parse_tokens(first.env["HELPDESK_DESK_TOKENS"])
    assert roles[first.env["HELPDESK_DESK_TOKEN"]] == "assistant"
    assert sorted(roles.values()) == ["assistant", "staff"]
    assert first.env["HELPDESK_DESK_URL"] == "http://127.0.0.1:8123"
    assert first.env["HELPDESK_DESK_DATABASE_URL"] == f"sqlite:///{tmp_path / 'desk.db'}"
    assert len(first.env["HELPDESK_DESK_SESSION_SECRET"]) >= 32
    assert plan(tmp_path, {}, port=8123).env == first.env


def test_an_incomplete_secrets_file_is_generated_again(tmp_path: Path) -> None:
    path = tmp_path / "local-secrets.env"
    path.write_text("HELPDESK_DESK_STAFF_TOKEN=\n")
    values = local_secrets(path)
    assert all(values.values()) and len(values) == 3


def test_a_provinces_own_system_starts_no_desk_and_generates_nothing(tmp_path: Path) -> None:
    environ = {"HELPDESK_DESK_URL": "https://vanban.example.gov.vn", "HELPDESK_DESK_TOKEN": "t"}
    chosen = plan(tmp_path, environ)
    assert not chosen.start_builtin and chosen.env == {}
    assert not (tmp_path / "local-secrets.env").exists()


def test_the_desk_database_url_can_point_at_postgresql(tmp_path: Path) -> None:
    url = "postgresql://helpdesk@db/desk"
    assert (
        plan(tmp_path, {"HELPDESK_DESK_DATABASE_URL": url}).env["HELPDESK_DESK_DATABASE_URL"] == url
    )
