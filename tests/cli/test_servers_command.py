"""The tokens of the servers `helpdesk run` starts: how `helpdesk rasa` hands its token to Rasa
(inside the process, never on a command line), and `helpdesk run` refusing a weak one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import ACTION_SERVER_TOKEN, RASA_API_TOKEN, RASA_CHANNEL_TOKEN


def test_rasa_runs_its_api_on_loopback_behind_the_token_even_one_that_looks_like_an_option(
    monkeypatch: pytest.MonkeyPatch, root: Path
) -> None:
    import rasa.__main__

    token = "-" + "t" * 42  # token_urlsafe starts one in 64 tokens with "-"
    monkeypatch.setenv(RASA_API_TOKEN, token)
    monkeypatch.setenv(ACTION_SERVER_TOKEN, "a" * 43)
    monkeypatch.setenv(RASA_CHANNEL_TOKEN, "c" * 43)
    parsed = []
    monkeypatch.setattr(
        rasa.__main__,
        "main",
        lambda: parsed.append(rasa.__main__.create_argument_parser().parse_args(sys.argv[1:])),
    )
    monkeypatch.setattr(sys, "argv", ["helpdesk"])
    assert main(["--root", str(root), "rasa", "--port", "5123", "--model", "m.tar.gz"]) == 0
    (args,) = parsed
    assert (args.auth_token, args.enable_api) == (token, True)
    assert (args.interface, args.port, args.model) == ("127.0.0.1", 5123, "m.tar.gz")
    assert args.endpoints == str(root / "endpoints.yml")
    # The channel's token reaches Rasa through credentials.yml and the environment, never argv.
    assert args.credentials == str(root / "credentials.yml")
    assert not any("c" * 43 in arg for arg in sys.argv)


def test_run_stops_before_anything_on_a_weak_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weak = "weak-action-token"
    monkeypatch.setenv(ACTION_SERVER_TOKEN, weak)
    monkeypatch.delenv(RASA_API_TOKEN, raising=False)
    assert main(["run", "--no-terminal", "--state-dir", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert f"{ACTION_SERVER_TOKEN}: quá ngắn" in error and weak not in error
    # Nothing seeded, trained or started: only the Rasa API's token, generated for next time.
    assert [path.name for path in tmp_path.iterdir()] == ["local-secrets.env"]


def test_the_action_server_stops_at_start_on_a_wrong_office_hours_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = tmp_path / "office_hours.yml"
    wrong.write_text("timezone: Asia/Ho_Chi_Minh\nweek:\n  monday: ['7h30-11h30']\n")
    monkeypatch.setenv(ACTION_SERVER_TOKEN, "a" * 43)
    monkeypatch.setenv("HELPDESK_OFFICE_HOURS_FILE", str(wrong))
    assert main(["actions", "--port", "5999"]) == 1
    assert "HELPDESK_OFFICE_HOURS_FILE: khoảng giờ 7h30-11h30 không đúng dạng" in (
        capsys.readouterr().err
    )
