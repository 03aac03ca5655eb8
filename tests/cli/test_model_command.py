"""`helpdesk model roll`: what whoever upgrades a deployment reads, replica by replica."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import RASA_API_TOKEN
from tests.support.rasa_replicas import Replica
from tests.support.served import served_in_thread

TOKEN = secrets.token_urlsafe(32)


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    """A trained model's file in the models folder the replicas share."""
    path = tmp_path / "models" / "config-new.tar.gz"
    path.parent.mkdir()
    path.write_bytes(b"model")
    return path


@pytest.fixture
def replicas(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[Replica], list[str]]]:
    monkeypatch.setenv(RASA_API_TOKEN, TOKEN)
    log: list[str] = []
    found = [Replica("rasa-0", TOKEN, log), Replica("rasa-1", TOKEN, log)]
    with ExitStack() as stack:
        yield found, [stack.enter_context(served_in_thread(r.app())) for r in found]


def options(urls: list[str]) -> list[str]:
    return [option for url in urls for option in ("--rasa-url", url)]


def test_roll_says_each_replica_loaded_the_model(
    model_file: Path, replicas: tuple[list[Replica], list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    found, urls = replicas
    assert main(["model", "roll", str(model_file), *options(urls)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said == [f"{url}: đã nạp xong mô hình config-new.tar.gz." for url in urls]
    assert [replica.model_file for replica in found] == [str(model_file)] * 2


def test_a_failed_load_is_said_with_rasas_reason_and_the_rest_keep_the_old_model(
    model_file: Path, replicas: tuple[list[Replica], list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    found, urls = replicas
    found[1].fails_with = 500
    assert main(["model", "roll", str(model_file), *options(urls)]) == 1
    said = capsys.readouterr()
    assert said.out == f"{urls[0]}: đã nạp xong mô hình config-new.tar.gz.\n"
    assert f"{urls[1]}: chưa nạp được mô hình (máy chủ Rasa trả lời lỗi 500:" in said.err
    assert "các máy chủ Rasa chưa đến lượt vẫn trả lời bằng mô hình cũ" in said.err


def test_a_token_rasa_refuses_is_named_by_its_variable_never_shown(
    model_file: Path,
    replicas: tuple[list[Replica], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = secrets.token_urlsafe(32)
    monkeypatch.setenv(RASA_API_TOKEN, wrong)
    _, urls = replicas
    assert main(["model", "roll", str(model_file), *options(urls)]) == 1
    said = capsys.readouterr()
    assert "không nhận mã HELPDESK_RASA_API_TOKEN" in said.err
    assert wrong not in said.err + said.out


@pytest.mark.parametrize("given", ["config-new.tar.gz", "/app/models/khong-co.tar.gz"])
def test_a_model_path_that_is_not_an_absolute_existing_file_is_refused_before_any_call(
    replicas: tuple[list[Replica], list[str]], capsys: pytest.CaptureFixture[str], given: str
) -> None:
    found, urls = replicas
    assert main(["model", "roll", given, *options(urls)]) == 1
    assert f"Không thấy tệp mô hình {given}." in capsys.readouterr().err
    assert found[0].log == []
