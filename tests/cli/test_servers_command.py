"""The tokens of the servers `helpdesk run` starts: how `helpdesk rasa` hands its token to Rasa
(inside the process, never on a command line), and `helpdesk run` refusing a weak one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import servers_command
from bot.cli.main import main
from bot.settings import ACTION_SERVER_TOKEN, RASA_API_TOKEN, RASA_CHANNEL_TOKEN


@pytest.fixture(autouse=True)
def compute_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """`helpdesk rasa` sets the compute threads in its environment: undone after each test."""
    for variable in servers_command.COMPUTE_THREADS:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    """A models folder holding one trained model's file."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "config-a.tar.gz").write_bytes(b"model")
    return tmp_path / "models"


def test_rasa_runs_its_api_on_loopback_behind_the_token_even_one_that_looks_like_an_option(
    monkeypatch: pytest.MonkeyPatch, root: Path, model_folder: Path
) -> None:
    import rasa.__main__

    token = "-" + "t" * 42  # token_urlsafe starts one in 64 tokens with "-"
    monkeypatch.setenv(RASA_API_TOKEN, token)
    monkeypatch.setenv(ACTION_SERVER_TOKEN, "a" * 43)
    monkeypatch.setenv(RASA_CHANNEL_TOKEN, "c" * 43)
    parsed = []
    endpoints = []

    def rasa_main() -> None:
        parsed.append(rasa.__main__.create_argument_parser().parse_args(sys.argv[1:]))
        endpoints.append(yaml.safe_load(Path(parsed[-1].endpoints).read_text(encoding="utf-8")))

    monkeypatch.setattr(rasa.__main__, "main", rasa_main)
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("HELPDESK_REDIS_URL", raising=False)
    monkeypatch.setattr(sys, "argv", ["helpdesk"])
    model = str(model_folder / "config-a.tar.gz")
    assert main(["--root", str(root), "rasa", "--port", "5123", "--model", model]) == 0
    (args,) = parsed
    assert (args.auth_token, args.enable_api) == (token, True)
    assert (args.interface, args.port, args.model) == ("127.0.0.1", 5123, model)
    # On SQLite without Redis, Rasa reads the committed endpoints, from a file of this start's.
    assert endpoints == [yaml.safe_load((root / "endpoints.yml").read_text(encoding="utf-8"))]
    assert not Path(args.endpoints).exists()
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


@pytest.mark.parametrize(("extra", "host"), [([], "127.0.0.1"), (["--host", "0.0.0.0"], "0.0.0.0")])
def test_the_action_server_listens_on_loopback_unless_a_container_asks_for_its_interface(
    monkeypatch: pytest.MonkeyPatch, extra: list[str], host: str
) -> None:
    monkeypatch.setenv(ACTION_SERVER_TOKEN, "a" * 43)
    served: list[tuple[str, int, str]] = []
    monkeypatch.setattr("actions.server.serve", lambda *args: served.append(args))
    assert main(["actions", "--port", "5056", *extra]) == 0
    assert served == [("a" * 43, 5056, host)]


def test_rasa_listens_on_the_interface_a_container_asks_for_still_behind_its_token(
    monkeypatch: pytest.MonkeyPatch, root: Path, model_folder: Path
) -> None:
    import rasa.__main__

    monkeypatch.setenv(RASA_API_TOKEN, "t" * 43)
    monkeypatch.setenv(ACTION_SERVER_TOKEN, "a" * 43)
    monkeypatch.setenv(RASA_CHANNEL_TOKEN, "c" * 43)
    parsed = []
    monkeypatch.setattr(
        rasa.__main__,
        "main",
        lambda: parsed.append(rasa.__main__.create_argument_parser().parse_args(sys.argv[1:])),
    )
    monkeypatch.setattr(sys, "argv", ["helpdesk"])
    command = ["--root", str(root), "rasa", "--host", "0.0.0.0", "--model", str(model_folder)]
    assert main(command) == 0
    (args,) = parsed
    assert (args.interface, args.port, args.auth_token) == ("0.0.0.0", 5005, "t" * 43)
    assert args.model == str(model_folder)  # Rasa loads the folder's newest model


@pytest.mark.parametrize("where", ["empty folder", "missing file"])
def test_rasa_without_a_trained_model_stops_and_says_to_train_rather_than_serve_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    root: Path,
    where: str,
) -> None:
    import rasa.__main__

    for name, value in (
        (RASA_API_TOKEN, "t"),
        (ACTION_SERVER_TOKEN, "a"),
        (RASA_CHANNEL_TOKEN, "c"),
    ):
        monkeypatch.setenv(name, value * 43)
    started: list[str] = []
    monkeypatch.setattr(rasa.__main__, "main", lambda: started.append("rasa"))
    model = tmp_path if where == "empty folder" else tmp_path / "config-a.tar.gz"
    assert main(["--root", str(root), "rasa", "--model", str(model)]) == 1
    assert f"Chưa có mô hình nào ở {model}." in capsys.readouterr().err
    assert started == []


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


def test_rasa_runs_tensorflow_and_numpy_on_one_thread_unless_told_otherwise() -> None:
    environ = {"TF_INTRA_OP_PARALLELISM_THREADS": "2"}
    servers_command.one_compute_thread(environ)
    assert environ == {
        "TF_INTRA_OP_PARALLELISM_THREADS": "2",
        "TF_INTER_OP_PARALLELISM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }
