import stat
from pathlib import Path

from bot.assistant.local_desk import internal_tokens, local_secrets, plan, stored_token
from bot.desk.accounts import FIRST_ADMIN_LOGIN, MIN_PASSWORD
from bot.desk.settings import parse_tokens
from bot.settings import ACTION_SERVER_TOKEN, RASA_API_TOKEN, RASA_CHANNEL_TOKEN
from bot.texts import texts


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
    assert all(values.values()) and len(values) == 4


def test_the_built_in_desk_gets_a_first_admin_password_kept_beside_the_tokens(
    tmp_path: Path,
) -> None:
    chosen = plan(tmp_path, {})
    password = chosen.env["HELPDESK_DESK_FIRST_ADMIN_PASSWORD"]
    assert len(password) >= MIN_PASSWORD
    assert chosen.secrets_file is not None
    kept = chosen.secrets_file.read_text()
    assert f"HELPDESK_DESK_FIRST_ADMIN_PASSWORD={password}\n" in kept
    assert stat.S_IMODE(chosen.secrets_file.stat().st_mode) == 0o600
    # The startup line tells which account to sign in with, and where its password is.
    line = texts("bot.chat").say("terminal.desk_address", url="U", file=chosen.secrets_file)
    assert f"tài khoản {FIRST_ADMIN_LOGIN};" in line and str(chosen.secrets_file) in line
    assert "HELPDESK_DESK_FIRST_ADMIN_PASSWORD" in line and password not in line


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


def test_the_internal_tokens_are_long_random_kept_and_overridden_by_the_environment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "local-secrets.env"
    path.write_text("HELPDESK_STORE_KEY=kept-as-it-is")  # no final newline: appended after it
    first = internal_tokens(tmp_path, {})
    assert set(first) == {ACTION_SERVER_TOKEN, RASA_API_TOKEN, RASA_CHANNEL_TOKEN}
    assert all(len(token) >= 32 for token in first.values())
    assert len(set(first.values())) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert internal_tokens(tmp_path, {}) == first
    assert path.read_text().splitlines()[0] == "HELPDESK_STORE_KEY=kept-as-it-is"
    assert stored_token(tmp_path, RASA_API_TOKEN) == first[RASA_API_TOKEN]
    given = {ACTION_SERVER_TOKEN: "a" * 40}
    assert internal_tokens(tmp_path, given)[ACTION_SERVER_TOKEN] == "a" * 40
    assert "a" * 40 not in path.read_text()  # the environment's is never written down
