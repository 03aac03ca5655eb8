"""`bot.kb.import_child`: a child process that answers in time, or is killed and reported."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.kb import import_child
from bot.kb.import_limits import Limits
from tests.kb.hostile import children, wide_row, workbook


def python(code: str) -> list[str]:
    """A child running `code` in place of the reader."""
    return [sys.executable, "-c", code]


def stopped(command: list[str] | None, limits: Limits, request: dict[str, Any]) -> str:
    with pytest.raises(import_child.Stopped) as refused:
        import_child.run(request, limits, command)
    return refused.value.reason


def test_a_child_that_never_answers_is_killed_at_the_deadline_and_reaped() -> None:
    before = children()
    started = time.monotonic()
    reason = stopped(python("while True: pass"), Limits(seconds=0.3), {})
    assert reason == "time"
    assert time.monotonic() - started < 10
    assert children() == before


def test_a_child_that_reads_no_request_and_sleeps_is_killed_as_well() -> None:
    before = children()
    assert stopped(python("import time; time.sleep(60)"), Limits(seconds=0.3), {}) == "time"
    assert children() == before


@pytest.mark.parametrize(
    "code",
    ["import sys; sys.exit(3)", "print('pas du JSON')", "print('[1, 2]')", "print('{}')"],
    ids=["exit status", "not JSON", "not a mapping", "no answer"],
)
def test_a_child_that_fails_or_answers_nonsense_is_reported_as_failed(code: str) -> None:
    assert stopped(python(code), Limits(), {}) == "failed"


def test_a_result_larger_than_the_limit_is_not_read() -> None:
    code = "print('{\"result\": \"' + 'x' * 5000 + '\"}')"
    assert stopped(python(code), Limits(result_bytes=1000), {}) == "result"


def test_the_child_gets_the_request_and_none_of_the_parents_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_TELEGRAM_TOKEN", "bí mật")
    code = (
        "import json, os, sys; request = json.load(sys.stdin); "
        "print(json.dumps({'result': [request, sorted(os.environ)]}))"
    )
    request, environment = import_child.run({"a": [1]}, Limits(), python(code))
    assert request == {"a": [1]}
    assert "HELPDESK_TELEGRAM_TOKEN" not in environment
    assert set(environment) <= {"PATH", "LD_LIBRARY_PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"}


def test_the_real_child_reads_a_file_within_its_limits(tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    path.write_text("id,title\nqlvb.x,Tiêu đề\n", encoding="utf-8")
    request = {"path": str(path), "software": ["qlvb"], "limits": {}}
    answer = import_child.run(request, Limits())
    assert answer["articles"] == {}
    assert "không tìm thấy cột này" in answer["problems"][0]["message"]


def test_the_real_child_refused_memory_says_so_rather_than_failing(tmp_path: Path) -> None:
    path = workbook(tmp_path / "kb.xlsx", wide_row(300_000))
    request = {"path": str(path), "software": [], "limits": {"memory_bytes": 96 * 1024 * 1024}}
    assert stopped(None, Limits(), request) == "memory"
