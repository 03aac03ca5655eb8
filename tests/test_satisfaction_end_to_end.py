"""Satisfaction over the real assistant: a resolved ticket's question, the answer, the report.

The trained model, `helpdesk run` (desk, action server, Rasa, web chat, notifier) and the web
chat as a page uses it: the rule and the comment form only work as a trained model reads them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import WEBCHAT_SECRET
from tests.report.page import read
from tests.support.running import Running, helpdesk_run
from tests.support.webchat import WebChatUser

pytestmark = pytest.mark.slow


@pytest.fixture
def running(root: Path, model: Path, tmp_path: Path) -> Iterator[Running]:
    """`helpdesk run` on free ports, as `make run` starts it, with its state in tmp_path."""
    with helpdesk_run(root, tmp_path) as running:
        yield running


def ticket_from_chat(chat: WebChatUser) -> str:
    """Ask, ask for a person and fill the form as an official does; the ticket's code."""
    chat.say("máy tính không nhận usb token ký số")
    chat.say("cho tôi gặp cán bộ hỗ trợ")
    chat.press("/affirm")
    chat.say("Chữ ký số")
    chat.press("/affirm")
    chat.say("UBND xã Tân Phú")
    chat.say("0912 345 678")
    created = chat.press("/affirm")[0]["text"]
    found = re.search(r"HT-[0-9]{6}", created)
    assert found is not None, created
    return found.group()


def rating_question(chat: WebChatUser, code: str) -> list[dict[str, Any]]:
    """The notices up to the rating question, waited for as the page polls."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        messages = chat.inbox()["messages"]
        if any(m.get("buttons") and code in m["text"] for m in messages):
            return list(messages)
        time.sleep(0.2)
    raise AssertionError(f"no rating question for {code}")


def test_a_resolved_ticket_is_rated_in_the_web_chat_and_shown_in_the_report(
    running: Running, root: Path, tmp_path: Path
) -> None:
    secrets = running.secrets()
    chat = WebChatUser(f"http://127.0.0.1:{running.chat}", secrets[WEBCHAT_SECRET])
    code = ticket_from_chat(chat)
    staff = httpx.Client(
        base_url=f"http://127.0.0.1:{running.desk}",
        headers={"Authorization": f"Bearer {secrets['HELPDESK_DESK_STAFF_TOKEN']}"},
        timeout=30,
    )
    resolved = staff.post(
        f"/api/v1/tickets/{code}/status", json={"status": "resolved", "author": "Lê Văn C"}
    )
    assert resolved.status_code == 200

    chat.last = rating_question(chat, code)
    four = f'/rate_ticket{{"ticket_code":"{code}","rating_score":"4"}}'
    thanked = chat.press(four)
    assert f"đánh giá phiếu {code} 4/5 sao" in thanked[0]["text"]
    assert chat.payloads(thanked) == ["/cancel"]  # the comment is asked for, and may be skipped
    commented = chat.say("Cán bộ gọi lại hướng dẫn rất tận tình")
    assert "ghi nhận góp ý" in commented[0]["text"]
    chat.close()

    rated = staff.get("/api/v1/ratings").json()["ratings"]
    assert [(r["code"], r["score"], r["comment"], r["staff"]) for r in rated] == [
        (code, 4, "Cán bộ gọi lại hướng dẫn rất tận tình", "Lê Văn C")
    ]
    out = tmp_path / "report.html"
    options = ["--tracker-db", f"sqlite:///{running.state / 'rasa_tracker.db'}"]
    options += ["--database-url", f"sqlite:///{running.state / 'helpdesk.db'}"]
    env = {
        "HELPDESK_DESK_URL": f"http://127.0.0.1:{running.desk}",
        "HELPDESK_DESK_TOKEN": secrets["HELPDESK_DESK_ASSISTANT_TOKEN"],
    }
    clean = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
    made = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "report", "--out", str(out), *options],
        cwd=root,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    section = read(out.read_text(encoding="utf-8")).one("section", id="satisfaction")
    staff_row = section.one("tr", data_group="staff", data_key="Lê Văn C")
    assert [c.text for c in staff_row.children[1:]] == ["1", "4,0", "100,0%"]
