"""The real assistant, trained from the project's data, over its real entry points."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.assistant.processes import free_port, wait_healthy
from bot.assistant.training import Project, train
from bot.kb.loader import KnowledgeBase

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def model(root: Path) -> Path:
    """The assistant's model, trained now if the current one does not exist."""
    return train(Project(root), root / "config.yml")


def helpdesk(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ask_jsonl_answers_a_batch_in_one_process(
    root: Path, model: Path, knowledge_base: KnowledgeBase
) -> None:
    questions = [
        "Tôi quên mật khẩu phần mềm quản lý văn bản",
        "may tinh khong nhan usb token",
        "xin chào",
        "cho tôi gặp người hỗ trợ",
        "giá vàng hôm nay bao nhiêu",
        "",
    ]
    result = helpdesk(root, "ask", "--jsonl", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr[-2000:]
    replies = [json.loads(line) for line in result.stdout.splitlines()]

    assert [r["question"] for r in replies] == questions[:-1]
    for reply in replies:
        assert {"text", "kind", "article", "intent", "confidence"} <= reply.keys()
    assert [r["kind"] for r in replies] == ["answer", "answer", "smalltalk", "handoff", "fallback"]
    assert replies[0]["article"] == "qlvb.quen_mat_khau"
    assert replies[1]["article"] == "kyso.khong_nhan_token"
    title = knowledge_base.articles["qlvb.quen_mat_khau"].title
    assert replies[0]["text"].startswith(title)


def test_ask_one_question_prints_the_answer(root: Path, model: Path) -> None:
    result = helpdesk(root, "ask", "bai kiem tra cuoi khoa bao nhieu diem thi dat")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "thang điểm 10" in result.stdout


@pytest.fixture
def running(root: Path, model: Path, tmp_path: Path) -> Iterator[int]:
    """`helpdesk run` on free ports, as `make run` starts it; yields the web chat port."""
    ports = [free_port() for _ in range(3)]
    env = {**os.environ, "HELPDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'helpdesk.db'}"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli.main",
            "run",
            "--no-terminal",
            "--rasa-port",
            str(ports[0]),
            "--actions-port",
            str(ports[1]),
            "--chat-port",
            str(ports[2]),
        ],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{ports[2]}/health", process, timeout=300)
        yield ports[2]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def test_run_serves_a_web_chat_that_answers_and_stores_feedback(
    running: int, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{running}/api/messages"
    sender = "web-00112233445566778899aabb"
    answer = httpx.post(url, json={"sender": sender, "text": "lam sao doi mk qlvb"}, timeout=60)
    assert answer.status_code == 200
    messages = answer.json()["messages"]
    assert "mật khẩu" in messages[0]["text"].lower()
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/feedback_helpful",
        "/feedback_not_helpful",
    ]

    thanks = httpx.post(url, json={"sender": sender, "text": "/feedback_helpful"}, timeout=60)
    assert thanks.status_code == 200
    from bot.store.database import make_engine
    from bot.store.feedback import FeedbackStore

    store = FeedbackStore(make_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}"))
    assert store.counts("qlvb.doi_mat_khau") == (1, 0)


def test_conversation_stories_pass_rasa_test(root: Path, model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "test",
            "core",
            "--stories",
            "tests/conversations",
            "--model",
            str(model),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
